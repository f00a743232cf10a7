/* SPDX-License-Identifier: GPL-2.0 */
/* RSS: dispatch's hash; pure code, checked by tools/unit */
#ifndef _MPNIC_RSS_H
#define _MPNIC_RSS_H

#include "pure.h"
#include "parse.h"

#define MPNIC_RSS_KEY_SIZE	40	/* bytes, as ethtool -x shows it */
#define MPNIC_RSS_INDIR_SIZE	128	/* entries */

enum mpnic_hfunc {
	MPNIC_HFUNC_TOEPLITZ,
	MPNIC_HFUNC_XOR,
	MPNIC_HFUNC_CRC32,
};

/* Hashed fields, with the values of ethtool's RXH_* bits */
#define MPNIC_RXH_IP_SRC	BIT(4)
#define MPNIC_RXH_IP_DST	BIT(5)
#define MPNIC_RXH_L4_B_0_1	BIT(6)	/* source port */
#define MPNIC_RXH_L4_B_2_3	BIT(7)	/* destination port */
#define MPNIC_RXH_IP		(MPNIC_RXH_IP_SRC | MPNIC_RXH_IP_DST)
#define MPNIC_RXH_L4		(MPNIC_RXH_L4_B_0_1 | MPNIC_RXH_L4_B_2_3)

/* Input transforms, with the values of ethtool's RXH_XFRM_* bits */
#define MPNIC_XFRM_SYM_XOR	BIT(0)	/* (s ^ d, s ^ d) per field pair */
#define MPNIC_XFRM_SYM_OR_XOR	BIT(1)	/* (s | d, s ^ d) per field pair */

struct mpnic_rss {
	u8 key[MPNIC_RSS_KEY_SIZE];
	u8 hfunc;				/* enum mpnic_hfunc */
	u8 xfrm;				/* 0 or one MPNIC_XFRM_* */
	u8 fields[MPNIC_FT_MAX];		/* MPNIC_RXH_* per flow type */
	u32 indir[MPNIC_RSS_INDIR_SIZE];	/* engine index per bucket */
};

/* Hash kinds as reported with the packet (PKT_HASH_TYPE_*) */
enum mpnic_hash_kind {
	MPNIC_HASH_NONE,
	MPNIC_HASH_L3,
	MPNIC_HASH_L4,
};

/* Ntuple rules, matched before hashing, lowest location first */
#define MPNIC_NTUPLE_MAX	256		/* rule locations per port */
#define MPNIC_NTUPLE_DROP	0xffffffffu	/* action: drop */

struct mpnic_ntuple_rule {
	u32 loc;
	u32 action;			/* queue (engine) index, or MPNIC_NTUPLE_DROP;
					 * with ctx, an offset added to its table's
					 */
	u8 type;			/* enum mpnic_flow_type */
	u8 proto, proto_mask;		/* IP rules: the L4 protocol */
	u8 ctx;				/* RSS context the rule hashes with; 0: none */
	u8 src[16], src_mask[16];	/* IPv4 uses the first 4 bytes */
	u8 dst[16], dst_mask[16];
	__be16 sport, sport_mask;
	__be16 dport, dport_mask;
};

#define MPNIC_RSS_CTX_MAX	64		/* context ids 1..63 */

/* One object, replaced whole under RCU, so readers see it consistent */
struct mpnic_dispatch_cfg {
	struct rcu_head rcu;
	struct mpnic_rss rss;
	u32 nrules;			/* sorted by loc */
	struct mpnic_ntuple_rule rules[];
};

const struct mpnic_ntuple_rule *
mpnic_ntuple_match(const struct mpnic_dispatch_cfg *cfg, const struct mpnic_flow *flow,
		   bool reply);

u32 mpnic_toeplitz(const u8 *key, const u8 *data, u32 len);
u32 mpnic_hash_xor(const u8 *data, u32 len);
u32 mpnic_hash_crc32(const u8 *data, u32 len);

void mpnic_rss_init(struct mpnic_rss *rss, const u8 *key, u32 nengines);
void mpnic_rss_spread(struct mpnic_rss *rss, u32 nengines);
u32 mpnic_rss_max_engine(const struct mpnic_rss *rss);
u32 mpnic_rss_hash(const struct mpnic_rss *rss, const struct mpnic_flow *flow,
		   bool reply, enum mpnic_hash_kind *kind);

static inline u32 mpnic_rss_bucket(const struct mpnic_rss *rss, u32 hash)
{
	return rss->indir[hash % MPNIC_RSS_INDIR_SIZE];
}

#endif /* _MPNIC_RSS_H */
