"""Builds OTLP export requests with the official definitions (opentelemetry-proto) for the viewer's decoder tests.

Usage: viewer_requests.py                 prints {"cases": [...]} on stdout
       viewer_requests.py --corpus DIR    also writes each case's bodies into DIR/protobuf and DIR/json (fuzz seeds)

Each case is {"name", "signal", "protobuf": <hex>, "json": [<OTLP/JSON texts>], "expected": <batch>}. "expected" is
what the decoder must produce, written from the request message field by field in a canonical shape that the Swift
test also writes from its ReceivedBatch (see DecodingConformanceTests.swift):

  batch     {"spans": [...], "metrics": [...], "logRecords": [...], "rejected": "<count>"}
  value     {"string": s} | {"bool": b} | {"int": "<int64>"} | {"double": d} | {"bytes": "<hex>"}
            | {"array": [value...]} | {"kvlist": [[key, value]...]} | {"empty": true}
  d         a double as the decimal string of its IEEE 754 bits, or "nan"
  ids       lowercase hex, all zeros when absent; 64-bit integers as decimal strings

The decoder stamps every item with its resource and scope (each with its envelope's schema_url) and leaves out
items that the OTLP specification calls invalid; the expectation applies the same rules independently:
  span:       trace_id not 16 non-zero bytes, span_id not 8 non-zero bytes, parent_span_id or a link's ids of a
              size other than 0 or 16/8
  log record: trace_id or span_id of a size other than 0 or 16/8
  data point: an exemplar's ids of a size other than 0 or 16/8; a histogram point whose bucket_counts are neither
              empty nor one more than its explicit_bounds
  metric:     one with no data is dropped (it has no points to count)
JSON bodies are json_format's output with ids turned into hex, as the OTLP specification requires: once with
lowerCamelCase keys and enum names, once with the proto field names and enum numbers.
"""

import argparse
import base64
import json
import logging
import math
import os
import struct
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

# ---------------------------------------------------------------------------------------------------------------
# The canonical shape.


def double(value):
    if math.isnan(value):
        return "nan"
    return str(struct.unpack("<Q", struct.pack("<d", value))[0])


def any_value(value):
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return {"string": value.string_value}
    if kind == "bool_value":
        return {"bool": value.bool_value}
    if kind == "int_value":
        return {"int": str(value.int_value)}
    if kind == "double_value":
        return {"double": double(value.double_value)}
    if kind == "bytes_value":
        return {"bytes": value.bytes_value.hex()}
    if kind == "array_value":
        return {"array": [any_value(item) for item in value.array_value.values]}
    if kind == "kvlist_value":
        return {"kvlist": attributes(value.kvlist_value.values)}
    return {"empty": True}


def attributes(key_values):
    return [[entry.key, any_value(entry.value)] for entry in key_values]


def trace_id(raw):
    return raw.hex() if len(raw) == 16 else "0" * 32


def span_id(raw):
    return raw.hex() if len(raw) == 8 else "0" * 16


def resource(message, schema_url):
    return {
        "attributes": attributes(message.attributes),
        "dropped": message.dropped_attributes_count,
        "schemaUrl": schema_url,
    }


def scope(message, schema_url):
    return {
        "name": message.name,
        "version": message.version,
        "attributes": attributes(message.attributes),
        "dropped": message.dropped_attributes_count,
        "schemaUrl": schema_url,
    }


def optional_ids_ok(trace, span):
    return len(trace) in (0, 16) and len(span) in (0, 8)


def enum_or_zero(value, known):
    return value if value in known else 0


def expected_traces(request):
    spans, rejected = [], 0
    for resource_spans in request.resource_spans:
        stamped_resource = resource(resource_spans.resource, resource_spans.schema_url)
        for scope_spans in resource_spans.scope_spans:
            stamped_scope = scope(scope_spans.scope, scope_spans.schema_url)
            for span in scope_spans.spans:
                valid = (
                    len(span.trace_id) == 16 and any(span.trace_id)
                    and len(span.span_id) == 8 and any(span.span_id)
                    and len(span.parent_span_id) in (0, 8)
                    and all(optional_ids_ok(link.trace_id, link.span_id) for link in span.links)
                )
                if not valid:
                    rejected += 1
                    continue
                spans.append({
                    "resource": stamped_resource,
                    "scope": stamped_scope,
                    "traceId": trace_id(span.trace_id),
                    "spanId": span_id(span.span_id),
                    "parentSpanId": span_id(span.parent_span_id),
                    "traceState": span.trace_state,
                    "flags": span.flags,
                    "name": span.name,
                    "kind": enum_or_zero(span.kind, range(6)),
                    "start": str(span.start_time_unix_nano),
                    "end": str(span.end_time_unix_nano),
                    "attributes": attributes(span.attributes),
                    "dropped": span.dropped_attributes_count,
                    "events": [{
                        "time": str(event.time_unix_nano),
                        "name": event.name,
                        "attributes": attributes(event.attributes),
                        "dropped": event.dropped_attributes_count,
                    } for event in span.events],
                    "droppedEvents": span.dropped_events_count,
                    "links": [{
                        "traceId": trace_id(link.trace_id),
                        "spanId": span_id(link.span_id),
                        "traceState": link.trace_state,
                        "attributes": attributes(link.attributes),
                        "dropped": link.dropped_attributes_count,
                        "flags": link.flags,
                    } for link in span.links],
                    "droppedLinks": span.dropped_links_count,
                    "statusCode": enum_or_zero(span.status.code, range(3)),
                    "statusMessage": span.status.message,
                })
    return {"spans": spans, "metrics": [], "logRecords": [], "rejected": str(rejected)}


def number(message):
    if message.WhichOneof("value") == "as_double":
        return {"double": double(message.as_double)}
    return {"int": str(message.as_int)}


def exemplars(values):
    return [{
        "filteredAttributes": attributes(exemplar.filtered_attributes),
        "time": str(exemplar.time_unix_nano),
        "value": number(exemplar),
        "traceId": trace_id(exemplar.trace_id),
        "spanId": span_id(exemplar.span_id),
    } for exemplar in values]


def exemplars_ok(values):
    return all(optional_ids_ok(exemplar.trace_id, exemplar.span_id) for exemplar in values)


def optional_double(message, field):
    return double(getattr(message, field)) if message.HasField(field) else None


def buckets(message):
    return {"offset": message.offset, "bucketCounts": [str(count) for count in message.bucket_counts]}


def expected_data(metric):
    """The metric's canonical data and how many of its points are rejected, or None when it has no data."""
    kind = metric.WhichOneof("data")
    if kind is None:
        return None, 0
    rejected = 0
    points = []
    temporality = None
    if kind in ("gauge", "sum"):
        container = getattr(metric, kind)
        for point in container.data_points:
            if not exemplars_ok(point.exemplars):
                rejected += 1
                continue
            points.append({
                "attributes": attributes(point.attributes),
                "start": str(point.start_time_unix_nano),
                "time": str(point.time_unix_nano),
                "value": number(point),
                "exemplars": exemplars(point.exemplars),
                "flags": point.flags,
            })
        if kind == "sum":
            return {
                "kind": "sum", "points": points,
                "temporality": enum_or_zero(container.aggregation_temporality, range(3)),
                "monotonic": container.is_monotonic,
            }, rejected
        return {"kind": "gauge", "points": points}, rejected
    if kind == "histogram":
        for point in metric.histogram.data_points:
            counts_ok = len(point.bucket_counts) in (0, len(point.explicit_bounds) + 1)
            if not exemplars_ok(point.exemplars) or not counts_ok:
                rejected += 1
                continue
            points.append({
                "attributes": attributes(point.attributes),
                "start": str(point.start_time_unix_nano),
                "time": str(point.time_unix_nano),
                "count": str(point.count),
                "sum": optional_double(point, "sum"),
                "bucketCounts": [str(count) for count in point.bucket_counts],
                "explicitBounds": [double(bound) for bound in point.explicit_bounds],
                "exemplars": exemplars(point.exemplars),
                "flags": point.flags,
                "min": optional_double(point, "min"),
                "max": optional_double(point, "max"),
            })
        temporality = enum_or_zero(metric.histogram.aggregation_temporality, range(3))
        return {"kind": "histogram", "points": points, "temporality": temporality}, rejected
    if kind == "exponential_histogram":
        for point in metric.exponential_histogram.data_points:
            if not exemplars_ok(point.exemplars):
                rejected += 1
                continue
            points.append({
                "attributes": attributes(point.attributes),
                "start": str(point.start_time_unix_nano),
                "time": str(point.time_unix_nano),
                "count": str(point.count),
                "sum": optional_double(point, "sum"),
                "scale": point.scale,
                "zeroCount": str(point.zero_count),
                "positive": buckets(point.positive),
                "negative": buckets(point.negative),
                "flags": point.flags,
                "exemplars": exemplars(point.exemplars),
                "min": optional_double(point, "min"),
                "max": optional_double(point, "max"),
                "zeroThreshold": double(point.zero_threshold),
            })
        temporality = enum_or_zero(metric.exponential_histogram.aggregation_temporality, range(3))
        return {"kind": "exponentialHistogram", "points": points, "temporality": temporality}, rejected
    for point in metric.summary.data_points:
        points.append({
            "attributes": attributes(point.attributes),
            "start": str(point.start_time_unix_nano),
            "time": str(point.time_unix_nano),
            "count": str(point.count),
            "sum": double(point.sum),
            "quantiles": [[double(q.quantile), double(q.value)] for q in point.quantile_values],
            "flags": point.flags,
        })
    return {"kind": "summary", "points": points}, rejected


def expected_metrics(request):
    metrics, rejected = [], 0
    for resource_metrics in request.resource_metrics:
        stamped_resource = resource(resource_metrics.resource, resource_metrics.schema_url)
        for scope_metrics in resource_metrics.scope_metrics:
            stamped_scope = scope(scope_metrics.scope, scope_metrics.schema_url)
            for metric in scope_metrics.metrics:
                data, rejected_points = expected_data(metric)
                rejected += rejected_points
                if data is None:
                    continue
                metrics.append({
                    "resource": stamped_resource,
                    "scope": stamped_scope,
                    "name": metric.name,
                    "description": metric.description,
                    "unit": metric.unit,
                    "metadata": attributes(metric.metadata),
                    "data": data,
                })
    return {"spans": [], "metrics": metrics, "logRecords": [], "rejected": str(rejected)}


def expected_logs(request):
    records, rejected = [], 0
    for resource_logs in request.resource_logs:
        stamped_resource = resource(resource_logs.resource, resource_logs.schema_url)
        for scope_logs in resource_logs.scope_logs:
            stamped_scope = scope(scope_logs.scope, scope_logs.schema_url)
            for record in scope_logs.log_records:
                if not optional_ids_ok(record.trace_id, record.span_id):
                    rejected += 1
                    continue
                records.append({
                    "resource": stamped_resource,
                    "scope": stamped_scope,
                    "time": str(record.time_unix_nano),
                    "observedTime": str(record.observed_time_unix_nano),
                    "severityNumber": record.severity_number,
                    "severityText": record.severity_text,
                    "body": any_value(record.body) if record.HasField("body") else {"empty": True},
                    "attributes": attributes(record.attributes),
                    "dropped": record.dropped_attributes_count,
                    "flags": record.flags,
                    "traceId": trace_id(record.trace_id),
                    "spanId": span_id(record.span_id),
                    "eventName": record.event_name,
                })
    return {"spans": [], "metrics": [], "logRecords": records, "rejected": str(rejected)}


EXPECTATIONS = {"traces": expected_traces, "metrics": expected_metrics, "logs": expected_logs}

# ---------------------------------------------------------------------------------------------------------------
# OTLP/JSON: json_format's mapping, with ids in hex as the OTLP specification requires.

ID_KEYS = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}


def hex_ids(node):
    if isinstance(node, dict):
        return {
            key: (base64.b64decode(value).hex() if key in ID_KEYS and isinstance(value, str) else hex_ids(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [hex_ids(item) for item in node]
    return node


def json_bodies(request):
    camel = hex_ids(json_format.MessageToDict(request))
    snake = hex_ids(json_format.MessageToDict(
        request, preserving_proto_field_name=True, use_integers_for_enums=True))
    return [json.dumps(camel), json.dumps(snake, indent=1)]

# ---------------------------------------------------------------------------------------------------------------
# Hand-built requests that set every field.


def value(python):
    result = common_pb2.AnyValue()
    if python is None:
        return result
    if isinstance(python, bool):
        result.bool_value = python
    elif isinstance(python, int):
        result.int_value = python
    elif isinstance(python, float):
        result.double_value = python
    elif isinstance(python, bytes):
        result.bytes_value = python
    elif isinstance(python, str):
        result.string_value = python
    elif isinstance(python, list):
        result.array_value.values.extend(value(item) for item in python)
    elif isinstance(python, dict):
        result.kvlist_value.values.extend(kv(key, item) for key, item in python.items())
    return result


def kv(key, python):
    return common_pb2.KeyValue(key=key, value=value(python))


def rich_attributes(prefix=""):
    return [
        kv(prefix + "string", "héllo \"wörld\" \\ \n\t 🌍 日本"),
        kv(prefix + "empty.string", ""),
        kv(prefix + "bool", True),
        kv(prefix + "bool.false", False),
        kv(prefix + "int", -9223372036854775808),
        kv(prefix + "int.max", 9223372036854775807),
        kv(prefix + "double", 3.141592653589793),
        kv(prefix + "double.tiny", 5e-324),
        kv(prefix + "double.negative.zero", -0.0),
        kv(prefix + "double.nan", float("nan")),
        kv(prefix + "double.inf", float("inf")),
        kv(prefix + "double.-inf", float("-inf")),
        kv(prefix + "bytes", bytes(range(256))),
        kv(prefix + "array", ["a", 1, 2.5, True, b"\x00\xff", None, ["nested", ["deeper"]], {"k": "v"}]),
        kv(prefix + "kvlist", {"inner": {"deepest": [1, 2, 3]}, "empty": None, "s": "x"}),
        kv(prefix + "unset", None),
    ]


def rich_resource():
    return resource_pb2.Resource(
        attributes=[kv("service.name", "orders"), kv("service.version", "1.2.3")] + rich_attributes("resource."),
        dropped_attributes_count=3,
    )


def rich_scope(name):
    return common_pb2.InstrumentationScope(
        name=name, version="0.9.1", attributes=[kv("scope.attribute", 42)], dropped_attributes_count=1)


TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")
SPAN_ID = bytes.fromhex("eee19b7ec3c1b174")
PARENT_ID = bytes.fromhex("0102030405060708")


def rich_traces():
    full = trace_pb2.Span(
        trace_id=TRACE_ID, span_id=SPAN_ID, parent_span_id=PARENT_ID, trace_state="vendor=value,other=1",
        flags=0x301, name="GET /orders/{id} — 注文", kind=trace_pb2.Span.SPAN_KIND_SERVER,
        start_time_unix_nano=1_700_000_000_123_456_789, end_time_unix_nano=18_446_744_073_709_551_615,
        attributes=rich_attributes(), dropped_attributes_count=7,
        events=[
            trace_pb2.Span.Event(time_unix_nano=1_700_000_000_200_000_000, name="exception",
                                 attributes=[kv("exception.type", "ValueError"), kv("exception.message", "bad")],
                                 dropped_attributes_count=2),
            trace_pb2.Span.Event(time_unix_nano=1, name=""),
        ],
        dropped_events_count=5,
        links=[
            trace_pb2.Span.Link(trace_id=bytes.fromhex("0af7651916cd43dd8448eb211c80319c"),
                                span_id=bytes.fromhex("b7ad6b7169203331"), trace_state="k=v",
                                attributes=[kv("link.kind", "follows")], dropped_attributes_count=1, flags=0x101),
            trace_pb2.Span.Link(attributes=[kv("kept.for", "its attributes")]),
        ],
        dropped_links_count=9,
        status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_ERROR, message="it broke"),
    )
    root = trace_pb2.Span(trace_id=TRACE_ID, span_id=PARENT_ID, name="", start_time_unix_nano=0,
                          end_time_unix_nano=0)
    ok = trace_pb2.Span(trace_id=TRACE_ID, span_id=bytes.fromhex("0000000000000001"), name="ok",
                        kind=trace_pb2.Span.SPAN_KIND_CLIENT, status=trace_pb2.Status(code=1))
    unknown_kind = trace_pb2.Span(trace_id=TRACE_ID, span_id=bytes.fromhex("00000000000000ff"), name="odd", kind=9,
                                  status=trace_pb2.Status(code=7))
    consumer = trace_pb2.Span(trace_id=bytes.fromhex("ffffffffffffffffffffffffffffffff"),
                              span_id=bytes.fromhex("ffffffffffffffff"), name="consumer",
                              kind=trace_pb2.Span.SPAN_KIND_CONSUMER)
    rejected = [
        trace_pb2.Span(trace_id=TRACE_ID[:12], span_id=SPAN_ID, name="short trace id"),
        trace_pb2.Span(trace_id=TRACE_ID, span_id=bytes(8), name="zero span id"),
        trace_pb2.Span(span_id=SPAN_ID, name="no trace id"),
        trace_pb2.Span(trace_id=bytes(16), span_id=SPAN_ID, name="zero trace id"),
        trace_pb2.Span(trace_id=TRACE_ID, span_id=SPAN_ID, parent_span_id=b"\x01\x02\x03", name="short parent"),
        trace_pb2.Span(trace_id=TRACE_ID, span_id=SPAN_ID, name="bad link",
                       links=[trace_pb2.Span.Link(trace_id=b"\x01" * 5, span_id=SPAN_ID)]),
    ]
    return trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(
            resource=rich_resource(), schema_url="https://opentelemetry.io/schemas/1.26.0",
            scope_spans=[
                trace_pb2.ScopeSpans(scope=rich_scope("io.example.http"), schema_url="https://scope/1",
                                     spans=[full, root] + rejected[:3]),
                trace_pb2.ScopeSpans(spans=[ok, unknown_kind] + rejected[3:]),
            ]),
        trace_pb2.ResourceSpans(scope_spans=[trace_pb2.ScopeSpans(spans=[consumer])]),
        trace_pb2.ResourceSpans(),
    ])


def exemplar(as_int=None, as_double=None, trace=TRACE_ID, span=SPAN_ID):
    result = metrics_pb2.Exemplar(
        filtered_attributes=[kv("filtered", "yes")], time_unix_nano=1_700_000_000_000_000_001,
        trace_id=trace, span_id=span)
    if as_int is not None:
        result.as_int = as_int
    if as_double is not None:
        result.as_double = as_double
    return result


def rich_metrics():
    start, time = 1_700_000_000_000_000_000, 1_700_000_010_000_000_000
    gauge = metrics_pb2.Metric(name="queue.depth", description="items waiting", unit="{item}", gauge=metrics_pb2.Gauge(
        data_points=[
            metrics_pb2.NumberDataPoint(attributes=[kv("queue", "a")], start_time_unix_nano=start,
                                        time_unix_nano=time, as_int=-42, flags=1,
                                        exemplars=[exemplar(as_int=7), exemplar(as_double=0.5, trace=b"", span=b"")]),
            metrics_pb2.NumberDataPoint(time_unix_nano=time, as_double=float("nan")),
            metrics_pb2.NumberDataPoint(time_unix_nano=time, as_double=2.5,
                                        exemplars=[exemplar(as_int=1, span=b"\x01\x02\x03\x04")]),
        ]))
    counter = metrics_pb2.Metric(name="http.requests", unit="{request}", sum=metrics_pb2.Sum(
        aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE, is_monotonic=True,
        data_points=[metrics_pb2.NumberDataPoint(start_time_unix_nano=start, time_unix_nano=time,
                                                 as_int=9223372036854775807)]),
        metadata=[kv("metadata.key", "metadata value")])
    updown = metrics_pb2.Metric(name="connections", sum=metrics_pb2.Sum(
        aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_DELTA, is_monotonic=False,
        data_points=[metrics_pb2.NumberDataPoint(time_unix_nano=time, as_double=-1.25)]))
    histogram = metrics_pb2.Metric(name="http.server.request.duration", unit="s", histogram=metrics_pb2.Histogram(
        aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_DELTA,
        data_points=[
            metrics_pb2.HistogramDataPoint(
                attributes=[kv("http.route", "/orders")], start_time_unix_nano=start, time_unix_nano=time, count=10,
                sum=12.5, bucket_counts=[1, 2, 3, 4], explicit_bounds=[0.005, 0.1, 2.5], flags=0, min=0.001,
                max=7.25, exemplars=[exemplar(as_double=0.09)]),
            metrics_pb2.HistogramDataPoint(time_unix_nano=time, count=0),
            metrics_pb2.HistogramDataPoint(time_unix_nano=time, count=3, bucket_counts=[1, 2],
                                           explicit_bounds=[1.0, 2.0]),
        ]))
    exponential = metrics_pb2.Metric(name="latency.exponential", exponential_histogram=metrics_pb2.ExponentialHistogram(
        aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE,
        data_points=[
            metrics_pb2.ExponentialHistogramDataPoint(
                attributes=[kv("k", "v")], start_time_unix_nano=start, time_unix_nano=time, count=20, sum=-3.5,
                scale=-3, zero_count=2, zero_threshold=1e-9, min=-10.0, max=100.0, flags=1,
                positive=metrics_pb2.ExponentialHistogramDataPoint.Buckets(
                    offset=-5, bucket_counts=[1, 0, 300, 18446744073709551615]),
                negative=metrics_pb2.ExponentialHistogramDataPoint.Buckets(offset=3, bucket_counts=[4]),
                exemplars=[exemplar(as_int=3)]),
            metrics_pb2.ExponentialHistogramDataPoint(time_unix_nano=time, scale=20),
        ]))
    summary = metrics_pb2.Metric(name="gc.pause", summary=metrics_pb2.Summary(data_points=[
        metrics_pb2.SummaryDataPoint(
            attributes=[kv("gen", 0)], start_time_unix_nano=start, time_unix_nano=time, count=5, sum=1.5, flags=1,
            quantile_values=[metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=0.0, value=0.1),
                             metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=0.99, value=0.9)]),
    ]))
    no_data = metrics_pb2.Metric(name="no.data", description="dropped")
    return metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource=rich_resource(), schema_url="https://opentelemetry.io/schemas/1.26.0",
            scope_metrics=[
                metrics_pb2.ScopeMetrics(scope=rich_scope("io.example.metrics"), schema_url="https://scope/2",
                                         metrics=[gauge, counter, updown, histogram]),
                metrics_pb2.ScopeMetrics(metrics=[exponential, summary, no_data]),
            ]),
        metrics_pb2.ResourceMetrics(scope_metrics=[metrics_pb2.ScopeMetrics(metrics=[summary])]),
    ])


def rich_logs():
    records = [
        logs_pb2.LogRecord(
            time_unix_nano=1_700_000_000_000_000_000, observed_time_unix_nano=1_700_000_000_000_000_500,
            severity_number=logs_pb2.SEVERITY_NUMBER_ERROR, severity_text="ERROR",
            body=value({"message": "payment failed", "items": [1, "two", {"three": 3.0}], "raw": b"\x01"}),
            attributes=rich_attributes(), dropped_attributes_count=4, flags=1, trace_id=TRACE_ID, span_id=SPAN_ID,
            event_name="payment.failure"),
        logs_pb2.LogRecord(observed_time_unix_nano=5, severity_number=logs_pb2.SEVERITY_NUMBER_FATAL4,
                           body=value("plain text")),
        logs_pb2.LogRecord(body=value(b"\x00\x01binary")),
        logs_pb2.LogRecord(body=value(12)),
        logs_pb2.LogRecord(body=value(-0.5), severity_number=logs_pb2.SEVERITY_NUMBER_TRACE),
        logs_pb2.LogRecord(body=value(False), severity_number=30),
        logs_pb2.LogRecord(body=value([["nested"], []])),
        logs_pb2.LogRecord(severity_text="no body", trace_id=bytes(16), span_id=bytes(8)),
        logs_pb2.LogRecord(severity_text="bad trace id", trace_id=b"\x01" * 10),
        logs_pb2.LogRecord(severity_text="bad span id", trace_id=TRACE_ID, span_id=b"\x01" * 9),
    ]
    return logs_service_pb2.ExportLogsServiceRequest(resource_logs=[
        logs_pb2.ResourceLogs(
            resource=rich_resource(), schema_url="https://opentelemetry.io/schemas/1.26.0",
            scope_logs=[logs_pb2.ScopeLogs(scope=rich_scope("io.example.logs"), schema_url="https://scope/3",
                                           log_records=records[:5]),
                        logs_pb2.ScopeLogs(log_records=records[5:])]),
    ])


def typical_traces(span_count=512):
    """The throughput measurement's request: one resource and scope, spans with ten attributes each."""
    spans = []
    for index in range(span_count):
        spans.append(trace_pb2.Span(
            trace_id=(index // 8 + 1).to_bytes(16, "big"), span_id=(index + 1).to_bytes(8, "big"),
            parent_span_id=(index if index % 8 else 0).to_bytes(8, "big") if index % 8 else b"",
            name=f"GET /api/orders/{{id}}", kind=trace_pb2.Span.SPAN_KIND_SERVER,
            start_time_unix_nano=1_700_000_000_000_000_000 + index * 1000,
            end_time_unix_nano=1_700_000_000_000_500_000 + index * 1000,
            attributes=[
                kv("http.request.method", "GET"), kv("http.route", "/api/orders/{id}"),
                kv("http.response.status_code", 200), kv("url.path", f"/api/orders/{index}"),
                kv("url.scheme", "https"), kv("server.address", "orders.internal"), kv("server.port", 8443),
                kv("network.protocol.version", "1.1"), kv("user_agent.original", "curl/8.5.0"),
                kv("app.cache.hit", index % 2 == 0),
            ],
            status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_UNSET)))
    return trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(
        resource=resource_pb2.Resource(attributes=[kv("service.name", "orders"), kv("host.name", "box")]),
        scope_spans=[trace_pb2.ScopeSpans(scope=common_pb2.InstrumentationScope(name="hummingbird"), spans=spans)])])

# ---------------------------------------------------------------------------------------------------------------
# The real Python SDK's output, encoded by its OTLP exporters' encoder.


def sdk_traces():
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import Link, SpanKind, Status, StatusCode

    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "python-sdk", "deployment": "test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("viewer.tests", "1.0", schema_url="https://opentelemetry.io/schemas/1.21.0")
    with tracer.start_as_current_span("parent", kind=SpanKind.SERVER, attributes={"http.route": "/x"}) as parent:
        parent.add_event("started", {"step": 1, "ratio": 0.5, "tags": ["a", "b"], "flags": [True, False]})
        with tracer.start_as_current_span("child", kind=SpanKind.CLIENT,
                                          links=[Link(parent.get_span_context(), {"why": "test"})]) as child:
            child.set_attribute("db.rows", 12)
            child.set_attribute("numbers", [1.5, 2.5])
            try:
                raise ValueError("boom")
            except ValueError as error:
                child.record_exception(error)
                child.set_status(Status(StatusCode.ERROR, "boom"))
        with tracer.start_as_current_span("producer", kind=SpanKind.PRODUCER) as producer:
            producer.set_status(Status(StatusCode.OK))
    provider.shutdown()
    return encode_spans(exporter.get_finished_spans())


def sdk_metrics():
    from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
    from opentelemetry.metrics import Observation
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
    from opentelemetry.sdk.resources import Resource

    reader = InMemoryMetricReader()
    provider = MeterProvider(
        resource=Resource.create({"service.name": "python-sdk"}), metric_readers=[reader],
        views=[View(instrument_name="latency.exp", aggregation=ExponentialBucketHistogramAggregation()),
               View(instrument_name="*")])
    meter = provider.get_meter("viewer.tests", "1.0")
    counter = meter.create_counter("requests", unit="{request}", description="requests served")
    counter.add(3, {"route": "/a"})
    counter.add(4, {"route": "/b"})
    meter.create_up_down_counter("inflight").add(-2)
    histogram = meter.create_histogram("duration", unit="ms")
    for sample in (0.5, 7, 120, 9000):
        histogram.record(sample, {"route": "/a"})
    exponential = meter.create_histogram("latency.exp", unit="s")
    for sample in (0.001, 0.5, 2.0, 0.0, 1e6):
        exponential.record(sample)
    meter.create_observable_gauge("temperature", callbacks=[lambda options: [Observation(21.5, {"room": "a"})]])
    meter.create_gauge("level").set(7)
    data = reader.get_metrics_data()
    provider.shutdown()
    return encode_metrics(data)


def sdk_logs():
    from opentelemetry._logs import SeverityNumber
    from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource.create({"service.name": "python-sdk"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("viewer.tests", "1.0")
    tracer = TracerProvider().get_tracer("viewer.tests")
    with tracer.start_as_current_span("with logs"):
        logger.emit(severity_number=SeverityNumber.WARN, severity_text="WARN", body="inside a span",
                    attributes={"key": "value", "count": 3}, event_name="viewer.event")
    logger.emit(severity_number=SeverityNumber.INFO, body={"structured": {"list": [1, 2.5, "x"], "ok": True}})
    handler = LoggingHandler(logger_provider=provider)
    python_logger = logging.getLogger("viewer.tests.stdlib")
    python_logger.propagate = False
    python_logger.addHandler(handler)
    python_logger.error("through logging: %s", "formatted")
    provider.shutdown()
    return encode_logs(exporter.get_finished_logs())

# ---------------------------------------------------------------------------------------------------------------


def case(name, signal, request):
    return {
        "name": name,
        "signal": signal,
        "protobuf": request.SerializeToString(deterministic=True).hex(),
        "json": json_bodies(request),
        "expected": EXPECTATIONS[signal](request),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", help="also write every body into this directory's protobuf/ and json/")
    parser.add_argument("--typical", help="write only the throughput request (512 spans) to PATH.pb and PATH.json")
    arguments = parser.parse_args()
    if arguments.typical:
        request = typical_traces()
        with open(arguments.typical + ".pb", "wb") as file:
            file.write(request.SerializeToString())
        with open(arguments.typical + ".json", "w") as file:
            file.write(json_bodies(request)[0])
        return
    cases = [
        case("every trace field", "traces", rich_traces()),
        case("every metric kind", "metrics", rich_metrics()),
        case("every log field", "logs", rich_logs()),
        case("Python SDK spans", "traces", sdk_traces()),
        case("Python SDK metrics", "metrics", sdk_metrics()),
        case("Python SDK logs", "logs", sdk_logs()),
    ]
    if arguments.corpus:
        for directory in ("protobuf", "json"):
            os.makedirs(os.path.join(arguments.corpus, directory), exist_ok=True)
        for index, item in enumerate(cases):
            with open(os.path.join(arguments.corpus, "protobuf", f"{index}-{item['signal']}.pb"), "wb") as file:
                file.write(bytes.fromhex(item["protobuf"]))
            for variant, text in enumerate(item["json"]):
                with open(os.path.join(arguments.corpus, "json", f"{index}-{variant}-{item['signal']}.json"), "w") as file:
                    file.write(text)
    json.dump({"cases": cases}, sys.stdout)


if __name__ == "__main__":
    main()
