#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP offload, the data path: connections handed to an engine
# (setsockopt TCP_ULP "mpnic") against Linux's own TCP in the peer
# namespace. SHA-256-checked transfers both ways at once, IPv4 and IPv6,
# the offloaded end as client and as server; impairments on the wire;
# socket semantics; the peer with options off; teardown under load. The
# engine's counters must carry each transfer, not the host's TCP.
#
#   host namespace                        peer namespace ($PEER)
#   mpnic0 198.51.100.1 - veth0 ==== veth1 198.51.100.2
#          2001:db8::1                     2001:db8::2

ALL_TESTS="
	toe_integrity
	toe_impair_loss
	toe_impair_reorder
	toe_impair_dup_corrupt
	toe_sem_eof
	toe_sem_halfclose
	toe_sem_halfclose_peer
	toe_sem_reset
	toe_sem_zerowindow
	toe_sem_nonblock
	toe_sem_peek
	toe_sem_rcvlowat
	toe_sem_close_unread
	toe_sem_linger0
	toe_sem_ioctl
	toe_sem_sendfile
	toe_keepalive
	toe_tcp_info
	toe_rfc5961
	toe_interop
	toe_steering
	toe_neigh
	toe_teardown_port_down
	toe_teardown_wire_detach
	toe_teardown_reload
	toe_teardown_channels
	toe_teardown_unload
"
source "$(dirname "$0")"/lib.sh
mpnic_load_or_skip
require_cmd /usr/bin/python3
require_cmd tc

TOE_PORT=5321
# Each way, per transfer; checked code (make check-debug) moves less
TOE_XFER_MIB=${TOE_XFER_MIB:-64}
[ -n "${MPNIC_DEBUG_KERNEL:-}" ] && TOE_XFER_MIB=$(((TOE_XFER_MIB + 7) / 8))
TOE_IMPAIR_MIB=${TOE_IMPAIR_MIB:-4}
[ -n "${MPNIC_DEBUG_KERNEL:-}" ] && TOE_IMPAIR_MIB=$(((TOE_IMPAIR_MIB + 1) / 2))
APP="/usr/bin/python3 $lib_dir/toe_app.py"
OUT=/tmp/mpnic-toe-data.$$

# The topology with tcp-offload on; kept from one case to the next (each
# counts by differences) unless a case changed it and destroyed it
toe_topo()
{
	if [ -z "$PEER" ] || ! ip link show "$DEV" >/dev/null 2>&1; then
		topo_destroy
		topo_create || return 1
	fi
	ethtool --set-priv-flags "$DEV" tcp-offload on
}

# The ns_exec prefix of a side: "" for the host, the peer's namespace
side()
{
	[ "$1" = host ] || echo "ip netns exec $PEER"
}

# toe_xfer OFFLOADED_ROLE DST MIB [SECS]: the offloaded end connects to DST
# (OFFLOADED_ROLE connect) or accepts (accept: the peer connects to DST).
# Both ends send MIB MiB at once and check what they got.
toe_xfer()
{
	local role=$1 dst=$2 mib=$3 secs=${4:-240} ready=/tmp/mpnic-toe-ready.$$
	local hrc prc hout pout lst

	rm -f "$ready"
	if [ "$role" = connect ]; then
		TOE_READY=$ready ip netns exec "$PEER" timeout "$secs" $APP xfer accept :: \
			$TOE_PORT "$mib" 0 > "$OUT.p" 2>&1 &
		busywait 10000 test -e "$ready"
		timeout "$secs" $APP xfer connect "$dst" $TOE_PORT "$mib" 1 > "$OUT.h" 2>&1
		hrc=$?
		wait $!
		prc=$?
	else
		TOE_READY=$ready timeout "$secs" $APP xfer accept :: $TOE_PORT "$mib" 1 \
			> "$OUT.h" 2>&1 &
		busywait 10000 test -e "$ready"
		ip netns exec "$PEER" timeout "$secs" $APP xfer connect "$dst" $TOE_PORT "$mib" 0 \
			> "$OUT.p" 2>&1
		prc=$?
		wait $!
		hrc=$?
	fi
	rm -f "$ready"
	hout=$(cat "$OUT.h")
	pout=$(cat "$OUT.p")
	rm -f "$OUT.h" "$OUT.p"
	toe_msg="$role $dst: offloaded end '$(echo $hout)' (exit $hrc), peer '$(echo $pout)' (exit $prc)"
	[ $hrc -eq 0 ] && [ $prc -eq 0 ] || return 1
	echo "$hout" | grep -qx "ulp OK" || return 1
	lst=$((mib * 1048576))
	# What each end sent, the other got, all of it
	[ "$(echo "$hout" | awk '$1 == "sent" { print $2, $3 }')" = \
	  "$(echo "$pout" | awk '$1 == "got" { print $2, $3 }')" ] || return 1
	[ "$(echo "$pout" | awk '$1 == "sent" { print $2, $3 }')" = \
	  "$(echo "$hout" | awk '$1 == "got" { print $2, $3 }')" ] || return 1
	echo "$hout" | grep -q "^sent $lst "
}

toe_integrity()
{
	local dst role in0 out0 in1 out1 seg0 seg1 t0 c0 conns nl

	RET=0
	toe_topo
	c0=$(stat_sum "$DEV" toe_conns_attached)
	for role in connect accept; do
		for dst in $P4 $P6; do
			[ $role = accept ] && { [ $dst = $P4 ] && dst=$H4 || dst=$H6; }
			in0=$(mib Tcp InSegs) out0=$(mib Tcp OutSegs)
			seg0=$(stat_sum "$DEV" toe_segs_in)
			t0=$SECONDS
			toe_xfer $role $dst "$TOE_XFER_MIB"
			check_err $? "transfer failed: $toe_msg"
			in1=$(mib Tcp InSegs) out1=$(mib Tcp OutSegs)
			seg1=$(stat_sum "$DEV" toe_segs_in)
			echo "# $role $dst: ${TOE_XFER_MIB} MiB each way in $((SECONDS - t0)) s," \
				"host TCP in/out $((in1 - in0))/$((out1 - out0))," \
				"engine segments in $((seg1 - seg0))"
			# The handshake and the handoff's moment: a few dozen at most
			[ $((in1 - in0)) -lt 200 ] && [ $((out1 - out0)) -lt 200 ]
			check_err $? "the host's TCP saw the transfer: InSegs +$((in1 - in0)), OutSegs +$((out1 - out0))"
			[ $((seg1 - seg0)) -gt $((TOE_XFER_MIB * 1048576 / 9000)) ]
			check_err $? "the engines processed $((seg1 - seg0)) segments for the transfer"
		done
	done
	# Each connection over: TIME_WAIT on the engine or gone, none left active
	conns=$(($(stat_sum "$DEV" toe_conns_attached) - c0))
	[ "$conns" -eq 4 ]
	check_err $? "the engines took $conns connections, not 4"
	# The netlink family and mpnicctl give the same counters as ethtool -S
	nl=$($MPNICCTL -j engine show card "$(card_id "$DEV")" | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
print(*(sum(e[k] for e in j) for k in ("toe_segs_in", "toe_bytes_to_host", "toe_conns_attached")))')
	[ "$nl" = "$(stat_sum "$DEV" toe_segs_in) $(stat_sum "$DEV" toe_bytes_to_host) $(stat_sum "$DEV" toe_conns_attached)" ]
	check_err $? "mpnicctl engine show's toe counters '$nl' differ from ethtool -S"
	busywait 5000 toe_identity >/dev/null
	check_err $? "segments unaccounted for: $(toe_identity)"
	log_test "offloaded transfers: ${TOE_XFER_MIB} MiB each way, v4/v6, client/server, SHA-256"
}

# A counter toe_impair watches: an engine counter summed over the engines
# (toe_*), or the peer's own as peer:PROTO:FIELD (lib.sh's mib)
impair_val()
{
	local proto field

	case $1 in
	peer:*)
		IFS=: read -r _ proto field <<< "$1"
		mib "$proto" "$field" "$PEER"
		;;
	*)
		stat_sum "$DEV" "$1"
		;;
	esac
}

# toe_impair NAME NETEM COUNTER...: a transfer each way through netem on
# both ends of the wire; each COUNTER must move: the engines' for what
# the peer's frames met, the peer's (seen outside the card) for what the
# engine's frames met
toe_impair()
{
	local name=$1 netem=$2 c v1 t0 secs req segs

	shift 2
	RET=0
	toe_topo
	# netem acts on skbs: the peer's must be frames, as on a wire. TCP
	# builds GSO packets whatever the device's features (netem would drop
	# a 64 KB burst at once): one segment per packet
	ip netns exec "$PEER" ethtool -K "$PEER_IF" tso off gso off gro off >/dev/null
	ip -n "$PEER" link set dev "$PEER_IF" gso_max_segs 1
	tc qdisc add dev "$WIRE" root netem $netem
	ip netns exec "$PEER" tc qdisc add dev "$PEER_IF" root netem $netem
	declare -A before
	for c in "$@" peer:Ip:OutRequests peer:Tcp:OutSegs; do
		before[$c]=$(impair_val "$c")
	done
	t0=$SECONDS
	toe_xfer connect $P4 "$TOE_IMPAIR_MIB" 180
	check_err $? "transfer through '$netem' failed: $toe_msg"
	secs=$((SECONDS - t0))
	echo "# $netem: $TOE_IMPAIR_MIB MiB each way in $secs s"
	# The bound: generous for emulation, far below what a stall would take
	[ $secs -le 120 ]
	check_err $? "the transfer took $secs s (bound 120 s)"
	# what netem had to act on: as many packets as segments
	req=$(($(impair_val peer:Ip:OutRequests) - ${before[peer:Ip:OutRequests]}))
	segs=$(($(impair_val peer:Tcp:OutSegs) - ${before[peer:Tcp:OutSegs]}))
	[ "$req" -ge "$segs" ]
	check_err $? "the peer sent $segs segments in $req packets: netem saw bursts"
	for c in "$@"; do
		v1=$(impair_val "$c")
		echo "# $c +$((v1 - ${before[$c]}))"
		[ "$v1" -gt "${before[$c]}" ]
		check_err $? "$c did not move under '$netem'"
	done
	busywait 5000 toe_identity >/dev/null
	check_err $? "segments unaccounted for: $(toe_identity)"
	topo_destroy
	log_test "impaired wire ($name): every byte intact, counters moved"
}

toe_impair_loss()
{
	# the peer recovers by the engine's SACK blocks, not by RTOs
	toe_impair "1% loss" "loss 1%" toe_retrans_segs toe_ooo_segs toe_dupacks_out \
		peer:Tcp:RetransSegs peer:TcpExt:TCPOFOQueue peer:TcpExt:TCPSackRecovery
	# one frame in ten lost, either way: recovery is mostly by RTO
	# (seconds each in the VM); half the bytes keep the time in bounds
	TOE_IMPAIR_MIB=$(((TOE_IMPAIR_MIB + 1) / 2)) \
		toe_impair "5% loss" "loss 5%" toe_retrans_segs toe_rto_expiries toe_ooo_segs \
		peer:Tcp:RetransSegs
}

toe_impair_reorder()
{
	toe_impair "20 ms delay, jitter, 25% reorder" "delay 20ms 5ms reorder 25% 50%" \
		toe_ooo_segs toe_dupacks_out peer:TcpExt:TCPOFOQueue
}

toe_impair_dup_corrupt()
{
	# a duplicate of the engine's segment is old news the peer D-SACKs
	toe_impair "1% duplication" "duplicate 1%" toe_drop_old_dup peer:TcpExt:TCPDSACKOldSent
	# netem flips a bit of the linear part: the whole of the engine's
	# frames (the peer's checksum catches it, the engine retransmits),
	# the headers of the peer's (the engine's checksum drop is
	# toe_rfc5961's bad_csum). 0.1% of 4 MiB's frames is a few: 16 MiB
	# makes none unlikely (e^-12)
	TOE_IMPAIR_MIB=$((TOE_IMPAIR_MIB * 4)) \
		toe_impair "0.1% corruption" "corrupt 0.1%" toe_retrans_segs peer:Tcp:InCsumErrors
}

# toe_sem CASE DESC [COUNTER]: one socket-semantics case of toe_app.py
toe_sem()
{
	local case=$1 desc=$2 counter=${3:-} ready=/tmp/mpnic-toe-ready.$$ arc prc c0 c1

	RET=0
	toe_topo
	[ -n "$counter" ] && c0=$(stat_sum "$DEV" "$counter")
	rm -f "$ready"
	TOE_READY=$ready ip netns exec "$PEER" timeout 60 $APP sem "$case" peer :: $TOE_PORT \
		> "$OUT.p" 2>&1 &
	busywait 10000 test -e "$ready"
	timeout 60 $APP sem "$case" app $P4 $TOE_PORT > "$OUT.h" 2>&1
	arc=$?
	wait $!
	prc=$?
	check_err $arc "the application: $(tail -n 3 "$OUT.h" | tr '\n' ' ')"
	check_err $prc "the peer: $(tail -n 3 "$OUT.p" | tr '\n' ' ')"
	if [ -n "$counter" ]; then
		c1=$(stat_sum "$DEV" "$counter")
		[ "$c1" -gt "$c0" ]
		check_err $? "$counter did not move"
	fi
	rm -f "$OUT.h" "$OUT.p" "$ready"
	log_test "offloaded socket: $desc"
}

toe_sem_eof()
{
	toe_sem eof "the peer's FIN is EOF, after every byte"
}

toe_sem_halfclose()
{
	toe_sem halfclose "shutdown(SHUT_WR): FIN after the data, EPIPE, still reads"
}

toe_sem_halfclose_peer()
{
	toe_sem halfclose_peer "after the peer's FIN, sends still arrive"
}

toe_sem_reset()
{
	toe_sem reset "the peer's RST: ECONNRESET, then EPIPE and SIGPIPE" toe_rst_in
}

toe_sem_zerowindow()
{
	toe_sem zerowindow "a peer that stops reading: EAGAIN, probes, resumes" \
		toe_zero_window_probes
}

toe_sem_nonblock()
{
	toe_sem nonblock "non-blocking EAGAIN, poll and epoll readiness, EPOLLRDHUP"
}

toe_sem_peek()
{
	toe_sem peek "MSG_PEEK leaves the bytes, MSG_WAITALL waits for all"
}

toe_sem_rcvlowat()
{
	toe_sem rcvlowat "SO_RCVLOWAT and SO_RCVTIMEO"
}

toe_sem_close_unread()
{
	toe_sem close_unread "close with unread data sends RST" toe_rst_out
}

toe_sem_linger0()
{
	toe_sem linger0 "close with SO_LINGER 0 sends RST" toe_rst_out
}

toe_sem_ioctl()
{
	toe_sem ioctl "FIONREAD and SIOCOUTQ"
}

toe_sem_sendfile()
{
	toe_sem sendfile "sendfile() of 3 MiB, SHA-256-checked"
}

toe_tcp_info()
{
	local ready=/tmp/mpnic-toe-ready.$$ v

	RET=0
	toe_topo
	TOE_READY=$ready ip netns exec "$PEER" timeout 60 $APP sem sink peer :: $TOE_PORT \
		>/dev/null 2>&1 &
	busywait 10000 test -e "$ready"
	timeout 60 $APP tcpinfo $P4 $TOE_PORT > "$OUT.h" 2>&1
	check_err $? "tcpinfo: $(tail -n 2 "$OUT.h" | tr '\n' ' ')"
	wait $!
	v() { awk -v n="$1" '$1 == n { print $2 }' "$OUT.h"; }
	[ "$(v state)" = 1 ]
	check_err $? "tcpi_state $(v state), not ESTABLISHED"
	[ "$(v rtt)" -gt 0 ] && [ "$(v rto)" -ge 200000 ] && [ "$(v snd_cwnd)" -gt 0 ]
	check_err $? "rtt $(v rtt), rto $(v rto), cwnd $(v snd_cwnd): not the engine's TCP"
	[ "$(v bytes_acked)" -ge $((4 << 20)) ]
	check_err $? "tcpi_bytes_acked $(v bytes_acked): the engine's 4 MiB not acknowledged"
	grep "^ss " "$OUT.h" | grep -q "tcp-ulp-mpnic" &&
		grep "^ss " "$OUT.h" | grep -q "cwnd:$(v snd_cwnd)"
	check_err $? "ss -ti does not show the ULP and the engine's cwnd: $(grep "^ss " "$OUT.h")"
	rm -f "$OUT.h" "$ready"
	log_test "TCP_INFO and ss -ti report the engine's TCP: state, rtt, rto, cwnd, bytes acked"
}

# Every segment an engine took for a connection ended in one place, per
# engine, from one snapshot: toe_rx_segs = toe_drop_csum +
# toe_drop_malformed + toe_segs_in, and toe_segs_in = toe_accepted + the
# TCP's drops. Prints the first engine where it does not hold.
toe_identity()
{
	ethtool -S "$DEV" | awk '$1 ~ /^engine[0-9]+_toe_/ {
		split($1, p, "_"); e = p[1]; n = $1; sub(/^engine[0-9]+_/, "", n); sub(/:$/, "", n)
		v[e, n] = $2; es[e] = 1
		if (n ~ /^toe_drop_/ && n != "toe_drop_csum" && n != "toe_drop_malformed")
			d[e] += $2 }
		END { for (e in es) {
			if (v[e, "toe_rx_segs"] != v[e, "toe_drop_csum"] + v[e, "toe_drop_malformed"] + v[e, "toe_segs_in"] ||
			    v[e, "toe_segs_in"] != v[e, "toe_accepted"] + d[e]) {
				printf "%s: rx_segs %d csum %d malformed %d segs_in %d accepted %d drops %d\n", e,
					v[e, "toe_rx_segs"], v[e, "toe_drop_csum"], v[e, "toe_drop_malformed"],
					v[e, "toe_segs_in"], v[e, "toe_accepted"], d[e]
				bad = 1 } }
			exit bad }'
}

# Wait until an offloaded transfer moves: 2 MB more than B0 from the
# host's send rings into card memory (the counters outlive the cases)
toe_flowing()
{
	local b0=$1

	busywait 20000 sh -c "[ \$(ethtool -S $DEV | awk '/toe_bytes_from_host/ { t += \$2 } END { print t + 0 }') -gt $((b0 + 2000000)) ]"
}

# toe_bg_start PORT MIB: an offloaded transfer in the background, the
# host connecting to the peer's PORT, both sending MIB MiB at once; its
# processes are TOE_HPID (host) and TOE_PPID (peer), its output
# $OUT.h.PORT and $OUT.p.PORT
toe_bg_start()
{
	local port=$1 mib=$2 ready=/tmp/mpnic-toe-ready.$$

	rm -f "$ready"
	TOE_READY=$ready ip netns exec "$PEER" timeout 90 $APP xfer accept :: "$port" "$mib" 0 \
		> "$OUT.p.$port" 2>&1 &
	TOE_PPID=$!
	busywait 10000 test -e "$ready"
	rm -f "$ready"
	timeout 90 $APP xfer connect $P4 "$port" "$mib" 1 > "$OUT.h.$port" 2>&1 &
	TOE_HPID=$!
}

# toe_bg_complete PORT HPID PPID: the transfer finished, each end got
# every byte the other sent (check_err)
toe_bg_complete()
{
	local port=$1 hrc prc out

	wait "$2"
	hrc=$?
	wait "$3"
	prc=$?
	out=$(cat "$OUT.h.$port" "$OUT.p.$port" | tr '\n' ' ')
	check_err $(( hrc || prc )) "the transfer to port $port did not complete: $out"
	[ "$(awk '$1 == "sent" { print $2, $3 }' "$OUT.h.$port")" = \
	  "$(awk '$1 == "got" { print $2, $3 }' "$OUT.p.$port")" ] &&
	[ "$(awk '$1 == "got" { print $2, $3 }' "$OUT.h.$port")" = \
	  "$(awk '$1 == "sent" { print $2, $3 }' "$OUT.p.$port")" ]
	check_err $? "the bytes to and from port $port differ: $out"
	rm -f "$OUT.h.$port" "$OUT.p.$port"
}

# toe_bg_reset PORT HPID PPID: the host's application saw the reset
# (ECONNRESET or EPIPE) and did not hang (check_err)
toe_bg_reset()
{
	local port=$1 hrc

	wait "$2"
	hrc=$?
	# 124: timeout killed it: the application hung
	[ $hrc -ne 124 ] && [ $hrc -ne 0 ]
	check_err $? "the application exited $hrc: $(tail -n 2 "$OUT.h.$port" | tr '\n' ' ')"
	grep -q "Connection reset\|Broken pipe" "$OUT.h.$port"
	check_err $? "the application did not see the reset: $(tail -n 2 "$OUT.h.$port" | tr '\n' ' ')"
	kill "$3" 2>/dev/null
	wait "$3"
	rm -f "$OUT.h.$port" "$OUT.p.$port"
}

# The engines' toe_* counters, summed: NAME VALUE lines, sorted
toe_counters()
{
	ethtool -S "$DEV" | awk '$1 ~ /^engine[0-9]+_toe_/ {
		n = $1; sub(/^engine[0-9]+_/, "", n); sub(/:$/, "", n); t[n] += $2 }
		END { for (n in t) print n, t[n] }' | sort
}

# SO_KEEPALIVE and TCP_KEEP* set on the offloaded socket: the engine
# probes an idle connection, the peer's TCP answers and it lives on; once
# the peer is cut off (its ingress drops everything), three unanswered
# probes end it with ETIMEDOUT. The host's TCP sends nothing meanwhile.
toe_keepalive()
{
	local ready=/tmp/mpnic-toe-ready.$$ mark=/tmp/mpnic-toe-mark.$$ k0 k1 out0 out1 arc ppid

	RET=0
	toe_topo
	k0=$(stat_sum "$DEV" toe_keepalive_probes)
	rm -f "$ready" "$mark"
	TOE_READY=$ready ip netns exec "$PEER" timeout 60 $APP sem keepalive peer :: $TOE_PORT \
		> "$OUT.p" 2>&1 &
	ppid=$!
	busywait 10000 test -e "$ready"
	out0=$(mib Tcp OutSegs)
	TOE_MARK=$mark timeout 60 $APP sem keepalive app $P4 $TOE_PORT > "$OUT.h" 2>&1 &
	busywait 30000 test -e "$mark"
	check_err $? "the keepalives before the cut: $(tail -n 2 "$OUT.h" | tr '\n' ' ')"
	ip netns exec "$PEER" tc qdisc add dev "$PEER_IF" clsact
	ip netns exec "$PEER" tc filter add dev "$PEER_IF" ingress matchall action drop
	wait $!
	arc=$?
	check_err $arc "the application: $(tail -n 3 "$OUT.h" | tr '\n' ' ')"
	out1=$(mib Tcp OutSegs)
	k1=$(stat_sum "$DEV" toe_keepalive_probes)
	echo "# keepalive probes +$((k1 - k0)), host TCP OutSegs +$((out1 - out0))"
	# at least one answered, then three unanswered
	[ $((k1 - k0)) -ge 4 ]
	check_err $? "the engines sent $((k1 - k0)) keepalive probes"
	# the handshake's two, nothing after the handoff
	[ $((out1 - out0)) -le 3 ]
	check_err $? "the host's TCP sent $((out1 - out0)) segments"
	kill $ppid 2>/dev/null
	wait $ppid 2>/dev/null
	rm -f "$OUT.h" "$OUT.p" "$ready" "$mark"
	topo_destroy
	log_test "offloaded socket: SO_KEEPALIVE: probes answered, then ETIMEDOUT once the peer is gone"
}

# RFC 5961 at a live connection: each probe dropped under its own name,
# challenge ACKs where the RFC asks for one, the connection alive after
toe_rfc5961()
{
	local ready=/tmp/mpnic-toe-ready.$$ done=/tmp/mpnic-toe-done.$$ dst c d arc ppid
	local -A want=([toe_drop_blind_rst]=1 [toe_drop_rst_challenge]=1 [toe_drop_syn]=1
		       [toe_drop_out_of_window]=1 [toe_drop_blind_data]=1 [toe_challenge_acks]=3
		       [toe_drop_csum]=1)
	local -A before

	RET=0
	toe_topo
	for dst in $P4 $P6; do
		# The engine checks a bad checksum itself, with the port's
		# receive checksums on (IPv4) and off (IPv6)
		[ $dst = $P6 ] && ethtool -K "$DEV" rx off
		for c in "${!want[@]}"; do
			before[$c]=$(stat_sum "$DEV" "$c")
		done
		toe_counters > "$OUT.c0"
		rm -f "$ready" "$done"
		TOE_READY=$ready ip netns exec "$PEER" timeout 60 $APP sem echo peer :: $TOE_PORT \
			> "$OUT.p" 2>&1 &
		ppid=$!
		busywait 10000 test -e "$ready"
		TOE_DONE=$done timeout 60 $APP sem echo app $dst $TOE_PORT > "$OUT.h" 2>&1 &
		ip netns exec "$PEER" timeout 30 /usr/bin/python3 "$lib_dir/toe_inject.py" "$PEER_IF" \
			rst_out rst_inexact syn data_out data_old bad_csum > "$OUT.i" 2>&1
		check_err $? "injector ($dst): $(tail -n 2 "$OUT.i" | tr '\n' ' ')"
		sleep 0.5
		touch "$done"
		wait $!
		arc=$?
		toe_counters > "$OUT.c1"
		[ $RET -ne 0 ] && echo "# $dst: injector '$(cat "$OUT.i" | tr '\n' ' ')'," \
			"application '$(cat "$OUT.h" | tr '\n' ' ')', counters moved:" \
			"$(join "$OUT.c0" "$OUT.c1" | awk '$3 != $2 { printf "%s +%d ", $1, $3 - $2 }')"
		check_err $arc "the connection did not survive the probes ($dst): $(tail -n 2 "$OUT.h" | tr '\n' ' ')"
		wait $ppid
		check_err $? "the peer ($dst): $(tail -n 2 "$OUT.p" | tr '\n' ' ')"
		for c in "${!want[@]}"; do
			d=$(($(stat_sum "$DEV" "$c") - ${before[$c]}))
			[ $d -ge "${want[$c]}" ]
			check_err $? "$dst: $c moved by $d, not at least ${want[$c]}"
		done
	done
	rm -f "$OUT.h" "$OUT.p" "$OUT.i" "$OUT.c0" "$OUT.c1" "$ready" "$done"
	ethtool -K "$DEV" rx on
	log_test "RFC 5961: blind RST, inexact RST, SYN, blind data, bad checksum: dropped, challenged, alive"
}

# The peer with an option off (or ECN on): the engine follows what was negotiated
toe_interop()
{
	local sysctl

	RET=0
	toe_topo
	for sysctl in tcp_timestamps=0 tcp_sack=0 tcp_window_scaling=0 tcp_ecn=1; do
		ip netns exec "$PEER" sysctl -qw net.ipv4.$sysctl
		toe_xfer connect $P4 4 120
		check_err $? "peer $sysctl: $toe_msg"
		ip netns exec "$PEER" sysctl -qw net.ipv4.${sysctl%=*}=$(sysctl -n net.ipv4.${sysctl%=*})
	done
	log_test "interop: the peer without timestamps, SACK, window scaling; with ECN"
}

# Steering changes under a live connection: its frames keep going to its
# engine (the table's exact match comes first in dispatch)
toe_steering()
{
	local b0 s0 s1 q i n hpid ppid

	RET=0
	toe_topo
	b0=$(stat_sum "$DEV" toe_bytes_from_host)
	s0=$(stat "$DEV" rx_toe_steered)
	toe_bg_start $TOE_PORT 32
	hpid=$TOE_HPID ppid=$TOE_PPID
	toe_flowing "$b0"
	# Every queue in turn takes all of RSS, then an ntuple rule for TCP
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	for ((q = 0; q < n; q++)); do
		rxfh_set "$DEV" weight $(for ((i = 0; i < n; i++)); do
			echo -n "$((i == q)) "; done) 2>"$OUT.e"
		check_err $? "ethtool -X weight to queue $q of $n refused: $(cat "$OUT.e")"
		sleep 0.3
	done
	ethtool -N "$DEV" flow-type tcp4 action $((n - 1)) loc 1
	check_err $? "the ntuple rule was refused"
	toe_bg_complete $TOE_PORT $hpid $ppid
	ethtool -N "$DEV" delete 1 2>/dev/null
	rxfh_set "$DEV" default
	s1=$(stat "$DEV" rx_toe_steered)
	[ "$s1" -gt "$s0" ]
	check_err $? "dispatch never steered by the connection's entry"
	rm -f "$OUT.e"
	log_test "RSS and ntuple changes under a live connection: it stays on its engine"
}

# The peer's MAC changes mid-transfer and the host's neighbour entry with
# it: the engine builds its frames for the new address (a netevent), so
# the transfer goes on; frames for the old one the peer would not take
toe_neigh()
{
	local b0 mac=02:00:5e:00:53:99 old hpid ppid

	RET=0
	toe_topo
	b0=$(stat_sum "$DEV" toe_bytes_from_host)
	old=$(ip -n "$PEER" -j link show "$PEER_IF" | /usr/bin/python3 -c \
		'import json, sys; print(json.load(sys.stdin)[0]["address"])')
	toe_bg_start $TOE_PORT 16
	hpid=$TOE_HPID ppid=$TOE_PPID
	toe_flowing "$b0"
	ip -n "$PEER" link set "$PEER_IF" address $mac
	ip neigh replace $P4 lladdr $mac dev "$DEV" nud permanent
	toe_bg_complete $TOE_PORT $hpid $ppid
	ip -n "$PEER" link set "$PEER_IF" address "$old"
	ip neigh del $P4 dev "$DEV"
	log_test "the next hop's address changes: the engine follows the neighbour entry"
}

# A transfer the teardown interrupts (OUTCOME reset: the application
# gets ECONNRESET or EPIPE, never hangs) or only stalls (OUTCOME complete:
# it finishes, every byte intact). mpnic_tests_run checks the memory.
toe_teardown_run()
{
	local b0 what=$1 action=$2 outcome=$3 hpid ppid

	RET=0
	toe_topo
	b0=$(stat_sum "$DEV" toe_bytes_from_host)
	toe_bg_start $TOE_PORT 64
	hpid=$TOE_HPID ppid=$TOE_PPID
	toe_flowing "$b0"
	check_err $? "the offloaded transfer did not start"
	$action
	if [ "$outcome" = reset ]; then
		toe_bg_reset $TOE_PORT $hpid $ppid
	else
		toe_bg_complete $TOE_PORT $hpid $ppid
	fi
	topo_destroy
	log_test "teardown: $what during an offloaded transfer: $outcome"
}

td_port_down()
{
	ip link set "$DEV" down
}

# A wire taken away is a cable pulled: the engine's segments are lost
# (tx_no_wire), its TCP backs off, and goes on when the wire is back
td_wire_detach()
{
	local lost

	ip link set "$WIRE" nomaster
	sleep 2
	lost=$(stat_sum "$DEV" tx_no_wire)
	[ "$lost" -gt 0 ]
	check_err $? "no segment was lost while the wire was away"
	ip link set "$WIRE" master "$DEV"
	ip link set "$WIRE" up
}

# The module stays while an application holds an offloaded socket (the
# ULP's reference, as kTLS's); deleting the port resets the connection
td_unload()
{
	modprobe -r mpnic 2>/dev/null
	check_fail $? "the module unloaded under an offloaded socket"
	ip link del "$DEV"
}

toe_teardown_port_down()
{
	toe_teardown_run "port down" td_port_down reset
}

toe_teardown_wire_detach()
{
	toe_teardown_run "wire detached for 2 s" td_wire_detach complete
}

toe_teardown_unload()
{
	toe_teardown_run "module unload refused, port deleted" td_unload reset
}

# A fw_activate reload stops and restarts every engine: the connections
# they held are reset (the host's own TCP connections carry on:
# devlink.sh's reload_params)
td_reload()
{
	devlink dev reload "$(handle)" action fw_activate
	check_err $? "devlink dev reload action fw_activate failed"
}

toe_teardown_reload()
{
	toe_teardown_run "devlink reload (fw_activate)" td_reload reset
}

# Fewer channels under two live connections, put on the first engine and
# on the last by ntuple rules on the peer's ports, the rules then deleted
# (a connection keeps its engine without them): the last engine's queue
# goes away, so its connection is reset; the first engine's goes on
toe_teardown_channels()
{
	local n b0 e0 el h0 p0 h1 p1 last

	RET=0
	toe_topo
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	last=$((n - 1))
	ethtool -N "$DEV" flow-type tcp4 src-port $TOE_PORT action 0 loc 1 &&
		ethtool -N "$DEV" flow-type tcp4 src-port $((TOE_PORT + 1)) action $last loc 2
	check_err $? "the ntuple rules were refused"
	b0=$(stat_sum "$DEV" toe_bytes_from_host)
	e0=$(stat "$DEV" engine0_toe_bytes_from_host)
	el=$(stat "$DEV" engine${last}_toe_bytes_from_host)
	toe_bg_start $TOE_PORT 64
	h0=$TOE_HPID p0=$TOE_PPID
	toe_bg_start $((TOE_PORT + 1)) 64
	h1=$TOE_HPID p1=$TOE_PPID
	toe_flowing "$b0"
	check_err $? "the offloaded transfers did not start"
	ethtool -N "$DEV" delete 1 && ethtool -N "$DEV" delete 2
	check_err $? "the ntuple rules could not be deleted"
	# Each connection on the engine its rule named
	busywait 10000 eval '[ $(stat "$DEV" engine0_toe_bytes_from_host) -gt $e0 ] &&
		[ $(stat "$DEV" engine${last}_toe_bytes_from_host) -gt $el ]'
	check_err $? "the connections are not on engines 0 and $last"
	ethtool -L "$DEV" combined $last
	check_err $? "ethtool -L combined $last failed"
	toe_bg_reset $((TOE_PORT + 1)) $h1 $p1
	toe_bg_complete $TOE_PORT $h0 $p0
	ethtool -L "$DEV" combined "$n"
	check_err $? "ethtool -L combined $n failed"
	log_test "teardown: fewer channels: the leaving engine's connection reset, the other one complete"
}

mpnic_tests_run
