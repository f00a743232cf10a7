// SPDX-License-Identifier: GPL-2.0
/* Never reads past @caplen nor trusts a length field unchecked against @len */

#include "parse.h"

#define ETHP_8021Q	0x8100
#define ETHP_8021AD	0x88a8
#define ETHP_IPV4	0x0800
#define ETHP_IPV6	0x86dd

#define IPP_HOPOPTS	0
#define IPP_TCP		6
#define IPP_UDP		17
#define IPP_ROUTING	43
#define IPP_FRAGMENT	44
#define IPP_AH		51
#define IPP_DSTOPTS	60

static u16 mpnic_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static enum mpnic_parse_res mpnic_parse_l4(const u8 *frame, u32 caplen, u32 off,
					   struct mpnic_flow *flow)
{
	const u8 *l4 = frame + off;
	u32 end = flow->l3_off + flow->l3_len;
	u32 rend = end < caplen ? end : caplen;	/* readable end */

	if (flow->l4proto != IPP_TCP && flow->l4proto != IPP_UDP)
		return MPNIC_PARSE_OK;
	if (flow->frag & MPNIC_FRAG) {
		/* Fragments are hashed on addresses only, as real NICs do */
		if (!(flow->frag & MPNIC_FRAG_FIRST))
			return MPNIC_PARSE_OK;
	}
	if (flow->l4proto == IPP_TCP) {
		if (off + 20 > rend)
			return MPNIC_PARSE_TRUNC_L4;
		if ((l4[12] >> 4) < 5 || off + (l4[12] >> 4) * 4 > end)
			return MPNIC_PARSE_BAD_L4;
	} else {
		if (off + 8 > rend)
			return MPNIC_PARSE_TRUNC_L4;
		/* A fragment's UDP length covers the whole datagram */
		if (!(flow->frag & MPNIC_FRAG) &&
		    (mpnic_get_be16(l4 + 4) < 8 || off + mpnic_get_be16(l4 + 4) > end))
			return MPNIC_PARSE_BAD_L4;
	}
	flow->l4_off = off;
	if (flow->frag & MPNIC_FRAG)
		return MPNIC_PARSE_OK;
	memcpy(&flow->sport, l4, 2);
	memcpy(&flow->dport, l4 + 2, 2);
	if (flow->l3 == 4)
		flow->type = flow->l4proto == IPP_TCP ? MPNIC_FT_TCP4 : MPNIC_FT_UDP4;
	else
		flow->type = flow->l4proto == IPP_TCP ? MPNIC_FT_TCP6 : MPNIC_FT_UDP6;
	return MPNIC_PARSE_OK;
}

static enum mpnic_parse_res mpnic_parse_ipv4(const u8 *frame, u32 caplen, u32 len,
					     u32 off, struct mpnic_flow *flow)
{
	const u8 *ip = frame + off;
	u32 ihl, tot, frag_off;

	if (off + 20 > caplen)
		return MPNIC_PARSE_TRUNC_L3;
	ihl = (ip[0] & 0xf) * 4;
	tot = mpnic_get_be16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl)
		return MPNIC_PARSE_BAD_L3;
	if (off + ihl > caplen)
		return MPNIC_PARSE_TRUNC_L3;
	if (off + tot > len)
		return MPNIC_PARSE_TRUNC_L3;
	flow->l3 = 4;
	flow->type = MPNIC_FT_IP4;
	flow->l3_len = tot;
	flow->l4proto = ip[9];
	memcpy(flow->saddr, ip + 12, 4);
	memcpy(flow->daddr, ip + 16, 4);
	frag_off = mpnic_get_be16(ip + 6);
	if (frag_off & 0x3fff) {	/* MF set or a non-zero offset */
		flow->frag = MPNIC_FRAG;
		if (!(frag_off & 0x1fff))
			flow->frag |= MPNIC_FRAG_FIRST;
	}
	return mpnic_parse_l4(frame, caplen, off + ihl, flow);
}

static enum mpnic_parse_res mpnic_parse_ipv6(const u8 *frame, u32 caplen, u32 len,
					     u32 off, struct mpnic_flow *flow)
{
	const u8 *ip = frame + off;
	u32 end, rend, nexthdr, i;

	if (off + 40 > caplen)
		return MPNIC_PARSE_TRUNC_L3;
	if ((ip[0] >> 4) != 6)
		return MPNIC_PARSE_BAD_L3;
	flow->l3 = 6;
	flow->type = MPNIC_FT_IP6;
	/* A jumbogram (payload length 0) is not something a NIC will carry */
	flow->l3_len = 40 + mpnic_get_be16(ip + 4);
	if (off + flow->l3_len > len)
		return MPNIC_PARSE_TRUNC_L3;
	memcpy(flow->saddr, ip + 8, 16);
	memcpy(flow->daddr, ip + 24, 16);
	end = off + flow->l3_len;
	rend = end < caplen ? end : caplen;
	nexthdr = ip[6];
	off += 40;
	for (i = 0; i < MPNIC_MAX_EXTHDRS; i++) {
		const u8 *eh = frame + off;
		u32 hlen;

		switch (nexthdr) {
		case IPP_HOPOPTS:
		case IPP_ROUTING:
		case IPP_DSTOPTS:
			if (off + 8 > rend)
				return MPNIC_PARSE_TRUNC_L3;
			hlen = (eh[1] + 1) * 8;
			break;
		case IPP_AH:
			if (off + 8 > rend)
				return MPNIC_PARSE_TRUNC_L3;
			hlen = (eh[1] + 2) * 4;
			break;
		case IPP_FRAGMENT:
			if (off + 8 > rend)
				return MPNIC_PARSE_TRUNC_L3;
			hlen = 8;
			flow->frag = MPNIC_FRAG;
			if (!(mpnic_get_be16(eh + 2) & 0xfff8))
				flow->frag |= MPNIC_FRAG_FIRST;
			break;
		default:
			flow->l4proto = nexthdr;
			return mpnic_parse_l4(frame, caplen, off, flow);
		}
		if (off + hlen > end)
			return MPNIC_PARSE_TRUNC_L3;
		nexthdr = eh[0];
		off += hlen;
	}
	return MPNIC_PARSE_EXTHDRS;
}

/**
 * mpnic_parse - find the L3/L4 headers and the flow of an Ethernet frame
 * @frame: the frame, starting at the destination MAC address
 * @caplen: bytes of it readable at @frame (dispatch may see only the headers)
 * @len: its length on the wire, which length fields are checked against
 * @flow: filled in, as far as the parse got
 *
 * Return: how far the parse got; on anything but MPNIC_PARSE_OK the flow
 * holds what was found before the problem (enough to hash on).
 */
enum mpnic_parse_res mpnic_parse(const u8 *frame, u32 caplen, u32 len,
				 struct mpnic_flow *flow)
{
	u32 off = 12;
	u16 proto;

	memset(flow, 0, sizeof(*flow));
	if (caplen > len)
		caplen = len;
	if (caplen < MPNIC_ETH_HLEN)
		return flow->res = MPNIC_PARSE_TRUNC_L2;
	proto = mpnic_get_be16(frame + off);
	while (proto == ETHP_8021Q || proto == ETHP_8021AD) {
		if (flow->nvlans == MPNIC_MAX_VLANS)
			return flow->res = MPNIC_PARSE_NOT_IP;
		if (off + 2 + MPNIC_VLAN_HLEN > caplen)
			return flow->res = MPNIC_PARSE_TRUNC_L2;
		flow->nvlans++;
		off += MPNIC_VLAN_HLEN;
		proto = mpnic_get_be16(frame + off);
	}
	off += 2;
	flow->l3_off = off;
	switch (proto) {
	case ETHP_IPV4:
		flow->res = mpnic_parse_ipv4(frame, caplen, len, off, flow);
		break;
	case ETHP_IPV6:
		flow->res = mpnic_parse_ipv6(frame, caplen, len, off, flow);
		break;
	default:
		flow->res = MPNIC_PARSE_NOT_IP;
		break;
	}
	return flow->res;
}
