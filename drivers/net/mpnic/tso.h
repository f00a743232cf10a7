/* SPDX-License-Identifier: GPL-2.0 */
/* Engine TSO header fix-ups; pure code, built in user space by tools/unit */
#ifndef _MPNIC_TSO_H
#define _MPNIC_TSO_H

#include "pure.h"

struct mpnic_tso {
	u16 l3_off;		/* IP header, from the start of the frame */
	u16 l4_off;		/* TCP header */
	u16 hdr_len;		/* all headers, through TCP's options */
	u16 mss;		/* payload bytes per segment */
	u8 l3;			/* 4 or 6 */
	u8 flags;		/* TCP flags of the large packet */
	bool fixed_id;		/* IPv4: every segment keeps the first ID */
	u16 ip_id;		/* IPv4: ID of the first segment */
	u32 seq;		/* sequence number of the first segment */
};

void mpnic_tso_start(struct mpnic_tso *tso, const u8 *hdr, u16 l3_off, u16 l4_off,
		     u16 hdr_len, u16 mss, bool fixed_id);
void mpnic_tso_fixup(const struct mpnic_tso *tso, u8 *frame, u32 idx, u32 payload,
		     bool last);
#ifdef __KERNEL__
struct sk_buff;
void mpnic_tso_segment(const struct mpnic_tso *tso, const struct sk_buff *skb, u32 from,
		       u8 *buf, u32 idx, u32 chunk, bool last, bool csum);
#endif

#endif /* _MPNIC_TSO_H */
