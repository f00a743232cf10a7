// SPDX-License-Identifier: GPL-2.0

#include "rss.h"

/**
 * mpnic_toeplitz - the Toeplitz hash of Microsoft's RSS specification
 * @key: the secret key, at least @len + 4 bytes
 * @data: input bytes, in network order
 * @len: input length
 */
u32 mpnic_toeplitz(const u8 *key, const u8 *data, u32 len)
{
	u32 window = (u32)key[0] << 24 | (u32)key[1] << 16 | (u32)key[2] << 8 | key[3];
	u32 hash = 0;
	u32 i;
	int b;

	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (data[i] & (1u << b))
				hash ^= window;
			window <<= 1;
			if (key[i + 4] & (1u << b))
				window |= 1;
		}
	}
	return hash;
}

/* Over big-endian 32-bit words, zero padded */
u32 mpnic_hash_xor(const u8 *data, u32 len)
{
	u32 hash = 0;
	u32 i;

	for (i = 0; i < len; i++)
		hash ^= (u32)data[i] << (24 - 8 * (i % 4));
	return hash;
}

/* As crc32_le() with ~0 in and out */
u32 mpnic_hash_crc32(const u8 *data, u32 len)
{
	u32 crc = ~0u;
	u32 i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/**
 * mpnic_rss_init - default RSS state for a port
 * @rss: the state
 * @key: MPNIC_RSS_KEY_SIZE bytes of key
 * @nengines: engines serving the port: the table spreads evenly over them
 *
 * Defaults are those of real NICs.
 */
void mpnic_rss_init(struct mpnic_rss *rss, const u8 *key, u32 nengines)
{
	memcpy(rss->key, key, MPNIC_RSS_KEY_SIZE);
	rss->hfunc = MPNIC_HFUNC_TOEPLITZ;
	rss->xfrm = 0;
	rss->fields[MPNIC_FT_OTHER] = 0;
	rss->fields[MPNIC_FT_TCP4] = MPNIC_RXH_IP | MPNIC_RXH_L4;
	rss->fields[MPNIC_FT_UDP4] = MPNIC_RXH_IP | MPNIC_RXH_L4;
	rss->fields[MPNIC_FT_IP4] = MPNIC_RXH_IP;
	rss->fields[MPNIC_FT_TCP6] = MPNIC_RXH_IP | MPNIC_RXH_L4;
	rss->fields[MPNIC_FT_UDP6] = MPNIC_RXH_IP | MPNIC_RXH_L4;
	rss->fields[MPNIC_FT_IP6] = MPNIC_RXH_IP;
	mpnic_rss_spread(rss, nengines);
}

/**
 * mpnic_rss_spread - the default indirection table over @nengines engines
 * @rss: the state
 * @nengines: engines serving the port
 */
void mpnic_rss_spread(struct mpnic_rss *rss, u32 nengines)
{
	u32 i;

	for (i = 0; i < MPNIC_RSS_INDIR_SIZE; i++)
		rss->indir[i] = nengines ? i % nengines : 0;
}

/**
 * mpnic_rss_max_engine - the highest engine the indirection table names
 * @rss: the state
 *
 * Return: that engine index.
 */
u32 mpnic_rss_max_engine(const struct mpnic_rss *rss)
{
	u32 i, max = 0;

	for (i = 0; i < MPNIC_RSS_INDIR_SIZE; i++)
		if (rss->indir[i] > max)
			max = rss->indir[i];
	return max;
}

/* Symmetric input: both directions of a flow hash the same */
static void mpnic_rss_xfrm_pair(u8 *in, u32 len, u8 xfrm)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u8 s = in[i], d = in[len + i];

		in[i] = xfrm & MPNIC_XFRM_SYM_OR_XOR ? s | d : s ^ d;
		in[len + i] = s ^ d;
	}
}

/**
 * mpnic_rss_hash - hash a flow as the dispatch logic does
 * @rss: the port's RSS state
 * @flow: the parsed flow
 * @reply: hash the reply's flow, so a sent packet lands on the engine
 *	that receives its flow
 * @kind: set to the kind of hash (none, L3, L4)
 *
 * Return: the hash; 0 with MPNIC_HASH_NONE when nothing was hashed.
 */
u32 mpnic_rss_hash(const struct mpnic_rss *rss, const struct mpnic_flow *flow,
		   bool reply, enum mpnic_hash_kind *kind)
{
	const u8 *src = reply ? flow->daddr : flow->saddr;
	const u8 *dst = reply ? flow->saddr : flow->daddr;
	u32 alen = flow->l3 == 6 ? 16 : 4;
	u8 fields = rss->fields[flow->type];
	u8 in[36];
	u32 n = 0;

	if (flow->type == MPNIC_FT_OTHER || !fields) {
		*kind = MPNIC_HASH_NONE;
		return 0;
	}
	if (fields & MPNIC_RXH_IP_SRC) {
		memcpy(in + n, src, alen);
		n += alen;
	}
	if (fields & MPNIC_RXH_IP_DST) {
		memcpy(in + n, dst, alen);
		n += alen;
	}
	if (fields & MPNIC_RXH_L4_B_0_1) {
		memcpy(in + n, reply ? &flow->dport : &flow->sport, 2);
		n += 2;
	}
	if (fields & MPNIC_RXH_L4_B_2_3) {
		memcpy(in + n, reply ? &flow->sport : &flow->dport, 2);
		n += 2;
	}
	if (rss->xfrm) {
		u32 ip = (fields & MPNIC_RXH_IP) == MPNIC_RXH_IP ? alen : 0;

		if (ip)
			mpnic_rss_xfrm_pair(in, ip, rss->xfrm);
		if ((fields & MPNIC_RXH_L4) == MPNIC_RXH_L4)
			mpnic_rss_xfrm_pair(in + n - 4, 2, rss->xfrm);
	}
	*kind = fields & MPNIC_RXH_L4 ? MPNIC_HASH_L4 : MPNIC_HASH_L3;
	switch (rss->hfunc) {
	case MPNIC_HFUNC_XOR:
		return mpnic_hash_xor(in, n);
	case MPNIC_HFUNC_CRC32:
		return mpnic_hash_crc32(in, n);
	default:
		return mpnic_toeplitz(rss->key, in, n);
	}
}

static bool mpnic_masked_eq(const u8 *a, const u8 *b, const u8 *mask, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		if ((a[i] ^ b[i]) & mask[i])
			return false;
	return true;
}

static bool mpnic_ntuple_type_ok(const struct mpnic_ntuple_rule *rule,
				 const struct mpnic_flow *flow)
{
	switch (rule->type) {
	case MPNIC_FT_IP4:
		if (flow->l3 != 4)
			return false;
		break;
	case MPNIC_FT_IP6:
		if (flow->l3 != 6)
			return false;
		break;
	default:
		return rule->type == flow->type;
	}
	return !((rule->proto ^ flow->l4proto) & rule->proto_mask);
}

/**
 * mpnic_ntuple_match - the first rule that matches a flow
 * @cfg: the port's dispatch configuration
 * @flow: the parsed flow
 * @reply: match the flow of the reply, for a frame the host sends
 *
 * Return: the rule, or NULL when none matches.
 */
const struct mpnic_ntuple_rule *
mpnic_ntuple_match(const struct mpnic_dispatch_cfg *cfg, const struct mpnic_flow *flow,
		   bool reply)
{
	const u8 *src = reply ? flow->daddr : flow->saddr;
	const u8 *dst = reply ? flow->saddr : flow->daddr;
	__be16 sport = reply ? flow->dport : flow->sport;
	__be16 dport = reply ? flow->sport : flow->dport;
	u32 alen = flow->l3 == 6 ? 16 : 4;
	u32 i;

	if (!flow->l3)
		return NULL;
	for (i = 0; i < cfg->nrules; i++) {
		const struct mpnic_ntuple_rule *rule = &cfg->rules[i];

		if (!mpnic_ntuple_type_ok(rule, flow) ||
		    !mpnic_masked_eq(src, rule->src, rule->src_mask, alen) ||
		    !mpnic_masked_eq(dst, rule->dst, rule->dst_mask, alen) ||
		    ((sport ^ rule->sport) & rule->sport_mask) ||
		    ((dport ^ rule->dport) & rule->dport_mask))
			continue;
		return rule;
	}
	return NULL;
}
