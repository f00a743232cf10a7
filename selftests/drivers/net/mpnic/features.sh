#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -K: each offload the engines perform, switched off and on, seen
# in traffic. TSO and rx-gro-hw are checked by integrity.sh.

ALL_TESTS="
	rx_checksum
	rx_hash
	vlan_offloads
	tx_checksum
	ntuple_switch
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 ping iperf3

CRAFT="$(dirname "$0")/craft.py"
N=30

crafted()
{
	ip netns exec "$PEER" /usr/bin/python3 "$CRAFT" "$PEER_IF" \
		"$(cat /sys/class/net/"$DEV"/address)" $N "$@"
}

# Wait until the engines have taken COUNT more wire frames than BEFORE
taken()
{
	[ "$(stat_sum "$DEV" rx_frames)" -ge "$1" ]
}

# rx-checksum on: the engines drop bad UDP checksums; off: the host does,
# and counts them in Udp InCsumErrors
rx_checksum()
{
	local eng0 host0 f0 mode want_eng want_host

	RET=0
	topo_create
	for mode in on off; do
		ethtool -K "$DEV" rx $mode >/dev/null
		check_err $? "ethtool -K rx $mode failed"
		eng0=$(stat_sum "$DEV" in_csum_errors)
		host0=$(mib Udp InCsumErrors)
		f0=$(stat_sum "$DEV" rx_frames)
		crafted bad_udp4_csum
		busywait 10000 taken $((f0 + N))
		sleep 0.5
		if [ $mode = on ]; then
			want_eng=$N want_host=0
		else
			want_eng=0 want_host=$N
		fi
		[ $(($(stat_sum "$DEV" in_csum_errors) - eng0)) = $want_eng ]
		check_err $? "rx $mode: engines counted $(($(stat_sum "$DEV" in_csum_errors) - eng0)) bad checksums, expected $want_eng"
		[ $(($(mib Udp InCsumErrors) - host0)) = $want_host ]
		check_err $? "rx $mode: the host counted $(($(mib Udp InCsumErrors) - host0)) bad checksums, expected $want_host"
	done
	[ "$(stat_sum "$DEV" in_csum_unchecked)" -ge $N ]
	check_err $? "in_csum_unchecked did not count the frames of rx off"
	ethtool -K "$DEV" rx on >/dev/null
	topo_destroy
	log_test "rx-checksum: engines drop bad checksums when on, the host when off"
}

# Frames to the host whose skb carries a hash, seen by a packet socket
# with a classic BPF filter on the rxhash ancillary field
RXHASH_PY='
import ctypes, socket, struct, sys, time

SKF_AD_RXHASH = 32
SO_ATTACH_FILTER = 26
prog = [(0x20, 0, 0, (-0x1000 + SKF_AD_RXHASH) & 0xffffffff),  # A = skb->hash
        (0x15, 0, 1, 0),                                         # A == 0 ?
        (0x06, 0, 0, 0),                                         # drop
        (0x06, 0, 0, 0xffff)]                                    # keep
code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in prog))


def sock(filtered):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    if filtered:
        s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
                     struct.pack("HL", len(prog), ctypes.addressof(code)))
    s.bind((sys.argv[1], 0))
    return s


def ours(f):
    return f[23] == 17 and f[36:38] == b"\x00\x09"   # UDP to port 9


every, hashed = sock(False), sock(True)
every.settimeout(0.5)
print("ready", flush=True)
want, seen, end = int(sys.argv[2]), 0, time.time() + 60
while seen < want and time.time() < end:
    try:
        seen += ours(every.recv(2048))
    except socket.timeout:
        pass
time.sleep(0.2)
hashed.setblocking(False)
n = 0
try:
    while True:
        n += ours(hashed.recv(2048))
except BlockingIOError:
    pass
print(n, seen)
'

rx_hash()
{
	local mode out=/tmp/mpnic-hash.$$ got want

	RET=0
	topo_create
	for mode in on off; do
		ethtool -K "$DEV" rxhash $mode >/dev/null
		check_err $? "ethtool -K rxhash $mode failed"
		/usr/bin/python3 -c "$RXHASH_PY" "$DEV" $N > $out &
		busywait 5000 grep -q ready $out
		crafted good_udp4
		wait $!
		got=$(tail -n 1 $out)
		[ $mode = on ] && want=$N || want=0
		[ "$got" = "$want $N" ]
		check_err $? "rxhash $mode: (hashed, seen) = ($got) of $N frames, expected $want hashed"
	done
	rm -f $out
	ethtool -K "$DEV" rxhash on >/dev/null
	topo_destroy
	log_test "rxhash: the engines' hash reaches the skb only when on"
}

# VLAN 10 on both sides; rx-vlan on: the engines strip the tag into the
# skb; tx-vlan on: they insert it. Traffic flows in every combination.
vlan_offloads()
{
	local v4=203.0.113 rx tx s0 i0 s1 i1

	RET=0
	topo_create
	vlan10_create
	for rx in on off; do
		for tx in on off; do
			ethtool -K "$DEV" rxvlan $rx txvlan $tx >/dev/null
			check_err $? "ethtool -K rxvlan $rx txvlan $tx failed"
			s0=$(stat_sum "$DEV" rx_vlan_stripped)
			i0=$(stat_sum "$DEV" tx_vlan_inserted)
			ping -c 5 -i 0.1 -W 5 $v4.2 >/dev/null
			check_err $? "ping over VLAN 10 failed with rxvlan $rx txvlan $tx"
			s1=$(($(stat_sum "$DEV" rx_vlan_stripped) - s0))
			i1=$(($(stat_sum "$DEV" tx_vlan_inserted) - i0))
			if [ $rx = on ]; then [ $s1 -ge 5 ]; else [ $s1 = 0 ]; fi
			check_err $? "rxvlan $rx: $s1 tags stripped for 5 replies"
			if [ $tx = on ]; then [ $i1 -ge 5 ]; else [ $i1 = 0 ]; fi
			check_err $? "txvlan $tx: $i1 tags inserted for 5 requests"
		done
	done
	ip link del "$DEV.10"
	topo_destroy
	log_test "rx-vlan and tx-vlan offload: the engines strip and insert tags when on"
}

# tx-checksum on: the engines fill UDP checksums; off: the host does. The
# peer finds every checksum good either way, and its stack takes in the
# datagrams (an iperf3 UDP client succeeds even if none arrive).
tx_checksum()
{
	local mode c0 c1 bad0 in0 in1

	RET=0
	topo_create
	bad0=$(mib Udp InCsumErrors "$PEER")
	for mode in on off; do
		ethtool -K "$DEV" tx $mode >/dev/null
		check_err $? "ethtool -K tx $mode failed"
		c0=$(stat_sum "$DEV" tx_csum_partial)
		in0=$(mib Udp InDatagrams "$PEER")
		iperf_server
		iperf_client 30 -c $P4 -u -b 2M -l 1000 -t 1 >/dev/null
		check_err $? "UDP iperf3 with tx $mode failed"
		wait
		c1=$(($(stat_sum "$DEV" tx_csum_partial) - c0))
		in1=$(($(mib Udp InDatagrams "$PEER") - in0))
		if [ $mode = on ]; then [ $c1 -ge 100 ]; else [ $c1 = 0 ]; fi
		check_err $? "tx $mode: the engines checksummed $c1 frames"
		# 2 Mbit/s of 1000-byte datagrams for 1 s: 250
		[ "$in1" -ge 100 ]
		check_err $? "tx $mode: the peer's stack took in $in1 UDP datagrams"
	done
	[ "$(mib Udp InCsumErrors "$PEER")" = "$bad0" ]
	check_err $? "the peer saw bad UDP checksums"
	ethtool -K "$DEV" tx on tso on >/dev/null
	topo_destroy
	log_test "tx-checksum: the engines fill checksums only when on, all good"
}

# ntuple-filters off: rules stay listed but dispatch ignores them. The
# host's stack is the witness: the frames (UDP to port 9, where nothing
# listens) reach it, and count in its Udp NoPorts, only when the rule is off.
ntuple_switch()
{
	local d0 f0 np0 np want_np

	RET=0
	topo_create
	ethtool -N "$DEV" flow-type udp4 dst-port 9 action -1 loc 3
	check_err $? "a drop rule refused"
	for mode in on off on; do
		ethtool -K "$DEV" ntuple $mode >/dev/null
		check_err $? "ethtool -K ntuple $mode failed"
		d0=$(stat "$DEV" rx_ntuple_drop)
		f0=$(stat "$DEV" rx_wire_frames)
		np0=$(mib Udp NoPorts)
		crafted good_udp4
		busywait 10000 eval '[ $(stat "$DEV" rx_wire_frames) -ge $((f0 + N)) ]'
		check_err $? "ntuple $mode: the card took $(($(stat "$DEV" rx_wire_frames) - f0)) of $N frames"
		if [ $mode = on ]; then
			[ $(($(stat "$DEV" rx_ntuple_drop) - d0)) = $N ]
		else
			[ $(($(stat "$DEV" rx_ntuple_drop) - d0)) = 0 ]
		fi
		check_err $? "ntuple $mode: $(($(stat "$DEV" rx_ntuple_drop) - d0)) of $N frames dropped by the rule"
		[ $mode = on ] && want_np=0 || want_np=$N
		busywait 5000 eval '[ $(($(mib Udp NoPorts) - np0)) -ge $want_np ]'
		np=$(($(mib Udp NoPorts) - np0))
		[ "$np" = "$want_np" ]
		check_err $? "ntuple $mode: the host's stack saw $np of the $N frames (Udp NoPorts), expected $want_np"
	done
	ethtool -n "$DEV" | grep -q "Filter: 3"
	check_err $? "the rule was lost across ntuple off/on"
	topo_destroy
	log_test "ntuple-filters: rules apply only when on, and survive off"
}

mpnic_tests_run
