#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/bench.sh through tools/vm/run): the same
# workloads over veth and over mpnic cards with 1..N engines, side by side in
# one boot. Prints one line per measurement:
#   BENCH DEVICE ENGINES WORKLOAD ROUND VALUE
# DEVICE is veth, mpnic or host (memcpy); ENGINES is 0 for veth and host.
#
#   guest.sh ENGINE_COUNTS FULL_COUNTS
# ENGINE_COUNTS: the cards to measure ("1 2 4"); FULL_COUNTS: those that run
# every workload, the others run only the scaling workloads (bulk TCP with 16
# streams and the UDP packet rates).
#
# The systems take turns: each of BENCH_ROUNDS (5) rounds measures memcpy,
# then veth, then each card, with a topology built for it, so that a drift
# of the machine over the boot (other load on the host, its clock) falls on
# every system alike and each round's ratios compare neighbours in time.
# Each measurement runs its workload BENCH_WARM (1) seconds unmeasured, then
# BENCH_SECS (3) seconds measured.
set -u
here=$(cd "$(dirname "$0")" && pwd)
counts=$1 full=$2
secs=${BENCH_SECS:-3}
warm=${BENCH_WARM:-1}
# request/response again with the card's engines in busy-poll mode
busy_us=${BENCH_BUSY_US:-1000}
rounds=${BENCH_ROUNDS:-5}
NS=bpeer
H4=198.51.100.1
P4=198.51.100.2
RR_PORT=7001
WORKLOADS_FULL="tcp1_tx tcp1_rx tcp16_tx tcp16_rx udp64 udp1400 rr crr rr_busy"
WORKLOADS_SCALE="tcp16_rx udp64 udp1400"
[ -n "${BENCH_ONLY:-}" ] && WORKLOADS_FULL=$BENCH_ONLY WORKLOADS_SCALE=$BENCH_ONLY

emit() { echo "BENCH $dev $engines $*"; }
note() { echo "bench: $*" >&2; }

# the engines' counters summed over the card's engines, from one ethtool
# read: "BUSY_NS WAKEUPS POLLS" (zeros for veth)
engine_stats()
{
	[ "$dev" = mpnic ] || { echo 0 0 0; return; }
	ethtool -S "$hostdev" | awk '
		$1 ~ /^engine[0-9]+_busy_ns:$/ { b += $2 }
		$1 ~ /^engine[0-9]+_wakeups:$/ { w += $2 }
		$1 ~ /^engine[0-9]+_polls:$/ { p += $2 }
		END { printf "%.0f %.0f %.0f\n", b, w, p }'
}

# N / D in FORMAT, 0 when D is 0: per FORMAT N D
per()
{
	awk -v f="$1" -v n="$2" -v d="$3" 'BEGIN { printf f, d ? n / d : 0 }'
}

# the card's engine threads, looked up before a window opens
engine_pids()
{
	pids=
	[ "$dev" = mpnic ] || return 0
	pids=$(ps -eo pid=,comm= | awk '$2 ~ /^mpnic[0-9]+\/e[0-9]+$/ { print $1 }')
}

# A window edge's cheap counters, with bash builtins only: under TCG each
# process started costs tens of milliseconds, more on a busy host, and a
# window's edges should cost nothing. edge SUFFIX sets tSUFFIX (ns),
# rxSUFFIX (the host device's rx_packets), idleSUFFIX (idle and iowait of
# all vCPUs, USER_HZ ticks) and nsSUFFIX (the engine threads' CPU time,
# /proc/PID/schedstat field 1).
edge()
{
	local _cpu _user _nice _sys idle iowait _rest rx pid run sum=0

	printf -v "t$1" %s "${EPOCHREALTIME//[.,]/}000"
	read -r rx < "/sys/class/net/$hostdev/statistics/rx_packets"
	read -r _cpu _user _nice _sys idle iowait _rest < /proc/stat
	for pid in $pids; do
		read -r run _rest < "/proc/$pid/schedstat" && sum=$((sum + run))
	done
	printf -v "rx$1" %s "$rx"
	printf -v "idle$1" %s $((idle + iowait))
	printf -v "ns$1" %s $sum
}

topo_up()
{
	ip netns add $NS
	if [ "$dev" = veth ]; then
		hostdev=bh0
		ip link add bh0 type veth peer name bp0 netns $NS
	else
		hostdev=mpb0
		echo "$engines" > /sys/module/mpnic/parameters/engines
		ip link add mpb0 type mpnic || return 1
		ip link add bw0 type veth peer name bp0 netns $NS
		ip link set bw0 master mpb0 || return 1
		ip link set bw0 up
		dl=mpnic/$(ethtool -i mpb0 | awk '/^bus-info:/ { print $2 }')
	fi
	ip addr add $H4/24 dev $hostdev
	ip link set $hostdev up
	ip -n $NS addr add $P4/24 dev bp0
	# BENCH_PEER_GRO=1: the peer coalesces what it receives, as a host with
	# a real NIC would. veth polls its peer with NAPI, and so runs GRO, only
	# for a sender without TSO (veth_skb_is_eligible_for_gro()): mpnic's
	# wire end, bw0, gets TSO off, which changes nothing else since the
	# engines cut every TSO packet themselves. veth's own sender keeps TSO
	# (its GSO packets cross as one pointer, which GRO would not improve).
	if [ "${BENCH_PEER_GRO:-0}" = 1 ]; then
		ip netns exec $NS ethtool -K bp0 gro on || note "$dev-$engines: no GRO in the peer"
		[ "$dev" = veth ] || ethtool -K bw0 tso off ||
			note "$dev-$engines: TSO stays on the wire, the peer gets no GRO"
	fi
	# BENCH_TRAINS=0: mpnic's ports send a TSO packet's frames one by one,
	# not as one skb (wire-trains, on by default)
	if [ "${BENCH_TRAINS:-1}" = 0 ] && [ "$dev" != veth ]; then
		ethtool --set-priv-flags mpb0 wire-trains off ||
			note "$dev-$engines: wire trains stay on"
	fi
	# BENCH_RX_USECS=N: mpnic's interrupt moderation (ethtool -C rx-usecs;
	# 0, at once, is the default)
	if [ -n "${BENCH_RX_USECS:-}" ] && [ "$dev" != veth ]; then
		ethtool -C mpb0 rx-usecs "$BENCH_RX_USECS" ||
			note "$dev-$engines: rx-usecs stays at its default"
	fi
	ip -n $NS link set bp0 up
	ip -n $NS link set lo up
	for _ in $(seq 50); do
		ping -c 1 -W 1 -q $P4 >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	note "$dev-$engines: no ping"
	return 1
}

topo_down()
{
	ip link del mpb0 2>/dev/null
	ip link del bw0 2>/dev/null
	ip link del bh0 2>/dev/null
	ip netns del $NS 2>/dev/null
	sleep 1
}

# iperf3 bulk TCP: iperf_json STREAMS [-R] prints iperf3's JSON for $secs
# measured after $warm seconds that iperf3 omits (-O) from its sums
iperf_json()
{
	local streams=$1

	shift
	timeout $((warm + secs + 20)) iperf3 -c $P4 -t "$secs" -O "$warm" -P "$streams" \
		-J "$@" 2>/dev/null
}

# iperf3's JSON on stdin: prints the Gbit/s received, or notes iperf3's error
iperf_rate()
{
	local v

	v=$(jq -r 'if .error then "error: " + .error
		   else .end.sum_received.bits_per_second / 1e9 end' 2>/dev/null)
	case $v in
	error:*) note "iperf3: ${v#error: }" ;;
	*) echo "$v" ;;
	esac
}

iperf() { iperf_json "$@" | iperf_rate; }

# pktgen in the peer: SIZE-byte UDP frames to the host from one sender
# thread (on vCPU $pgcpu), source ports random so that RSS spreads them.
# pktgen_start SIZE starts it in the background; pktgen_sent reads how many
# it sent so far; pktgen_stop stops it.
PG=/proc/net/pktgen
# pg FILE CMD [FILE CMD]...: pktgen commands, one write each, from one
# shell in the peer (a process per command cost a second per UDP run)
pg()
{
	local script=

	while [ $# -ge 2 ]; do
		script="$script echo '$2' > $PG/$1;"
		shift 2
	done
	ip netns exec $NS sh -c "$script"
}
# pktgen's thread runs on vCPU BENCH_PKTGEN_CPU (0), where mpnic-1's one
# engine runs too; the last vCPU gives that engine a vCPU of its own
# (veth is the same on either)
pgcpu=${BENCH_PKTGEN_CPU:-0}
pktgen_start()
{
	local size=$1 mac

	mac=$(cat "/sys/class/net/$hostdev/address")
	# the peer is new each turn: its first UDP workload adds bp0 to
	# pktgen, the next ones only set it again. No rem_device_all: pktgen's
	# thread applies it when it next runs, which on a busy vCPU came after
	# the add_device that followed, and removed bp0
	[ -e "/proc/$peer_pid/net/pktgen/bp0" ] || pg "kpktgend_$pgcpu" "add_device bp0"
	pg bp0 "count 0" bp0 "clone_skb 0" bp0 "pkt_size $size" bp0 "dst $H4" \
		bp0 "src_min $P4" bp0 "src_max $P4" bp0 "dst_mac $mac" \
		bp0 "udp_dst_min 9" bp0 "udp_dst_max 9" \
		bp0 "udp_src_min 1024" bp0 "udp_src_max 65000" bp0 "flag UDPSRC_RND"
	ip netns exec $NS timeout $((warm + secs + 10)) sh -c "echo start > $PG/pgctrl" &
	pg_pid=$!
}

# pktgen_sent VAR: the frames pktgen sent so far, read through a process
# in the peer ($peer_pid) with builtins only, next to a window's edge
pktgen_sent()
{
	local key val _rest

	while read -r key val _rest; do
		[ "$key" = pkts-sofar: ] && { printf -v "$1" %s "$val"; return; }
	done < "/proc/$peer_pid/net/pktgen/bp0"
	printf -v "$1" %s 0
}

pktgen_stop()
{
	ip netns exec $NS sh -c "echo stop > $PG/pgctrl"
	wait "$pg_pid"
}

# A measured window's counters, read at its start (snap_start: t0 rx0
# idle0 ns0 busy0 wk0 polls0) and at its end (snap_end: the same ending in
# 1). ethtool, the one process, is read just outside the window.
snap_start()
{
	read -r busy0 wk0 polls0 < <(engine_stats)
	edge 0
}

snap_end()
{
	edge 1
	read -r busy1 wk1 polls1 < <(engine_stats)
}

measure()
{
	local w=$1 round=$2 v out pkts polls sent0 sent t rev job iperf_out
	local hz open

	engine_pids
	case $w in
	tcp1_tx|tcp1_rx|tcp1_rx_busy)
		# the engines' CPU time over the measured part of the run, in
		# vCPUs (host NAPI work raised by an engine runs on its thread
		# and counts), and how often they went to sleep and were woken,
		# per millisecond; the window opens when iperf3's omitted
		# warm-up ends
		[ "$w" = tcp1_rx_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value "$busy_us" cmode runtime
		rev=-R
		[ "$w" = tcp1_tx ] && rev=
		# the window closes when iperf3 exits: its JSON is read after
		iperf_out=$(mktemp)
		iperf_json 1 $rev > "$iperf_out" &
		job=$!
		sleep "$warm"
		snap_start
		# a window opened after iperf3 ended would measure nothing
		kill -0 $job 2>/dev/null
		open=$?
		wait $job
		snap_end
		t=$((t1 - t0))
		v=$(iperf_rate < "$iperf_out")
		rm -f "$iperf_out"
		[ "$w" = tcp1_rx_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value 0 cmode runtime
		if [ $open != 0 ]; then
			note "$dev-$engines $w round $round: iperf3 ended before the window opened"
		elif [ "$dev" = mpnic ]; then
			emit "${w}_eng_busy" "$round" "$(per %.2f $((ns1 - ns0)) $t)"
			# of it, the engines' own work (busy_ns, the host's
			# softirqs on their threads excluded)
			emit "${w}_eng_own" "$round" "$(per %.2f $((busy1 - busy0)) $t)"
			emit "${w}_wakeups" "$round" "$(per %.1f $((wk1 - wk0)) $((t / 1000000)))"
		fi
		# what the whole guest left idle, iperf3's end included
		hz=$(getconf CLK_TCK)
		[ $open = 0 ] && emit "${w}_idle" "$round" \
			"$(per %.2f $(( (idle1 - idle0) * 1000000000 / hz )) $t)"
		;;
	tcp16_tx) v=$(iperf 16) ;;
	tcp16_rx) v=$(iperf 16 -R) ;;
	udp64|udp1400)
		# the rate the host's device received over $secs after $warm,
		# and the fraction of what pktgen sent meanwhile that did not
		# arrive; the window closes 0.5 s after pktgen stops, so that
		# frames still queued count as received, not dropped
		pktgen_start "${w#udp}"
		sleep "$warm"
		snap_start
		pktgen_sent sent0
		sleep "$secs"
		pktgen_sent sent
		pktgen_stop
		sleep 0.5
		snap_end
		pkts=$((rx1 - rx0))
		t=$((t1 - t0))
		# Mpps over the window less its 0.5 s drain
		v=$(per %.4f $((pkts * 1000)) $((t - 500000000)))
		# frames in flight when the window opened arrive inside it
		# without having been sent inside it: a loss-free run can
		# read a little below 0, which counts as 0
		emit "${w}_drop" "$round" "$(awk -v s=$(( ${sent:-0} - ${sent0:-0} )) -v r=$pkts \
			'BEGIN { d = s ? (s - r) / s : 0; printf "%.4f", (d > 0 ? d : 0) }')"
		if [ "$dev" = mpnic ]; then
			polls=$((polls1 - polls0))
			emit "${w}_eng_ns_pkt" "$round" "$(per %.0f $((ns1 - ns0)) $pkts)"
			# the engines' own time (busy_ns: the host's softirqs
			# their threads run excluded)
			emit "${w}_busy_ns_pkt" "$round" "$(per %.0f $((busy1 - busy0)) $pkts)"
			# the engines' batch: frames per pass over their rings,
			# and how many passes began with a wakeup from sleep
			emit "${w}_pkts_pass" "$round" "$(per %.1f $pkts $polls)"
			emit "${w}_wake_pass" "$round" "$(per %.2f $((wk1 - wk0)) $polls)"
		fi
		;;
	rr|crr|rr_busy)
		[ "$w" = rr_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value "$busy_us" cmode runtime
		out=$("$here/rr" "${w%_busy}" $P4 $RR_PORT "$secs" "$warm")
		case $w in
		rr*) v=${out#*p50_us=}; v=${v%% *}
		     emit "${w}_p99" "$round" "${out#*p99_us=}" ;;
		crr) v=${out#*per_s=} ;;
		esac
		[ "$w" = rr_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value 0 cmode runtime
		;;
	esac
	if [ -n "$v" ]; then
		emit "$w" "$round" "$v"
	else
		note "$dev-$engines $w round $round: no result"
	fi
}

# BENCH_PROFILE=WORKLOAD: one more run of it on each card under ftrace's
# function_graph tracer, limited to the datapath's main functions, and each
# one's calls and time (inclusive, with the tracer's own cost). perf record
# hangs this TCG guest under load, and a kernel without a PMU samples
# nothing better. The buffer stops when full: the profile covers the first
# part of the run. BENCH_PROFILE_FUNCS replaces the list.
PROFILE_FUNCS="veth_xmit mpnic_dispatch_rx __skb_gso_segment mpnic_engine_poll
	mpnic_stack_rx mpnic_engine_rx_deliver mpnic_gro_flush mpnic_engine_tx
	mpnic_hq_poll napi_gro_receive napi_gro_flush netif_receive_skb_list_internal
	ip_rcv ipv6_rcv tcp_v4_rcv tcp_sendmsg tcp_recvmsg skb_copy_datagram_iter
	mpnic_start_xmit __dev_queue_xmit try_to_wake_up
	__alloc_skb kfree_skb_list_reason consume_skb napi_build_skb"
[ -n "${BENCH_PROFILE_FUNCS:-}" ] && PROFILE_FUNCS=$BENCH_PROFILE_FUNCS
profile()
{
	local w=$1 t=/sys/kernel/tracing f

	[ -e $t/trace ] || mount -t tracefs nodev $t 2>/dev/null
	[ -w $t/set_ftrace_filter ] || { note "no ftrace"; return; }
	echo 0 > $t/tracing_on
	echo nop > $t/current_tracer
	: > $t/set_ftrace_filter
	for f in $PROFILE_FUNCS; do
		echo "$f" >> $t/set_ftrace_filter 2>/dev/null || note "profile: no $f"
	done
	echo 65536 > $t/buffer_size_kb
	echo 0 > $t/options/overwrite
	echo 1 > $t/options/funcgraph-tail
	echo function_graph > $t/current_tracer
	: > $t/trace
	echo 1 > $t/tracing_on
	measure "$w" profile >/dev/null
	echo 0 > $t/tracing_on
	note "$dev-$engines $w profile: function, calls, total ms, us per call"
	awk -F'|' '
		# " 1) + 12.345 us   |  } /* name */" or " 1)   1.234 us |  name();"
		NF >= 2 && $1 ~ /[0-9.]+ us/ {
			d = $1; sub(/.*\)[^0-9]*/, "", d); sub(/ us.*/, "", d)
			f = $2
			if (f ~ /\/\* /) { sub(/.*\/\* /, "", f); sub(/ \*\/.*/, "", f) }
			else { gsub(/[();{]/, "", f) }
			sub(/ *\[.*/, "", f); gsub(/ /, "", f)
			n[f]++; us[f] += d
		}
		END { for (f in n) printf "%-34s %9d %10.1f %8.2f\n", f, n[f], us[f] / 1000, us[f] / n[f] }
	' $t/trace | sort -k3 -rn | sed 's/^/bench:   /' >&2
	echo nop > $t/current_tracer
	: > $t/set_ftrace_filter
	echo 1408 > $t/buffer_size_kb
}

modprobe pktgen 2>/dev/null || note "no pktgen: UDP rates left out"
sysctl -qw net.core.netdev_max_backlog=10000

# now_us VAR: the clock in microseconds, without a process
now_us() { printf -v "$1" %s "${EPOCHREALTIME//[.,]/}"; }

# one system's turn in a round: its topology, its workloads, its teardown.
# Each measurement's wall time (WORKLOAD_wall) and the turn's (turn_wall)
# go to raw.txt too, so that a run's length can be told from a shorter one
turn()
{
	local cfg=$1 round=$2 ws w iperf_pid rr_pid turn0 w0 w1

	if [ "$cfg" = veth ]; then
		dev=veth engines=0 ws=$WORKLOADS_FULL
	else
		dev=mpnic engines=$cfg ws=$WORKLOADS_SCALE
		case " $full " in *" $cfg "*) ws=$WORKLOADS_FULL ;; esac
	fi
	now_us turn0
	topo_down
	if ! topo_up; then
		emit setup "$round" failed
		return
	fi
	note "round $round, $dev-$engines, at $SECONDS s: $ws"
	ip netns exec $NS timeout 3600 iperf3 -s >/dev/null 2>&1 &
	iperf_pid=$!
	peer_pid=$iperf_pid
	ip netns exec $NS "$here/rr" server $RR_PORT 3600 &
	rr_pid=$!
	# both servers listen before the first measurement (a second was not
	# always enough on a busy host)
	for _ in $(seq 50); do
		[ "$(ip netns exec $NS ss -Hltn | grep -cE ":(5201|$RR_PORT) ")" -ge 2 ] && break
		sleep 0.2
	done
	for w in $ws; do
		[ -d $PG ] || case $w in udp*) continue ;; esac
		[ "$dev" = veth ] && case $w in *_busy) continue ;; esac
		now_us w0
		measure "$w" "$round"
		now_us w1
		emit "${w}_wall" "$round" "$(per %.1f $((w1 - w0)) 1000000)"
	done
	# once per card, after the last round's measurements
	[ -n "${BENCH_PROFILE:-}" ] && [ "$round" = "$rounds" ] && profile "$BENCH_PROFILE"
	kill $iperf_pid $rr_pid 2>/dev/null
	wait 2>/dev/null
	if [ "$dev" = mpnic ]; then
		ethtool -S mpb0 | grep -E 'drop|err' | awk '$2 != 0' |
			sed "s/^/bench: round $round mpnic-$engines /" >&2
	fi
	now_us w1
	emit turn_wall "$round" "$(per %.1f $((w1 - turn0)) 1000000)"
}

for round in $(seq "$rounds"); do
	dev=host engines=0
	emit memcpy "$round" "$("$here/membw" 64 2 | sed 's/.*=//')"
	for cfg in veth $counts; do
		turn "$cfg" "$round"
	done
done
topo_down
note "$rounds rounds in $SECONDS s"
