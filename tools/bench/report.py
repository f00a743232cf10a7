#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn tools/bench/bench.sh's raw.txt into results.md and scale.dat.

raw.txt lines: KERNEL VCPUS DEVICE ENGINES WORKLOAD ROUND VALUE

Within one boot the systems take turns in rounds (guest.sh), so every ratio
is taken per round, between measurements close in time, and summarised over
the rounds: the mean of the per-round ratios and a 95% percentile bootstrap
interval (RESAMPLES resamples of the rounds, seeded: the same raw.txt gives
the same page). A goal is met only when the whole interval is on its side
of the bound, not met when the whole interval is on the other side, and
inconclusive when the interval straddles it.
"""
import random
import statistics
import sys
from collections import defaultdict

SEED = 26
RESAMPLES = 10000
# fewer rounds than this give an interval too narrow to judge a goal by
MIN_ROUNDS = 5

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
    """{(kernel, vcpus, device, engines, workload): {round: value}}, and
    [(kernel, vcpus, device, engines, round)] of the turns whose topology
    could not be set up"""
    data = defaultdict(dict)
    failed = []
    for line in open(path):
        f = line.split()
        if len(f) != 7:
            continue
        k, cpus, dev, eng, work, rnd, val = f
        if work == "setup" and val == "failed":
            failed.append((k, int(cpus), dev, int(eng), rnd))
            continue
        try:
            data[(k, int(cpus), dev, int(eng), work)][int(rnd)] = float(val)
        except ValueError:
            pass
    return data, failed


def med(vals):
    return statistics.median(vals.values()) if vals else None


def num(x):
    return "%.0f" % x if abs(x) >= 100 else "%.3g" % x


def cell(vals):
    if not vals:
        return "-"
    v = vals.values()
    return "%s [%s-%s]" % (num(med(vals)), num(min(v)), num(max(v)))


def pct(x):
    return "%.0f%%" % (100 * x) if x >= 0.01 or x == 0 else "%.1f%%" % (100 * x)


_resamples = {}


def resamples(n):
    """RESAMPLES draws of n rounds with replacement, the same for every ratio
    of n rounds"""
    if n not in _resamples:
        rng = random.Random(SEED)
        _resamples[n] = [[rng.randrange(n) for _ in range(n)]
                         for _ in range(RESAMPLES)]
    return _resamples[n]


class Ratio:
    """The per-round ratios num[r] / (scale * den[r]) over the rounds that
    measured both: their mean and its 95% percentile bootstrap interval"""

    def __init__(self, numer, denom, scale=1.0):
        self.rounds = [numer[r] / (scale * denom[r])
                       for r in sorted(numer) if denom.get(r)]
        n = len(self.rounds)
        self.n = n
        if not n:
            return
        self.est = sum(self.rounds) / n
        means = sorted(sum(self.rounds[i] for i in draw) / n
                       for draw in resamples(n))
        self.lo = means[int(RESAMPLES * 0.025)]
        self.hi = means[int(RESAMPLES * 0.975) - 1]

    def __bool__(self):
        return self.n > 0

    def __str__(self):
        if not self.n:
            return "-"
        return "%.2f [%.2f-%.2f]" % (self.est, self.lo, self.hi)


def verdict(r, op, bound):
    if not r:
        return "not measured"
    if r.n < MIN_ROUNDS:
        return "too few rounds (%d of %d)" % (r.n, MIN_ROUNDS)
    good, bad = (r.lo >= bound, r.hi < bound) if op == ">=" else \
                (r.hi <= bound, r.lo > bound)
    if good:
        return "met"
    if bad:
        return "**not met**"
    return "inconclusive (rounds %.2f to %.2f)" % (min(r.rounds), max(r.rounds))


class Boot:
    """One VM boot's measurements: one kernel, one vCPU count"""

    def __init__(self, data, kern, cpus, host_cpus):
        self.data, self.kern, self.cpus = data, kern, cpus
        self.host_cpus = host_cpus
        self.engs = sorted({k[3] for k in data
                            if k[:3] == (kern, cpus, "mpnic")})

    def get(self, dev, eng, work):
        return self.data.get((self.kern, self.cpus, dev, eng, work), {})

    def med(self, dev, eng, work):
        return med(self.get(dev, eng, work))

    def mp(self, eng, work):
        return self.med("mpnic", eng, work)

    def shared_host(self):
        """what the host's CPUs do to this boot's figures, when they do"""
        if self.host_cpus and self.cpus > self.host_cpus:
            return ["%d vCPUs take turns on %d host CPUs" %
                    (self.cpus, self.host_cpus)]
        return []


# Notes beside a goal that is not met: figures of the same boot that bear on
# it, and a reading of them only where the figures support one.

def why_tcp1(b, d):
    busy, own = b.mp(1, "tcp1_%s_eng_busy" % d), b.mp(1, "tcp1_%s_eng_own" % d)
    idle = b.mp(1, "tcp1_%s_idle" % d)
    out = []
    if busy is not None:
        out.append("the engine's thread ran %.2f vCPU%s" % (
            busy, ", %.2f of it its own work" % own if own is not None else ""))
        if busy >= 0.9:
            out.append("the engine's thread is saturated")
    if idle is not None:
        vidle = b.med("veth", 0, "tcp1_%s_idle" % d)
        out.append("guest idle %.2f vCPU%s" % (
            idle, " (veth %.2f)" % vidle if vidle is not None else ""))
        if idle < 0.1:
            out.append("no vCPU was left idle")
    return out


def why_udp(b, eng, ref):
    """eng against ref (another engine count, or veth when ref is 0)"""
    out = []
    drop = b.mp(eng, "udp64_drop")
    rdrop = b.med("mpnic" if ref else "veth", ref, "udp64_drop")
    if drop is not None and rdrop is not None:
        out.append("dropped: %s with %d engine%s, %s with %s" % (
            pct(drop), eng, "s" if eng > 1 else "", pct(rdrop),
            "%d engine%s" % (ref, "s" if ref > 1 else "") if ref else "veth"))
        if ref and drop < 0.01 <= rdrop:
            out.append("%d engines keep up with the one pktgen thread: "
                       "the sender is the limit" % eng)
        if not ref and drop >= 0.05 > rdrop:
            out.append("the card's input overflows")
    own, thread = b.mp(eng, "udp64_busy_ns_pkt"), b.mp(eng, "udp64_eng_ns_pkt")
    if not ref and own and thread:
        out.append("the engine's thread spends %s ns per frame, %s of it its "
                   "own work" % (num(thread), num(own)))
    return out


def why_scale(b, eng):
    out = b.shared_host()
    if eng >= b.cpus:
        out.append("%d engines on %d vCPUs: no vCPU is left to the senders "
                   "and the stacks alone" % (eng, b.cpus))
    return out


def why_rr(b):
    sleep, spin = b.mp(1, "rr"), b.mp(1, "rr_busy")
    if not sleep or not spin:
        return []
    out = ["p50 %s us with engines that sleep, %s us busy-polling" %
           (num(sleep), num(spin))]
    if spin < 0.8 * sleep:
        out.append("the engines' wakeups cost %s us per round trip" %
                   num(sleep - spin))
    return out


def why_memcpy(b, d):
    rate, own = b.mp(1, "tcp1_" + d), b.mp(1, "tcp1_%s_eng_own" % d)
    memcpy = b.med("host", 0, "memcpy")
    if not rate or not own or not memcpy:
        return []
    return ["the engine's own work: %.2f vCPU at %s Gbit/s, %.2f of memcpy / 2 "
            "per vCPU of it" % (own, num(rate), rate / own / (memcpy / 2))]


def why_batch(b):
    one, two = b.mp(1, "udp64_pkts_pass"), b.mp(2, "udp64_pkts_pass")
    if one is None or two is None:
        return []
    out = ["frames per engine pass: %s with 1 engine, %s with 2" %
           (num(one), num(two))]
    wake = b.mp(2, "udp64_wake_pass")
    if two < 0.8 * one:
        out.append("2 engines take fewer frames per pass%s" %
                   (", %s of their passes after a wakeup" % pct(wake)
                    if wake is not None else ""))
    return out


def goals(b):
    """(name, ratio, op, bound, why) for every goal this boot measured"""
    g = []

    def ratio(num_dev, num_eng, num_work, den_dev, den_eng, den_work, scale=1.0):
        return Ratio(b.get(num_dev, num_eng, num_work),
                     b.get(den_dev, den_eng, den_work), scale)

    for d in ("rx", "tx"):
        g.append(("mpnic-1 / veth, TCP 1 stream %s" % d,
                  ratio("mpnic", 1, "tcp1_" + d, "veth", 0, "tcp1_" + d),
                  ">=", 0.7, why_tcp1(b, d)))
    g.append(("mpnic-1 / veth, UDP 64 B rate",
              ratio("mpnic", 1, "udp64", "veth", 0, "udp64"), ">=", 0.75,
              why_udp(b, 1, 0)))
    for e in b.engs[1:]:
        g.append(("TCP 16 streams, %d engines / (%d x 1 engine)" % (e, e),
                  ratio("mpnic", e, "tcp16_rx", "mpnic", 1, "tcp16_rx", e),
                  ">=", 0.8, why_scale(b, e)))
        g.append(("UDP 64 B, %d engines / (%d x 1 engine)" % (e, e),
                  ratio("mpnic", e, "udp64", "mpnic", 1, "udp64", e),
                  ">=", 0.8, why_udp(b, e, 1) + why_scale(b, e)))
    g.append(("mpnic-1 / veth, request/response p50 (engines sleep when idle)",
              ratio("mpnic", 1, "rr", "veth", 0, "rr"), "<=", 1.5, why_rr(b)))
    g.append(("mpnic-1 busy-poll / veth, request/response p50",
              ratio("mpnic", 1, "rr_busy", "veth", 0, "rr"), "<=", 1.1, []))
    for d in ("rx", "tx"):
        g.append(("mpnic-1 TCP 1 stream %s / (memcpy / 2)" % d,
                  ratio("mpnic", 1, "tcp1_" + d, "host", 0, "memcpy", 0.5),
                  ">=", 0.5, why_memcpy(b, d)))
    if 2 in b.engs:
        g.append(("engine busy ns per packet, 2 engines / 1 engine",
                  ratio("mpnic", 2, "udp64_busy_ns_pkt", "mpnic", 1, "udp64_busy_ns_pkt"),
                  "<=", 1.15, why_batch(b)))
        g.append(("engine threads' CPU per packet, host NAPI included, 2 / 1",
                  ratio("mpnic", 2, "udp64_eng_ns_pkt", "mpnic", 1, "udp64_eng_ns_pkt"),
                  "<=", 1.15, why_batch(b)))
    return g


def report(out):
    data, failed = load(out + "/raw.txt")
    env = open(out + "/env.txt").read().strip().splitlines()
    host_cpus = 0
    for e in env:
        if e.startswith("host:") and e.endswith(" CPUs"):
            host_cpus = int(e.split()[-2])
    boots = sorted({(k[0], k[1]) for k in data})
    md = ["# mpnic benchmark", ""] + ["- " + e for e in env] + [""]
    md.append("Cells: median [min-max] over the rounds. Ratios: the mean of "
              "the per-round ratios (systems measured in the same round of "
              "one boot) [95%% interval: percentile bootstrap over the "
              "rounds, %d resamples, seed %d]. A goal is met when the whole "
              "interval clears its bound, not met when the whole interval "
              "misses it, inconclusive when the interval straddles it; "
              "fewer than %d rounds give no verdict." %
              (RESAMPLES, SEED, MIN_ROUNDS))
    scale = []
    for kern, cpus in boots:
        b = Boot(data, kern, cpus, host_cpus)
        get = b.get
        engs = b.engs
        full = [e for e in engs if get("mpnic", e, "rr")] or engs[:1]
        rounds = {r for k, v in data.items() if k[:2] == (kern, cpus) for r in v}
        md += ["", "## Linux %s, %d vCPUs, %d rounds" % (kern, cpus, len(rounds)), ""]
        down = ["%s in round %s" % ("mpnic-%d" % f[3] if f[2] == "mpnic" else f[2], f[4])
                for f in failed if f[:2] == (kern, cpus)]
        if down:
            md += ["Not set up, left out of those rounds' ratios: " +
                   ", ".join(down) + ".", ""]
        walls = [v for k, vals in data.items() if k[:2] == (kern, cpus) and
                 k[4].endswith("_wall") and k[4] != "turn_wall" for v in vals.values()]
        turns = [v for k, vals in data.items() if k[:2] == (kern, cpus) and
                 k[4] == "turn_wall" for v in vals.values()]
        if walls and turns:
            md += ["Time: %d turns took %.0f s; %d measurements, %.1f s each on "
                   "average; %.1f s per turn to set up and tear down." % (
                       len(turns), sum(turns), len(walls), sum(walls) / len(walls),
                       (sum(turns) - sum(walls)) / len(turns)), ""]
        cols = ["veth"] + ["mpnic-%d" % e for e in full]
        md.append("| workload | unit | " + " | ".join(cols) + " | " +
                  " | ".join("mpnic-%d / veth" % e for e in full) + " |")
        md.append("|---|---|" + "---|" * (2 * len(cols) - 1))
        for work, (title, unit) in UNITS.items():
            row = [cell(get("veth", 0, work))] + \
                  [cell(get("mpnic", e, work)) for e in full]
            if all(c == "-" for c in row):
                continue
            # a ratio of two drop fractions says nothing the cells do not
            row += [str(Ratio(get("mpnic", e, work), get("veth", 0, work)))
                    if unit != "fraction" else "-" for e in full]
            md.append("| %s | %s | %s |" % (title, unit, " | ".join(row)))
        md.append("| memcpy, one vCPU | Gbit/s | %s |%s" %
                  (cell(get("host", 0, "memcpy")), " - |" * (2 * len(full))))

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
                b.mp(e, "tcp16_rx") or 0, b.mp(e, "udp64") or 0,
                b.med("veth", 0, "tcp16_rx") or 0, b.med("veth", 0, "udp64") or 0))

        md += ["", "Goals:", "",
               "| goal | bound | mean [95% interval] | rounds | verdict | what the run shows |",
               "|---|---|---|---|---|---|"]
        for name, r, op, bound, why in goals(b):
            v = verdict(r, op, bound)
            md.append("| %s | %s %.2f | %s | %d | %s | %s |" % (
                name, op, bound, r, r.n, v,
                "; ".join(why) if v not in ("met", "not measured") else ""))
    open(out + "/results.md", "w").write("\n".join(md) + "\n")
    open(out + "/scale.dat", "w").write(
        "# run engines tcp16_rx_gbit udp64_mpps veth_tcp16_rx veth_udp64\n" +
        "\n".join(scale) + "\n")


def main():
    report(sys.argv[1])


if __name__ == "__main__":
    main()
