#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A regression guard, not a measurement (make bench measures): one TCP
# stream through the card each way, against the same stream over a plain
# veth pair in the same VM, runs interleaved. A direction fails only when
# the card's median falls below FLOOR (0.05) of veth's. make bench puts one
# stream at 0.2 to 0.6 of veth, on a loaded machine too: the floor is an
# order of magnitude under that, a collapse no machine's speed or load
# explains, since both sides share the same vCPUs at the same time.
# Rounds and seconds are few; the ratios are printed for the log.

ALL_TESTS="
	floor_tx
	floor_rx
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd iperf3 /usr/bin/python3

FLOOR=${FLOOR:-0.05}
FLOOR_ROUNDS=${FLOOR_ROUNDS:-3}
FLOOR_SECS=${FLOOR_SECS:-2}
VA="" VB=""
V4A=203.0.113.1
V4B=203.0.113.2

cleanup()
{
	topo_destroy
	[ -n "$VA" ] && cleanup_ns "$VA" "$VB"
}
trap cleanup EXIT

veth_create()
{
	setup_ns VA VB || return 1
	ip -n "$VA" link add va type veth peer name vb netns "$VB" &&
	ip -n "$VA" addr add $V4A/24 dev va &&
	ip -n "$VB" addr add $V4B/24 dev vb &&
	ip -n "$VA" link set va up &&
	ip -n "$VB" link set vb up
}

# An iperf3 server for the test's rounds: server NS ADDR
server()
{
	ip netns exec "$1" timeout 600 iperf3 -s -B "$2" >/dev/null 2>&1 &
	busywait 5000 ip netns exec "$1" sh -c "ss -ltn | grep -q '$2:5201 '"
}

# The receiver's rate of one stream, bit/s: rate CLIENT_NS SERVER_ADDR [-R].
# Empty when iperf3 failed or moved nothing. Read from the "sum_received"
# object of iperf3's JSON (cJSON writes one member a line, "bytes" before
# "bits_per_second") with awk: a Python start per run was a second of the
# script's twelve runs in the VM.
rate()
{
	local cns=$1 addr=$2 out=/tmp/mpnic-floor.$$

	shift 2
	${cns:+ip netns exec "$cns"} timeout $((FLOOR_SECS + 15)) \
		iperf3 -c "$addr" -t "$FLOOR_SECS" -O 1 -J "$@" > $out 2>/dev/null &&
	awk '/"sum_received":/ { s = 1 }
	     s && $1 == "\"bytes\":" { b = $2 + 0 }
	     s && $1 == "\"bits_per_second\":" { if (b > 0) printf "%.0f\n", $2 + 0; exit }' $out
	rm -f $out
}

median()
{
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# floor DIRECTION [-R]: the card's and veth's runs interleaved, round by round
floor()
{
	local dir=$1 r m v mpnic=() veth=() ratio

	shift
	RET=0
	topo_create && veth_create && server "$VB" $V4B && server "$PEER" $P4
	check_err $? "topology and servers"
	for ((r = 0; r < FLOOR_ROUNDS && RET == 0; r++)); do
		v=$(rate "$VA" $V4B "$@")
		m=$(rate "" $P4 "$@")
		[ -n "$v" ] && [ -n "$m" ]
		check_err $? "round $r: a stream failed or moved nothing (veth '$v', mpnic '$m')"
		veth+=("$v") mpnic+=("$m")
	done
	if [ $RET = 0 ]; then
		m=$(median "${mpnic[@]}") v=$(median "${veth[@]}")
		ratio=$(awk -v m="$m" -v v="$v" 'BEGIN { printf "%.3f", m / v }')
		echo "# $dir: mpnic $((m / 1000000)) Mbit/s, veth $((v / 1000000)) Mbit/s, ratio $ratio (floor $FLOOR)"
		awk -v r="$ratio" -v f="$FLOOR" 'BEGIN { exit !(r >= f) }'
		check_err $? "$dir: mpnic at $ratio of veth, under the floor $FLOOR"
	fi
	cleanup_ns "$VA" "$VB"
	VA="" VB=""
	topo_destroy
	log_test "throughput floor, $dir: one stream at least $FLOOR of veth's"
}

floor_tx() { floor "host to peer"; }
floor_rx() { floor "peer to host" -R; }

mpnic_tests_run
