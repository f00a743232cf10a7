// SPDX-License-Identifier: GPL-2.0
/*
 * TSO header fix-ups: lengths, IPv4 IDs, sequence numbers and flags of
 * each segment cut from one large TCP packet, IPv4 and IPv6, with a VLAN
 * tag in front.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/tso.h"

static u32 get16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Ethernet (+ optional tag), IP, TCP with 12 bytes of options: the headers */
static u32 build(u8 *f, int v6, int tag)
{
	u32 l3 = 14 + tag, l4;

	memset(f, 0, 128);
	f[12 + tag] = v6 ? 0x86 : 0x08;
	f[13 + tag] = v6 ? 0xdd : 0x00;
	if (v6) {
		f[l3] = 0x60;
		f[l3 + 6] = 6;
		l4 = l3 + 40;
	} else {
		f[l3] = 0x45;
		f[l3 + 4] = 0x12;	/* ID 0x1234 */
		f[l3 + 5] = 0x34;
		f[l3 + 9] = 6;
		l4 = l3 + 20;
	}
	/* seq 0xfffffff0: wraps within the packet */
	f[l4 + 4] = 0xff;
	f[l4 + 5] = 0xff;
	f[l4 + 6] = 0xff;
	f[l4 + 7] = 0xf0;
	f[l4 + 12] = 8 << 4;			/* data offset: 32 bytes */
	f[l4 + 13] = 0x80 | 0x08 | 0x01 | 0x10;	/* CWR PSH FIN ACK */
	return l4;
}

static void check(int v6, int tag, int fixed_id)
{
	const char *name = v6 ? "v6" : "v4";
	u32 l3 = 14 + tag, l4, hlen, idx;
	struct mpnic_tso tso;
	u8 f[256];

	l4 = build(f, v6, tag);
	hlen = l4 + 32;
	mpnic_tso_start(&tso, f, l3, l4, hlen, 1000, fixed_id);
	UNIT_OK(tso.l3 == (v6 ? 6 : 4) && tso.seq == 0xfffffff0 && tso.mss == 1000,
		"%s tag %d: start reads version, sequence and mss", name, tag);

	/* 2500 bytes: 1000, 1000, 500 */
	for (idx = 0; idx < 3; idx++) {
		u32 pay = idx < 2 ? 1000 : 500;
		int last = idx == 2;
		u8 flags;

		mpnic_tso_fixup(&tso, f, idx, pay, last);
		flags = f[l4 + 13];
		if (v6)
			UNIT_OK(get16(f + l3 + 4) == 32 + pay,
				"%s tag %d seg %u: payload length %u", name, tag, idx, get16(f + l3 + 4));
		else
			UNIT_OK(get16(f + l3 + 2) == 20 + 32 + pay &&
				get16(f + l3 + 4) == (fixed_id ? 0x1234u : 0x1234u + idx),
				"%s tag %d seg %u fixed %d: total length %u, id %#x", name, tag, idx,
				fixed_id, get16(f + l3 + 2), get16(f + l3 + 4));
		UNIT_OK(get32(f + l4 + 4) == (u32)(0xfffffff0u + idx * 1000),
			"%s tag %d seg %u: sequence %#x", name, tag, idx, get32(f + l4 + 4));
		UNIT_OK(!!(flags & 0x80) == (idx == 0) && !!(flags & 0x09) == last &&
			(flags & 0x09) != 0x08 && (flags & 0x10),
			"%s tag %d seg %u: flags %#x (CWR first, PSH FIN last, ACK always)",
			name, tag, idx, flags);
	}
}

int main(void)
{
	check(0, 0, 0);
	check(0, 4, 0);
	check(0, 0, 1);
	check(1, 0, 0);
	check(1, 4, 0);
	return unit_done();
}
