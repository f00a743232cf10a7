#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py against a synthetic raw.txt whose verdicts are known.

    make -C tools/bench test        (or: /usr/bin/python3 tools/bench/report_test.py)

No VM: the data are made up so that each verdict (met, not met,
inconclusive, too few rounds, not measured) and each data-derived note
must come out, or must not. REPORT_TEST_KEEP=FILE keeps the page.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

failed = 0
checks = 0


def check(ok, what):
    global failed, checks
    checks += 1
    if not ok:
        failed += 1
        print("FAIL: " + what)


def lines_for(boot, dev, eng, work, vals):
    return ["%s %s %s %d %s %d %s" % (boot[0], boot[1], dev, eng, work, r + 1, v)
            for r, v in enumerate(vals)]


def times(a, b):
    return [x * y for x, y in zip(a, b)]


def synthetic():
    """Boot A: 6.12, 2 vCPUs, 5 rounds; boot B: 6.1, 4 vCPUs, 3 rounds."""
    raw = []
    a = ("6.12", 2)
    veth = [2.0, 2.2, 1.8, 2.1, 1.9]
    raw += lines_for(a, "host", 0, "memcpy", [5.0] * 5)
    raw += lines_for(a, "veth", 0, "tcp1_rx", veth)
    # 0.80 of veth in every round, +-0.02: met (>= 0.70)
    raw += lines_for(a, "mpnic", 1, "tcp1_rx", times(veth, [0.80, 0.82, 0.78, 0.81, 0.79]))
    raw += lines_for(a, "veth", 0, "tcp1_tx", veth)
    # 0.50 of veth: not met; against memcpy / 2 = 2.5, about 0.4: not met
    raw += lines_for(a, "mpnic", 1, "tcp1_tx", times(veth, [0.50, 0.52, 0.48, 0.51, 0.49]))
    raw += lines_for(a, "mpnic", 1, "tcp1_tx_eng_busy", [0.95] * 5)
    raw += lines_for(a, "mpnic", 1, "tcp1_tx_eng_own", [0.50] * 5)
    raw += lines_for(a, "mpnic", 1, "tcp1_tx_idle", [0.30] * 5)
    raw += lines_for(a, "veth", 0, "tcp1_tx_idle", [0.20] * 5)
    # per-round ratios 0.60 to 0.90, mean 0.754: the interval straddles 0.75
    raw += lines_for(a, "veth", 0, "udp64", [0.03] * 5)
    raw += lines_for(a, "mpnic", 1, "udp64",
                     times([0.03] * 5, [0.60, 0.90, 0.70, 0.85, 0.72]))
    raw += lines_for(a, "veth", 0, "udp64_drop", [0.0] * 5)
    raw += lines_for(a, "mpnic", 1, "udp64_drop", [0.45] * 5)
    # 2 engines carry 0.9 of two single engines: met; tcp16 0.5: not met
    raw += lines_for(a, "mpnic", 2, "udp64", [0.054] * 5)
    raw += lines_for(a, "mpnic", 2, "udp64_drop", [0.0] * 5)
    raw += lines_for(a, "mpnic", 1, "tcp16_rx", [1.0, 1.1, 0.9, 1.0, 1.0])
    raw += lines_for(a, "mpnic", 2, "tcp16_rx", [1.0, 1.1, 0.9, 1.0, 1.0])
    # request/response: 2.4 times veth (not met, <= 1.5); busy-poll 1.00 +- 0.02
    # (met, <= 1.1)
    raw += lines_for(a, "veth", 0, "rr", [300] * 5)
    raw += lines_for(a, "mpnic", 1, "rr", [720] * 5)
    raw += lines_for(a, "mpnic", 1, "rr_busy", [300, 306, 294, 303, 297])
    # busy ns 2 / 1 about 1.20 (not met, <= 1.15) at the same batch size, so
    # no "fewer frames per pass"; thread ns 2 / 1: 1.00 to 1.30, mean 1.14,
    # straddles 1.15
    raw += lines_for(a, "mpnic", 1, "udp64_busy_ns_pkt", [3000] * 5)
    raw += lines_for(a, "mpnic", 2, "udp64_busy_ns_pkt",
                     times([3000] * 5, [1.19, 1.20, 1.21, 1.18, 1.22]))
    raw += lines_for(a, "mpnic", 1, "udp64_eng_ns_pkt", [20000] * 5)
    raw += lines_for(a, "mpnic", 2, "udp64_eng_ns_pkt",
                     times([20000] * 5, [1.0, 1.3, 1.1, 1.25, 1.05]))
    raw += lines_for(a, "mpnic", 1, "udp64_pkts_pass", [64] * 5)
    raw += lines_for(a, "mpnic", 2, "udp64_pkts_pass", [64] * 5)

    b = ("6.1", 4)
    raw += lines_for(b, "veth", 0, "tcp1_rx", [2.0] * 3)
    raw += lines_for(b, "mpnic", 1, "tcp1_rx", [1.0] * 3)
    raw += lines_for(b, "mpnic", 1, "tcp1_rx_eng_busy", [0.5] * 3)
    raw += lines_for(b, "mpnic", 1, "tcp1_rx_idle", [0.05] * 3)
    for e, v in ((1, 0.02), (2, 0.04), (4, 0.03)):
        raw += lines_for(b, "mpnic", e, "udp64", [v] * 3)
        raw += lines_for(b, "mpnic", e, "tcp16_rx", [v * 30] * 3)
        raw += lines_for(b, "mpnic", e, "udp64_busy_ns_pkt", [3000 + e * 300] * 3)
        raw += lines_for(b, "mpnic", e, "udp64_pkts_pass", [64 / e] * 3)
    raw.append("6.1 4 mpnic 2 setup 2 failed")
    raw += lines_for(b, "veth", 0, "tcp1_rx_wall", [7.0] * 3)
    raw += lines_for(b, "veth", 0, "udp64_wall", [9.0] * 3)
    raw += lines_for(b, "veth", 0, "turn_wall", [20.0] * 3)
    return raw


def goal_rows(md, boot):
    """{goal: (estimate cell, rounds, verdict, note)} of one boot's goals"""
    rows, inside = {}, False
    for line in md.splitlines():
        if line.startswith("## "):
            inside = line.startswith("## Linux %s, %d vCPUs" % boot)
        elif inside and line.startswith("| ") and " | " in line:
            f = [c.strip() for c in line.strip("|").split("|")]
            if len(f) == 6 and f[1][:2] in (">=", "<="):
                rows[f[0]] = (f[2], f[3], f[4], f[5])
    return rows


def run_report(raw, keep=None):
    with tempfile.TemporaryDirectory(prefix="bench-report-test.") as d:
        with open(d + "/raw.txt", "w") as f:
            f.write("\n".join(raw) + "\n")
        with open(d + "/env.txt", "w") as f:
            f.write("host: synthetic, 2 CPUs\ncommit: test\n")
        report.report(d)
        with open(d + "/results.md") as f:
            md = f.read()
    if keep:
        with open(keep, "w") as f:
            f.write(md)
    return md


def test_ratio():
    r = report.Ratio({1: 2.0, 2: 2.0, 3: 2.0}, {1: 1.0, 2: 1.0, 3: 1.0})
    check((r.est, r.lo, r.hi, r.n) == (2.0, 2.0, 2.0, 3), "constant ratios: a point")
    r = report.Ratio({1: 1.0, 2: 3.0, 4: 5.0}, {1: 1.0, 2: 1.0, 3: 1.0, 4: 0.0})
    check(r.n == 2 and r.est == 2.0, "only rounds with both, non-zero, measured")
    vals = [0.60, 0.90, 0.70, 0.85, 0.72]
    r = report.Ratio(dict(enumerate(vals)), dict.fromkeys(range(5), 1.0))
    check(min(vals) < r.lo < r.est < r.hi < max(vals),
          "interval inside the rounds' range, around the mean: %s" % r)
    check(abs(r.est - sum(vals) / 5) < 1e-12, "estimate is the mean of the rounds")
    r2 = report.Ratio(dict(enumerate(vals)), dict.fromkeys(range(5), 1.0))
    check((r.lo, r.hi) == (r2.lo, r2.hi), "seeded: the same data, the same interval")
    half = report.Ratio({1: 1.0}, {1: 4.0}, 0.5)
    check(half.est == 0.5, "scale divides the denominator")


def test_verdict():
    r = report.Ratio(dict.fromkeys(range(5), 0.7), dict.fromkeys(range(5), 1.0))
    check(report.verdict(r, ">=", 0.7) == "met", "lower end on the bound: met")
    check(report.verdict(r, "<=", 0.7) == "met", "upper end on the bound: met")
    check(report.verdict(r, ">=", 0.71) == "**not met**", "whole interval below")
    check(report.verdict(r, "<=", 0.69) == "**not met**", "whole interval above")
    few = report.Ratio(dict.fromkeys(range(4), 9.0), dict.fromkeys(range(4), 1.0))
    check(report.verdict(few, ">=", 0.7).startswith("too few rounds (4 of 5)"),
          "4 rounds: no verdict")
    check(report.verdict(report.Ratio({}, {}), ">=", 0.7) == "not measured",
          "no rounds: not measured")


def test_page():
    md = run_report(synthetic(), os.environ.get("REPORT_TEST_KEEP"))
    check(md == run_report(synthetic()), "the same raw.txt gives the same page")
    check("percentile bootstrap" in md and "%d resamples" % report.RESAMPLES in md,
          "the page says the method")
    a = goal_rows(md, ("6.12", 2))
    want = {
        "mpnic-1 / veth, TCP 1 stream rx": "met",
        "mpnic-1 / veth, TCP 1 stream tx": "**not met**",
        "mpnic-1 / veth, UDP 64 B rate": "inconclusive",
        "TCP 16 streams, 2 engines / (2 x 1 engine)": "**not met**",
        "UDP 64 B, 2 engines / (2 x 1 engine)": "met",
        "mpnic-1 / veth, request/response p50 (engines sleep when idle)": "**not met**",
        "mpnic-1 busy-poll / veth, request/response p50": "met",
        "mpnic-1 TCP 1 stream rx / (memcpy / 2)": "met",
        "mpnic-1 TCP 1 stream tx / (memcpy / 2)": "**not met**",
        "engine busy ns per packet, 2 engines / 1 engine": "**not met**",
        "engine threads' CPU per packet, host NAPI included, 2 / 1": "inconclusive",
    }
    for goal, v in want.items():
        got = a.get(goal, ("", "", "missing", ""))[2]
        check(got.startswith(v), "6.12: %s: %s, want %s" % (goal, got, v))
    check(a["mpnic-1 / veth, TCP 1 stream rx"][0].startswith("0.80 ["),
          "estimate 0.80: %s" % a["mpnic-1 / veth, TCP 1 stream rx"][0])
    check(a["mpnic-1 / veth, TCP 1 stream rx"][1] == "5", "5 rounds counted")
    check(a["mpnic-1 / veth, TCP 1 stream rx"][3] == "", "no note on a goal met")

    # the notes come from the figures, and only where they support them
    tx = a["mpnic-1 / veth, TCP 1 stream tx"][3]
    check("0.95 vCPU" in tx and "saturated" in tx, "tx: the engine's thread: " + tx)
    check("no vCPU was left idle" not in tx, "tx: 0.30 vCPU idle is not none")
    udp = a["mpnic-1 / veth, UDP 64 B rate"][3]
    check("45%" in udp and "overflows" in udp, "udp64: drops: " + udp)
    tcp16 = a["TCP 16 streams, 2 engines / (2 x 1 engine)"][3]
    check("2 engines on 2 vCPUs" in tcp16 and "take turns" not in tcp16,
          "2 vCPUs on a 2-CPU host: no turns: " + tcp16)
    busy = a["engine busy ns per packet, 2 engines / 1 engine"][3]
    check("64 with 1 engine, 64 with 2" in busy and "fewer frames" not in busy,
          "same batch size: no 'fewer frames per pass': " + busy)
    mem = a["mpnic-1 TCP 1 stream tx / (memcpy / 2)"][3]
    check("0.50 vCPU" in mem, "memcpy: the engine's own work: " + mem)

    b = goal_rows(md, ("6.1", 4))
    for goal in ("mpnic-1 / veth, TCP 1 stream rx", "UDP 64 B, 4 engines / (4 x 1 engine)"):
        got = b.get(goal, ("", "", "missing", ""))[2]
        check(got.startswith("too few rounds (3 of 5)"), "6.1: %s: %s" % (goal, got))
    rx = b["mpnic-1 / veth, TCP 1 stream rx"][3]
    check("0.50 vCPU" in rx and "saturated" not in rx and "no vCPU was left idle" in rx,
          "6.1: a thread at 0.5 vCPU is not saturated; 0.05 idle is none: " + rx)
    got = b["mpnic-1 / veth, request/response p50 (engines sleep when idle)"][2]
    check(got == "not measured", "6.1: rr not measured: " + got)
    got = b["engine threads' CPU per packet, host NAPI included, 2 / 1"]
    check(got[2] == "not measured" and got[3] == "", "no notes beside a goal not measured")
    check("take turns on 2 host CPUs" in b["TCP 16 streams, 4 engines / (4 x 1 engine)"][3],
          "4 vCPUs on a 2-CPU host: turns")
    check("fewer frames per pass" in b["engine busy ns per packet, 2 engines / 1 engine"][3],
          "32 against 64 frames per pass: fewer")
    check("## Linux 6.1, 4 vCPUs, 3 rounds" in md, "6.1: 3 rounds in the heading")
    check("Not set up, left out of those rounds' ratios: mpnic-2 in round 2." in md,
          "a failed setup is named")
    check(md.count("Not set up") == 1, "only in the boot that failed")
    check("Time: 3 turns took 60 s; 6 measurements, 8.0 s each on average; "
          "4.0 s per turn" in md, "the run's time")


test_ratio()
test_verdict()
test_page()
print("report_test: %d of %d checks passed" % (checks - failed, checks))
sys.exit(1 if failed else 0)
