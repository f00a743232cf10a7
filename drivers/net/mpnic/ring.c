// SPDX-License-Identifier: GPL-2.0

#include "ring.h"

#ifdef __KERNEL__
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#endif

/* @count is rounded up to a power of two */
int mpnic_ring_init(struct mpnic_ring *ring, u32 count, u32 esize, int node)
{
	u32 n = roundup_pow_of_two(count ? count : 1);

	memset(ring, 0, sizeof(*ring));
	ring->entries = kvzalloc_node(array_size(n, esize), GFP_KERNEL, node);
	if (!ring->entries)
		return -ENOMEM;
	ring->mask = n - 1;
	ring->esize = esize;
	return 0;
}

void mpnic_ring_free(struct mpnic_ring *ring)
{
	kvfree(ring->entries);
	ring->entries = NULL;
}
