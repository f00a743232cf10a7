#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn tools/bench/bench.sh's raw.txt into results.md and scale.dat.

raw.txt lines: KERNEL VCPUS DEVICE ENGINES WORKLOAD RUN VALUE
"""
import statistics
import sys
from collections import defaultdict

UNITS = {
    "tcp1_tx": ("TCP 1 stream, host to peer", "Gbit/s"),
    "tcp1_rx": ("TCP 1 stream, peer to host", "Gbit/s"),
    "tcp16_tx": ("TCP 16 streams, host to peer", "Gbit/s"),
    "tcp16_rx": ("TCP 16 streams, peer to host", "Gbit/s"),
    "udp64": ("UDP 64 B received", "Mpps"),
    "udp64_drop": ("UDP 64 B dropped", "fraction"),
    "udp1400": ("UDP 1400 B received", "Mpps"),
    "udp1400_drop": ("UDP 1400 B dropped", "fraction"),
    "rr": ("TCP 1-byte request/response p50", "us"),
    "rr_p99": ("TCP 1-byte request/response p99", "us"),
    "rr_busy": ("request/response p50, engines busy-poll", "us"),
    "rr_busy_p99": ("request/response p99, engines busy-poll", "us"),
    "crr": ("TCP connections (connect, 1 byte, close)", "per s"),
    "udp64_eng_ns_pkt": ("engine threads' CPU per 64 B packet", "ns"),
    "udp1400_eng_ns_pkt": ("engine threads' CPU per 1400 B packet", "ns"),
    "udp64_busy_ns_pkt": ("engine busy per 64 B packet (busy_ns)", "ns"),
    "udp1400_busy_ns_pkt": ("engine busy per 1400 B packet (busy_ns)", "ns"),
    "udp64_pkts_pass": ("engine batch, UDP 64 B: frames per pass", "frames"),
    "udp64_wake_pass": ("engine passes after a sleep, UDP 64 B", "fraction"),
    "tcp1_tx_eng_busy": ("engine threads' CPU, TCP 1 stream to peer", "vCPUs"),
    "tcp1_tx_eng_own": ("of it, the engines' own work (busy_ns)", "vCPUs"),
    "tcp1_rx_eng_busy": ("engine threads' CPU, TCP 1 stream to host", "vCPUs"),
    "tcp1_rx_eng_own": ("of it, the engines' own work (busy_ns)", "vCPUs"),
    "tcp1_rx_busy": ("TCP 1 stream to host, engines busy-poll", "Gbit/s"),
    "tcp1_rx_busy_eng_busy": ("engine threads' CPU, the same", "vCPUs"),
    "tcp1_rx_busy_eng_own": ("of it, the engines' own work (busy_ns)", "vCPUs"),
    "tcp1_tx_wakeups": ("engine wakeups, TCP 1 stream to peer", "per ms"),
    "tcp1_rx_wakeups": ("engine wakeups, TCP 1 stream to host", "per ms"),
    "tcp1_rx_busy_wakeups": ("engine wakeups, the same with busy-poll", "per ms"),
    "tcp1_tx_idle": ("guest idle, TCP 1 stream to peer", "vCPUs"),
    "tcp1_rx_idle": ("guest idle, TCP 1 stream to host", "vCPUs"),
    "tcp1_rx_busy_idle": ("guest idle, the same with busy-poll", "vCPUs"),
}


def load(path):
    data = defaultdict(list)
    for line in open(path):
        f = line.split()
        if len(f) != 7:
            continue
        k, cpus, dev, eng, work, _run, val = f
        try:
            data[(k, int(cpus), dev, int(eng), work)].append(float(val))
        except ValueError:
            pass
    return data


def med(vals):
    return statistics.median(vals) if vals else None


def cell(vals):
    if not vals:
        return "-"
    m = med(vals)
    fmt = "%.0f" if m >= 100 else "%.3g"
    return "%s [%s-%s]" % (fmt % m, fmt % min(vals), fmt % max(vals))


def ratio(a, b):
    return a / b if a is not None and b else None


def goal(lines, name, value, op, bound, note=""):
    if value is None:
        lines.append("| %s | - | %s %.2f | not measured %s |" % (name, op, bound, note))
        return
    ok = value >= bound if op == ">=" else value <= bound
    lines.append("| %s | %.2f | %s %.2f | %s |" %
                 (name, value, op, bound, "met" if ok else "**not met** " + note))


def main():
    out = sys.argv[1]
    data = load(out + "/raw.txt")
    env = open(out + "/env.txt").read().strip().splitlines()
    host_cpus = 0
    for e in env:
        if e.startswith("host:") and e.endswith(" CPUs"):
            host_cpus = int(e.split()[-2])
    runs = sorted({(k[0], k[1]) for k in data}, key=lambda r: (r[0], r[1]))
    md = ["# mpnic benchmark", ""] + ["- " + e for e in env] + [""]
    md.append("Cells: median [min-max] of the runs. Ratios compare medians "
              "of the same VM boot.")
    scale = []
    for kern, cpus in runs:
        def get(dev, eng, work):
            return data.get((kern, cpus, dev, eng, work), [])

        engs = sorted({k[3] for k in data
                       if k[0] == kern and k[1] == cpus and k[2] == "mpnic"})
        full = [e for e in engs if get("mpnic", e, "rr")] or engs[:1]
        md += ["", "## Linux %s, %d vCPUs" % (kern, cpus), ""]
        cols = ["veth"] + ["mpnic-%d" % e for e in full]
        md.append("| workload | unit | " + " | ".join(cols) +
                  " | mpnic-1 / veth |")
        md.append("|---|---|" + "---|" * len(cols) + "---|")
        for work, (title, unit) in UNITS.items():
            row = [cell(get("veth", 0, work))] + \
                  [cell(get("mpnic", e, work)) for e in full]
            if all(c == "-" for c in row):
                continue
            r = ratio(med(get("mpnic", 1, work)), med(get("veth", 0, work)))
            md.append("| %s | %s | %s | %s |" % (title, unit, " | ".join(row),
                                                 "%.2f" % r if r else "-"))
        memcpy = med(get("host", 0, "memcpy"))
        md.append("| memcpy, one vCPU | Gbit/s | %s |%s -" %
                  (cell(get("host", 0, "memcpy")), " |" * len(full)) + " |")

        md += ["", "Scaling (mpnic, by engines):", "",
               "| engines | TCP 16 streams to host, Gbit/s | UDP 64 B, Mpps | "
               "UDP 1400 B, Mpps | engine threads' CPU ns per 64 B packet | "
               "engine busy ns per 64 B packet | 64 B frames per engine pass |",
               "|---|---|---|---|---|---|---|"]
        for e in engs:
            md.append("| %d | %s | %s | %s | %s | %s | %s |" % (
                e, cell(get("mpnic", e, "tcp16_rx")), cell(get("mpnic", e, "udp64")),
                cell(get("mpnic", e, "udp1400")), cell(get("mpnic", e, "udp64_eng_ns_pkt")),
                cell(get("mpnic", e, "udp64_busy_ns_pkt")),
                cell(get("mpnic", e, "udp64_pkts_pass"))))
            scale.append("%s-%dcpu%s %d %s %s %s %s" % (
                kern, cpus, "-on-%d-host-cpus" % host_cpus if cpus > host_cpus > 0 else "", e,
                med(get("mpnic", e, "tcp16_rx")) or 0, med(get("mpnic", e, "udp64")) or 0,
                med(get("veth", 0, "tcp16_rx")) or 0, med(get("veth", 0, "udp64")) or 0))

        md += ["", "Goals:", "", "| goal | measured | bound | |", "|---|---|---|---|"]
        for d in ("rx", "tx"):
            goal(md, "mpnic-1 / veth, TCP 1 stream %s" % d,
                 ratio(med(get("mpnic", 1, "tcp1_" + d)), med(get("veth", 0, "tcp1_" + d))),
                 ">=", 0.7)
        goal(md, "mpnic-1 / veth, UDP 64 B rate",
             ratio(med(get("mpnic", 1, "udp64")), med(get("veth", 0, "udp64"))), ">=", 0.75)
        one_t = med(get("mpnic", 1, "tcp16_rx"))
        one_p = med(get("mpnic", 1, "udp64"))
        vcpus = "%d vCPUs carry the peer, the host and the engines" % cpus
        if host_cpus and cpus > host_cpus:
            vcpus = "%d vCPUs take turns on %d host CPUs" % (cpus, host_cpus)
        for e in engs[1:]:
            goal(md, "TCP 16 streams, %d engines / (%d x 1 engine)" % (e, e),
                 ratio(med(get("mpnic", e, "tcp16_rx")), e * one_t if one_t else None),
                 ">=", 0.8, "(%s)" % vcpus)
            goal(md, "UDP 64 B, %d engines / (%d x 1 engine)" % (e, e),
                 ratio(med(get("mpnic", e, "udp64")), e * one_p if one_p else None),
                 ">=", 0.8, "(one pktgen sender thread; %s)" % vcpus)
        goal(md, "mpnic-1 / veth, request/response p50 (engines sleep when idle)",
             ratio(med(get("mpnic", 1, "rr")), med(get("veth", 0, "rr"))), "<=", 1.5)
        goal(md, "mpnic-1 busy-poll / veth, request/response p50",
             ratio(med(get("mpnic", 1, "rr_busy")), med(get("veth", 0, "rr"))), "<=", 1.1)
        for d in ("rx", "tx"):
            goal(md, "mpnic-1 TCP 1 stream %s / (memcpy / 2)" % d,
                 ratio(med(get("mpnic", 1, "tcp1_" + d)), memcpy / 2 if memcpy else None),
                 ">=", 0.5)
        if 2 in engs:
            goal(md, "engine busy ns per packet, 2 engines / 1 engine",
                 ratio(med(get("mpnic", 2, "udp64_busy_ns_pkt")),
                       med(get("mpnic", 1, "udp64_busy_ns_pkt"))), "<=", 1.15,
                 "(fewer frames per pass: see the batch rows)")
            goal(md, "engine threads' CPU per packet, host NAPI included, 2 / 1",
                 ratio(med(get("mpnic", 2, "udp64_eng_ns_pkt")),
                       med(get("mpnic", 1, "udp64_eng_ns_pkt"))), "<=", 1.15,
                 "(fewer frames per pass, more wakeups and NAPI runs)")
    open(out + "/results.md", "w").write("\n".join(md) + "\n")
    open(out + "/scale.dat", "w").write(
        "# run engines tcp16_rx_gbit udp64_mpps veth_tcp16_rx veth_udp64\n" +
        "\n".join(scale) + "\n")


if __name__ == "__main__":
    main()
