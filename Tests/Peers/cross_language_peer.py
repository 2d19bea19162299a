"""Two services instrumented with the official OpenTelemetry Python SDK, for the cross-language propagation test.

- "python-backend" is an HTTP server on 127.0.0.1 answering GET /orders/<name> with <name>. It extracts the incoming
  context with the SDK's global propagators (W3C trace context and baggage) and serves the request in a server span.
- "python-client" starts a root span whose sampler puts an entry into the trace state, sets baggage, injects both
  into the headers of one GET to the URL it is given, and ends its span.

Protocol, one JSON object per line: the peer prints {"ready": true, "port": <backend port>}, reads
{"url": <url>} on stdin, makes the call, prints {"status", "body", "spans", "backend_saw"} and exits.
"""

import json
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import baggage, context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import SpanKind, TraceState

CLIENT_TRACE_STATE = TraceState([("python", "client-a")])


class TraceStateSampler(Sampler):
    """Samples everything; a root span gets an entry of its own in the trace state, a child keeps its parent's."""

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None):
        parent = trace.get_current_span(parent_context).get_span_context()
        state = parent.trace_state if parent.is_valid else CLIENT_TRACE_STATE
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes, state)

    def get_description(self):
        return "TraceStateSampler"


exporter = InMemorySpanExporter()


def tracer_for(service):
    provider = TracerProvider(resource=Resource.create({"service.name": service}), sampler=TraceStateSampler())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("cross_language_peer")


client_tracer = tracer_for("python-client")
backend_tracer = tracer_for("python-backend")
backend_saw = []


class Backend(BaseHTTPRequestHandler):
    def do_GET(self):
        headers = {name.lower(): value for name, value in self.headers.items()}
        incoming = propagate.extract(headers)
        with backend_tracer.start_as_current_span(
            "GET /orders/{name}", context=incoming, kind=SpanKind.SERVER
        ) as span:
            backend_saw.append(
                {
                    "traceparent": headers.get("traceparent"),
                    "tracestate": headers.get("tracestate"),
                    "baggage_header": headers.get("baggage"),
                    "baggage": {k: str(v) for k, v in baggage.get_all(incoming).items()},
                    "span_trace_state": span.get_span_context().trace_state.to_header(),
                }
            )
            body = self.path.rsplit("/", 1)[-1].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def call(url):
    ctx = baggage.set_baggage("user.id", "42")
    # Percent-encoded on the wire. (No space: the Python SDK writes one as "+", which W3C baggage decodes as "+".)
    ctx = baggage.set_baggage("tenant", "café/ü", ctx)
    token = context.attach(ctx)
    try:
        with client_tracer.start_as_current_span("checkout", kind=SpanKind.CLIENT):
            headers = {}
            propagate.inject(headers)
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
                return response.status, response.read().decode()
    finally:
        context.detach(token)


def describe(span):
    parent = span.parent
    return {
        "service": span.resource.attributes.get("service.name"),
        "name": span.name,
        "kind": span.kind.name,
        "trace_id": format(span.context.trace_id, "032x"),
        "span_id": format(span.context.span_id, "016x"),
        "parent_span_id": format(parent.span_id, "016x") if parent else "",
        "trace_state": span.context.trace_state.to_header(),
        "trace_flags": int(span.context.trace_flags),
    }


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"ready": True, "port": server.server_address[1]}), flush=True)
    request = json.loads(sys.stdin.readline())
    try:
        status, body = call(request["url"])
    except Exception as error:  # reported to the test, which prints it
        status, body = 0, repr(error)
    server.shutdown()
    spans = [describe(span) for span in exporter.get_finished_spans()]
    print(json.dumps({"status": status, "body": body, "spans": spans, "backend_saw": backend_saw}), flush=True)


if __name__ == "__main__":
    main()
