/* SPDX-License-Identifier: GPL-2.0 */
/* Pure logic also builds in user space (tools/unit/), against shim.h */
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
