// SPDX-License-Identifier: GPL-2.0
/*
 * The card's dispatch logic (claims 10, 27-29): frames from the wire are
 * parsed, hashed and placed in card memory on the input ring of the engine
 * that owns their flow; frames from the host are steered to the queue of
 * that same engine.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include MPNIC_GSO_H

#include "mpnic.h"

/* Header bytes dispatch looks at; deeper headers hash as far as found */
#define MPNIC_DISPATCH_HDR	256

static void mpnic_dispatch_drop(struct mpnic_dispatch_stats *ds, u64 *counter,
				struct sk_buff *skb)
{
	u64_stats_update_begin(&ds->syncp);
	WRITE_ONCE(*counter, *counter + 1);
	u64_stats_update_end(&ds->syncp);
	kfree_skb(skb);
}

/* DMA #1: the frame as it was on the wire, VLAN tag and checksum included. */
static void mpnic_dispatch_copy(const struct sk_buff *skb, int mac_len, u8 *dst, u32 len)
{
	u32 tag = 0;

	if (!skb_vlan_tag_present(skb)) {
		skb_copy_bits(skb, -mac_len, dst, len);
	} else {
		/* Put back the tag the wire's driver took out (rx-vlan offload) */
		tag = VLAN_HLEN;
		skb_copy_bits(skb, -mac_len, dst, min_t(u32, len, 2 * ETH_ALEN));
		if (len < 2 * ETH_ALEN + VLAN_HLEN)
			return;
		*(__be16 *)(dst + 2 * ETH_ALEN) = skb->vlan_proto;
		*(__be16 *)(dst + 2 * ETH_ALEN + 2) = htons(skb_vlan_tag_get(skb));
		skb_copy_bits(skb, 2 * ETH_ALEN - mac_len, dst + 2 * ETH_ALEN + VLAN_HLEN,
			      len - 2 * ETH_ALEN - VLAN_HLEN);
	}
	/* A virtual wire (veth) may hand over a frame whose checksum its
	 * sender left to "hardware": a real cable carries it complete.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		mpnic_csum_fill(dst, len, skb_checksum_start_offset(skb) + mac_len + tag,
				skb->csum_offset);
}

/* One wire frame: placed on its engine's input ring or counted and freed. */
static void mpnic_dispatch_frame(struct mpnic_port *port, struct mpnic_dispatch_stats *ds,
				 struct sk_buff *skb, int mac_len)
{
	u32 len = skb->len + mac_len + (skb_vlan_tag_present(skb) ? VLAN_HLEN : 0);
	u8 hdrbuf[MPNIC_DISPATCH_HDR];
	enum mpnic_hash_kind kind;
	struct mpnic_rx_desc *desc;
	struct mpnic_engine *eng;
	struct mpnic_flow flow;
	u32 caplen, hash;
	const u8 *hdr;
	u32 *freebuf;

	u64_stats_update_begin(&ds->syncp);
	WRITE_ONCE(ds->rx_wire_frames, ds->rx_wire_frames + 1);
	WRITE_ONCE(ds->rx_wire_bytes, ds->rx_wire_bytes + len);
	u64_stats_update_end(&ds->syncp);

	if (unlikely(!netif_running(port->netdev))) {
		mpnic_dispatch_drop(ds, &ds->rx_port_down, skb);
		return;
	}
	if (unlikely(len < ETH_HLEN)) {
		mpnic_dispatch_drop(ds, &ds->rx_runt, skb);
		return;
	}
	if (unlikely(len > MPNIC_BUF_SIZE)) {
		mpnic_dispatch_drop(ds, &ds->rx_oversize, skb);
		return;
	}

	/* Parse in place when the headers are linear, else from a copy */
	caplen = min_t(u32, len, MPNIC_DISPATCH_HDR);
	if (!skb_vlan_tag_present(skb) && skb_headlen(skb) + mac_len >= caplen) {
		hdr = skb->data - mac_len;
	} else {
		mpnic_dispatch_copy(skb, mac_len, hdrbuf, caplen);
		hdr = hdrbuf;
	}
	mpnic_parse(hdr, caplen, len, &flow);
	hash = mpnic_rss_hash(&port->rss, &flow, false, &kind);
	eng = port->card->engines[mpnic_rss_bucket(&port->rss, hash)];

	spin_lock(&eng->in_lock);
	freebuf = mpnic_ring_cons_peek(&eng->free_ring);
	if (unlikely(!freebuf)) {
		spin_unlock(&eng->in_lock);
		mpnic_dispatch_drop(ds, &ds->rx_card_mem_exhausted, skb);
		return;
	}
	desc = mpnic_ring_prod_slot(&eng->in_ring);
	if (unlikely(!desc)) {
		spin_unlock(&eng->in_lock);
		mpnic_dispatch_drop(ds, &ds->rx_engine_ring_full, skb);
		return;
	}
	desc->buf = *freebuf;
	mpnic_ring_cons_release(&eng->free_ring);
	mpnic_dispatch_copy(skb, mac_len, eng->mem + (size_t)desc->buf * MPNIC_BUF_SIZE, len);
	desc->len = len;
	desc->hash = hash;
	desc->hash_kind = kind;
	mpnic_ring_prod_commit(&eng->in_ring);
	spin_unlock(&eng->in_lock);

	mpnic_engine_kick(eng);
	consume_skb(skb);
}

/**
 * mpnic_dispatch_rx - the wire's rx_handler
 * @pskb: the frame the wire received
 *
 * Every frame ends either on an engine's input ring or in exactly one
 * named dispatch counter. A virtual wire may deliver a GSO super-frame: it
 * is cut into the frames a real cable would have carried first.
 *
 * Context: softirq, RCU read side (the wire's receive path).
 * Return: RX_HANDLER_CONSUMED, or RX_HANDLER_PASS for the wire's own loopback.
 */
rx_handler_result_t mpnic_dispatch_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb, *segs, *seg, *next;
	struct mpnic_port *port = rcu_dereference(skb->dev->rx_handler_data);
	struct mpnic_dispatch_stats *ds = this_cpu_ptr(port->dstats);
	int mac_len = skb->data - skb_mac_header(skb);

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	if (likely(!skb_is_gso(skb))) {
		mpnic_dispatch_frame(port, ds, skb, mac_len);
		return RX_HANDLER_CONSUMED;
	}

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		mpnic_dispatch_drop(ds, &ds->rx_gso_errors, NULL);
		return RX_HANDLER_CONSUMED;
	}
	__skb_push(skb, mac_len);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		mpnic_dispatch_drop(ds, &ds->rx_gso_errors, skb);
		return RX_HANDLER_CONSUMED;
	}
	consume_skb(skb);
	mpnic_stat_inc(ds, rx_gso_split);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		/* Segments start at their MAC header */
		mpnic_dispatch_frame(port, ds, seg, 0);
	}
	return RX_HANDLER_CONSUMED;
}

/**
 * mpnic_dispatch_tx_queue - the host dispatch: the queue of the flow's engine
 * @port: the port
 * @skb: a frame from the host stack, at its MAC header
 *
 * Hashes the reply direction of the flow with the receive configuration,
 * so both directions of a flow meet in one engine (claim 29).
 *
 * Context: ndo_select_queue, BH disabled.
 */
u16 mpnic_dispatch_tx_queue(struct mpnic_port *port, struct sk_buff *skb)
{
	enum mpnic_hash_kind kind;
	struct mpnic_flow flow;
	u32 hash;

	mpnic_parse(skb->data, skb_headlen(skb), skb->len, &flow);
	hash = mpnic_rss_hash(&port->rss, &flow, true, &kind);
	return mpnic_rss_bucket(&port->rss, hash);
}

void mpnic_dispatch_get_stats(const struct mpnic_port *port,
			      struct mpnic_dispatch_stats *out)
{
	struct mpnic_dispatch_stats one;
	u64 *sum = (u64 *)out;
	int cpu;
	u32 i;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		mpnic_stats_read(per_cpu_ptr(port->dstats, cpu), &one);
		for (i = 0; i < offsetof(struct mpnic_dispatch_stats, syncp) / sizeof(u64); i++)
			sum[i] += ((u64 *)&one)[i];
	}
}
