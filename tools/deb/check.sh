#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-deb`: build the packages (make deb), then in a VM on each
# kernel install them, use them and remove them (tools/deb/guest.sh).
# Ends with "N passed, N failed, N skipped" over the cases. The guest
# compiles the module under emulation: it takes far longer than make
# check's builds (a first run on 6.1 had not finished DKMS's build, for
# two kernels then, in 20 minutes); each kernel's bound is 50 minutes.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
log=$top/build/check-deb
KERNELS=${KERNELS:-6.1 6.12}
pass=0 fail=0 skip=0

make -s deb || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
mkdir -p "$log"
for k in $KERNELS; do
	echo "== the packages on $k"
	{
		echo "# selftests: deb: guest.sh"
		tools/vm/run --kernel "$k" --no-insmod --timeout 3000 -- "bash $top/tools/deb/guest.sh" 2>&1 |
			sed -u '/^vm: /!s/^/# /'
		[ "${PIPESTATUS[0]}" = 0 ] && echo "ok 1 selftests: deb: guest.sh" ||
			echo "not ok 1 selftests: deb: guest.sh"
	} | tee "$log/$k.log" | grep --line-buffered -E '^(not )?ok|TEST:|^# 	|vm:'
	out=$(/usr/bin/python3 tools/ksft-cases.py "$log/$k.log" "packages on $k" --scripts guest.sh)
	echo "$out" | grep -v ': [0-9?]* s, [0-9]* cases$'
	read -r p f s <<< "$(echo "$out" | tail -n 1 | awk '{ print $(NF - 5), $(NF - 3), $(NF - 1) }')"
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-1})) skip=$((skip + ${s:-0}))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
