"""Reads ExportThroughput's `result key=value …` lines and prints ours, swift-otel's and the ratio, one table per
signal (spans, then logs)."""

import sys

results = {}
for line in sys.stdin:
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    results[(fields.get("signal", "spans"), fields["scenario"], fields["transport"], fields["side"])] = fields

# signal: (scenario, key, label, higher is better)
rows = {
    "spans": [
        ("full", "produce_per_s", "spans started per second", True),
        ("full", "received_per_s", "spans exported per second", True),
        ("full", "dropped", "dropped of 200,000", False),
        ("paced", "achieved_per_s", "spans started per second (target 100,000)", True),
        ("paced", "dropped", "dropped of 300,000", False),
        ("flush", "flush_s", "seconds to flush 200,000 queued spans", False),
        ("flush", "drain_per_s", "spans exported per second while flushing", True),
        ("flush", "peak_rss_mb", "peak resident memory (MB)", False),
    ],
    "logs": [
        ("full", "produce_per_s", "records logged per second", True),
        ("full", "received_per_s", "records exported per second (target 200,000)", True),
        ("full", "dropped", "dropped of 500,000", False),
        ("paced", "achieved_per_s", "records logged per second (target 50,000)", True),
        ("paced", "dropped", "dropped of 150,000 (target 0)", False),
    ],
}

for fields in results.values():
    if "produce_s" in fields:
        fields["produce_per_s"] = str(int(int(fields["items"]) / float(fields["produce_s"])))
    if "flush_s" in fields and int(fields.get("received", "0")) > 0:
        fields["drain_per_s"] = str(int(int(fields["received"]) / max(float(fields["flush_s"]), 1e-9)))

first = True
for signal, signal_rows in rows.items():
    if not any(key[0] == signal for key in results):
        continue
    if not first:
        print()
    first = False
    print(f"{signal}:")
    print()
    print("| scenario | transport | metric | telemetry | swift-otel | advantage |")
    print("|---|---|---|---:|---:|---:|")
    for scenario, key, label, higher_is_better in signal_rows:
        for transport in ("grpc", "http"):
            ours = results.get((signal, scenario, transport, "telemetry"), {}).get(key)
            theirs = results.get((signal, scenario, transport, "swift-otel"), {}).get(key)
            advantage = "—"
            if ours is not None and theirs is not None:
                a, b = float(ours), float(theirs)
                if higher_is_better and b > 0:
                    advantage = f"{a / b:.1f}×"
                elif not higher_is_better and a > 0:
                    advantage = f"{b / a:.1f}×"
            print(f"| {scenario} | {transport} | {label} | {ours or '—'} | {theirs or '—'} | {advantage} |")
