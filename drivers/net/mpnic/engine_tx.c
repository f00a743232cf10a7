// SPDX-License-Identifier: GPL-2.0
/* The engine's transmit half: DMA #1, offloads, stack, wire, completion */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include <uapi/linux/mpnic.h>

#include "mpnic.h"
#include "tso.h"

/*
 * Context: BH disabled, so the wire's receiver takes the frames as a batch.
 * Softirqs run every MPNIC_TX_BATCH frames, within the veth ring and
 * netdev_max_backlog; a train counts all its frames.
 */
enum skb_drop_reason mpnic_engine_wire_out(struct mpnic_engine *eng, struct sk_buff *wskb,
					   u32 frames, u32 bytes)
{
	struct mpnic_engine_stats *st = &eng->stats;
	int rc;

	/* net_xmit_eval() evaluates its argument twice */
	rc = dev_queue_xmit(wskb);
	if (net_xmit_eval(rc)) {
		mpnic_stat_add(st, tx_wire_errors, frames);
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
	u64_stats_update_begin(&st->syncp);
	WRITE_ONCE(st->tx_wire_frames, st->tx_wire_frames + frames);
	WRITE_ONCE(st->tx_wire_bytes, st->tx_wire_bytes + bytes);
	u64_stats_update_end(&st->syncp);
	eng->tx_batched += frames;
	if (eng->tx_batched >= MPNIC_TX_BATCH) {
		eng->tx_batched = 0;
		mpnic_engine_bh_enable(eng);
		local_bh_disable();
	}
	return SKB_NOT_DROPPED_YET;
}

static enum skb_drop_reason mpnic_engine_wire_send(struct mpnic_engine *eng,
						   struct net_device *wire,
						   const u8 *buf, u32 len)
{
	struct sk_buff *wskb;

	wskb = alloc_skb(len + NET_IP_ALIGN, GFP_ATOMIC);
	if (unlikely(!wskb)) {
		mpnic_stat_inc(&eng->stats, tx_alloc_fail);
		return SKB_DROP_REASON_NOMEM;
	}
	skb_reserve(wskb, NET_IP_ALIGN);
	skb_put_data(wskb, buf, len);
	skb_reset_mac_header(wskb);
	skb_set_network_header(wskb, ETH_HLEN);
	wskb->protocol = eth_hdr(wskb)->h_proto;
	wskb->dev = wire;
	return mpnic_engine_wire_out(eng, wskb, 1, len);
}

/*
 * Wire trains (private flag wire-trains): a TSO packet's frames leave as
 * one skb, built as the peer's GRO would build it; a wire without TSO cuts
 * it back (validate_xmit_skb()). NULL, the frames go one by one, for what
 * GRO would not merge either (CWR, URG) or past the IP length field.
 */
static struct sk_buff *mpnic_engine_train_open(const struct mpnic_tso *tso, const u8 *buf,
					       u32 payload)
{
	struct sk_buff *train;
	int err;

	if ((tso->flags & (TCPHDR_CWR | TCPHDR_URG)) ||
	    tso->hdr_len + payload - tso->l3_off > 0xffff)
		return NULL;
	train = alloc_skb_with_frags(NET_IP_ALIGN + tso->hdr_len, payload,
				     PAGE_ALLOC_COSTLY_ORDER, &err, GFP_ATOMIC);
	if (!train)
		return NULL;
	skb_reserve(train, NET_IP_ALIGN);
	skb_put_data(train, buf, tso->hdr_len);
	train->len += payload;
	train->data_len = payload;
	return train;
}

static void mpnic_engine_train_close(struct sk_buff *train, struct net_device *wire,
				     const struct mpnic_tso *tso, u32 segs)
{
	struct skb_shared_info *shinfo = skb_shinfo(train);
	u32 tcplen = train->len - tso->l4_off;
	struct tcphdr *th;

	mpnic_tso_fixup(tso, train->data, 0, train->len - tso->hdr_len, true);
	skb_reset_mac_header(train);
	skb_set_network_header(train, tso->l3_off);
	skb_set_transport_header(train, tso->l4_off);
	th = tcp_hdr(train);
	if (tso->l3 == 4) {
		struct iphdr *iph = ip_hdr(train);

		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = ~tcp_v4_check(tcplen, iph->saddr, iph->daddr, 0);
		shinfo->gso_type = SKB_GSO_TCPV4 | (tso->fixed_id ? SKB_GSO_TCP_FIXEDID : 0);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(train);

		th->check = ~tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr, 0);
		shinfo->gso_type = SKB_GSO_TCPV6;
	}
	shinfo->gso_size = tso->mss;
	shinfo->gso_segs = segs;
	train->csum_start = (unsigned char *)th - train->head;
	train->csum_offset = offsetof(struct tcphdr, check);
	train->ip_summed = CHECKSUM_PARTIAL;
	train->protocol = eth_hdr(train)->h_proto;
	train->dev = wire;
}

/* Returns the bytes written, or 0 when the frame is too short */
static u32 mpnic_engine_copy_head(const struct sk_buff *skb, u8 *buf, u32 len)
{
	if (!skb_vlan_tag_present(skb))
		return skb_copy_bits(skb, 0, buf, len) ? 0 : len;
	if (len < 2 * ETH_ALEN || skb_copy_bits(skb, 0, buf, 2 * ETH_ALEN) ||
	    skb_copy_bits(skb, 2 * ETH_ALEN, buf + 2 * ETH_ALEN + VLAN_HLEN, len - 2 * ETH_ALEN))
		return 0;
	*(__be16 *)(buf + 2 * ETH_ALEN) = skb->vlan_proto;
	*(__be16 *)(buf + 2 * ETH_ALEN + 2) = htons(skb_vlan_tag_get(skb));
	return len + VLAN_HLEN;
}

static enum skb_drop_reason mpnic_engine_xmit_tso(struct mpnic_engine *eng, u8 port,
						  struct net_device *wire,
						  struct sk_buff *skb, u32 tag, bool trains)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	u32 hlen = skb_transport_offset(skb) + tcp_hdrlen(skb);
	struct mpnic_engine_stats *st = &eng->stats;
	u32 mss = shinfo->gso_size, off, idx = 0;
	enum skb_drop_reason reason = SKB_NOT_DROPPED_YET;
	u32 followed = 0, followed_bytes = 0, next_seq = 0;
	u32 payload = skb->len - hlen;
	struct mpnic_flow_entry *fe = NULL;
	struct sk_buff *train = NULL;
	u8 *buf = eng->tx_stage;
	struct mpnic_flow flow;
	struct mpnic_tso tso;
	bool follow = false;
	u32 bytes = 0;

	if (unlikely(!(shinfo->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) || !mss ||
		     skb->len <= hlen || hlen + tag + mss > MPNIC_BUF_SIZE ||
		     mpnic_engine_copy_head(skb, buf, hlen) != hlen + tag)) {
		mpnic_stat_inc(st, tx_bad);
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
	mpnic_tso_start(&tso, buf, skb_network_offset(skb) + tag,
			skb_transport_offset(skb) + tag, hlen + tag, mss,
			shinfo->gso_type & SKB_GSO_TCP_FIXEDID);
	if (trains && !tag)
		train = mpnic_engine_train_open(&tso, buf, payload);
	for (off = 0; off < payload; off += mss, idx++) {
		u32 chunk = min(mss, payload - off);
		u32 len = hlen + tag + chunk;

		/* A train's checksums are the wire's to finish, not the frames' */
		mpnic_tso_segment(&tso, skb, hlen + off, buf, idx, chunk, off + chunk >= payload,
				  !train);
		/*
		 * The first segment's parse and flow entry stand for the rest;
		 * SYN, FIN and RST packets and other profiles are seen alone
		 */
		if (follow) {
			followed++;
			followed_bytes += len - flow.l3_off;
			next_seq = tso.seq + off + chunk;
		} else {
			fe = mpnic_stack_tx(eng, port, buf, len, &flow);
			follow = fe && READ_ONCE(eng->profile) == MPNIC_PROFILE_FULL &&
				 !(tso.flags & (TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST));
		}
		if (train) {
			skb_store_bits(train, hlen + off, buf + hlen, chunk);
			bytes += len;
			continue;
		}
		reason = mpnic_engine_wire_send(eng, wire, buf, len);
		if (reason)
			break;
	}
	if (followed)
		mpnic_stack_follow(eng, fe, MPNIC_DIR_OUT, followed, followed_bytes, next_seq,
				   tso.flags);
	if (reason)
		return reason;
	if (train) {
		mpnic_engine_train_close(train, wire, &tso, idx);
		reason = mpnic_engine_wire_out(eng, train, idx, bytes);
		if (reason)
			return reason;
		mpnic_stat_inc(st, tx_wire_trains);
	}
	u64_stats_update_begin(&st->syncp);
	WRITE_ONCE(st->tx_tso, st->tx_tso + 1);
	WRITE_ONCE(st->tx_tso_segs, st->tx_tso_segs + idx);
	if (tag)
		WRITE_ONCE(st->tx_vlan_inserted, st->tx_vlan_inserted + 1);
	u64_stats_update_end(&st->syncp);
	return SKB_NOT_DROPPED_YET;
}

static enum skb_drop_reason mpnic_engine_xmit_one(struct mpnic_engine *eng, u8 port,
						  struct net_device *wire,
						  struct sk_buff *skb, bool trains)
{
	u32 tag = skb_vlan_tag_present(skb) ? VLAN_HLEN : 0;
	struct mpnic_engine_stats *st = &eng->stats;
	u8 *buf = eng->tx_stage;
	struct mpnic_flow flow;
	u32 len = skb->len;

	if (unlikely(!wire)) {
		mpnic_stat_inc(st, tx_no_wire);
		return SKB_DROP_REASON_DEV_READY;
	}
	if (skb_is_gso(skb))
		return mpnic_engine_xmit_tso(eng, port, wire, skb, tag, trains);
	if (unlikely(len < ETH_HLEN || len + tag > MPNIC_BUF_SIZE ||
		     !mpnic_engine_copy_head(skb, buf, len))) {
		mpnic_stat_inc(st, tx_bad);
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
	len += tag;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		u32 start = skb_checksum_start_offset(skb) + tag;

		if (unlikely(start + skb->csum_offset + 2 > len)) {
			mpnic_stat_inc(st, tx_bad);
			return SKB_DROP_REASON_NOT_SPECIFIED;
		}
		mpnic_csum_fill(buf, len, start, skb->csum_offset);
		mpnic_stat_inc(st, tx_csum_partial);
	}
	if (tag)
		mpnic_stat_inc(st, tx_vlan_inserted);
	mpnic_stack_tx(eng, port, buf, len, &flow);
	return mpnic_engine_wire_send(eng, wire, buf, len);
}

/**
 * mpnic_engine_tx - service a host queue's TX ring
 * @eng: the engine
 * @hq: its host queue
 * @budget: descriptors at most
 *
 * Context: engine kthread, RCU read side.
 * Return: descriptors handled.
 */
int mpnic_engine_tx(struct mpnic_engine *eng, struct mpnic_hq *hq, int budget)
{
	struct net_device *wire = rcu_dereference(hq->port->wire);
	bool trains = READ_ONCE(hq->port->wire_trains);
	bool hold = READ_ONCE(eng->fault_tx_cmpl);
	struct mpnic_tx_desc *desc;
	int n = 0;

	if (unlikely(hq->tx_cmpl_held) && !hold) {
		mpnic_ring_prod_commit_n(&hq->tx_cmpl, hq->tx_cmpl_held);
		hq->tx_cmpl_held = 0;
		mpnic_engine_irq(hq);
	}
	if (mpnic_ring_empty(&hq->tx_ring))
		return 0;
	/* The frames of the pass reach the wire's receiver as one batch */
	local_bh_disable();
	eng->tx_batched = 0;
	while (n < budget && (desc = mpnic_ring_cons_peek(&hq->tx_ring))) {
		/* Never full: xmit keeps no more outstanding than it has room for */
		struct mpnic_tx_cmpl *cmpl = mpnic_ring_prod_slot_n(&hq->tx_cmpl,
								    hq->tx_cmpl_held);
		struct sk_buff *skb = desc->skb;

		if (WARN_ON_ONCE(!cmpl))
			break;
		mpnic_stat_inc(&eng->stats, tx_frames);
		cmpl->skb = skb;
		cmpl->bytes = skb->len;
		cmpl->reason = mpnic_engine_xmit_one(eng, hq->port->idx, wire, skb, trains);
		mpnic_ring_cons_release(&hq->tx_ring);
		if (unlikely(hold)) {
			/* Injected: sent, and the host is not told */
			hq->tx_cmpl_held++;
			mpnic_stat_inc(&eng->stats, tx_cmpl_delayed);
		} else {
			mpnic_ring_prod_commit(&hq->tx_cmpl);
		}
		n++;
	}
	if (n && !hold)
		mpnic_engine_irq(hq);
	mpnic_engine_bh_enable(eng);
	return n;
}
