#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel `make check-debug` boots: Debian's linux-source-6.12
# with virtme-ng's minimal configuration plus debug.config (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_NET, UBSAN, debug objects). It is
# cached outside the repository and rebuilt only when debug.config or the
# source changes. Prints the build directory on its last line.
#
#   tools/debug-kernel/build.sh [OUTDIR]     (default /var/cache/mpnic/debug-6.12)
#
# Takes about 20 minutes on 2 cores (Documentation/networking/mpnic.rst).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${KSRC:-/var/cache/mpnic/linux-source-6.12}
out=${1:-/var/cache/mpnic/debug-6.12}
jobs=${JOBS:-$(nproc)}

if [ ! -f "$src/Makefile" ]; then
	bash "$here/../deps.sh" >&2
fi
[ -f "$src/Makefile" ] || { echo "debug-kernel: no kernel source at $src" >&2; exit 1; }

# What building a kernel takes beyond building modules (make deps leaves
# these out: only this script needs them)
kpkgs=(flex bison libelf-dev libssl-dev bc cpio)
kpkgs_installed()
{
	local p

	for p in "${kpkgs[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || return 1
	done
}
kpkgs_installed ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Use-Pty=0 "${kpkgs[@]}" >&2 ||
	{ echo "debug-kernel: cannot install ${kpkgs[*]}" >&2; exit 1; }

stamp=$(cat "$here/debug.config" "$here/build.sh" "$src/Makefile" | sha256sum | cut -c1-16)
if [ -f "$out/arch/x86/boot/bzImage" ] && [ "$(cat "$out/.mpnic-stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "debug-kernel: up to date" >&2
	echo "$out"
	exit 0
fi

mkdir -p "$out"
start=$(date +%s)
# virtme-configkernel works in the current directory's tree; O= puts the
# configuration and the objects in $out and leaves the source untouched
(cd "$src" && virtme-configkernel --defconfig O="$out") >&2
# virtme's items would override a --custom snippet: merge ours last
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$here/debug.config") >&2
make -C "$src" O="$out" olddefconfig >&2
# Whatever Kconfig refused from debug.config is a build that checks less
# than it claims: name it
missing=0
while IFS= read -r line; do
	case "$line" in
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || { echo "debug-kernel: $opt is set" >&2; missing=1; } ;;
	CONFIG_*=*) grep -qxF "$line" "$out/.config" ||
		{ echo "debug-kernel: $line did not take" >&2; missing=1; } ;;
	esac
done < "$here/debug.config"
[ "$missing" = 0 ] || exit 1
nice -n 10 make -C "$src" O="$out" -j"$jobs" bzImage modules >&2
echo "$stamp" > "$out/.mpnic-stamp"
echo "debug-kernel: built in $(( $(date +%s) - start )) s" >&2
echo "$out"
