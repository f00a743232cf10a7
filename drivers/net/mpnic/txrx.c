// SPDX-License-Identifier: GPL-2.0
/*
 * Host queues: the host side of the DMA-style handoff (claims 7-8, 17-18,
 * 22, 24-25). Per queue, the host posts page_pool buffers that its engine
 * fills (DMA #2) and completes; the NAPI instance is the queue's interrupt
 * and turns completions into skbs. In the other direction the host posts
 * skbs on the TX ring, the engine sends them and completes them, and NAPI
 * frees them.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include MPNIC_PAGE_POOL_H
#include <uapi/linux/mpnic.h>

#include "mpnic.h"
#include "tso.h"

static u32 mpnic_hq_tx_space(const struct mpnic_hq *hq)
{
	return mpnic_ring_size(&hq->tx_ring) -
	       (hq->tx_ring.prod - READ_ONCE(hq->tx_cleaned));
}

/* Raise a queue's interrupt from the engine kthread. */
static void mpnic_hq_irq(struct mpnic_hq *hq)
{
	/* BH off so that the softirq runs on local_bh_enable() */
	local_bh_disable();
	napi_schedule(&hq->napi);
	mpnic_engine_bh_enable(hq->eng);
}

/**
 * mpnic_engine_irq_all - raise the interrupt of every queue an engine serves
 * @eng: the engine
 *
 * After a fault, NAPI refills and reaps what it could not meanwhile.
 *
 * Context: engine kthread.
 */
void mpnic_engine_irq_all(struct mpnic_engine *eng)
{
	struct mpnic_hq *hq;
	u32 p;

	rcu_read_lock();
	for (p = 0; p < MPNIC_MAX_PORTS; p++) {
		hq = rcu_dereference(eng->hq[p]);
		if (hq)
			mpnic_hq_irq(hq);
	}
	rcu_read_unlock();
}

/**
 * mpnic_hq_rx_irq - raise the queue's interrupt for new RX completions
 * @hq: the queue
 * @frames: completions written since the last call
 *
 * With moderation (ethtool -C), the interrupt waits until rx-frames
 * completions are pending or rx-usecs have passed since the first of them.
 *
 * Context: engine kthread, RCU read side.
 */
void mpnic_hq_rx_irq(struct mpnic_hq *hq, u32 frames)
{
	u32 usecs = READ_ONCE(hq->port->rx_usecs);
	u32 max = READ_ONCE(hq->port->rx_max_frames);
	u32 pending = atomic_add_return(frames, &hq->irq_pending);

	if (!usecs || (max && pending >= max)) {
		atomic_set(&hq->irq_pending, 0);
		hrtimer_try_to_cancel(&hq->irq_timer);
		mpnic_hq_irq(hq);
	} else if (!hrtimer_is_queued(&hq->irq_timer)) {
		hrtimer_start(&hq->irq_timer, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	}
}

/* The moderation timer: the interrupt is due */
static enum hrtimer_restart mpnic_hq_irq_timer(struct hrtimer *timer)
{
	struct mpnic_hq *hq = container_of(timer, struct mpnic_hq, irq_timer);

	atomic_set(&hq->irq_pending, 0);
	napi_schedule(&hq->napi);
	return HRTIMER_NORESTART;
}

/*
 * DMA #2's copy: the MAC addresses, then the frame from @skip bytes on (an
 * 802.1Q tag left out); with MPNIC_CSUM_LATE the L4 header and payload are
 * summed as they are copied. mpnic_parse() kept the L3 packet inside the
 * frame: what follows it is padding. Returns the sum.
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
 * @csum: what mpnic_stack_rx() knows of its L4 checksum; MPNIC_CSUM_LATE:
 *	it is summed as it is copied, and the frame dropped here if it does
 *	not verify
 *
 * With rx-gro-hw on, a TCP segment may instead join the packet the engine
 * is coalescing (gro.c); the caller flushes that at the end of its pass.
 *
 * Context: engine kthread, RCU read side.
 * Return: 0 when completed to the host (the caller raises the interrupt),
 * or a negative errno after counting the drop.
 */
int mpnic_engine_rx_deliver(struct mpnic_engine *eng, struct mpnic_hq *hq,
			    const u8 *frame, const struct mpnic_rx_desc *desc,
			    const struct mpnic_flow *flow, enum mpnic_csum csum)
{
	netdev_features_t features = READ_ONCE(hq->port->netdev->features);
	bool gro = csum != MPNIC_CSUM_NONE && (features & NETIF_F_GRO_HW) &&
		   (features & NETIF_F_RXCSUM);
	/* rx-vlan offload: an 802.1Q tag leaves the frame for the skb */
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

/* Count a frame of @len bytes delivered to the host. Context: engine kthread */
void mpnic_engine_rx_delivered(struct mpnic_engine *eng, u32 len)
{
	u64_stats_update_begin(&eng->stats.syncp);
	WRITE_ONCE(eng->stats.rx_delivered, eng->stats.rx_delivered + 1);
	WRITE_ONCE(eng->stats.rx_delivered_bytes, eng->stats.rx_delivered_bytes + len);
	u64_stats_update_end(&eng->stats.syncp);
}

/*
 * Hand a wire skb of @frames frames, @bytes bytes on the wire, to the wire.
 * Context: BH disabled by mpnic_engine_tx(), so the wire's receiver (a
 * veth peer's backlog or NAPI, which runs in softirq) takes the frames as
 * a batch, and a peer with GRO coalesces a TSO packet's frames as it would
 * a real NIC's. Softirqs run every MPNIC_TX_BATCH frames, well within the
 * veth ring (256) and netdev_max_backlog (1000): a train counts all its
 * frames, since a wire without TSO cuts it into them.
 */
static enum skb_drop_reason mpnic_engine_wire_out(struct mpnic_engine *eng,
						  struct sk_buff *wskb, u32 frames, u32 bytes)
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

/* Put a frame built in card memory on the wire, in an skb of its own */
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
 * Wire trains (the port's ethtool private flag wire-trains): the frames
 * the engine cuts from one TSO packet leave together as one skb, built as
 * the peer's GRO would have built it from them: the first frame's headers
 * with the whole length and the last frame's PSH and FIN, the frames'
 * payloads in page frags, gso_size and gso_segs, CHECKSUM_PARTIAL over a
 * pseudo-header checksum. Each frame is still built in card memory and
 * seen by the engine's stack; only the wire carries them as one, and the
 * checksums are the train's to finish (the frames' are not summed). A
 * wire without TSO cuts the train back into the frames, and finishes
 * their checksums as the wire's own offloads ask (validate_xmit_skb()).
 *
 * A train opens with the packet's headers, from card memory (@buf), and
 * room for @payload bytes; NULL (the frames go one by one) for what GRO
 * would not merge either (CWR, URG), past the IP length field, or
 * without memory.
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

/* The train's headers, once its @segs frames' payloads are in */
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

/*
 * Copy the first @len bytes of a host frame into card memory, inserting
 * the VLAN tag the host left to the card (tx-vlan offload) after the MAC
 * addresses. Returns the bytes written, or 0 when the frame is too short.
 */
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

/**
 * mpnic_tso_segment - build one TSO segment in card memory
 * @tso: the segmentation's state
 * @skb: the large packet
 * @from: offset in @skb of this segment's payload slice
 * @buf: the segment, the large packet's headers already at its start
 * @idx: segment number, from 0
 * @chunk: payload bytes in this segment
 * @last: this is the last segment
 * @csum: set the checksums
 *
 * Copies the slice after the headers, summing it in the same pass, fixes
 * the headers up (mpnic_tso_fixup()) and sets the IPv4 header and TCP
 * checksums; without @csum, only copies and fixes up. The caller keeps
 * @from + @chunk inside @skb.
 */
void mpnic_tso_segment(const struct mpnic_tso *tso, const struct sk_buff *skb, u32 from,
		       u8 *buf, u32 idx, u32 chunk, bool last, bool csum)
{
	u32 len = tso->hdr_len + chunk;
	u8 *ip = buf + tso->l3_off;
	u32 tcplen = len - tso->l4_off;
	__sum16 *check = (__sum16 *)(buf + tso->l4_off + 16);
	__wsum psum = 0, sum;

	if (csum)
		psum = skb_copy_and_csum_bits(skb, from, buf + tso->hdr_len, chunk);
	else	/* Cannot fail: the caller keeps the slice inside @skb */
		WARN_ON_ONCE(skb_copy_bits(skb, from, buf + tso->hdr_len, chunk));
	mpnic_tso_fixup(tso, buf, idx, chunk, last);
	if (!csum)
		return;
	*check = 0;
	/* The TCP header is a multiple of 4 bytes: the payload sums at an even offset */
	sum = csum_add(csum_partial(buf + tso->l4_off, tso->hdr_len - tso->l4_off, 0), psum);
	if (tso->l3 == 4) {
		__be32 saddr, daddr;

		*(__sum16 *)(ip + 10) = 0;
		*(__sum16 *)(ip + 10) = ip_fast_csum(ip, ip[0] & 0xf);
		memcpy(&saddr, ip + 12, 4);
		memcpy(&daddr, ip + 16, 4);
		*check = csum_tcpudp_magic(saddr, daddr, tcplen, IPPROTO_TCP, sum);
	} else {
		struct in6_addr saddr, daddr;

		memcpy(&saddr, ip + 8, 16);
		memcpy(&daddr, ip + 24, 16);
		*check = csum_ipv6_magic(&saddr, &daddr, tcplen, IPPROTO_TCP, sum);
	}
}

/*
 * TSO (claim 8): cut a large TCP packet into wire frames in card memory,
 * each with its own headers and checksums, and send them.
 */
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
		 * The first segment's parse and flow entry stand for the rest,
		 * accounted at once after the last; not a SYN, FIN or RST
		 * packet's, nor outside the full profile: each is seen alone
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
			/* Inside the train: it was opened with room for the payload */
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

/* Send one host frame on the wire through card memory. */
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
	/* Checksum offload (CHECKSUM_PARTIAL), computed in card memory */
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

	/* An ended tx-cmpl fault: what it held back is published now */
	if (unlikely(hq->tx_cmpl_held) && !hold) {
		mpnic_ring_prod_commit_n(&hq->tx_cmpl, hq->tx_cmpl_held);
		hq->tx_cmpl_held = 0;
		mpnic_hq_irq(hq);
	}
	/* Nothing to send: no batch to open */
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
		mpnic_hq_irq(hq);
	mpnic_engine_bh_enable(eng);
	return n;
}

/**
 * mpnic_start_xmit - post a frame on the TX ring of its flow's engine
 * @skb: the frame; ndo_select_queue chose the queue
 * @dev: the port
 *
 * Context: BH disabled, the queue's xmit lock held.
 */
netdev_tx_t mpnic_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);
	u16 qidx = skb_get_queue_mapping(skb);
	struct mpnic_hq *hq = &port->hqs[qidx];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qidx);
	struct mpnic_tx_desc *desc;
	u32 len = skb->len;	/* the engine may free the skb once it is posted */
	bool kick;

	desc = mpnic_ring_prod_slot(&hq->tx_ring);
	if (unlikely(!desc || !mpnic_hq_tx_space(hq))) {
		/* The queue is stopped before it fills; this is a bug */
		netif_tx_stop_queue(txq);
		return NETDEV_TX_BUSY;
	}
	desc->skb = skb;
	skb_tx_timestamp(skb);
	/*
	 * BQL counts the frame before the engine can see it: the engine
	 * polls the ring, and its completion may be reaped on another CPU
	 * before this one gets further; completing bytes not yet counted
	 * as sent is a BUG_ON in dql_completed().
	 */
	kick = __netdev_tx_sent_queue(txq, len, netdev_xmit_more());
	mpnic_ring_prod_commit(&hq->tx_ring);

	if (!mpnic_hq_tx_space(hq)) {
		netif_tx_stop_queue(txq);
		/* pairs with smp_mb() in mpnic_hq_clean_tx() */
		smp_mb();
		if (mpnic_hq_tx_space(hq))
			netif_tx_start_queue(txq);
	}
	/* The doorbell, unless more frames follow */
	if (kick)
		mpnic_engine_kick(hq->eng);
	return NETDEV_TX_OK;
}

/* Free what the engine completed; the caller decides on waking the queue */
static u32 mpnic_hq_reap_tx(struct mpnic_hq *hq, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	struct mpnic_hq_stats *st = &hq->stats;
	u32 pkts = 0, bytes = 0, n = 0;
	struct mpnic_tx_cmpl *cmpl;

	while ((cmpl = mpnic_ring_cons_peek(&hq->tx_cmpl))) {
		struct sk_buff *skb = cmpl->skb;

		pkts++;
		bytes += cmpl->bytes;
		u64_stats_update_begin(&st->syncp);
		if (cmpl->reason == SKB_NOT_DROPPED_YET) {
			WRITE_ONCE(st->tx_packets, st->tx_packets + 1);
			WRITE_ONCE(st->tx_bytes, st->tx_bytes + cmpl->bytes);
		} else {
			WRITE_ONCE(st->tx_dropped, st->tx_dropped + 1);
		}
		u64_stats_update_end(&st->syncp);
		if (cmpl->reason == SKB_NOT_DROPPED_YET)
			napi_consume_skb(skb, budget);
		else
			kfree_skb_reason(skb, cmpl->reason);
		mpnic_ring_cons_release(&hq->tx_cmpl);
		n++;
	}
	if (!n)
		return 0;
	/* the skbs are freed before ndo_start_xmit, reading tx_cleaned in
	 * mpnic_hq_tx_space(), can reuse their slots
	 */
	smp_store_release(&hq->tx_cleaned, hq->tx_cleaned + n);
	netdev_tx_completed_queue(txq, pkts, bytes);
	return n;
}

/* NAPI: reap TX completions and wake the queue once a quarter is free */
static int mpnic_hq_clean_tx(struct mpnic_hq *hq, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	u32 n = mpnic_hq_reap_tx(hq, budget);

	if (!n)
		return 0;
	/* pairs with smp_mb() in mpnic_start_xmit() */
	smp_mb();
	if (netif_tx_queue_stopped(txq) && netif_running(hq->port->netdev) &&
	    mpnic_hq_tx_space(hq) >= mpnic_ring_size(&hq->tx_ring) / 4)
		netif_tx_wake_queue(txq);
	return n;
}

/* Post host buffers until the ring holds as many as it can complete. */
static void mpnic_hq_refill(struct mpnic_hq *hq)
{
	/* Injected host RX buffer starvation */
	if (unlikely(READ_ONCE(hq->eng->fault_host_rx)))
		return;
	while (hq->rx_outstanding < mpnic_ring_size(&hq->rx_post)) {
		struct mpnic_rx_post *post = mpnic_ring_prod_slot(&hq->rx_post);
		struct page *page;

		if (WARN_ON_ONCE(!post))
			break;
		page = page_pool_dev_alloc_pages(hq->pp);
		if (unlikely(!page)) {
			mpnic_stat_inc(&hq->stats, rx_refill_fail);
			break;
		}
		post->page = page;
		mpnic_ring_prod_commit(&hq->rx_post);
		hq->rx_outstanding++;
	}
}

/*
 * A packet the engine coalesced: its further buffers become frags, and it
 * leaves as the stack's GRO would have built it: gso_size, gso_segs,
 * gso_type, and CHECKSUM_PARTIAL over a pseudo-header checksum.
 */
static void mpnic_hq_rx_gro(struct mpnic_hq *hq, struct sk_buff *skb,
			    const struct mpnic_rx_cmpl *first, u32 truesize)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct mpnic_hq_stats *st = &hq->stats;
	const struct mpnic_rx_cmpl *cmpl = first;
	struct tcphdr *th;
	u32 tcplen;

	while (cmpl->more) {
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		/* Published with the first one: never NULL */
		cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl);
		skb_add_rx_frag(skb, shinfo->nr_frags, cmpl->page, MPNIC_RX_HEADROOM,
				cmpl->len, truesize);
	}
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, first->l4_off);
	th = (struct tcphdr *)(skb->data + first->l4_off);
	tcplen = skb->len - first->l4_off;
	shinfo->gso_size = first->gso_size;
	shinfo->gso_segs = first->gso_segs;
	if (((struct iphdr *)(skb->data + ETH_HLEN))->version == 4) {
		const struct iphdr *iph = (struct iphdr *)(skb->data + ETH_HLEN);

		shinfo->gso_type = SKB_GSO_TCPV4;
		th->check = ~tcp_v4_check(tcplen, iph->saddr, iph->daddr, 0);
	} else {
		const struct ipv6hdr *ip6h = (struct ipv6hdr *)(skb->data + ETH_HLEN);

		shinfo->gso_type = SKB_GSO_TCPV6;
		th->check = ~tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr, 0);
	}
	if (th->cwr)
		shinfo->gso_type |= SKB_GSO_TCP_ECN;
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;

	u64_stats_update_begin(&st->syncp);
	WRITE_ONCE(st->rx_hw_gro_packets, st->rx_hw_gro_packets + 1);
	WRITE_ONCE(st->rx_hw_gro_wire_packets, st->rx_hw_gro_wire_packets + first->gso_segs);
	u64_stats_update_end(&st->syncp);
}

/* Free the further buffers of a packet whose skb could not be built */
static void mpnic_hq_rx_drop_chain(struct mpnic_hq *hq, const struct mpnic_rx_cmpl *first)
{
	const struct mpnic_rx_cmpl *cmpl = first;

	while (cmpl->more) {
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl);
		page_pool_put_full_page(hq->pp, cmpl->page, true);
	}
}

static int mpnic_hq_clean_rx(struct mpnic_hq *hq, int budget)
{
	struct net_device *dev = hq->port->netdev;
	u32 truesize = PAGE_SIZE << hq->rx_buf_order;
	struct mpnic_hq_stats *st = &hq->stats;
	struct mpnic_rx_cmpl *cmpl;
	int done = 0;

	while (done < budget && (cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl))) {
		struct mpnic_rx_cmpl first = *cmpl;
		struct page *page = cmpl->page;
		struct sk_buff *skb;

		/* Build the skb around the host buffer the engine filled */
		skb = napi_build_skb(page_address(page), truesize);
		if (unlikely(!skb)) {
			page_pool_put_full_page(hq->pp, page, true);
			mpnic_hq_rx_drop_chain(hq, &first);
			mpnic_stat_inc(st, rx_alloc_fail);
		} else {
			skb_mark_for_recycle(skb);
			/* Push data to the frame, tail to its end */
			skb_reserve(skb, MPNIC_RX_HEADROOM);
			skb_put(skb, first.len);
			if (first.gso_segs)
				mpnic_hq_rx_gro(hq, skb, &first, truesize);
			skb->protocol = eth_type_trans(skb, dev);
			skb_record_rx_queue(skb, hq->idx);
			if (first.vlan)
				__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), first.vlan_tci);
			if (first.hash_kind != MPNIC_HASH_NONE && (dev->features & NETIF_F_RXHASH))
				skb_set_hash(skb, first.hash,
					     first.hash_kind == MPNIC_HASH_L4 ?
					     PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);
			if (first.csum_ok && !first.gso_segs && (dev->features & NETIF_F_RXCSUM))
				skb->ip_summed = CHECKSUM_UNNECESSARY;
			u64_stats_update_begin(&st->syncp);
			WRITE_ONCE(st->rx_packets, st->rx_packets + 1);
			WRITE_ONCE(st->rx_bytes, st->rx_bytes + skb->len + ETH_HLEN);
			u64_stats_update_end(&st->syncp);
			napi_gro_receive(&hq->napi, skb);
		}
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		done++;
	}
	return done;
}

static int mpnic_hq_poll(struct napi_struct *napi, int budget)
{
	struct mpnic_hq *hq = container_of(napi, struct mpnic_hq, napi);
	int done;

	mpnic_stat_inc(&hq->stats, napi_polls);
	mpnic_hq_clean_tx(hq, budget);
	done = mpnic_hq_clean_rx(hq, budget);
	mpnic_hq_refill(hq);
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static int mpnic_hq_open(struct mpnic_port *port, struct mpnic_hq *hq)
{
	struct net_device *dev = port->netdev;
	struct page_pool_params pp = {};
	u32 frame = dev->mtu + ETH_HLEN + 2 * VLAN_HLEN;
	int err;

	hq->rx_max_len = frame;
	hq->rx_buf_order = get_order(SKB_DATA_ALIGN(MPNIC_RX_HEADROOM + frame) +
				     SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
	hq->rx_outstanding = 0;
	hq->tx_cleaned = 0;

	/* Host memory: on the node of the CPU that opens the queue */
	err = mpnic_ring_init(&hq->rx_post, port->rx_ring_size, sizeof(struct mpnic_rx_post),
			      NUMA_NO_NODE);
	if (err)
		return err;
	err = mpnic_ring_init(&hq->rx_cmpl, port->rx_ring_size, sizeof(struct mpnic_rx_cmpl),
			      NUMA_NO_NODE);
	if (err)
		goto err_free_rx_post;
	err = mpnic_ring_init(&hq->tx_ring, port->tx_ring_size, sizeof(struct mpnic_tx_desc),
			      NUMA_NO_NODE);
	if (err)
		goto err_free_rx_cmpl;
	err = mpnic_ring_init(&hq->tx_cmpl, port->tx_ring_size, sizeof(struct mpnic_tx_cmpl),
			      NUMA_NO_NODE);
	if (err)
		goto err_free_tx_ring;

	pp.order = hq->rx_buf_order;
	pp.pool_size = port->rx_ring_size;
	pp.nid = cpu_to_node(READ_ONCE(hq->eng->cpu));
	mpnic_pp_set_netdev(&pp, dev);
	hq->pp = page_pool_create(&pp);
	if (IS_ERR(hq->pp)) {
		err = PTR_ERR(hq->pp);
		goto err_free_tx_cmpl;
	}

	netif_napi_add(dev, &hq->napi, mpnic_hq_poll);
	atomic_set(&hq->irq_pending, 0);
	hrtimer_init(&hq->irq_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hq->irq_timer.function = mpnic_hq_irq_timer;
	/* NAPI is not running yet: we are page_pool's only consumer */
	local_bh_disable();
	mpnic_hq_refill(hq);
	local_bh_enable();
	napi_enable(&hq->napi);
	mpnic_queue_set_napi(dev, hq->idx, &hq->napi);
	return 0;

err_free_tx_cmpl:
	mpnic_ring_free(&hq->tx_cmpl);
err_free_tx_ring:
	mpnic_ring_free(&hq->tx_ring);
err_free_rx_cmpl:
	mpnic_ring_free(&hq->rx_cmpl);
err_free_rx_post:
	mpnic_ring_free(&hq->rx_post);
	return err;
}

/* After the engine let go of the queue: return everything still on it. */
static void mpnic_hq_close(struct mpnic_hq *hq)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	struct mpnic_rx_post *post;
	struct mpnic_rx_cmpl *rxc;
	struct mpnic_tx_desc *desc;

	/* No engine arms the timer any more: the queue has left it */
	hrtimer_cancel(&hq->irq_timer);
	mpnic_queue_set_napi(hq->port->netdev, hq->idx, NULL);
	napi_disable(&hq->napi);
	/*
	 * Fence xmit out of the rings freed below: a running port rebuilds
	 * its queues one by one. NAPI, which wakes the queue, is off.
	 */
	__netif_tx_lock_bh(txq);
	netif_tx_stop_queue(txq);
	__netif_tx_unlock_bh(txq);
	/* Completions first: they were sent or counted by the engine; what a
	 * tx-cmpl fault held back too (the engine let go of the queue)
	 */
	mpnic_ring_prod_commit_n(&hq->tx_cmpl, hq->tx_cmpl_held);
	hq->tx_cmpl_held = 0;
	mpnic_hq_reap_tx(hq, 0);
	while ((desc = mpnic_ring_cons_peek(&hq->tx_ring))) {
		kfree_skb_reason(desc->skb, SKB_DROP_REASON_DEV_READY);
		mpnic_stat_inc(&hq->stats, tx_flushed);
		mpnic_ring_cons_release(&hq->tx_ring);
	}
	netdev_tx_reset_queue(txq);
	/* Completions come whole (a coalesced packet's together): free them one by one */
	while ((rxc = mpnic_ring_cons_peek(&hq->rx_cmpl))) {
		page_pool_put_full_page(hq->pp, rxc->page, false);
		mpnic_ring_cons_release(&hq->rx_cmpl);
	}
	while ((post = mpnic_ring_cons_peek(&hq->rx_post))) {
		page_pool_put_full_page(hq->pp, post->page, false);
		mpnic_ring_cons_release(&hq->rx_post);
	}
	netif_napi_del(&hq->napi);
	page_pool_destroy(hq->pp);
	hq->pp = NULL;
	mpnic_ring_free(&hq->tx_cmpl);
	mpnic_ring_free(&hq->tx_ring);
	mpnic_ring_free(&hq->rx_cmpl);
	mpnic_ring_free(&hq->rx_post);
}

/**
 * mpnic_hqs_open - give engines @from to @to - 1 their host queues
 * @port: the port
 * @from: first queue
 * @to: one past the last
 *
 * Context: RTNL held (ndo_open, a channel change).
 * Return: 0 or a negative errno, with none of them left open.
 */
int mpnic_hqs_open(struct mpnic_port *port, u32 from, u32 to)
{
	u32 i;
	int err;

	ASSERT_RTNL();
	for (i = from; i < to; i++) {
		err = mpnic_hq_open(port, &port->hqs[i]);
		if (err)
			goto err_hqs_close;
	}
	/* Publish last: an engine sees a queue only when it is complete */
	for (i = from; i < to; i++)
		rcu_assign_pointer(port->hqs[i].eng->hq[port->idx], &port->hqs[i]);
	return 0;

err_hqs_close:
	while (i-- > from)
		mpnic_hq_close(&port->hqs[i]);
	return err;
}

/**
 * mpnic_hqs_close - take host queues @from to @to - 1 away from their engines
 * @port: the port; the TX queues are disabled or beyond real_num_tx_queues
 * @from: first queue
 * @to: one past the last
 *
 * Context: RTNL held (ndo_stop, a channel change), may sleep.
 */
void mpnic_hqs_close(struct mpnic_port *port, u32 from, u32 to)
{
	u32 i;

	ASSERT_RTNL();
	for (i = from; i < to; i++)
		RCU_INIT_POINTER(port->hqs[i].eng->hq[port->idx], NULL);
	/* Engines use their queue inside an RCU read section */
	synchronize_net();
	for (i = from; i < to; i++)
		mpnic_hq_close(&port->hqs[i]);
}

void mpnic_hq_get_stats(const struct mpnic_hq *hq, struct mpnic_hq_stats *out)
{
	mpnic_stats_read(&hq->stats, out);
}
