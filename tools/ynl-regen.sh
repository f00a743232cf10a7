#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the mpnic netlink family's kernel code and uapi header from its
# YNL spec with the kernel's generator (linux-source-6.12), or, with
# --check, fail when the committed files differ from what the spec makes.
#   tools/ynl-regen.sh [--check]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${KSRC:-${MPNIC_CACHE:-/var/cache/mpnic}/linux-source-6.12}
gen=$ksrc/tools/net/ynl/ynl-gen-c.py
spec=Documentation/netlink/specs/mpnic.yaml
check=0
[ "${1:-}" = --check ] && check=1

[ -f "$gen" ] || { echo "ynl-regen: no $gen (make deps, tools/selftests-fw.sh)" >&2; exit 1; }
cd "$top"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
# The generator finds the tree's root by MAINTAINERS and checks the spec
# against Documentation/netlink/genetlink.yaml: both are in the repo
while read -r mode kind file; do
	timeout 120 /usr/bin/python3 "$gen" --mode "$mode" "--$kind" --spec "$spec" \
		-o "$out/$(basename "$file")" >/dev/null
	if [ $check = 1 ]; then
		if ! cmp -s "$out/$(basename "$file")" "$file"; then
			echo "ynl-regen: $file is not what $spec generates (make regen)" >&2
			diff -u "$file" "$out/$(basename "$file")" | head -n 20 >&2
			status=1
		fi
	else
		cp "$out/$(basename "$file")" "$file"
	fi
done <<EOT
kernel source drivers/net/mpnic/mpnic_nl.c
kernel header drivers/net/mpnic/mpnic_nl.h
uapi header include/uapi/linux/mpnic.h
EOT
[ $check = 1 ] && [ $status = 0 ] && echo "ynl-regen: generated files match $spec"
exit $status
