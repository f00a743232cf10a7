/* SPDX-License-Identifier: GPL-2.0 */
/* An engine's flow table, written only by its engine; pure code */
#ifndef _MPNIC_FLOW_H
#define _MPNIC_FLOW_H

#include "pure.h"
#include "parse.h"

#define MPNIC_FLOWS_DEFAULT	4096	/* entries per engine */

enum mpnic_dir {
	MPNIC_DIR_IN,		/* from the wire to the host */
	MPNIC_DIR_OUT,		/* from the host to the wire */
};

enum mpnic_tcp_state {
	MPNIC_TCP_NONE,		/* UDP, or TCP not yet seen */
	MPNIC_TCP_SYN_SENT,
	MPNIC_TCP_SYN_RECV,
	MPNIC_TCP_ESTABLISHED,
	MPNIC_TCP_FIN_WAIT,	/* one side sent FIN */
	MPNIC_TCP_CLOSING,	/* both sides sent FIN */
	MPNIC_TCP_CLOSED,	/* RST, or both FINs acknowledged */
};

/* A flow as received: saddr/sport are the remote end */
struct mpnic_flow_key {
	u8 saddr[16];
	u8 daddr[16];
	__be16 sport, dport;
	u8 l3, proto;
	u8 port;		/* the card port: ports may carry the same tuples */
	u8 pad;
};

struct mpnic_flow_entry {
	struct mpnic_flow_key key;
	u32 next;		/* chain: entry index + 1; 0 ends it */
	u32 last_seen;		/* seconds, the caller's clock */
	u8 state;		/* enum mpnic_tcp_state */
	u8 fin_seen;		/* BIT(dir) once that direction sent FIN */
	u8 syn_dir;		/* direction of the first SYN */
	u32 next_seq[2];	/* per direction: next expected sequence */
	u64 pkts[2], bytes[2];	/* per direction */
};

struct mpnic_flow_stats {
	u64 created;
	u64 expired;
	u64 table_full;		/* flows not tracked: no free entry */
};

struct mpnic_flow_table {
	u32 *buckets;		/* entry index + 1 of the chain head */
	struct mpnic_flow_entry *entries;
	u32 mask;		/* buckets - 1 */
	u32 max;		/* entries */
	u32 active;
	u32 free_head;		/* entry index + 1 of the free list */
	u32 age_pos;		/* next bucket the ager looks at */
	struct mpnic_flow_stats stats;
};

int mpnic_flow_table_init(struct mpnic_flow_table *tbl, u32 max, int node);
void mpnic_flow_table_free(struct mpnic_flow_table *tbl);
struct mpnic_flow_entry *mpnic_flow_track(struct mpnic_flow_table *tbl, const u8 *frame,
					  const struct mpnic_flow *flow, enum mpnic_dir dir,
					  u32 now);
void mpnic_flow_account(struct mpnic_flow_entry *fe, const u8 *frame,
			const struct mpnic_flow *flow, enum mpnic_dir dir, u32 now);
void mpnic_flow_account_run(struct mpnic_flow_entry *fe, enum mpnic_dir dir, u32 now,
			    u32 pkts, u64 bytes, u32 next_seq, u8 flags);
u32 mpnic_flow_age(struct mpnic_flow_table *tbl, u32 now, u32 timeout,
		   u32 closed_timeout, u32 budget);
const char *mpnic_tcp_state_name(u8 state);
u32 mpnic_flow_hash(const struct mpnic_flow_key *key);
void mpnic_flow_key_of(struct mpnic_flow_key *key, const struct mpnic_flow *flow,
		       enum mpnic_dir dir);

#endif /* _MPNIC_FLOW_H */
