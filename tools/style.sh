#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make style`: checkpatch --strict over the hand-written sources. It fails
# on any finding that tools/checkpatch-known.txt does not accept; that file
# lists, per file and without line numbers, the findings kept on purpose
# (each group says why). --update rewrites it from the current findings.
#   tools/style.sh [--update] FILE...
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${KSRC:-${MPNIC_CACHE:-/var/cache/mpnic}/linux-source-6.12}
known=$top/tools/checkpatch-known.txt
update=0
[ "${1:-}" = --update ] && { update=1; shift; }
cp=$ksrc/scripts/checkpatch.pl
[ -f "$cp" ] || { echo "style: no $cp (make deps, tools/selftests-fw.sh)" >&2; exit 1; }

cd "$top" || exit 1
raw=$(mktemp) now=$(mktemp)
trap 'rm -f "$raw" "$now"' EXIT
perl "$cp" --strict --no-tree --terse --show-types -f "$@" 2>/dev/null |
	grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' > "$raw"
# FILE: TYPE:KIND: message, without the line number
sed -E 's/^([^:]+):[0-9]+: /\1: /' "$raw" | sort > "$now"
if [ $update = 1 ]; then
	{ grep '^#' "$known" 2>/dev/null; cat "$now"; } > "$known.new" && mv "$known.new" "$known"
	echo "style: $(wc -l < "$now") findings recorded in $known"
	exit 0
fi
new=$(comm -13 <(grep -v '^#' "$known" | sort) "$now")
if [ -n "$new" ]; then
	echo "style: checkpatch --strict findings not in tools/checkpatch-known.txt:"
	while IFS= read -r line; do
		f=${line%%: *} rest=${line#*: }
		grep -F -- "$f:" "$raw" | grep -F -- ": $rest" | head -n 1
	done <<< "$new"
	exit 1
fi
echo "style: checkpatch --strict: $(wc -l < "$now") known findings, none new"
