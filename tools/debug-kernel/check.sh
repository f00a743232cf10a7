#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the whole selftest suite on the debug kernel (KASAN,
# lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_NET, UBSAN, debug objects),
# built and cached by build.sh. Fails on any test failure and on any report
# in the kernel log; kmemleak is scanned after the suite, once mpnic is
# unloaded (tools/vm/guest.sh). Ends with "N passed, N failed, N skipped".
#   DEBUG_TESTS="a.sh b.sh"   run only these scripts
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
log=$top/build/check-debug
mkdir -p "$log"
start=$(date +%s)

bash tools/deps.sh || exit 1
bash tools/selftests-fw.sh || exit 1
# the selftests drive the family with it (they skip without it)
make mpnicctl > "$log/mpnicctl.log" 2>&1 || { tail -n 20 "$log/mpnicctl.log"; exit 1; }
kdir=$(bash tools/debug-kernel/build.sh 2> "$log/kernel-build.log" | tail -n 1)
if [ ! -f "$kdir/arch/x86/boot/bzImage" ]; then
	tail -n 30 "$log/kernel-build.log"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "== selftests on $(cat "$kdir/include/config/kernel.release")"

# Checked code runs several times slower: each script gets eight times the
# distro kernels' bound, the suite 3 hours, a fault's first effect and its
# recovery (faults.sh) a minute each. hostile.sh fuzzes netlink here too
# (opt-in in make check), where KASAN sees what each message does. The
# guest runs its command through "bash -c": one string, quoted
cmd=$(printf '%q ' env kselftest_override_timeout=3200 RECOVER_MS=60000 EFFECT_MS=60000 \
	HOSTILE_CONFIG=1 \
	make -C "$top/selftests" run_tests \
	${DEBUG_TESTS:+TEST_PROGS="$DEBUG_TESTS"})
tools/vm/run --kernel "$kdir" --cpus 2 --memory 4G --timeout 10800 -- "$cmd" 2>&1 |
	tee "$log/selftests.log" |
	grep --line-buffered -E '^(not )?ok |# TEST:|^# run:|\.sh: [0-9]+ s|^vm:|kmemleak|BUG|WARNING|blocked for'
rc=${PIPESTATUS[0]}
# Per case, every skip expected (as make check counts them); a VM that
# printed no test output at all fails every script, and a kernel report
# fails the run whatever the tests said
# (the expected skips are the whole suite's: a part has its own)
want=(--makefile selftests/drivers/net/mpnic/Makefile --expect tools/expected-skips/6.12)
[ -n "${DEBUG_TESTS:-}" ] && want=(--scripts "$DEBUG_TESTS")
out=$(/usr/bin/python3 tools/ksft-cases.py "$log/selftests.log" debug "${want[@]}")
echo "$out"
read -r p f s <<< "$(echo "$out" | tail -n 1 | awk '{ print $(NF - 5), $(NF - 3), $(NF - 1) }')"
f=${f:-1}
if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
	f=$((f + 1))
fi
echo "== check-debug took $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
