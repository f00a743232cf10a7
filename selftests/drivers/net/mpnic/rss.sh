#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSS as ethtool shows it, and flows placed where the key and the table say:
# the test computes Toeplitz itself from what `ethtool -x` reads back.

ALL_TESTS="
	rss_defaults
	flow_placement
"
source "$(dirname "$0")"/lib.sh
require_cmd iperf3 /usr/bin/python3

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

# Engine the card must pick for a flow: toeplitz SRC DST SPORT DPORT
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
src, dst, sp, dp = sys.argv[1:5]
data = ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed
data += int(sp).to_bytes(2, "big") + int(dp).to_bytes(2, "big")
k = int.from_bytes(key, "big"); kbits = len(key) * 8
h = 0
for i in range(len(data) * 8):
    if data[i // 8] & (0x80 >> (i % 8)):
        h ^= (k >> (kbits - 32 - i)) & 0xffffffff
print(table[h % len(table)])
' "$@"
}

flow_placement()
{
	local cport want got before after i e n

	RET=0
	topo_create
	n=$(nproc)
	for i in 1 2 3 4 5 6; do
		cport=$((40000 + i * 7919 % 20000))
		declare -a before
		for e in $(seq 0 $((n - 1))); do
			before[e]=$(stat "$DEV" "engine${e}_rx_frames")
		done
		ip netns exec "$PEER" iperf3 -s -1 >/dev/null 2>&1 &
		busywait 5000 ip netns exec "$PEER" sh -c "ss -ltn | grep -q ':5201 '"
		# -R: the peer sends, so the card receives P4:5201 -> H4:cport
		timeout 30 iperf3 -c $P4 -t 1 -R --cport $cport >/dev/null
		check_err $? "iperf3 with client port $cport failed"
		wait
		want=$(toeplitz_engine $P4 $H4 5201 $cport)
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

tests_run
