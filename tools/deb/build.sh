#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages mpnic-dkms (the module's source, built by
# DKMS on the host) and mpnic-tools (mpnicctl, its man page, the YNL spec,
# the uapi headers), from a copy of the tree with tools/deb/debian as its
# debian/ and a changelog stamped with dkms.conf's version. lintian checks
# them: an error fails, each warning left is explained in
# tools/deb/lintian-accepted. The packages land in build/deb/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

pkgs=(debhelper dh-dkms dkms lintian fakeroot libmnl-dev pkgconf dpkg-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Use-Pty=0 "${missing[@]}" >&2
fi

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
[ -n "$ver" ] || { echo "deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
out=$top/build/deb
src=$out/mpnic-$ver
rm -rf "$out"
mkdir -p "$src"
# What a release holds: the module's tree, the tools, their documents
{ git ls-files --cached --others --exclude-standard Kbuild dkms.conf Makefile drivers include \
	tools/mpnicctl/Makefile tools/mpnicctl/mpnicctl.c Documentation/netlink \
	Documentation/man 2>/dev/null ||
  find Kbuild dkms.conf Makefile drivers include tools/mpnicctl/Makefile \
	tools/mpnicctl/mpnicctl.c Documentation/netlink Documentation/man -type f; } |
	grep -v '\.ko$' | tar -cf - -T - | tar -xf - -C "$src"
cp -r tools/deb/debian "$src/debian"
cat > "$src/debian/changelog" <<EOF
mpnic ($ver) unstable; urgency=medium

  * Built from $(git describe --always --dirty 2>/dev/null || echo "a tree without git").

 -- mpnic developers <mpnic-devel@example.org>  $(date -R)
EOF
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; exit 1; }
changes=$(ls "$out"/mpnic_"$ver"_*.changes)
# lintian: errors fail; warnings must be the accepted ones
lintian --tag-display-limit 0 "$changes" > "$out/lintian.log" 2>&1 || true
cat "$out/lintian.log"
bad=$(grep -E '^[EW]: ' "$out/lintian.log" | awk '{ print $2, $3 }' | sort -u |
	grep -vxF -f <(grep -v '^#' tools/deb/lintian-accepted | awk 'NF { print $1, $2 }') || true)
if [ -n "$bad" ]; then
	echo "deb: lintian findings not in tools/deb/lintian-accepted:" >&2
	echo "$bad" >&2
	exit 1
fi
ls "$out"/*.deb
