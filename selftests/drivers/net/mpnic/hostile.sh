#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile frames: the peer sends HOSTILE_FRAMES (default 100,000) malformed
# and unusual frames (hostile.py) while a SHA-checked TCP transfer runs.
# The kernel stays quiet, the transfer arrives intact, and every frame is
# accounted for, exactly: what the peer put on the wire is what the card
# took, less what the wire's own receive path drops before any rx_handler
# (a VLAN tag cut short; hostile.py counts them), and what the card took
# is delivered or in a named drop counter. Hostile configuration: random
# and malformed netlink (nlfuzz.py) to the mpnic family and to rtnetlink
# for the mpnic kind, as root and as nobody, while several processes create
# and delete ports and cards, change channels and move the wire: errors
# only, and the card still works.

# hostile_config takes minutes, so it is outside the default list: make
# check runs it on 6.12 among its extended cases (TESTS=hostile_config),
# make check-long and make check-debug with HOSTILE_CONFIG=1
HOSTILE_CONFIG=${HOSTILE_CONFIG:-${MPNIC_LONG:-}}
ALL_TESTS="
	hostile_frames
	${HOSTILE_CONFIG:+hostile_config}
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 dmesg
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: no scapy"; exit "$ksft_skip"; }

# The fragments the host is sent wait in its reassembly queues, holding the
# card's pages, for ipfrag_time (30 s) and ip6frag_time (60 s): 5 s here,
# so that they are gone before the memory check (lib.sh mem_check)
frag_time4=$(sysctl -n net.ipv4.ipfrag_time)
frag_time6=$(sysctl -n net.ipv6.ip6frag_time)
sysctl -qw net.ipv4.ipfrag_time=5 net.ipv6.ip6frag_time=5
cleanup()
{
	topo_destroy
	sysctl -qw net.ipv4.ipfrag_time="$frag_time4" net.ipv6.ip6frag_time="$frag_time6"
}
trap cleanup EXIT

HOSTILE="$(dirname "$0")/hostile.py"
HOSTILE_FRAMES=${HOSTILE_FRAMES:-100000}
NL_FUZZ=${NL_FUZZ:-20000}
NLFUZZ="$(dirname "$0")/nlfuzz.py"

# Kernel reports so far: splats, not the messages of refused settings
splats()
{
	dmesg | grep -vE "$MPNIC_TCG_ARTIFACT" |
		grep -cE "WARNING:|BUG:|Oops|general protection|UBSAN|KASAN|kmemleak|refcount_t"
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
	local s0 tx0 wire0 tx1 wire1 sent core dtx dwire counts

	RET=0
	topo_create
	# Jumbo and oversize frames reach the card; one wire frame per skb
	ip link set "$WIRE" mtu 12000 && ip -n "$PEER" link set "$PEER_IF" mtu 12000 &&
		ip netns exec "$PEER" ethtool -K "$PEER_IF" tso off gso off gro off >/dev/null &&
		ip link set "$DEV" mtu 9000
	check_err $? "cannot set up jumbo frames, one frame per skb"
	mac=$(cat /sys/class/net/"$DEV"/address)
	ping -c 1 -W 2 $P4 >/dev/null
	check_err $? "no ping before the hostile frames"
	s0=$(splats)
	# without a quiet moment the counts would be 0 and compare wrong
	counts=$(quiet_counts)
	check_err $? "the peer never stopped sending for 300 ms"
	read -r tx0 wire0 <<< "$counts"

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
	counts=$(quiet_counts)
	check_err $? "the peer never stopped sending for 300 ms"
	read -r tx1 wire1 <<< "$counts"
	dtx=$((tx1 - tx0))
	dwire=$((wire1 - wire0))
	[ "$dtx" -eq $((dwire + core)) ]
	check_err $? "the peer sent $dtx frames, the card took $dwire, the wire dropped $core"
	# every hostile frame reached the card or was one the core drops
	# before any rx_handler (the transfer's frames are on top)
	[ "${sent:-0}" -ge "$HOSTILE_FRAMES" ] && [ $((dwire + core)) -ge "$sent" ]
	check_err $? "$sent hostile frames sent of $HOSTILE_FRAMES; the card took $dwire, the core dropped $core"
	echo "# hostile: $dwire wire frames; drops:" \
	     "$(ethtool -S "$DEV" | awk '$2 > 0 && /rx_(runt|oversize|too_long)|in_(trunc|hdr|ip_csum|l4|csum_err|not_ip)/ { s = s " " $1 $2 } END { print s }')"
	[ "$(splats)" = "$s0" ]
	check_err $? "the kernel reported: $(dmesg | grep -vE "$MPNIC_TCG_ARTIFACT" | grep -E "WARNING:|BUG:|Oops" | tail -n 3)"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "no ping after the hostile frames"
	rm -f "$out" "$xout"
	topo_destroy
	log_test "$HOSTILE_FRAMES hostile frames beside a checked transfer: all accounted for"
}

# Churn workers, each bounded in rounds and time: churn KIND ROUNDS
churn()
{
	local i id

	for i in $(seq "$2"); do
		case $1 in
		links)
			ip link add mpc0 type mpnic 2>/dev/null
			ip link set mpc0 up 2>/dev/null
			ip link del mpc0 2>/dev/null
			;;
		channels)
			ethtool -L "$DEV" combined 1 2>/dev/null
			ethtool -L "$DEV" combined 2 2>/dev/null
			;;
		wire)
			ip link set "$WIRE" nomaster 2>/dev/null
			ip link set "$WIRE" master "$DEV" 2>/dev/null
			ip link set "$WIRE" up 2>/dev/null
			;;
		cards)
			id=$("$MPNICCTL" -j card new engines 1 mem 4 2>/dev/null |
			     /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])' \
			     2>/dev/null) || continue
			"$MPNICCTL" port add card "$id" name mpc1 2>/dev/null
			ip link set mpc1 up 2>/dev/null
			"$MPNICCTL" card del "$id" 2>/dev/null
			;;
		esac
	done
}

hostile_config()
{
	local s0 out=/tmp/mpnic-nlfuzz.$$ pids="" w id as cid f slow=1
	as="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

	RET=0
	require_cmd setpriv
	# every message still goes out on checked code; its bounds grow
	[ -n "${MPNIC_DEBUG_KERNEL:-}" ] && slow=4
	topo_create
	s0=$(splats)
	ip netns exec "$PEER" ping -q -i 0.01 -c 2000 -W 1 $H4 >/dev/null 2>&1 &
	pids="$!"
	for w in links channels wire cards; do
		timeout $((300 * slow)) bash -c "$(declare -f churn); DEV=$DEV WIRE=$WIRE MPNICCTL=$MPNICCTL churn $w $(rounds 30)" &
		pids="$pids $!"
	done
	timeout $((600 * slow)) /usr/bin/python3 "$NLFUZZ" "$NL_FUZZ" 1 > "$out"
	check_err $? "the netlink fuzzer (root) failed: $(tail -c 300 "$out")"
	echo "# nlfuzz as root: $(cat "$out")"
	timeout $((300 * slow)) $as /usr/bin/python3 "$NLFUZZ" $((NL_FUZZ / 10)) 2 > "$out"
	check_err $? "the netlink fuzzer (nobody) failed: $(tail -c 300 "$out")"
	echo "# nlfuzz as nobody: $(cat "$out")"
	# no change, out of messages that went out and were answered (none
	# sent would show no change as well)
	/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(r["changes"] != 0 or r["sent"] == 0 or r["errors"] == 0)' "$out"
	check_err $? "an unprivileged message changed something, or none was refused: $(cat "$out")"
	wait $pids
	# what the fuzzer and the churn left: their ports, then card-new cards
	for w in mpf0 mpf1 mpf2 mpf3 mpc0 mpc1; do
		ip link del "$w" 2>/dev/null
	done
	for id in $("$MPNICCTL" -j card show | /usr/bin/python3 -c '
import json, sys
print(" ".join(str(c["id"]) for c in json.load(sys.stdin) if c["port"] == "-"))'); do
		"$MPNICCTL" card del "$id" 2>/dev/null
	done
	ip link set "$WIRE" master "$DEV" 2>/dev/null
	ip link set "$WIRE" up
	ethtool -L "$DEV" combined 2 2>/dev/null
	# What root's fuzzing may have switched on for the card's engines is
	# an administrator's doing, not a failure: every fault and profile
	# back to its default. A restart that timed out under the churn
	# leaves the reporter in error, which stops devlink's auto-recovery
	# until a manual recover.
	cid=$(card_id "$DEV")
	for id in $(seq 0 3); do
		for f in stall card-mem host-rx slow tx-cmpl; do
			"$MPNICCTL" fault set card "$cid" engine "$id" "$f" off 2>/dev/null
		done
		"$MPNICCTL" engine set card "$cid" engine "$id" profile full 2>/dev/null
	done
	echo "# engine reporter after the fuzzing: $(devlink health show "$(handle)" reporter engine | tr -s ' \n' ' ')"
	devlink health recover "$(handle)" reporter engine
	check_err $? "devlink health recover failed after the fuzzing"
	busywait 5000 carrier_is "$DEV" 1
	if ! ping -c 3 -i 0.2 -W 5 $P4 >/dev/null; then
		# seen once on 6.1 (cause not found): leave what the next one needs
		echo "# after the fuzzing: $(ip -d link show "$DEV" | tr '\n' ' ')"
		echo "# wire: $(ip link show "$WIRE" | tr '\n' ' ')"
		echo "# engines: $("$MPNICCTL" -j engine show 2>&1 | tr '\n' ' ')"
		echo "# neigh: $(ip neigh show dev "$DEV" | tr '\n' ' ')"
		echo "# counters: $(ethtool -S "$DEV" | awk '$2 != 0' | tr -s ' \n' ' ')"
		check_err 1 "no ping after the fuzzing and the churn"
	fi
	[ "$(splats)" = "$s0" ]
	check_err $? "the kernel reported: $(dmesg | grep -vE "$MPNIC_TCG_ARTIFACT" | grep -E "WARNING:|BUG:|Oops" | tail -n 3)"
	rm -f "$out"
	topo_destroy
	[ -z "$(ls /sys/bus/mpnic/devices/)" ]
	check_err $? "cards are left: $(ls /sys/bus/mpnic/devices/)"
	log_test "$NL_FUZZ fuzzed netlink messages and concurrent churn: errors only"
}

mpnic_tests_run
