#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything mpnic needs to build and test, from Debian's packages.
# Idempotent: when everything is present it only checks and returns.
#
# Suites: bookworm (6.1 kernel, tools), bookworm-backports and
# bookworm-security (the 6.12 kernel and linux-source-6.12), trixie (only
# virtme-ng and ethtool 6.14, installed with bookworm's dependencies; trixie is
# pinned low so nothing else is ever taken from it). A missing suite is added
# by reusing the mirror URI the machine's apt sources already name.
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "deps: must run as root" >&2; exit 1; }

PKGS_BASE=(
	build-essential bc kmod sparse
	qemu-system-x86 busybox-static file
	python3-argcomplete python3-pkg-resources python3-requests
	iproute2 iputils-ping iperf3 python3-scapy python3-yaml python3-jsonschema
	libmnl-dev pkg-config socat procps
	linux-source-6.12
	linux-image-amd64 linux-headers-amd64
)
K612=(linux-image-6.12-amd64 linux-headers-6.12-amd64)

have_all() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || return 1
	done
}

ethtool_ok() {
	ethtool --version 2>/dev/null | awk '{ split($3, v, "."); exit !(v[1] > 6 || (v[1] == 6 && v[2] >= 14)) }'
}

# ethtool 6.14 fills input_xfrm in ETHTOOL_SRSSH, a field kernels before 6.8
# refuse as reserved: the selftests set RSS with bookworm's ethtool there.
ETHTOOL_OLD=${MPNIC_CACHE:-/var/cache/mpnic}/ethtool-bookworm
old_ethtool_ok() { [ -x "$ETHTOOL_OLD/sbin/ethtool" ]; }

src_ok() { ls /usr/src/linux-source-6.12*.tar.* >/dev/null 2>&1 || [ -d "${KSRC_DIR:-/var/cache/mpnic/linux-source-6.12}" ]; }

if have_all "${PKGS_BASE[@]}" "${K612[@]}" virtme-ng && ethtool_ok && old_ethtool_ok &&
   command -v vng >/dev/null &&
   ls /lib/modules/6.12*/build/Makefile >/dev/null 2>&1 &&
   ls /lib/modules/6.1.0*/build/Makefile >/dev/null 2>&1; then
	echo "deps: all present"
	exit 0
fi

# Find the Debian mirror URI already in use (deb822 or one-line format).
mirror=$(
	{
		grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{ print $2 }'
		grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }'
	} | grep -E '/debian/?$' | head -n 1
) || true
[ -n "$mirror" ] || { echo "deps: no Debian mirror found in apt sources" >&2; exit 1; }

suite_configured() {
	grep -hsE "(^Suites:.*[[:space:]]$1([[:space:]]|\$)|^deb .*[[:space:]]$1[[:space:]])" \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list >/dev/null
}

add=()
for s in bookworm-backports trixie; do
	suite_configured "$s" || add+=("$s")
done
if [ ${#add[@]} -gt 0 ]; then
	echo "deps: adding suites ${add[*]} from $mirror"
	cat > /etc/apt/sources.list.d/mpnic-extra.sources <<SRC
Types: deb
URIs: $mirror
Suites: ${add[*]}
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
cat > /etc/apt/preferences.d/mpnic-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 50
PIN

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq

# The 6.12 kernel: bookworm-security's linux-6.12 when the mirror has it (its
# version matches linux-source-6.12), else bookworm-backports.
if ! apt-cache show linux-image-6.12-amd64 >/dev/null 2>&1; then
	img=$(apt-cache depends linux-image-amd64/bookworm-backports 2>/dev/null |
		awk '/Depends: linux-image-6\.12/ { print $2; exit }')
	[ -n "$img" ] || { echo "deps: no 6.12 kernel found" >&2; exit 1; }
	K612=("$img" "${img/image/headers}")
	K612=("${K612[@]/-unsigned/}")
fi

apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 \
	"${PKGS_BASE[@]}" "${K612[@]}" virtme-ng/trixie ethtool/trixie >/dev/null

ethtool_ok || { echo "deps: ethtool >= 6.14 not installed" >&2; exit 1; }

if ! old_ethtool_ok; then
	ver=$(apt-cache madison ethtool | awk '$6 ~ /^bookworm\// { print $3; exit }')
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq "ethtool=$ver" >/dev/null 2>&1)
	mkdir -p "$ETHTOOL_OLD"
	dpkg -x "$tmp"/ethtool_*.deb "$ETHTOOL_OLD"
	rm -rf "$tmp"
	old_ethtool_ok || { echo "deps: bookworm's ethtool could not be unpacked" >&2; exit 1; }
fi
echo "deps: installed"
