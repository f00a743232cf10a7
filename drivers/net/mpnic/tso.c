// SPDX-License-Identifier: GPL-2.0

#include "parse.h"
#include "tso.h"

static u32 mpnic_tso_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void mpnic_tso_put16(u8 *p, u32 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void mpnic_tso_put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/**
 * mpnic_tso_start - read what segmentation needs from the large packet
 * @tso: state for the fix-ups
 * @hdr: the packet's headers
 * @l3_off: offset of its IP header
 * @l4_off: offset of its TCP header
 * @hdr_len: length of all its headers
 * @mss: payload bytes per segment
 * @fixed_id: IPv4: keep the first ID in all segments (GSO's FIXEDID)
 */
void mpnic_tso_start(struct mpnic_tso *tso, const u8 *hdr, u16 l3_off, u16 l4_off,
		     u16 hdr_len, u16 mss, bool fixed_id)
{
	tso->l3_off = l3_off;
	tso->l4_off = l4_off;
	tso->hdr_len = hdr_len;
	tso->mss = mss;
	tso->l3 = hdr[l3_off] >> 4;
	tso->fixed_id = fixed_id;
	tso->ip_id = tso->l3 == 4 ? (u16)(hdr[l3_off + 4] << 8 | hdr[l3_off + 5]) : 0;
	tso->seq = mpnic_tso_get32(hdr + l4_off + 4);
	tso->flags = hdr[l4_off + 13];
}

/**
 * mpnic_tso_fixup - make the headers of segment @idx right
 * @tso: from mpnic_tso_start()
 * @frame: the segment: the large packet's headers, then its payload slice
 * @idx: segment number, from 0
 * @payload: payload bytes in this segment
 * @last: this is the last segment
 *
 * Checksums are left to the caller.
 */
void mpnic_tso_fixup(const struct mpnic_tso *tso, u8 *frame, u32 idx, u32 payload,
		     bool last)
{
	u8 *ip = frame + tso->l3_off;
	u8 *th = frame + tso->l4_off;
	u32 len = tso->hdr_len + payload;
	u8 flags = tso->flags;

	if (tso->l3 == 4) {
		mpnic_tso_put16(ip + 2, len - tso->l3_off);
		mpnic_tso_put16(ip + 4, tso->fixed_id ? tso->ip_id : (u16)(tso->ip_id + idx));
	} else {
		mpnic_tso_put16(ip + 4, len - tso->l3_off - 40);
	}
	mpnic_tso_put32(th + 4, tso->seq + idx * tso->mss);
	if (!last)
		flags &= ~(MPNIC_TH_FIN | MPNIC_TH_PSH);
	if (idx)
		flags &= ~MPNIC_TH_CWR;
	th[13] = flags;
}

#ifdef __KERNEL__
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

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
 * The caller keeps @from + @chunk inside @skb.
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
#endif /* __KERNEL__ */
