#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything CI runs. Installs what is missing, builds for both
# Debian kernels with W=1 (warnings are errors), runs sparse, the user-space
# unit tests (and the bench report's, on synthetic data), then the
# kselftests in a VM on each kernel, and the extended cases on 6.12. The
# steps (builds, static checks) are listed apart; the closing line
# "N passed, N failed, N skipped" counts test cases: unit tests, each
# selftest case (tools/ksft-cases.py), and one failure for each step that
# failed. Every skip must be listed in tools/expected-skips/;
# a kernel report in any VM run fails the run. Exits non-zero on any
# failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KERNELS=${KERNELS:-"6.1 6.12"}
VM_CPUS=${VM_CPUS:-2}
# The 6.12 suite took 31 min here before its per-process costs were cut
# (YNL spec cache, scapy layers, ip -batch), and 30 min (1815 s, 6.1: 1572 s)
# in a fresh-clone run on 2026-11-27 on a slow evening, when the whole check
# took 65 min: 2700 s leaves a slower machine room. A guest that
# hangs is killed at VM_TIMEOUT, and never later than leaves each VM run
# still to come VM_RESERVE s before CHECK_BUDGET (counted from the start,
# dependencies included) runs out: CI (90 min) always reaches its closing
# line, whatever hangs.
VM_TIMEOUT=${VM_TIMEOUT:-2700}
VM_RESERVE=${VM_RESERVE:-300}
CHECK_BUDGET=${CHECK_BUDGET:-4800}
log=$top/build/check
# Every build of the run, the VM runs' (tools/vm/run) and sparse's
# included, with the same flags: kbuild compiles everything again when
# they change, and W=1 -Werror is what CI builds with
export WERROR=1
jobs=-j$(nproc)
mkdir -p "$log"
pass=0 fail=0 skip=0
steps_ok=0 steps_failed=0
summary=()
start=$(date +%s)
step_start=$start

# A step (a build, a static check) passed or failed: not a test case, but
# a failed one counts as a failed case too, for the cases it kept from
# running. Each prints its time, so that growth is visible
result()
{
	local rc=$1 name=$2 now secs

	now=$(date +%s)
	secs=$((now - step_start))
	step_start=$now
	if [ "$rc" = 0 ]; then
		steps_ok=$((steps_ok + 1))
		echo "ok - $name ($secs s)"
	else
		steps_failed=$((steps_failed + 1))
		fail=$((fail + 1))
		echo "not ok - $name ($secs s)"
		summary+=("step failed: $name")
	fi
}

# The cases of a VM run's log: cases LOG LABEL [ksft-cases.py options]
cases()
{
	local out line p f s

	out=$(/usr/bin/python3 tools/ksft-cases.py "$@")
	echo "$out" | grep -v ': [0-9?]* s, [0-9]* cases$'
	echo "$out" | grep ': [0-9?]* s, [0-9]* cases$' >> "$log/times.txt"
	line=$(echo "$out" | tail -n 1)
	read -r p f s <<< "$(echo "$line" | awk '{ print $(NF - 5), $(NF - 3), $(NF - 1) }')"
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-1})) skip=$((skip + ${s:-0}))
	# the VM run's time, from its boot
	summary+=("$line (in $(($(date +%s) - step_start)) s)")
}

# The timeout of a VM run with $1 more runs after it
vm_timeout()
{
	local left=$((start + CHECK_BUDGET - $(date +%s) - $1 * VM_RESERVE))

	[ "$left" -lt 60 ] && left=60
	[ "$left" -lt "$VM_TIMEOUT" ] && echo "$left" || echo "$VM_TIMEOUT"
}

release_of()
{
	ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V |
		awk -v k="$1" 'index($0, k ".") == 1 || index($0, k "-") == 1' | tail -n 1
}

echo "== dependencies"
bash tools/deps.sh
rc=$?
result $rc "dependencies installed"
[ $rc = 0 ] || { echo "$pass passed, $fail failed, $skip skipped"; exit 1; }
: > "$log/times.txt"
bash tools/selftests-fw.sh
result $? "kselftest framework from linux-source-6.12"

for k in $KERNELS; do
	rel=$(release_of "$k")
	echo "== build for $k ($rel), W=1, warnings are errors"
	make "$jobs" KVER="$rel" > "$log/build-$k.log" 2>&1
	rc=$?
	if grep -E 'warning:|error:' "$log/build-$k.log"; then
		rc=1
	fi
	[ $rc = 0 ] || tail -n 30 "$log/build-$k.log"
	result $rc "build for $rel"

	echo "== layers for $k: no file calls into a higher layer"
	tools/layers.sh "build/$rel/drivers/net/mpnic"
	result $? "layering of the objects for $rel"

	echo "== sparse for $k"
	make "$jobs" KVER="$rel" sparse
	result $? "sparse for $rel"
done

echo "== checkpatch --strict: no finding tools/checkpatch-known.txt does not accept"
make style
result $? "checkpatch --strict, no new findings"

echo "== the netlink family: generated code, mpnicctl"
make regen-check
result $? "generated netlink code matches its YNL spec"
make mpnicctl > "$log/mpnicctl.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 20 "$log/mpnicctl.log"
result $rc "mpnicctl builds with -Wall -Wextra -Werror"

echo "== make install into a staging directory, then make uninstall"
inst=$(mktemp -d)
rel=$(release_of 6.12)
want=$(printf '%s\n' "./lib/modules/$rel/updates/mpnic.ko" ./usr/sbin/mpnicctl \
	./usr/include/linux/mpnic.h ./usr/include/linux/if_mpnic.h \
	./usr/share/ynl/specs/mpnic.yaml ./usr/share/man/man8/mpnicctl.8 | sort)
{
	make install DESTDIR="$inst" KVER="$rel" &&
	got=$(cd "$inst" && find . -type f | sort) &&
	{ [ "$got" = "$want" ] || { echo "installed:"; echo "$got"; false; }; } &&
	[ "$(PATH=$PATH:/usr/sbin:/sbin modinfo -F version "$inst/lib/modules/$rel/updates/mpnic.ko")" = \
	  "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)" ] &&
	make uninstall DESTDIR="$inst" KVER="$rel" &&
	{ [ -z "$(find "$inst" -type f)" ] || { echo "left:"; find "$inst" -type f; false; }; }
} > "$log/install.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 20 "$log/install.log"
result $rc "make install DESTDIR: the files, dkms.conf's version; make uninstall: none left"
rm -rf "$inst"

echo "== unit tests"
make "$jobs" -C tools/unit run > "$log/unit.log" 2>&1
rc=$?
grep -E '^not ok|^unit:' "$log/unit.log"
up=$(awk '/^unit:/ { print $2 }' "$log/unit.log")
uf=$(awk '/^unit:/ { print $4 }' "$log/unit.log")
pass=$((pass + ${up:-0}))
fail=$((fail + ${uf:-0}))
[ $rc = 0 ] || [ "${uf:-0}" -gt 0 ] || uf=1 fail=$((fail + 1))
summary+=("unit: ${up:-0} passed, ${uf:-0} failed")

echo "== the benchmark report's verdicts, on synthetic data"
make -s -C tools/bench test > "$log/bench-report.log" 2>&1
rc=$?
grep -E '^report_test:|FAIL' "$log/bench-report.log"
bp=$(awk '/^report_test:/ { print $2 }' "$log/bench-report.log")
bt=$(awk '/^report_test:/ { print $4 }' "$log/bench-report.log")
bf=$(( ${bt:-1} - ${bp:-0} ))
[ $rc = 0 ] || [ "$bf" -gt 0 ] || bf=1
pass=$((pass + ${bp:-0})) fail=$((fail + bf))
summary+=("bench report: ${bp:-0} passed, $bf failed")

set -- $KERNELS
for k in $KERNELS; do
	shift
	tmo=$(vm_timeout $(($# + 2)))
	echo "== selftests in a VM on $k (bound: $tmo s)"
	step_start=$(date +%s)
	tools/vm/run --kernel "$k" --cpus "$VM_CPUS" --timeout "$tmo" -- \
		make -C "$top/selftests" run_tests 2>&1 | tee "$log/selftests-$k.log" |
		grep --line-buffered -E '^(not )?ok |# TEST:|^# run:|\.sh: [0-9]+ s|^vm:|BUG|WARNING|blocked for|to become free'
	rc=${PIPESTATUS[0]}
	cases "$log/selftests-$k.log" "selftests on $k" \
		--makefile selftests/drivers/net/mpnic/Makefile --expect "tools/expected-skips/$k"
	# What each failed test printed last: CI shows only this output
	awk '/^# selftests: / { n = 0 }
	     /^# / { buf[n++ % 40] = $0 }
	     /^not ok [0-9]+ selftests:/ {
		print "== the end of what it printed: " $0
		for (i = (n > 40 ? n - 40 : 0); i < n; i++)
			print buf[i % 40]
	     }' "$log/selftests-$k.log"
done

# A script run alone in a VM, printing the kselftest runner's markers
# around its output, for tools/ksft-cases.py: ext_case SCRIPT ENV
ext_case()
{
	printf 'echo "# selftests: extended: %s"; ' "$1"
	printf '(cd %q && env %s ./%s) 2>&1 | sed "s/^/# /"; ' \
		"$top/selftests/drivers/net/mpnic" "$2" "$1"
	printf 'case ${PIPESTATUS[0]} in 0) echo "ok 1 selftests: extended: %s";; ' "$1"
	printf '4) echo "ok 1 selftests: extended: %s # SKIP";; ' "$1"
	printf '*) echo "not ok 1 selftests: extended: %s";; esac; ' "$1"
}

# What the suite leaves to opt-in, run here on 6.12 alone (the time
# budget has no room for both kernels): integrity at MTU 9000 and the
# hostile configuration (netlink fuzzing under churn)
tmo=$(vm_timeout 1)
[ "$tmo" -gt 1200 ] && tmo=1200
echo "== extended cases on 6.12: MTU 9000 integrity, hostile configuration (bound: $tmo s)"
step_start=$(date +%s)
tools/vm/run --kernel 6.12 --cpus "$VM_CPUS" --timeout "$tmo" -- \
	"$(ext_case integrity.sh "TESTS=integrity_9000 XFER_MIB=64")$(ext_case hostile.sh TESTS=hostile_config)" \
	2>&1 | tee "$log/extended-6.12.log" |
	grep --line-buffered -E '^(not )?ok |# TEST:|\.sh: [0-9]+ s|^vm:|BUG|WARNING|blocked for|to become free'
cases "$log/extended-6.12.log" "extended on 6.12" --scripts "integrity.sh hostile.sh"

# The spread test once more where every engine has a vCPU of its own
tmo=$(vm_timeout 0)
[ "$tmo" -gt 600 ] && tmo=600
echo "== 4 engines on 4 vCPUs (6.12): rss.sh balance (bound: $tmo s)"
step_start=$(date +%s)
tools/vm/run --kernel 6.12 --cpus 4 --timeout "$tmo" -- "$(ext_case rss.sh TESTS=balance)" \
	2>&1 | tee "$log/balance-4cpu.log" |
	grep --line-buffered -E '^(not )?ok |# TEST:|^vm:|BUG|WARNING|per engine'
cases "$log/balance-4cpu.log" "rss.sh balance, 4 vCPUs" --scripts rss.sh

echo "== per-script time (s) and cases"
sort -t: -k1,1 -s "$log/times.txt"
echo "== summary"
echo "steps: $steps_ok passed, $steps_failed failed"
printf '%s\n' "${summary[@]}"
echo "== check took $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
