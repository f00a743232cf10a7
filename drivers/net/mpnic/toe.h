/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP offload (TOE): the host side hands an ESTABLISHED connection to the
 * engine that owns its flow (toe.c, the "mpnic" TCP ULP). The engine side
 * is reached through one seam, mpnic_toe_attach() and the two calls after
 * it (toe_seam.c): the host fills a struct mpnic_toe_handoff from the
 * socket, and the engine's TCP turns it into its connection block.
 */
#ifndef _MPNIC_TOE_H
#define _MPNIC_TOE_H

#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "flow.h"

/* devlink param toe_max_conns: connections per engine, reservations included */
#define MPNIC_TOE_CONNS_DEFAULT	1024
#define MPNIC_TOE_CONNS_MAX	65536
/* Queued bytes a handoff carries each way; more is refused (-EBUSY) */
#define MPNIC_TOE_QUEUED_MAX	(4U << 20)

struct mpnic_engine;
struct mpnic_port;
struct mpnic_rx_desc;
/* The engine's connection (its struct mpnic_tcb), opaque to the host side */
struct mpnic_toe_conn;

/*
 * Everything the engine needs to go on with the connection where the host's
 * TCP left it, read under lock_sock() (toe.c: mpnic_toe_snapshot()).
 * Sequence numbers and windows are as struct tcp_sock holds them.
 */
struct mpnic_toe_handoff {
	/* Who: the tuple as received (saddr/sport: the peer), on which port */
	struct mpnic_flow_key key;
	u32 engine;		/* the owner: ndo_select_queue's and dispatch's pick */

	/* Send side */
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;		/* bytes, already scaled */
	u32 snd_wl1;
	u32 max_window;
	u16 mss;		/* tp->mss_cache: payload per segment, options taken off */
	u16 advmss;		/* the MSS we advertised */
	u8 snd_wscale;		/* shift of the peer's windows; 0 without wscale */
	u8 rcv_wscale;		/* shift of ours */
	bool nodelay;
	bool cork;
	u32 cwnd;		/* bytes */
	u32 ssthresh;		/* bytes; 0: still slow start's infinite one */
	u32 srtt_us;		/* 0: no sample yet */
	u32 rttvar_us;

	/* Receive side */
	u32 rcv_nxt;
	u32 rcv_wnd;		/* bytes last advertised */
	u16 rcv_mss;		/* the peer's segments' size, for delayed ACKs */

	/* Options negotiated at the handshake */
	bool ts_on;
	u32 ts_recent;
	u32 ts_offset;		/* tp->tsoffset: our TSval = clock ms + this */
	bool sack_ok;

	/* The headers the engine will build */
	u8 tos;			/* IPv4 TOS or IPv6 traffic class */
	u8 ttl;			/* IPv4 TTL or IPv6 hop limit */
	__be32 flowlabel;	/* IPv6: the socket's label; 0: derived from txhash */
	u32 txhash;		/* sk->sk_txhash, what auto flow labels come from */
	u8 nh_mac[ETH_ALEN];	/* the route's next hop (its neighbour entry) */
	bool nh_valid;		/* the neighbour was resolved (NUD_VALID) */

	/*
	 * Data the host's socket held, copied, never taken, so that a refusal
	 * loses nothing: snd from snd_una (retransmit queue, then write queue),
	 * rcv from the application's read point (tp->copied_seq) to rcv_nxt.
	 */
	u8 *snd_data;
	u32 snd_len;
	u8 *rcv_data;
	u32 rcv_len;
};

/* One offloaded connection in its engine's table */
struct mpnic_toe_entry {
	struct hlist_node node;		/* RCU list; writers hold the table's lock */
	struct mpnic_flow_key key;	/* as received: mpnic_flow_key_of(MPNIC_DIR_IN) */
	struct mpnic_toe_conn *conn;
	struct rcu_head rcu;
};

/*
 * An engine's connection table: exact match on the tuple (both families).
 * Readers: its engine's receive path and dispatch, under RCU. Writers: the
 * seam and teardown, under @lock, which belongs to this engine alone.
 */
struct mpnic_toe_table {
	spinlock_t lock;		/* protects the chains' writers and @entries */
	struct hlist_head *buckets;	/* sized from toe_max_conns at engine creation */
	u32 mask;			/* buckets - 1 */
	u32 entries;			/* in the chains; under @lock */
	atomic_t used;			/* entries plus handoffs in flight: the limit */
};

/* toe_table.c: the table (engine layer) */
int mpnic_toe_table_init(struct mpnic_engine *eng, u32 max, int node);
void mpnic_toe_table_exit(struct mpnic_engine *eng);
bool mpnic_toe_reserve(struct mpnic_engine *eng, u32 max);
void mpnic_toe_unreserve(struct mpnic_engine *eng);
int mpnic_toe_insert(struct mpnic_engine *eng, const struct mpnic_flow_key *key,
		     struct mpnic_toe_conn *conn);
void mpnic_toe_remove(struct mpnic_engine *eng, const struct mpnic_flow_key *key);
struct mpnic_toe_entry *mpnic_toe_lookup(struct mpnic_engine *eng,
					 const struct mpnic_flow_key *key);
bool mpnic_toe_rx(struct mpnic_engine *eng, const u8 *frame,
		  const struct mpnic_rx_desc *desc, const struct mpnic_flow *flow,
		  bool csum_checked);

/*
 * toe_seam.c: the engine's TCP, the one seam between the two sides.
 * mpnic_toe_attach() builds the engine's connection from @h and inserts
 * it with mpnic_toe_insert() (consuming the reservation the host took);
 * mpnic_toe_input() gets each segment mpnic_toe_rx() takes for it.
 */
int mpnic_toe_attach(struct mpnic_engine *eng, const struct mpnic_toe_handoff *h);
void mpnic_toe_input(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
		     const u8 *frame, const struct mpnic_flow *flow);
void mpnic_toe_conn_free(struct mpnic_toe_conn *conn);

#endif /* _MPNIC_TOE_H */
