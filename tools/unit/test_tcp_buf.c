// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP, its foundations: sequence arithmetic across the wrap,
 * window scaling, the byte rings and the out-of-order range set.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/tcp.h"

static void test_seq(void)
{
	UNIT_OK(mpnic_tcp_before(1, 2) && !mpnic_tcp_before(2, 1) && !mpnic_tcp_before(5, 5),
		"before: plain order, not reflexive");
	UNIT_OK(mpnic_tcp_before(0xfffffff0, 0x10) && mpnic_tcp_after(0x10, 0xfffffff0),
		"before/after across the wrap");
	UNIT_OK(mpnic_tcp_before(0, 0x7fffffff) && !mpnic_tcp_before(0, 0x80000001),
		"before: half the space decides");
	UNIT_OK(mpnic_tcp_between(0xfffffffe, 0xfffffff0, 0x10) &&
		mpnic_tcp_between(0x5, 0xfffffff0, 0x10) &&
		mpnic_tcp_between(0x10, 0xfffffff0, 0x10) &&
		mpnic_tcp_between(0xfffffff0, 0xfffffff0, 0x10) &&
		!mpnic_tcp_between(0x11, 0xfffffff0, 0x10) &&
		!mpnic_tcp_between(0xffffffef, 0xfffffff0, 0x10),
		"between: inclusive bounds across the wrap");
	UNIT_OK(mpnic_tcp_seq_max(0xffffffff, 3) == 3 && mpnic_tcp_seq_max(7, 3) == 7,
		"seq_max across the wrap");
	UNIT_OK(mpnic_tcp_wnd_from_wire(0xffff, 14) == 0x3fffc000 &&
		mpnic_tcp_wnd_from_wire(1000, 0) == 1000, "window field to bytes");
	UNIT_OK(mpnic_tcp_wnd_to_wire(0x3fffffff, 14) == 0xffff &&
		mpnic_tcp_wnd_to_wire(200000, 0) == 0xffff &&
		mpnic_tcp_wnd_to_wire(1023, 10) == 0 && mpnic_tcp_wnd_to_wire(4096, 10) == 4,
		"bytes to the window field: rounded down, capped");
}

static void test_ring(void)
{
	u8 mem[16], out[16], src[16];
	struct mpnic_tcp_ring r;
	u32 i, n;

	for (i = 0; i < sizeof(src); i++)
		src[i] = 0xa0 + i;
	mpnic_tcp_ring_init(&r, mem, sizeof(mem));
	n = mpnic_tcp_ring_append(&r, src, 10);
	UNIT_OK(n == 10 && r.len == 10 && mpnic_tcp_ring_space(&r) == 6, "ring: append");
	mpnic_tcp_ring_drop(&r, 7);
	n = mpnic_tcp_ring_append(&r, src, 16);
	UNIT_OK(n == 13 && r.len == 16 && r.head == 7, "ring: append stops when full");
	mpnic_tcp_ring_get(&r, 0, out, 16);
	UNIT_OK(!memcmp(out, src + 7, 3) && !memcmp(out + 3, src, 13),
		"ring: get across the wrap reads in order");
	mpnic_tcp_ring_drop(&r, 16);
	UNIT_OK(r.len == 0 && r.head == 7, "ring: drop everything");
	mpnic_tcp_ring_put(&r, 12, src, 4);
	mpnic_tcp_ring_get(&r, 12, out, 4);
	UNIT_OK(!memcmp(out, src, 4) && r.len == 0, "ring: put at an offset, wrapped");
	mpnic_tcp_ring_drop(&r, 5);
	UNIT_OK(r.len == 0 && r.head == 7, "ring: drop past the length is clamped");
}

static bool ooo_is(const struct mpnic_tcp_ooo *o, u32 n, const u32 *want)
{
	u32 i;

	if (o->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (o->r[i].start != want[2 * i] || o->r[i].end != want[2 * i + 1])
			return false;
	return true;
}

static void test_ooo(void)
{
	const u32 base = 0xfffffff0;	/* ranges straddle the wrap */
	struct mpnic_tcp_ooo o = { 0 };
	u32 i, nxt;

	mpnic_tcp_ooo_insert(&o, base + 20, base + 30);
	mpnic_tcp_ooo_insert(&o, base + 40, base + 50);
	mpnic_tcp_ooo_insert(&o, base + 5, base + 10);
	UNIT_OK(ooo_is(&o, 3, (u32[]){ base + 5, base + 10, base + 20, base + 30,
				     base + 40, base + 50 }),
		"ooo: inserts keep the ranges sorted");
	mpnic_tcp_ooo_insert(&o, base + 25, base + 42);
	UNIT_OK(ooo_is(&o, 2, (u32[]){ base + 5, base + 10, base + 20, base + 50 }),
		"ooo: an overlap merges two ranges");
	mpnic_tcp_ooo_insert(&o, base + 10, base + 12);
	UNIT_OK(ooo_is(&o, 2, (u32[]){ base + 5, base + 12, base + 20, base + 50 }),
		"ooo: a touching range merges");
	mpnic_tcp_ooo_insert(&o, base + 22, base + 28);
	UNIT_OK(ooo_is(&o, 2, (u32[]){ base + 5, base + 12, base + 20, base + 50 }),
		"ooo: a duplicate inside a range changes nothing");
	nxt = mpnic_tcp_ooo_advance(&o, base + 4);
	UNIT_OK(nxt == base + 4 && o.n == 2, "ooo: a hole before the first range stays");
	nxt = mpnic_tcp_ooo_advance(&o, base + 8);
	UNIT_OK(nxt == base + 12 && o.n == 1, "ooo: in-order data that overlaps trims it");
	nxt = mpnic_tcp_ooo_advance(&o, base + 20);
	UNIT_OK(nxt == base + 50 && o.n == 0, "ooo: filling the hole takes the range");

	for (i = 0; i < MPNIC_TCP_OOO_MAX; i++)
		mpnic_tcp_ooo_insert(&o, 100 + 10 * i, 105 + 10 * i);
	UNIT_OK(o.n == MPNIC_TCP_OOO_MAX && mpnic_tcp_ooo_insert(&o, 300, 310) == -ENOSPC &&
		o.n == MPNIC_TCP_OOO_MAX, "ooo: a full set refuses a new range, unchanged");
	UNIT_OK(mpnic_tcp_ooo_insert(&o, 103, 112) == 0 && o.n == MPNIC_TCP_OOO_MAX - 1 &&
		o.r[0].start == 100 && o.r[0].end == 115 && o.r[1].start == 120,
		"ooo: a full set still merges (bridging two ranges)");
	UNIT_OK(mpnic_tcp_ooo_insert(&o, 95, 200) == 0 && o.n == 1 &&
		o.r[0].start == 95 && o.r[0].end == 200, "ooo: one range covering all merges all");
}

int main(void)
{
	test_seq();
	test_ring();
	test_ooo();
	return unit_done();
}
