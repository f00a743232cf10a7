// SPDX-License-Identifier: GPL-2.0
/* Dispatch: steer each frame, either way, to the engine owning its flow */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/gso.h>

#include "mpnic.h"
#include "arfs.h"
#include "tso.h"

/* Header bytes dispatch looks at; deeper headers hash as far as found */
#define MPNIC_DISPATCH_HDR	256

static void mpnic_dispatch_drop(struct mpnic_dispatch_stats *ds, u64 *counter,
				struct sk_buff *skb, enum skb_drop_reason reason)
{
	u64_stats_update_begin(&ds->syncp);
	WRITE_ONCE(*counter, *counter + 1);
	u64_stats_update_end(&ds->syncp);
	kfree_skb_reason(skb, reason);
}

/* DMA #1: the frame as it was on the wire, VLAN tag included */
static void mpnic_dispatch_copy(const struct sk_buff *skb, int mac_len, u8 *dst, u32 len)
{
	if (!skb_vlan_tag_present(skb)) {
		skb_copy_bits(skb, -mac_len, dst, len);
	} else {
		/* Put back the tag the wire's driver took out (rx-vlan offload) */
		skb_copy_bits(skb, -mac_len, dst, min_t(u32, len, 2 * ETH_ALEN));
		if (len < 2 * ETH_ALEN + VLAN_HLEN)
			return;
		*(__be16 *)(dst + 2 * ETH_ALEN) = skb->vlan_proto;
		*(__be16 *)(dst + 2 * ETH_ALEN + 2) = htons(skb_vlan_tag_get(skb));
		skb_copy_bits(skb, 2 * ETH_ALEN - mac_len, dst + 2 * ETH_ALEN + VLAN_HLEN,
			      len - 2 * ETH_ALEN - VLAN_HLEN);
	}
}

/* A veth may pass on a checksum left to hardware; a cable would not */
static void mpnic_dispatch_csum_fill(const struct sk_buff *skb, int mac_len, u8 *frame,
				     struct mpnic_rx_desc *desc)
{
	u32 start = skb_checksum_start_offset(skb) + mac_len +
		    (skb_vlan_tag_present(skb) ? VLAN_HLEN : 0);

	if (skb->ip_summed != CHECKSUM_PARTIAL ||
	    start + skb->csum_offset + sizeof(__sum16) > desc->len)
		return;
	mpnic_csum_fill(frame, desc->len, start, skb->csum_offset);
	desc->flags |= MPNIC_DESC_CSUM_FILLED;
	desc->csum_start = start;
	desc->csum_off = skb->csum_offset;
}

/* Context: RCU or RCU-bh read side */
static u32 mpnic_dispatch_rule_queue(struct mpnic_port *port,
				     const struct mpnic_ntuple_rule *rule,
				     const struct mpnic_flow *flow, bool reply, u32 *hash,
				     enum mpnic_hash_kind *kind)
{
	const struct mpnic_rss_ctx *rc;
	u32 qidx;

	if (!rule->ctx)
		return rule->action;
	rc = rcu_dereference_check(port->rss_ctx[rule->ctx], rcu_read_lock_bh_held());
	/* A context is removed only once no rule names it */
	if (unlikely(!rc))
		return rule->action;
	*hash = mpnic_rss_hash(&rc->rss, flow, reply, kind);
	qidx = rule->action + mpnic_rss_bucket(&rc->rss, *hash);
	/* Rules and tables were checked against the queues; -L too */
	return likely(qidx < READ_ONCE(port->num_hqs)) ? qidx : rule->action;
}

/*
 * The queue of the engine an offloaded connection of the tuple lives on, or
 * -1. Probes each engine's table, and only while the card has connections.
 * Context: RCU read side.
 */
static int mpnic_dispatch_toe(struct mpnic_port *port, const struct mpnic_flow *flow)
{
	struct mpnic_flow_key key;
	u32 i, n;

	if (likely(!atomic_read(&port->card->toe_conns)) || flow->l4proto != IPPROTO_TCP ||
	    !flow->l4_off || (flow->frag & MPNIC_FRAG))
		return -1;
	mpnic_flow_key_of(&key, flow, MPNIC_DIR_IN);
	key.port = port->idx;
	n = READ_ONCE(port->num_hqs);
	for (i = 0; i < n; i++)
		if (mpnic_toe_lookup(port->hqs[i].eng, &key))
			return i;
	return -1;
}

/*
 * @frames: frames of the flow it stands for. False: a rule drops them. An
 * offloaded connection's entry comes first: RSS, ntuple and aRFS may have
 * changed since its handoff, its engine has not.
 */
static bool mpnic_dispatch_steer(struct mpnic_port *port, struct mpnic_dispatch_stats *ds,
				 const struct mpnic_flow *flow, u32 frames, u32 *qidx,
				 u32 *hash, enum mpnic_hash_kind *kind)
{
	const struct mpnic_ntuple_rule *rule = NULL;
	const struct mpnic_dispatch_cfg *cfg;
	int arfs, toe;

	cfg = rcu_dereference(port->cfg);
	*hash = mpnic_rss_hash(&cfg->rss, flow, false, kind);
	toe = mpnic_dispatch_toe(port, flow);
	if (unlikely(toe >= 0)) {
		*qidx = toe;
		mpnic_stat_add(ds, rx_toe_steered, frames);
		return true;
	}
	if (cfg->nrules && (port->netdev->features & NETIF_F_NTUPLE))
		rule = mpnic_ntuple_match(cfg, flow, false);
	if (rule && rule->action == MPNIC_NTUPLE_DROP)
		return false;
	arfs = rule ? -1 : mpnic_arfs_queue(port, flow, MPNIC_DIR_IN);
	if (rule) {
		*qidx = mpnic_dispatch_rule_queue(port, rule, flow, false, hash, kind);
		mpnic_stat_add(ds, rx_ntuple_steered, frames);
	} else if (arfs >= 0) {
		*qidx = arfs;
		mpnic_stat_add(ds, rx_arfs_steered, frames);
	} else {
		*qidx = mpnic_rss_bucket(&cfg->rss, *hash);
	}
	return true;
}

/* Context: eng->in_lock held; the caller commits and unlocks */
static struct mpnic_rx_desc *mpnic_dispatch_slot(struct mpnic_engine *eng,
						 struct mpnic_dispatch_stats *ds, u64 **drop,
						 enum skb_drop_reason *reason)
{
	struct mpnic_rx_desc *desc;
	u32 *freebuf;

	lockdep_assert_held(&eng->in_lock);
	freebuf = mpnic_ring_cons_peek(&eng->free_ring);
	if (unlikely(!freebuf)) {
		/* the card's watchdog reads it (in_lock only orders writers) */
		WRITE_ONCE(eng->in_nomem, eng->in_nomem + 1);
		*drop = &ds->rx_card_mem_exhausted;
		*reason = SKB_DROP_REASON_NOMEM;
		return NULL;
	}
	desc = mpnic_ring_prod_slot(&eng->in_ring);
	if (unlikely(!desc)) {
		WRITE_ONCE(eng->in_full, eng->in_full + 1);
		*drop = &ds->rx_engine_ring_full;
		*reason = SKB_DROP_REASON_FULL_RING;
		return NULL;
	}
	desc->buf = *freebuf;
	mpnic_ring_cons_release(&eng->free_ring);
	return desc;
}

static void mpnic_dispatch_desc_fill(struct mpnic_rx_desc *desc, struct mpnic_port *port,
				     u32 len, u32 hash, enum mpnic_hash_kind kind)
{
	desc->len = len;
	desc->hash = hash;
	desc->hash_kind = kind;
	desc->flags = 0;
	desc->port = port->idx;
	desc->csum_off = 0;
	desc->csum_start = 0;
}

/* False when the port is down (counted, not freed) */
static bool mpnic_dispatch_count(struct mpnic_port *port, struct mpnic_dispatch_stats *ds,
				 u32 len)
{
	u64_stats_update_begin(&ds->syncp);
	WRITE_ONCE(ds->rx_wire_frames, ds->rx_wire_frames + 1);
	WRITE_ONCE(ds->rx_wire_bytes, ds->rx_wire_bytes + len);
	u64_stats_update_end(&ds->syncp);
	if (likely(netif_running(port->netdev)))
		return true;
	mpnic_dispatch_drop(ds, &ds->rx_port_down, NULL, SKB_DROP_REASON_DEV_READY);
	return false;
}

static void mpnic_dispatch_frame(struct mpnic_port *port, struct mpnic_dispatch_stats *ds,
				 struct sk_buff *skb, int mac_len)
{
	u32 len = skb->len + mac_len + (skb_vlan_tag_present(skb) ? VLAN_HLEN : 0);
	enum skb_drop_reason reason;
	u8 hdrbuf[MPNIC_DISPATCH_HDR];
	enum mpnic_hash_kind kind;
	struct mpnic_rx_desc *desc;
	struct mpnic_engine *eng;
	struct mpnic_flow flow;
	u32 caplen, hash, qidx;
	const u8 *hdr;
	u64 *drop;

	if (unlikely(!mpnic_dispatch_count(port, ds, len))) {
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return;
	}
	if (unlikely(len < ETH_HLEN)) {
		mpnic_dispatch_drop(ds, &ds->rx_runt, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return;
	}
	if (unlikely(len > MPNIC_BUF_SIZE)) {
		mpnic_dispatch_drop(ds, &ds->rx_oversize, skb, SKB_DROP_REASON_PKT_TOO_BIG);
		return;
	}

	caplen = min_t(u32, len, MPNIC_DISPATCH_HDR);
	if (!skb_vlan_tag_present(skb) && skb_headlen(skb) + mac_len >= caplen) {
		hdr = skb->data - mac_len;
	} else {
		mpnic_dispatch_copy(skb, mac_len, hdrbuf, caplen);
		hdr = hdrbuf;
	}
	mpnic_parse(hdr, caplen, len, &flow);
	if (!mpnic_dispatch_steer(port, ds, &flow, 1, &qidx, &hash, &kind)) {
		mpnic_dispatch_drop(ds, &ds->rx_ntuple_drop, skb, SKB_DROP_REASON_NOT_SPECIFIED);
		return;
	}
	eng = port->hqs[qidx].eng;

	spin_lock(&eng->in_lock);
	desc = mpnic_dispatch_slot(eng, ds, &drop, &reason);
	if (likely(desc)) {
		u8 *dst = eng->mem + (size_t)desc->buf * MPNIC_BUF_SIZE;

		mpnic_dispatch_copy(skb, mac_len, dst, len);
		mpnic_dispatch_desc_fill(desc, port, len, hash, kind);
		mpnic_dispatch_csum_fill(skb, mac_len, dst, desc);
		mpnic_ring_prod_commit(&eng->in_ring);
	}
	spin_unlock(&eng->in_lock);
	if (unlikely(!desc)) {
		mpnic_dispatch_drop(ds, drop, skb, reason);
		return;
	}
	mpnic_engine_kick(eng);
	consume_skb(skb);
}

/*
 * A veth wire hands over the peer's GSO packets: cut them into wire frames
 * in card memory as the peer's NIC would have, with no skb per segment and
 * one doorbell. False, having done nothing, for what skb_gso_segment() must
 * do (tunnels, an out-of-band VLAN tag, headers it cannot parse).
 */
static bool mpnic_dispatch_tso(struct mpnic_port *port, struct mpnic_dispatch_stats *ds,
			       struct sk_buff *skb, int mac_len)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	const u32 types = SKB_GSO_TCPV4 | SKB_GSO_TCPV6;
	u32 caplen, hlen, payload, off, idx, chunk, len, qidx, hash;
	u32 mss = shinfo->gso_size, total = skb->len + mac_len;
	enum skb_drop_reason reason;
	u8 hdr[MPNIC_DISPATCH_HDR];
	enum mpnic_hash_kind kind;
	struct mpnic_rx_desc *desc;
	struct mpnic_engine *eng;
	struct mpnic_flow flow;
	struct mpnic_tso tso;
	bool steered;
	u64 *drop;
	u8 *dst;

	if (!(shinfo->gso_type & types) ||
	    (shinfo->gso_type & ~(types | SKB_GSO_TCP_FIXEDID | SKB_GSO_TCP_ECN | SKB_GSO_DODGY)) ||
	    skb->encapsulation || skb_vlan_tag_present(skb) || !mss)
		return false;
	caplen = min_t(u32, total, MPNIC_DISPATCH_HDR);
	if (skb_copy_bits(skb, -mac_len, hdr, caplen) ||
	    mpnic_parse(hdr, caplen, total, &flow) != MPNIC_PARSE_OK ||
	    flow.l4proto != IPPROTO_TCP || !flow.l4_off || (flow.frag & MPNIC_FRAG) ||
	    flow.l3_off + flow.l3_len != total)
		return false;
	hlen = flow.l4_off + (hdr[flow.l4_off + 12] >> 4) * 4;
	if (hlen > caplen || hlen + mss > MPNIC_BUF_SIZE || total <= hlen)
		return false;

	payload = total - hlen;
	mpnic_tso_start(&tso, hdr, flow.l3_off, flow.l4_off, hlen, mss,
			shinfo->gso_type & SKB_GSO_TCP_FIXEDID);
	/* A port that is down steers nothing: the loop counts its drops */
	steered = netif_running(port->netdev) &&
		  mpnic_dispatch_steer(port, ds, &flow, DIV_ROUND_UP(payload, mss),
				       &qidx, &hash, &kind);
	eng = steered ? port->hqs[qidx].eng : NULL;
	for (off = 0, idx = 0; off < payload; off += mss, idx++) {
		chunk = min(mss, payload - off);
		len = hlen + chunk;
		if (unlikely(!mpnic_dispatch_count(port, ds, len)))
			continue;
		if (unlikely(!eng)) {
			mpnic_dispatch_drop(ds, &ds->rx_ntuple_drop, NULL,
					    SKB_DROP_REASON_NOT_SPECIFIED);
			continue;
		}
		spin_lock(&eng->in_lock);
		desc = mpnic_dispatch_slot(eng, ds, &drop, &reason);
		if (likely(desc)) {
			dst = eng->mem + (size_t)desc->buf * MPNIC_BUF_SIZE;
			memcpy(dst, hdr, hlen);
			mpnic_tso_segment(&tso, skb, hlen - mac_len + off, dst, idx, chunk,
					  off + chunk >= payload, true);
			mpnic_dispatch_desc_fill(desc, port, len, hash, kind);
			desc->flags |= MPNIC_DESC_CSUM_FILLED;
			desc->csum_start = flow.l4_off;
			desc->csum_off = offsetof(struct tcphdr, check);
			mpnic_ring_prod_commit(&eng->in_ring);
		}
		spin_unlock(&eng->in_lock);
		if (unlikely(!desc))
			mpnic_dispatch_drop(ds, drop, NULL, reason);
	}
	if (eng)
		mpnic_engine_kick(eng);
	mpnic_stat_inc(ds, rx_gso_split);
	consume_skb(skb);
	return true;
}

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
	if (mpnic_dispatch_tso(port, ds, skb, mac_len))
		return RX_HANDLER_CONSUMED;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		mpnic_dispatch_drop(ds, &ds->rx_gso_errors, NULL, SKB_DROP_REASON_NOMEM);
		return RX_HANDLER_CONSUMED;
	}
	__skb_push(skb, mac_len);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		mpnic_dispatch_drop(ds, &ds->rx_gso_errors, skb, SKB_DROP_REASON_SKB_GSO_SEG);
		return RX_HANDLER_CONSUMED;
	}
	consume_skb(skb);
	mpnic_stat_inc(ds, rx_gso_split);
	mpnic_stat_inc(ds, rx_gso_sw);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		/* Segments start at their MAC header */
		mpnic_dispatch_frame(port, ds, seg, 0);
	}
	return RX_HANDLER_CONSUMED;
}

/* ndo_select_queue. Context: RCU-bh read side */
u16 mpnic_dispatch_tx_queue(struct mpnic_port *port, struct sk_buff *skb)
{
	struct mpnic_flow flow;

	mpnic_parse(skb->data, skb_headlen(skb), skb->len, &flow);
	return mpnic_dispatch_flow_queue(port, &flow);
}

/**
 * mpnic_dispatch_flow_queue - the queue, so the engine, a host frame leaves by
 * @port: the port
 * @flow: the frame's parse, in the direction the host sends it
 *
 * ndo_select_queue's choice, and the owner a TCP offload hands a
 * connection to: the engine that the wire's frames of the flow reach.
 *
 * Context: RCU-bh read side.
 */
u16 mpnic_dispatch_flow_queue(struct mpnic_port *port, const struct mpnic_flow *flow)
{
	const struct mpnic_ntuple_rule *rule = NULL;
	const struct mpnic_dispatch_cfg *cfg;
	enum mpnic_hash_kind kind;
	u32 hash;
	int arfs;

	cfg = rcu_dereference_bh(port->cfg);
	if (cfg->nrules && (port->netdev->features & NETIF_F_NTUPLE))
		rule = mpnic_ntuple_match(cfg, flow, true);
	if (rule && rule->action != MPNIC_NTUPLE_DROP)
		return mpnic_dispatch_rule_queue(port, rule, flow, true, &hash, &kind);
	/* A flow aRFS moved sends from the engine that now receives it */
	arfs = mpnic_arfs_queue(port, flow, MPNIC_DIR_OUT);
	if (arfs >= 0)
		return arfs;
	hash = mpnic_rss_hash(&cfg->rss, flow, true, &kind);
	return mpnic_rss_bucket(&cfg->rss, hash);
}

/**
 * mpnic_dispatch_cfg_dup - a private copy of the port's dispatch configuration
 * @port: the port
 * @extra: room for this many more rules
 *
 * Context: RTNL held (the writers' lock), may sleep.
 * Return: the copy, or NULL.
 */
struct mpnic_dispatch_cfg *mpnic_dispatch_cfg_dup(struct mpnic_port *port, u32 extra)
{
	const struct mpnic_dispatch_cfg *old = rtnl_dereference(port->cfg);
	struct mpnic_dispatch_cfg *cfg;

	cfg = kvzalloc(struct_size(cfg, rules, old->nrules + extra), GFP_KERNEL);
	if (!cfg)
		return NULL;
	memcpy(cfg, old, struct_size(old, rules, old->nrules));
	return cfg;
}

/**
 * mpnic_dispatch_cfg_publish - make @cfg the one dispatch uses
 * @port: the port
 * @cfg: from mpnic_dispatch_cfg_dup(), now owned by the port
 *
 * Context: RTNL held.
 */
void mpnic_dispatch_cfg_publish(struct mpnic_port *port, struct mpnic_dispatch_cfg *cfg)
{
	struct mpnic_dispatch_cfg *old = rtnl_dereference(port->cfg);

	rcu_assign_pointer(port->cfg, cfg);
	if (old)
		kvfree_rcu(old, rcu);
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
