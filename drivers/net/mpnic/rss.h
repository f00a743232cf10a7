/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive-side scaling: the programmable hash of the dispatch logic
 * (claims 10, 20, 27, 28). Pure code: it also builds in user space, where
 * tools/unit checks it against Microsoft's published Toeplitz vectors.
 */
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

struct mpnic_rss {
	u8 key[MPNIC_RSS_KEY_SIZE];
	u8 hfunc;				/* enum mpnic_hfunc */
	u8 fields[MPNIC_FT_MAX];		/* MPNIC_RXH_* per flow type */
	u32 indir[MPNIC_RSS_INDIR_SIZE];	/* engine index per bucket */
};

/* Hash kinds as reported with the packet (PKT_HASH_TYPE_*) */
enum mpnic_hash_kind {
	MPNIC_HASH_NONE,
	MPNIC_HASH_L3,
	MPNIC_HASH_L4,
};

u32 mpnic_toeplitz(const u8 *key, const u8 *data, u32 len);
u32 mpnic_hash_xor(const u8 *data, u32 len);
u32 mpnic_hash_crc32(const u8 *data, u32 len);

void mpnic_rss_init(struct mpnic_rss *rss, const u8 *key, u32 nengines);
u32 mpnic_rss_hash(const struct mpnic_rss *rss, const struct mpnic_flow *flow,
		   bool reply, enum mpnic_hash_kind *kind);

static inline u32 mpnic_rss_bucket(const struct mpnic_rss *rss, u32 hash)
{
	return rss->indir[hash % MPNIC_RSS_INDIR_SIZE];
}

#endif /* _MPNIC_RSS_H */
