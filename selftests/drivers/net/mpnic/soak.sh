#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Soak (make soak; not in make check): SOAK_SECS (default 600) of mixed
# traffic through one card while its configuration churns.
#
# Traffic, each a loop bounded by the deadline: TCP both ways (iperf3,
# IPv4 and IPv6), UDP at 50 Mbit/s, ping from the peer, and SHA-256-checked
# transfers both ways. Churn, one change every SOAK_CHURN_MS (default 1500),
# picked at random: channels, RSS table and key, offloads, ring sizes,
# coalescing, an ntuple rule, link down/up, an engine's CPU, a devlink
# reload to another engine count. At the end every checked transfer
# matched, every frame the card took is accounted for, and memory is flat:
# idle again, the unreclaimable slab is within MEM_SLAB_KB of the idle
# card's before the soak (sampled every 30 s under traffic too, where
# socket buffers fill it, and reported); after the card goes,
# mpnic_tests_run checks the module's memory against its baseline as for
# every script.

ALL_TESTS="soak"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 iperf3 ping devlink "$MPNICCTL"

SOAK_SECS=${SOAK_SECS:-600}
SOAK_CHURN_MS=${SOAK_CHURN_MS:-1500}
SOAK_SEED=${SOAK_SEED:-$$}
# Only these changes (numbers as in churn_once), e.g. "5 8"; default all
SOAK_CHANGES=${SOAK_CHANGES:-}
SOAK_DIR=/tmp/mpnic-soak.$$
ENGINES=$(nproc)
[ "$ENGINES" -gt 4 ] && ENGINES=4

# A loop of COMMAND until the deadline, each run's status in $SOAK_DIR/NAME:
# until_deadline NAME COMMAND...
until_deadline()
{
	local name=$1

	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		if "$@" >"$SOAK_DIR/$name.out" 2>&1; then
			echo ok >> "$SOAK_DIR/$name"
		else
			echo fail >> "$SOAK_DIR/$name"
			# the first failure of each loop, for the report
			[ -f "$SOAK_DIR/$name.fail" ] ||
				tail -n 3 "$SOAK_DIR/$name.out" > "$SOAK_DIR/$name.fail"
			sleep 1
		fi
	done
}

runs()
{
	local n

	n=$(grep -c "^$2$" "$SOAK_DIR/$1" 2>/dev/null)
	echo "${n:-0}"
}

tcp_v4()
{
	timeout 60 iperf3 -c $P4 -p 5201 -t 10 -P 4
}

tcp_v6()
{
	timeout 60 iperf3 -c $P6 -p 5202 -t 10 -R
}

udp()
{
	timeout 60 iperf3 -c $P4 -p 5203 -t 10 -u -b 50M -l 1200
}

checked()
{
	# what went wrong goes to the loop's report
	xfer "$PEER" "" $P4 32 && xfer "" "$PEER" $H4 32 || { echo "$xfer_msg"; return 1; }
}

# The unreclaimable slab within MEM_SLAB_KB of KB: slab_within KB
slab_within()
{
	[ "$(mem_slab)" -le $(($1 + MEM_SLAB_KB)) ]
}

onoff()
{
	if ((RANDOM % 2)); then echo on; else echo off; fi
}

# One random change of the card's configuration
churn_once()
{
	local h

	local what=$((RANDOM % 11))

	if [ -n "$SOAK_CHANGES" ]; then
		set -- $SOAK_CHANGES
		shift $((RANDOM % $#))
		what=$1
	fi

	# in the kernel log, so that a crash shows what came before it
	echo "mpnic soak: change $what at $(date +%s)" > /dev/kmsg
	case $what in
	0) ethtool -L "$DEV" combined $((RANDOM % ENGINES + 1)) ;;
	1) rxfh_set "$DEV" equal $((RANDOM % ENGINES + 1)) ;;
	2) rxfh_set "$DEV" hkey "$(od -An -tx1 -N40 /dev/urandom | tr -s ' \n' ':' | sed 's/^://; s/:$//')" ;;
	3) ethtool -K "$DEV" rx-gro-hw $(onoff) tso $(onoff) ;;
	4) ethtool -K "$DEV" rx $(onoff) tx $(onoff) ;;
	5) ethtool -G "$DEV" rx $((64 << RANDOM % 4)) tx $((64 << RANDOM % 4)) ;;
	6) ethtool -C "$DEV" rx-usecs $((RANDOM % 100)) ;;
	7) ethtool -N "$DEV" delete 3 2>/dev/null ||
		ethtool -N "$DEV" flow-type tcp4 dst-port 5201 action $((RANDOM % ENGINES)) loc 3 ;;
	8) ip link set "$DEV" down; sleep 0.2; ip link set "$DEV" up ;;
	9) $MPNICCTL engine set card "$(card_id "$DEV")" engine 0 cpu $((RANDOM % $(nproc))) ;;
	10) h=$(handle)
	    devlink dev param set "$h" name engines value $((RANDOM % ENGINES + 1)) cmode permanent &&
		devlink dev reload "$h" action fw_activate ;;
	esac
}

soak()
{
	local churns=0 fails=0 t slab slab0 slabmax=0 n p loops

	RET=0
	RANDOM=$SOAK_SEED
	echo "# soak: $SOAK_SECS s, seed $SOAK_SEED, $ENGINES engines"
	mkdir -p $SOAK_DIR
	devlink_topo "$ENGINES"
	# link down/up is one of the changes: IPv6 keeps its address across it
	sysctl -qw net.ipv6.conf."$DEV".keep_addr_on_down=1
	ethtool -K "$DEV" ntuple on
	for p in 5201 5202 5203; do
		ip netns exec "$PEER" timeout $((SOAK_SECS + 120)) iperf3 -s -p $p >/dev/null 2>&1 &
	done
	busywait 5000 ip netns exec "$PEER" sh -c "ss -ltn | grep -q ':5203 '"
	# the card, idle: the memory the soak must come back to
	slab0=$(mem_slab)
	deadline=$((SECONDS + SOAK_SECS))
	until_deadline tcp_v4 tcp_v4 &
	loops=$!
	until_deadline tcp_v6 tcp_v6 &
	loops+=" $!"
	until_deadline udp udp &
	loops+=" $!"
	until_deadline checked checked &
	loops+=" $!"
	until_deadline ping ip netns exec "$PEER" ping -c 20 -i 0.2 -W 2 $H4 &
	loops+=" $!"
	t=$SECONDS
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! churn_once >/dev/null 2>&1; then
			fails=$((fails + 1))
		fi
		churns=$((churns + 1))
		sleep "$(awk -v ms="$SOAK_CHURN_MS" 'BEGIN { print ms / 1000 }')"
		if [ $((SECONDS - t)) -ge 30 ]; then
			t=$SECONDS
			# under traffic: socket buffers count here too
			slab=$(($(mem_slab) - slab0))
			[ "$slab" -gt "$slabmax" ] && slabmax=$slab
			echo "# $((deadline - SECONDS)) s left: $churns changes, slab $slab kB," \
			     "checked transfers $(runs checked ok) ok $(runs checked fail) failed"
		fi
	done
	# the loops end at the deadline, each once its last run (bounded) ends
	wait $loops
	ip netns pids "$PEER" | xargs -r kill 2>/dev/null
	wait

	# a clean end state, so that every counter settles
	ethtool -L "$DEV" combined "$(ethtool -l "$DEV" | awk '/^Combined:/ { print $2; exit }')"
	ip link set "$DEV" up
	busywait 5000 carrier_is "$DEV" 1
	for n in tcp_v4 tcp_v6 udp checked ping; do
		echo "# $n: $(runs $n ok) ok, $(runs $n fail) failed"
		[ -f "$SOAK_DIR/$n.fail" ] && sed 's/^/#   first failure: /' "$SOAK_DIR/$n.fail"
	done
	# each change, at the kernel's boot time in seconds (a page pool's detach-time)
	dmesg | awk '/mpnic soak: change/ { sub(/^\[ */, ""); sub(/\].*change /, " "); printf "%d:%s ", $1, $2 } END { print "" }' |
		fold -s -w 100 | sed 's/^/# changes at: /'
	echo "# $churns configuration changes, $fails refused;" \
	     "unreclaimable slab at most $slabmax kB over the idle card's under traffic"
	[ "$(runs checked fail)" = 0 ] && [ "$(runs checked ok)" -gt 0 ]
	check_err $? "checked transfers: $(runs checked ok) ok, $(runs checked fail) failed"
	[ "$(runs tcp_v4 ok)" -gt 0 ] && [ "$(runs tcp_v6 ok)" -gt 0 ] && [ "$(runs udp ok)" -gt 0 ] &&
		[ "$(runs ping ok)" -gt 0 ]
	check_err $? "a traffic loop never completed a run"
	busywait 5000 balanced
	check_err $? "$(unaccounted) frames unaccounted for"
	# idle again, sockets closed: back to the idle card's memory
	busywait "$MEM_WAIT_MS" slab_within "$slab0"
	check_err $? "unreclaimable slab $(($(mem_slab) - slab0)) kB over the idle card's after the soak"
	echo "# idle after the soak: unreclaimable slab $(($(mem_slab) - slab0)) kB over the idle card's"
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping after the soak"
	topo_destroy
	rm -rf $SOAK_DIR
	log_test "soak: ${SOAK_SECS} s of traffic and churn, seed $SOAK_SEED"
}

mpnic_tests_run
