#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In a VM (tools/deb/check.sh): install the packages make deb built, see
# DKMS build and install mpnic for the running kernel, load it, pass
# traffic through a card with the installed mpnicctl, remove the packages
# and see everything gone. The guest's /etc, /lib, /usr and /var are
# writable overlays: nothing reaches the host. Prints one "TEST:" line per
# case (tools/ksft-cases.py counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
deb=$top/build/deb
kver=$(uname -r)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
rc=0

t()
{
	local name=$1

	shift
	if "$@" > /tmp/deb-case.log 2>&1; then
		printf 'TEST: %-68s [ OK ]\n' "$name"
	else
		printf 'TEST: %-68s [FAIL]\n' "$name"
		printf '\t%s\n' "$(tail -n 5 /tmp/deb-case.log | tr '\n' ' ')"
		rc=1
	fi
}

installed_for_kver()
{
	dkms status -m mpnic -v "$ver" -k "$kver" | grep -q installed
}

from_dkms()
{
	[ "$(modinfo -F version mpnic)" = "$ver" ] &&
		modinfo -n mpnic | grep -q "^/lib/modules/$kver/updates/dkms/mpnic.ko"
}

card_traffic()
{
	ip netns add debpeer &&
	ip link add mpnic0 type mpnic &&
	ip link add veth0 type veth peer name veth1 netns debpeer &&
	ip link set veth0 master mpnic0 && ip link set veth0 up &&
	ip addr add 198.51.100.1/24 dev mpnic0 && ip link set mpnic0 up &&
	ip -n debpeer link set veth1 up &&
	ip -n debpeer addr add 198.51.100.2/24 dev veth1 &&
	/usr/sbin/mpnicctl card show | grep -q . &&
	ethtool -i mpnic0 | grep -qx "version: $ver" &&
	ping -c 3 -i 0.2 -W 5 198.51.100.2
}

card_gone()
{
	ip link del mpnic0 2>/dev/null
	ip netns del debpeer 2>/dev/null
	modprobe -r mpnic
}

all_gone()
{
	! modinfo mpnic 2>/dev/null && [ ! -e /usr/sbin/mpnicctl ] &&
		[ ! -e /usr/share/ynl/specs/mpnic.yaml ] && [ ! -e /usr/include/linux/mpnic.h ] &&
		[ ! -d "/usr/src/mpnic-$ver" ] && ! dkms status -m mpnic | grep -q .
}

echo "# mpnic $ver packages on $kver"
# DKMS's postinst builds for the running kernel and the newest installed:
# an empty tmpfs over the other kernels' trees (the host's stay as they
# are) has the emulated guest compile the module once
for d in /lib/modules/*; do
	[ "$(basename "$d")" = "$kver" ] || mount -t tmpfs -o size=1M none "$d"
done
t "dpkg -i mpnic-dkms mpnic-tools: DKMS builds the module for $kver" \
	dpkg -i "$deb/mpnic-dkms_${ver}_all.deb" "$deb"/mpnic-tools_"${ver}"_*.deb
t "dkms status: mpnic $ver installed for $kver" installed_for_kver
t "modinfo: version $ver, from updates/dkms" from_dkms
t "modprobe mpnic" modprobe mpnic
t "a card, the installed mpnicctl, ethtool -i, ping through it" card_traffic
t "the card deleted, the module unloaded" card_gone
t "dpkg --purge: both packages removed" dpkg --purge mpnic-tools mpnic-dkms
t "the module, mpnicctl, the spec, the headers and the source gone" all_gone
exit $rc
