#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module load/unload and card create/delete, repeated.

ALL_TESTS="
	load_unload_loop
	load_time_cards
	unload_many_cards
	create_delete
	create_many
	create_refused
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip

load_unload_loop()
{
	local i n

	RET=0
	n=$(rounds 10)
	for i in $(seq 1 "$n"); do
		mpnic_unload
		check_err $? "rmmod failed in round $i"
		mpnic_load
		check_err $? "insmod failed in round $i"
		ip link add "$DEV" type mpnic
		check_err $? "create failed in round $i"
	done
	log_test "load/unload $n times, each with a card"
}

load_time_cards()
{
	RET=0
	mpnic_unload
	mpnic_load cards=2
	check_err $? "insmod cards=2 failed"
	ip link show mpnic0 >/dev/null 2>&1
	check_err $? "cards=2 did not create mpnic0"
	ip link show mpnic1 >/dev/null 2>&1
	check_err $? "cards=2 did not create mpnic1"
	mpnic_unload
	check_err $? "rmmod with load-time cards failed"
	mpnic_load
	log_test "module parameter cards=2 creates two cards"
}

# A card's teardown cancels its watchdog (a 100 ms timer); unloading with
# many cards once let a timer fire into the module's draining workqueue,
# and the cancel spun for ever
unload_many_cards()
{
	local i n

	RET=0
	n=$(rounds 15)
	for i in $(seq 1 "$n"); do
		mpnic_unload
		check_err $? "rmmod with 8 cards failed in round $i"
		mpnic_load cards=8
		check_err $? "insmod cards=8 failed in round $i"
		sleep 0.2
	done
	mpnic_unload
	mpnic_load
	log_test "unload with 8 cards, $n times"
}

create_delete()
{
	local n

	RET=0
	ip link add "$DEV" type mpnic
	check_err $? "ip link add failed"
	[ "$(ethtool -i "$DEV" | awk '/^driver:/ { print $2 }')" = mpnic ]
	check_err $? "ethtool -i does not name the mpnic driver"
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	[ "$n" = "$(nproc)" ]
	check_err $? "expected one engine per CPU ($(nproc)), ethtool -l says $n"
	[ "$(ls /sys/class/net/"$DEV"/queues | grep -c rx-)" = "$(nproc)" ]
	check_err $? "expected one RX queue per engine"
	ip link del "$DEV"
	check_err $? "ip link del failed"
	ip link show "$DEV" >/dev/null 2>&1
	check_fail $? "card still exists after delete"
	log_test "create and delete a card"
}

create_many()
{
	local i

	RET=0
	for i in $(seq 0 7); do
		ip link add "mpnic$i" type mpnic || check_err 1 "create mpnic$i failed"
	done
	for i in $(seq 0 7); do
		ip link set "mpnic$i" up || check_err 1 "up mpnic$i failed"
	done
	for i in $(seq 0 7); do
		ip link del "mpnic$i" || check_err 1 "delete mpnic$i failed"
	done
	log_test "eight cards at once"
}

create_refused()
{
	RET=0
	# each refusal is of the card made here, which must exist for it to mean
	# anything, and leaves it as it was
	ip link add "$DEV" type mpnic
	check_err $? "ip link add failed"
	ip link add "$DEV" type mpnic 2>/dev/null
	check_fail $? "a second card with the same name was created"
	[ "$(ip -o link show type mpnic | grep -c ": $DEV:")" = 1 ]
	check_err $? "not one $DEV after the refused second card"
	ip link set "$DEV" mtu 9001 2>/dev/null
	check_fail $? "MTU 9001 was accepted"
	ip link set "$DEV" mtu 67 2>/dev/null
	check_fail $? "MTU 67 was accepted"
	[ "$(cat /sys/class/net/"$DEV"/mtu)" = 1500 ]
	check_err $? "the refused MTUs left MTU $(cat /sys/class/net/"$DEV"/mtu)"
	ip link del "$DEV"
	log_test "refused configurations"
}

mpnic_tests_run
