// SPDX-License-Identifier: GPL-2.0
/*
 * Toeplitz against Microsoft's RSS verification suite ("Verifying the RSS
 * Hash Calculation"), with its standard key; the XOR and CRC32 hashes and
 * the default table.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/rss.h"

static const u8 ms_key[MPNIC_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct vec {
	int af;
	const char *dst, *src;
	u16 dport, sport;
	u32 l4, l3;
};

static const struct vec vecs[] = {
	{ AF_INET, "161.142.100.80", "66.9.149.187", 1766, 2794, 0x51ccc178, 0x323e8fc2 },
	{ AF_INET, "65.69.140.83", "199.92.111.2", 4739, 14230, 0xc626b0ea, 0xd718262a },
	{ AF_INET, "12.22.207.184", "24.19.198.95", 38024, 12898, 0x5c2b394a, 0xd2d0a5de },
	{ AF_INET, "209.142.163.6", "38.27.205.30", 2217, 48228, 0xafc7327f, 0x82989176 },
	{ AF_INET, "202.188.127.2", "153.39.163.191", 1303, 44251, 0x10e828a2, 0x5d1809c5 },
	{ AF_INET6, "3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 1766, 2794,
	  0x40207d3d, 0x2cc18cd5 },
	{ AF_INET6, "ff02::1", "3ffe:501:8::260:97ff:fe40:efab", 4739, 14230,
	  0xdde51bbf, 0x0f0c461c },
	{ AF_INET6, "fe80::200:f8ff:fe21:67cf", "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
	  38024, 44251, 0x02d1feef, 0x4b61e985 },
};

static void flow_of(const struct vec *v, struct mpnic_flow *flow, bool tcp)
{
	memset(flow, 0, sizeof(*flow));
	flow->l3 = v->af == AF_INET ? 4 : 6;
	inet_pton(v->af, v->src, flow->saddr);
	inet_pton(v->af, v->dst, flow->daddr);
	flow->sport = htons(v->sport);
	flow->dport = htons(v->dport);
	if (v->af == AF_INET)
		flow->type = tcp ? MPNIC_FT_TCP4 : MPNIC_FT_IP4;
	else
		flow->type = tcp ? MPNIC_FT_TCP6 : MPNIC_FT_IP6;
}

/* The other direction of @flow */
static void reverse_of(const struct mpnic_flow *flow, struct mpnic_flow *rev)
{
	*rev = *flow;
	memcpy(rev->saddr, flow->daddr, 16);
	memcpy(rev->daddr, flow->saddr, 16);
	rev->sport = flow->dport;
	rev->dport = flow->sport;
}

/* Ntuple rules: first by location, masks, types, the reply direction */
static void ntuple(void)
{
	static struct {
		struct mpnic_dispatch_cfg cfg;
		struct mpnic_ntuple_rule rules[3];
	} c;
	const struct mpnic_ntuple_rule *r;
	struct mpnic_flow flow;
	const struct vec *v = &vecs[0];	/* 66.9.149.187:2794 -> 161.142.100.80:1766 */

	memset(&c, 0, sizeof(c));
	c.cfg.nrules = 3;
	/* loc 1: udp4 to port 1766 -> engine 3 (must not match TCP) */
	c.cfg.rules[0] = (struct mpnic_ntuple_rule){ .loc = 1, .type = MPNIC_FT_UDP4, .action = 3,
		.dport = htons(1766), .dport_mask = 0xffff };
	/* loc 2: tcp4 from 66.9.0.0/16 -> drop */
	c.cfg.rules[1] = (struct mpnic_ntuple_rule){ .loc = 2, .type = MPNIC_FT_TCP4,
		.action = MPNIC_NTUPLE_DROP, .src = { 66, 9 }, .src_mask = { 0xff, 0xff } };
	/* loc 3: any IPv4 with protocol 6 -> engine 1 */
	c.cfg.rules[2] = (struct mpnic_ntuple_rule){ .loc = 3, .type = MPNIC_FT_IP4, .action = 1,
		.proto = 6, .proto_mask = 0xff };

	flow_of(v, &flow, true);
	flow.l4proto = 6;
	r = mpnic_ntuple_match(&c.cfg, &flow, false);
	UNIT_OK(r && r->loc == 2, "ntuple: tcp4 from 66.9/16 takes the drop rule at loc 2");
	r = mpnic_ntuple_match(&c.cfg, &flow, true);
	UNIT_OK(r && r->loc == 3, "ntuple: its reply (from 161.142...) falls to the ip4 proto rule");
	flow.type = MPNIC_FT_UDP4;
	flow.l4proto = 17;
	r = mpnic_ntuple_match(&c.cfg, &flow, false);
	UNIT_OK(r && r->loc == 1 && r->action == 3, "ntuple: udp4 to 1766 goes to engine 3");
	r = mpnic_ntuple_match(&c.cfg, &flow, true);
	UNIT_OK(!r, "ntuple: the reply of that udp4 flow (from 1766) matches nothing");
	flow_of(&vecs[5], &flow, true);
	flow.l4proto = 6;
	r = mpnic_ntuple_match(&c.cfg, &flow, false);
	UNIT_OK(!r, "ntuple: IPv6 matches no IPv4 rule");
}

/* ethtool -L: the default table follows the engine count */
static void test_spread(void)
{
	struct mpnic_rss rss;
	unsigned int i, n, per[MPNIC_RSS_INDIR_SIZE];
	int even;

	mpnic_rss_init(&rss, ms_key, 4);
	UNIT_OK(mpnic_rss_max_engine(&rss) == 3, "a 4-engine table names engine 3 last");
	for (n = 1; n <= 8; n++) {
		mpnic_rss_spread(&rss, n);
		memset(per, 0, sizeof(per));
		for (i = 0; i < MPNIC_RSS_INDIR_SIZE; i++)
			per[rss.indir[i]]++;
		even = mpnic_rss_max_engine(&rss) == n - 1;
		for (i = 0; i < n; i++)
			even &= per[i] == MPNIC_RSS_INDIR_SIZE / n ||
				per[i] == MPNIC_RSS_INDIR_SIZE / n + 1;
		UNIT_OK(even, "spread over %u engines: every engine within one bucket of even", n);
	}
	rss.indir[77] = 9;
	UNIT_OK(mpnic_rss_max_engine(&rss) == 9, "one bucket set to engine 9 is seen");
}

int main(void)
{
	struct mpnic_rss rss;
	struct mpnic_flow flow, rev;
	enum mpnic_hash_kind kind;
	unsigned int i, counts[4] = {};
	u32 h;

	printf("TAP version 13\n");
	test_spread();
	mpnic_rss_init(&rss, ms_key, 4);
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		flow_of(v, &flow, true);
		h = mpnic_rss_hash(&rss, &flow, false, &kind);
		UNIT_OK(h == v->l4 && kind == MPNIC_HASH_L4,
			"toeplitz %s %s:%u -> %s:%u with ports = 0x%08x (got 0x%08x)",
			v->af == AF_INET ? "ipv4" : "ipv6", v->src, v->sport, v->dst,
			v->dport, v->l4, h);
		flow_of(v, &flow, false);
		h = mpnic_rss_hash(&rss, &flow, false, &kind);
		UNIT_OK(h == v->l3 && kind == MPNIC_HASH_L3,
			"toeplitz %s %s -> %s addresses only = 0x%08x (got 0x%08x)",
			v->af == AF_INET ? "ipv4" : "ipv6", v->src, v->dst, v->l3, h);

		/* The host dispatch hashes the reply: swap and compare */
		flow_of(v, &flow, true);
		reverse_of(&flow, &rev);
		UNIT_OK(mpnic_rss_hash(&rss, &rev, true, &kind) == v->l4,
			"reply hash of vector %u equals the received hash", i);
	}

	/* Symmetric input: both directions of a flow hash alike, as the model says */
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct mpnic_rss sym = rss;
		u32 fwd, back, plain;
		u8 x;

		flow_of(v, &flow, true);
		reverse_of(&flow, &rev);
		plain = mpnic_rss_hash(&rss, &rev, false, &kind);
		for (x = MPNIC_XFRM_SYM_XOR; x <= MPNIC_XFRM_SYM_OR_XOR; x <<= 1) {
			sym.xfrm = x;
			fwd = mpnic_rss_hash(&sym, &flow, false, &kind);
			back = mpnic_rss_hash(&sym, &rev, false, &kind);
			UNIT_OK(fwd == back && fwd != v->l4 && back != plain,
				"%s: vector %u hashes 0x%08x both ways (plain 0x%08x/0x%08x)",
				x == MPNIC_XFRM_SYM_XOR ? "symmetric-xor" : "symmetric-or-xor",
				i, fwd, v->l4, plain);
		}
	}

	/* XOR: 32-bit words of the input, big-endian */
	{
		const u8 in[] = { 0x01, 0x02, 0x03, 0x04, 0x10, 0x20, 0x30, 0x40, 0xff };

		h = mpnic_hash_xor(in, sizeof(in));
		UNIT_OK(h == (0x01020304u ^ 0x10203040u ^ 0xff000000u), "xor hash = 0x%08x", h);
	}
	/* CRC32 (IEEE) of "123456789" is the classic check value */
	h = mpnic_hash_crc32((const u8 *)"123456789", 9);
	UNIT_OK(h == 0xcbf43926, "crc32 check value 0x%08x", h);

	/* Default table spreads evenly over the engines */
	for (i = 0; i < MPNIC_RSS_INDIR_SIZE; i++)
		counts[rss.indir[i]]++;
	UNIT_OK(counts[0] == 32 && counts[1] == 32 && counts[2] == 32 && counts[3] == 32,
		"default indirection table spreads 128 entries over 4 engines");

	/* Non-IP traffic is not hashed */
	memset(&flow, 0, sizeof(flow));
	h = mpnic_rss_hash(&rss, &flow, false, &kind);
	UNIT_OK(h == 0 && kind == MPNIC_HASH_NONE, "non-IP frames are not hashed");

	ntuple();
	return unit_done();
}
