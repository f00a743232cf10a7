/* SPDX-License-Identifier: GPL-2.0 */
/* Frame parser for dispatch, the engines and ndo_select_queue; pure code */
#ifndef _MPNIC_PARSE_H
#define _MPNIC_PARSE_H

#include "pure.h"

#define MPNIC_ETH_HLEN		14
#define MPNIC_VLAN_HLEN		4
#define MPNIC_MAX_VLANS		2

/* TCP header flag bits (byte 13); MPNIC_TCP_* name the flow table's states */
#define MPNIC_TH_FIN		0x01
#define MPNIC_TH_SYN		0x02
#define MPNIC_TH_RST		0x04
#define MPNIC_TH_PSH		0x08
#define MPNIC_TH_ACK		0x10
#define MPNIC_TH_URG		0x20
#define MPNIC_TH_ECE		0x40
#define MPNIC_TH_CWR		0x80

/* Extension headers walked before an IPv6 packet counts as unparseable */
#define MPNIC_MAX_EXTHDRS	16

/* How far mpnic_parse() got; the stack instance turns these into counters. */
enum mpnic_parse_res {
	MPNIC_PARSE_OK,		/* L2 to L4 (or to L3 for other protocols) */
	MPNIC_PARSE_NOT_IP,	/* valid L2, payload is not IPv4/IPv6 */
	MPNIC_PARSE_TRUNC_L2,	/* shorter than its Ethernet/VLAN headers */
	MPNIC_PARSE_TRUNC_L3,	/* shorter than its IP header(s) */
	MPNIC_PARSE_BAD_L3,	/* version, IHL or length fields inconsistent */
	MPNIC_PARSE_TRUNC_L4,	/* shorter than its TCP/UDP header */
	MPNIC_PARSE_BAD_L4,	/* TCP data offset or UDP length inconsistent */
	MPNIC_PARSE_EXTHDRS,	/* IPv6 extension chain too long to follow */
};

/* Flow types, the ethtool rx-flow-hash classes */
enum mpnic_flow_type {
	MPNIC_FT_OTHER,		/* not IP: hashed as 0 */
	MPNIC_FT_TCP4,
	MPNIC_FT_UDP4,
	MPNIC_FT_IP4,		/* other IPv4 and IPv4 fragments */
	MPNIC_FT_TCP6,
	MPNIC_FT_UDP6,
	MPNIC_FT_IP6,		/* other IPv6 and IPv6 fragments */
	MPNIC_FT_MAX,
};

#define MPNIC_FRAG		BIT(0)	/* any fragment */
#define MPNIC_FRAG_FIRST	BIT(1)	/* offset 0: carries the L4 header */

struct mpnic_flow {
	u8 type;		/* enum mpnic_flow_type */
	u8 l3;			/* 4, 6 or 0 */
	u8 l4proto;		/* IPPROTO_* after extension headers */
	u8 frag;		/* MPNIC_FRAG* */
	u8 nvlans;
	u8 res;			/* enum mpnic_parse_res */
	u16 l3_off;		/* from the start of the frame */
	u16 l4_off;		/* 0 when no L4 header was found */
	u16 l3_len;		/* IP total length (header included) */
	__be16 sport, dport;	/* 0 unless TCP or UDP and not a later fragment */
	u8 saddr[16];		/* IPv4 addresses use the first 4 bytes */
	u8 daddr[16];
	u8 port;		/* not parsed: the caller's card port, part of the flow's key */
};

enum mpnic_parse_res mpnic_parse(const u8 *frame, u32 caplen, u32 len,
				 struct mpnic_flow *flow);

#endif /* _MPNIC_PARSE_H */
