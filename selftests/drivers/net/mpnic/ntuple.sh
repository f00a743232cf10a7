#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Ntuple rules (ethtool -N/-n): matched before the hash, to an engine or to
# a counted drop; listed and deleted by location; both directions of a
# steered flow meet in the rule's engine; refusals for what the card cannot
# match.

ALL_TESTS="
	ntuple_steer
	ntuple_drop_and_delete
	ntuple_tx_affinity
	ntuple_refusals
	ntuple_types
	arfs
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 iperf3
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (2 engines)"; exit "$ksft_skip"; }

RSS_PY="$(dirname "$0")/rss.py"

send()
{
	ip netns exec "$PEER" /usr/bin/python3 "$RSS_PY" send "$PEER_IF" \
		"$(cat /sys/class/net/"$DEV"/address)" "$@"
}

# Engines whose flow table holds a flow with this local endpoint: engines_of PATTERN
engines_of()
{
	local dir e

	dir=$(card_dir "$DEV")
	for e in "$dir"/engine*; do
		awk -v p="$1" '$3 ~ p { n++ } END { if (n) print FILENAME, n }' "$e/flows" |
			sed 's|.*/engine\([0-9]*\)/flows|\1|'
	done
}

# Flows tracked, over all engines, whose local endpoint matches: tracked PATTERN
tracked()
{
	engines_of "$1" | awk '{ t += $2 } END { printf "%.0f\n", t }'
}

ntuple_steer()
{
	local before got

	RET=0
	topo_create
	ethtool -N "$DEV" flow-type udp4 dst-ip $H4 dst-port 7777 action 1 loc 5 >/dev/null
	check_err $? "inserting a udp4 rule failed"
	before=$(stat "$DEV" rx_ntuple_steered)
	send udp4 64 20000 7777
	busywait 10000 until_counter_is ">= $((before + 64))" stat "$DEV" rx_ntuple_steered >/dev/null
	check_err $? "rx_ntuple_steered went from $before to $(stat "$DEV" rx_ntuple_steered), +64 expected"
	got=$(engines_of ':7777$')
	[ "$got" = "1 64" ]
	check_err $? "flows to port 7777 are in engines '$got', expected all 64 in engine 1"
	topo_destroy
	log_test "a rule steers every matching flow to its engine"
}

ntuple_drop_and_delete()
{
	local loc before

	RET=0
	topo_create
	ethtool -N "$DEV" flow-type tcp6 src-ip $P6 dst-port 5555 action -1 >/tmp/mpnic-nt.$$ 2>&1
	check_err $? "inserting a drop rule failed: $(cat /tmp/mpnic-nt.$$)"
	loc=$(awk '/Added rule with ID/ { print $NF }' /tmp/mpnic-nt.$$)
	rm -f /tmp/mpnic-nt.$$
	ethtool -n "$DEV" | grep -q "Filter: $loc"
	check_err $? "ethtool -n does not list rule $loc"
	ethtool -n "$DEV" | grep -A8 "Filter: $loc" | grep -q "Action: Drop"
	check_err $? "rule $loc is not listed as a drop"
	before=$(stat "$DEV" rx_ntuple_drop)
	send tcp6 32 21000 5555
	busywait 10000 until_counter_is ">= $((before + 32))" stat "$DEV" rx_ntuple_drop >/dev/null
	[ "$(stat "$DEV" rx_ntuple_drop)" -eq $((before + 32)) ]
	check_err $? "rx_ntuple_drop went from $before to $(stat "$DEV" rx_ntuple_drop), +32 expected"
	[ -z "$(engines_of ':5555$')" ]
	check_err $? "a dropped flow reached an engine"
	ethtool -N "$DEV" delete "$loc"
	check_err $? "deleting rule $loc failed"
	ethtool -n "$DEV" | grep -q "Filter: $loc"
	check_fail $? "rule $loc is still listed after delete"
	send tcp6 32 22000 5555
	busywait 10000 until_counter_is "== 32" tracked ':5555$' >/dev/null
	check_err $? "after delete, $(tracked ':5555$') of 32 flows to 5555 are tracked"
	[ "$(stat "$DEV" rx_ntuple_drop)" -eq $((before + 32)) ]
	check_err $? "frames were dropped after the rule went"
	topo_destroy
	log_test "a drop rule drops and counts, and goes with delete"
}

ntuple_tx_affinity()
{
	local dir out e

	RET=0
	topo_create
	dir=$(card_dir "$DEV")
	for e in 0 1; do
		ethtool -N "$DEV" flow-type tcp4 src-ip $P4 src-port 5201 action $e loc 1 >/dev/null
		check_err $? "rule to engine $e failed"
		iperf_server
		iperf_client 60 -c $P4 -t 1 -P 4 >/dev/null
		check_err $? "iperf3 with the rule to engine $e failed"
		wait
		# every 5201 flow: in engine $e only, packets both ways
		out=$(for f in "$dir"/engine*; do
			awk -v e="${f##*engine}" '$2 ~ /:5201$/ { print e, $5, $7 }' "$f/flows"
		done)
		echo "$out" | awk -v e=$e 'NF && ($1 != e || $2 == 0 || $3 == 0) { bad = 1 } END { exit bad || !NR }'
		check_err $? "with the rule to engine $e, flows were: $(echo $out)"
		# next round: old flows would still be listed; they close and age
		card_param flow_timeout 1
		busywait 15000 until_counter_is "== 0" stat_sum "$DEV" flows_active >/dev/null
		card_param flow_timeout 120
	done
	topo_destroy
	log_test "a steered flow's sent frames go through the rule's engine"
}

ntuple_refusals()
{
	RET=0
	# refusals by a card that is not there would pass as well
	ip link add "$DEV" type mpnic
	check_err $? "ip link add failed"
	ethtool -N "$DEV" flow-type udp4 dst-port 1 action 64 2>/dev/null
	check_fail $? "a rule to a queue the port does not have was taken"
	ethtool -N "$DEV" flow-type udp4 dst-port 1 action 0 loc 4096 2>/dev/null
	check_fail $? "a rule at location 4096 was taken"
	ethtool -N "$DEV" flow-type ether proto 0x88b5 action 0 2>/dev/null
	check_fail $? "an ether rule was taken"
	ethtool -N "$DEV" flow-type tcp4 tos 4 action 0 2>/dev/null
	check_fail $? "a tos match was taken"
	ethtool -N "$DEV" delete 17 2>/dev/null
	check_fail $? "deleting a rule that does not exist succeeded"
	ethtool -K "$DEV" ntuple off
	check_err $? "ntuple off refused"
	ethtool -N "$DEV" flow-type udp4 dst-port 1 action 0 2>/dev/null
	check_fail $? "a rule was taken with ntuple off"
	[ "$(ethtool -n "$DEV" | grep -c 'Filter:')" -eq 0 ]
	check_err $? "refused rules are listed"
	ip link del "$DEV"
	log_test "rules the card cannot run are refused"
}

# Every flow type reads back as it was written; an ip4 rule on the L4
# protocol drops ICMP (ping) and lets TCP through
ntuple_types()
{
	local out d0

	RET=0
	topo_create
	ethtool -N "$DEV" flow-type ip4 src-ip $P4 l4proto 1 action -1 loc 10 >/dev/null
	check_err $? "an ip4 rule refused"
	ethtool -N "$DEV" flow-type ip6 dst-ip $H6 l4proto 6 action 1 loc 11 >/dev/null
	check_err $? "an ip6 rule refused"
	ethtool -N "$DEV" flow-type udp6 src-ip $P6 src-port 53 action 0 loc 12 >/dev/null
	check_err $? "a udp6 rule refused"
	ethtool -N "$DEV" flow-type tcp4 dst-ip $H4 dst-port 80 action 1 loc 13 >/dev/null
	check_err $? "a tcp4 rule refused"
	out=$(ethtool -n "$DEV" rule 10)
	echo "$out" | grep -q "Raw IPv4" && echo "$out" | grep -q "Src IP addr: $P4 mask: 0.0.0.0" &&
		echo "$out" | grep -q "Protocol: 1 mask: 0x0" && echo "$out" | grep -q "Action: Drop"
	check_err $? "the ip4 rule reads back as: $out"
	out=$(ethtool -n "$DEV" rule 11)
	echo "$out" | grep -q "Raw IPv6" && echo "$out" | grep -q "Dest IP addr: $H6 mask: ::" &&
		echo "$out" | grep -q "Protocol: 6 mask: 0x0" && echo "$out" | grep -q "queue 1"
	check_err $? "the ip6 rule reads back as: $out"
	out=$(ethtool -n "$DEV" rule 12)
	echo "$out" | grep -q "UDP over IPv6" && echo "$out" | grep -q "Src IP addr: $P6 mask: ::" &&
		echo "$out" | grep -q "Src port: 53 mask: 0x0" && echo "$out" | grep -q "queue 0"
	check_err $? "the udp6 rule reads back as: $out"
	out=$(ethtool -n "$DEV" rule 13)
	echo "$out" | grep -q "TCP over IPv4" && echo "$out" | grep -q "Dest IP addr: $H4 mask: 0.0.0.0" &&
		echo "$out" | grep -q "Dest port: 80 mask: 0x0"
	check_err $? "the tcp4 rule reads back as: $out"
	d0=$(stat "$DEV" rx_ntuple_drop)
	ping -c 3 -i 0.2 -W 1 $P4 >/dev/null
	check_fail $? "ping answered through a rule dropping ICMP from the peer"
	[ $(($(stat "$DEV" rx_ntuple_drop) - d0)) = 3 ]
	check_err $? "$(($(stat "$DEV" rx_ntuple_drop) - d0)) replies dropped by the rule, expected 3"
	iperf_server
	iperf_client 30 -c $P4 -t 1 >/dev/null
	check_err $? "TCP did not pass the ICMP rule"
	wait
	topo_destroy
	log_test "rules of every flow type read back; an ip4 l4proto rule drops ping only"
}

# RFS on, with a small flow table per queue so that a flow's entry ages
# after a few dozen frames: rfs_set ENTRIES PER_QUEUE
rfs_set()
{
	local q

	sysctl -qw net.core.rps_sock_flow_entries="$1" || return 1
	for q in /sys/class/net/"$DEV"/queues/rx-*; do
		echo "$2" > "$q"/rps_flow_cnt || return 1
	done
}

# One TCP flow from the peer, read by an iperf3 server pinned to CPU:
# rfs_flow CPU CLIENT_PORT SECONDS; prints the frames engines 0 and 1 took,
# and fails if iperf3 did (it runs in $(...): a check_err here would be lost)
rfs_flow()
{
	local e0 e1 rc

	e0=$(stat "$DEV" engine0_rx_frames)
	e1=$(stat "$DEV" engine1_rx_frames)
	taskset -c "$1" timeout $IPERF_SERVER_SECS iperf3 -s -1 -B $H4 >/dev/null 2>&1 &
	busywait 5000 sh -c "ss -ltn | grep -q ':5201 '"
	ip netns exec "$PEER" timeout 30 iperf3 -c $H4 -t "$3" --cport "$2" >/dev/null
	rc=$?
	wait
	echo "$(( $(stat "$DEV" engine0_rx_frames) - e0 )) $(( $(stat "$DEV" engine1_rx_frames) - e1 ))"
	return $rc
}

# Accelerated RFS: a flow goes to the engine on the CPU that reads it
# (engine N runs on CPU N), whichever engine RSS gave it, and its filter
# is released once RFS lets the flow go
arfs()
{
	local cpu got mine other

	RET=0
	topo_create
	rfs_set 32768 8
	check_err $? "cannot turn RFS on"
	for cpu in 0 1; do
		got=$(rfs_flow $cpu 40100 3)
		check_err $? "iperf3 to a reader on CPU $cpu failed"
		mine=$(echo "$got" | cut -d' ' -f$((cpu + 1)))
		other=$(echo "$got" | cut -d' ' -f$((2 - cpu)))
		[ "$mine" -gt $((9 * other)) ]
		check_err $? "read on CPU $cpu: engine $cpu took $mine frames, the other $other"
		echo "# reader on CPU $cpu: engines took $got frames"
	done
	# RSS gave the flow one engine: the other run was steered
	[ "$(stat "$DEV" arfs_filters_added)" -gt 0 ] && [ "$(stat "$DEV" rx_arfs_steered)" -gt 0 ]
	check_err $? "no aRFS filter, no steered frame"
	# another flow read on both CPUs moves their queues on: the first
	# flow's entry ages, and its filter goes
	rfs_flow 0 40200 1 >/dev/null && rfs_flow 1 40300 1 >/dev/null
	check_err $? "iperf3 of the flows that move the queues on failed"
	busywait 10000 until_counter_is ">= 1" stat "$DEV" arfs_filters_expired >/dev/null
	check_err $? "no aRFS filter was released"
	rfs_set 0 0
	topo_destroy
	log_test "aRFS: flows follow their reader's CPU; filters are released"
}

mpnic_tests_run
