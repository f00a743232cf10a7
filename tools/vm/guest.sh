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
dmesg -n 1

# The kernel log goes out every few seconds too, so that a guest the host
# has to kill for hanging still tells what hung (tools/vm/run prints it)
(
	while sleep 5; do
		dmesg > "$res/dmesg.tmp" && mv "$res/dmesg.tmp" "$res/dmesg"
	done
) &
logger=$!

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
kill "$logger" 2>/dev/null
wait "$logger" 2>/dev/null
if [ -w $kmemleak ]; then
	# An object is reported once it is 5 s old and two scans found no
	# reference to it; the report goes into the log tools/vm/run checks
	sleep 6
	echo scan > $kmemleak
	echo scan > $kmemleak
	if grep -q unreferenced $kmemleak; then
		echo "kmemleak: unreferenced objects after the command:" >&2
		head -n 200 $kmemleak >&2
		head -n 100 $kmemleak | while IFS= read -r line; do
			echo "kmemleak: $line" > /dev/kmsg
		done
	fi
fi
dmesg > "$res/dmesg"
echo "$rc" > "$res/rc"
