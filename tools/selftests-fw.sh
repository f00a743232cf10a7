#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Put the kselftest framework (lib.mk, kselftest/, net/lib.sh) from Debian's
# linux-source-6.12 into selftests/, where our test directory expects it at
# the places it has in a kernel tree. The files are not ours: they are
# git-ignored and taken fresh from the package.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${MPNIC_CACHE:-/var/cache/mpnic}
ksrc=${KSRC:-$cache/linux-source-6.12}
dst=$top/selftests
files="lib.mk kselftest/runner.sh kselftest/prefix.pl kselftest/ktap_helpers.sh
kselftest/module.sh net/lib.sh"

if [ ! -f "$ksrc/tools/testing/selftests/lib.mk" ]; then
	tarball=$(ls /usr/src/linux-source-6.12*.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || { echo "selftests-fw: linux-source-6.12 is not installed (make deps)" >&2; exit 1; }
	mkdir -p "$cache"
	echo "selftests-fw: extracting the kernel source from $tarball"
	tar -C "$cache" -xf "$tarball"
	[ -d "$ksrc" ] || mv "$cache/$(basename "$tarball" | sed 's/\.tar\..*//')" "$ksrc"
fi
for f in $files; do
	mkdir -p "$dst/$(dirname "$f")"
	cp "$ksrc/tools/testing/selftests/$f" "$dst/$f"
done
# bookworm's ethtool, for `ethtool -X` on kernels before 6.8 (selftests lib.sh
# rxfh_set); the VM sees the work tree, not /var/cache
old=${cache}/ethtool-bookworm/sbin/ethtool
if [ -x "$old" ]; then
	mkdir -p "$top/build/bin"
	cp "$old" "$top/build/bin/ethtool-6.1"
fi
# The kernel's YNL command-line tool and the netlink specs it reads, for the
# tests of the netdev family (selftests lib.sh ynl)
mkdir -p "$top/build/ynl/lib" "$top/build/ynl/specs"
cp "$ksrc/tools/net/ynl/cli.py" "$top/build/ynl/"
cp "$ksrc"/tools/net/ynl/lib/*.py "$top/build/ynl/lib/"
cp "$ksrc"/Documentation/netlink/specs/*.yaml "$top/build/ynl/specs/"
cp "$ksrc"/Documentation/netlink/genetlink*.yaml "$top/build/ynl/"
# Compiled here: the VM sees this tree read-only, and would compile it per call
/usr/bin/python3 -m compileall -q "$top/build/ynl/lib" >/dev/null
