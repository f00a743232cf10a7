#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The layering check: no object of the module refers to a non-static symbol
# (function or variable) defined in an object of a higher layer.
#   tools/layers.sh [OBJDIR]    (default: the newest build's objects)
# The layers, top to bottom, as Documentation/networking/mpnic.rst draws
# them; a file in no layer fails the check. Calls inside a layer are free.
# Inline functions in headers are not seen: they belong to no object.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
objdir=${1:-$(ls -d "$top"/build/*/drivers/net/mpnic 2>/dev/null | sort -V | tail -n 1)}
[ -d "$objdir" ] || { echo "layers: no objects (make first)" >&2; exit 1; }

declare -A layer=(
	[main]=5
	[link]=4 [channels]=4 [ethtool]=4 [ntuple]=4 [rssctx]=4 [qstats]=4 [arfs]=4
	[devlink]=4 [health]=4 [netlink]=4 [mpnic_nl]=4 [debugfs]=4
	[compat/devlink_ports]=4 [toe]=4 [toe_sock]=4
	[netdev]=3 [txrx]=3 [wire]=3
	[card]=2 [dispatch]=2 [bus]=2
	[engine]=1 [engine_rx]=1 [engine_tx]=1 [gro]=1 [stack]=1
	[selftest]=1 [hotplug]=1 [toe_table]=1 [toe_conn]=1
	[parse]=0 [rss]=0 [flow]=0 [tso]=0 [ring]=0
	[tcp_buf]=0 [tcp_rto]=0 [tcp_cc]=0 [tcp_conn]=0 [tcp_in]=0 [tcp_out]=0
)
name=(engine card port control module)
name=(pure "${name[@]}")

# A file's name: its path under the module's directory, less .o
fname() { local f=${1#"$objdir"/}; echo "${f%.o}"; }

objs=()
for o in "$objdir"/*.o "$objdir"/compat/*.o; do
	[ -e "$o" ] || continue
	f=$(fname "$o")
	case $f in mpnic|*.mod) continue ;; esac
	if [ -z "${layer[$f]:-}" ]; then
		echo "layers: $f.c is in no layer (tools/layers.sh)" >&2
		exit 1
	fi
	objs+=("$o")
done

declare -A def
for o in "${objs[@]}"; do
	f=$(fname "$o")
	while read -r _ _ sym; do
		def[$sym]=$f
	done < <(nm --defined-only "$o" | awk '$2 ~ /^[TDBRG]$/')
done

bad=0 edges=0
for o in "${objs[@]}"; do
	f=$(fname "$o")
	while read -r _ sym; do
		g=${def[$sym]:-}
		[ -n "$g" ] && [ "$g" != "$f" ] || continue
		edges=$((edges + 1))
		if [ "${layer[$g]}" -gt "${layer[$f]}" ]; then
			echo "layers: $f.c (${name[${layer[$f]}]}) uses $sym of $g.c (${name[${layer[$g]}]})"
			bad=$((bad + 1))
		fi
	done < <(nm -u "$o")
done
if [ $bad -gt 0 ]; then
	echo "layers: $bad references to a higher layer"
	exit 1
fi
echo "layers: ${#objs[@]} objects, $edges references between files, none upward"
