#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# devlink: each card is a device on the mpnic bus with a devlink instance;
# dev info; the "engine" health reporter finds a stalled engine (fault
# injected through debugfs or `devlink health test`), dumps it and restarts
# it, and traffic resumes.

ALL_TESTS="
	dev_info
	health_auto_recover
	health_manual_recover
"
source "$(dirname "$0")"/lib.sh
require_cmd devlink iperf3 /usr/bin/python3
devlink dev help 2>&1 | grep -q info || { echo "SKIP: devlink has no dev info"; exit "$ksft_skip"; }

# devlink handle of the port's card: bus-info is the bus device's name
handle()
{
	echo "mpnic/$(ethtool -i "$DEV" | awk '/^bus-info:/ { print $2 }')"
}

registered()
{
	devlink dev show "$(handle)" >/dev/null 2>&1
}

# A field of the engine reporter: reporter_field NAME (error, recover, state)
reporter_field()
{
	devlink -j health show "$(handle)" reporter engine | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["health"]
print(list(r.values())[0][0][sys.argv[1]])' "$1"
}

dev_info()
{
	local h info

	RET=0
	topo_create
	busywait 5000 registered
	check_err $? "$(handle) is not a devlink instance"
	h=$(handle)
	info=$(devlink dev info "$h")
	echo "$info" | grep -qE "^ *driver mpnic$"
	check_err $? "dev info names no mpnic driver: $info"
	echo "$info" | grep -qE "^ *serial_number MPNIC[0-9A-F]{8}$"
	check_err $? "dev info has no serial number: $info"
	echo "$info" | grep -qE "^ *fw mpnic-engine 1.0$" && echo "$info" | grep -qE "^ *fw.engine 1.0.0$"
	check_err $? "dev info has not the running firmware versions: $info"
	[ "$(basename "$(readlink /sys/class/net/"$DEV"/device)")" = "${h#mpnic/}" ]
	check_err $? "the port's parent device is not its card"
	[ "$(basename "$(readlink /sys/bus/mpnic/devices/"${h#mpnic/}"/driver)")" = mpnic ]
	check_err $? "the card is not bound to the mpnic driver"
	devlink health show "$h" reporter engine | grep -q "state healthy"
	check_err $? "the engine reporter is missing or not healthy"
	topo_destroy
	busywait 5000 eval '! devlink dev show "$h" >/dev/null 2>&1'
	check_err $? "$h outlived its card"
	log_test "devlink dev info, the card on the mpnic bus, the engine reporter"
}

stall_all()
{
	local f

	for f in "$(card_dir "$DEV")"/engine*/fault_stall; do
		echo Y > "$f"
	done
}

# Stall every engine under TCP traffic: the reporter finds it, dumps it,
# devlink recovers it, and the transfer finishes whole
health_auto_recover()
{
	local h out=/tmp/mpnic-dl.$$ xfer_pid r0

	RET=0
	echo 500 > /sys/module/mpnic/parameters/stall_timeout_ms
	topo_create
	busywait 5000 registered
	h=$(handle)
	r0=$(stat_sum "$DEV" restarts)
	( xfer "" "$PEER" $H4 128 || { echo "$xfer_msg"; exit 1; } ) > $out &
	xfer_pid=$!
	sleep 1
	stall_all
	busywait 10000 eval '[ "$(reporter_field recover)" -ge 1 ]'
	check_err $? "no recovery: error $(reporter_field error), recover $(reporter_field recover)"
	wait $xfer_pid
	check_err $? "the transfer across the stall: $(cat $out)"
	[ "$(stat_sum "$DEV" restarts)" -gt "$r0" ]
	check_err $? "no engine counted a restart"
	devlink health dump show "$h" reporter engine > $out
	check_err $? "no dump was taken"
	grep -qE "stalled:? true" $out && grep -q "input_ring_pending" $out
	check_err $? "the dump does not show a stalled engine and its rings: $(head -c 300 $out)"
	devlink health diagnose "$h" reporter engine | grep -qE "stalled:? false"
	check_err $? "diagnose after recovery: $(devlink health diagnose "$h" reporter engine)"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no traffic after the recovery"
	rm -f $out
	topo_destroy
	echo 1000 > /sys/module/mpnic/parameters/stall_timeout_ms
	log_test "health: a stalled engine is reported, dumped and recovered under traffic"
}

# auto_recover off: the stall is reported and stays (no replies) until
# `devlink health recover`; `devlink health test` injects it
health_manual_recover()
{
	local h e0

	RET=0
	echo 500 > /sys/module/mpnic/parameters/stall_timeout_ms
	topo_create
	busywait 5000 registered
	h=$(handle)
	devlink health set "$h" reporter engine auto_recover false
	check_err $? "auto_recover cannot be turned off"
	devlink health test "$h" reporter engine
	check_err $? "devlink health test failed"
	stall_all
	e0=$(reporter_field error)
	ping -c 20 -i 0.2 -W 1 $P4 >/dev/null
	check_fail $? "ping went through stalled engines"
	busywait 5000 eval '[ "$(reporter_field error)" -gt "$e0" ]'
	check_err $? "the stall was not reported"
	[ "$(reporter_field state)" = error ]
	check_err $? "the reporter is $(reporter_field state), not in error"
	devlink health recover "$h" reporter engine
	check_err $? "devlink health recover failed"
	[ "$(reporter_field state)" = healthy ]
	check_err $? "the reporter is $(reporter_field state) after recover"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no traffic after devlink health recover"
	topo_destroy
	echo 1000 > /sys/module/mpnic/parameters/stall_timeout_ms
	log_test "health: auto_recover off, the stall stays until devlink health recover"
}

tests_run
