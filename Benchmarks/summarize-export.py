"""Reads ExportThroughput's `result key=value …` lines and prints ours, swift-otel's and the ratio."""

import sys

results = {}
for line in sys.stdin:
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    results[(fields["scenario"], fields["transport"], fields["side"])] = fields

# (scenario, key, label, higher is better)
rows = [
    ("full", "produce_per_s", "spans started per second", True),
    ("full", "received_per_s", "spans exported per second", True),
    ("full", "dropped", "dropped of 200,000", False),
    ("paced", "achieved_per_s", "spans started per second (target 100,000)", True),
    ("paced", "dropped", "dropped of 300,000", False),
    ("flush", "flush_s", "seconds to flush 200,000 queued spans", False),
    ("flush", "drain_per_s", "spans exported per second while flushing", True),
    ("flush", "peak_rss_mb", "peak resident memory (MB)", False),
]

for fields in results.values():
    if "produce_s" in fields:
        fields["produce_per_s"] = str(int(int(fields["spans"]) / float(fields["produce_s"])))
    if "flush_s" in fields and int(fields.get("received", "0")) > 0:
        fields["drain_per_s"] = str(int(int(fields["received"]) / max(float(fields["flush_s"]), 1e-9)))

print("| scenario | transport | metric | telemetry | swift-otel | advantage |")
print("|---|---|---|---:|---:|---:|")
for scenario, key, label, higher_is_better in rows:
    for transport in ("grpc", "http"):
        ours = results.get((scenario, transport, "telemetry"), {}).get(key)
        theirs = results.get((scenario, transport, "swift-otel"), {}).get(key)
        advantage = "—"
        if ours is not None and theirs is not None:
            a, b = float(ours), float(theirs)
            if higher_is_better and b > 0:
                advantage = f"{a / b:.1f}×"
            elif not higher_is_better and a > 0:
                advantage = f"{b / a:.1f}×"
        print(f"| {scenario} | {transport} | {label} | {ours or '—'} | {theirs or '—'} | {advantage} |")
