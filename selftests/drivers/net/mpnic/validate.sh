#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engines' stack instances: frames crafted in the peer namespace
# (craft.py) with bad checksums, truncated headers and wrong lengths are
# dropped and counted under the right name, good ones are delivered with
# their checksum verified, and every frame is accounted for.

ALL_TESTS="
	crafted_frames
	gro_bad_segment
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 ping

CRAFT="$(dirname "$0")/craft.py"
N=20

# kind:the counter that must take each such frame
CASES="
	good_udp4:in_csum_verified
	good_tcp6:in_csum_verified
	bad_ip_csum:in_ip_csum_errors
	bad_udp4_csum:in_csum_errors
	bad_tcp6_csum:in_csum_errors
	zero_udp6_csum:in_csum_errors
	truncated_ip:in_truncated
	bad_ihl:in_hdr_errors
	bad_tcp_doff:in_l4_errors
	bad_udp_len:in_l4_errors
"
COUNTERS="in_csum_verified in_ip_csum_errors in_csum_errors in_truncated in_hdr_errors in_l4_errors"

# The counters of want[], each read by "$@" NAME: all_counted has every one
# risen by its due since before[]; check_counted fails the test on the
# first that has not risen by exactly that
all_counted()
{
	local c

	for c in "${!want[@]}"; do
		[ "$("$@" "$c")" -ge $((${before[$c]} + ${want[$c]})) ] || return 1
	done
}

check_counted()
{
	local c now

	for c in "${!want[@]}"; do
		now=$("$@" "$c")
		[ "$now" -eq $((${before[$c]} + ${want[$c]})) ]
		check_err $? "$c went from ${before[$c]} to $now, expected +${want[$c]}"
	done
}

# What the host's stack saw of the crafted frames: "UDP4_NOPORTS TCP_INSEGS
# ERRORS", ERRORS the sum of the counters a bad frame that got past the
# engines would move
host_saw()
{
	echo "$(mib Udp NoPorts) $(mib Tcp InSegs)" \
	     $(( $(mib Ip InHdrErrors) + $(mib Udp InErrors) + $(mib Udp InCsumErrors) +
		 $(mib Tcp InCsumErrors) + $(mib6 Udp6NoPorts) + $(mib6 Udp6InErrors) +
		 $(mib6 Ip6InHdrErrors) ))
}

engine1_stat()
{
	stat "$DEV" "engine1_$1"
}

crafted_frames()
{
	local mac c kinds="" wire0 wire1 np0 seg0 err0 np1 seg1 err1
	declare -A before want

	RET=0
	topo_create
	mac=$(cat /sys/class/net/"$DEV"/address)
	for c in $COUNTERS; do
		before[$c]=$(stat_sum "$DEV" "$c")
		want[$c]=0
	done
	for c in $CASES; do
		kinds="$kinds ${c%%:*}"
		want[${c#*:}]=$((${want[${c#*:}]} + N))
	done
	wire0=$(stat "$DEV" rx_wire_frames)
	read -r np0 seg0 err0 <<< "$(host_saw)"

	ip netns exec "$PEER" /usr/bin/python3 "$CRAFT" "$PEER_IF" "$mac" $N $kinds
	check_err $? "craft.py could not send the frames"
	busywait 10000 all_counted stat_sum "$DEV"
	check_counted stat_sum "$DEV"
	# A frame of background traffic may still be on an input ring
	busywait 20000 balanced
	check_err $? "$(unaccounted) frames from the wire neither delivered nor dropped"
	wire1=$(stat "$DEV" rx_wire_frames)
	[ $((wire1 - wire0)) -ge $((N * 10)) ]
	check_err $? "only $((wire1 - wire0)) frames reached the card, $((N * 10)) were sent"
	# Seen from the host's stack: the good frames, and only they, reached
	# it (UDP to port 9 and TCP with no socket, each once), and no frame
	# with an error did. The bad kinds are UDP to port 9 or TCP as well, so
	# one passed up as good would show in the first two counts.
	read -r np1 seg1 err1 <<< "$(host_saw)"
	[ $((np1 - np0)) = $N ] && [ $((seg1 - seg0)) = $N ] && [ $((err1 - err0)) = 0 ]
	check_err $? "the host's stack saw $((np1 - np0)) UDP (Udp NoPorts) and $((seg1 - seg0)) TCP segments, expected $N each, and $((err1 - err0)) errors"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "good traffic stopped after the crafted frames"
	topo_destroy
	log_test "crafted frames: each fault dropped under its own counter, good ones verified"
}

# stat_at_least DEV NAME MIN
stat_at_least()
{
	[ "$(stat "$1" "$2")" -ge "$3" ]
}

# A segment whose checksum fails while the engine coalesces (hardware GRO,
# mpnic_gro_merge()) is dropped and counted, and the packet goes on
# without it. Engine 1 is stalled while the frames arrive, so that it
# takes them in one pass; an ntuple rule gives the flow engine 1, the
# indirection table sends everything else to engine 0.
gro_bad_segment()
{
	local mac c tmo steered
	declare -A before want=([in_csum_errors]=1 [in_csum_verified]=3 [rx_gro_merged]=2)

	RET=0
	[ "$(nproc)" -ge 2 ] || { log_test_skip "hardware GRO with a bad segment" "needs 2 engines"; return; }
	topo_create
	mac=$(cat /sys/class/net/"$DEV"/address)
	rxfh_set "$DEV" equal 1 &&
		ethtool -N "$DEV" flow-type tcp4 dst-ip $H4 dst-port 9 action 1 loc 0 >/dev/null
	check_err $? "cannot give the flow engine 1"
	for c in "${!want[@]}"; do
		before[$c]=$(engine1_stat "$c")
	done
	steered=$(stat "$DEV" rx_ntuple_steered)
	# no health report of the stall: it is over before the watchdog looks
	tmo=$(devlink -j dev param show "$(handle)" name stall_timeout_ms |
	      /usr/bin/python3 -c 'import json, sys; print(list(json.load(sys.stdin)["param"].values())[0][0]["values"][0]["value"])')
	card_param stall_timeout_ms 600000 && fault 1 stall on
	check_err $? "cannot stall engine 1"
	ip netns exec "$PEER" /usr/bin/python3 "$CRAFT" "$PEER_IF" "$mac" 4 gro_bad_middle
	check_err $? "craft.py could not send the frames"
	busywait 10000 stat_at_least "$DEV" rx_ntuple_steered $((steered + 4))
	check_err $? "the frames did not reach engine 1: rx_ntuple_steered $steered -> $(stat "$DEV" rx_ntuple_steered)"
	fault 1 stall off
	check_err $? "cannot end engine 1's stall"
	busywait 10000 all_counted engine1_stat
	card_param stall_timeout_ms "$tmo"
	check_counted engine1_stat
	busywait 20000 balanced
	check_err $? "$(unaccounted) frames from the wire neither delivered nor dropped"
	topo_destroy
	log_test "hardware GRO: a segment with a bad checksum is dropped, the packet goes on"
}

mpnic_tests_run
