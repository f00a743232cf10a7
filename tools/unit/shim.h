/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the kernel headers that mpnic's pure logic
 * (ring, rss, parse) uses, so the same source files build here.
 */
#ifndef _MPNIC_UNIT_SHIM_H
#define _MPNIC_UNIT_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define BIT(n)			(1u << (n))
#define U16_MAX			((u16)~0U)
#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)
/* each argument evaluated once, as the kernel's */
#define min_t(t, a, b)		({ t min_a_ = (a), min_b_ = (b); min_a_ < min_b_ ? min_a_ : min_b_; })
#define max_t(t, a, b)		({ t max_a_ = (a), max_b_ = (b); max_a_ > max_b_ ? max_a_ : max_b_; })
#define ____cacheline_aligned_in_smp __attribute__((aligned(64)))
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define GFP_KERNEL		0
#define NUMA_NO_NODE		(-1)
#define array_size(n, size)	((size_t)(n) * (size))
/* one node here: @gfp and @node do not apply */
#define kvzalloc_node(size, gfp, node) calloc(1, (size))
#define kvfree(p)		free(p)

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

struct rcu_head {
	void *next, *func;
};

static inline u32 roundup_pow_of_two(u32 n)
{
	u32 p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

#endif /* _MPNIC_UNIT_SHIM_H */
