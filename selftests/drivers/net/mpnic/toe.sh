#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP offload, the refusals that need no engine TCP: setsockopt(TCP_ULP,
# "mpnic") gives the cause's errno, its counter moves by exactly one (and
# no other refusal counter), and the socket stays the host's: the same
# connection then carries a SHA-256-checked transfer to the peer, half a
# MiB of it queued on the socket while the attempt was made.
#
#   host namespace                        peer namespace ($PEER)
#   mpnic0 198.51.100.1 - veth0 ==== veth1 198.51.100.2
#   vx0    192.0.2.1    ------------ vx1   192.0.2.2    (no mpnic on the way)
#
# ECN too: the engine does not handle it yet. Last, a handoff that passes
# every check: the engine takes it (the data path is toe_data.sh's).

ALL_TESTS="
	toe_no_route
	toe_offload_off
	toe_not_established
	toe_md5
	toe_urgent
	toe_ecn
	toe_profile
	toe_table_full
	toe_card_mem
	toe_offload
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3

TOE_PORT=5311
TOE_MIB=${TOE_MIB:-4}
UNROUTED=/sys/kernel/debug/mpnic/toe_unrouted
TOE_SYN_SENT=/tmp/mpnic-toe-syn.$$
export TOE_SYN_SENT

# A refusal no port counts (mpnic/toe_unrouted): unrouted NAME
unrouted()
{
	awk -v n="$1" '$1 == n { print $2 }' "$UNROUTED"
}

# Every refusal the port counted, all causes together
refused_all()
{
	ethtool -S "$DEV" | awk '$1 ~ /^toe_refused_/ { t += $2 } END { printf "%.0f\n", t }'
}

offload()
{
	ethtool --set-priv-flags "$DEV" tcp-offload "$1"
}

# An attempt and the transfer after it: toe_attempt DST CASE [HOOK]. HOOK
# runs while the client waits in SYN_SENT (CASE notconn). Sets toe_errnos
# (the attempts' errno names, in order) and toe_msg.
toe_attempt()
{
	local dst=$1 case=$2 hook=${3:-} out=/tmp/mpnic-toe.$$ cout=/tmp/mpnic-toe-c.$$
	local got sent crc prc cpid ppid

	rm -f "$TOE_SYN_SENT"
	ip netns exec "$PEER" timeout 120 /usr/bin/python3 "$lib_dir/toe.py" peer $TOE_PORT \
		> $out &
	ppid=$!
	busywait 10000 ip netns exec "$PEER" sh -c "ss -ltn | grep -q ':$TOE_PORT '"
	timeout 120 /usr/bin/python3 "$lib_dir/toe.py" client "$dst" $TOE_PORT $TOE_MIB "$case" \
		> $cout &
	cpid=$!
	if [ -n "$hook" ]; then
		busywait 10000 test -e "$TOE_SYN_SENT"
		$hook
	fi
	wait $cpid
	crc=$?
	wait $ppid
	prc=$?
	toe_errnos=$(awk '$1 == "ulp" { print $2 }' $cout | tr '\n' ' ')
	sent=$(tail -n 1 $cout)
	got=$(cat $out)
	rm -f $out $cout "$TOE_SYN_SENT"
	toe_msg="$dst $case: attempts '$toe_errnos', sent '$sent', peer got '$got' (exit status: client $crc, peer $prc)"
	[ $crc -eq 0 ] && [ $prc -eq 0 ] && [ -n "$sent" ] && [ "$sent" = "$got" ]
}

# toe_refusal NAME COUNTER ERRNO DST CASE: one attempt, refused with ERRNO
# and counted once, in COUNTER of the port alone; then the transfer
toe_refusal()
{
	local counter=$2 want=$3 dst=$4 case=$5 c0 c1 a0 a1

	c0=$(stat "$DEV" "$counter")
	a0=$(refused_all)
	toe_attempt "$dst" "$case"
	check_err $? "the transfer after the attempt failed: $toe_msg"
	[ "$toe_errnos" = "$want " ]
	check_err $? "attempt gave '$toe_errnos', not $want"
	c1=$(stat "$DEV" "$counter")
	a1=$(refused_all)
	[ $((c1 - c0)) -eq 1 ]
	check_err $? "$counter moved by $((c1 - c0)), not 1"
	[ $((a1 - a0)) -eq 1 ]
	check_err $? "refusal counters moved by $((a1 - a0)) in all, not 1"
}

# Nothing was offloaded: dispatch and the engines' receive path unchanged
toe_untouched()
{
	[ "$(stat "$DEV" rx_toe_steered)" -eq 0 ] && [ "$(stat_sum "$DEV" toe_rx_segs)" -eq 0 ] &&
		[ "$(stat "$DEV" toe_offloaded)" -eq 0 ]
	check_err $? "a refused connection was steered or taken by an engine"
}

# Every engine of the port's card to PROFILE: profile_all full|udp|l2
profile_all()
{
	local id n i

	id=$(card_id "$DEV")
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { print $2; exit }')
	for ((i = 0; i < n; i++)); do
		ynl mpnic --do engine-set \
			--json "{\"card-id\": $id, \"id\": $i, \"profile\": \"$1\"}" >/dev/null ||
			return 1
	done
}

toe_no_route()
{
	local n0 n1 a0 a1

	RET=0
	topo_create
	ip link add vx0 type veth peer name vx1 netns "$PEER"
	ip addr add 192.0.2.1/24 dev vx0
	ip link set vx0 up
	ip -n "$PEER" addr add 192.0.2.2/24 dev vx1
	ip -n "$PEER" link set vx1 up
	offload on
	n0=$(unrouted no_route)
	a0=$(refused_all)
	toe_attempt 192.0.2.2 plain
	check_err $? "the transfer after the attempt failed: $toe_msg"
	[ "$toe_errnos" = "ENETUNREACH " ]
	check_err $? "attempt gave '$toe_errnos', not ENETUNREACH"
	n1=$(unrouted no_route)
	a1=$(refused_all)
	[ $((n1 - n0)) -eq 1 ]
	check_err $? "toe_unrouted no_route moved by $((n1 - n0)), not 1"
	[ "$a1" -eq "$a0" ]
	check_err $? "the mpnic port counted a connection that does not use it"
	ip link del vx0
	topo_destroy
	log_test "no route by an mpnic port: ENETUNREACH, counted, transfer intact"
}

toe_offload_off()
{
	RET=0
	topo_create
	ethtool --show-priv-flags "$DEV" | grep -q '^tcp-offload *: off$'
	check_err $? "tcp-offload is not off by default"
	toe_refusal offload toe_refused_offload_off EOPNOTSUPP $P4 plain
	toe_refusal offload toe_refused_offload_off EOPNOTSUPP $P6 plain
	toe_untouched
	topo_destroy
	log_test "tcp-offload off (the default): EOPNOTSUPP, v4 and v6, transfer intact"
}

peer_link_up()
{
	ip -n "$PEER" link set "$PEER_IF" up
}

toe_not_established()
{
	local n0 n1 c0 c1

	RET=0
	topo_create
	offload on
	n0=$(unrouted not_established)
	c0=$(stat "$DEV" toe_refused_not_established)
	# The peer's link is down until the client is in SYN_SENT, by mpnic0
	ip -n "$PEER" link set "$PEER_IF" down
	toe_attempt $P4 notconn peer_link_up
	check_err $? "the transfer after the attempts failed: $toe_msg"
	[ "$toe_errnos" = "ENOTCONN ENOTCONN " ]
	check_err $? "attempts gave '$toe_errnos', not ENOTCONN twice"
	n1=$(unrouted not_established)
	c1=$(stat "$DEV" toe_refused_not_established)
	[ $((n1 - n0)) -eq 1 ]
	check_err $? "an unconnected socket's refusal counted $((n1 - n0)) times, not once"
	[ $((c1 - c0)) -eq 1 ]
	check_err $? "a SYN_SENT socket's refusal counted $((c1 - c0)) times on the port, not once"
	toe_untouched
	topo_destroy
	log_test "not established (CLOSE, SYN_SENT): ENOTCONN, counted, transfer intact"
}

toe_md5()
{
	RET=0
	topo_create
	offload on
	toe_refusal md5 toe_refused_keys EKEYREJECTED $P4 md5
	toe_untouched
	topo_destroy
	log_test "TCP-MD5 keys: EKEYREJECTED, counted, transfer intact"
}

toe_urgent()
{
	RET=0
	topo_create
	offload on
	toe_refusal urgent toe_refused_urgent EPROTO $P4 urgent
	toe_untouched
	topo_destroy
	log_test "urgent data pending: EPROTO, counted, transfer intact"
}

toe_ecn()
{
	local ecn

	RET=0
	topo_create
	offload on
	# We ask for ECN; the peer's namespace accepts it (its default, 2)
	ecn=$(sysctl -n net.ipv4.tcp_ecn)
	sysctl -qw net.ipv4.tcp_ecn=1
	toe_refusal ecn toe_refused_ecn ENOPROTOOPT $P4 plain
	toe_refusal ecn toe_refused_ecn ENOPROTOOPT $P6 plain
	sysctl -qw net.ipv4.tcp_ecn="$ecn"
	toe_untouched
	topo_destroy
	log_test "ECN negotiated: ENOPROTOOPT, v4 and v6, transfer intact"
}

toe_profile()
{
	RET=0
	topo_create
	profile_all udp
	check_err $? "engine-set profile udp failed"
	offload on 2>/dev/null
	check_fail $? "tcp-offload turned on while the engines' profile has no TCP"
	ethtool --show-priv-flags "$DEV" | grep -q '^tcp-offload *: off$'
	check_err $? "a refused tcp-offload is on"
	dmesg | tail -n 20 | grep -q "$DEV: An engine's profile has no TCP"
	check_err $? "the refusal of tcp-offload was not logged"
	# On, then the engines lose TCP: the handoff checks the owner's profile
	profile_all full
	offload on
	check_err $? "tcp-offload refused with every engine's profile full"
	profile_all udp
	toe_refusal profile toe_refused_profile EPROTONOSUPPORT $P4 plain
	profile_all full
	toe_untouched
	topo_destroy
	log_test "engine profile without TCP: flag refused, EPROTONOSUPPORT, transfer intact"
}

toe_table_full()
{
	RET=0
	topo_create
	offload on
	card_param toe_max_conns 0
	check_err $? "devlink param toe_max_conns 0 refused"
	toe_refusal table toe_refused_table_full ENFILE $P4 plain
	card_param toe_max_conns 1024
	toe_untouched
	topo_destroy
	log_test "connection table full (toe_max_conns 0): ENFILE, counted, transfer intact"
}

toe_card_mem()
{
	RET=0
	topo_create
	offload on
	# Two rings of 1 MiB each do not fit in an engine's 1 MiB
	card_param toe_mem_mb 1 && card_param toe_sndbuf_kb 1024 && card_param toe_rcvbuf_kb 1024
	check_err $? "devlink params toe_mem_mb, toe_sndbuf_kb, toe_rcvbuf_kb refused"
	toe_refusal card_mem toe_refused_card_mem ENOBUFS $P4 plain
	card_param toe_mem_mb 0 2>/dev/null
	check_fail $? "toe_mem_mb 0 accepted"
	card_param toe_mem_mb 128 && card_param toe_sndbuf_kb 256 && card_param toe_rcvbuf_kb 256
	toe_untouched
	topo_destroy
	log_test "engine card memory short (toe_mem_mb): ENOBUFS, counted, transfer intact"
}

# Every check passes: the engine takes the connection and carries the rest
toe_offload_one()
{
	local dst=$1 c0 c1 s0 s1

	c0=$(stat "$DEV" toe_offloaded)
	s0=$(stat_sum "$DEV" toe_bytes_from_host)
	toe_attempt "$dst" plain
	check_err $? "the offloaded transfer failed: $toe_msg"
	[ "$toe_errnos" = "OK " ]
	check_err $? "attempt gave '$toe_errnos', not OK"
	c1=$(stat "$DEV" toe_offloaded)
	s1=$(stat_sum "$DEV" toe_bytes_from_host)
	[ $((c1 - c0)) -eq 1 ]
	check_err $? "toe_offloaded moved by $((c1 - c0)), not 1"
	# What the socket held at the handoff went with the snapshot, the rest by DMA
	[ $((s1 - s0)) -ge $(((TOE_MIB - 1) * 1048576)) ]
	check_err $? "the engines took $((s1 - s0)) bytes from the host, not the transfer"
}

toe_offload()
{
	RET=0
	topo_create
	offload on
	toe_offload_one $P4
	toe_offload_one $P6
	topo_destroy
	log_test "offloaded: the engine carries a SHA-256-checked transfer, v4 and v6"
}

mpnic_tests_run
