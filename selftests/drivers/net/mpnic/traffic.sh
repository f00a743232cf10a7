#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Traffic between the host and a peer namespace through the card: ping,
# TCP both ways, counters that add up, and deletion under traffic.

ALL_TESTS="
	ping_v4_v6
	tcp_to_peer
	tcp_to_gro_peer
	tcp_wire_trains
	tcp_from_peer
	tcp_v6
	tcp_vlan
	counters_add_up
	engine_busy_time
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd ping iperf3

IPERF_T=${IPERF_T:-3}

iperf_run()
{
	local srv=$1; shift

	iperf_server "$srv"
	iperf_client 60 -c "$srv" -t "$IPERF_T" -J "$@" > /tmp/mpnic-iperf.$$.json
	local rc=$?
	wait
	return $rc
}

iperf_bytes()
{
	/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"]))' \
		/tmp/mpnic-iperf.$$.json 2>/dev/null || echo 0
}

ping_v4_v6()
{
	RET=0
	topo_create
	ping -c 3 -i 0.2 -W 5 $P4 >/dev/null
	check_err $? "IPv4 ping failed"
	ping -6 -c 3 -i 0.2 -W 5 $P6 >/dev/null
	check_err $? "IPv6 ping failed"
	topo_destroy
	log_test "ping IPv4 and IPv6"
}

tcp_to_peer()
{
	RET=0
	topo_create
	iperf_run $P4
	check_err $? "iperf3 to the peer failed"
	[ "$(iperf_bytes)" -gt 1000000 ]
	check_err $? "less than 1 MB reached the peer"
	# every segment TSO cut counts as a TCP segment sent
	[ "$(stat_sum $DEV tx_tso_segs)" -gt 500 ] &&
		[ "$(stat_sum $DEV tcp_out_segs)" -ge "$(stat_sum $DEV tx_tso_segs)" ]
	check_err $? "$(stat_sum $DEV tcp_out_segs) TCP segments sent, $(stat_sum $DEV tx_tso_segs) cut by TSO"
	topo_destroy
	log_test "TCP host -> peer (iperf3)"
}

# The engines hand the frames of a pass to the wire as one batch, softirqs
# off (mpnic_engine_wire_send()), so a peer that receives with GRO
# coalesces a TSO packet's frames as it would a real NIC's. veth polls its
# peer with NAPI, and so runs GRO, only for a sending end without TSO.
tcp_to_gro_peer()
{
	local sniff=/tmp/mpnic-sniff.$$ big all

	RET=0
	topo_create
	# frame by frame: without trains (on by default), which a wire
	# without TSO would cut into frames as well, in one skb list
	ethtool --set-priv-flags "$DEV" wire-trains off &&
		ethtool -K "$WIRE" tso off >/dev/null &&
		ip netns exec "$PEER" ethtool -K "$PEER_IF" gro on >/dev/null
	check_err $? "cannot turn trains and the wire's TSO off and the peer's GRO on"
	rm -f "$sniff".*
	ip netns exec "$PEER" /usr/bin/python3 "$lib_dir/sniff.py" "$PEER_IF" 1514 \
		"$sniff.ready" "$sniff.stop" 300 > "$sniff.out" &
	# a checked kernel takes seconds to start python
	busywait 60000 test -e "$sniff.ready"
	check_err $? "the sniffer did not start"
	iperf_server
	iperf_client 60 -c $P4 -t "$IPERF_T" >/dev/null
	check_err $? "iperf3 to the peer failed"
	touch "$sniff.stop"
	wait
	read -r big all < "$sniff.out"
	echo "# the peer received $all packets, $big of them coalesced by its GRO"
	# Frame by frame, each frame's softirq flushes GRO: none coalesce
	# (0 of 22886 on 6.12 before the batch, 3645 of 3668 with it)
	[ "${big:-0}" -gt $(( ${all:-0} / 4 )) ]
	check_err $? "$big of the peer's $all packets were coalesced by its GRO"
	rm -f "$sniff".*
	topo_destroy
	log_test "TCP host -> GRO peer: a TSO packet's frames reach the wire as one batch"
}

peer_rx()
{
	ip netns exec "$PEER" cat /sys/class/net/"$PEER_IF"/statistics/rx_packets
}

# A checked transfer from the host to DST of MIB MiB: sets frames (on the
# wire), trains and rx (packets the peer received) and xfer_msg
trains_xfer()
{
	local f0 t0 r0 rc

	f0=$(stat_sum "$DEV" tx_wire_frames) t0=$(stat_sum "$DEV" tx_wire_trains) r0=$(peer_rx)
	xfer "$PEER" "" "$1" "$2"
	rc=$?
	frames=$(( $(stat_sum "$DEV" tx_wire_frames) - f0 ))
	trains=$(( $(stat_sum "$DEV" tx_wire_trains) - t0 ))
	rx=$(( $(peer_rx) - r0 ))
	echo "# $1: $frames wire frames, $trains trains, the peer received $rx packets"
	return $rc
}

# wire-trains: the frames of a TSO packet leave as one skb, as the peer's
# GRO would have built it; a wire without TSO cuts them apart again.
# Data checked end to end (xfer), both IP versions.
tcp_wire_trains()
{
	local frames trains rx dst

	RET=0
	topo_create
	# on by default
	ethtool --show-priv-flags "$DEV" | grep -q "^wire-trains *: on"
	check_err $? "wire-trains does not show on: $(ethtool --show-priv-flags "$DEV")"
	for dst in $P4 $P6; do
		trains_xfer "$dst" 16
		check_err $? "transfer with trains: $xfer_msg"
		[ "$trains" -gt 0 ] && [ "$rx" -lt $((frames / 2)) ]
		check_err $? "$dst: $trains trains: the peer received $rx packets for $frames frames"
	done
	# a wire without TSO: validate_xmit_skb() cuts each train into its frames
	ethtool -K "$WIRE" tso off >/dev/null
	check_err $? "cannot turn the wire's TSO off"
	trains_xfer $P4 16
	check_err $? "transfer with trains over a wire without TSO: $xfer_msg"
	[ "$trains" -gt 0 ] && [ "$rx" -gt $((frames / 2)) ]
	check_err $? "wire without TSO: the peer received $rx packets for $frames frames"
	ethtool --set-priv-flags "$DEV" wire-trains off
	check_err $? "cannot turn wire-trains off"
	trains_xfer $P4 4
	check_err $? "transfer with trains off: $xfer_msg"
	[ "$trains" = 0 ]
	check_err $? "$trains trains with wire-trains off"
	ethtool --show-priv-flags "$DEV" | grep -q "^wire-trains *: off"
	check_err $? "wire-trains does not show off: $(ethtool --show-priv-flags "$DEV")"
	ethtool --set-priv-flags "$DEV" wire-trains on
	check_err $? "cannot turn wire-trains back on"
	[ "$(unaccounted)" = 0 ]
	check_err $? "frames unaccounted for: $(unaccounted)"
	topo_destroy
	log_test "TCP host -> peer in wire trains: one skb per TSO packet, data intact"
}

tcp_from_peer()
{
	RET=0
	topo_create
	iperf_run $P4 -R
	check_err $? "iperf3 from the peer failed"
	[ "$(iperf_bytes)" -gt 1000000 ]
	check_err $? "less than 1 MB reached the host"
	# The peer's TSO packets are cut straight into card memory, checksums computed
	[ "$(stat $DEV rx_gso_split)" -gt 0 ] && [ "$(stat $DEV rx_gso_sw)" = 0 ]
	check_err $? "GSO packets from the wire: $(stat $DEV rx_gso_split) cut, $(stat $DEV rx_gso_sw) by skb_gso_segment"
	# ... checksums the engine then takes as good, and the segments that
	# follow a packet's first one merge without a parse of their own
	[ "$(stat_sum $DEV in_csum_errors)" = 0 ] && [ "$(stat_sum $DEV in_csum_filled)" -gt 1000 ]
	check_err $? "segments' checksums: $(stat_sum $DEV in_csum_errors) bad, $(stat_sum $DEV in_csum_filled) filled in by the port"
	[ "$(stat_sum $DEV rx_gro_followed)" -gt 500 ] &&
		[ "$(stat_sum $DEV rx_gro_followed)" -le "$(stat_sum $DEV rx_gro_merged)" ]
	check_err $? "$(stat_sum $DEV rx_gro_followed) segments merged unparsed, of $(stat_sum $DEV rx_gro_merged) merged"
	# Coalesced segments are packed into the host buffers: a packet has at
	# most MAX_SKB_FRAGS + 1 (18) of them, one per segment if unpacked
	[ "$(stat_sum $DEV rx_hw_gro_wire_packets)" -gt $((18 * $(stat_sum $DEV rx_hw_gro_packets))) ]
	check_err $? "$(stat_sum $DEV rx_hw_gro_wire_packets) segments in $(stat_sum $DEV rx_hw_gro_packets) coalesced packets"
	[ "$(stat_sum $DEV in_receives)" = "$(stat_sum $DEV rx_frames)" ]
	check_err $? "the stack looked at $(stat_sum $DEV in_receives) of $(stat_sum $DEV rx_frames) frames"
	topo_destroy
	log_test "TCP peer -> host (iperf3 -R)"
}

tcp_v6()
{
	RET=0
	topo_create
	iperf_run $P6
	check_err $? "iperf3 over IPv6 failed"
	iperf_run $P6 -R
	check_err $? "iperf3 -R over IPv6 failed"
	topo_destroy
	log_test "TCP over IPv6, both directions"
}

# A VLAN on top of the port: the host leaves the tag to the card, whose
# engines insert it (also into every TSO segment); received tagged frames
# reach the VLAN device
tcp_vlan()
{
	local v4=203.0.113

	RET=0
	topo_create
	vlan10_create
	ethtool -k "$DEV" | grep -q '^tx-vlan-offload: on'
	check_err $? "tx-vlan-offload is not on"
	ping -c 3 -i 0.2 -W 5 $v4.2 >/dev/null
	check_err $? "ping over VLAN 10 failed"
	iperf_run $v4.2
	check_err $? "iperf3 over VLAN 10 failed"
	[ "$(iperf_bytes)" -gt 1000000 ]
	check_err $? "less than 1 MB crossed VLAN 10"
	[ "$(stat_sum "$DEV" tx_tso)" -gt 0 ]
	check_err $? "the engines segmented nothing for the VLAN"
	ip link del "$DEV.10"
	topo_destroy
	log_test "TCP over a VLAN: the engines insert the tag, TSO included"
}

rings_idle()
{
	local a b

	a=$(stat_sum "$DEV" rx_frames)
	sleep 0.2
	b=$(stat_sum "$DEV" rx_frames)
	[ "$a" -eq "$b" ]
}

# A counter from the snapshot in $snap: snap_stat NAME, or snap_sum SUFFIX
# ("?NAME" for a counter the card does not have, as lib.sh's stat)
snap_stat()
{
	echo "$snap" | awk -v n="$1:" '$1 == n { print $2; f = 1 }
		END { if (!f) { print "?" n; print "# no counter " n > "/dev/stderr" } }'
}

snap_sum()
{
	echo "$snap" | suffix_sum "$1"
}

# Every frame the wire delivered is delivered to the host or in one drop
# counter; all figures come from one `ethtool -S` snapshot, since frames
# still arrive (and are counted as rx_port_down) while the test reads. The
# wire's own count (veth0's rx_packets, one per skb; the card counts each
# segment of a GSO skb) is the figure from outside the card.
counters_add_up()
{
	local wire delivered drops hostrx snap veth

	RET=0
	topo_create
	ping -c 20 -i 0.05 -W 5 $P4 >/dev/null
	check_err $? "ping failed"
	iperf_run $P4 -R
	check_err $? "iperf3 from the peer failed"
	[ "$(iperf_bytes)" -gt 1000000 ]
	check_err $? "less than 1 MB reached the host"
	ip link set "$DEV" down
	# Frames already on an input ring are still being counted
	busywait 5000 rings_idle
	# before the card's snapshot: veth counts a frame as it hands it on,
	# and the card takes it in the same softirq
	veth=$(cat /sys/class/net/"$WIRE"/statistics/rx_packets)
	snap=$(ethtool -S "$DEV")
	wire=$(snap_stat rx_wire_frames)
	[ "$veth" -gt 1000 ] && [ "$wire" -ge "$veth" ]
	check_err $? "the wire received $veth skbs, the card counts $wire frames from it"
	drops=$(( $(snap_stat rx_port_down) + $(snap_stat rx_runt) +
		  $(snap_stat rx_oversize) + $(snap_stat rx_card_mem_exhausted) +
		  $(snap_stat rx_engine_ring_full) + $(snap_stat rx_ntuple_drop) ))
	delivered=$(snap_sum rx_frames)
	[ "$wire" -eq $((delivered + drops)) ]
	check_err $? "wire $wire != engines $delivered + dispatch drops $drops"
	drops=$(( $(snap_sum rx_missed) + $(snap_sum rx_no_queue) +
		  $(snap_sum rx_flushed) + $(snap_sum rx_too_long) +
		  $(snap_sum in_truncated) + $(snap_sum in_hdr_errors) +
		  $(snap_sum in_ip_csum_errors) + $(snap_sum in_l4_errors) +
		  $(snap_sum in_csum_errors) ))
	hostrx=$(snap_sum rx_delivered)
	[ "$delivered" -eq $((hostrx + drops)) ]
	check_err $? "engines $delivered != to host $hostrx + engine drops $drops"
	# a coalesced packet carries rx_gro_merged frames on top of its first
	[ "$hostrx" -eq $(( $(snap_sum rx_packets) + $(snap_sum rx_alloc_fail) +
			    $(snap_sum rx_gro_merged) )) ]
	check_err $? "delivered frames != host packets + skb failures + frames merged by GRO"
	[ "$(snap_sum tx_frames)" -eq $(( $(snap_sum tx_packets) + $(snap_sum tx_dropped) )) ]
	check_err $? "TX descriptors != sent + dropped"
	[ "$delivered" -gt 1000 ]
	check_err $? "too little traffic to judge ($delivered frames)"
	topo_destroy
	log_test "every received frame is delivered or counted"
}

# CPU time of a card's engine threads, ns (/proc/PID/schedstat, field 1)
engine_cpu_ns()
{
	local pid sum=0

	for pid in $(ps -eo pid=,comm= | awk -v c="mpnic$(card_id "$DEV")/e" \
			'index($2, c) == 1 { print $1 }'); do
		sum=$((sum + $(cut -d' ' -f1 "/proc/$pid/schedstat")))
	done
	echo "$sum"
}

engine_frames()
{
	echo $(( $(stat_sum "$DEV" rx_frames) + $(stat_sum "$DEV" tx_frames) ))
}

# Two seconds with no frame in or out: no pass ran in the second one, so
# busy_ns stays where it was. A pass counts its frames before it adds its
# time: the frames are read before busy_ns at the start, after it at the
# end, so that a pass under way at either read shows as a frame.
# Returns 1 when a frame moved.
busy_still()
{
	local f b

	f=$(engine_frames)
	sleep 1
	[ "$(engine_frames)" -ne "$f" ] && return 1
	b=$(stat_sum "$DEV" busy_ns)
	sleep 1
	b=$(( $(stat_sum "$DEV" busy_ns) - b ))
	[ "$(engine_frames)" -ne "$f" ] && return 1
	[ "$b" -eq 0 ] && return 0
	echo "# busy_ns moved by $b ns with no frame"
	return 2
}

# The engines' busy_ns is their own work: it moves only with frames, and
# stays well below their threads' CPU time, which also carries the host's
# NAPI and TCP receive that the engines' interrupts run on them
engine_busy_time()
{
	local b0 c0 f0 b c f i rc

	RET=0
	topo_create
	# IPv6 housekeeping (router solicitations, MLD reports) sends at any
	# time, from either side: off here, so that the wire goes quiet, and
	# a check that never found it quiet fails rather than passes
	sysctl -qw net.ipv6.conf."$DEV".disable_ipv6=1 &&
		ip netns exec "$PEER" sysctl -qw net.ipv6.conf."$PEER_IF".disable_ipv6=1
	check_err $? "cannot turn IPv6 off on the link"
	ping -c 3 -i 0.2 -W 5 $P4 >/dev/null
	check_err $? "ping failed"
	# an ARP exchange may still follow the ping: find a quiet second
	for i in 1 2 3 4 5; do
		busy_still
		rc=$?
		[ $rc -ne 1 ] && break
	done
	[ $rc -ne 1 ]
	check_err $? "no quiet two seconds in five tries: busy_ns at rest could not be checked"
	[ $rc -ne 2 ]
	check_err $? "busy_ns moved while no frame did"
	b0=$(stat_sum "$DEV" busy_ns)
	c0=$(engine_cpu_ns)
	f0=$(engine_frames)
	iperf_run $P4 -R
	check_err $? "iperf3 from the peer failed"
	b=$(( $(stat_sum "$DEV" busy_ns) - b0 ))
	c=$(( $(engine_cpu_ns) - c0 ))
	f=$(( $(engine_frames) - f0 ))
	echo "# $f frames: engines busy $((b / 1000000)) ms, their threads' CPU $((c / 1000000)) ms"
	[ "$f" -gt 1000 ] && [ "$b" -ge $((f * 100)) ]
	check_err $? "busy_ns under 100 ns per frame: $b ns for $f frames"
	# the host's NAPI and TCP receive are half of the threads' time
	# here (busy 0.42 to 0.50 of it; 0.89 with them counted)
	[ "$b" -lt $((c * 3 / 4)) ]
	check_err $? "busy_ns $b not below 3/4 of the threads' CPU time $c"
	topo_destroy
	log_test "engine busy time: its own work, the host's softirqs excluded"
}

mpnic_tests_run
