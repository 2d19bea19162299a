"""Reads ../compare-http's output (a `### mode=… round=…` header, then wrk's --latency report and the server's
`result` line and, when the sink ran in its own process, the sink's `sink_result` line, per run) and prints requests/s and latency per mode, and the overhead of each SDK against no
telemetry. With several rounds, each figure is the median of the rounds."""

import os
import re
import statistics
import sys

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


runs = []
current = None
for line in sys.stdin:
    line = line.strip()
    if line.startswith("###"):
        current = dict(part.split("=", 1) for part in line.split()[1:])
        runs.append(current)
        continue
    if current is None:
        continue
    if line.startswith("warmup_requests="):
        current["warmup"] = int(line.split("=", 1)[1])
    elif line.startswith("Requests/sec:"):
        current["rps"] = float(line.split()[1])
    elif re.match(r"^\d+ requests in", line):
        current["requests"] = int(line.split()[0])
    elif re.match(r"^(50|75|90|99)%\s", line):
        percentile, value = line.split()[:2]
        current["p" + percentile.rstrip("%")] = milliseconds(value)
    elif line.startswith("Non-2xx or 3xx responses:"):
        current["non2xx"] = int(line.split()[-1])
    elif line.startswith("Socket errors:"):
        current["socket_errors"] = line.split(":", 1)[1].strip()
    elif line.startswith("result") or line.startswith("sink_result"):
        current.update(part.split("=", 1) for part in line.split()[1:])

modes = []
for run in runs:
    if run["mode"] not in modes:
        modes.append(run["mode"])


def median(mode, key):
    values = [run[key] for run in runs if run["mode"] == mode and key in run and "failed" not in run]
    return statistics.median(values) if values else None


def spread(mode, key):
    values = [run[key] for run in runs if run["mode"] == mode and key in run and "failed" not in run]
    return f" ({min(values):.0f}–{max(values):.0f})" if len(values) > 1 else ""


rounds = max((int(run["round"]) for run in runs), default=0)
pinned = os.environ.get("PIN") == "1"
load = os.environ.get("LOAD")
if load:
    setup = f"{load}, on loopback; " + ("the load on CPU 1 and the server on CPU 0" if pinned
                                       else "the load and the server sharing both CPUs")
else:
    setup = ("wrk -t1 -c32 --latency on loopback, wrk on CPU 1 and the server on CPU 0" if pinned
             else "wrk -t2 -c32 --latency on loopback, wrk and the server sharing both CPUs")
print(f"{setup}, {rounds} round(s); medians of the rounds" if rounds > 1 else f"{setup}, one round")
print()
print("| mode | requests/s | p50 (ms) | p99 (ms) | throughput lost | p99 added (ms) | server CPU µs/request | CPU added | exported to the sink |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for run in runs:
    if "cpu_seconds" in run and run.get("requests"):
        run["cpu_us"] = float(run["cpu_seconds"]) * 1e6 / (run.get("warmup", 0) + run["requests"])
base_cpu = median("none", "cpu_us")
cpu_added = {}
base_rps, base_p99 = median("none", "rps"), median("none", "p99")
lost = {}
for mode in modes:
    rps, p50, p99 = median(mode, "rps"), median(mode, "p50"), median(mode, "p99")
    if rps is None:
        print(f"| {mode} | failed | | | | | | | |")
        continue
    loss = added = "—"
    if mode != "none" and base_rps:
        lost[mode] = 1 - rps / base_rps
        loss = f"{lost[mode] * 100:.1f}%"
        if base_p99 is not None and p99 is not None:
            added = f"{p99 - base_p99:+.2f}"
    cpu = median(mode, "cpu_us")
    cpu_text = f"{cpu:.1f}" if cpu is not None else "—"
    cpu_more = "—"
    if mode != "none" and cpu is not None and base_cpu:
        cpu_added[mode] = cpu / base_cpu - 1
        cpu_more = f"{cpu_added[mode] * 100:+.1f}%"
    served = [run.get("warmup", 0) + run.get("requests", 0) for run in runs if run["mode"] == mode]
    items = [int(run.get("sink_items", 0)) for run in runs if run["mode"] == mode]
    exported = "—" if mode == "none" else f"{sum(items):,} items for {sum(served):,} requests"
    errors = sum(run.get("non2xx", 0) for run in runs if run["mode"] == mode)
    if errors:
        exported += f"; {errors} non-2xx"
    print(f"| {mode} | {rps:.0f}{spread(mode, 'rps')} | {p50:.2f} | {p99:.2f} | {loss} | {added} | {cpu_text} | {cpu_more} | {exported} |")

print()
ours, theirs = lost.get("telemetry"), lost.get("swift-otel")
if ours is not None:
    status = "met" if ours <= 0.10 else "missed"
    print(f"- telemetry's overhead: {ours * 100:.1f}% of untraced throughput (target ≤ 10%: {status})")
if theirs is not None:
    print(f"- swift-otel's overhead: {theirs * 100:.1f}% of untraced throughput")
if ours is not None and theirs is not None and theirs > 0:
    ratio = ours / theirs
    status = "met" if ratio <= 0.5 else "missed"
    print(f"- telemetry's overhead / swift-otel's: {ratio:.2f} (target ≤ 0.5: {status})")
ours_cpu, theirs_cpu = cpu_added.get("telemetry"), cpu_added.get("swift-otel")
if ours_cpu is not None and theirs_cpu:
    print(f"- server CPU per request added: telemetry {ours_cpu * 100:.1f}%, swift-otel {theirs_cpu * 100:.1f}% "
          f"(ratio {ours_cpu / theirs_cpu:.2f})")
