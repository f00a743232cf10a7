/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of mpnic's pure logic (ring, rss, parse): these files build
 * both in the module and in user space (tools/unit/), where shim.h stands in
 * for the kernel headers.
 */
#ifndef _MPNIC_PURE_H
#define _MPNIC_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/bits.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#else
#include "shim.h"
#endif

#endif /* _MPNIC_PURE_H */
