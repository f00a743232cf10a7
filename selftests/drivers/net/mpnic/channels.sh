#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -L: how many engines serve the port, changed on a running port.

ALL_TESTS="
	channels_respread
	channels_refused
	channels_under_traffic
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd iperf3 /usr/bin/python3

combined()
{
	ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }'
}

# Engines named by the indirection table, sorted and unique
table_engines()
{
	ethtool -x "$DEV" | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) print $i }' | sort -un | tr '\n' ' '
}

# A card of 4 engines on the VM's CPUs, wired and up
topo_create4()
{
	echo 4 > /sys/module/mpnic/parameters/engines
	topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
	card_param flow_closed_timeout 120
}

topo_destroy4()
{
	topo_destroy
}

# TCP segments each engine took in during 48 streams: engine_load
engine_load()
{
	local e before=() after=()

	for e in 0 1 2 3; do
		before[e]=$(stat "$DEV" engine${e}_tcp_in_segs)
	done
	iperf_server
	iperf_client 60 -c $P4 -t 1 -P 48 >/dev/null || return 1
	wait
	for e in 0 1 2 3; do
		after[e]=$(stat "$DEV" engine${e}_tcp_in_segs)
		load[e]=$((after[e] - before[e]))
	done
	echo "# engine TCP segments: ${load[*]}"
}

# The table follows the engine count unless the user set it; traffic
# follows the table: removed engines see none, added ones take their share
channels_respread()
{
	local load=()

	RET=0
	topo_create4
	[ "$(combined)" = 4 ] && [ "$(table_engines)" = "0 1 2 3 " ]
	check_err $? "a 4-engine card does not start on 4 channels over a 4-engine table"
	ethtool -L "$DEV" combined 2
	check_err $? "ethtool -L combined 2 failed"
	[ "$(combined)" = 2 ]
	check_err $? "ethtool -l says $(combined) after -L 2"
	[ "$(table_engines)" = "0 1 " ]
	check_err $? "the table names engines $(table_engines)after -L 2"
	[ "$(ls /sys/class/net/"$DEV"/queues | grep -c tx-)" = 2 ]
	check_err $? "the port does not have 2 TX queues"
	engine_load
	check_err $? "iperf3 over 2 engines failed"
	[ "${load[0]}" -gt 0 ] && [ "${load[1]}" -gt 0 ] && \
		[ "${load[2]}" = 0 ] && [ "${load[3]}" = 0 ]
	check_err $? "with 2 channels the engines took ${load[*]} segments"

	ip link set "$DEV" down
	ip link set "$DEV" up
	busywait 5000 carrier_is "$DEV" 1
	[ "$(combined)" = 2 ]
	check_err $? "the channel count did not survive down/up"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no traffic after down/up on 2 channels"

	ethtool -L "$DEV" combined 4
	check_err $? "ethtool -L combined 4 failed"
	[ "$(table_engines)" = "0 1 2 3 " ]
	check_err $? "the table names engines $(table_engines)after -L 4"
	engine_load
	check_err $? "iperf3 over 4 engines failed"
	[ "${load[0]}" -gt 0 ] && [ "${load[1]}" -gt 0 ] && \
		[ "${load[2]}" -gt 0 ] && [ "${load[3]}" -gt 0 ]
	check_err $? "with 4 channels the engines took ${load[*]} segments"
	topo_destroy4
	log_test "ethtool -L: the table re-spreads and traffic follows it"
}

channels_refused()
{
	RET=0
	topo_create4
	ethtool -L "$DEV" combined 5 2>/dev/null
	check_fail $? "5 channels on a 4-engine card taken"
	ethtool -L "$DEV" combined 0 2>/dev/null
	check_fail $? "0 channels taken"
	ethtool -L "$DEV" rx 1 2>/dev/null
	check_fail $? "a separate RX channel taken"
	rxfh_set "$DEV" equal 4
	check_err $? "a user table over 4 engines refused"
	ethtool -L "$DEV" combined 2 2>/dev/null
	check_fail $? "a user table over 4 engines survived -L 2"
	rxfh_set "$DEV" equal 2
	check_err $? "a user table over engines 0-1 refused"
	ethtool -L "$DEV" combined 2
	check_err $? "-L 2 refused with a user table over engines 0-1"
	[ "$(table_engines)" = "0 1 " ]
	check_err $? "-L 2 changed a user table"
	ethtool -L "$DEV" combined 4
	check_err $? "-L 4 refused"
	[ "$(table_engines)" = "0 1 " ]
	check_err $? "-L 4 re-spread a table the user set"
	ethtool -N "$DEV" flow-type udp4 dst-port 7000 action 3 loc 1
	check_err $? "a rule to engine 3 refused"
	ethtool -L "$DEV" combined 3 2>/dev/null
	check_fail $? "-L 3 taken with a rule steering to engine 3"
	ethtool -N "$DEV" delete 1
	check_err $? "deleting the rule failed"
	ethtool -L "$DEV" combined 3
	check_err $? "-L 3 refused once the rule was gone"
	ethtool -N "$DEV" flow-type udp4 dst-port 7000 action 3 loc 1 2>/dev/null
	check_fail $? "a rule to engine 3 of 3 channels taken"
	[ "$(combined)" = 3 ]
	check_err $? "ethtool -l says $(combined), expected 3"
	topo_destroy4
	log_test "ethtool -L: refusals (counts, user table, rules)"
}

# Channel changes under traffic: 4 iperf3 streams to the peer all finish
# and still move data in their last second; a transfer from the peer
# arrives whole (SHA-256)
channels_under_traffic()
{
	local out=/tmp/mpnic-ch.$$ client n xfer_pid

	RET=0
	topo_create4
	( xfer "" "$PEER" $H4 384 || { echo "$xfer_msg"; exit 1; } ) > $out.xfer &
	xfer_pid=$!
	iperf_server
	iperf_client 60 -c $P4 -t 8 -P 4 -J > $out &
	client=$!
	for n in 2 3 1 4 2 4; do
		sleep 1
		ethtool -L "$DEV" combined $n
		check_err $? "-L $n under traffic failed"
	done
	wait $client
	check_err $? "iperf3 across the channel changes failed: $(grep '"error"' $out)"
	wait $xfer_pid
	check_err $? "the transfer across the channel changes: $(cat $out.xfer)"
	wait
	/usr/bin/python3 - $out <<'PY'
import json
import sys

r = json.load(open(sys.argv[1]))
last = r["intervals"][-1]["streams"]
stuck = [s["socket"] for s in last if s["bytes"] == 0]
assert len(last) == 4 and not stuck, f"streams stuck in the last second: {stuck}"
print("# {:.0f} MB sent, {:.0f} MB received".format(r["end"]["sum_sent"]["bytes"] / 1e6,
      r["end"]["sum_received"]["bytes"] / 1e6))
PY
	check_err $? "a stream stopped moving"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no traffic after the changes"
	rm -f $out $out.xfer
	topo_destroy4
	log_test "ethtool -L under traffic: no stream stuck, no data lost"
}

mpnic_tests_run
