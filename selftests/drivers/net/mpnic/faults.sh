#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Injected faults (the family's fault-set, mpnicctl fault set): card memory
# exhaustion, host RX buffer starvation, a slow engine and dropped TX
# completions. For each: a counter names it, the devlink health reporter
# reports it (its dump says which) and recovers it, by restarting the
# engine, within a bound, and traffic resumes with every frame accounted
# for. The stall has its own tests in devlink.sh.

ALL_TESTS="
	fault_card_mem
	fault_host_rx
	fault_slow
	fault_tx_cmpl
	fault_off
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd devlink iperf3 ping
[ -x "$MPNICCTL" ] || { echo "SKIP: no $MPNICCTL (make mpnicctl)"; exit "$ksft_skip"; }

# Recovery is due within this: the watchdog's stall_timeout_ms (1 s), its
# 100 ms look, devlink's report and the restart, with room for a slow VM
RECOVER_MS=${RECOVER_MS:-10000}
# and a fault's first effect on traffic is due within this of the fault
EFFECT_MS=${EFFECT_MS:-20000}

# One engine, so that every frame meets the fault, with 2 MiB of card
# memory (226 buffers, as many input ring entries), so that a fault's
# effect shows in a second or two of traffic
fault_topo()
{
	local h

	devlink_topo 1
	h=$(handle)
	devlink dev param set "$h" name card_mem_mb value 2 cmode permanent &&
		devlink dev reload "$h" action fw_activate
	check_err $? "reload to 2 MiB of card memory failed"
	busywait 5000 carrier_is "$DEV" 1
	devlink health dump clear "$h" reporter engine 2>/dev/null
}

# Free buffers of engine 0, from the reporter's diagnosis
free_buffers()
{
	devlink -j health diagnose "$(handle)" reporter engine | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["engines"][0]["free_buffers"])'
}

# fault TYPE on|off, on engine 0 of the port's card
fault()
{
	"$MPNICCTL" fault set card "$(card_id "$DEV")" engine 0 "$1" "$2"
}

recovered_since()
{
	[ "$(reporter_field recover)" -gt "$1" ] 2>/dev/null
}

# Load toward the host: a TCP stream from the peer and a steady ping
rx_load()
{
	timeout 30 iperf3 -s -1 -B $H4 >/dev/null 2>&1 &
	busywait 5000 sh -c "ss -ltn | grep -q ':5201 '"
	ip netns exec "$PEER" timeout 20 iperf3 -c $H4 -t 10 >/dev/null 2>&1 &
	ip netns exec "$PEER" timeout 20 ping -q -i 0.01 -c 1000 -W 1 $H4 >/dev/null 2>&1
}

# More than a slow engine takes: UDP from the peer at 200 Mbit/s
udp_load()
{
	timeout 30 iperf3 -s -1 -B $H4 >/dev/null 2>&1 &
	busywait 5000 sh -c "ss -ltn | grep -q ':5201 '"
	ip netns exec "$PEER" timeout 20 iperf3 -c $H4 -u -b 200M -l 1400 -t 10 >/dev/null 2>&1
}

# Host frames out: a steady ping from the host
tx_load()
{
	timeout 20 ping -q -i 0.01 -c 1000 -W 1 $P4 >/dev/null 2>&1
}

# Inject a fault under a load, wait for the reporter to report and recover
# it, then check what it left: fault_run TYPE COUNTER CONDITION LOAD
fault_run()
{
	local type=$1 counter=$2 cond=$3 load=$4 c0 e0 r0 t0 ms pid u0

	RET=0
	fault_topo
	# engine counters start over at a reload, the card's go on
	u0=$(unaccounted)
	c0=$(stat "$DEV" "$counter")
	e0=$(reporter_field error)
	r0=$(reporter_field recover)
	fault "$type" on
	check_err $? "fault-set $type refused"
	( $load ) &
	pid=$!
	# the bound runs from the fault's first effect on traffic
	busywait "$EFFECT_MS" eval '[ "$(stat "$DEV" "$counter")" -gt "$c0" ]'
	check_err $? "$type: $counter did not grow"
	t0=$(date +%s%N)
	busywait $RECOVER_MS recovered_since "$r0"
	check_err $? "$type: no recovery within $RECOVER_MS ms (errors $e0 -> $(reporter_field error))"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# $type: $counter $c0 -> $(stat "$DEV" "$counter"); reported and recovered $ms ms after its first count"
	[ "$(reporter_field error)" -gt "$e0" ]
	check_err $? "$type: no error reported"
	devlink health dump show "$(handle)" reporter engine | grep -qE "$cond:? true"
	check_err $? "$type: the report's dump does not say $cond"
	{
		pkill -f "iperf3 -c $H4"
		pkill -f "ping -q -i 0.01"
		wait $pid
		pkill -f "iperf3 -s -1 -B $H4"
	} 2>/dev/null
	# traffic resumes, and nothing the card took is unaccounted
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "$type: no ping after the recovery"
	ip netns exec "$PEER" ping -c 3 -i 0.2 -W 2 $H4 >/dev/null
	check_err $? "$type: no ping from the peer after the recovery"
	sleep 0.5
	[ "$(unaccounted)" -eq "$u0" ]
	check_err $? "$type: $(( $(unaccounted) - u0 )) frames unaccounted for"
	[ "$(stat "$DEV" engine0_restarts)" -ge 1 ]
	check_err $? "$type: the engine was not restarted"
	topo_destroy
	log_test "fault $type: $counter, reported as $cond and recovered"
}

fault_card_mem()
{
	fault_run card-mem rx_card_mem_exhausted card_mem_exhausted rx_load
}

fault_host_rx()
{
	fault_run host-rx engine0_rx_missed host_rx_starved rx_load
}

fault_slow()
{
	# the input ring has an entry per buffer: buffers run out first
	fault_run slow rx_card_mem_exhausted slow udp_load
}

fault_tx_cmpl()
{
	fault_run tx-cmpl engine0_tx_cmpl_delayed tx_completions_lost tx_load
}

bql_inflight()
{
	cat /sys/class/net/"$DEV"/queues/tx-0/byte_queue_limits/inflight
}

# With auto-recovery off a fault stays until cleared: clearing card-mem
# returns the buffers it kept, clearing tx-cmpl publishes the completions
fault_off()
{
	local h all

	RET=0
	fault_topo
	h=$(handle)
	all=$(free_buffers)
	# were it on, a restart would return the buffers and pass the test
	devlink health set "$h" reporter engine auto_recover false
	check_err $? "auto_recover cannot be turned off"
	fault card-mem on && fault tx-cmpl on
	check_err $? "fault-set refused"
	ip netns exec "$PEER" ping -q -i 0.01 -c 100 -W 1 $H4 >/dev/null 2>&1
	[ "$(free_buffers)" -lt "$all" ]
	check_err $? "card-mem kept no buffer: $(free_buffers) free"
	# the stack's own view of the held completions: BQL's bytes sent
	# and not yet completed on the port's one TX queue
	[ "$(bql_inflight)" -gt 0 ]
	check_err $? "tx-cmpl held no completion: BQL has $(bql_inflight) bytes in flight"
	fault card-mem off && fault tx-cmpl off
	check_err $? "clearing the faults was refused"
	busywait 5000 eval '[ "$(free_buffers)" -eq "$all" ]'
	check_err $? "the card's buffers did not come back: $(free_buffers) of $all"
	ping -c 3 -i 0.2 -W 2 $P4 >/dev/null
	check_err $? "no ping once the faults were cleared"
	busywait 5000 eval '[ "$(bql_inflight)" = 0 ]'
	check_err $? "the held completions did not come back: BQL has $(bql_inflight) bytes in flight"
	devlink health set "$h" reporter engine auto_recover true
	topo_destroy
	log_test "faults cleared by fault-set: buffers and completions come back"
}

mpnic_tests_run
