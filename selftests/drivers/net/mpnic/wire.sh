#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Attaching and detaching the wire, and the carrier that follows it.

ALL_TESTS="
	attach_detach
	attach_refused
	carrier_follows_wire
	wire_deleted
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip

attach_detach()
{
	RET=0
	topo_create
	check_err $? "topology setup failed"
	ip -d link show "$WIRE" | grep -q "master $DEV"
	check_err $? "$WIRE is not shown with master $DEV"
	ping -c 1 -W 5 $P4 >/dev/null
	check_err $? "no ping through the attached wire"
	ip link set "$WIRE" nomaster
	check_err $? "nomaster failed"
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "carrier stayed up without a wire"
	ping -c 1 -W 1 $P4 >/dev/null 2>&1
	check_fail $? "ping works without a wire"
	ip link set "$WIRE" master "$DEV"
	check_err $? "re-attach failed"
	ip link set "$WIRE" up
	busywait 5000 carrier_is "$DEV" 1
	check_err $? "carrier did not return with the wire"
	ping -c 1 -W 5 $P4 >/dev/null
	check_err $? "no ping after re-attach"
	topo_destroy
	log_test "attach, detach and re-attach the wire"
}

attach_refused()
{
	local out

	RET=0
	topo_create
	ip link add veth8 type veth peer name veth9
	check_err $? "cannot make a second veth pair"
	out=$(ip link set veth8 master "$DEV" 2>&1)
	check_fail $? "a second wire was attached"
	echo "$out" | grep -q "already has a wire"
	check_err $? "no extack message for a second wire: $out"
	ip link del veth8
	ip link add mpnic9 type mpnic && ip link set "$WIRE" nomaster
	check_err $? "cannot make a second card, or detach the wire"
	out=$(ip link set mpnic9 master "$DEV" 2>&1)
	check_fail $? "an mpnic port was attached as a wire"
	echo "$out" | grep -q "cannot be the wire"
	check_err $? "no extack message for a port as wire: $out"
	ip link del mpnic9
	out=$(ip link set lo master "$DEV" 2>&1)
	check_fail $? "loopback was attached as a wire"
	echo "$out" | grep -q "Only an Ethernet device"
	check_err $? "no extack message for loopback as wire: $out"
	topo_destroy
	log_test "refused wires carry an extack message"
}

carrier_follows_wire()
{
	RET=0
	topo_create
	ip -n "$PEER" link set "$PEER_IF" down
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "carrier stayed up with the peer down"
	ip -n "$PEER" link set "$PEER_IF" up
	busywait 5000 carrier_is "$DEV" 1
	check_err $? "carrier did not come back with the peer"
	ip link set "$WIRE" down
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "carrier stayed up with the wire down"
	ip link set "$WIRE" up
	busywait 5000 carrier_is "$DEV" 1
	check_err $? "carrier did not come back with the wire"
	topo_destroy
	log_test "the port's carrier follows the wire"
}

wire_deleted()
{
	RET=0
	topo_create
	ip link del "$WIRE"
	check_err $? "deleting the wire failed"
	busywait 5000 carrier_is "$DEV" 0
	check_err $? "carrier stayed up after the wire was deleted"
	ip link show "$DEV" >/dev/null
	check_err $? "the card went away with its wire"
	topo_destroy
	log_test "deleting the wire leaves the card"
}

mpnic_tests_run
