#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (tools/vm/run): load mpnic, run the command, unload,
# leave the exit status and the kernel log in the results directory.
#   guest.sh RELEASE RESULTS INSMOD CMD...
set -u
rel=$1 res=$2 insmod=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
# The kernel booted and reached us (tools/vm/run retries a boot that did not)
touch "$res/started"
export MPNIC_KO="$top/build/$rel/drivers/net/mpnic/mpnic.ko"
export MPNIC_TOP="$top"
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
sysctl -qw kernel.hung_task_timeout_secs=60 2>/dev/null
# A panic ends the guest after 3 s, not at once (virtme's panic=-1): time
# for the console to take the oops that caused it (tools/vm/run prints it)
sysctl -qw kernel.panic=3 2>/dev/null
dmesg -n 1

# The kernel log goes out every few seconds too, so that a guest the host
# has to kill for hanging still tells what hung (tools/vm/run prints it)
(
	while sleep 5; do
		dmesg > "$res/dmesg.tmp" && mv "$res/dmesg.tmp" "$res/dmesg"
	done
) &
logger=$!

# Socket timestamps stay on for the whole run: each ping turns them on and
# off, and the static key behind them (netstamp_needed_key) is patched into
# the receive path's code each time. Under TCG a vCPU sometimes executes
# that code mid-patch (seen twice in the soak, an int3 and an invalid
# opcode at the key's site in __netif_receive_skb_core), a crash no real
# CPU has. A socket with SO_TIMESTAMP held open for the run holds the key
# on, and tests' pings then patch nothing. (Not a ping of our own: its raw
# socket would take a clone of every ICMP error the tests provoke.)
# The key is patched once, here, before any traffic (it is turned on from
# a work item: give that a moment).
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP (not in the socket module)
open(sys.argv[1], "w").close()
time.sleep(1 << 30)' "$res/stamper" &
stamper=$!
for _ in $(seq 300); do
	[ -e "$res/stamper" ] && break
	sleep 0.1
done

# The same for the hashes that draw their secret on first use
# (net_get_random_once()) and then patch the key that guarded the draw
# out of code other vCPUs may be running: TCP over IPv4 and IPv6 (the
# sequence and established-hash secrets, xfer.py; the SYN cookie secrets,
# with cookies always on in the listener's namespace), a ping out of a device
# with two queues (the flow dissector's hash picks the queue) and UDP to
# a closed port (the ICMP error's rate limit hashes the peer), between
# two namespaces. Documentation/networking/mpnic.rst has the trace.
warm()
{
	local a=mpnic-warm-a b=mpnic-warm-b dst rc=0
	local xfer=$top/selftests/drivers/net/mpnic/xfer.py

	ip netns add $a && ip netns add $b || return 1
	ip -n $a link add w0 numtxqueues 2 numrxqueues 2 type veth \
		peer name w1 netns $b numtxqueues 2 numrxqueues 2 &&
	ip -n $a addr add 198.51.100.1/24 dev w0 &&
	ip -n $a addr add 2001:db8::1/64 dev w0 nodad &&
	ip -n $b addr add 198.51.100.2/24 dev w1 &&
	ip -n $b addr add 2001:db8::2/64 dev w1 nodad &&
	ip -n $a link set w0 up && ip -n $b link set w1 up &&
	ip netns exec $b sysctl -qw net.ipv4.tcp_syncookies=2 || rc=1
	for dst in 198.51.100.2 2001:db8::2; do
		[ $rc = 0 ] || break
		ip netns exec $b timeout 60 /usr/bin/python3 "$xfer" recv 9 >/dev/null &
		for _ in $(seq 100); do
			ip netns exec $b ss -ltnH 'sport = :9' | grep -q . && break
			sleep 0.1
		done
		ip netns exec $a timeout 60 /usr/bin/python3 "$xfer" send $dst 9 1 >/dev/null ||
			rc=1
		wait $! || rc=1
		ip netns exec $a ping -c 1 -W 5 $dst >/dev/null &&
			ip netns exec $a bash -c "echo x > /dev/udp/$dst/10" || rc=1
	done
	ip netns del $a
	ip netns del $b 2>/dev/null
	return $rc
}
warm || echo "guest: warming the network paths failed; tests may patch them" >&2
sleep 1

# A checked kernel (KASAN: make check-debug) runs udev's boot-time coldplug
# so slowly that virtme-init stops waiting for it (120 s) with most of it
# still to do; udevd then took a fifth of an idle guest's CPU.
# The tests need nothing from udev: stop it there.
if grep -qw kasan_quarantine_reduce /proc/kallsyms 2>/dev/null; then
	udevadm control --exit 2>/dev/null || pkill -x systemd-udevd
fi

# A kmemleak kernel: forget what boot left, so that what is reported at the
# end came from the command
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear > $kmemleak

rc=0
if [ "$insmod" = 1 ] && ! insmod "$MPNIC_KO"; then
	echo "guest: insmod $MPNIC_KO failed" >&2
	rc=1
fi
if [ "$rc" = 0 ]; then
	bash -c "$*"
	rc=$?
fi
if [ "$insmod" = 1 ] && grep -q '^mpnic ' /proc/modules; then
	if ! rmmod mpnic; then
		echo "guest: rmmod mpnic failed" >&2
		[ "$rc" = 0 ] && rc=1
	fi
fi
kill "$logger" "$stamper" 2>/dev/null
wait "$logger" "$stamper" 2>/dev/null
if [ -w $kmemleak ]; then
	# An object is reported once it is 5 s old and two scans found no
	# reference to it; the report goes into the log tools/vm/run checks
	sleep 6
	echo scan > $kmemleak
	echo scan > $kmemleak
	echo "kmemleak: $(grep -c unreferenced $kmemleak) unreferenced objects after the command"
	if grep -q unreferenced $kmemleak; then
		echo "kmemleak: unreferenced objects after the command:" >&2
		head -n 200 $kmemleak >&2
		head -n 100 $kmemleak | while IFS= read -r line; do
			echo "kmemleak: $line" > /dev/kmsg
		done
	fi
fi
dmesg > "$res/dmesg"
# The log must hold the whole run, from the kernel's first line on
head -n 1 "$res/dmesg" | grep -q 'Linux version' || touch "$res/wrapped"
echo "$rc" > "$res/rc"
