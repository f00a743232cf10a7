/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptor rings between the card's agents. Each ring has one producer
 * and one consumer at a time; a side with several agents serializes them
 * itself (dispatch holds the engine's in_lock).
 */
#ifndef _MPNIC_RING_H
#define _MPNIC_RING_H

#include "pure.h"

struct mpnic_ring {
	/* Producer side: written only by the producer */
	u32 prod ____cacheline_aligned_in_smp;
	/* Consumer side: written only by the consumer */
	u32 cons ____cacheline_aligned_in_smp;
	/* Read-only after init */
	u32 mask ____cacheline_aligned_in_smp;	/* entries - 1, a power of two minus one */
	u32 esize;				/* bytes per entry */
	u8 *entries;
};

int mpnic_ring_init(struct mpnic_ring *ring, u32 count, u32 esize, int node);
void mpnic_ring_free(struct mpnic_ring *ring);

static inline u32 mpnic_ring_size(const struct mpnic_ring *ring)
{
	return ring->mask + 1;
}

/* Either side: entries produced and not yet released. Racy by nature. */
static inline u32 mpnic_ring_count(const struct mpnic_ring *ring)
{
	return READ_ONCE(ring->prod) - READ_ONCE(ring->cons);
}

static inline bool mpnic_ring_empty(const struct mpnic_ring *ring)
{
	return READ_ONCE(ring->prod) == READ_ONCE(ring->cons);
}

static inline void *mpnic_ring_entry(const struct mpnic_ring *ring, u32 pos)
{
	return ring->entries + (size_t)(pos & ring->mask) * ring->esize;
}

/* Producer only; NULL when the ring is full */
static inline void *mpnic_ring_prod_slot(struct mpnic_ring *ring)
{
	/* pairs with smp_store_release() in mpnic_ring_cons_release() */
	u32 cons = smp_load_acquire(&ring->cons);

	if (ring->prod - cons > ring->mask)
		return NULL;
	return mpnic_ring_entry(ring, ring->prod);
}

/* Producer only: the @i-th free slot, for entries published together by
 * mpnic_ring_prod_commit_n().
 */
static inline void *mpnic_ring_prod_slot_n(struct mpnic_ring *ring, u32 i)
{
	/* pairs with smp_store_release() in mpnic_ring_cons_release() */
	u32 cons = smp_load_acquire(&ring->cons);

	if (ring->prod + i - cons > ring->mask)
		return NULL;
	return mpnic_ring_entry(ring, ring->prod + i);
}

/* Producer only */
static inline void mpnic_ring_prod_commit_n(struct mpnic_ring *ring, u32 n)
{
	/* pairs with smp_load_acquire() in mpnic_ring_cons_peek() */
	smp_store_release(&ring->prod, ring->prod + n);
}

/* Producer only */
static inline void mpnic_ring_prod_commit(struct mpnic_ring *ring)
{
	/* pairs with smp_load_acquire() in mpnic_ring_cons_peek() */
	smp_store_release(&ring->prod, ring->prod + 1);
}

/* Consumer only; NULL when the ring is empty */
static inline void *mpnic_ring_cons_peek(struct mpnic_ring *ring)
{
	/* pairs with smp_store_release() in mpnic_ring_prod_commit() */
	u32 prod = smp_load_acquire(&ring->prod);

	if (prod == ring->cons)
		return NULL;
	return mpnic_ring_entry(ring, ring->cons);
}

/* Consumer only */
static inline void mpnic_ring_cons_release(struct mpnic_ring *ring)
{
	/* pairs with smp_load_acquire() in mpnic_ring_prod_slot() */
	smp_store_release(&ring->cons, ring->cons + 1);
}

#endif /* _MPNIC_RING_H */
