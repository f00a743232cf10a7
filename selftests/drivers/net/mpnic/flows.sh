#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engines' flow tables (debugfs mpnic/card<ID>/engine<N>/flows): every
# TCP flow is tracked by exactly one engine, in both directions, with its
# connection state; idle flows age out.

ALL_TESTS="
	flow_affinity
	flow_aging
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd iperf3

DFS=/sys/kernel/debug/mpnic
[ -d "$DFS" ] || { echo "SKIP: no debugfs"; exit "$ksft_skip"; }

flow_affinity()
{
	local dir out dup

	RET=0
	# the closed flows stay until counted: a slow kernel takes longer than 5 s
	topo_create
	card_param flow_closed_timeout 120
	check_err $? "flow_closed_timeout 120 refused"
	dir=$(card_dir "$DEV")
	iperf_server
	iperf_client 60 -c $P4 -t 2 -P 8 >/dev/null
	check_err $? "iperf3 -P 8 failed"
	wait
	# "<engine> <remote> <local> <state> <in_pkts> <out_pkts>" for the data flows
	out=$(for e in "$dir"/engine*; do
		awk -v e="${e##*engine}" '$2 ~ /:5201$/ { print e, $2, $3, $4, $5, $7 }' "$e/flows"
	done)
	echo "$out" | sed 's/^/# /'
	[ "$(echo "$out" | grep -c .)" -ge 9 ]
	check_err $? "expected 9 flows (8 data + control), found $(echo "$out" | grep -c .)"
	dup=$(echo "$out" | awk '{ print $2, $3 }' | sort | uniq -d)
	[ -z "$dup" ]
	check_err $? "flows tracked by two engines: $dup"
	echo "$out" | awk '$5 == 0 || $6 == 0 { bad = 1 } END { exit bad }'
	check_err $? "a flow was not seen in both directions by its engine"
	echo "$out" | awk '$4 !~ /ESTABLISHED|FIN_WAIT|CLOSING|CLOSED/ { bad = 1 } END { exit bad }'
	check_err $? "a flow is in an unexpected TCP state"
	[ "$(stat_sum "$DEV" flows_active)" -ge 9 ]
	check_err $? "flows_active is $(stat_sum "$DEV" flows_active)"
	[ "$(stat_sum "$DEV" tcp_out_segs)" -gt 1000 ] && [ "$(stat_sum "$DEV" tcp_in_segs)" -gt 100 ]
	check_err $? "TCP segment counters did not move"
	topo_destroy
	log_test "each TCP flow lives in one engine, both directions"
}

flow_aging()
{
	RET=0
	topo_create
	iperf_server
	iperf_client 60 -c $P4 -t 1 >/dev/null
	check_err $? "iperf3 failed"
	wait
	[ "$(stat_sum "$DEV" flows_active)" -ge 1 ]
	check_err $? "no active flow after traffic"
	card_param flow_timeout 2
	check_err $? "flow_timeout 2 refused"
	busywait 20000 until_counter_is "== 0" stat_sum "$DEV" flows_active >/dev/null
	check_err $? "flows did not age out: $(stat_sum "$DEV" flows_active) active"
	[ "$(stat_sum "$DEV" flows_expired)" -ge 2 ]
	check_err $? "flows_expired did not count them"
	topo_destroy
	log_test "idle flows age out"
}

mpnic_tests_run
