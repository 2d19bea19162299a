"""An OTLP trace, logs and metrics receiver built on the official protocol definitions (opentelemetry-proto) and grpcio.

It serves OTLP/gRPC (TraceService, LogsService and MetricsService) and OTLP/HTTP (protobuf and JSON, gzip or not;
`/v1/logs` for logs, `/v1/metrics` for metrics, any other path for traces) on 127.0.0.1 and prints one JSON line per
request on stdout:
{"transport": "grpc"|"http", "signal": "traces"|"logs"|"metrics", "path", "content_type", "content_encoding",
 "gzip": bool, "time": float,
 "request": <the Export{Trace,Logs,Metrics}ServiceRequest as a dict, ids in lowercase hex>}
In "request", 64-bit integers are strings and bytes values other than ids are base64, as json_format writes them.
The first line is {"ready": true, "grpc_port": N, "http_port": N, "grpc_proxy_port": N}.

The gRPC proxy port forwards to the gRPC server and prints {"grpc_message_compressed": bool} for each gRPC message
the client sends, read from the bytes on the wire, to prove gzip is really used.

--fault takes a JSON object, and applies to both signals:
  {"http_status": 503, "retry_after": "1", "times": 1}   answer the first `times` HTTP requests with that status
  {"grpc_status": "UNAVAILABLE", "times": 1}             fail the first `times` gRPC calls
  {"grpc_retry_info_seconds": 1, "times": 1}             RESOURCE_EXHAUSTED with a RetryInfo
  {"partial": [3, "message"]}                            accept with a partial success (rejected spans, log records
                                                         or data points)
  {"blackhole": true}                                    accept requests and never answer
  {"large_body": 5242881}                                accept HTTP requests with a response body of that many bytes
"""

import argparse
import base64
import gzip
import json
import os
import socket
import ssl
import sys
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.protobuf import json_format
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.duration_pb2 import Duration
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

OUTPUT_LOCK = threading.Lock()


def emit(record):
    with OUTPUT_LOCK:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


def id_holders(document):
    """The objects of a request dict that hold trace or span ids: spans, span links, log records and exemplars."""
    for resource_spans in document.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                yield span, ("traceId", "spanId", "parentSpanId")
                for link in span.get("links", []):
                    yield link, ("traceId", "spanId")
    for resource_logs in document.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                yield record, ("traceId", "spanId")
    for resource_metrics in document.get("resourceMetrics", []):
        for scope_metrics in resource_metrics.get("scopeMetrics", []):
            for metric in scope_metrics.get("metrics", []):
                for kind in ("gauge", "sum", "histogram", "exponentialHistogram", "summary"):
                    for point in metric.get(kind, {}).get("dataPoints", []):
                        for exemplar in point.get("exemplars", []):
                            yield exemplar, ("traceId", "spanId")


def to_dict(request):
    """The request as a dict with hex ids (MessageToDict would give base64)."""
    result = json_format.MessageToDict(request, preserving_proto_field_name=False)
    for holder, keys in id_holders(result):
        for key in keys:
            if key in holder:
                holder[key] = base64.b64decode(holder[key]).hex()
    return result


def json_to_request(body, signal):
    """Parses OTLP/JSON: hex ids are converted to base64 first, because json_format reads bytes as base64. Other
    bytes, such as an AnyValue's bytesValue, are base64 in OTLP/JSON already."""
    document = json.loads(body)
    for holder, keys in id_holders(document):
        for key in keys:
            if key in holder:
                holder[key] = base64.b64encode(bytes.fromhex(holder[key])).decode()
    request = SIGNALS[signal]["request"]()
    json_format.ParseDict(document, request)
    return request


class Fault:
    def __init__(self, spec):
        self.spec = spec
        self.lock = threading.Lock()
        self.used = 0

    def take(self, key):
        """Returns the fault for this request, counting it against `times`."""
        if key not in self.spec:
            return None
        with self.lock:
            times = self.spec.get("times")
            if times is not None and self.used >= times:
                return None
            self.used += 1
            return self.spec[key]


SIGNALS = {
    "traces": {
        "request": trace_service_pb2.ExportTraceServiceRequest,
        "response": trace_service_pb2.ExportTraceServiceResponse,
        "rejected": "rejected_spans",
    },
    "logs": {
        "request": logs_service_pb2.ExportLogsServiceRequest,
        "response": logs_service_pb2.ExportLogsServiceResponse,
        "rejected": "rejected_log_records",
    },
    "metrics": {
        "request": metrics_service_pb2.ExportMetricsServiceRequest,
        "response": metrics_service_pb2.ExportMetricsServiceResponse,
        "rejected": "rejected_data_points",
    },
}


def signal_of_path(path):
    """OTLP/HTTP's signal paths: /v1/logs is logs, /v1/metrics is metrics; anything else, such as a custom traces
    endpoint, is traces."""
    path = path.split("?", 1)[0]
    if path.endswith("/v1/logs"):
        return "logs"
    if path.endswith("/v1/metrics"):
        return "metrics"
    return "traces"


def partial_response(spec, signal):
    response = SIGNALS[signal]["response"]()
    if "partial" in spec:
        setattr(response.partial_success, SIGNALS[signal]["rejected"], spec["partial"][0])
        response.partial_success.error_message = spec["partial"][1]
    return response


def export(fault, signal, request, context):
    """One gRPC Export call of either service: the injected faults, then the printed request."""
    if fault.spec.get("blackhole"):
        time.sleep(3600)
    status = fault.take("grpc_status")
    if status:
        context.abort(getattr(grpc.StatusCode, status), "injected fault")
    delay = fault.take("grpc_retry_info_seconds")
    if delay is not None:
        context.abort_with_status(RichStatus(retry_info_status(delay)))
    metadata = dict(context.invocation_metadata())
    emit({
        "transport": "grpc",
        "signal": signal,
        "metadata": {k: v for k, v in metadata.items() if isinstance(v, str)},
        "time": time.time(),
        "request": to_dict(request),
    })
    return partial_response(fault.spec, signal)


class TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, fault):
        self.fault = fault

    def Export(self, request, context):
        return export(self.fault, "traces", request, context)


class LogsService(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, fault):
        self.fault = fault

    def Export(self, request, context):
        return export(self.fault, "logs", request, context)


class MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, fault):
        self.fault = fault

    def Export(self, request, context):
        return export(self.fault, "metrics", request, context)


def retry_info_status(seconds):
    """google.rpc.Status{code 8, message, details [Any(RetryInfo{retry_delay})]}, written by hand: no extra package."""
    duration = Duration(seconds=int(seconds), nanos=int(round((seconds % 1) * 1e9))).SerializeToString()
    retry_info = b"\x0a" + bytes([len(duration)]) + duration
    detail = AnyProto(type_url="type.googleapis.com/google.rpc.RetryInfo", value=retry_info).SerializeToString()
    text = b"slow down"
    return b"\x08\x08" + b"\x12" + bytes([len(text)]) + text + b"\x1a" + bytes([len(detail)]) + detail


class RichStatus(grpc.Status):
    def __init__(self, details_bytes):
        self.code = grpc.StatusCode.RESOURCE_EXHAUSTED
        self.details = "slow down"
        self.trailing_metadata = (("grpc-status-details-bin", details_bytes),)


def make_http_handler(fault):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if fault.spec.get("blackhole"):
                time.sleep(3600)
                return
            status = fault.take("http_status")
            if status:
                self.send_response(status)
                if "retry_after" in fault.spec:
                    self.send_header("Retry-After", fault.spec["retry_after"])
                payload = b"injected fault"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                emit({"transport": "http", "fault": status, "time": time.time()})
                return
            encoding = self.headers.get("Content-Encoding", "")
            is_gzip = body[:2] == b"\x1f\x8b"
            if encoding == "gzip":
                body = gzip.decompress(body)
            content_type = self.headers.get("Content-Type", "")
            signal = signal_of_path(self.path)
            if content_type == "application/json":
                request = json_to_request(body, signal)
            else:
                request = SIGNALS[signal]["request"]()
                request.ParseFromString(body)
            emit({
                "transport": "http",
                "signal": signal,
                "path": self.path,
                "content_type": content_type,
                "content_encoding": encoding,
                "gzip": is_gzip,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "time": time.time(),
                "request": to_dict(request),
            })
            response = partial_response(fault.spec, signal)
            if "large_body" in fault.spec:
                # Zero bytes: a body no OTLP reader takes for a partial success, only large.
                payload = bytes(fault.spec["large_body"])
            elif content_type == "application/json":
                payload = json_format.MessageToJson(response).encode()
            else:
                payload = response.SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def inspect_grpc_stream(data, state):
    """Parses client-to-server HTTP/2 frames and reports each gRPC message's compressed flag."""
    state["buffer"] += data
    buffer = state["buffer"]
    if not state["preface_done"]:
        if len(buffer) < 24:
            return
        buffer = buffer[24:]
        state["preface_done"] = True
    while len(buffer) >= 9:
        length = int.from_bytes(buffer[0:3], "big")
        frame_type = buffer[3]
        flags = buffer[4]
        stream = int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
        if len(buffer) < 9 + length:
            break
        payload = buffer[9:9 + length]
        buffer = buffer[9 + length:]
        if frame_type == 0:  # DATA
            if flags & 0x08:
                pad = payload[0]
                payload = payload[1:len(payload) - pad]
            pending = state["messages"].get(stream, b"") + payload
            while len(pending) >= 5:
                compressed, size = pending[0], int.from_bytes(pending[1:5], "big")
                if len(pending) < 5 + size:
                    break
                emit({"grpc_message_compressed": compressed == 1, "size": size})
                pending = pending[5 + size:]
            state["messages"][stream] = pending
    state["buffer"] = buffer


def proxy(listener, target_port):
    def pipe(source, destination, inspect):
        state = {"buffer": b"", "preface_done": False, "messages": {}}
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if inspect:
                    inspect_grpc_stream(data, state)
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection(("127.0.0.1", target_port))
        threading.Thread(target=pipe, args=(client, upstream, True), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client, False), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--grpc-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca", help="require client certificates signed by this CA (mTLS)")
    parser.add_argument("--fault", default="{}")
    arguments = parser.parse_args()
    fault = Fault(json.loads(arguments.fault))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(TraceService(fault), server)
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(LogsService(fault), server)
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(MetricsService(fault), server)
    address = f"127.0.0.1:{arguments.grpc_port}"
    if arguments.tls_cert:
        with open(arguments.tls_key, "rb") as key, open(arguments.tls_cert, "rb") as cert:
            pair = (key.read(), cert.read())
        root = open(arguments.client_ca, "rb").read() if arguments.client_ca else None
        credentials = grpc.ssl_server_credentials([pair], root_certificates=root, require_client_auth=root is not None)
        grpc_port = server.add_secure_port(address, credentials)
    else:
        grpc_port = server.add_insecure_port(address)
    server.start()

    http_server = ThreadingHTTPServer(("127.0.0.1", arguments.http_port), make_http_handler(fault))
    http_server.daemon_threads = True
    if arguments.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
        if arguments.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(arguments.client_ca)
        http_server.socket = context.wrap_socket(http_server.socket, server_side=True)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    threading.Thread(target=proxy, args=(listener, grpc_port), daemon=True).start()

    emit({
        "ready": True,
        "grpc_port": grpc_port,
        "http_port": http_server.server_address[1],
        "grpc_proxy_port": listener.getsockname()[1],
    })
    sys.stdin.read()  # Runs until the test closes stdin or kills it.
    # Black-holed handlers are still sleeping in their threads: leave without waiting for them.
    os._exit(0)


if __name__ == "__main__":
    main()
