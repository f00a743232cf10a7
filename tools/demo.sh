#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: install what is missing, build, boot a VM, create a card, wire
# it to a peer namespace, run ping and a short iperf3, print the counters.
#   KERNEL=6.1 make demo     to use the other kernel
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/tools/deps.sh"
exec "$top/tools/vm/run" --kernel "${KERNEL:-6.12}" --cpus "${VM_CPUS:-2}" -- \
	bash "$top/tools/demo-guest.sh"
