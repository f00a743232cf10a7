#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/bench/bench.sh through tools/vm/run): the same
# workloads over veth and over mpnic cards with 1..N engines, side by side in
# one boot. Prints one line per measurement:
#   BENCH DEVICE ENGINES WORKLOAD RUN VALUE
# DEVICE is veth or mpnic; ENGINES is 0 for veth.
#
#   guest.sh ENGINE_COUNTS FULL_COUNTS
# ENGINE_COUNTS: the cards to measure ("1 2 4"); FULL_COUNTS: those that run
# every workload, the others run only the scaling workloads (bulk TCP with 16
# streams and the UDP packet rates). BENCH_SECS (5) and BENCH_RUNS (3) set
# each measurement's length and count.
set -u
here=$(cd "$(dirname "$0")" && pwd)
counts=$1 full=$2
secs=${BENCH_SECS:-5}
# request/response again with the card's engines in busy-poll mode
busy_us=${BENCH_BUSY_US:-1000}
runs=${BENCH_RUNS:-3}
NS=bpeer
H4=198.51.100.1
P4=198.51.100.2
RR_PORT=7001
WORKLOADS_FULL="tcp1_tx tcp1_rx tcp16_tx tcp16_rx udp64 udp1400 rr crr rr_busy"
WORKLOADS_SCALE="tcp16_rx udp64 udp1400"
[ -n "${BENCH_ONLY:-}" ] && WORKLOADS_FULL=$BENCH_ONLY WORKLOADS_SCALE=$BENCH_ONLY

emit() { echo "BENCH $dev $engines $*"; }
note() { echo "bench: $*" >&2; }

rx_packets() { cat "/sys/class/net/$hostdev/statistics/rx_packets"; }

# an engine counter summed over the card's engines (mpnic only)
engine_stat()
{
	[ "$dev" = mpnic ] || { echo 0; return; }
	ethtool -S "$hostdev" |
		awk -v s="$1" '$1 ~ "^engine[0-9]+_" s ":$" { t += $2 } END { printf "%.0f\n", t }'
}

# N / D in FORMAT, 0 when D is 0: per FORMAT N D
per()
{
	awk -v f="$1" -v n="$2" -v d="$3" 'BEGIN { printf f, d ? n / d : 0 }'
}

# idle and iowait time of all vCPUs, in USER_HZ ticks
idle_ticks()
{
	awk '$1 == "cpu" { print $5 + $6 }' /proc/stat
}

# CPU time (ns) of the card's engine threads: /proc/PID/schedstat, field 1
engine_ns()
{
	local pid sum=0

	for pid in $(ps -eo pid=,comm= | awk '$2 ~ /^mpnic[0-9]+\/e[0-9]+$/ { print $1 }'); do
		sum=$((sum + $(cut -d' ' -f1 "/proc/$pid/schedstat")))
	done
	echo $sum
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

# iperf3 bulk TCP: iperf STREAMS [-R]; prints Gbit/s received
iperf()
{
	local streams=$1

	shift
	timeout $((secs + 20)) iperf3 -c $P4 -t "$secs" -P "$streams" -J "$@" 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e9' 2>/dev/null
}

# pktgen in the peer: SIZE-byte UDP frames to the host for $secs from one
# sender thread (on vCPU $pgcpu), source ports random so that RSS spreads
# them. Prints "MPPS DROPPED_FRACTION" as received by the host's device.
PG=/proc/net/pktgen
pg() { ip netns exec $NS sh -c "echo '$2' > $PG/$1"; }
# pktgen's thread runs on vCPU BENCH_PKTGEN_CPU (0), where mpnic-1's one
# engine runs too; the last vCPU gives that engine a vCPU of its own
# (veth is the same on either)
pgcpu=${BENCH_PKTGEN_CPU:-0}
pktgen_rate()
{
	local size=$1 mac rx0 rx1 t0 t1 sent

	mac=$(cat "/sys/class/net/$hostdev/address")
	pg "kpktgend_$pgcpu" rem_device_all
	pg "kpktgend_$pgcpu" "add_device bp0"
	pg bp0 "count 0"
	pg bp0 "clone_skb 0"
	pg bp0 "pkt_size $size"
	pg bp0 "dst $H4"
	pg bp0 "src_min $P4"
	pg bp0 "src_max $P4"
	pg bp0 "dst_mac $mac"
	pg bp0 "udp_dst_min 9"
	pg bp0 "udp_dst_max 9"
	pg bp0 "udp_src_min 1024"
	pg bp0 "udp_src_max 65000"
	pg bp0 "flag UDPSRC_RND"
	rx0=$(rx_packets)
	t0=$(date +%s.%N)
	ip netns exec $NS timeout $((secs + 10)) sh -c "echo start > $PG/pgctrl" &
	sleep "$secs"
	ip netns exec $NS sh -c "echo stop > $PG/pgctrl"
	wait
	sleep 0.5
	rx1=$(rx_packets)
	t1=$(date +%s.%N)
	sent=$(ip netns exec $NS awk '/pkts-sofar/ { print $2 }' $PG/bp0)
	awk -v r=$((rx1 - rx0)) -v s="${sent:-0}" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.4f %.4f\n", r / (t1 - t0 - 0.5) / 1e6, s ? (s - r) / s : 0 }'
}

measure()
{
	local w=$1 run=$2 v ns0 rx0 out pkts polls polls0 busy0 wk0

	case $w in
	tcp1_tx|tcp1_rx|tcp1_rx_busy)
		# the engines' CPU time over the run, in vCPUs (host NAPI work
		# raised by an engine runs on its thread and counts), and how
		# often they went to sleep and were woken, per millisecond
		[ "$w" = tcp1_rx_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value "$busy_us" cmode runtime
		ns0=$(engine_ns)
		busy0=$(engine_stat busy_ns)
		wk0=$(engine_stat wakeups)
		idle0=$(idle_ticks)
		t0=$(date +%s%N)
		if [ "$w" = tcp1_tx ]; then v=$(iperf 1); else v=$(iperf 1 -R); fi
		t0=$(( $(date +%s%N) - t0 ))
		[ "$w" = tcp1_rx_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value 0 cmode runtime
		[ "$dev" = mpnic ] && emit "${w}_eng_busy" "$run" \
			"$(awk -v n=$(( $(engine_ns) - ns0 )) -v t=$t0 'BEGIN { printf "%.2f", n / t }')"
		# of it, the engines' own work (busy_ns, the host's softirqs
		# on their threads excluded)
		[ "$dev" = mpnic ] && emit "${w}_eng_own" "$run" \
			"$(awk -v n=$(( $(engine_stat busy_ns) - busy0 )) -v t=$t0 \
			'BEGIN { printf "%.2f", n / t }')"
		[ "$dev" = mpnic ] && emit "${w}_wakeups" "$run" \
			"$(awk -v n=$(( $(engine_stat wakeups) - wk0 )) -v t=$t0 \
			'BEGIN { printf "%.1f", n / (t / 1e6) }')"
		# what the whole guest left idle, iperf3's start and end included
		emit "${w}_idle" "$run" "$(awk -v n=$(( $(idle_ticks) - idle0 )) -v t=$t0 \
			-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", n / hz / (t / 1e9) }')"
		;;
	tcp16_tx) v=$(iperf 16) ;;
	tcp16_rx) v=$(iperf 16 -R) ;;
	udp64|udp1400)
		ns0=$(engine_ns)
		rx0=$(rx_packets)
		polls0=$(engine_stat polls)
		wk0=$(engine_stat wakeups)
		busy0=$(engine_stat busy_ns)
		out=$(pktgen_rate "${w#udp}")
		v=${out% *}
		emit "${w}_drop" "$run" "${out#* }"
		if [ "$dev" = mpnic ]; then
			pkts=$(( $(rx_packets) - rx0 ))
			polls=$(( $(engine_stat polls) - polls0 ))
			emit "${w}_eng_ns_pkt" "$run" "$(per %.0f $(( $(engine_ns) - ns0 )) $pkts)"
			# the engines' own time (busy_ns: the host's softirqs
			# their threads run excluded)
			emit "${w}_busy_ns_pkt" "$run" \
				"$(per %.0f $(( $(engine_stat busy_ns) - busy0 )) $pkts)"
			# the engines' batch: frames per pass over their rings,
			# and how many passes began with a wakeup from sleep
			emit "${w}_pkts_pass" "$run" "$(per %.1f $pkts $polls)"
			emit "${w}_wake_pass" "$run" \
				"$(per %.2f $(( $(engine_stat wakeups) - wk0 )) $polls)"
		fi
		;;
	rr|crr|rr_busy)
		[ "$w" = rr_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value "$busy_us" cmode runtime
		out=$("$here/rr" "${w%_busy}" $P4 $RR_PORT "$secs")
		case $w in
		rr*) v=${out#*p50_us=}; v=${v%% *}
		     emit "${w}_p99" "$run" "${out#*p99_us=}" ;;
		crr) v=${out#*per_s=} ;;
		esac
		[ "$w" = rr_busy ] && devlink dev param set "$dl" name busy_poll_us \
			value 0 cmode runtime
		;;
	esac
	if [ -n "$v" ]; then
		emit "$w" "$run" "$v"
	else
		note "$dev-$engines $w run $run: no result"
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

dev=host engines=0
for run in $(seq "$runs"); do
	emit memcpy "$run" "$("$here/membw" 64 2 | sed 's/.*=//')"
done

for cfg in veth $counts; do
	if [ "$cfg" = veth ]; then
		dev=veth engines=0 ws=$WORKLOADS_FULL
	else
		dev=mpnic engines=$cfg ws=$WORKLOADS_SCALE
		case " $full " in *" $cfg "*) ws=$WORKLOADS_FULL ;; esac
	fi
	topo_down
	if ! topo_up; then
		emit setup 1 failed
		continue
	fi
	note "$dev-$engines: $ws"
	ip netns exec $NS timeout 3600 iperf3 -s >/dev/null 2>&1 &
	iperf_pid=$!
	ip netns exec $NS "$here/rr" server $RR_PORT 3600 &
	rr_pid=$!
	sleep 1
	for w in $ws; do
		[ -d $PG ] || case $w in udp*) continue ;; esac
		[ "$dev" = veth ] && case $w in *_busy) continue ;; esac
		for run in $(seq "$runs"); do
			measure "$w" "$run"
		done
	done
	[ -n "${BENCH_PROFILE:-}" ] && profile "$BENCH_PROFILE"
	kill $iperf_pid $rr_pid 2>/dev/null
	wait 2>/dev/null
	if [ "$dev" = mpnic ]; then
		ethtool -S mpb0 | grep -E 'drop|err' | awk '$2 != 0' | sed "s/^/bench: mpnic-$engines /" >&2
	fi
done
topo_down
