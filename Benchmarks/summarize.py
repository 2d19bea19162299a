"""Reads the text output of `swift package benchmark` and prints ours, swift-otel's and the ratio, at the median.

Benchmarks are named "telemetry: …", "swift-otel: …" or a reference such as "w3c-trace-context: …" or "swift-log: …";
rows pair up by what follows.
"""

import re
import sys

def number(text):
    """A cell such as `1234`, `37K` or `8.7M`: ordo-one/benchmark scales large counts with a suffix."""
    scale = {"K": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], 1)
    return float(text[:-1] if scale != 1 else text) * scale


results = {}
current = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if re.match(r"^(telemetry|swift-otel|w3c-trace-context|swift-protobuf|NoOpTracer|swift-log): ", line):
        current = line.strip()
        continue
    if current and line.startswith("│") and not line.startswith("│ Metric"):
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        metric = re.sub(r"\s*\*$", "", cells[0])
        # Large counts come scaled, with the unit in the metric's name: "Malloc (total) (K)".
        unit = re.match(r"^(.*) \((K|M|G)\)$", metric)
        scale = 1
        if unit:
            metric, scale = unit.group(1), {"K": 1e3, "M": 1e6, "G": 1e9}[unit.group(2)]
        try:
            results.setdefault(current, {})[metric] = number(cells[3]) * scale
        except (ValueError, IndexError):
            pass

rows = {}
for name, metrics in results.items():
    who, what = name.split(": ", 1)
    rows.setdefault(what, {})[who] = metrics

wanted = [("Time (wall clock) (ns)", "time per op (ns)"), ("Malloc (total)", "mallocs per op"), ("Instructions", "instructions per op")]
print("| benchmark | metric | telemetry | reference | reference / telemetry |")
print("|---|---|---:|---:|---:|")
for what in rows:
    sides = rows[what]
    references = [name for name in ("swift-otel", "w3c-trace-context", "swift-protobuf", "NoOpTracer", "swift-log") if name in sides] or [None]
    for reference_name in references:
        for metric, label in wanted:
            ours = sides.get("telemetry", {}).get(metric)
            theirs = sides.get(reference_name, {}).get(metric) if reference_name else None
            if ours is None and theirs is None:
                continue
            ratio = f"{theirs / ours:.1f}×" if ours and theirs else "—"
            reference = f"{theirs:g} ({reference_name})" if theirs is not None else "—"
            shown = f"{ours:g}" if ours is not None else "—"
            print(f"| {what} | {label} | {shown} | {reference} | {ratio} |")
