#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What goes away under traffic: an engine's CPU (CPU hotplug), the wire,
# the port, the peer's namespace, the module. Each ends cleanly while
# iperf3 runs: no splat, no stuck queue, every frame the card took
# accounted for, and the card (where it is left) carries traffic again.

ALL_TESTS="
	cpu_offline
	wire_detach
	port_delete
	peer_ns_delete
	module_unload
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 iperf3 ping "$MPNICCTL"

CPU1=/sys/devices/system/cpu/cpu1/online

# An engine field through the family: engine_field CARD ENGINE ATTR
engine_field()
{
	$MPNICCTL -j engine show card "$1" engine "$2" |
		/usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)[0]['$3'])"
}

# CPUs the kthread of engine N of card ID may run on: kthread_cpus ID N
kthread_cpus()
{
	awk '/^Cpus_allowed_list:/ { print $2 }' /proc/"$(pgrep -x "mpnic$1/e$2")"/status
}

# iperf3 to the peer in the background, 8 streams, bounded: load SECS
load()
{
	iperf_server
	iperf_client $(($1 + 20)) -c $P4 -t "$1" -P 8 >/dev/null &
	load_pid=$!
}

# Traffic whose path is gone: the client and the server end now
stop_load()
{
	kill $(descendants "$load_pid") "$load_pid" 2>/dev/null
	[ -n "$PEER" ] && ip netns pids "$PEER" | xargs -r kill 2>/dev/null
	wait "$load_pid" 2>/dev/null
}

# The card carries traffic and took nothing it did not account for
card_works()
{
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping after $1"
	busywait 5000 balanced
	check_err $? "$(unaccounted) frames unaccounted for after $1"
}

cpu_offline()
{
	local id moved

	RET=0
	if [ ! -w $CPU1 ] || [ "$(cat $CPU1)" != 1 ]; then
		log_test_skip "CPU hotplug" "cpu1 cannot go offline here"
		return
	fi
	devlink_topo 2
	id=$(card_id "$DEV")
	[ "$(engine_field "$id" 1 cpu)" = 1 ]
	check_err $? "engine 1 does not start on CPU 1"
	load 8
	sleep 2
	echo 0 > $CPU1
	check_err $? "cpu1 did not go offline"
	[ "$(engine_field "$id" 1 cpu)" = 0 ] && [ "$(kthread_cpus "$id" 1)" = 0 ]
	check_err $? "engine 1 is not on CPU 0 with CPU 1 offline (kthread: $(kthread_cpus "$id" 1))"
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping with CPU 1 offline"
	sleep 2
	echo 1 > $CPU1
	check_err $? "cpu1 did not come back"
	[ "$(engine_field "$id" 1 cpu)" = 1 ] && [ "$(kthread_cpus "$id" 1)" = 1 ]
	check_err $? "engine 1 did not return to CPU 1 (kthread: $(kthread_cpus "$id" 1))"
	wait $load_pid
	check_err $? "iperf3 failed across the CPU going and coming back"
	card_works "CPU 1 went and came back"
	moved=$(dmesg | grep -c "engine 1: CPU 1 going offline, moved to CPU 0")
	[ "$moved" -ge 1 ]
	check_err $? "the move is not in the kernel log"
	dmesg | grep -E "mpnic$id/e[0-9].*no longer affine" >&2
	check_fail $? "the scheduler, not mpnic, moved an engine"
	topo_destroy
	[ "$(cat $CPU1)" = 1 ] || echo 1 > $CPU1
	log_test "CPU hotplug: an engine leaves its offline CPU under traffic, and returns"
}

wire_detach()
{
	RET=0
	topo_create
	load 8
	sleep 2
	ip link set "$WIRE" nomaster
	check_err $? "detaching the wire under traffic failed"
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "the carrier stayed up without a wire"
	sleep 1
	ip link set "$WIRE" master "$DEV"
	check_err $? "re-attaching the wire failed"
	busywait 5000 carrier_is "$DEV" 1
	# TCP retransmits what the detached wire lost
	wait $load_pid
	check_err $? "iperf3 did not survive the wire going and coming back"
	card_works "the wire came back"
	topo_destroy
	log_test "the wire detached under traffic, and re-attached"
}

port_delete()
{
	RET=0
	topo_create
	load 6
	sleep 2
	ip link del "$DEV"
	check_err $? "deleting the port under traffic failed"
	stop_load
	ip link show "$DEV" >/dev/null 2>&1
	check_fail $? "the port is still there"
	topo_destroy
	log_test "the port (and its card) deleted under traffic"
}

peer_ns_delete()
{
	RET=0
	topo_create
	load 6
	sleep 2
	# the namespace goes when its last process does: the server first
	ip netns pids "$PEER" | xargs -r kill -9 2>/dev/null
	cleanup_ns "$PEER"
	PEER=""
	busywait 5000 sh -c "! ip link show $WIRE >/dev/null 2>&1"
	check_err $? "the wire outlived the peer's namespace"
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "the carrier stayed up without a wire"
	stop_load
	# a new peer on a new wire, the same card
	setup_ns PEER
	ip link add "$WIRE" type veth peer name "$PEER_IF" netns "$PEER"
	ip link set "$WIRE" master "$DEV"
	check_err $? "a new wire was refused"
	ip link set "$WIRE" up
	ip -n "$PEER" link set "$PEER_IF" up
	ip -n "$PEER" addr add $P4/24 dev "$PEER_IF"
	busywait 5000 carrier_is "$DEV" 1
	card_works "a new peer"
	topo_destroy
	log_test "the peer's namespace deleted under traffic; a new peer"
}

module_unload()
{
	local rc

	RET=0
	topo_create
	load 6
	sleep 2
	timeout 60 rmmod mpnic
	rc=$?
	check_err $rc "rmmod under traffic failed ($rc)"
	stop_load
	grep -q '^mpnic ' /proc/modules
	check_fail $? "the module is still loaded"
	topo_destroy
	mpnic_load
	check_err $? "the module did not load again"
	topo_create
	card_works "the module came back"
	topo_destroy
	log_test "the module unloaded under traffic, and loaded again"
}

cleanup()
{
	topo_destroy
	[ -w $CPU1 ] && [ "$(cat $CPU1)" = 0 ] && echo 1 > $CPU1
	mpnic_load
}
trap cleanup EXIT

mpnic_tests_run
