#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSS as ethtool shows it, and flows placed where the key and the table say:
# the test computes the hash itself (rss.py) from what `ethtool -x` and
# `ethtool -n rx-flow-hash` read back, for flows crafted in the peer and for
# real TCP connections; hash functions, keys, tables and hashed fields
# changed with ethtool; the spread over four engines.

ALL_TESTS="
	rss_defaults
	flow_placement
	placement_256
	hash_functions
	hash_fields
	symmetric_xor
	rss_contexts
	balance
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd iperf3 /usr/bin/python3

RSS_PY="$(dirname "$0")/rss.py"

# Crafted TCP frames meet a closed port: the host's RST closes each flow,
# which would leave its table after flow_closed_timeout (5 s), before a
# slow run reads the tables. Closed flows stay for the whole test: every
# card of this script gets closed_timeout (devlink param).
closed_timeout=600
rss_topo_create()
{
	topo_create "$@" && card_param flow_closed_timeout "$closed_timeout"
}

cleanup()
{
	topo_destroy
}
trap cleanup EXIT
# Microsoft's key of the RSS verification suite
MS_KEY=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa

# Send flows from the peer and check each landed where the model says:
# placed KINDS N BASE [DPORT]; leaves the summary in $placed_out
placed()
{
	local total=$(( $(echo "$1" | tr ',' '\n' | grep -c .) * $2 ))
	local created=$(stat_sum "$DEV" flows_created)

	ip netns exec "$PEER" /usr/bin/python3 "$RSS_PY" send "$PEER_IF" \
		"$(cat /sys/class/net/"$DEV"/address)" "$@"
	# every flow is in a table once its frame went through an engine
	busywait 20000 until_counter_is ">= $((created + total))" stat_sum "$DEV" flows_created >/dev/null
	placed_out=$(/usr/bin/python3 "$RSS_PY" check "$DEV" "$(card_dir "$DEV")" "$@") && return 0
	# where the missing ones went
	ethtool -S "$DEV" | awk '$1 ~ /drop|missed|full|exhausted|errors|no_queue|too_long|truncated/ && $2 != 0 { print "# " $0 }'
	return 1
}

rss_defaults()
{
	local n key sysk

	RET=0
	ip link add "$DEV" type mpnic
	n=$(nproc)
	ethtool -x "$DEV" | grep -q "toeplitz: on"
	check_err $? "toeplitz is not the hash function"
	# 128 entries, entry i on engine i % n
	ethtool -x "$DEV" | awk -v n="$n" '
		/^ +[0-9]+:/ { for (i = 2; i <= NF; i++) { if ($i != e % n) bad = 1; e++ } }
		END { exit bad || e != 128 }'
	check_err $? "the default table is not 128 entries spread over $n engines"
	key=$(ethtool -x "$DEV" | awk '/^RSS hash key:/ { getline; print; exit }')
	# the system key, as text (52 bytes): the card takes its first 40
	sysk=$(tr -d ':\n' < /proc/sys/net/core/netdev_rss_key | cut -c1-80)
	[ "$(echo "$key" | tr -d ':')" = "$sysk" ]
	check_err $? "key $key is not the system RSS key"
	ip link del "$DEV"
	log_test "RSS defaults: Toeplitz, system key, even table"
}

# Engines the card must pick for flows, one a line:
# toeplitz_engine SRC DST SPORT DPORT [SPORT DPORT]...
toeplitz_engine()
{
	ethtool -x "$DEV" | /usr/bin/python3 -c '
import ipaddress, re, sys
lines = sys.stdin.read().splitlines()
table = []
for l in lines:
    m = re.match(r"^\s*\d+:\s+([\d\s]+)$", l)
    if m:
        table += [int(x) for x in m.group(1).split()]
key = bytes.fromhex(lines[lines.index("RSS hash key:") + 1].replace(":", ""))
src, dst = sys.argv[1:3]
ports = sys.argv[3:]
k = int.from_bytes(key, "big"); kbits = len(key) * 8
for sp, dp in zip(ports[::2], ports[1::2]):
    data = ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed
    data += int(sp).to_bytes(2, "big") + int(dp).to_bytes(2, "big")
    h = 0
    for i in range(len(data) * 8):
        if data[i // 8] & (0x80 >> (i % 8)):
            h ^= (k >> (kbits - 32 - i)) & 0xffffffff
    print(table[h % len(table)])
' "$@"
}

flow_placement()
{
	local cport want got before after i e n ports=() wants

	RET=0
	rss_topo_create
	n=$(nproc)
	# the table and key stay: every flow's engine in one interpreter
	for i in 1 2 3 4 5 6; do
		ports+=(5201 $((40000 + i * 7919 % 20000)))
	done
	wants=($(toeplitz_engine $P4 $H4 "${ports[@]}"))
	for i in 1 2 3 4 5 6; do
		cport=$((40000 + i * 7919 % 20000))
		declare -a before
		for e in $(seq 0 $((n - 1))); do
			before[e]=$(stat "$DEV" "engine${e}_rx_frames")
		done
		iperf_server
		# -R: the peer sends, so the card receives P4:5201 -> H4:cport
		iperf_client 30 -c $P4 -t 1 -R --cport $cport >/dev/null
		check_err $? "iperf3 with client port $cport failed"
		wait
		want=${wants[i - 1]:--2}
		got=-1
		for e in $(seq 0 $((n - 1))); do
			after=$(stat "$DEV" "engine${e}_rx_frames")
			if [ $((after - before[e])) -gt 500 ]; then
				got=$e
			fi
		done
		[ "$got" = "$want" ]
		check_err $? "flow $P4:5201 -> $H4:$cport: Toeplitz says engine $want, card used $got"
	done
	topo_destroy
	log_test "TCP flows land on the engine Toeplitz and the table choose"
}

placement_256()
{
	RET=0
	rss_topo_create
	placed tcp4,udp4,tcp6,udp6 64 30000
	check_err $? "flows not where Toeplitz puts them"
	echo "$placed_out" | grep '^#'
	topo_destroy
	log_test "256 flows (TCP, UDP, v4, v6) on the engine Toeplitz and the table choose"
}

hash_functions()
{
	local hf base=31000

	RET=0
	rss_topo_create
	rxfh_set "$DEV" hkey $MS_KEY weight 1 3
	check_err $? "setting the key and a weighted table failed"
	ethtool -x "$DEV" | grep -q '^RSS hash key:' &&
		[ "$(ethtool -x "$DEV" | awk '/^RSS hash key:/ { getline; print }')" = "$MS_KEY" ]
	check_err $? "the key does not read back"
	[ "$(ethtool -x "$DEV" | awk '/^ +[0-9]+:/ { for (i = 2; i <= NF; i++) n[$i]++ } END { print n[0] + 0, n[1] + 0 }')" = "32 96" ]
	check_err $? "weight 1 3 did not give a 32/96 table"
	for hf in toeplitz xor crc32; do
		rxfh_set "$DEV" hfunc $hf
		check_err $? "hfunc $hf refused"
		ethtool -x "$DEV" | grep -q "$hf: on"
		check_err $? "hfunc $hf does not read back"
		placed tcp4,udp6 32 $base
		check_err $? "$hf: flows not where the model puts them"
		echo "$placed_out" | grep '^#'
		base=$((base + 100))
	done
	rxfh_set "$DEV" equal 2 hfunc toeplitz
	check_err $? "back to an equal table failed"
	ping -c 2 -W 5 $P4 >/dev/null
	check_err $? "traffic stopped after the changes"
	topo_destroy
	log_test "toeplitz, xor and crc32 with a user key and table"
}

hash_fields()
{
	RET=0
	rss_topo_create
	ethtool -N "$DEV" rx-flow-hash udp4 sd
	check_err $? "rx-flow-hash udp4 sd refused"
	ethtool -N "$DEV" rx-flow-hash tcp6 sdn
	check_err $? "rx-flow-hash tcp6 sdn refused"
	ethtool -n "$DEV" rx-flow-hash udp4 | grep -q 'L4 bytes'
	check_fail $? "udp4 still hashes ports"
	placed udp4,tcp6,tcp4 32 32000
	check_err $? "flows not where the hashed fields put them"
	echo "$placed_out" | grep '^#'
	ethtool -N "$DEV" rx-flow-hash ip4 sdfn 2>/dev/null
	check_fail $? "ports were taken for ip4"
	topo_destroy
	log_test "hashed fields per flow type (ethtool -N rx-flow-hash)"
}

# Four engines whatever the CPUs: 1024 flows spread evenly; 64 TCP streams
# give every engine traffic
balance()
{
	local spread busy e

	RET=0
	closed_timeout=120
	echo 4 > /sys/module/mpnic/parameters/engines
	rss_topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
	[ "$(ethtool -l "$DEV" | awk '/^Combined:/ { print $2 }' | tail -n 1)" = 4 ]
	check_err $? "the card does not have 4 engines"
	rxfh_set "$DEV" hkey $MS_KEY
	check_err $? "setting the key failed"
	placed tcp4,udp4,tcp6,udp6 256 40000
	check_err $? "flows not where Toeplitz puts them"
	echo "$placed_out" | grep '^#'
	spread=$(echo "$placed_out" | awk '/^spread/ { print $2 }')
	awk -v s="$spread" 'BEGIN { exit !(s <= 1.15) }'
	check_err $? "max/mean flows per engine is $spread, more than 1.15"
	iperf_server
	iperf_client 60 -c $P4 -t 2 -P 64 >/dev/null
	check_err $? "iperf3 -P 64 failed"
	wait
	busy=0
	for e in 0 1 2 3; do
		[ "$(stat "$DEV" engine${e}_tcp_in_segs)" -gt 0 ] && busy=$((busy + 1))
	done
	[ "$busy" = 4 ]
	check_err $? "only $busy of 4 engines carried the 64 streams"
	topo_destroy
	closed_timeout=600
	log_test "1024 flows spread over 4 engines within 15%, 64 streams reach all"
}

# xfrm symmetric-xor / symmetric-or-xor (kernels from 6.8): 256 flows land
# where the model, which transforms the input the same way, puts them;
# fields that break the symmetry are refused while it is on
# UDP datagrams engine E's stack took in: udp_in E
udp_in()
{
	stat "$DEV" "engine$1_udp_in_datagrams"
}

udp_in_both()
{
	echo $(( $(udp_in 0) + $(udp_in 1) ))
}

# 64 UDP flows to port 7777 from the peer, and where they went: "e0 e1"
# (datagrams taken in by engine 0 and 1 meanwhile)
send_7777()
{
	local a0 a1

	a0=$(udp_in 0)
	a1=$(udp_in 1)
	ip netns exec "$PEER" /usr/bin/python3 "$RSS_PY" send "$PEER_IF" \
		"$(cat /sys/class/net/"$DEV"/address)" udp4 64 $1 7777
	busywait 10000 until_counter_is ">= $((a0 + a1 + 64))" udp_in_both >/dev/null
	echo "$(( $(udp_in 0) - a0 )) $(( $(udp_in 1) - a1 ))"
}

# Additional RSS contexts (6.11+ ethtool API): at least 32, each its own
# table; ntuple rules hash with one and add their action to its queue.
# mpnic offers them where the kernel's ethtool_ops has create_rxfh_context
# (a Kbuild probe): the same is asked of the kernel here.
rss_contexts()
{
	local ctx i got n=0

	RET=0
	rss_topo_create
	if ! ethtool -X "$DEV" context new equal 2 >/dev/null 2>&1; then
		! kernel_btf_has create_rxfh_context
		check_err $? "this kernel has the context API, and context new failed"
		topo_destroy
		echo "# rss_contexts: not run, the kernel has no RSS context ops (6.11)"
		log_test "RSS contexts (refused cleanly before 6.11)"
		return 0
	fi
	# the one made above, and 62 more: every id the card has
	for i in $(seq 2 63); do
		ethtool -X "$DEV" context new equal 2 >/dev/null 2>&1 && n=$((n + 1))
	done
	[ $n = 62 ]
	check_err $? "only $((n + 1)) of 63 contexts could be created"
	ethtool -X "$DEV" context new equal 2 >/dev/null 2>&1
	check_fail $? "a 64th context was accepted"
	ctx=$(ethtool -x "$DEV" context 5 | grep -c "^ *[0-9]*: *0 *1 *0 *1")
	[ "$ctx" -gt 0 ]
	check_err $? "context 5 does not read back an even table"

	# context 5 sends everything to engine 1; a rule hashes UDP 7777 with it
	ethtool -X "$DEV" context 5 weight 0 1
	check_err $? "context 5 weight 0 1 refused"
	ethtool -K "$DEV" ntuple on
	check_err $? "ntuple on refused"
	ethtool -N "$DEV" flow-type udp4 dst-port 7777 context 5 action 0 loc 1 >/dev/null
	check_err $? "a rule to context 5 refused"
	ethtool -n "$DEV" rule 1 | grep -q "RSS Context 5"
	check_err $? "the rule does not read back its context: $(ethtool -n "$DEV" rule 1)"
	got=$(send_7777 40000)
	[ "$got" = "0 64" ]
	check_err $? "context 5 (engine 1 only): engines took $got of 64"
	# changed under the rule: now engine 0 only
	ethtool -X "$DEV" context 5 weight 1 0
	check_err $? "context 5 weight 1 0 refused"
	got=$(send_7777 41000)
	[ "$got" = "64 0" ]
	check_err $? "context 5 (engine 0 only): engines took $got of 64"
	# an action is an offset added to the context's queue
	ethtool -N "$DEV" flow-type udp4 dst-port 7777 context 5 action 1 loc 1 >/dev/null
	check_err $? "a rule with offset 1 to context 5 refused"
	got=$(send_7777 42000)
	[ "$got" = "0 64" ]
	check_err $? "context 5 + offset 1: engines took $got of 64"

	# refusals
	ethtool -N "$DEV" flow-type udp4 dst-port 7778 context 5 action 2 loc 2 >/dev/null 2>&1
	check_fail $? "a rule past the port's queues was accepted"
	ethtool -N "$DEV" flow-type udp4 dst-port 7778 context 99 action 0 loc 2 >/dev/null 2>&1
	check_fail $? "a rule to a missing context was accepted"
	ethtool -X "$DEV" context 5 delete 2>/dev/null
	check_fail $? "a context a rule uses was deleted"
	ethtool -X "$DEV" context 5 weight 0 1 2>/dev/null
	check_fail $? "context 5 may not name queue 1 under a rule with offset 1"
	ethtool -L "$DEV" combined 1 2>/dev/null
	check_fail $? "ethtool -L dropped an engine that contexts use"

	# deleting the rule frees the context; deleting contexts frees -L
	ethtool -N "$DEV" delete 1
	for i in $(seq 1 63); do
		ethtool -X "$DEV" context "$i" delete || check_err 1 "deleting context $i failed"
	done
	ethtool -L "$DEV" combined 1
	check_err $? "ethtool -L refused once the contexts were gone"
	topo_destroy
	log_test "RSS contexts: 63 per port, rules hash with them"
}

symmetric_xor()
{
	local x base=33000

	RET=0
	rss_topo_create
	if ! rxfh_xfrm_known "$DEV"; then
		# A SKIP would make the whole script SKIP (net/lib.sh merges it
		# above a pass). The probe's answer is checked against the
		# kernel's own types, as rss_contexts does: a kernel that has
		# input_xfrm and refuses it fails.
		! kernel_btf_has input_xfrm
		check_err $? "this kernel has input_xfrm, and refused it"
		topo_destroy
		echo "# symmetric_xor: not run, the kernel has no input_xfrm (6.8)"
		log_test "xfrm symmetric-xor (refused cleanly before 6.8)"
		return 0
	fi
	card_param flow_closed_timeout 120
	rxfh_set "$DEV" hkey $MS_KEY
	check_err $? "setting the key failed"
	for x in symmetric-xor symmetric-or-xor; do
		# ethtool learnt symmetric-or-xor after the kernel did
		if [ $x = symmetric-or-xor ] && ! ethtool -h 2>&1 | grep -q symmetric-or-xor; then
			echo "# this ethtool cannot set $x: not tested"
			continue
		fi
		rxfh_set "$DEV" xfrm $x
		check_err $? "xfrm $x refused"
		ethtool -x "$DEV" | grep -q "$x: on"
		check_err $? "xfrm $x does not read back"
		placed tcp4,udp4,tcp6,udp6 64 $base
		check_err $? "$x: flows not where the model puts them"
		echo "$placed_out" | grep '^#'
		base=$((base + 100))
	done
	ethtool -N "$DEV" rx-flow-hash udp4 s 2>/dev/null
	check_fail $? "a source-only hash taken with a symmetric transform"
	rxfh_set "$DEV" xfrm none
	check_err $? "xfrm none refused"
	placed tcp4,udp6 32 $base
	check_err $? "after xfrm none: flows not where the model puts them"
	topo_destroy
	log_test "xfrm symmetric-xor (and -or-xor) follows the model"
}

mpnic_tests_run
