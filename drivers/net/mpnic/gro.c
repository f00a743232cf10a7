// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware GRO. Payload is packed across host buffers, as NICs that pack
 * receive pages do: a 64 KB packet fills 16 pages, not one per segment.
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <net/page_pool/helpers.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

/* Host buffers per packet: they become the skb's head and frags */
#define MPNIC_GRO_MAX_BUFS	(MAX_SKB_FRAGS + 1)
/* Frame bytes per packet: the IPv4 length field must hold it */
#define MPNIC_GRO_MAX_LEN	64000

static u16 mpnic_gro_get16(const u8 *p)
{
	return (u16)p[0] << 8 | p[1];
}

static u32 mpnic_gro_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u32 mpnic_gro_payload(const u8 *frame, const struct mpnic_flow *flow, u32 *thlen)
{
	*thlen = (frame[flow->l4_off + 12] >> 4) * 4;
	return flow->l3_off + flow->l3_len - flow->l4_off - *thlen;
}

/**
 * mpnic_gro_start - open a packet with a segment just put in a host buffer
 * @eng: the engine
 * @hdr: the segment, in its host buffer
 * @flow: its parse
 * @len: its completion's length: trimmed to the IP length (no padding)
 *
 * Context: engine kthread; no packet is open (mpnic_gro_flush() ran).
 * Return: true when open: mpnic_gro_flush() publishes the completion.
 */
bool mpnic_gro_start(struct mpnic_engine *eng, u8 *hdr, const struct mpnic_flow *flow,
		     u16 *len)
{
	struct mpnic_gro *gro = &eng->gro;
	u32 thlen, pay;

	if (flow->l4proto != IPPROTO_TCP || !flow->l4_off || (flow->frag & MPNIC_FRAG) ||
	    flow->nvlans)
		return false;
	if (flow->l3 == 4 ? flow->l4_off != flow->l3_off + 20 :
			    flow->l4_off != flow->l3_off + 40)
		return false;
	/* A plain ACK carrying data: anything else is the host's to see alone */
	if (hdr[flow->l4_off + 13] != MPNIC_TH_ACK)
		return false;
	pay = mpnic_gro_payload(hdr, flow, &thlen);
	if (!pay || flow->l4_off + thlen + pay > MPNIC_GRO_MAX_LEN)
		return false;

	gro->nbufs = 1;
	gro->nsegs = 1;
	gro->hdr = hdr;
	gro->l3 = flow->l3;
	gro->l3_off = flow->l3_off;
	gro->l4_off = flow->l4_off;
	gro->hdr_len = flow->l4_off + thlen;
	gro->mss = pay;
	gro->len = gro->hdr_len + pay;
	gro->next_seq = mpnic_gro_get32(hdr + flow->l4_off + 4) + pay;
	gro->psh = false;
	gro->closed = false;
	gro->flow = *flow;
	gro->fe = gro->rx_fe;
	*len = gro->len;
	return true;
}

/* The segment's headers match the open packet's, but for what may differ */
static bool mpnic_gro_same(const struct mpnic_gro *gro, const u8 *frame)
{
	const u8 *a = gro->hdr + gro->l3_off, *b = frame + gro->l3_off;
	const u8 *ta = gro->hdr + gro->l4_off, *tb = frame + gro->l4_off;

	if (gro->l3 == 4) {
		/* version, IHL, TOS; flags, fragment offset, TTL, protocol; addresses */
		if (memcmp(a, b, 2) || memcmp(a + 6, b + 6, 4) || memcmp(a + 12, b + 12, 8))
			return false;
	} else {
		/* version, class, flow label; next header, hop limit; addresses */
		if (memcmp(a, b, 4) || memcmp(a + 6, b + 6, 34))
			return false;
	}
	/* ports; acknowledgment, data offset; window; options */
	return !memcmp(ta, tb, 4) && !memcmp(ta + 8, tb + 8, 5) &&
	       !memcmp(ta + 14, tb + 14, 2) &&
	       !memcmp(ta + 20, tb + 20, gro->hdr_len - gro->l4_off - 20);
}

/* A segment of @pay payload bytes continues the open packet */
static bool mpnic_gro_continues(const struct mpnic_gro *gro, const u8 *frame, u32 pay)
{
	return !gro->closed && pay && pay <= gro->mss && gro->len + pay <= MPNIC_GRO_MAX_LEN &&
	       (frame[gro->l4_off + 13] & ~MPNIC_TH_PSH) == MPNIC_TH_ACK &&
	       mpnic_gro_get32(frame + gro->l4_off + 4) == gro->next_seq &&
	       mpnic_gro_same(gro, frame);
}

/* The first buffer of a packet becomes the skb's head: room for its shinfo */
static u32 mpnic_gro_buf_cap(const struct mpnic_hq *hq, bool head)
{
	u32 size = PAGE_SIZE << hq->rx_buf_order;

	return (head ? SKB_WITH_OVERHEAD(size) : size) - MPNIC_RX_HEADROOM;
}

/* With @sum, also add the bytes' sum at payload offset @off */
static void mpnic_gro_copy(u8 *dst, const u8 *src, u32 len, __wsum *sum, u32 off)
{
	if (sum)
		*sum = csum_block_add(*sum, csum_partial_copy_nocheck(src, dst, len), off);
	else
		memcpy(dst, src, len);
}

/*
 * A segment never exceeds a host buffer, so its payload spills into one
 * next buffer at most. Return: 1 when added, 0 without room, -EBADMSG on a
 * bad checksum (counted; the packet and the posted buffers are untouched).
 */
static int mpnic_gro_add(struct mpnic_engine *eng, struct mpnic_hq *hq, const u8 *frame,
			 const struct mpnic_flow *flow, u32 thlen, u32 pay, u8 flags,
			 enum mpnic_csum csum)
{
	struct mpnic_gro *gro = &eng->gro;
	const u8 *src = frame + gro->hdr_len;
	struct mpnic_rx_cmpl *last, *cmpl = NULL;
	struct mpnic_rx_post *post = NULL;
	__wsum sum = 0, *psum = NULL;
	u32 room, here;

	last = mpnic_ring_prod_slot_n(&hq->rx_cmpl, gro->nbufs - 1);
	room = mpnic_gro_buf_cap(hq, gro->nbufs == 1) - last->len;
	here = min(room, pay);
	if (here < pay) {
		if (gro->nbufs >= MPNIC_GRO_MAX_BUFS)
			return 0;
		post = mpnic_ring_cons_peek(&hq->rx_post);
		cmpl = mpnic_ring_prod_slot_n(&hq->rx_cmpl, gro->nbufs);
		if (!post || !cmpl)
			return 0;
	}
	if (csum == MPNIC_CSUM_LATE)
		psum = &sum;
	/* The TCP header is a multiple of 4 bytes: the payload sums at an even offset */
	mpnic_gro_copy(page_address(last->page) + MPNIC_RX_HEADROOM + last->len, src, here,
		       psum, 0);
	if (post)
		mpnic_gro_copy(page_address(post->page) + MPNIC_RX_HEADROOM, src + here,
			       pay - here, psum, here);
	if (psum) {
		sum = csum_add(csum_partial(frame + flow->l4_off, thlen, 0), sum);
		if (!mpnic_stack_rx_csum(eng, frame, flow, sum))
			return -EBADMSG;
	}
	last->len += here;
	if (post) {
		memset(cmpl, 0, sizeof(*cmpl));
		cmpl->page = post->page;
		mpnic_ring_cons_release(&hq->rx_post);
		cmpl->len = pay - here;
		gro->nbufs++;
	}

	gro->nsegs++;
	gro->len += pay;
	gro->next_seq += pay;
	if (flags & MPNIC_TH_PSH)
		gro->psh = true;
	gro->closed = pay < gro->mss || gro->psh;
	return 1;
}

/**
 * mpnic_gro_merge - add a segment's payload to the open packet
 * @eng: the engine
 * @hq: the host queue the packet goes to
 * @frame: the segment, in card memory, its IP header verified
 * @flow: its parse
 * @csum: MPNIC_CSUM_LATE to verify the checksum as the payload is copied
 *
 * Context: engine kthread, RCU read side.
 * Return: 1 when merged; 0 when it does not belong or fit: deliver it
 * alone; -EBADMSG on a bad checksum (counted; nothing merged).
 */
int mpnic_gro_merge(struct mpnic_engine *eng, struct mpnic_hq *hq, const u8 *frame,
		    const struct mpnic_flow *flow, enum mpnic_csum csum)
{
	struct mpnic_gro *gro = &eng->gro;
	u32 thlen, pay;

	if (gro->closed || flow->l3 != gro->l3 || flow->l4proto != IPPROTO_TCP ||
	    flow->l3_off != gro->l3_off || flow->l4_off != gro->l4_off ||
	    (flow->frag & MPNIC_FRAG) || flow->nvlans)
		return 0;
	pay = mpnic_gro_payload(frame, flow, &thlen);
	if (flow->l4_off + thlen != gro->hdr_len || !mpnic_gro_continues(gro, frame, pay))
		return 0;
	return mpnic_gro_add(eng, hq, frame, flow, thlen, pay, frame[flow->l4_off + 13], csum);
}

/**
 * mpnic_gro_follow - take a frame that continues the open packet, unparsed
 * @eng: the engine
 * @hq: the host queue the packet goes to
 * @frame: the frame, in card memory, as dispatch left it
 * @desc: its input descriptor
 *
 * A frame that provably continues the packet's flow skips the parse and
 * lookup; mpnic_stack_follow() accounts it when the packet is published.
 *
 * Context: engine kthread, RCU read side.
 * Return: 1 when merged; 0 to take the full path.
 */
int mpnic_gro_follow(struct mpnic_engine *eng, struct mpnic_hq *hq, const u8 *frame,
		     const struct mpnic_rx_desc *desc)
{
	netdev_features_t features = READ_ONCE(hq->port->netdev->features);
	struct mpnic_gro *gro = &eng->gro;
	struct mpnic_flow *flow = &gro->flow;
	const u8 *ip = frame + gro->l3_off;
	u32 len = desc->len;

	/* What mpnic_stack_rx() would decide differently takes its path */
	if (!gro->nbufs || !gro->fe || len <= gro->hdr_len ||
	    READ_ONCE(eng->profile) != MPNIC_PROFILE_FULL ||
	    (features & (NETIF_F_GRO_HW | NETIF_F_RXCSUM)) != (NETIF_F_GRO_HW | NETIF_F_RXCSUM))
		return 0;
	/* MAC addresses and EtherType (no tag: the first segment had none) */
	if (memcmp(frame, gro->hdr, gro->l3_off) ||
	    !mpnic_gro_continues(gro, frame, len - gro->hdr_len))
		return 0;
	/* The IP length is the frame's: no padding, nothing cut */
	if (gro->l3 == 4) {
		if (mpnic_gro_get16(ip + 2) != len - gro->l3_off || ip_fast_csum(ip, 5))
			return 0;
	} else if (mpnic_gro_get16(ip + 4) != len - gro->l3_off - 40) {
		return 0;
	}
	flow->l3_len = len - gro->l3_off;
	if (!mpnic_stack_csum_filled(desc, flow))
		return 0;
	if (!mpnic_gro_add(eng, hq, frame, flow, gro->hdr_len - gro->l4_off,
			   len - gro->hdr_len, frame[gro->l4_off + 13], MPNIC_CSUM_GOOD))
		return 0;
	gro->followed++;
	gro->followed_bytes += flow->l3_len;
	return 1;
}

/**
 * mpnic_gro_flush - end the open packet, if any, and publish it
 * @eng: the engine
 * @hq: the host queue it goes to
 *
 * Context: engine kthread, RCU read side.
 */
void mpnic_gro_flush(struct mpnic_engine *eng, struct mpnic_hq *hq)
{
	struct mpnic_gro *gro = &eng->gro;
	u32 i, segs = gro->nsegs, bufs = gro->nbufs;
	u8 *ip = gro->hdr + gro->l3_off;
	struct mpnic_rx_cmpl *first;

	if (!bufs)
		return;
	if (gro->followed) {
		/* Plain ACKs (PSH aside) with the next sequence numbers */
		mpnic_stack_follow(eng, gro->fe, MPNIC_DIR_IN, gro->followed,
				   gro->followed_bytes, gro->next_seq, MPNIC_TH_ACK);
		mpnic_stat_add(&eng->stats, rx_gro_followed, gro->followed);
		gro->followed = 0;
		gro->followed_bytes = 0;
	}
	first = mpnic_ring_prod_slot_n(&hq->rx_cmpl, 0);
	if (segs > 1) {
		/* The first segment's headers now describe the whole packet */
		if (gro->l3 == 4) {
			*(__be16 *)(ip + 2) = htons(gro->len - gro->l3_off);
			*(__sum16 *)(ip + 10) = 0;
			*(__sum16 *)(ip + 10) = ip_fast_csum(ip, 5);
		} else {
			*(__be16 *)(ip + 4) = htons(gro->len - gro->l3_off - 40);
		}
		if (gro->psh)
			gro->hdr[gro->l4_off + 13] |= MPNIC_TH_PSH;
		first->l4_off = gro->l4_off;
		first->gso_size = gro->mss;
		first->gso_segs = segs;
		for (i = 0; i + 1 < bufs; i++) {
			struct mpnic_rx_cmpl *cmpl = mpnic_ring_prod_slot_n(&hq->rx_cmpl, i);

			cmpl->more = 1;
		}
		mpnic_stat_add(&eng->stats, rx_gro_merged, segs - 1);
	}
	mpnic_ring_prod_commit_n(&hq->rx_cmpl, bufs);
	gro->nbufs = 0;
}
