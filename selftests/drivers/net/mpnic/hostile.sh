#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile frames: the peer sends HOSTILE_FRAMES (default 100,000) malformed
# and unusual frames (hostile.py) while a SHA-checked TCP transfer runs.
# The kernel stays quiet, the transfer arrives intact, and every frame is
# accounted for, exactly: what the peer put on the wire is what the card
# took, less what the wire's own receive path drops before any rx_handler
# (a VLAN tag cut short; hostile.py counts them), and what the card took
# is delivered or in a named drop counter.

ALL_TESTS="
	hostile_frames
"
source "$(dirname "$0")"/lib.sh
require_cmd /usr/bin/python3 dmesg
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: no scapy"; exit "$ksft_skip"; }

HOSTILE="$(dirname "$0")/hostile.py"
HOSTILE_FRAMES=${HOSTILE_FRAMES:-100000}

# Kernel reports so far: splats, not the messages of refused settings
splats()
{
	dmesg | grep -cE "WARNING:|BUG:|Oops|general protection|UBSAN|KASAN|kmemleak|refcount_t"
}

peer_tx()
{
	ip netns exec "$PEER" cat /sys/class/net/"$PEER_IF"/statistics/tx_packets
}

# "peer_tx rx_wire_frames" at a moment when nothing is in flight between
# them: the peer sent nothing for 300 ms around the card's reading
quiet_counts()
{
	local t1 t2 w i

	for i in $(seq 20); do
		t1=$(peer_tx)
		sleep 0.3
		w=$(stat "$DEV" rx_wire_frames)
		t2=$(peer_tx)
		[ "$t1" = "$t2" ] && { echo "$t1 $w"; return 0; }
	done
	return 1
}

hostile_frames()
{
	local mac out=/tmp/mpnic-hostile.$$ xout=/tmp/mpnic-hostile-xfer.$$ xfer_pid
	local s0 tx0 wire0 tx1 wire1 sent core dtx dwire

	RET=0
	topo_create
	# Jumbo and oversize frames reach the card; one wire frame per skb
	ip link set "$WIRE" mtu 12000
	ip -n "$PEER" link set "$PEER_IF" mtu 12000
	ip netns exec "$PEER" ethtool -K "$PEER_IF" tso off gso off gro off >/dev/null
	ip link set "$DEV" mtu 9000
	mac=$(cat /sys/class/net/"$DEV"/address)
	ping -c 1 -W 2 $P4 >/dev/null
	s0=$(splats)
	read -r tx0 wire0 < <(quiet_counts)

	( xfer "" "$PEER" $H4 64 || { echo "$xfer_msg"; exit 1; } ) > "$xout" &
	xfer_pid=$!
	ip netns exec "$PEER" timeout 600 /usr/bin/python3 "$HOSTILE" "$PEER_IF" "$mac" \
		"$HOSTILE_FRAMES" > "$out"
	check_err $? "the generator failed: $(tail -c 300 "$out")"
	wait $xfer_pid
	check_err $? "the transfer beside the hostile frames: $(cat "$xout")"
	read -r sent core < <(/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["sent"], r["core_drops"])' "$out")
	echo "# hostile: $(cat "$out")"

	busywait 20000 balanced
	check_err $? "$(unaccounted) frames from the wire neither delivered nor dropped"
	read -r tx1 wire1 < <(quiet_counts)
	dtx=$((tx1 - tx0))
	dwire=$((wire1 - wire0))
	[ "$dtx" -eq $((dwire + core)) ]
	check_err $? "the peer sent $dtx frames, the card took $dwire, the wire dropped $core"
	[ "${sent:-0}" -ge "$HOSTILE_FRAMES" ] && [ "$dwire" -ge "$sent" ]
	check_err $? "$sent hostile frames sent of $HOSTILE_FRAMES, $dwire taken"
	echo "# hostile: $dwire wire frames; drops:" \
	     "$(ethtool -S "$DEV" | awk '$2 > 0 && /rx_(runt|oversize|too_long)|in_(trunc|hdr|ip_csum|l4|csum_err|not_ip)/ { s = s " " $1 $2 } END { print s }')"
	[ "$(splats)" = "$s0" ]
	check_err $? "the kernel reported: $(dmesg | grep -E "WARNING:|BUG:|Oops" | tail -n 3)"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no ping after the hostile frames"
	rm -f "$out" "$xout"
	topo_destroy
	log_test "$HOSTILE_FRAMES hostile frames beside a checked transfer: all accounted for"
}

tests_run
