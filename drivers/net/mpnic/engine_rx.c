// SPDX-License-Identifier: GPL-2.0
/* The engine's receive half: stack, hardware GRO, DMA #2, interrupt */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <net/checksum.h>

#include "mpnic.h"

/**
 * mpnic_engine_rx_irq - raise the queue's interrupt for new RX completions
 * @hq: the queue
 * @frames: completions written since the last call
 *
 * Context: engine kthread, RCU read side.
 */
void mpnic_engine_rx_irq(struct mpnic_hq *hq, u32 frames)
{
	u32 usecs = READ_ONCE(hq->port->rx_usecs);
	u32 max = READ_ONCE(hq->port->rx_max_frames);
	u32 pending = atomic_add_return(frames, &hq->irq_pending);

	if (!usecs || (max && pending >= max)) {
		atomic_set(&hq->irq_pending, 0);
		hrtimer_try_to_cancel(&hq->irq_timer);
		mpnic_engine_irq(hq);
	} else if (!hrtimer_is_queued(&hq->irq_timer)) {
		hrtimer_start(&hq->irq_timer, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	}
}

/*
 * DMA #2's copy, leaving out @skip tag bytes after the MAC addresses; with
 * MPNIC_CSUM_LATE the L4 bytes are summed on the way. Returns the sum.
 */
static __wsum mpnic_engine_rx_copy(u8 *data, const u8 *frame, u32 len, u32 skip,
				   const struct mpnic_flow *flow, enum mpnic_csum csum)
{
	bool late = csum == MPNIC_CSUM_LATE;
	u32 l4 = late ? flow->l4_off : len;
	u32 l4_end = late ? l4 + mpnic_stack_l4_len(flow) : len;
	__wsum sum = 0;

	memcpy(data, frame, 2 * ETH_ALEN);
	memcpy(data + 2 * ETH_ALEN, frame + 2 * ETH_ALEN + skip, l4 - 2 * ETH_ALEN - skip);
	if (late) {
		sum = csum_partial_copy_nocheck(frame + l4, data + l4 - skip, l4_end - l4);
		memcpy(data + l4_end - skip, frame + l4_end, len - l4_end);
	}
	return sum;
}

/**
 * mpnic_engine_rx_deliver - DMA #2: a frame from card memory to the host
 * @eng: the engine
 * @hq: its host queue
 * @frame: the frame in card memory
 * @desc: its input descriptor (length, hash)
 * @flow: its parse by the stack instance
 * @csum: MPNIC_CSUM_LATE: verified as it is copied, dropped here if bad
 *
 * Context: engine kthread, RCU read side.
 * Return: 0 when completed (the caller raises the interrupt), or a
 * negative errno after counting the drop.
 */
int mpnic_engine_rx_deliver(struct mpnic_engine *eng, struct mpnic_hq *hq,
			    const u8 *frame, const struct mpnic_rx_desc *desc,
			    const struct mpnic_flow *flow, enum mpnic_csum csum)
{
	netdev_features_t features = READ_ONCE(hq->port->netdev->features);
	bool gro = csum != MPNIC_CSUM_NONE && (features & NETIF_F_GRO_HW) &&
		   (features & NETIF_F_RXCSUM);
	bool strip = (features & NETIF_F_HW_VLAN_CTAG_RX) && desc->len >= VLAN_ETH_HLEN &&
		     *(const __be16 *)(frame + 2 * ETH_ALEN) == htons(ETH_P_8021Q);
	struct mpnic_rx_post *post;
	struct mpnic_rx_cmpl *cmpl;
	struct page *page;
	__wsum sum;
	u8 *data;
	int rc;

	if (unlikely(desc->len > hq->rx_max_len)) {
		mpnic_stat_inc(&eng->stats, rx_too_long);
		return -EMSGSIZE;
	}
	if (gro && eng->gro.nbufs) {
		rc = mpnic_gro_merge(eng, hq, frame, flow, csum);
		if (rc > 0)
			goto delivered;
		if (rc < 0)
			return rc;
	}
	mpnic_gro_flush(eng, hq);

	post = mpnic_ring_cons_peek(&hq->rx_post);
	if (unlikely(!post)) {
		mpnic_stat_inc(&eng->stats, rx_missed);
		return -ENOBUFS;
	}
	/* Never full: NAPI posts no more than it can take completions for */
	cmpl = mpnic_ring_prod_slot(&hq->rx_cmpl);
	if (WARN_ON_ONCE(!cmpl)) {
		mpnic_stat_inc(&eng->stats, rx_missed);
		return -ENOBUFS;
	}
	page = post->page;
	data = page_address(page) + MPNIC_RX_HEADROOM;
	sum = mpnic_engine_rx_copy(data, frame, desc->len, strip ? VLAN_HLEN : 0, flow, csum);
	/* A bad frame leaves the buffer posted, for the next one */
	if (csum == MPNIC_CSUM_LATE && !mpnic_stack_rx_csum(eng, frame, flow, sum))
		return -EBADMSG;
	mpnic_ring_cons_release(&hq->rx_post);

	memset(cmpl, 0, sizeof(*cmpl));
	cmpl->page = page;
	cmpl->len = desc->len;
	if (strip) {
		cmpl->len -= VLAN_HLEN;
		cmpl->vlan_tci = be16_to_cpu(*(const __be16 *)(frame + 2 * ETH_ALEN + 2));
		cmpl->vlan = 1;
		gro = false;	/* coalescing reads the frame's own offsets */
		mpnic_stat_inc(&eng->stats, rx_vlan_stripped);
	}
	cmpl->hash = desc->hash;
	cmpl->hash_kind = desc->hash_kind;
	cmpl->csum_ok = csum != MPNIC_CSUM_NONE;
	/* An open GRO packet is published by mpnic_gro_flush() */
	if (!gro || !mpnic_gro_start(eng, data, flow, &cmpl->len))
		mpnic_ring_prod_commit(&hq->rx_cmpl);

delivered:
	mpnic_engine_rx_delivered(eng, desc->len);
	return 0;
}

/* Context: engine kthread */
void mpnic_engine_rx_delivered(struct mpnic_engine *eng, u32 len)
{
	u64_stats_update_begin(&eng->stats.syncp);
	WRITE_ONCE(eng->stats.rx_delivered, eng->stats.rx_delivered + 1);
	WRITE_ONCE(eng->stats.rx_delivered_bytes, eng->stats.rx_delivered_bytes + len);
	u64_stats_update_end(&eng->stats.syncp);
}

/* Return: 1 if delivered */
static int mpnic_engine_rx_one(struct mpnic_engine *eng, struct mpnic_hq *hq,
			       const u8 *frame, const struct mpnic_rx_desc *desc)
{
	enum mpnic_csum csum;
	struct mpnic_flow flow;
	bool rxcsum;

	mpnic_stat_inc(&eng->stats, rx_frames);
	if (!hq) {
		mpnic_stat_inc(&eng->stats, rx_no_queue);
		return 0;
	}
	if (mpnic_gro_follow(eng, hq, frame, desc)) {
		mpnic_engine_rx_delivered(eng, desc->len);
		return 1;
	}
	rxcsum = READ_ONCE(hq->port->netdev->features) & NETIF_F_RXCSUM;
	if (!mpnic_stack_rx(eng, desc, frame, &flow, rxcsum, &csum))
		return 0;
	/* An offloaded connection's segment stays in the engine (toe_table.c) */
	if (unlikely(atomic_read(&eng->toe.used)) &&
	    mpnic_toe_rx(eng, frame, desc, &flow, csum == MPNIC_CSUM_GOOD))
		return 0;
	return !mpnic_engine_rx_deliver(eng, hq, frame, desc, &flow, csum);
}

static void mpnic_engine_rx_end(struct mpnic_engine *eng, struct mpnic_hq *hq, int delivered)
{
	if (!hq)
		return;
	mpnic_gro_flush(eng, hq);
	if (delivered)
		mpnic_engine_rx_irq(hq, delivered);
}

/* Context: engine kthread, RCU read side */
int mpnic_engine_rx(struct mpnic_engine *eng, int budget)
{
	struct mpnic_hq *hq = NULL, *next;
	struct mpnic_rx_desc *desc;
	int delivered = 0;
	int n = 0;

	while (n < budget && (desc = mpnic_ring_cons_peek(&eng->in_ring))) {
		const u8 *frame = eng->mem + (size_t)desc->buf * MPNIC_BUF_SIZE;
		u32 buf = desc->buf;

		if (unlikely(desc->flags & MPNIC_DESC_SELFTEST)) {
			mpnic_selftest_rx(eng, frame, desc->len);
		} else {
			/* Dispatch names a port of this card */
			next = rcu_dereference(eng->hq[desc->port % MPNIC_MAX_PORTS]);
			if (next != hq) {
				mpnic_engine_rx_end(eng, hq, delivered);
				hq = next;
				delivered = 0;
			}
			delivered += mpnic_engine_rx_one(eng, hq, frame, desc);
		}
		mpnic_ring_cons_release(&eng->in_ring);
		mpnic_engine_buf_put(eng, buf);
		n++;
	}
	mpnic_engine_rx_end(eng, hq, delivered);
	return n;
}

