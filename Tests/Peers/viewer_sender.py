"""Sends spans, metrics and log records to the telemetry viewer's OTLP receiver with the official Python SDK
exporters, and exits non-zero unless every export succeeded.

Usage: viewer_sender.py --endpoint HOST:PORT --protocol grpc|http [--compression none|gzip]
                        [--service-name NAME] [--spans N] [--logs N]

Prints one JSON line describing what it sent, for the test to compare with what the receiver stored.
"""

import argparse
import json
import sys

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, LogRecordExportResult, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricExportResult
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def make_exporters(protocol, endpoint, compression):
    if protocol == "grpc":
        import grpc
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        grpc_compression = grpc.Compression.Gzip if compression == "gzip" else grpc.Compression.NoCompression
        options = dict(endpoint=endpoint, insecure=True, compression=grpc_compression, timeout=10)
        return OTLPSpanExporter(**options), OTLPMetricExporter(**options), OTLPLogExporter(**options)

    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    http_compression = Compression.Gzip if compression == "gzip" else Compression.NoCompression
    base = f"http://{endpoint}"
    return (
        OTLPSpanExporter(endpoint=f"{base}/v1/traces", compression=http_compression, timeout=10),
        OTLPMetricExporter(endpoint=f"{base}/v1/metrics", compression=http_compression, timeout=10),
        OTLPLogExporter(endpoint=f"{base}/v1/logs", compression=http_compression, timeout=10),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--protocol", choices=["grpc", "http"], required=True)
    parser.add_argument("--compression", choices=["none", "gzip"], default="none")
    parser.add_argument("--service-name", default="viewer-sender")
    parser.add_argument("--spans", type=int, default=3)
    parser.add_argument("--logs", type=int, default=2)
    args = parser.parse_args()

    resource = Resource.create({"service.name": args.service_name})
    span_exporter, metric_exporter, log_exporter = make_exporters(args.protocol, args.endpoint, args.compression)

    # Collect in memory first, then export once: the export result is then this script's to check.
    spans_in_memory = InMemorySpanExporter()
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans_in_memory))
    tracer = tracer_provider.get_tracer("viewer-sender", "1.0")
    with tracer.start_as_current_span("parent") as parent:
        parent.set_attribute("http.status_code", 200)
        for index in range(args.spans - 1):
            with tracer.start_as_current_span(f"child-{index}") as child:
                child.set_attribute("index", index)
    spans = spans_in_memory.get_finished_spans()

    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = meter_provider.get_meter("viewer-sender", "1.0")
    meter.create_counter("requests", unit="1").add(5, {"route": "/a"})
    meter.create_histogram("latency", unit="ms").record(12.5, {"route": "/a"})
    metrics_data = reader.get_metrics_data()

    logs_in_memory = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs_in_memory))
    logger = logger_provider.get_logger("viewer-sender", "1.0")
    for index in range(args.logs):
        logger.emit(severity_number=SeverityNumber.WARN, severity_text="WARN", body=f"log-{index}")
    logs = logs_in_memory.get_finished_logs()

    results = {
        "traces": span_exporter.export(spans) == SpanExportResult.SUCCESS,
        "metrics": metric_exporter.export(metrics_data) == MetricExportResult.SUCCESS,
        "logs": log_exporter.export(logs) == LogRecordExportResult.SUCCESS,
    }
    for exporter in (span_exporter, metric_exporter, log_exporter):
        exporter.shutdown()
    print(json.dumps({
        "results": results,
        "spans": sorted(span.name for span in spans),
        "metrics": ["latency", "requests"],
        "logs": len(logs),
    }), flush=True)
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
