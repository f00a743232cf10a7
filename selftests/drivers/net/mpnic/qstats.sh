#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netdev netlink family (6.12): each queue linked to its NAPI, and
# per-queue statistics (qstats-get) that agree with `ethtool -S` and, over
# the device, with `ip -s link`, before and after `ethtool -L`.

ALL_TESTS="
	queues_napi
	qstats_agree
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3 iperf3
[ -f "$YNL_DIR/cli.py" ] || { echo "SKIP: no YNL tool in $YNL_DIR (tools/selftests-fw.sh)"; exit "$ksft_skip"; }
# The kernel says whether it has qstats (6.10: netdev_stat_ops, which
# mpnic fills where it exists); a kernel that has them and a dump that
# fails is a failure, not a skip
if ! kernel_btf_has netdev_stat_ops; then
	echo "SKIP: this kernel has no netdev qstats"
	exit "$ksft_skip"
fi
if ! out=$(ynl netdev --dump qstats-get --json '{"scope": "queue"}' 2>&1 >/dev/null); then
	echo "FAIL: the kernel has netdev qstats, and qstats-get failed: $out"
	exit "$ksft_fail"
fi

ifindex()
{
	cat /sys/class/net/"$DEV"/ifindex
}

# Queues of the port as "type id napi-id" lines
queues()
{
	ynl netdev --dump queue-get --json "{\"ifindex\": $(ifindex)}" | /usr/bin/python3 -c '
import json, sys
for q in json.load(sys.stdin):
    print(q["type"], q["id"], q.get("napi-id", "none"))'
}

queues_napi()
{
	local n napis q

	RET=0
	topo_create
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	q=$(queues)
	[ "$(grep -c '^rx ' <<< "$q")" = "$n" ] && [ "$(grep -c '^tx ' <<< "$q")" = "$n" ]
	check_err $? "queue-get lists $(wc -l <<< "$q") queues for $n channels"
	! grep -q ' none$' <<< "$q"
	check_err $? "a queue has no NAPI: $(tr '\n' ';' <<< "$q")"
	# RX and TX queue i share engine i's NAPI; every NAPI is the port's
	for i in $(seq 0 $((n - 1))); do
		[ "$(awk -v i=$i '$2 == i { print $3 }' <<< "$q" | sort -u | wc -l)" = 1 ]
		check_err $? "RX and TX queue $i have different NAPIs"
	done
	napis=$(ynl netdev --dump napi-get --json "{\"ifindex\": $(ifindex)}" |
		/usr/bin/python3 -c 'import json, sys; print(" ".join(sorted(str(n["id"]) for n in json.load(sys.stdin))))')
	[ "$napis" = "$(awk '{ print $3 }' <<< "$q" | sort -u | tr '\n' ' ' | sed 's/ $//')" ]
	check_err $? "napi-get lists '$napis', the queues name others"
	ethtool -L "$DEV" combined 1
	check_err $? "ethtool -L combined 1 failed"
	q=$(queues)
	[ "$(wc -l <<< "$q")" = 2 ]
	check_err $? "after -L 1, queue-get lists $(wc -l <<< "$q") queues"
	ip link set "$DEV" down
	ip link set "$DEV" up
	q=$(queues)
	[ "$(wc -l <<< "$q")" = 2 ] && ! grep -q ' none$' <<< "$q"
	check_err $? "after down/up: $(tr '\n' ';' <<< "$q")"
	topo_destroy
	log_test "queue-get and napi-get: one NAPI per queue pair, following -L and down/up"
}

# qstats-get, per queue and for the device, against ethtool -S / ip -s link.
# Those are read before the qstats dumps (files) and after them (here):
# each qstats figure must lie between the two, and equal them when nothing
# moved. Counters only grow, so a frame that arrives between the reads
# (IPv6 neighbour discovery, a TCP timer) cannot fail the check, and a
# figure outside the bracket is a real disagreement.
QSTATS_PY='
import json, subprocess, sys
dev, ifindex = sys.argv[1], int(sys.argv[2])
def ethtool_of(text):
    out = {}
    for line in text.splitlines()[1:]:
        k, v = line.split(":")
        out[k.strip()] = int(v)
    return out
def link_of(text):
    return json.loads(text)[0]["stats64"]
eth0 = ethtool_of(open(sys.argv[6]).read())
link0 = link_of(open(sys.argv[7]).read())
q = json.load(open(sys.argv[3]))
d = json.load(open(sys.argv[4]))
eth1 = ethtool_of(subprocess.run(["ethtool", "-S", dev], capture_output=True, text=True).stdout)
link1 = link_of(subprocess.run(["ip", "-s", "-j", "link", "show", dev], capture_output=True, text=True).stdout)
bad = []
nq = int(sys.argv[5])
mine = [s for s in q if s["ifindex"] == ifindex]
if len(mine) != 2 * nq:
    sys.exit(f"{len(mine)} per-queue entries for {nq} queue pairs")
def want(what, got, lo, hi):
    if not lo <= got <= hi:
        bad.append(f"{what}: qstats {got}, expected {lo}" + (f" to {hi}" if hi != lo else ""))
def want_eth(what, got, name):
    want(what, got, eth0[name], eth1[name])
def want_link(what, got, way, name):
    want(what, got, link0[way][name], link1[way][name])
for s in q:
    if s["ifindex"] != ifindex:
        continue
    i = s["queue-id"]
    if s["queue-type"] == "rx":
        want_eth(f"rx{i} packets", s["rx-packets"], f"queue{i}_rx_packets")
        want_eth(f"rx{i} bytes", s["rx-bytes"], f"queue{i}_rx_bytes")
        want_eth(f"rx{i} hw-gro-packets", s["rx-hw-gro-packets"], f"queue{i}_rx_hw_gro_packets")
    else:
        want_eth(f"tx{i} packets", s["tx-packets"], f"queue{i}_tx_packets")
        want_eth(f"tx{i} hw-gso-wire-packets", s["tx-hw-gso-wire-packets"], f"engine{i}_tx_tso_segs")
dev_stats = [s for s in d if s["ifindex"] == ifindex][0]
want_link("device rx-packets", dev_stats["rx-packets"], "rx", "packets")
want_link("device rx-bytes", dev_stats["rx-bytes"], "rx", "bytes")
want_link("device tx-packets", dev_stats["tx-packets"], "tx", "packets")
want_link("device tx-bytes", dev_stats["tx-bytes"], "tx", "bytes")
print("# device: rx {} tx {} packets, hw-gro {}; {} frames arrived, {} left during the reads".format(
      dev_stats["rx-packets"], dev_stats["tx-packets"], dev_stats.get("rx-hw-gro-packets"),
      link1["rx"]["packets"] - link0["rx"]["packets"], link1["tx"]["packets"] - link0["tx"]["packets"]))
if bad:
    sys.exit("; ".join(bad))
'

qstats_check()
{
	local out=/tmp/mpnic-qstats.$$ rc nq

	nq=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	ethtool -S "$DEV" > $out.eth
	ip -s -j link show "$DEV" > $out.link
	ynl netdev --dump qstats-get --json "{\"ifindex\": $(ifindex), \"scope\": \"queue\"}" > $out.q
	ynl netdev --dump qstats-get --json "{\"ifindex\": $(ifindex)}" > $out.d
	/usr/bin/python3 -c "$QSTATS_PY" "$DEV" "$(ifindex)" $out.q $out.d "$nq" $out.eth $out.link
	rc=$?
	rm -f $out.q $out.d $out.eth $out.link
	return $rc
}

# Payload bytes of the iperf3 JSON report in FILE, as its sockets counted
# them: iperf_payload FILE sent|received
iperf_payload()
{
	/usr/bin/python3 -c 'import json, sys
print(int(json.load(open(sys.argv[1]))["end"]["sum_" + sys.argv[2]]["bytes"]))' "$@"
}

# The device's qstats byte counter NAME (tx-bytes, rx-bytes): dev_qstat NAME
dev_qstat()
{
	ynl netdev --dump qstats-get --json "{\"ifindex\": $(ifindex)}" |
		/usr/bin/python3 -c 'import json, sys
print([d for d in json.load(sys.stdin) if d["ifindex"] == int(sys.argv[1])][0][sys.argv[2]])' \
			"$(ifindex)" "$1"
}

qstats_agree()
{
	local out=/tmp/mpnic-qstats-iperf.$$ sent rcvd txb rxb

	RET=0
	echo 4 > /sys/module/mpnic/parameters/engines
	topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
	iperf_server
	iperf_client 60 -c $P4 -t 1 -P 8 -J > $out.tx
	check_err $? "iperf3 to the peer failed"
	wait
	iperf_server
	iperf_client 60 -c $P4 -t 1 -P 8 -R -J > $out.rx
	check_err $? "iperf3 from the peer failed"
	wait
	qstats_check
	check_err $? "qstats disagree on 4 queues"
	# Beside the card's own counters, the sockets' count: the payload
	# iperf3 sent and received is within what the device moved
	sent=$(iperf_payload $out.tx sent)
	rcvd=$(iperf_payload $out.rx received)
	txb=$(dev_qstat tx-bytes)
	rxb=$(dev_qstat rx-bytes)
	echo "# iperf3 payload: $sent bytes sent, $rcvd received; the device: tx $txb, rx $rxb bytes"
	[ "$sent" -gt 1000000 ] && [ "$txb" -ge "$sent" ] &&
		[ "$rcvd" -gt 1000000 ] && [ "$rxb" -ge "$rcvd" ]
	check_err $? "iperf3 moved $sent bytes out and $rcvd in; the device counted $txb and $rxb"
	rm -f $out.tx $out.rx
	ethtool -L "$DEV" combined 2
	check_err $? "ethtool -L combined 2 failed"
	ping -c 3 -i 0.2 -W 5 $P4 >/dev/null
	qstats_check
	check_err $? "qstats disagree after -L 2 (queues 2-3 in the base)"
	topo_destroy
	log_test "qstats-get per queue = ethtool -S, per device = ip -s link, across -L"
}

mpnic_tests_run
