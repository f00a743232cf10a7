#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the mpnic selftests, on top of the kernel's net/lib.sh.
#
#   host namespace                       peer namespace ($PEER)
#   +-----------------------+            +----------------------+
#   | mpnic0  198.51.100.1  |            |  veth1 198.51.100.2  |
#   |   |     2001:db8::1   |            |        2001:db8::2   |
#   | veth0 (the wire) -----+------------+--                    |
#   +-----------------------+            +----------------------+
#
# The host side is the namespace the test runs in; inside the VM that is the
# VM's own. On a real test host, run the tests in a namespace of their own.

lib_dir=$(dirname "${BASH_SOURCE[0]}")
source "$lib_dir/../../../net/lib.sh"

DEV=${DEV:-mpnic0}
WIRE=${WIRE:-veth0}
PEER_IF=veth1
H4=198.51.100.1
P4=198.51.100.2
H6=2001:db8::1
P6=2001:db8::2
PEER=""

# check_err STATUS MSG and check_fail STATUS MSG are net/lib.sh's. Kernels
# after 6.12 have them there; the 6.12 copy (tools/selftests-fw.sh) still
# keeps them in forwarding/lib.sh, which builds a topology of its own when
# sourced. Where net/lib.sh lacks them, these are forwarding/lib.sh's (but
# for FAIL_TO_XFAIL, which nothing here sets): any non-zero STATUS is a
# FAIL, so a command's exit status 2 or 4 is not taken for XFAIL or SKIP.
if ! declare -F check_err >/dev/null; then
	check_err()
	{
		local err=$1
		local msg=$2

		if ((err)); then
			ret_set_ksft_status "$ksft_fail" "$msg"
		fi
	}
fi

if ! declare -F check_fail >/dev/null; then
	check_fail()
	{
		local err=$1
		local msg=$2

		check_err $((!err)) "$msg"
	}
fi

require_cmd()
{
	local c

	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			echo "SKIP: $c not found"
			exit "$ksft_skip"
		fi
	done
}

[ "$(id -u)" = 0 ] || { echo "SKIP: need root"; exit "$ksft_skip"; }
require_cmd ip ethtool

mpnic_load()
{
	grep -q '^mpnic ' /proc/modules && return 0
	if [ -n "${MPNIC_KO:-}" ]; then
		insmod "$MPNIC_KO" "$@"
	else
		modprobe mpnic "$@"
	fi
}

mpnic_unload()
{
	grep -q '^mpnic ' /proc/modules || return 0
	rmmod mpnic
}

# Sourcing this file loads nothing: each script loads the module first,
# and skips where it cannot
mpnic_load_or_skip()
{
	mpnic_load "$@" || { echo "SKIP: cannot load mpnic"; exit "$ksft_skip"; }
}

# Whether the kernel takes struct ethtool_rxfh's input_xfrm (6.8; before,
# the byte was reserved and had to be 0): rxfh_xfrm_known DEV. Asked with
# a read of DEV's RSS (ETHTOOL_GRSSH, which changes nothing) carrying
# input_xfrm = RXH_XFRM_NO_CHANGE, which a kernel without the field refuses
# with EINVAL. The answer is the kernel's, kept for the script; another
# error (DEV has no RSS, or is gone) tells nothing and is not kept.
RXFH_XFRM_KNOWN=
rxfh_xfrm_known()
{
	if [ -z "$RXFH_XFRM_KNOWN" ]; then
		/usr/bin/python3 -c '
import array, errno, fcntl, socket, struct, sys
SIOCETHTOOL, ETHTOOL_GRSSH, RXH_XFRM_NO_CHANGE = 0x8946, 0x46, 0xff
# cmd, rss_context, indir_size, key_size, hfunc, input_xfrm, rsvd8[2], rsvd32
rxfh = array.array("B", struct.pack("4I2B2xI", ETHTOOL_GRSSH, 0, 0, 0, 0,
                                    RXH_XFRM_NO_CHANGE, 0))
ifr = struct.pack("16sP16x", sys.argv[1].encode(), rxfh.buffer_info()[0])
try:
    fcntl.ioctl(socket.socket(), SIOCETHTOOL, ifr)
except OSError as e:
    sys.exit(1 if e.errno == errno.EINVAL else 2)' "$1"
		case $? in
		0) RXFH_XFRM_KNOWN=yes ;;
		1) RXFH_XFRM_KNOWN=no ;;
		esac
	fi
	[ "$RXFH_XFRM_KNOWN" != no ]
}

# Whether the running kernel's own types name NAME (a struct member, a
# function), as its BTF lists them: kernel_btf_has NAME. The question
# Kbuild's probes ask of the headers, asked of the kernel under test.
# A kernel without BTF cannot say: yes.
kernel_btf_has()
{
	[ -r /sys/kernel/btf/vmlinux ] || return 0
	grep -qaw -- "$1" /sys/kernel/btf/vmlinux
}

# ethtool -X DEV ARGS. ethtool 6.14 fills input_xfrm in ETHTOOL_SRSSH: where
# the kernel refuses that field, use an older ethtool (ETHTOOL_OLD; make deps
# and tools/selftests-fw.sh put bookworm's in build/bin) for this one command.
ETHTOOL_OLD=${ETHTOOL_OLD:-${MPNIC_TOP:-$lib_dir/../../../..}/build/bin/ethtool-6.1}
rxfh_set()
{
	if ! rxfh_xfrm_known "$1" && [ -x "$ETHTOOL_OLD" ]; then
		"$ETHTOOL_OLD" -X "$@"
	else
		ethtool -X "$@"
	fi
}

# The kernel's YNL tool on a family's spec, JSON out: ynl FAMILY ARGS
# (tools/selftests-fw.sh copies it from linux-source-6.12 into build/ynl)
YNL_DIR=${YNL_DIR:-${MPNIC_TOP:-$lib_dir/../../../..}/build/ynl}
ynl()
{
	ynl_eval "" "$@"
}

# The same, printing a Python expression over the reply ("j") instead:
# ynl_eval EXPR FAMILY ARGS. What `ynl .. | python3 -c ..` prints, in one
# interpreter: each start is a third of a second in the VM, more under load.
ynl_eval()
{
	local expr=$1 family=$2 spec

	shift 2
	spec=$YNL_DIR/specs/$family.yaml
	# ours, from the tree under test
	[ "$family" = mpnic ] && spec=$MPNIC_SPEC
	# No schema check per call (two thirds of a call's time): make
	# regen-check validates our spec, and the kernel's specs are its own.
	# ynl.py keeps each spec parsed (a call in the VM: 3 s -> 1 s)
	# YNL_NETNS=NS: in that namespace
	${YNL_NETNS:+ip netns exec "$YNL_NETNS"} /usr/bin/python3 "$lib_dir/ynl.py" \
		${expr:+--eval "$expr"} "$YNL_DIR/cli.py" --spec "$spec" --no-schema --output-json "$@"
}
MPNIC_SPEC=${MPNIC_TOP:-$lib_dir/../../../..}/Documentation/netlink/specs/mpnic.yaml

# The mpnic family's own client (make -C tools/mpnicctl)
MPNICCTL=${MPNICCTL:-${MPNIC_TOP:-$lib_dir/../../../..}/tools/mpnicctl/mpnicctl}

# A counter the card does not have reads as "?NAME", not 0: a test that
# wants it to be 0, or to stay put, would pass on a name that is wrong.
# "?NAME" fails every numeric test ([ -eq ] exits 2) and stops the script
# in arithmetic (a syntax error), so a wrong name fails the test.

# ethtool -S counter of a device: stat DEV NAME
stat()
{
	ethtool -S "$1" | awk -v n="$2:" '$1 == n { print $2; f = 1 }
		END { if (!f) { print "?" n; print "# no counter " n > "/dev/stderr" } }'
}

# Sum of the `ethtool -S` lines on stdin whose name ends in _SUFFIX:
# suffix_sum SUFFIX (%.0f: mawk prints sums past 2^31 as 1.5e+10)
suffix_sum()
{
	awk -v s="_$1:" 'index($1, s) && substr($1, length($1) - length(s) + 1) == s { t += $2; f = 1 }
		END { if (f) printf "%.0f\n", t
		      else { print "?" s; print "# no counter *" s > "/dev/stderr" } }'
}

# Sum of a counter over all engines or queues: stat_sum DEV SUFFIX
# The emulator's report, not the guest's: a #DB with DR_STEP in kernel
# mode under QEMU's TCG (exc_debug_kernel() says why); tools/vm/run
# leaves it out of its splat check the same way
MPNIC_TCG_ARTIFACT='WARNING: CPU: [0-9]+ PID: [0-9]+ at arch/x86/kernel/traps.c:[0-9]+ exc_debug_kernel'

stat_sum()
{
	ethtool -S "$1" | suffix_sum "$2"
}

# A counter of a stack's own, from /proc/net/snmp or /proc/net/netstat
# (in namespace NS if given): mib PROTO FIELD [NS], as in mib Udp NoPorts
# or mib TcpExt TCPOFOQueue. What a test sees there was counted outside
# the card. "?FIELD" where there is none.
mib()
{
	${3:+ip netns exec "$3"} awk -v p="$1:" -v f="$2" '$1 == p {
		if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else if (c[f]) v = $c[f] }
		END { print v == "" ? "?" f : v }' /proc/net/snmp /proc/net/netstat
}

# The same from /proc/net/snmp6: mib6 NAME [NS], as in mib6 Udp6NoPorts
mib6()
{
	${2:+ip netns exec "$2"} awk -v f="$1" '$1 == f { v = $2 } END { print v == "" ? "?" f : v }' \
		/proc/net/snmp6
}

# wire frames - delivered - dropped, all from one `ethtool -S` snapshot
unaccounted()
{
	ethtool -S "$DEV" | awk '
		{ sub(":", "", $1) }
		$1 == "rx_wire_frames" { t += $2 }
		$1 ~ /^rx_(port_down|runt|oversize|card_mem_exhausted|engine_ring_full|gso_errors|ntuple_drop)$/ { t -= $2 }
		$1 ~ /^engine[0-9]+_(rx_delivered|rx_flushed|rx_missed|rx_no_queue|rx_too_long|in_truncated|in_hdr_errors|in_ip_csum_errors|in_l4_errors|in_csum_errors)$/ { t -= $2 }
		END { printf "%.0f\n", t }'
}

# A new card, its rings drained: every frame it took is accounted for
balanced()
{
	[ "$(unaccounted)" -eq 0 ]
}

# A card wired to a fresh peer namespace, addressed and up: topo_create [ip link add args]
topo_create()
{
	setup_ns PEER || return 1
	# a batch per side: each command is a process, a fifth of a second
	# in the VM, and every test builds this
	ip -batch - <<-EOF || return 1
		link add $DEV type mpnic $*
		link add $WIRE type veth peer name $PEER_IF netns $PEER
		link set $WIRE master $DEV
		link set $WIRE up
		addr add $H4/24 dev $DEV
		addr add $H6/64 dev $DEV nodad
		link set $DEV up
	EOF
	ip -n "$PEER" -batch - <<-EOF || return 1
		link set $PEER_IF up
		addr add $P4/24 dev $PEER_IF
		addr add $P6/64 dev $PEER_IF nodad
	EOF
	busywait 5000 carrier_is "$DEV" 1
}

# VLAN 10 over the topology: $DEV.10 203.0.113.1, the peer's .2
vlan10_create()
{
	ip link add link "$DEV" name "$DEV.10" type vlan id 10
	ip -n "$PEER" link add link "$PEER_IF" name "$PEER_IF.10" type vlan id 10
	ip addr add 203.0.113.1/24 dev "$DEV.10"
	ip -n "$PEER" addr add 203.0.113.2/24 dev "$PEER_IF.10"
	ip link set "$DEV.10" up
	ip -n "$PEER" link set "$PEER_IF.10" up
}

topo_destroy()
{
	ip link del "$DEV" 2>/dev/null
	ip link del "$WIRE" 2>/dev/null
	[ -n "$PEER" ] && cleanup_ns "$PEER"
	PEER=""
}

# The card index behind a port: card_id DEV
card_id()
{
	local bus

	bus=$(ethtool -i "$1" | awk '/^bus-info:/ { print $2 }')
	echo "${bus#mpnic}"
}

# devlink handle of the port's card: bus-info is the bus device's name
handle()
{
	echo "mpnic/$(ethtool -i "$DEV" | awk '/^bus-info:/ { print $2 }')"
}

registered()
{
	devlink dev show "$(handle)" >/dev/null 2>&1
}

# A field of the engine reporter: reporter_field NAME (error, recover, state)
reporter_field()
{
	devlink -j health show "$(handle)" reporter engine | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["health"]
print(list(r.values())[0][0][sys.argv[1]])' "$1"
}

# A runtime devlink parameter of the port's card, once its devlink
# instance is up: card_param NAME VALUE
card_param()
{
	busywait 5000 registered || return 1
	devlink dev param set "$(handle)" name "$1" value "$2" cmode runtime
}

# Inject or end a fault on an engine of the port's card (the family's
# fault-set): fault ENGINE stall|card-mem|host-rx|slow|tx-cmpl on|off
fault()
{
	"$MPNICCTL" fault set card "$(card_id "$DEV")" engine "$1" "$2" "$3"
}

# topo_create for a card of N engines whose devlink instance is up:
# devlink_topo N
devlink_topo()
{
	echo "$1" > /sys/module/mpnic/parameters/engines
	topo_create
	echo 0 > /sys/module/mpnic/parameters/engines
	busywait 5000 registered
}

# debugfs directory of the card behind a port: card_dir DEV
card_dir()
{
	echo "/sys/kernel/debug/mpnic/card$(card_id "$1")"
}

# Start a one-shot iperf3 server in the peer and wait for its socket:
# iperf_server [bind address]. A server whose client failed would wait
# for ever, and a test's bare `wait` with it: servers are bounded too.
IPERF_SERVER_SECS=120
iperf_server()
{
	ip netns exec "$PEER" timeout $IPERF_SERVER_SECS iperf3 -s -1 ${1:+-B "$1"} >/dev/null 2>&1 &
	busywait 5000 ip netns exec "$PEER" sh -c "ss -ltn | grep -q ':5201 '"
}

# Run an iperf3 client against the peer, bounded by SECS: iperf_client SECS
# ARGS. Its report goes to stdout; on failure its error is copied into the
# test's message (retmsg) through IPERF_ERR.
IPERF_ERR=/tmp/mpnic-iperf-err.$$
iperf_client()
{
	local secs=$1 rc

	shift
	timeout "$secs" iperf3 "$@" 2>"$IPERF_ERR"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "# iperf3 $* exited $rc: $(tail -n 2 "$IPERF_ERR" | tr '\n' ' ')" >&2
	fi
	rm -f "$IPERF_ERR"
	return $rc
}

# A TCP transfer of MIB MiB of known content, its SHA-256 compared at both
# ends: xfer RECEIVER_NS|"" SENDER_NS|"" DST MIB. Fails with xfer_msg set.
XFER_PORT=5301
xfer()
{
	local rns=$1 sns=$2 dst=$3 mib=$4 out=/tmp/mpnic-xfer.$$ sent got src rrc

	# checked code (make check-debug) moves about 1 MB/s: a quarter as much
	[ -n "${MPNIC_DEBUG_KERNEL:-}" ] && mib=$(((mib + 3) / 4))
	${rns:+ip netns exec $rns} timeout 300 /usr/bin/python3 "$lib_dir/xfer.py" \
		recv $XFER_PORT > $out &
	busywait 10000 ${rns:+ip netns exec $rns} sh -c "ss -ltn | grep -q ':$XFER_PORT '"
	sent=$(${sns:+ip netns exec $sns} timeout 300 /usr/bin/python3 "$lib_dir/xfer.py" \
		send "$dst" $XFER_PORT "$mib")
	src=$?
	wait $!
	rrc=$?
	got=$(cat $out)
	rm -f $out
	# exit status 124: killed by timeout after 300 s
	xfer_msg="$dst: sent '$sent', received '$got' (exit status: sender $src, receiver $rrc)"
	[ -n "$sent" ] && [ "$sent" = "$got" ]
}

carrier_is()
{
	[ "$(cat /sys/class/net/"$1"/carrier 2>/dev/null)" = "$2" ]
}

# The module's memory, as far as the kernel shows it per owner:
#  - vmalloc areas allocated from mpnic code (card memory, rings, tables);
#  - page pools that outlived their port with pages in flight (pools.py);
#  - the unreclaimable slab, which the whole kernel shares: within MEM_SLAB_KB.
MEM_SLAB_KB=${MEM_SLAB_KB:-4096}
# KASAN (make check-debug) keeps freed objects in a quarantine of up to a
# 32nd of memory and a MiB per CPU, counted as slab: the bound grows by it,
# and kmemleak finds leaks there
if grep -qw kasan_quarantine_reduce /proc/kallsyms 2>/dev/null; then
	MPNIC_DEBUG_KERNEL=1
	MEM_SLAB_KB=$((MEM_SLAB_KB + $(awk '$1 == "MemTotal:" { print int($2 / 32) }' /proc/meminfo) +
		       1024 * $(nproc)))
fi
MEM_WAIT_MS=${MEM_WAIT_MS:-15000}

# How many times to repeat a round of the same work: N, or on checked code
# (make check-debug, ten times slower) a quarter of N and at least 2. The
# distro kernels' runs do every round; the checkers need each path taken,
# not taken often.
rounds()
{
	local n=$1

	[ -n "${MPNIC_DEBUG_KERNEL:-}" ] && n=$(((n + 3) / 4)) && [ "$n" -lt 2 ] && n=2
	echo "$n"
}
mem_vmalloc()
{
	grep -c '\[mpnic\]' /proc/vmallocinfo
}

mem_slab()
{
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

# Detached page pools, "POOLS PAGES", as netdev page-pool-get (6.8) lists
# them. Where the kernel has no such op, pools.py finds none and exits 3;
# the runner's baseline notes it (mem_pools_listed=no) and later counts
# are "0 0" without asking again (each pools.py is most of a second in
# the VM)
mem_pools_listed=yes
mem_pools()
{
	if [ "$mem_pools_listed" = no ]; then
		echo "0 0"
	else
		/usr/bin/python3 "$lib_dir/pools.py"
	fi
}

# A CPU frees the skbs other CPUs' sockets are done with (their pages
# too) when it next runs its network softirq (skb_attempt_defer_free()):
# loopback traffic from each CPU runs it there
mem_defer_flush()
{
	local c

	for c in $(seq 0 $(($(nproc) - 1))); do
		taskset -c "$c" ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
	done
}

# No more detached page pools, nor pages in them, than at the start
mem_pools_back()
{
	local pools pages

	mem_pools_now=$(mem_pools)
	read -r pools pages <<< "$mem_pools_now"
	[ "$pools" -le "${mem_pools0% *}" ] && [ "$pages" -le "${mem_pools0#* }" ]
}

mem_settled()
{
	# each pools.py is most of a second in the VM: once when the pools
	# are back, else once more after the deferred frees are flushed
	if ! mem_pools_back; then
		mem_defer_flush
		mem_pools_back || return 1
	fi
	[ "$(mem_vmalloc)" -le "$mem_vmalloc0" ] &&
		[ "$(mem_slab)" -le $((mem_slab0 + MEM_SLAB_KB)) ]
}

# Every card gone, the module's memory is back where the script found it
mem_check()
{
	local msg

	RET=0
	# card teardowns finish on a workqueue, RCU frees after a grace period
	busywait "$MEM_WAIT_MS" mem_settled
	check_err $? "memory not back"
	msg="mpnic vmalloc areas $mem_vmalloc0 -> $(mem_vmalloc),"
	msg+=" unreclaimable slab $(($(mem_slab) - mem_slab0)) kB more,"
	msg+=" detached page pools and their pages $mem_pools0 -> $mem_pools_now"
	echo "# memory: $msg"
	if [ $RET != 0 ]; then
		retmsg=$msg
		# who may still hold the pages: sockets with data queued
		ss -tuanm | head -n 40 | sed 's/^/# /'
		/usr/bin/python3 "$lib_dir/pools.py" -v | tail -n +2
		echo "# now: $(date +%s)"
	fi
	log_test "memory back to its baseline after $(basename "$0")"
}

# The processes under PID, deepest first, leaving out the subshell that
# asks and what it runs: $(descendants PID)
descendants()
{
	local self=$BASHPID

	ps -e -o pid=,ppid= | awk -v top="$1" -v self="$self" '
		{ kids[$2] = kids[$2] " " $1 }
		function walk(p,   n, i, c) {
			n = split(kids[p], c, " ")
			for (i = 1; i <= n; i++)
				if (c[i] != self) {
					walk(c[i])
					print c[i]
				}
		}
		END { walk(top) }'
}

# End what the script left running in the background: a server no client
# reached, a client whose path went away, wrapped in timeouts of up to
# minutes. Each holds the test runner's output open, and in a virtme guest
# that output (/dev/stdout) is a virtio port one process may open at a
# time: the next script's runner could not open it while one still ran.
reap_children()
{
	local pids pid left i

	pids=$(descendants $$)
	[ -n "$pids" ] || return 0
	for pid in $pids; do
		echo "# still running, ended: $(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null)"
	done
	kill $pids 2>/dev/null
	for i in $(seq 50); do
		left=""
		for pid in $pids; do
			kill -0 "$pid" 2>/dev/null && left+=" $pid"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	kill -9 $left 2>/dev/null
}

# Run every test named in $ALL_TESTS (or in $TESTS, to pick some), then
# check the module's memory and exit with the merged status. Each test is
# named as it starts, so that a hang shows where it is; each test's time
# and the script's are printed at their ends. (Not tests_run: that is the
# kernel's plain loop, in forwarding/lib.sh and in later net/lib.sh.)
mpnic_tests_run()
{
	local t t0

	mem_vmalloc0=$(mem_vmalloc) mem_slab0=$(mem_slab)
	mem_pools0=$(mem_pools)
	[ $? = 3 ] && mem_pools_listed=no
	mem_pools_now=$mem_pools0
	for t in ${TESTS:-$ALL_TESTS}; do
		echo "run: $t"
		t0=$SECONDS
		$t
		echo "$t: $((SECONDS - t0)) s"
	done
	topo_destroy
	reap_children
	mem_check
	echo "$(basename "$0"): ${SECONDS} s"
	exit "$EXIT_STATUS"
}

cleanup()
{
	topo_destroy
}
trap cleanup EXIT
