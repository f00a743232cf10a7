#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Watching offloaded TCP connections: `mpnicctl conn show` (the family's
# conn-get dump) and debugfs mpnic/card<ID>/engine<N>/conns list exactly
# the connection a socket handed to its engine, with its tuple, state and
# numbers that fit what crossed it, the two alike; when it closes it
# leaves as its state says: TIME_WAIT after an active close, gone after a
# passive close (CLOSE_WAIT, LAST_ACK) or a reset.
#
#   host namespace                          peer namespace ($PEER)
#   mpnic0 198.51.100.1 - veth0 ========== veth1 198.51.100.2
#          2001:db8::1                           2001:db8::2
#   conn_hold.py client --- offloaded ---> conn_hold.py peer :5321
#   (100000 bytes out, 30000 back, then held open until the test says)

ALL_TESTS="
	conns_active_close
	conns_passive_close
	conns_reset
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3

DFS=/sys/kernel/debug/mpnic
[ -d "$DFS" ] || { echo "SKIP: no debugfs"; exit "$ksft_skip"; }

CONN_PORT=5321
CONN_SENT=100000	# conn_hold.py's SEND and RECV
CONN_RECV=30000
CONN_DIR=/tmp/mpnic-conns.$$

# One line per connection of the port's card, as conn show -j gives them:
# "ENGINE PROTO REMOTE LOCAL PORT STATE SND_UNA SND_NXT RCV_NXT SND_WND
# RCV_WND CWND SSTHRESH SRTT_US RTO_US BYTES_ACKED BYTES_RECEIVED
# BYTES_SENT RETRANS", debugfs conns' order; conns_nl [engine N]. Fails
# when mpnicctl does: an empty list is not taken for "no connection".
conns_nl()
{
	local out

	out=$("$MPNICCTL" -j conn show card "$(card_id "$DEV")" "$@") || return 1
	echo "$out" | /usr/bin/python3 -c '
import json, sys
keys = ("engine proto remote local port state snd_una snd_nxt rcv_nxt snd_wnd rcv_wnd "
        "cwnd ssthresh srtt_us rto_us bytes_acked bytes_received bytes_sent retrans").split()
for c in json.load(sys.stdin):
    print(*(c[k] for k in keys))' | sort
}

# The same from debugfs, each engine's file with its engine's number
conns_dfs()
{
	local e

	for e in "$(card_dir "$DEV")"/engine*; do
		awk -v e="${e##*engine}" 'NR > 1 { print e, $0 }' "$e/conns"
	done | sort
}

# The line of the test's connection (REMOTE LOCAL in $conn_tuple), or nothing
conn_line()
{
	local all

	all=$(conns_nl) || return 1
	echo "$all" | awk -v t="$conn_tuple" '$3 " " $4 == t'
}

# Its state; "gone" when it is not listed, "error" when the dump failed
conn_state()
{
	local l

	l=$(conn_line) || { echo error; return; }
	echo "${l:-x x x x x gone}" | awk '{ print $6 }'
}

conn_state_is()
{
	[ "$(conn_state)" = "$1" ]
}

# Offload a connection to DST and hold it: conn_open DST. Sets conn_tuple
# ("REMOTE LOCAL" as listed), conn_ppid, conn_cpid.
conn_open()
{
	local dst=$1 laddr lport

	rm -rf "$CONN_DIR"
	mkdir -p "$CONN_DIR"
	ethtool --set-priv-flags "$DEV" tcp-offload on || return 1
	ip netns exec "$PEER" timeout 120 /usr/bin/python3 "$lib_dir/conn_hold.py" peer \
		$CONN_PORT "$CONN_DIR" > "$CONN_DIR/peer.out" &
	conn_ppid=$!
	busywait 10000 ip netns exec "$PEER" sh -c "ss -ltn | grep -q ':$CONN_PORT '"
	timeout 120 /usr/bin/python3 "$lib_dir/conn_hold.py" client "$dst" $CONN_PORT \
		"$CONN_DIR" > "$CONN_DIR/client.out" 2>&1 &
	conn_cpid=$!
	busywait 20000 test -e "$CONN_DIR/ready" || return 1
	read -r laddr lport < "$CONN_DIR/ready"
	if [[ $dst == *:* ]]; then
		conn_tuple="[$dst]:$CONN_PORT [$laddr]:$lport"
	else
		conn_tuple="$dst:$CONN_PORT $laddr:$lport"
	fi
}

# Both ends exited 0: conn_wait. Sets conn_peer_saw (the peer's "eof" or "reset").
conn_wait()
{
	local crc prc

	wait "$conn_cpid"
	crc=$?
	wait "$conn_ppid"
	prc=$?
	conn_peer_saw=$(cat "$CONN_DIR/peer.out")
	[ $crc -eq 0 ] && [ $prc -eq 0 ]
	check_err $? "conn_hold.py: client $crc ($(cat "$CONN_DIR/client.out")), peer $prc"
}

# The family's spec alone (the kernel's YNL tool) reads the connection as
# mpnicctl does, from the uapi header: conn_check_ynl LINE (conns_nl's)
conn_check_ynl()
{
	local out

	out=$(ynl mpnic --dump conn-get --json "{\"card-id\": $(card_id "$DEV")}")
	check_err $? "ynl conn-get dump failed: $out"
	echo "$out" | /usr/bin/python3 -c '
import json, sys
f = sys.argv[1].split()
conns = json.load(sys.stdin)
if len(conns) != 1:
    sys.exit(f"{len(conns)} connections")
names = ("engine-id", "port", "state", "snd-una", "snd-nxt", "rcv-nxt", "snd-wnd",
         "rcv-wnd", "cwnd", "ssthresh", "srtt-us", "rto-us", "bytes-acked",
         "bytes-received", "bytes-sent", "retrans")
want = dict(zip(names, [f[0], f[4]] + f[5:]))
want["remote-port"] = f[2].rsplit(":", 1)[1]
want["local-port"] = f[3].rsplit(":", 1)[1]
bad = {k: (conns[0].get(k), v) for k, v in want.items() if str(conns[0].get(k)) != v}
sys.exit(f"(ynl, conn show): {bad}" if bad else 0)' "$1"
	check_err $? "ynl conn-get does not read as conn show -j"
}

# The connection, just offloaded and idle, as both dumps show it
conn_check_established()
{
	local nl dfs e n other

	nl=$(conns_nl)
	dfs=$(conns_dfs)
	echo "$nl" | sed 's/^/# conn show: /'
	[ "$(echo "$nl" | grep -c .)" -eq 1 ] && [ "$(conn_line)" = "$nl" ]
	check_err $? "conn show lists '$nl', not exactly $conn_tuple"
	[ "$nl" = "$dfs" ]
	check_err $? "debugfs conns lists '$dfs', not what conn show lists"
	# proto, port 0 (the card's one), established; the peer acknowledged
	# every byte before it answered (snd_una = snd_nxt), and the byte
	# counters are what crossed: nothing was queued at the handoff
	echo "$nl" | awk -v p="$1" -v s=$CONN_SENT -v r=$CONN_RECV '
		$2 != p || $5 != 0 || $6 != "established" { exit 1 }
		$7 != $8 || $16 != s || $18 != s || $17 != r { exit 1 }
		$10 == 0 || $11 == 0 || $12 == 0 || $14 == 0 || $15 < $14 { exit 1 }'
	check_err $? "conn show's numbers do not fit the connection: $nl"
	conn_check_ynl "$nl"
	# The engine filter: its engine lists it, no other does
	e=$(echo "$nl" | awk '{ print $1 }')
	[ "$(conns_nl engine "$e")" = "$nl" ]
	check_err $? "conn show card C engine $e does not list it"
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { print $2; exit }')
	for ((other = 0; other < n; other++)); do
		[ "$other" = "$e" ] && continue
		[ -z "$(conns_nl engine "$other")" ]
		check_err $? "engine $other lists engine $e's connection"
	done
}

# What conn show and debugfs show now agree: conn_dumps_agree
conn_dumps_agree()
{
	local nl dfs

	nl=$(conns_nl)
	dfs=$(conns_dfs)
	[ "$nl" = "$dfs" ]
	check_err $? "debugfs conns lists '$dfs', conn show '$nl'"
}

# Close first: FIN_WAIT_1, FIN_WAIT_2, then TIME_WAIT, which the engine
# keeps (60 s): listed as time-wait, not gone
conns_active_close()
{
	RET=0
	topo_create
	conn_open $P4
	check_err $? "no offloaded connection to $P4: $(cat "$CONN_DIR/client.out")"
	conn_check_established tcp4
	echo first > "$CONN_DIR/close"
	busywait 10000 conn_state_is time-wait
	check_err $? "after an active close the connection is '$(conn_state)', not time-wait"
	conn_dumps_agree
	conn_wait
	[ "$conn_peer_saw" = eof ]
	check_err $? "the peer saw '$conn_peer_saw', not eof"
	topo_destroy
	log_test "conn show and debugfs: an offloaded v4 connection; time-wait after closing first"
}

# The peer closes first: CLOSE_WAIT; then the socket closes: LAST_ACK,
# CLOSED, out of the table
conns_passive_close()
{
	local c0 c1

	RET=0
	topo_create
	c0=$(stat_sum "$DEV" toe_conns_closed)
	conn_open $P6
	check_err $? "no offloaded connection to $P6: $(cat "$CONN_DIR/client.out")"
	conn_check_established tcp6
	touch "$CONN_DIR/peer_close"
	busywait 10000 conn_state_is close-wait
	check_err $? "after the peer's FIN the connection is '$(conn_state)', not close-wait"
	conn_dumps_agree
	echo second > "$CONN_DIR/close"
	busywait 10000 conn_state_is gone
	check_err $? "after a passive close the connection is '$(conn_state)', not gone"
	conn_dumps_agree
	c1=$(stat_sum "$DEV" toe_conns_closed)
	[ $((c1 - c0)) -eq 1 ]
	check_err $? "toe_conns_closed moved by $((c1 - c0)), not 1"
	conn_wait
	topo_destroy
	log_test "conn show and debugfs: an offloaded v6 connection; gone after the peer closed first"
}

# SO_LINGER 0: RST, CLOSED at once, out of the table
conns_reset()
{
	local a0 a1 c0 c1

	RET=0
	topo_create
	a0=$(stat_sum "$DEV" toe_conns_aborted)
	c0=$(stat_sum "$DEV" toe_conns_closed)
	conn_open $P4
	check_err $? "no offloaded connection to $P4: $(cat "$CONN_DIR/client.out")"
	conn_check_established tcp4
	echo reset > "$CONN_DIR/close"
	busywait 10000 conn_state_is gone
	check_err $? "after a reset the connection is '$(conn_state)', not gone"
	conn_dumps_agree
	a1=$(stat_sum "$DEV" toe_conns_aborted)
	c1=$(stat_sum "$DEV" toe_conns_closed)
	[ $((a1 - a0)) -eq 1 ] && [ $((c1 - c0)) -eq 1 ]
	check_err $? "toe_conns_aborted moved by $((a1 - a0)), toe_conns_closed by $((c1 - c0)), not 1 and 1"
	conn_wait
	[ "$conn_peer_saw" = reset ]
	check_err $? "the peer saw '$conn_peer_saw', not reset"
	topo_destroy
	log_test "conn show and debugfs: gone after a reset"
}

conns_cleanup()
{
	rm -rf "$CONN_DIR"
	cleanup
}
trap conns_cleanup EXIT

mpnic_tests_run
