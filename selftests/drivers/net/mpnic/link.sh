#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Link down/up and MTU changes on a wired card, checked with traffic.

ALL_TESTS="
	link_down_up
	mtu_jumbo
	ring_sizes
	regs_dump
	self_test
	settings_survive
	unprivileged
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
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
	local long0 ptx0 ptx

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
	# A frame longer than the port's MTU is dropped and counted: the
	# peer's own counter says it went out on the wire (the peer is at
	# MTU 9000), the card's that it was dropped as too long
	long0=$(stat_sum "$DEV" rx_too_long)
	ptx0=$(ip netns exec "$PEER" cat /sys/class/net/"$PEER_IF"/statistics/tx_packets)
	ip netns exec "$PEER" ping -c 1 -W 1 -M do -s 3000 $H4 >/dev/null 2>&1
	check_fail $? "a 3000-byte frame got through a 1500 MTU port"
	ptx=$(( $(ip netns exec "$PEER" cat /sys/class/net/"$PEER_IF"/statistics/tx_packets) - ptx0 ))
	[ "$ptx" -ge 1 ]
	check_err $? "the peer sent no frame for its 3000-byte ping"
	[ $(( $(stat_sum "$DEV" rx_too_long) - long0 )) -ge 1 ]
	check_err $? "rx_too_long did not count the long frame ($long0 -> $(stat_sum "$DEV" rx_too_long))"
	topo_destroy
	log_test "MTU 9000 and back, long frames counted"
}

ring_field()
{
	ethtool -g "$DEV" | awk -v f="$1:" '$1 == f { v = $2 } END { print v }'
}

# ethtool -G: read back (rounded up to a power of two), refusals, and a
# resize of a running port under TCP traffic, which goes on with its data
# whole and the carrier up
ring_sizes()
{
	local i client xfer_pid flaps msg out=/tmp/mpnic-rings.$$

	RET=0
	topo_create
	[ "$(ring_field RX)" = 512 ] && [ "$(ring_field TX)" = 512 ]
	check_err $? "default rings are not 512/512"
	ethtool -G "$DEV" rx 100 tx 64
	check_err $? "rx 100 tx 64 refused"
	[ "$(ring_field RX)" = 128 ] && [ "$(ring_field TX)" = 64 ]
	check_err $? "rings read back as $(ring_field RX)/$(ring_field TX), expected 128/64"
	msg=$(ethtool -G "$DEV" rx 16 2>&1)
	check_fail $? "rx 16 taken"
	echo "$msg" | grep -q "Ring sizes are 64 to 4096"
	check_err $? "rx 16 refused without the card's reason: $msg"
	ethtool -G "$DEV" tx 8192 2>/dev/null
	check_fail $? "tx 8192 taken"
	ethtool -C "$DEV" rx-frames 128
	check_err $? "rx-frames 128 refused"
	msg=$(ethtool -G "$DEV" rx 64 2>&1)
	check_fail $? "an RX ring smaller than rx-frames taken"
	echo "$msg" | grep -q "rx-frames (ethtool -C) is larger"
	check_err $? "rx 64 refused without the card's reason: $msg"
	ethtool -C "$DEV" rx-frames 0
	check_err $? "rx-frames 0 refused"
	[ "$(ring_field RX)" = 128 ] && [ "$(ring_field TX)" = 64 ]
	check_err $? "refused sizes changed the rings to $(ring_field RX)/$(ring_field TX)"
	flaps=$(cat /sys/class/net/"$DEV"/carrier_changes)
	( xfer "" "$PEER" $H4 256 || { echo "$xfer_msg"; exit 1; } ) > $out.xfer &
	xfer_pid=$!
	iperf_server
	iperf_client 60 -c $P4 -t 6 -P 2 >/dev/null &
	client=$!
	for i in 1 2 3; do
		sleep 1
		ethtool -G "$DEV" rx $((256 << (i % 2))) tx $((128 << i))
		check_err $? "resize $i under traffic failed"
	done
	[ "$(cat /sys/class/net/"$DEV"/carrier_changes)" = "$flaps" ]
	check_err $? "the carrier went down"
	wait $client
	check_err $? "iperf3 across the resizes failed"
	wait $xfer_pid
	check_err $? "the transfer across the resizes: $(cat $out.xfer)"
	wait
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no traffic after the resizes"
	rm -f $out.xfer
	topo_destroy
	log_test "ethtool -G: read back, refusals, resize under traffic"
}

# ethtool -d: the card's rings as registers; once traffic stops, every
# card buffer is home, every input ring and TX ring is empty, and host
# buffers are posted
regs_dump()
{
	local out=/tmp/mpnic-regs.$$

	RET=0
	topo_create
	ping -c 5 -i 0.1 -W 5 $P4 >/dev/null
	sleep 1
	ethtool -d "$DEV" raw on > $out
	check_err $? "ethtool -d failed"
	/usr/bin/python3 - $out <<'PY'
import struct
import sys

b = open(sys.argv[1], "rb").read()
w = struct.unpack("<%dI" % (len(b) // 4), b)
magic, ver, card, neng, nq, nbufs = w[:6]
assert magic == 0x4D504E43 and ver == 1, f"magic {magic:#x} version {ver}"
assert len(w) == 6 + 7 * neng + 10 * nq, f"{len(w)} words for {neng} engines, {nq} queues"
p = 6
for e in range(neng):
    eid, cpu, iprod, icons, free, flows, idle = w[p:p + 7]
    p += 7
    assert eid == e and iprod == icons, f"engine {e}: input ring {iprod}/{icons}"
    assert free == nbufs, f"engine {e}: {free} of {nbufs} buffers free"
for q in range(nq):
    rp, rc, cp, cc, tp, tc, xp, xc, posted, pend = w[p:p + 10]
    p += 10
    assert cp == cc and tp == tc and xp == xc, f"queue {q}: a ring not empty {w[p - 10:p]}"
    assert posted == (rp - rc) & 0xFFFFFFFF and posted > 0, f"queue {q}: {posted} posted"
print(f"# {neng} engines of {nbufs} buffers, {nq} queues: idle and whole")
PY
	check_err $? "the register dump does not show an idle, whole card"
	rm -f $out
	topo_destroy
	log_test "ethtool -d: rings and buffers of an idle card"
}

# ethtool -t: a loopback frame through each engine, up or down, serving
# the port or not; the frames reach neither the host nor the counters of
# wire traffic
self_test()
{
	local n e out=/tmp/mpnic-test.$$ rx0 st0 i

	RET=0
	topo_create
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	for i in 1 2 3; do
		case $i in
		2) ethtool -L "$DEV" combined 1 ;;
		3) ip link set "$DEV" down ;;
		esac
		check_err $? "round $i: shrinking or downing the port failed"
		rx0=$(stat_sum "$DEV" rx_frames)
		st0=$(stat_sum "$DEV" selftest_frames)
		ethtool -t "$DEV" > $out
		check_err $? "ethtool -t failed in round $i: $(cat $out)"
		grep -q "result is PASS" $out
		check_err $? "round $i: $(grep result $out)"
		for e in $(seq 0 $((n - 1))); do
			grep -qE "^engine$e loopback \(online\)[[:space:]]+0$" $out
			check_err $? "round $i: engine $e did not pass: $(grep "engine$e " $out)"
		done
		[ $(($(stat_sum "$DEV" selftest_frames) - st0)) = "$n" ]
		check_err $? "round $i: $(($(stat_sum "$DEV" selftest_frames) - st0)) loopback frames for $n engines"
		[ "$(stat_sum "$DEV" rx_frames)" = "$rx0" ] || [ $i != 3 ]
		check_err $? "round $i: loopback frames counted as wire frames"
	done
	rm -f $out
	topo_destroy
	log_test "ethtool -t: every engine loops a frame back, port up, shrunk or down"
}

# Every setting survives link down/up, read back and in traffic
settings_survive()
{
	local before after

	RET=0
	echo 4 > /sys/module/mpnic/parameters/engines
	topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
	ethtool -L "$DEV" combined 3 &&
	ethtool -G "$DEV" rx 256 tx 1024 &&
	ethtool -C "$DEV" rx-usecs 20 rx-frames 8 &&
	rxfh_set "$DEV" hfunc crc32 weight 1 2 3 &&
	ethtool -N "$DEV" rx-flow-hash udp4 sd &&
	ethtool -N "$DEV" flow-type udp4 dst-port 7000 action 2 loc 7 >/dev/null &&
	ethtool -K "$DEV" rxvlan off >/dev/null
	check_err $? "a setting was refused"
	settings()
	{
		ethtool -l "$DEV" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print "ch", $2 }'
		ethtool -g "$DEV" | awk '/^Current/ { c = 1 } c && /^(RX|TX):/ { print $1, $2 }'
		ethtool -c "$DEV" | awk '/^rx-usecs:|^rx-frames:/ { print $1, $2 }'
		ethtool -x "$DEV" | grep -v '^RSS hash key' | grep -vE '^[0-9a-f]{2}:'
		ethtool -n "$DEV" rx-flow-hash udp4
		ethtool -n "$DEV" rule 7
		ethtool -k "$DEV" | grep -E '^rx-vlan-offload'
	}
	before=$(settings)
	ip link set "$DEV" down
	ip link set "$DEV" up
	busywait 5000 carrier_is "$DEV" 1
	after=$(settings)
	[ "$before" = "$after" ]
	check_err $? "settings changed across down/up: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
	echo "$after" | grep -q "^ch 3$" && echo "$after" | grep -q "^RX: 256$" &&
		echo "$after" | grep -q "^rx-usecs: 20$"
	check_err $? "the settings read back wrong: $(echo "$after" | head -5 | tr '\n' ' ')"
	ping -c 3 -i 0.2 -W 5 $P4 >/dev/null
	check_err $? "no traffic on the restored settings"
	topo_destroy
	log_test "channels, rings, coalescing, RSS, rules and features survive down/up"
}

# A change refused for want of CAP_NET_ADMIN, not for another reason (such
# as a setpriv that could not run): unpriv_refused WHAT CMD...
unpriv_refused()
{
	local what=$1 out

	shift
	out=$("$@" 2>&1)
	check_fail $? "an unprivileged $what taken"
	echo "$out" | grep -q "Operation not permitted"
	check_err $? "an unprivileged $what refused, but not as unpermitted: $out"
}

# Changing settings needs CAP_NET_ADMIN: a user without it is refused by
# ethtool, ip and devlink alike
unprivileged()
{
	local as="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

	RET=0
	require_cmd setpriv
	topo_create
	unpriv_refused "ethtool -L" $as ethtool -L "$DEV" combined 1
	unpriv_refused "ethtool -G" $as ethtool -G "$DEV" rx 128
	unpriv_refused "ntuple rule" $as ethtool -N "$DEV" flow-type udp4 dst-port 9 action -1
	unpriv_refused "ethtool -X" $as ethtool -X "$DEV" equal 1
	unpriv_refused "card creation" $as ip link add mpnic9 type mpnic
	$as ethtool -l "$DEV" >/dev/null
	check_err $? "an unprivileged user cannot even read the channels"
	[ "$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')" = "$(nproc)" ]
	check_err $? "a refused change changed something"
	topo_destroy
	log_test "changes refused without CAP_NET_ADMIN, reads allowed"
}

mpnic_tests_run
