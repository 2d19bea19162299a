"""A test peer for consistent probability sampling, built on the OpenTelemetry Python SDK's experimental composite
samplers (composable_parent_threshold over composable_traceid_ratio_based), the specification's th/rv algorithm.

It reads one JSON request on stdin and writes one JSON answer on stdout:
    {"ratio": float, "cases": [{"trace_id": "<32 hex>", "parent": null or
        {"span_id": "<16 hex>", "sampled": bool, "random": bool, "remote": bool, "tracestate": "<header>"}}, ...]}
    -> {"results": [{"sampled": bool, "tracestate": "<header>"}, ...]}
"""

import json
import sys

from opentelemetry import trace
from opentelemetry.sdk.trace._sampling_experimental import (
    composable_parent_threshold,
    composable_traceid_ratio_based,
    composite_sampler,
)
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState


def parent_context(trace_id, parent):
    """The parent's context and its trace state, which the Python tracer passes to samplers beside it."""
    if parent is None:
        return None, None
    flags = (0x01 if parent["sampled"] else 0) | (0x02 if parent["random"] else 0)
    span_context = SpanContext(
        trace_id=trace_id,
        span_id=int(parent["span_id"], 16),
        is_remote=parent["remote"],
        trace_flags=TraceFlags(flags),
        trace_state=TraceState.from_header([parent["tracestate"]]) if parent["tracestate"] else TraceState(),
    )
    return trace.set_span_in_context(NonRecordingSpan(span_context)), span_context.trace_state


def main():
    request = json.load(sys.stdin)
    sampler = composite_sampler(composable_parent_threshold(composable_traceid_ratio_based(request["ratio"])))
    results = []
    for case in request["cases"]:
        trace_id = int(case["trace_id"], 16)
        context, trace_state = parent_context(trace_id, case["parent"])
        result = sampler.should_sample(context, trace_id, "span", trace_state=trace_state)
        state = result.trace_state.to_header() if result.trace_state is not None else ""
        results.append({"sampled": result.decision.is_sampled(), "tracestate": state})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
