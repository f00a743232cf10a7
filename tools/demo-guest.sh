#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM: the commands a user types on a test host.
set -eu
run() { echo "\$ $*"; "$@"; }

echo "== a card with one engine per CPU, its wire a veth into namespace 'peer'"
run ip link add mpnic0 type mpnic
run ip netns add peer
run ip link add veth0 type veth peer name veth1 netns peer
run ip link set veth0 master mpnic0
run ip link set veth0 up
run ip -n peer link set veth1 up
run ip -n peer addr add 198.51.100.2/24 dev veth1
run ip -n peer addr add 2001:db8::2/64 dev veth1 nodad
run ip addr add 198.51.100.1/24 dev mpnic0
run ip addr add 2001:db8::1/64 dev mpnic0 nodad
run ip link set mpnic0 up
for i in $(seq 50); do
	[ "$(cat /sys/class/net/mpnic0/carrier)" = 1 ] && break
	sleep 0.1
done
run ethtool -i mpnic0
run ethtool -l mpnic0

echo "== ping"
run ping -c 3 -i 0.3 198.51.100.2
run ping -6 -c 3 -i 0.3 2001:db8::2

echo "== TCP, 4 streams each way"
ip netns exec peer iperf3 -s -D -1
sleep 1
run iperf3 -c 198.51.100.2 -t 3 -P 4 | grep -E 'SUM|sender|receiver' | tail -2
ip netns exec peer iperf3 -s -D -1
sleep 1
run iperf3 -c 198.51.100.2 -t 3 -P 4 -R | grep -E 'SUM|sender|receiver' | tail -2

echo "== what the engines offload, and how they share the flows"
run sh -c "ethtool -k mpnic0 | grep -E '^(tcp-segmentation-offload|rx-gro-hw|ntuple-filters|tx-vlan-offload|rx-checksumming):'"
run sh -c "ethtool -x mpnic0 | sed -n '1,3p;/hash function/,\$p'"

echo "== an ntuple rule: every stream from the peer's iperf3 server to engine 0"
run ethtool -N mpnic0 flow-type tcp4 src-ip 198.51.100.2 src-port 5201 action 0 loc 0
ip netns exec peer iperf3 -s -D -1
sleep 1
run iperf3 -c 198.51.100.2 -t 2 -P 4 -R | grep -E 'SUM.*receiver' | tail -1
run sh -c "grep -c ':5201 ' /sys/kernel/debug/mpnic/card*/engine*/flows"
run ethtool -N mpnic0 delete 0

echo "== the card: dispatch counters, then per engine and per queue"
ethtool -S mpnic0 | awk '
	/^ +[a-z]/ && !/^ +(engine|queue)[0-9]/ { sub(":", ""); printf "  %-24s %s\n", $1, $2 }'
ethtool -S mpnic0 | awk '
	match($1, /^(engine|queue)[0-9]+_/) {
		who = substr($1, 1, RLENGTH - 1); what = substr($1, RLENGTH + 1)
		sub(":", "", what)
		if (!(who in seen)) { seen[who] = 1; order[++n] = who }
		if (!(what in wseen)) { wseen[what] = 1; worder[++m] = what }
		v[who, what] = $2
	}
	END {
		printf "  %-22s", ""
		for (i = 1; i <= n; i++) printf " %12s", order[i]
		printf "\n"
		for (j = 1; j <= m; j++) {
			any = 0
			for (i = 1; i <= n; i++) if (v[order[i], worder[j]] != "" && v[order[i], worder[j]] != 0) any = 1
			if (!any) continue
			printf "  %-22s", worder[j]
			for (i = 1; i <= n; i++) printf " %12s", v[order[i], worder[j]] == "" ? "-" : v[order[i], worder[j]]
			printf "\n"
		}
	}'
run ip -s link show mpnic0
run ip link del mpnic0
echo "== demo done"
