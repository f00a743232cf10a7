#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Link down/up and MTU changes on a wired card, checked with traffic.

ALL_TESTS="
	link_down_up
	mtu_jumbo
"
source "$(dirname "$0")"/lib.sh
require_cmd ping

link_down_up()
{
	local i

	RET=0
	topo_create
	for i in 1 2 3; do
		ip link set "$DEV" down
		check_err $? "down failed"
		ping -c 1 -W 1 $P4 >/dev/null 2>&1
		check_fail $? "ping works with the port down"
		ip link set "$DEV" up
		busywait 5000 carrier_is "$DEV" 1
		check_err $? "no carrier after up"
		ip addr add $H6/64 dev "$DEV" nodad 2>/dev/null
		ping -c 1 -W 5 $P4 >/dev/null
		check_err $? "no ping after down/up round $i"
	done
	ping -6 -c 1 -W 5 $P6 >/dev/null
	check_err $? "no IPv6 ping after down/up"
	topo_destroy
	log_test "link down/up"
}

mtu_jumbo()
{
	RET=0
	topo_create
	ip link set "$WIRE" mtu 9000
	ip -n "$PEER" link set "$PEER_IF" mtu 9000
	ip link set "$DEV" mtu 9000
	check_err $? "MTU 9000 refused"
	busywait 5000 carrier_is "$DEV" 1
	ping -c 2 -W 5 -M do -s 8972 $P4 >/dev/null
	check_err $? "no 9000-byte IPv4 ping"
	ping -6 -c 2 -W 5 -M do -s 8952 $P6 >/dev/null
	check_err $? "no 9000-byte IPv6 ping"
	ip link set "$DEV" mtu 1500
	check_err $? "back to MTU 1500 refused"
	busywait 5000 carrier_is "$DEV" 1
	ping -c 1 -W 5 -s 1472 $P4 >/dev/null
	check_err $? "no full-size ping at MTU 1500"
	# A frame longer than the port's MTU is dropped and counted
	ping -c 1 -W 1 -s 3000 -M do -I "$P4" $P4 >/dev/null 2>&1
	ip netns exec "$PEER" ping -c 1 -W 1 -M do -s 3000 $H4 >/dev/null 2>&1
	check_fail $? "a 3000-byte frame got through a 1500 MTU port"
	[ "$(stat_sum "$DEV" rx_too_long)" -ge 1 ]
	check_err $? "rx_too_long did not count the long frame"
	topo_destroy
	log_test "MTU 9000 and back, long frames counted"
}

tests_run
