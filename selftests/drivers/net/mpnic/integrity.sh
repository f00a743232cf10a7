#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity: bulk TCP transfers with known content, checked by SHA-256
# at the far end, to and from the peer, over IPv4 and IPv6, MTU 1500 and
# 9000, with the card's offloads (TSO, checksums, GRO) on and off.
# XFER_MIB sets the size of each transfer: 64 MiB in make check, 256 in the
# long run (MPNIC_LONG=1, make check-long), which adds MTU 9000.

ALL_TESTS="
	integrity_1500
	${MPNIC_LONG:+integrity_9000}
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3

XFER_MIB=${XFER_MIB:-$([ -n "${MPNIC_LONG:-}" ] && echo 256 || echo 64)}

# Offloads on or off: the card's TSO, checksums and GRO on the host side;
# fails unless ethtool -k reads every one of them back so (a refused
# switch would test the same setting twice under two names)
offloads()
{
	local f k

	ethtool -K "$DEV" tso "$1" tx "$1" rx "$1" gro "$1" >/dev/null &&
		ethtool -K "$DEV" rx-gro-hw "$1" >/dev/null || return 1
	k=$(ethtool -k "$DEV")
	for f in tcp-segmentation-offload tx-checksumming rx-checksumming \
		 generic-receive-offload rx-gro-hw; do
		echo "$k" | grep -q "^$f: $1" || { echo "# $f is not $1" >&2; return 1; }
	done
}

integrity()
{
	local mtu=$1 off dst tso0 tso1 gro0 gro1

	RET=0
	topo_create
	ip link set "$DEV" mtu "$mtu" && ip link set "$WIRE" mtu "$mtu" &&
		ip -n "$PEER" link set "$PEER_IF" mtu "$mtu"
	check_err $? "MTU $mtu refused"
	[ "$(cat /sys/class/net/"$DEV"/mtu)" = "$mtu" ]
	check_err $? "the port's MTU is $(cat /sys/class/net/"$DEV"/mtu), not $mtu"
	busywait 5000 carrier_is "$DEV" 1
	for off in on off; do
		offloads $off
		check_err $? "cannot turn the offloads $off"
		tso0=$(stat_sum "$DEV" tx_tso)
		gro0=$(stat_sum "$DEV" rx_hw_gro_packets)
		for dst in $P4 $P6; do
			xfer "$PEER" "" "$dst" "$XFER_MIB"
			check_err $? "$xfer_msg"
			local src=$H4
			[ "$dst" = "$P6" ] && src=$H6
			xfer "" "$PEER" "$src" "$XFER_MIB"
			check_err $? "$xfer_msg"
		done
		tso1=$(stat_sum "$DEV" tx_tso)
		gro1=$(stat_sum "$DEV" rx_hw_gro_packets)
		# the engines cut the host's large packets exactly when TSO is on,
		# and coalesced segments exactly when rx-gro-hw is on
		if [ $off = on ]; then
			[ "$tso1" -gt "$tso0" ]
			check_err $? "TSO on, but the engines segmented nothing"
			[ "$gro1" -gt "$gro0" ]
			check_err $? "rx-gro-hw on, but the engines coalesced nothing"
		else
			[ "$tso1" -eq "$tso0" ]
			check_err $? "TSO off, but the engines got $((tso1 - tso0)) large packets"
			[ "$gro1" -eq "$gro0" ]
			check_err $? "rx-gro-hw off, but the engines coalesced $((gro1 - gro0)) packets"
		fi
	done
	echo "# engines: $(stat_sum "$DEV" tx_tso) TSO packets cut into $(stat_sum "$DEV" tx_tso_segs) frames," \
	     "$(stat_sum "$DEV" rx_hw_gro_wire_packets) frames coalesced into $(stat_sum "$DEV" rx_hw_gro_packets)"
	topo_destroy
	log_test "${XFER_MIB} MiB each way, v4 and v6, offloads on and off, MTU $mtu: SHA-256 matches"
}

integrity_1500() { integrity 1500; }
integrity_9000() { integrity 9000; }

mpnic_tests_run
