"""A test peer built on the OpenTelemetry Python SDK, the reference our propagators and samplers are checked against.

It reads one JSON request on stdin and writes one JSON answer on stdout:
- {"mode": "ratio", "ratios": [...], "trace_ids": ["<32 hex>", ...]}
    -> {"decisions": [[bool per trace id] per ratio]}
- {"mode": "extract", "propagator": NAME, "carriers": [{header: value}, ...]}
    -> {"contexts": [context or null, ...]}
- {"mode": "inject", "propagator": NAME, "contexts": [context, ...]} -> {"carriers": [{header: value}, ...]}
A context is {"trace_id", "span_id" (hex), "sampled" (bool), "tracestate" (header string), "baggage" ({name: value})}.
NAME is tracecontext, baggage, b3, b3multi or jaeger.
"""

import json
import sys

from opentelemetry import baggage, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context import Context
from opentelemetry.propagators.b3 import B3MultiFormat, B3SingleFormat
from opentelemetry.propagators.jaeger import JaegerPropagator
from opentelemetry.sdk.trace.sampling import TraceIdRatioBased
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATORS = {
    "tracecontext": TraceContextTextMapPropagator,
    "baggage": W3CBaggagePropagator,
    "b3": B3SingleFormat,
    "b3multi": B3MultiFormat,
    "jaeger": JaegerPropagator,
}


def ratio(request):
    ids = [int(trace_id, 16) for trace_id in request["trace_ids"]]
    decisions = []
    for rate in request["ratios"]:
        sampler = TraceIdRatioBased(rate)
        decisions.append([sampler.should_sample(None, trace_id, "span").decision.is_sampled() for trace_id in ids])
    return {"decisions": decisions}


def describe(context):
    result = {}
    span_context = trace.get_current_span(context).get_span_context()
    if span_context.is_valid:
        result.update(
            trace_id=format(span_context.trace_id, "032x"),
            span_id=format(span_context.span_id, "016x"),
            sampled=span_context.trace_flags.sampled,
            tracestate=span_context.trace_state.to_header(),
        )
    entries = baggage.get_all(context)
    if entries:
        result["baggage"] = {name: str(value) for name, value in entries.items()}
    return result or None


def extract(request):
    propagator = PROPAGATORS[request["propagator"]]()
    return {"contexts": [describe(propagator.extract(carrier)) for carrier in request["carriers"]]}


def build(description):
    context = Context()
    if "trace_id" in description:
        span_context = SpanContext(
            trace_id=int(description["trace_id"], 16),
            span_id=int(description["span_id"], 16),
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.SAMPLED if description["sampled"] else TraceFlags.DEFAULT),
            trace_state=TraceState.from_header([description.get("tracestate", "")]),
        )
        context = trace.set_span_in_context(NonRecordingSpan(span_context), context)
    for name, value in description.get("baggage", {}).items():
        context = baggage.set_baggage(name, value, context)
    return context


def inject(request):
    propagator = PROPAGATORS[request["propagator"]]()
    carriers = []
    for description in request["contexts"]:
        carrier = {}
        propagator.inject(carrier, context=build(description))
        carriers.append(carrier)
    return {"carriers": carriers}


def main():
    request = json.load(sys.stdin)
    handler = {"ratio": ratio, "extract": extract, "inject": inject}[request["mode"]]
    json.dump(handler(request), sys.stdout)


if __name__ == "__main__":
    main()
