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
#include <linux/llist.h>
#include <linux/refcount.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "flow.h"
#include "tcp.h"

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
	struct mpnic_tcp_keepalive keep;	/* SO_KEEPALIVE, TCP_KEEP* */
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
	u8 nh_addr[16];		/* the neighbour's key: gateway or peer address */
	u8 nh_len;		/* 4 or 16 */

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
	atomic64_t mem;			/* card memory its connections' rings hold */
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
void mpnic_toe_remove_entry(struct mpnic_engine *eng, const struct mpnic_flow_key *key);
bool mpnic_toe_port_has(struct mpnic_engine *eng, u8 port);
struct mpnic_toe_entry *mpnic_toe_lookup(struct mpnic_engine *eng,
					 const struct mpnic_flow_key *key);
bool mpnic_toe_rx(struct mpnic_engine *eng, const u8 *frame,
		  const struct mpnic_rx_desc *desc, const struct mpnic_flow *flow,
		  bool csum_checked);

/* devlink params toe_sndbuf_kb / toe_rcvbuf_kb: each connection's card rings */
#define MPNIC_TOE_BUF_KB_DEFAULT	256
#define MPNIC_TOE_BUF_KB_MIN		16
#define MPNIC_TOE_BUF_KB_MAX		16384
/* devlink param toe_mem_mb: card memory per engine for connection rings */
#define MPNIC_TOE_MEM_MB_DEFAULT	128
#define MPNIC_TOE_MEM_MB_MAX		4096
/* Each connection's host rings, the buffers its socket posts: each way */
#define MPNIC_TOE_HOST_RING		(256U << 10)

/*
 * A byte ring in host memory between a socket and its engine: one producer,
 * one consumer, free-running indices. The producer publishes @prod with
 * smp_store_release() after writing the bytes and the consumer reads it
 * with smp_load_acquire() before reading them; @cons the other way round,
 * so the producer never overwrites a byte not yet read.
 */
struct mpnic_toe_hring {
	u8 *buf;
	u32 size;		/* a power of two */
	u32 prod;
	u32 cons;
};

/* conn->req: what the host asks of the engine (set_bit, then the doorbell) */
enum {
	MPNIC_TOE_REQ_QUEUED,	/* on the engine's work list */
	MPNIC_TOE_REQ_ATTACH,	/* new: the engine takes it into its list */
	MPNIC_TOE_REQ_TX,	/* the host's send ring has bytes */
	MPNIC_TOE_REQ_RX,	/* the host's receive ring has room */
	MPNIC_TOE_REQ_NAGLE,	/* TCP_NODELAY or TCP_CORK changed */
	MPNIC_TOE_REQ_KEEPALIVE,	/* SO_KEEPALIVE or TCP_KEEP* changed: keep */
	MPNIC_TOE_REQ_SHUT_WR,	/* FIN after the queued bytes */
	MPNIC_TOE_REQ_CLOSE,	/* the socket closed: FIN after the queued bytes */
	MPNIC_TOE_REQ_ABORT,	/* the socket closed with unread data or linger 0: RST */
	MPNIC_TOE_REQ_NEIGH,	/* the next hop's address changed: nh_next */
};

/* conn->ev: what the engine tells the host, through its queue's interrupt */
enum {
	MPNIC_TOE_EV_QUEUED,	/* on a host queue's event list */
	MPNIC_TOE_EV_WAKE,	/* readable, writable, EOF or reset: wake the socket */
};

/* conn->status bits, written by the engine, read by the host lockless */
#define MPNIC_TOE_ST_EOF	BIT(0)	/* the peer's FIN: every byte is in the host ring */
#define MPNIC_TOE_ST_RESET	BIT(1)	/* gone: conn->err says why */
#define MPNIC_TOE_ST_SENT_FIN	BIT(2)	/* our FIN is queued: no more writes */

/* The engine's view of a connection, published for TCP_INFO and dumps */
struct mpnic_toe_view {
	struct mpnic_tcp_info info;
	u32 snd_una;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 snd_wnd;
	u32 rcv_wnd;
	u32 snd_queued;		/* in card memory: not acknowledged */
	u32 snd_unsent;		/* ... of which not sent */
	u64 bytes_sent;
	u64 retrans_segs;
};

/*
 * An offloaded connection. Its TCP (@tcb) is its engine's alone; the host
 * side holds a reference while its socket is open, the engine one while
 * the connection is in its table. Sequence numbers never cross: only bytes
 * through @htx and @hrx, requests through @req and events through @ev.
 */
struct mpnic_toe_conn {
	struct mpnic_tcb tcb;		/* engine only */
	struct mpnic_tcp_stats folded;	/* engine only: tcb stats in its counters */
	struct mpnic_engine *eng;
	struct mpnic_flow_key key;	/* as received */
	u8 port;			/* card port index */
	bool ipv6;
	u16 hdr_len;			/* Ethernet and IP: @hdr */
	u8 hdr[ETH_HLEN + 40];		/* the template the engine builds on */
	u16 ip_id;			/* engine only: IPv4 identification */
	u8 *snd_mem;			/* card memory: the send ring */
	u8 *rcv_mem;			/* card memory: the receive ring */
	u32 snd_size;
	u32 rcv_size;
	u64 deadline;			/* engine only: its next timer, us; 0: none */
	struct list_head list;		/* its engine's connections; engine only */
	struct mpnic_port *mport;	/* its port; a port stops only after its connections */
	bool fin_in;			/* engine only: the peer's FIN came */
	bool fin_pending;		/* engine only: our FIN waits for the host's bytes */
	bool closing;			/* engine only: the socket closed */
	bool err_seen;			/* host only (socket lock): the reset's error was read */
	u8 nh_addr[16];			/* the next hop's key (neighbour updates) */
	u8 nh_len;
	spinlock_t nh_lock;		/* protects @nh_next: the notifier vs. the engine */
	u8 nh_next[ETH_ALEN];		/* its new address, for REQ_NEIGH */

	/* Host socket <-> engine */
	struct mpnic_toe_hring htx;	/* host writes, engine reads: bytes to send */
	struct mpnic_toe_hring hrx;	/* engine writes, host reads: bytes received */
	unsigned long req;		/* MPNIC_TOE_REQ_* */
	struct llist_node work_node;	/* its engine's toe_work */
	unsigned long ev;		/* MPNIC_TOE_EV_* */
	struct llist_node ev_node;	/* a host queue's toe_ev */
	u32 status;			/* MPNIC_TOE_ST_*: engine writes, host reads */
	int err;			/* with ST_RESET: -ECONNRESET, -ETIMEDOUT */
	bool nodelay;			/* the socket's, for REQ_NAGLE */
	bool cork;
	spinlock_t keep_lock;		/* keep: the socket writes, the engine reads */
	struct mpnic_tcp_keepalive keep;	/* the socket's, for REQ_KEEPALIVE */
	struct sock __rcu *sk;		/* the socket; NULL once it closed */
	seqcount_t view_seq;		/* the engine writes @view under it */
	struct mpnic_toe_view view;
	refcount_t refs;		/* the socket's and the engine's */
	struct rcu_head rcu;
};

/*
 * toe_conn.c: the engine side (engine layer). mpnic_toe_attach() builds a
 * connection from @h, inserts it into the table and gives it to its
 * engine's kthread; from then on the engine's TCP runs it.
 */
struct mpnic_toe_conn *mpnic_toe_attach(struct mpnic_engine *eng,
					const struct mpnic_toe_handoff *h,
					struct mpnic_port *port);
void mpnic_toe_input(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
		     const u8 *frame, const struct mpnic_flow *flow);
void mpnic_toe_conn_free(struct mpnic_toe_conn *conn);
void mpnic_toe_conn_put(struct mpnic_toe_conn *conn);
void mpnic_toe_request(struct mpnic_toe_conn *conn, int req);
int mpnic_toe_poll(struct mpnic_engine *eng);
bool mpnic_toe_has_work(struct mpnic_engine *eng);
void mpnic_toe_engine_stop(struct mpnic_engine *eng);
void mpnic_toe_port_stop(struct mpnic_engine *eng, u8 port);
void mpnic_toe_hq_events(struct llist_head *evs);
void mpnic_toe_read_view(struct mpnic_toe_conn *conn, struct mpnic_toe_view *view);
void mpnic_toe_neigh_update(struct mpnic_engine *eng, u8 port, const void *addr, u8 len,
			    const u8 *mac);
u64 mpnic_toe_now(void);

/*
 * toe_table.c: the dumps' walk over an engine's connections (netlink's
 * conn-get, debugfs conns). What it shows of one: whose it is, its view.
 */
struct mpnic_toe_conn_info {
	struct mpnic_flow_key key;	/* as received: saddr/sport are the peer's */
	struct mpnic_toe_view view;
};

typedef int (*mpnic_toe_walk_cb_t)(void *arg, const struct mpnic_toe_conn_info *ci);
int mpnic_toe_walk(struct mpnic_engine *eng, u32 *bucket, u32 *pos,
		   mpnic_toe_walk_cb_t cb, void *arg);

static inline u32 mpnic_toe_hring_used(const struct mpnic_toe_hring *r, u32 prod, u32 cons)
{
	return prod - cons;
}

#endif /* _MPNIC_TOE_H */
