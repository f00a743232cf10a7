#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: veth against mpnic cards of 1..N engines, in one VM boot per
# kernel and vCPU count, the same workloads side by side in interleaved
# rounds (guest.sh). Writes raw.txt (one line per round, system and
# workload), results.md (the table, every ratio with its 95% confidence
# interval, the goals' verdicts) and bench.png (rate against engines) to
# build/bench/DATE/, and prints the table.
#
#   BENCH_VMS="6.12:2 6.12:4 6.1:2"   kernel:vCPUs, one boot each
#   BENCH_ROUNDS=5                    rounds of every system (BENCH_RUNS: the same)
#   BENCH_SECS=3 BENCH_WARM=1         each measurement: seconds measured, after
#                                     seconds of the same load not measured
#   BENCH_ONLY="tcp1_rx rr"           only these workloads
#   BENCH_PROFILE=tcp1_rx             one more run of it under ftrace, per card
#   BENCH_PROFILE_FUNCS="f1 f2"       the functions it traces (guest.sh has the list)
#   BENCH_BUSY_US=1000                busy_poll_us for the rr_busy workload
#   BENCH_PEER_GRO=1                  the peer receives with GRO (veth NAPI)
#   BENCH_TRAINS=0                    mpnic ports send frame by frame (wire-trains off)
#   BENCH_PKTGEN_CPU=0                pktgen's vCPU for the UDP rates (default 0)
#   BENCH_RX_USECS=N                  mpnic's interrupt moderation (ethtool -C rx-usecs)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/bench
vms=${BENCH_VMS:-"6.12:2 6.12:4 6.1:2"}
rounds=${BENCH_ROUNDS:-${BENCH_RUNS:-5}}
secs=${BENCH_SECS:-3}
warm=${BENCH_WARM:-1}
out=${BENCH_OUT:-$top/build/bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

bash "$top/tools/deps.sh" || exit 1
command -v gnuplot >/dev/null || apt-get install -y -q gnuplot-nox >/dev/null ||
	echo "bench: no gnuplot, no plot" >&2
make -C "$here" -s || exit 1

: > "$out/raw.txt"
{
	echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
	echo "qemu: $(qemu-system-x86_64 --version | head -n1) (TCG, --disable-kvm)"
	echo "rounds: $rounds secs: $secs warm-up: $warm peer GRO: ${BENCH_PEER_GRO:-0}" \
		"trains: ${BENCH_TRAINS:-1} pktgen vCPU: ${BENCH_PKTGEN_CPU:-0}" \
		"rx-usecs: ${BENCH_RX_USECS:-0}"
	echo "commit: $(git -C "$top" describe --always --dirty 2>/dev/null)"
} > "$out/env.txt"

for vm in $vms; do
	k=${vm%:*} cpus=${vm#*:}
	counts="" e=1
	while [ "$e" -lt "$cpus" ]; do
		counts="$counts $e"
		e=$((e * 2))
	done
	counts="$counts $cpus"
	echo "== bench on $k, $cpus vCPUs: $rounds rounds of veth, mpnic with${counts} engines"
	# a bound for a hung guest, not an estimate: 20 s per measurement
	# beyond its own length, 12 workloads for each system
	tmo=$((600 + rounds * (2 + $(wc -w <<< "$counts")) * 12 * (secs + warm + 20)))
	start=$SECONDS
	# the guest runs its command through "bash -c": one string, quoted
	"$top/tools/vm/run" --kernel "$k" --cpus "$cpus" --memory 2G --timeout "$tmo" -- \
		"$(printf '%q ' env BENCH_SECS="$secs" BENCH_WARM="$warm" BENCH_ROUNDS="$rounds" \
		   BENCH_ONLY="${BENCH_ONLY:-}" BENCH_PROFILE="${BENCH_PROFILE:-}" \
		   BENCH_PROFILE_FUNCS="${BENCH_PROFILE_FUNCS:-}" \
		   BENCH_BUSY_US="${BENCH_BUSY_US:-1000}" BENCH_PEER_GRO="${BENCH_PEER_GRO:-0}" \
		   BENCH_TRAINS="${BENCH_TRAINS:-1}" BENCH_PKTGEN_CPU="${BENCH_PKTGEN_CPU:-}" \
		   BENCH_RX_USECS="${BENCH_RX_USECS:-}" \
		   bash "$here/guest.sh" "$counts" "1 $cpus")" 2>&1 | tee "$out/vm-$k-$cpus.log" |
		grep --line-buffered -E '^bench:|^vm:|BUG|WARNING'
	awk -v k="$k" -v c="$cpus" '$1 == "BENCH" { $1 = ""; print k, c $0 }' \
		"$out/vm-$k-$cpus.log" >> "$out/raw.txt"
	echo "== bench on $k, $cpus vCPUs: $((SECONDS - start)) s"
done

/usr/bin/python3 "$here/report.py" "$out" || exit 1
if command -v gnuplot >/dev/null && [ -s "$out/scale.dat" ]; then
	gnuplot -e "dir='$out'" "$here/plot.gp" && echo "bench: plot in $out/bench.png"
fi
cat "$out/results.md"
echo "bench: results in $out"
