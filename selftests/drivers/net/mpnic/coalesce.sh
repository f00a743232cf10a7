#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt moderation (ethtool -c/-C rx-usecs, rx-frames): a queue's
# interrupt (its NAPI run) waits for rx-frames completions or rx-usecs,
# whichever comes first; a ping's round trip shows which one fired.

ALL_TESTS="
	coalesce_params
	coalesce_timer
	coalesce_frames
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd ping

coalesce_params()
{
	RET=0
	ip link add "$DEV" type mpnic
	check_err $? "ip link add failed"
	[ "$(ethtool -c "$DEV" | awk '/^rx-usecs:/ { print $2 }')" = 0 ] &&
		[ "$(ethtool -c "$DEV" | awk '/^rx-frames:/ { print $2 }')" = 0 ]
	check_err $? "defaults are not rx-usecs 0 rx-frames 0 (an interrupt per pass)"
	ethtool -C "$DEV" rx-usecs 50 rx-frames 32
	check_err $? "rx-usecs 50 rx-frames 32 refused"
	[ "$(ethtool -c "$DEV" | awk '/^rx-usecs:/ { print $2 }')" = 50 ] &&
		[ "$(ethtool -c "$DEV" | awk '/^rx-frames:/ { print $2 }')" = 32 ]
	check_err $? "the settings do not read back"
	ethtool -C "$DEV" rx-usecs 200000 2>/dev/null
	check_fail $? "rx-usecs 200000 taken"
	ethtool -C "$DEV" rx-frames 100000 2>/dev/null
	check_fail $? "rx-frames beyond the ring taken"
	ethtool -C "$DEV" tx-usecs 10 2>/dev/null
	check_fail $? "tx-usecs taken, but the card does not moderate TX"
	[ "$(ethtool -c "$DEV" | awk '/^rx-usecs:/ { print $2 }')" = 50 ] &&
		[ "$(ethtool -c "$DEV" | awk '/^rx-frames:/ { print $2 }')" = 32 ]
	check_err $? "a refused change changed the settings: $(ethtool -c "$DEV" | grep -E '^rx-(usecs|frames):' | tr '\n' ' ')"
	ip link del "$DEV"
	log_test "ethtool -c/-C: defaults, read back, refusals"
}

# The queue's NAPI also runs for TX completions: keep the host from sending
# anything but the pings (no IPv6, no ARP) so only the timer can deliver
quiet_host()
{
	sysctl -qw net.ipv6.conf."$DEV".disable_ipv6=1
	ip neigh replace $P4 lladdr "$(ip -n "$PEER" -br link show "$PEER_IF" | awk '{ print $3 }')" \
		dev "$DEV" nud permanent
	ip -n "$PEER" neigh replace $H4 lladdr "$(cat /sys/class/net/"$DEV"/address)" \
		dev "$PEER_IF" nud permanent
}

# Five pings: sets $rtts (their round trips, whole ms) and $slow (how many
# took 99 ms or more, i.e. waited for a 100 ms rx-usecs). Fails unless all
# five were answered: a lost reply has no round trip, and would otherwise
# count as a fast one.
ping5()
{
	local out

	out=$(ping -c 5 -i 0.3 -W 5 $P4)
	rtts=$(echo "$out" | sed -n 's/.*time=\([0-9]*\).*/\1/p' | tr '\n' ' ')
	slow=$(echo $rtts | tr ' ' '\n' | awk '$1 >= 99' | grep -c .)
	[ "$(echo $rtts | wc -w)" = 5 ]
}

coalesce_timer()
{
	local rtts slow

	RET=0
	topo_create
	quiet_host
	ping -c 1 -W 5 $P4 >/dev/null
	# reports the link sent when it came up are over by now
	sleep 2
	ethtool -C "$DEV" rx-usecs 100000 rx-frames 64
	check_err $? "rx-usecs 100000 rx-frames 64 refused"
	ping5
	check_err $? "with rx-usecs 100000, not every ping was answered: $rtts ms"
	[ "$slow" -ge 4 ]
	check_err $? "with rx-usecs 100000 and one frame pending, only $slow of 5 replies waited: $rtts ms"
	ethtool -C "$DEV" rx-usecs 0 rx-frames 0
	check_err $? "rx-usecs 0 rx-frames 0 refused"
	ping5
	check_err $? "without moderation, not every ping was answered: $rtts ms"
	[ "$slow" -le 1 ]
	check_err $? "without moderation $slow of 5 replies took 100 ms or more: $rtts ms"
	topo_destroy
	log_test "rx-usecs holds a lone frame's interrupt that long"
}

coalesce_frames()
{
	local rtts slow

	RET=0
	topo_create
	quiet_host
	ping -c 1 -W 5 $P4 >/dev/null
	# one frame reaches rx-frames 1 at once: the timer never matters
	ethtool -C "$DEV" rx-usecs 100000 rx-frames 1
	check_err $? "rx-usecs 100000 rx-frames 1 refused"
	ping5
	check_err $? "with rx-frames 1, not every ping was answered: $rtts ms"
	[ "$slow" -le 1 ]
	check_err $? "rx-frames 1: $slow of 5 replies still waited for rx-usecs: $rtts ms"
	topo_destroy
	log_test "rx-frames raises the interrupt before rx-usecs"
}

mpnic_tests_run
