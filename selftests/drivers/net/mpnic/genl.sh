#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mpnic generic netlink family, driven from its YNL spec alone by the
# kernel's YNL tool, and by mpnicctl: cards, engines, profiles, flow
# tables, fault injection, namespaces and refusals.

ALL_TESTS="
	show_objects
	profile_passthrough
	flow_table
	engine_cpu
	fault_stall
	refusals
	netns_scope
	card_ports
	card_lifecycle
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 iperf3 ping "$MPNICCTL"
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs (2 engines)"; exit "$ksft_skip"; }

# One field of the JSON on stdin: jget EXPR (a Python expression over "j")
jget()
{
	/usr/bin/python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"
}

# Engine counters through the family, one engine-get for all, their values
# apart by spaces: ecount CARD ENGINE ATTR...
ecount()
{
	local card=$1 engine=$2 attrs

	shift 2
	attrs=$(printf "'%s'," "$@")
	ynl_eval "' '.join(str(j[a]) for a in [$attrs])" \
		mpnic --do engine-get --json "{\"card-id\": $card, \"id\": $engine}"
}

# A card of 2 engines, wired and up
topo2()
{
	echo 2 > /sys/module/mpnic/parameters/engines
	topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
}

show_objects()
{
	local id out lo hi fam

	RET=0
	topo2
	id=$(card_id "$DEV")
	out=$(ynl mpnic --do card-get --json "{\"id\": $id}")
	check_err $? "card-get failed"
	[ "$(echo "$out" | jget "j['engines'], j['ifindex']")" = \
	  "2 $(cat /sys/class/net/"$DEV"/ifindex)" ]
	check_err $? "card-get: $out"
	[ "$(ynl_eval "[c['id'] for c in j].count($id)" mpnic --dump card-get)" = 1 ]
	check_err $? "card-get dump does not list card $id once"
	[ "$(ynl_eval "len(j)" mpnic --dump engine-get --json "{\"card-id\": $id}")" = 2 ]
	check_err $? "engine-get dump of card $id does not give 2 engines"
	# mpnicctl says the same, as a table and as JSON
	$MPNICCTL card show | grep -qE "^$id +$DEV +1 +2 "
	check_err $? "mpnicctl card show: $($MPNICCTL card show)"
	[ "$($MPNICCTL -j engine show card "$id" | jget "[e['engine'] for e in j]")" = "[0, 1]" ]
	check_err $? "mpnicctl -j engine show"
	# counters move with traffic: the family's rx-delivered is ethtool's
	ping -c 5 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping"
	# (read between two ethtool reads: neighbour traffic may go on)
	lo=$(stat_sum "$DEV" rx_delivered)
	fam=$(ynl_eval "sum(e['rx-delivered'] for e in j)" \
	      mpnic --dump engine-get --json "{\"card-id\": $id}")
	hi=$(stat_sum "$DEV" rx_delivered)
	[ "$lo" -gt 5 ] && [ "$fam" -ge "$lo" ] && [ "$fam" -le "$hi" ]
	check_err $? "engine-get rx-delivered $fam is not within ethtool -S's $lo..$hi"
	topo_destroy
	log_test "cards and engines through YNL and mpnicctl"
}

# TCP steered to an engine of the udp profile passes through it unprocessed;
# UDP on that engine is still checked; the l2 profile passes everything
# TCP/UDP checksums engine N took as good: verified, or filled in by the port
csum_checked()
{
	echo $(( $(stat "$DEV" "engine$1_in_csum_verified") + $(stat "$DEV" "engine$1_in_csum_filled") ))
}

profile_passthrough()
{
	local id pt0 pt1 cv0 cv1 fl0 fl1

	RET=0
	topo2
	id=$(card_id "$DEV")
	ynl mpnic --do engine-set --json "{\"card-id\": $id, \"id\": 1, \"profile\": \"udp\"}" \
		>/dev/null
	check_err $? "engine-set profile udp failed"
	[ "$(ecount "$id" 1 profile)" = udp ]
	check_err $? "engine 1 does not report profile udp"
	ethtool -N "$DEV" flow-type tcp4 dst-port 5201 action 1 loc 1 >/dev/null &&
		ethtool -N "$DEV" flow-type tcp4 src-port 5201 action 1 loc 2 >/dev/null &&
		ethtool -N "$DEV" flow-type udp4 action 1 loc 3 >/dev/null
	check_err $? "the rules to engine 1 were refused"
	read -r pt0 fl0 <<< "$(ecount "$id" 1 rx-passthrough flows-created)"
	cv0=$(csum_checked 1)
	iperf_server
	iperf_client 30 -c $P4 -t 2 >/dev/null
	check_err $? "iperf3 through a udp-profile engine failed"
	read -r pt1 fl1 <<< "$(ecount "$id" 1 rx-passthrough flows-created)"
	[ "$pt1" -gt $((pt0 + 100)) ]
	check_err $? "TCP did not pass through engine 1 ($pt0 -> $pt1)"
	[ "$fl1" = "$fl0" ]
	check_err $? "engine 1 tracked TCP flows it does not handle ($fl0 -> $fl1)"
	# UDP is in the profile: checked and tracked
	ip netns exec "$PEER" ping -c 1 -W 2 $H4 >/dev/null
	ip netns exec "$PEER" /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b'x' * 100, ('$H4', 9999))"
	busywait 5000 until_counter_is ">= $((cv0 + 20))" csum_checked 1 >/dev/null
	check_err $? "UDP was not checked by the udp-profile engine"
	# l2: even a ping passes through
	ynl mpnic --do engine-set --json "{\"card-id\": $id, \"id\": 0, \"profile\": \"l2\"}" \
		>/dev/null
	check_err $? "engine-set profile l2 failed"
	pt0=$(ecount "$id" 0 rx-passthrough)
	ethtool -N "$DEV" delete 3 && ethtool -N "$DEV" flow-type udp4 action 0 loc 3 >/dev/null
	check_err $? "the UDP rule could not move to engine 0"
	ip netns exec "$PEER" /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b'x' * 100, ('$H4', 9999))"
	pt1=$(busywait 5000 until_counter_is ">= $((pt0 + 20))" ecount "$id" 0 rx-passthrough)
	check_err $? "the l2 engine did not pass UDP through ($pt0 -> $pt1)"
	ping -c 2 -W 2 $P4 >/dev/null
	check_err $? "no ping with an l2 engine"
	topo_destroy
	log_test "profiles: what an engine does not handle passes through, counted"
}

# Packets in and out over all flows of card $1 against the engines'
# TCP/UDP counters; true when they agree and no flow went untracked
flows_add_up()
{
	local sums want

	sums=$($MPNICCTL -j flow show card "$1" |
	       jget "sum(f['in_packets'] for f in j), sum(f['out_packets'] for f in j)")
	want="$(( $(stat_sum "$DEV" tcp_in_segs) + $(stat_sum "$DEV" udp_in_datagrams) ))"
	want="$want $(( $(stat_sum "$DEV" tcp_out_segs) + $(stat_sum "$DEV" udp_out_datagrams) ))"
	echo "table $sums, counters $want, untracked $(stat_sum "$DEV" flows_table_full)"
	[ "$sums" = "$want" ] && [ "$(stat_sum "$DEV" flows_table_full)" = 0 ]
}

flow_table()
{
	local id out idx eng peer

	RET=0
	# the closed iperf3 flows stay in the table while we look
	topo2
	card_param flow_closed_timeout 120
	id=$(card_id "$DEV")
	iperf_server
	iperf_client 30 -c $P4 -t 1 --cport 40001 >/dev/null
	check_err $? "iperf3 failed"
	out=$($MPNICCTL -j flow show card "$id")
	check_err $? "mpnicctl flow show failed"
	echo "$out" | jget "[f for f in j if f['local'] == '$H4:40001' and
		f['remote'] == '$P4:5201' and f['proto'] == 'tcp4' and f['in_packets'] > 10]" |
		grep -q "'state'"
	check_err $? "the iperf3 data flow is not in the table: $out"
	# every TCP/UDP packet either way is in the table, the segments the
	# engines merge or cut without a lookup of their own included
	out=$(busywait 5000 flows_add_up "$id")
	check_err $? "flow table packets in and out: $out"
	# and, from outside the card, with what the peer's stack sent: its
	# namespace is the test's, and every TCP segment it sent crossed the
	# card (the table counts UDP too: the peer sent none)
	peer=$(( $(mib Tcp OutSegs "$PEER") + $(mib Udp OutDatagrams "$PEER") ))
	out=$($MPNICCTL -j flow show card "$id" | jget "sum(f['in_packets'] for f in j)")
	[ "$out" = "$peer" ]
	check_err $? "the peer's stack sent $peer TCP segments and UDP datagrams; the table counts $out packets in"
	# the same flow through YNL: dump, then a get of its slot
	out=$(ynl mpnic --dump flow-get --json "{\"card-id\": $id}")
	read -r idx eng <<< "$(echo "$out" |
		jget "' '.join(str(f[a]) for f in [f for f in j if f['local-port'] == 40001][:1]
			for a in ('index', 'engine-id'))")"
	[ -n "$eng" ]
	check_err $? "flow-get dump has no flow of local port 40001"
	out=$(ynl mpnic --do flow-get --json \
	      "{\"card-id\": $id, \"engine-id\": $eng, \"index\": $idx}")
	[ "$(echo "$out" | jget "j['local-port'], j['remote-port']")" = "40001 5201" ]
	check_err $? "flow-get of slot $idx: $out"
	$MPNICCTL flow show card "$id" | grep -q "$H4:40001"
	check_err $? "mpnicctl flow show (table) lacks the flow"
	topo_destroy
	log_test "flow tables through YNL and mpnicctl"
}

engine_cpu()
{
	local id pid

	RET=0
	topo2
	id=$(card_id "$DEV")
	$MPNICCTL engine set card "$id" engine 0 cpu 1
	check_err $? "mpnicctl engine set cpu 1 failed"
	[ "$(ecount "$id" 0 cpu)" = 1 ]
	check_err $? "engine 0 does not report cpu 1"
	pid=$(pgrep -x "mpnic$id/e0")
	grep -q "^Cpus_allowed_list:[[:space:]]*1$" /proc/"$pid"/status
	check_err $? "the kthread is not on CPU 1: $(grep Cpus_allowed_list /proc/"$pid"/status)"
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping after the move"
	topo_destroy
	log_test "an engine moves to another CPU"
}

fault_stall()
{
	local id

	RET=0
	# the health reporter would recover it before we look
	topo2
	card_param stall_timeout_ms 600000
	check_err $? "stall_timeout_ms 600000 refused"
	id=$(card_id "$DEV")
	rxfh_set "$DEV" equal 1
	check_err $? "cannot send everything to engine 0"
	$MPNICCTL fault set card "$id" engine 0 stall on
	check_err $? "mpnicctl fault set stall on failed"
	[ "$($MPNICCTL -j engine show card "$id" engine 0 | jget "j[0]['stalled']")" = True ]
	check_err $? "engine 0 is not reported stalled"
	ping -c 2 -W 1 $P4 >/dev/null 2>&1
	check_fail $? "ping works through a stalled engine"
	ynl mpnic --do fault-set --json \
		"{\"card-id\": $id, \"engine-id\": 0, \"type\": \"stall\", \"active\": 0}" >/dev/null
	check_err $? "fault-set active 0 failed"
	ping -c 2 -W 2 $P4 >/dev/null
	check_err $? "no ping after the stall was cleared"
	topo_destroy
	log_test "fault injection: a stall, and its end"
}

# Refused: errno and the kernel's reason (extack)
expect_refusal()
{
	local what=$1 msg=$2 out

	shift 2
	out=$("$@" 2>&1)
	if [ $? -eq 0 ]; then
		check_err 1 "$what was accepted"
	elif ! echo "$out" | grep -q "$msg"; then
		check_err 1 "$what: no '$msg' in: $out"
	fi
}

refusals()
{
	local id as="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

	RET=0
	require_cmd setpriv
	topo2
	id=$(card_id "$DEV")
	expect_refusal "an engine beyond the card's" "No such engine" \
		$MPNICCTL engine set card "$id" engine 7 profile udp
	expect_refusal "a card that does not exist" "No such card" \
		$MPNICCTL engine show card 999 engine 0
	expect_refusal "an offline CPU" "The CPU is not online" \
		$MPNICCTL engine set card "$id" engine 0 cpu 4000
	expect_refusal "an empty engine-set" "Nothing to set" \
		$MPNICCTL engine set card "$id" engine 0
	expect_refusal "an unknown profile number" "ERANGE\|out of range\|Numerical result" \
		ynl mpnic --do engine-set --json "{\"card-id\": $id, \"id\": 0, \"profile\": 9}"
	expect_refusal "an unknown profile name" "unknown profile" \
		$MPNICCTL engine set card "$id" engine 0 profile tcp
	expect_refusal "a free flow slot" "No flow in that slot" \
		ynl mpnic --do flow-get --json "{\"card-id\": $id, \"engine-id\": 0, \"index\": 4095}"
	expect_refusal "a missing engine id" "Missing\|missing\|EINVAL\|Invalid" \
		ynl mpnic --do engine-get --json "{\"card-id\": $id}"
	# unprivileged: reads work, changes are refused
	$as $MPNICCTL engine show >/dev/null
	check_err $? "an unprivileged read was refused"
	expect_refusal "an unprivileged engine-set" "not permitted" \
		$as $MPNICCTL engine set card "$id" engine 0 profile l2
	expect_refusal "an unprivileged fault-set" "not permitted" \
		$as $MPNICCTL fault set card "$id" engine 0 stall on
	[ "$(ecount "$id" 0 profile stalled)" = "full 0" ]
	check_err $? "a refused change took effect"
	topo_destroy
	log_test "refusals: errno and extack, unprivileged users"
}

# A card is seen from its port's namespace only
netns_scope()
{
	local id ns

	RET=0
	topo2
	id=$(card_id "$DEV")
	setup_ns ns
	ip link set "$DEV" netns "$ns"
	check_err $? "moving the port to another namespace failed"
	[ "$(ynl_eval "[c['id'] for c in j].count($id)" mpnic --dump card-get)" = 0 ]
	check_err $? "card $id is still seen from the first namespace"
	ip netns exec "$ns" "$MPNICCTL" card show | grep -qE "^$id +$DEV "
	check_err $? "card $id is not seen from its port's namespace"
	expect_refusal "a card in another namespace" "No such card" \
		$MPNICCTL engine show card "$id" engine 0
	ip -n "$ns" link del "$DEV"
	cleanup_ns "$ns"
	topo_destroy
	log_test "a card belongs to its port's namespace"
}

# The family's YNL cli in another namespace: ynl_in NS ARGS
ynl_in()
{
	YNL_NETNS=$1 ynl mpnic "${@:2}"
}

carrier_is_ns()
{
	[ "$(ip netns exec "$1" cat /sys/class/net/"$2"/carrier 2>/dev/null)" = "$3" ]
}

# A wire for port PORT in namespace HOSTNS, to a new peer namespace, on the
# usual addresses: port_wire HOSTNS PORT VETH. Prints the peer namespace.
port_wire()
{
	local hns=$1 port=$2 veth=$3 pns

	setup_ns pns >/dev/null || return 1
	ip -n "$hns" link add "$veth" type veth peer name "$PEER_IF" netns "$pns" || return 1
	ip -n "$hns" link set "$veth" master "$port" || return 1
	ip -n "$hns" link set "$veth" up
	ip -n "$pns" link set "$PEER_IF" up
	ip -n "$pns" addr add $P4/24 dev "$PEER_IF"
	ip -n "$hns" addr add $H4/24 dev "$port"
	ip -n "$hns" link set "$port" up
	echo "$pns"
}

# One card, two ports, each in its own host namespace with its own wire and
# peer, on the same addresses: the engines serve both hosts, and their
# stack instances keep the two ports' identical flows apart
card_ports()
{
	local id out nsa nsb pa pb fl rxa rxb cpid

	RET=0
	setup_ns nsa nsb
	out=$(ip netns exec "$nsa" "$MPNICCTL" -j card new engines 2 mem 16)
	check_err $? "mpnicctl card new failed: $out"
	id=$(echo "$out" | jget "j[0]['id']")
	[ "$(echo "$out" | jget "j[0]['engines'], j[0]['ports']")" = "2 0" ]
	check_err $? "card new: $out"
	ip netns exec "$nsa" "$MPNICCTL" port add card "$id" name mpa
	check_err $? "port add mpa failed"
	ip netns exec "$nsa" "$MPNICCTL" port add card "$id" name mpb
	check_err $? "port add mpb failed"
	ip -n "$nsa" link set mpb netns "$nsb"
	check_err $? "moving mpb to the second host failed"
	pa=$(port_wire "$nsa" mpa vwa)
	pb=$(port_wire "$nsb" mpb vwb)
	busywait 5000 carrier_is_ns "$nsa" mpa 1 && busywait 5000 carrier_is_ns "$nsb" mpb 1
	check_err $? "the ports have no carrier"
	# both hosts see the card, each its own port by name
	out=$(ip netns exec "$nsa" "$MPNICCTL" -j port show card "$id")
	[ "$(echo "$out" | jget "[(p['index'], p['ifname']) for p in j]")" = \
	  "[(0, 'mpa'), (1, '-')]" ]
	check_err $? "ports seen from the first host: $out"
	out=$(ynl_in "$nsb" --dump port-get --json "{\"card-id\": $id}")
	[ "$(echo "$out" | jget "[(p['index'], p.get('ifname')) for p in j]")" = \
	  "[(0, None), (1, 'mpb')]" ]
	check_err $? "ports seen from the second host: $out"
	[ "$(ip netns exec "$nsb" "$MPNICCTL" -j card show "$id" | jget "j[0]['ports']")" = 2 ]
	check_err $? "card-get does not count 2 ports"
	# traffic through both at once, on identical addresses and ports
	devlink dev param set "mpnic/mpnic$id" name flow_closed_timeout value 120 cmode runtime
	check_err $? "devlink param flow_closed_timeout of the card-new card"
	ip netns exec "$pa" timeout $IPERF_SERVER_SECS iperf3 -s -1 >/dev/null 2>&1 &
	ip netns exec "$pb" timeout $IPERF_SERVER_SECS iperf3 -s -1 >/dev/null 2>&1 &
	busywait 5000 ip netns exec "$pa" sh -c "ss -ltn | grep -q ':5201 '"
	busywait 5000 ip netns exec "$pb" sh -c "ss -ltn | grep -q ':5201 '"
	ip netns exec "$nsa" timeout 30 iperf3 -c $P4 -t 2 --cport 40002 >/dev/null 2>&1 &
	cpid=$!
	ip netns exec "$nsb" timeout 30 iperf3 -c $P4 -t 2 --cport 40002 >/dev/null 2>&1
	check_err $? "iperf3 from the second host failed"
	wait $cpid
	check_err $? "iperf3 from the first host failed"
	wait
	rxa=$(ip netns exec "$nsa" ethtool -S mpa | awk '/^ *rx_wire_frames:/ { print $2 }')
	rxb=$(ip netns exec "$nsb" ethtool -S mpb | awk '/^ *rx_wire_frames:/ { print $2 }')
	# the ACKs of 2 s of bulk: over 1000 on the distro kernels, about 150
	# on the debug kernel; a handshake alone is a few
	[ "${rxa:-0}" -gt 100 ] && [ "${rxb:-0}" -gt 100 ]
	check_err $? "a port carried no bulk traffic ($rxa, $rxb frames)"
	# one flow per port for the same tuple, with its own counters
	out=$(ynl_in "$nsa" --dump flow-get --json "{\"card-id\": $id}")
	fl=$(echo "$out" | jget "sorted(f['port'] for f in j if f['local-port'] == 40002 and
		f['remote-port'] == 5201 and f['in-packets'] > 100)")
	[ "$fl" = "[0, 1]" ]
	check_err $? "the two ports' iperf3 flows are not tracked apart: $fl"
	# a third namespace does not see the card; card-del takes both ports
	[ "$(ynl_eval "[c['id'] for c in j].count($id)" mpnic --dump card-get)" = 0 ]
	check_err $? "card $id is seen from a namespace with no port of it"
	expect_refusal "card-del from a host with a port only" "Only the namespace that made" \
		ip netns exec "$nsb" "$MPNICCTL" card del "$id"
	ip netns exec "$nsa" "$MPNICCTL" card del "$id"
	check_err $? "card del failed"
	! ip -n "$nsa" link show mpa >/dev/null 2>&1 && ! ip -n "$nsb" link show mpb >/dev/null 2>&1
	check_err $? "the ports outlived their card"
	[ "$(ip netns exec "$nsa" "$MPNICCTL" -j card show | jget "len(j)")" = 0 ]
	check_err $? "the card outlived card-del"
	cleanup_ns "$pa" "$pb" "$nsa" "$nsb"
	log_test "one card, two ports in two hosts"
}

# Cards of card-new: refusals, CPUs, four ports, the end of their namespace
card_lifecycle()
{
	local id ns ns2 i half as="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

	RET=0
	require_cmd setpriv
	topo2
	id=$(card_id "$DEV")
	expect_refusal "card-del of a card ip link add made" "goes with its last port" \
		$MPNICCTL card del "$id"
	expect_refusal "a port on a missing card" "No such card" $MPNICCTL port add card 999
	expect_refusal "too little card memory" "1 MiB to 4 GiB" \
		ynl mpnic --do card-new --json '{"mem-size": 4096}'
	expect_refusal "16 buffers per engine" "too small" $MPNICCTL card new engines 64 mem 2
	# Card memory is host memory: all cards together get half the RAM
	# (MemTotal). With this card's 32 MiB, half less 16 MiB is too much
	half=$(awk '/^MemTotal:/ { print int($2 / 2048) }' /proc/meminfo)
	if [ "$half" -le 4096 ]; then
		expect_refusal "card memory past half the RAM with the cards there" \
			"half of the host's RAM" $MPNICCTL card new engines 1 mem $((half - 16))
	fi
	expect_refusal "a bad CPU list" "Not a list of CPUs" $MPNICCTL card new cpus 1-x
	expect_refusal "CPUs the machine lacks" "Not a list of CPUs this machine has" \
		$MPNICCTL card new cpus 4000
	expect_refusal "an unprivileged card-new" "not permitted" $as $MPNICCTL card new
	topo_destroy
	setup_ns ns ns2
	id=$(ip netns exec "$ns" "$MPNICCTL" -j card new engines 2 mem 8 cpus 1 | jget "j[0]['id']")
	check_err $? "card new cpus 1 failed"
	[ "$(YNL_NETNS=$ns ynl_eval "[e['cpu'] for e in j]" \
	     mpnic --dump engine-get --json "{\"card-id\": $id}")" = "[1, 1]" ]
	check_err $? "the engines are not on CPU 1"
	for i in 0 1 2 3; do
		ip netns exec "$ns" "$MPNICCTL" port add card "$id" name "mp$i" ||
			check_err 1 "port $i failed"
	done
	expect_refusal "a fifth port" "no free port" \
		ip netns exec "$ns" "$MPNICCTL" port add card "$id" name mp4
	ip -n "$ns" link del mp0
	check_err $? "deleting one port failed"
	[ "$(ip netns exec "$ns" "$MPNICCTL" -j card show | jget "j[0]['ports']")" = 3 ]
	check_err $? "the card does not count 3 ports after one went"
	ip netns exec "$ns" "$MPNICCTL" port add card "$id" name mp0
	check_err $? "a freed port index was not taken again"
	# a port moved away goes when the card's namespace goes (had it not
	# moved, it would go with the namespace whatever the card did)
	ip -n "$ns" link set mp3 netns "$ns2"
	check_err $? "moving mp3 to another namespace failed"
	ip -n "$ns2" link show mp3 >/dev/null
	check_err $? "mp3 is not in the namespace it moved to"
	ip netns exec "$ns" "$MPNICCTL" card new engines 1 mem 4 >/dev/null
	check_err $? "a second card-new failed"
	cleanup_ns "$ns"
	busywait 5000 sh -c "! ip -n $ns2 link show mp3 >/dev/null 2>&1"
	check_err $? "a port of the card outlived its card's namespace"
	[ "$(ip netns exec "$ns2" "$MPNICCTL" -j card show | jget "len(j)")" = 0 ]
	check_err $? "a card outlived its namespace"
	cleanup_ns "$ns2"
	log_test "card-new and card-del: refusals, CPUs, four ports, namespace end"
}

mpnic_tests_run
