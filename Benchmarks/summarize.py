"""Reads the text output of `swift package benchmark` and prints ours, swift-otel's and the ratio, at the median.

Benchmarks are named "telemetry: …", "swift-otel: …" or "w3c-trace-context: …"; rows pair up by what follows.
"""

import re
import sys

results = {}
current = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if re.match(r"^(telemetry|swift-otel|w3c-trace-context|swift-protobuf|NoOpTracer): ", line):
        current = line.strip()
        continue
    if current and line.startswith("│") and not line.startswith("│ Metric"):
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        metric = re.sub(r"\s*\*$", "", cells[0])
        try:
            results.setdefault(current, {})[metric] = float(cells[3])
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
    references = [name for name in ("swift-otel", "w3c-trace-context", "swift-protobuf", "NoOpTracer") if name in sides] or [None]
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
