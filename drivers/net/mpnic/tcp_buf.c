// SPDX-License-Identifier: GPL-2.0
/* The engine's TCP buffers: byte rings in card memory, the out-of-order set */

#include "tcp.h"

void mpnic_tcp_ring_init(struct mpnic_tcp_ring *ring, u8 *buf, u32 size)
{
	ring->buf = buf;
	ring->size = size;
	ring->head = 0;
	ring->len = 0;
}

/* Index of byte @off from the head; off < size, head < size: one fold */
static u32 mpnic_tcp_ring_idx(const struct mpnic_tcp_ring *ring, u32 off)
{
	u32 idx = ring->head + off;

	return idx >= ring->size ? idx - ring->size : idx;
}

/**
 * mpnic_tcp_ring_put - copy bytes in at an offset, leaving the length alone
 * @ring: the ring
 * @off: from the head; off + n <= size
 * @src: the bytes
 * @n: how many
 *
 * Out-of-order data lands past the held bytes this way; appending is
 * put + a longer length.
 */
void mpnic_tcp_ring_put(struct mpnic_tcp_ring *ring, u32 off, const u8 *src, u32 n)
{
	u32 idx, first;

	if (!n)
		return;
	idx = mpnic_tcp_ring_idx(ring, off);
	first = min_t(u32, n, ring->size - idx);
	memcpy(ring->buf + idx, src, first);
	memcpy(ring->buf, src + first, n - first);
}

/**
 * mpnic_tcp_ring_append - queue bytes at the tail
 * @ring: the ring
 * @src: the bytes
 * @n: how many
 *
 * Return: the bytes queued, fewer than @n when the ring fills.
 */
u32 mpnic_tcp_ring_append(struct mpnic_tcp_ring *ring, const u8 *src, u32 n)
{
	n = min_t(u32, n, mpnic_tcp_ring_space(ring));
	mpnic_tcp_ring_put(ring, ring->len, src, n);
	ring->len += n;
	return n;
}

/* Copy @n bytes out from @off; off + n <= size */
void mpnic_tcp_ring_get(const struct mpnic_tcp_ring *ring, u32 off, u8 *dst, u32 n)
{
	u32 idx, first;

	if (!n)
		return;
	idx = mpnic_tcp_ring_idx(ring, off);
	first = min_t(u32, n, ring->size - idx);
	memcpy(dst, ring->buf + idx, first);
	memcpy(dst + first, ring->buf, n - first);
}

/* Release @n bytes from the head: ACKed, or read by the host */
void mpnic_tcp_ring_drop(struct mpnic_tcp_ring *ring, u32 n)
{
	n = min_t(u32, n, ring->len);
	ring->head = mpnic_tcp_ring_idx(ring, n == ring->size ? 0 : n);
	ring->len -= n;
}

static void mpnic_tcp_ooo_remove(struct mpnic_tcp_ooo *ooo, u32 from, u32 count)
{
	u32 i;

	for (i = from; i + count < ooo->n; i++)
		ooo->r[i] = ooo->r[i + count];
	ooo->n -= count;
}

/**
 * mpnic_tcp_ooo_insert - record that [@start, @end) holds data
 * @ooo: the set
 * @start: first sequence number
 * @end: one past the last; after @start
 *
 * Ranges that overlap or touch the new one merge with it.
 *
 * Return: 0, or -ENOSPC when the range would need a slot and none is free
 * (the set is unchanged then).
 */
int mpnic_tcp_ooo_insert(struct mpnic_tcp_ooo *ooo, u32 start, u32 end)
{
	u32 i, j;

	/* i: the first range that ends at or after @start */
	for (i = 0; i < ooo->n; i++)
		if (!mpnic_tcp_before(ooo->r[i].end, start))
			break;
	/* j: one past the last range that starts at or before @end */
	for (j = i; j < ooo->n; j++)
		if (mpnic_tcp_after(ooo->r[j].start, end))
			break;
	if (j > i) {
		if (mpnic_tcp_before(ooo->r[i].start, start))
			start = ooo->r[i].start;
		end = mpnic_tcp_seq_max(end, ooo->r[j - 1].end);
		ooo->r[i].start = start;
		ooo->r[i].end = end;
		mpnic_tcp_ooo_remove(ooo, i + 1, j - i - 1);
		return 0;
	}
	if (ooo->n == MPNIC_TCP_OOO_MAX)
		return -ENOSPC;
	for (j = ooo->n; j > i; j--)
		ooo->r[j] = ooo->r[j - 1];
	ooo->r[i].start = start;
	ooo->r[i].end = end;
	ooo->n++;
	return 0;
}

/**
 * mpnic_tcp_ooo_advance - take the ranges that in-order data has reached
 * @ooo: the set
 * @rcv_nxt: the next byte expected
 *
 * Return: the new rcv_nxt: past every range that starts at or before it.
 */
u32 mpnic_tcp_ooo_advance(struct mpnic_tcp_ooo *ooo, u32 rcv_nxt)
{
	u32 i;

	for (i = 0; i < ooo->n; i++) {
		if (mpnic_tcp_after(ooo->r[i].start, rcv_nxt))
			break;
		rcv_nxt = mpnic_tcp_seq_max(rcv_nxt, ooo->r[i].end);
	}
	mpnic_tcp_ooo_remove(ooo, 0, i);
	return rcv_nxt;
}
