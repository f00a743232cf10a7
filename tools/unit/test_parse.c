// SPDX-License-Identifier: GPL-2.0
/* The frame parser: good frames of every shape, and every kind of damage. */
#include "unit.h"
#include "../../drivers/net/mpnic/parse.h"

static u8 f[2048];

static u32 put16(u32 off, u16 v)
{
	f[off] = v >> 8;
	f[off + 1] = v & 0xff;
	return off + 2;
}

/* Ethernet (+ VLAN tags) header; returns the L3 offset */
static u32 eth(int vlans, u16 proto)
{
	u32 off = 12;

	memset(f, 0, sizeof(f));
	while (vlans--) {
		off = put16(off, vlans ? 0x88a8 : 0x8100);
		off = put16(off, 100);
	}
	return put16(off, proto);
}

static u32 ipv4(u32 off, u8 proto, u32 ihl, u32 payload, u16 frag)
{
	f[off] = 0x40 | (ihl / 4);
	put16(off + 2, ihl + payload);
	put16(off + 6, frag);
	f[off + 8] = 64;
	f[off + 9] = proto;
	memcpy(f + off + 12, "\xc6\x33\x64\x01\xcb\x00\x71\x02", 8);
	return off + ihl;
}

static u32 ipv6(u32 off, u8 nexthdr, u32 payload)
{
	f[off] = 0x60;
	put16(off + 4, payload);
	f[off + 6] = nexthdr;
	f[off + 8] = 0x20;
	f[off + 9] = 0x01;
	return off + 40;
}

static u32 tcp(u32 off, u16 sport, u16 dport)
{
	put16(off, sport);
	put16(off + 2, dport);
	f[off + 12] = 5 << 4;
	return off + 20;
}

static u32 udp(u32 off, u16 sport, u16 dport, u16 len)
{
	put16(off, sport);
	put16(off + 2, dport);
	put16(off + 4, len);
	return off + 8;
}

int main(void)
{
	struct mpnic_flow fl;
	enum mpnic_parse_res r;
	u32 l3, l4, end;

	printf("TAP version 13\n");

	l3 = eth(0, 0x0800);
	l4 = ipv4(l3, 6, 20, 20 + 10, 0);
	end = tcp(l4, 1234, 80) + 10;
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.type == MPNIC_FT_TCP4 && fl.l4_off == l4 &&
		ntohs(fl.sport) == 1234 && ntohs(fl.dport) == 80, "ipv4 tcp");
	UNIT_OK(mpnic_parse(f, 60, end, &fl) == MPNIC_PARSE_OK && fl.type == MPNIC_FT_TCP4,
		"headers-only capture still finds the tcp flow");
	UNIT_OK(mpnic_parse(f, end + 20, end + 20, &fl) == MPNIC_PARSE_OK,
		"ethernet padding after the ip packet is fine");
	UNIT_OK(mpnic_parse(f, end - 1, end - 1, &fl) == MPNIC_PARSE_TRUNC_L3,
		"ipv4 total length beyond the frame is truncated");

	l3 = eth(0, 0x0800);
	l4 = ipv4(l3, 17, 28, 8, 0);
	end = udp(l4, 53, 5353, 8);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.type == MPNIC_FT_UDP4 && fl.l4_off == l3 + 28,
		"ipv4 with options, udp");
	udp(l4, 53, 5353, 7);
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_BAD_L4, "udp length below 8");
	udp(l4, 53, 5353, 9);
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_BAD_L4, "udp length beyond ip");

	l3 = eth(0, 0x0800);
	ipv4(l3, 6, 20, 0, 0);
	f[l3] = 0x44;
	UNIT_OK(mpnic_parse(f, l3 + 40, l3 + 40, &fl) == MPNIC_PARSE_BAD_L3, "ihl below 5");
	f[l3] = 0x65;
	UNIT_OK(mpnic_parse(f, l3 + 40, l3 + 40, &fl) == MPNIC_PARSE_BAD_L3, "ipv4 version 6");
	UNIT_OK(mpnic_parse(f, l3 + 10, l3 + 10, &fl) == MPNIC_PARSE_TRUNC_L3, "ipv4 header cut");
	UNIT_OK(mpnic_parse(f, 10, 10, &fl) == MPNIC_PARSE_TRUNC_L2, "runt");

	l3 = eth(0, 0x0800);
	l4 = ipv4(l3, 6, 20, 12, 0);
	end = l4 + 12;
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_TRUNC_L4, "tcp header cut");
	l4 = ipv4(l3, 6, 20, 20, 0);
	end = tcp(l4, 1, 2);
	f[l4 + 12] = 4 << 4;
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_BAD_L4, "tcp data offset 4");
	f[l4 + 12] = 15 << 4;
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_BAD_L4, "tcp options beyond ip");

	/* Fragments hash on addresses only */
	l3 = eth(0, 0x0800);
	l4 = ipv4(l3, 17, 20, 8, 0x2000);
	end = udp(l4, 1, 2, 1000);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.type == MPNIC_FT_IP4 &&
		fl.frag == (MPNIC_FRAG | MPNIC_FRAG_FIRST) && !fl.sport, "ipv4 first fragment");
	ipv4(l3, 17, 20, 8, 0x0010);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.frag == MPNIC_FRAG && fl.type == MPNIC_FT_IP4,
		"ipv4 later fragment");

	/* VLAN and QinQ */
	l3 = eth(1, 0x0800);
	l4 = ipv4(l3, 6, 20, 20, 0);
	end = tcp(l4, 7, 8);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.nvlans == 1 && fl.l3_off == 18 &&
		fl.type == MPNIC_FT_TCP4, "802.1Q");
	l3 = eth(2, 0x0800);
	l4 = ipv4(l3, 6, 20, 20, 0);
	end = tcp(l4, 7, 8);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.nvlans == 2 && fl.l3_off == 22, "QinQ");
	UNIT_OK(mpnic_parse(f, 16, 16, &fl) == MPNIC_PARSE_TRUNC_L2, "vlan tag cut");

	/* IPv6 with an extension header chain */
	l3 = eth(0, 0x86dd);
	l4 = ipv6(l3, 0, 8 + 16 + 20);
	f[l4] = 60;		/* hop-by-hop -> destination options */
	f[l4 + 1] = 0;
	f[l4 + 8] = 6;		/* destination options -> tcp */
	f[l4 + 9] = 1;
	end = tcp(l4 + 24, 443, 50000);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.type == MPNIC_FT_TCP6 && fl.l4_off == l4 + 24 &&
		ntohs(fl.sport) == 443, "ipv6 hop-by-hop + dstopts + tcp");
	f[l4 + 9] = 200;
	UNIT_OK(mpnic_parse(f, end, end, &fl) == MPNIC_PARSE_TRUNC_L3,
		"ipv6 extension header longer than the packet");

	l3 = eth(0, 0x86dd);
	l4 = ipv6(l3, 44, 8 + 8);
	f[l4] = 17;		/* fragment -> udp, offset 0, M set */
	f[l4 + 3] = 1;
	end = udp(l4 + 8, 1, 2, 100);
	r = mpnic_parse(f, end, end, &fl);
	UNIT_OK(r == MPNIC_PARSE_OK && fl.type == MPNIC_FT_IP6 &&
		fl.frag == (MPNIC_FRAG | MPNIC_FRAG_FIRST), "ipv6 first fragment");

	l3 = eth(0, 0x86dd);
	l4 = ipv6(l3, 60, 8 * 20);
	for (end = 0; end < 20; end++) {
		f[l4 + end * 8] = 60;
		f[l4 + end * 8 + 1] = 0;
	}
	UNIT_OK(mpnic_parse(f, l4 + 160, l4 + 160, &fl) == MPNIC_PARSE_EXTHDRS,
		"20 extension headers are too many to follow");

	l3 = eth(0, 0x0806);
	UNIT_OK(mpnic_parse(f, 60, 60, &fl) == MPNIC_PARSE_NOT_IP && fl.type == MPNIC_FT_OTHER,
		"arp is not ip");
	return unit_done();
}
