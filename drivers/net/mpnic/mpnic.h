/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpnic: an emulated multi-processor smart NIC
 * (Documentation/networking/mpnic.rst). Locking, outermost first:
 *   devlink instance lock  reload (card.c: mpnic_card_reload()), devlink
 *                ports and parameters; under RTNL only tried (devlink.c)
 *   RTNL         port lifecycle, open/stop, wire attach/detach, ethtool
 *   mpnic_cards_lock  the list of cards, each card's ports, and a card's
 *                life while the netlink family (netlink.c) looks at it
 *   eng->in_lock producers of an engine's input ring and consumers of its
 *                card-memory free ring (dispatch, from any CPU)
 * Engines read eng->hq[] under RCU; port stop clears it and waits a grace
 * period before it touches the queues. Each ring has one producer and one
 * consumer at a time (ring.h).
 */
#ifndef _MPNIC_H
#define _MPNIC_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>
#include <linux/u64_stats_sync.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/dropreason.h>

#include "ring.h"
#include "rss.h"
#include "parse.h"
#include "flow.h"
#include "toe.h"

#define MPNIC_DRV_NAME		"mpnic"
#define MPNIC_FW_VERSION	"mpnic-engine 1.0"
#define MPNIC_ENGINE_FW_VERSION	"1.0.0"		/* devlink: fw.engine */

#define MPNIC_MAX_ENGINES	64
#define MPNIC_MAX_PORTS		4		/* ports of one card */
/* A 9000-byte MTU frame with two VLAN tags, rounded up to 512 */
#define MPNIC_MAX_MTU		9000
#define MPNIC_BUF_SIZE		9216
#define MPNIC_CARD_MEM_DEFAULT	(32U << 20)	/* bytes per card */
#define MPNIC_CARD_MEM_MIN	(1U << 20)
#define MPNIC_CARD_MEM_MAX	(4ULL << 30)
/* Ranges of the devlink params flow_timeout, flow_closed_timeout (s) and
 * stall_timeout_ms
 */
#define MPNIC_FLOW_TIMEOUT_MIN	1
#define MPNIC_FLOW_TIMEOUT_MAX	86400
#define MPNIC_STALL_TIMEOUT_MIN	100
#define MPNIC_STALL_TIMEOUT_MAX	3600000
#define MPNIC_RING_DEFAULT	512		/* descriptors per host ring */
#define MPNIC_RING_MIN		64
#define MPNIC_RING_MAX		4096
#define MPNIC_ENGINE_BUDGET	64		/* descriptors per ring per pass */
#define MPNIC_TX_BATCH		64		/* wire frames per softirq run */
#define MPNIC_SLOW_BUDGET	8		/* the same, for an engine made slow */
#define MPNIC_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)

/* Input ring descriptor: a frame in card memory, placed by dispatch */
struct mpnic_rx_desc {
	u32 buf;		/* buffer index in the engine's partition */
	u16 len;		/* frame length */
	u8 hash_kind;		/* enum mpnic_hash_kind */
	u8 flags;		/* MPNIC_DESC_* */
	u32 hash;
	u8 port;		/* index of the port it arrived on */
	u8 csum_off;		/* MPNIC_DESC_CSUM_FILLED: the field, from csum_start */
	u16 csum_start;		/* MPNIC_DESC_CSUM_FILLED: where the sum starts */
};

#define MPNIC_DESC_SELFTEST	BIT(0)	/* an ethtool -t loopback frame */
/* The port completed the frame's L4 checksum the wire left unfinished */
#define MPNIC_DESC_CSUM_FILLED	BIT(1)

/* What the engine's stack knows of a received frame's TCP/UDP checksum */
enum mpnic_csum {
	MPNIC_CSUM_NONE,	/* not checked: left to the host */
	MPNIC_CSUM_LATE,	/* to verify as delivery copies the frame */
	MPNIC_CSUM_GOOD,	/* good: the port filled it in (MPNIC_DESC_CSUM_FILLED) */
};

struct mpnic_rx_post {
	struct page *page;
};

/*
 * RX completion, written by the engine after DMA #2. A coalesced packet's
 * completions are published together, each but the last with @more set.
 */
struct mpnic_rx_cmpl {
	struct page *page;
	u32 hash;
	u16 len;		/* bytes in this buffer */
	u8 hash_kind;
	u8 csum_ok;		/* the engine verified the L4 checksum */
	u8 more;		/* the packet goes on in the next completion */
	u8 l4_off;		/* coalesced: TCP header, from the frame start */
	u16 gso_size;		/* coalesced: payload of each segment but the last */
	u16 gso_segs;		/* coalesced: segments; 0 for a plain packet */
	u16 vlan_tci;		/* the 802.1Q tag the engine stripped */
	u8 vlan;		/* vlan_tci is valid */
};

/* Hardware GRO: the packet an engine is coalescing, within one pass */
struct mpnic_gro {
	u32 nbufs;		/* host buffers it fills so far; 0: none */
	u32 nsegs;		/* segments it carries */
	u8 *hdr;		/* its first frame, in its host buffer */
	u16 l3_off, l4_off;	/* from the frame start */
	u16 hdr_len;		/* all headers of a segment */
	u16 mss;		/* payload of the first segment */
	u32 len;		/* frame bytes: headers + all payload */
	u32 next_seq;		/* sequence number the next segment must carry */
	u8 l3;			/* 4 or 6 */
	bool psh;		/* a merged segment had PSH */
	bool closed;		/* a short or PSH segment ended it */
	/* The first segment's parse and flow entry, for mpnic_gro_follow() */
	struct mpnic_flow flow;
	struct mpnic_flow_entry *fe;
	/* Taken by mpnic_gro_follow(), accounted to @fe at publication */
	u32 followed, followed_bytes;
	/* Last frame's flow entry: valid for the pass, entries age between */
	struct mpnic_flow_entry *rx_fe;
};

/* TX descriptor (host -> engine) and TX completion (engine -> host) */
struct mpnic_tx_desc {
	struct sk_buff *skb;
};

struct mpnic_tx_cmpl {
	struct sk_buff *skb;
	u32 bytes;		/* as accounted to BQL at xmit time */
	/* SKB_NOT_DROPPED_YET: reached the wire; else counted by the engine */
	enum skb_drop_reason reason;
};

/*
 * Counters: each struct has one writer context (named on it). The lists
 * give both the fields and the `ethtool -S` strings.
 */
#define MPNIC_STAT_FIELD(name)	u64 name;
#define MPNIC_STAT_NAME(name)	#name,

/*
 * Per port and CPU: written by dispatch, and by the TCP offload's handoff
 * (toe.c, BH disabled), whose refusals are counted by cause
 */
#define MPNIC_DISPATCH_STATS(X)						\
	X(rx_wire_frames)	/* frames taken from the wire */	\
	X(rx_wire_bytes)						\
	X(rx_port_down)		/* dropped: port not running */		\
	X(rx_runt)		/* dropped: no whole Ethernet header */	\
	X(rx_oversize)		/* dropped: larger than a card buffer */ \
	X(rx_card_mem_exhausted) /* dropped: no free card buffer */	\
	X(rx_engine_ring_full)	/* dropped: engine input ring full */	\
	X(rx_gso_split)		/* GSO super-frames cut into frames */	\
	X(rx_gso_sw)		/* of those, by skb_gso_segment() */	\
	X(rx_gso_errors)	/* dropped: a GSO frame could not be cut */ \
	X(rx_ntuple_steered)	/* placed by an ntuple rule */		\
	X(rx_ntuple_drop)	/* dropped: an ntuple rule said so */	\
	X(rx_arfs_steered)	/* placed by an aRFS filter */		\
	X(arfs_filters_added)	/* aRFS filters installed */		\
	X(arfs_filters_expired)	/* aRFS filters released */	\
	X(rx_toe_steered)	/* placed by an offloaded connection's entry */ \
	X(toe_offloaded)	/* handoffs the engine took */		\
	X(toe_refused_not_established) /* -ENOTCONN */			\
	X(toe_refused_offload_off) /* -EOPNOTSUPP: priv flag tcp-offload off */ \
	X(toe_refused_profile)	/* -EPROTONOSUPPORT: engine profile without TCP */ \
	X(toe_refused_urgent)	/* -EPROTO: urgent data pending */	\
	X(toe_refused_keys)	/* -EKEYREJECTED: TCP-MD5 or TCP-AO keys */ \
	X(toe_refused_mptcp)	/* -ESOCKTNOSUPPORT: an MPTCP subflow */ \
	X(toe_refused_ecn)	/* -ENOPROTOOPT: ECN negotiated */	\
	X(toe_refused_table_full) /* -ENFILE: engine's toe_max_conns reached */ \
	X(toe_refused_card_mem)	/* -ENOBUFS: engine's card memory short */ \
	X(toe_refused_unsent)	/* -EBUSY: queued data cannot move */	\
	X(toe_refused_nomem)	/* -ENOMEM: no host memory for the snapshot */ \
	X(toe_refused_engine)	/* the engine's errno: it cannot take one */

/* Written by the engine kthread only */
#define MPNIC_ENGINE_STATS(X)						\
	X(rx_frames)		/* taken from the input ring */		\
	X(rx_delivered)		/* completed to a host queue */		\
	X(rx_delivered_bytes)						\
	X(rx_missed)		/* dropped: no host buffer posted */	\
	X(rx_no_queue)		/* dropped: port stopped under it */	\
	X(rx_flushed)		/* dropped: engine stopped with it */	\
	X(rx_too_long)		/* dropped: longer than the MTU allows */ \
	X(rx_gro_merged)	/* delivered as part of a coalesced packet */ \
	X(rx_gro_followed)	/* of those, merged unparsed (mpnic_gro_follow()) */ \
	X(rx_vlan_stripped)	/* delivered with the tag in the skb (rx-vlan) */ \
	X(tx_frames)		/* descriptors from host TX rings */	\
	X(tx_cmpl_delayed)	/* completions held back (fault tx-cmpl) */ \
	X(tx_wire_frames)	/* frames sent on the wire */		\
	X(tx_wire_trains)	/* TSO frames sent as one wire skb (wire-trains) */ \
	X(tx_tso)		/* descriptors segmented (TSO) */	\
	X(tx_tso_segs)		/* wire frames TSO made of them */	\
	X(tx_csum_partial)	/* non-TSO descriptors checksummed by the engine */ \
	X(tx_vlan_inserted)	/* descriptors whose tag the engine inserted */ \
	X(tx_wire_bytes)						\
	X(tx_no_wire)		/* dropped: no wire attached */		\
	X(tx_wire_errors)	/* dropped: the wire refused it */	\
	X(tx_alloc_fail)	/* dropped: no memory for the wire skb */ \
	X(tx_bad)		/* dropped: malformed descriptor */	\
	X(in_receives)		/* stack: frames looked at */		\
	X(in_not_ip)		/* stack: passed on, not IP */		\
	X(in_truncated)		/* stack drop: shorter than its headers */ \
	X(in_hdr_errors)	/* stack drop: bad L3 header fields */	\
	X(in_ip_csum_errors)	/* stack drop: bad IPv4 header checksum */ \
	X(in_l4_errors)		/* stack drop: bad TCP/UDP header */	\
	X(in_csum_errors)	/* stack drop: bad TCP/UDP checksum */	\
	X(in_csum_verified)	/* stack: TCP/UDP checksum checked good */ \
	X(in_csum_filled)	/* stack: TCP/UDP checksum the port filled in */ \
	X(in_csum_unchecked)	/* stack: checksums left to the host (rx off) */ \
	X(rx_passthrough)	/* stack: not in the engine's profile, passed on */ \
	X(tx_passthrough)	/* stack: sent outside the profile, untracked */ \
	X(tcp_in_segs)		/* stack: TCP segments received (InSegs) */ \
	X(tcp_out_segs)		/* stack: TCP segments sent (OutSegs) */ \
	X(udp_in_datagrams)	/* stack: UDP datagrams received */	\
	X(udp_out_datagrams)	/* stack: UDP datagrams sent */		\
	X(flows_created)	/* flow table: entries created */	\
	X(flows_expired)	/* flow table: entries aged out */	\
	X(flows_active)		/* flow table: entries in use (a gauge) */ \
	X(flows_table_full)	/* flow table: packets of untracked flows */ \
	X(selftest_frames)	/* ethtool -t loopback frames checked */ \
	X(restarts)		/* restarts (devlink health recover) */ \
	X(wakeups)		/* times the kthread woke from sleep */	\
	X(busy_poll_hits)	/* busy-poll: work found while spinning */ \
	X(busy_poll_spin_us)	/* busy-poll: time spent spinning, in us */ \
	X(polls)		/* passes over its rings with work */	\
	X(busy_ns)		/* time in those passes, host softirqs excluded */ \
	X(toe_rx_segs)		/* segments taken for offloaded connections */ \
	X(toe_drop_csum)	/* ... dropped: bad checksum */		\
	X(toe_drop_malformed)	/* ... dropped: TCP header past the packet */ \
	X(toe_conns_attached)	/* connections the engine took */	\
	X(toe_conns_closed)	/* connections over and freed */	\
	X(toe_conns_aborted)	/* ... reset by a close, a port stop or unload */ \
	X(toe_time_wait)	/* connections that entered TIME_WAIT */ \
	X(toe_bytes_from_host)	/* DMA: host send rings to card memory */ \
	X(toe_bytes_to_host)	/* DMA: card memory to host receive rings */ \
	MPNIC_TOE_TCP_STATS(X)

/* struct mpnic_tcp_stats, field by field and in its order (toe_conn.c folds) */
#define MPNIC_TOE_TCP_STATS(X)						\
	X(toe_segs_in)		/* segments the TCP processed */	\
	X(toe_segs_out)		/* segments it sent */			\
	X(toe_bytes_received)	/* payload made readable, in order */	\
	X(toe_bytes_sent)	/* payload sent the first time */	\
	X(toe_bytes_acked)						\
	X(toe_retrans_segs)	/* segments sent again */		\
	X(toe_rto_expiries)						\
	X(toe_fast_retrans)	/* three duplicate ACKs */		\
	X(toe_ooo_segs)		/* out-of-order segments kept */	\
	X(toe_dupacks_in)						\
	X(toe_dupacks_out)						\
	X(toe_challenge_acks)	/* RFC 5961 */				\
	X(toe_zero_window_probes)					\
	X(toe_keepalive_probes)	/* SO_KEEPALIVE's, sent */		\
	X(toe_rst_in)							\
	X(toe_rst_out)							\
	X(toe_accepted)		/* segments the TCP accepted */		\
	X(toe_drop_closed)	/* ... dropped: connection closed */	\
	X(toe_drop_paws)	/* ... RFC 7323 PAWS */			\
	X(toe_drop_old_dup)	/* ... wholly old: ACKed again */	\
	X(toe_drop_out_of_window)					\
	X(toe_drop_blind_rst)	/* ... RFC 5961 3.2 */			\
	X(toe_drop_rst_challenge) /* ... RFC 5961 3.2: challenged */	\
	X(toe_drop_syn)		/* ... RFC 5961 4.2: challenged */	\
	X(toe_drop_no_ack)						\
	X(toe_drop_ack_unsent)						\
	X(toe_drop_blind_data)	/* ... RFC 5961 5.2 */			\
	X(toe_drop_ooo_full)	/* ... out-of-order ranges full */	\
	X(toe_drop_after_fin)

/* Written by the queue's NAPI poll only */
#define MPNIC_HQ_STATS(X)						\
	X(rx_packets)							\
	X(rx_bytes)							\
	X(rx_alloc_fail)	/* dropped: no skb for a buffer */	\
	X(rx_refill_fail)	/* page_pool could not post a buffer */	\
	X(rx_hw_gro_packets)	/* packets the engine coalesced */	\
	X(rx_hw_gro_wire_packets) /* wire frames in those packets */	\
	X(tx_packets)		/* completed, sent on the wire */	\
	X(tx_bytes)							\
	X(tx_dropped)		/* completed, dropped by the engine */	\
	X(tx_flushed)		/* freed at port stop, never sent */	\
	X(napi_polls)		/* times the queue's NAPI ran */

struct mpnic_dispatch_stats {
	MPNIC_DISPATCH_STATS(MPNIC_STAT_FIELD)
	struct u64_stats_sync syncp;
};

struct mpnic_engine_stats {
	MPNIC_ENGINE_STATS(MPNIC_STAT_FIELD)
	struct u64_stats_sync syncp;
};

struct mpnic_hq_stats {
	MPNIC_HQ_STATS(MPNIC_STAT_FIELD)
	struct u64_stats_sync syncp;
};

#define MPNIC_NSTATS(type)	(offsetof(type, syncp) / sizeof(u64))

/* Complete a checksum left to hardware, as skb_checksum_help() does */
static inline void mpnic_csum_fill(u8 *frame, u32 len, u32 start, u32 off)
{
	__sum16 *field = (__sum16 *)(frame + start + off);

	if (start + off + sizeof(*field) > len)
		return;
	*field = csum_fold(csum_partial(frame + start, len - start, 0)) ?: CSUM_MANGLED_0;
}

/* Single-writer counter updates; readers use mpnic_stats_read() */
#define mpnic_stat_add(s, field, v) do {				\
		u64_stats_update_begin(&(s)->syncp);			\
		WRITE_ONCE((s)->field, (s)->field + (v));		\
		u64_stats_update_end(&(s)->syncp);			\
	} while (0)
#define mpnic_stat_inc(s, field) mpnic_stat_add(s, field, 1)

#define mpnic_stats_read(src, dst)					\
	__mpnic_stats_read((const u64 *)(src), (u64 *)(dst),		\
			   MPNIC_NSTATS(typeof(*(src))), &(src)->syncp)

static inline void __mpnic_stats_read(const u64 *src, u64 *dst, size_t n,
				      const struct u64_stats_sync *syncp)
{
	unsigned int start;
	size_t i;

	do {
		start = u64_stats_fetch_begin(syncp);
		for (i = 0; i < n; i++)
			dst[i] = READ_ONCE(src[i]);
	} while (u64_stats_fetch_retry(syncp, start));
}

/* ethtool's ioctls, rxnfc and channels have no extack: log the reason */
#define mpnic_refuse(dev, extack, msg) do {				\
		struct netlink_ext_ack *extack_ = (extack);		\
									\
		if (extack_)						\
			NL_SET_ERR_MSG_MOD(extack_, msg);		\
		else							\
			netdev_warn(dev, "%s\n", msg);			\
	} while (0)

struct mpnic_card;
struct mpnic_port;

struct mpnic_hq {
	struct napi_struct napi;
	struct mpnic_port *port;
	struct mpnic_engine *eng;	/* the engine behind this queue */
	u32 idx;

	/* Host RX: posted buffers (NAPI -> engine), completions (engine -> NAPI) */
	struct mpnic_ring rx_post;
	struct mpnic_ring rx_cmpl;
	u32 rx_outstanding;		/* NAPI only: posted, not yet cleaned */
	struct page_pool *pp;
	u32 rx_buf_order;
	u32 rx_max_len;			/* longest frame the port accepts */

	/* Host TX: descriptors (xmit -> engine), completions (engine -> NAPI) */
	struct mpnic_ring tx_ring;
	struct mpnic_ring tx_cmpl;
	/* Engine only: completions held back by fault tx-cmpl */
	u32 tx_cmpl_held;
	u32 tx_cleaned ____cacheline_aligned_in_smp; /* NAPI: completions cleaned */

	/* Interrupt moderation (ethtool -C rx-usecs/rx-frames) */
	atomic_t irq_pending;		/* RX completions since the last interrupt */
	struct hrtimer irq_timer;	/* raises it rx-usecs after the first */
	/* Offloaded connections with news for their socket (toe_conn.c) */
	struct llist_head toe_ev;

	struct mpnic_hq_stats stats;
};

/* What the card's watchdog looks for besides a stall (health.c) */
enum mpnic_watch_cond {
	MPNIC_WATCH_CARD_MEM,	/* dispatch found no buffer and took no frame */
	MPNIC_WATCH_HOST_RX,	/* frames missed host buffers, none delivered */
	MPNIC_WATCH_SLOW,	/* input dropped, a backlog, few passes */
	MPNIC_WATCH_TX_CMPL,	/* host frames taken, not completed */
	MPNIC_WATCH_N,
};

struct mpnic_watch {
	u64 bad;		/* the condition's counter at the last look */
	u64 good;		/* its progress counter at the last look */
	u32 ms;			/* how long it has held */
	bool reported;		/* reported, not yet gone */
};

struct mpnic_engine {
	/* Dispatch side: producers of in_ring, consumers of free_ring */
	spinlock_t in_lock;		/* serializes dispatch CPUs on this engine */
	struct mpnic_ring in_ring;	/* struct mpnic_rx_desc */
	struct mpnic_ring free_ring;	/* u32: free buffer indices of the partition */

	/* Engine side */
	struct task_struct *task;
	bool idle;			/* the kthread is about to sleep */
	/* RCU, by port index; each set while its port is up */
	struct mpnic_hq __rcu *hq[MPNIC_MAX_PORTS];
	struct mpnic_gro gro;		/* hardware GRO, engine only */
	struct mpnic_engine_stats stats;
	/* The stack instance's flow table: written by this engine only */
	spinlock_t flows_lock;		/* the engine vs. dumpers; no other engine */
	struct mpnic_flow_table flows;
	struct mpnic_toe_table toe;	/* offloaded TCP connections (toe_table.c) */
	struct llist_head toe_work;	/* connections with host requests (toe_conn.c) */
	struct list_head toe_conns;	/* kthread only: the connections it runs */
	u64 toe_deadline;		/* kthread writes: their next timer, us; 0: none */
	u32 toe_irq;			/* kthread only: ports whose queue got events */
	bool toe_closed;		/* kthread only: a connection reached CLOSED */
	atomic_t toe_port_stop;		/* ports whose connections to reset */
	unsigned long age_next;		/* jiffies of the next aging pass */
	unsigned long age_last;		/* jiffies of the last one */

	struct mpnic_card *card;
	u32 id;
	/* Under the CPU hotplug lock and mpnic_engines_lock (hotplug.c) */
	int cpu;			/* where the kthread runs; READ_ONCE elsewhere */
	int home_cpu;			/* where it returns when that CPU is online */
	struct list_head hotplug_list;	/* mpnic_engines */
	u8 *mem;			/* card memory partition: nbufs * MPNIC_BUF_SIZE */
	size_t mem_charged;		/* its part of mpnic_card_mem_charge() */
	u32 nbufs;
	u8 *tx_stage;			/* one card buffer for frames the host sends */
	u32 tx_batched;			/* wire frames since softirqs last ran */
	u64 softirq_ns;			/* kthread only: softirqs run in this pass */
	struct dentry *dfs;		/* debugfs: engine<N>/ */

	u64 passes;			/* kthread writes, watchdog reads */
	u64 watch_passes;		/* watchdog only: passes at its last look */
	u32 stalled_ms;			/* watchdog only: work and no pass, this long */
	bool stall_reported;		/* watchdog writes: reported, not yet moving */
	bool fault_stall;		/* injected: the kthread makes no pass */
	/* Injected (fault-set): netlink writes; the kthread reads, a restart clears */
	bool fault_card_mem;		/* the kthread keeps the buffers it frees */
	bool fault_host_rx;		/* its host queues post no RX buffer */
	bool fault_slow;		/* the kthread sleeps 20 ms before each pass */
	bool fault_tx_cmpl;		/* the kthread holds back TX completions */
	u32 *held;			/* kthread only: the buffers card-mem keeps */
	u32 nheld;
	bool host_rx_starved;		/* kthread only: saw fault_host_rx set */
	/* Dispatch's drops for want of this engine's room: in_lock, watchdog reads */
	u64 in_nomem;
	u64 in_full;
	struct mpnic_watch watch[MPNIC_WATCH_N];	/* watchdog only */
	bool restart_req;		/* recover asks, the kthread restarts */
	u8 profile;			/* enum mpnic_profile: netlink writes, kthread reads */
	struct completion restart_done;	/* the kthread restarted */

	/* ethtool -t: RTNL serializes tests; the kthread answers */
	struct completion selftest_done;
	u32 selftest_seq;		/* the test frame the waiter expects */
	bool selftest_ok;		/* the kthread's verdict, before done */
};

struct mpnic_card {
	u32 id;
	refcount_t refs;		/* its ports, and card-new's until card-del */
	/* card-new's netns; NULL: ip link add's, goes with its ports */
	struct net *net;
	bool deleting;			/* card-del started: no new port (RTNL) */
	u32 serial;			/* devlink dev info: MPNIC<serial> */
	struct device *dev;		/* on the mpnic bus: mpnic<ID> */
	struct devlink *devlink;	/* mpnic/mpnic<ID> */
	struct devlink_health_reporter *health;	/* "engine"; set by register_work */
	struct work_struct register_work;	/* devlink, on mpnic_wq, outside RTNL */
	struct work_struct destroy_work;	/* teardown, on mpnic_wq, outside RTNL */
	bool params;			/* its devlink parameters are registered */
	/* devlink params (busy.h): written by their set, engines READ_ONCE */
	u32 busy_poll_us;
	bool busy_poll_adaptive;
	/* devlink params: written by their set; engines, watchdog READ_ONCE */
	u32 flow_timeout;
	u32 flow_closed_timeout;
	u32 stall_timeout_ms;
	u32 toe_max_conns;		/* per engine, handoffs in flight included */
	u32 toe_sndbuf_kb;		/* each connection's card send ring */
	u32 toe_rcvbuf_kb;		/* ... and receive ring, at least */
	u32 toe_mem_mb;			/* per engine, for those rings */
	atomic_t toe_conns;		/* offloaded connections on all its engines */
	struct delayed_work watchdog;	/* finds stalled engines (health.c) */
	/* devlink permanent params for the next reload; instance lock */
	u32 fw_engines;
	u32 fw_mem_mb;
	/* Its ports' devlink ports, by port index, under the instance lock */
	struct devlink_port *dl_ports[MPNIC_MAX_PORTS];
	/* Frees gone ports' devlink ports; before 6.2 registers new ones */
	struct work_struct dl_ports_work;
	/*
	 * stats_lock protects retired (retired engines' counts, by index), and
	 * engines and num_engines for readers under RCU alone (ndo_get_stats64)
	 */
	spinlock_t stats_lock;
	struct mpnic_engine_stats *retired;	/* MPNIC_MAX_ENGINES */
	u32 stats_engines;		/* the most it had; under stats_lock */
	/* Replaced by a devlink reload under RTNL, mpnic_cards_lock, stats_lock */
	u32 num_engines;
	size_t mem_size;
	struct mpnic_engine **engines;
	cpumask_var_t cpus;		/* the CPUs its engines spread over */
	/* By index; written under RTNL and mpnic_cards_lock, read under either */
	struct mpnic_port *ports[MPNIC_MAX_PORTS];
	struct list_head list;		/* mpnic_cards, under mpnic_cards_lock */
	struct dentry *dfs;		/* debugfs: mpnic/card<ID>/ */
};

/* netdev priv */
struct mpnic_port {
	struct net_device *netdev;
	struct mpnic_card *card;
	u32 idx;			/* in card->ports and eng->hq */
	struct net_device __rcu *wire;	/* RCU; replaced under RTNL */
	struct mpnic_hq *hqs;		/* one per engine of the card */
	u32 num_hqs;			/* RTNL: the first num_hqs serve, with rings while up */
	u32 rx_ring_size;
	u32 tx_ring_size;
	u32 rx_usecs;			/* RTNL writes, engines read: 0 = at once */
	u32 rx_max_frames;		/* RTNL writes, engines read: 0 = no limit */
	bool wire_trains;		/* RTNL writes, engines read (priv flag) */
	bool tcp_offload;		/* RTNL writes, handoffs read (priv flag) */
	/* Hash, key, table and ntuple rules: RCU, replaced whole under RTNL */
	struct mpnic_dispatch_cfg __rcu *cfg;
	/* RSS contexts 1..63: RCU, replaced whole under RTNL (rssctx.c) */
	struct mpnic_rss_ctx __rcu *rss_ctx[MPNIC_RSS_CTX_MAX];
	struct mpnic_dispatch_stats __percpu *dstats;
	struct mpnic_arfs *arfs;	/* aRFS filters (arfs.c), or NULL */
	/* Its devlink port (card->dl_ports[idx]); set under RTNL and the
	 * instance lock, cleared under RTNL
	 */
	struct devlink_port *dl_port;
};

struct mpnic_rss_ctx {
	struct rcu_head rcu;
	struct mpnic_rss rss;
};

/*
 * Prototypes by layer, top to bottom, each under the file that defines it
 * (Documentation/networking/mpnic.rst, "Layers"). A file calls only into
 * its own layer and those below; tools/layers.sh checks it.
 */

/* == control plane ================================================== */

/* link.c */
extern struct rtnl_link_ops mpnic_link_ops;
int mpnic_port_create(struct net *net, const char *name);

/* channels.c */
int mpnic_port_set_channels(struct mpnic_port *port, u32 n,
			    struct netlink_ext_ack *extack);
int mpnic_port_engines_check(struct mpnic_port *port, u32 n,
			     struct netlink_ext_ack *extack);
void mpnic_port_engines_swap(struct mpnic_port *port, u32 old_engines);

/* ethtool.c */
void mpnic_ethtool_init(struct net_device *dev);
struct ethtool_rxfh_param;
int mpnic_rss_apply(struct net_device *dev, struct mpnic_rss *rss,
		    const struct ethtool_rxfh_param *rxfh, u32 offset,
		    struct netlink_ext_ack *extack);
u8 mpnic_rss_hfunc_eth(const struct mpnic_rss *rss);

/* ntuple.c */
struct ethtool_rx_flow_spec;
const struct mpnic_ntuple_rule *mpnic_ntuple_at(const struct mpnic_dispatch_cfg *cfg,
						u32 loc);
void mpnic_ntuple_to_fs(const struct mpnic_ntuple_rule *rule,
			struct ethtool_rx_flow_spec *fs);
int mpnic_ntuple_insert(struct net_device *dev, struct ethtool_rx_flow_spec *fs,
			u32 rss_context);
int mpnic_ntuple_delete(struct net_device *dev, u32 loc);

/* rssctx.c (stubs in compat.h where ethtool has no context ops) */
#ifdef MPNIC_HAVE_RXFH_CONTEXT_OPS
struct ethtool_rxfh_context;
u32 mpnic_rss_ctx_max_queue(struct mpnic_port *port, u32 id);
u32 mpnic_rss_ctx_highest_queue(struct mpnic_port *port);
void mpnic_rss_ctx_fields_sync(struct mpnic_port *port, int ft, u8 fields);
void mpnic_rss_ctx_free_all(struct mpnic_port *port);
int mpnic_create_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack);
int mpnic_modify_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack);
int mpnic_remove_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      u32 rss_context, struct netlink_ext_ack *extack);
#endif

/* qstats.c (a stub in compat.h where the kernel has no queue stats) */
#ifdef MPNIC_HAVE_QUEUE_STATS
void mpnic_qstats_init(struct net_device *dev);
#endif

/* arfs.c, where the kernel has accelerated RFS; arfs.h: the filter table */
#ifdef CONFIG_RFS_ACCEL
int mpnic_rx_flow_steer(struct net_device *dev, const struct sk_buff *skb, u16 rxq,
			u32 flow_id);
void mpnic_arfs_rmap_update(struct mpnic_port *port);
int mpnic_arfs_init(struct mpnic_port *port);
void mpnic_arfs_exit(struct mpnic_port *port);
extern struct work_struct mpnic_arfs_rmap_work;
#define MPNIC_ARFS_RMAP_WORK	(&mpnic_arfs_rmap_work)
#define MPNIC_NDO_RX_FLOW_STEER	.ndo_rx_flow_steer = mpnic_rx_flow_steer,
#else
static inline void mpnic_arfs_rmap_update(struct mpnic_port *port)
{
}

static inline int mpnic_arfs_init(struct mpnic_port *port)
{
	return 0;
}

static inline void mpnic_arfs_exit(struct mpnic_port *port)
{
}

#define MPNIC_ARFS_RMAP_WORK	NULL
#define MPNIC_NDO_RX_FLOW_STEER
#endif

/* devlink.c */
int mpnic_devlink_alloc(struct mpnic_card *card);
void mpnic_devlink_register(struct mpnic_card *card);
void mpnic_devlink_unregister(struct mpnic_card *card);
void mpnic_devlink_free(struct mpnic_card *card);
int mpnic_devlink_port_add(struct mpnic_port *port, struct netlink_ext_ack *extack);
void mpnic_devlink_port_del(struct mpnic_port *port);
void mpnic_devlink_port_free(struct mpnic_card *card, u32 idx);

/* health.c */
void mpnic_health_init(struct mpnic_card *card);
void mpnic_health_exit(struct mpnic_card *card);

/* netlink.c */
int mpnic_nl_init(void);
void mpnic_nl_exit(void);

/* toe.c: the "mpnic" TCP ULP, the host side of TCP offload */
int mpnic_toe_init(void);
void mpnic_toe_exit(void);
bool mpnic_toe_port_can_offload(struct mpnic_port *port, struct netlink_ext_ack *extack);
struct seq_file;
int mpnic_toe_unrouted_show(struct seq_file *m, void *v);
void mpnic_toe_backlog_dropped(u32 n);
/* toe_sock.c: the offloaded connection's socket */
struct mpnic_tcp_keepalive;
int mpnic_toe_sock_check(struct sock *sk);
void mpnic_toe_keepalive_of(const struct sock *sk, struct mpnic_tcp_keepalive *keep);
void mpnic_toe_sock_take(struct sock *sk, struct mpnic_toe_conn *conn);

/* debugfs.c */
void mpnic_debugfs_init(void);
void mpnic_debugfs_exit(void);
void mpnic_debugfs_card_add(struct mpnic_card *card);
void mpnic_debugfs_card_del(struct mpnic_card *card);

/* == port =========================================================== */

/* netdev.c: the port's ndo handlers, gathered into an ops table by link.c */
int mpnic_port_init(struct mpnic_port *port, struct net_device *dev);
void mpnic_port_free(struct mpnic_port *port);
void mpnic_port_setup(struct net_device *dev);
int mpnic_port_set_rings(struct mpnic_port *port, u32 rx, u32 tx);
void mpnic_uninit(struct net_device *dev);
int mpnic_open(struct net_device *dev);
int mpnic_stop(struct net_device *dev);
int mpnic_change_mtu(struct net_device *dev, int new_mtu);
u16 mpnic_select_queue(struct net_device *dev, struct sk_buff *skb,
		       struct net_device *sb_dev);
void mpnic_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats);
int mpnic_add_slave(struct net_device *dev, struct net_device *slave_dev,
		    struct netlink_ext_ack *extack);
int mpnic_del_slave(struct net_device *dev, struct net_device *slave_dev);

static inline bool mpnic_is_port(const struct net_device *dev)
{
	return dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, MPNIC_DRV_NAME);
}

/* txrx.c */
int mpnic_hqs_open(struct mpnic_port *port, u32 from, u32 to);
void mpnic_hqs_close(struct mpnic_port *port, u32 from, u32 to);
netdev_tx_t mpnic_start_xmit(struct sk_buff *skb, struct net_device *dev);
void mpnic_hq_get_stats(const struct mpnic_hq *hq, struct mpnic_hq_stats *out);

/* wire.c */
int mpnic_wire_attach(struct mpnic_port *port, struct net_device *wire,
		      struct netlink_ext_ack *extack);
void mpnic_wire_detach(struct mpnic_port *port);
void mpnic_wire_update_carrier(struct mpnic_port *port);
int mpnic_wire_init(void);
void mpnic_wire_exit(void);

/* == card =========================================================== */

/* The card calls up into the layers above only through these */
struct mpnic_card_ops {
	int (*alloc)(struct mpnic_card *card);	/* its devlink instance */
	void (*free)(struct mpnic_card *card);
	void (*add)(struct mpnic_card *card);	/* created: it appears */
	void (*del)(struct mpnic_card *card);	/* going: it disappears */
	void (*engines_del)(struct mpnic_card *card);
	void (*engines_add)(struct mpnic_card *card);
	int (*port_add)(struct mpnic_port *port, struct netlink_ext_ack *extack);
	void (*port_del)(struct mpnic_port *port);
	/* A reload asks each port whether it can, then hands it the engines */
	int (*port_engines_check)(struct mpnic_port *port, u32 n,
				  struct netlink_ext_ack *extack);
	void (*port_engines_swap)(struct mpnic_port *port, u32 old_engines);
};

/* card.c */
extern struct mutex mpnic_cards_lock;
extern struct list_head mpnic_cards;
/* Ordered, so a card's devlink registration precedes its teardown */
extern struct workqueue_struct *mpnic_wq;
struct mpnic_card *mpnic_card_create(u32 num_engines, size_t mem_size,
				     const struct cpumask *cpus, struct net *net,
				     struct netlink_ext_ack *extack);
void mpnic_card_put(struct mpnic_card *card);
int mpnic_card_port_add(struct mpnic_card *card, struct mpnic_port *port,
			struct netlink_ext_ack *extack);
void mpnic_card_port_del(struct mpnic_port *port);
void mpnic_card_del(struct mpnic_card *card);
int mpnic_card_reload_check(struct mpnic_card *card, u32 engines, size_t mem_size,
			    struct netlink_ext_ack *extack);
int mpnic_card_reload(struct mpnic_card *card, u32 engines, size_t mem_size,
		      struct netlink_ext_ack *extack);
struct mpnic_card *mpnic_card_find(u32 id);
bool mpnic_card_visible(const struct mpnic_card *card, const struct net *net);
void mpnic_card_engine_stats(struct mpnic_card *card, u32 id, struct mpnic_engine_stats *out);
void mpnic_engine_get_stats(const struct mpnic_engine *eng,
			    struct mpnic_engine_stats *out);
int mpnic_card_init(const struct mpnic_card_ops *ops);
void mpnic_card_exit(void);

/* dispatch.c */
rx_handler_result_t mpnic_dispatch_rx(struct sk_buff **pskb);
u16 mpnic_dispatch_tx_queue(struct mpnic_port *port, struct sk_buff *skb);
u16 mpnic_dispatch_flow_queue(struct mpnic_port *port, const struct mpnic_flow *flow);
void mpnic_dispatch_get_stats(const struct mpnic_port *port,
			      struct mpnic_dispatch_stats *out);
struct mpnic_dispatch_cfg *mpnic_dispatch_cfg_dup(struct mpnic_port *port, u32 extra);
void mpnic_dispatch_cfg_publish(struct mpnic_port *port, struct mpnic_dispatch_cfg *cfg);

/* A dispatch counter bumped outside dispatch. Context: BH disabled */
#define mpnic_dispatch_stat_inc(port, field)				\
	mpnic_stat_inc(this_cpu_ptr((port)->dstats), field)

/* bus.c */
int mpnic_bus_init(void);
void mpnic_bus_exit(void);
struct device *mpnic_bus_dev_add(u32 id);
void mpnic_bus_dev_del(struct device *dev);

/* == engine ========================================================= */

/* engine.c */
struct mpnic_engine *mpnic_engine_create(struct mpnic_card *card, u32 id, int cpu,
					 size_t mem_size);
void mpnic_engine_destroy(struct mpnic_engine *eng, struct mpnic_engine_stats *last);
int mpnic_engine_set_cpu(struct mpnic_engine *eng, u32 cpu, struct netlink_ext_ack *extack);
void mpnic_engine_kick(struct mpnic_engine *eng);
void mpnic_engine_bh_enable(struct mpnic_engine *eng);
bool mpnic_engine_has_work(struct mpnic_engine *eng);
void mpnic_engine_buf_put(struct mpnic_engine *eng, u32 buf);
void mpnic_engine_irq_all(struct mpnic_engine *eng);
/* The last enum mpnic_fault, which the YNL spec does not count */
#define MPNIC_FAULT_LAST	MPNIC_FAULT_TX_CMPL
bool *mpnic_engine_fault(struct mpnic_engine *eng, u32 type);

/**
 * mpnic_engine_irq - raise a host queue's interrupt from its engine
 * @hq: the queue; its NAPI instance is the handler its port registered
 *
 * BH is off so that the softirq's time is kept out of the engine's own.
 *
 * Context: engine kthread.
 */
static inline void mpnic_engine_irq(struct mpnic_hq *hq)
{
	local_bh_disable();
	napi_schedule(&hq->napi);
	mpnic_engine_bh_enable(hq->eng);
}

/* engine_rx.c */
int mpnic_engine_rx(struct mpnic_engine *eng, int budget);
int mpnic_engine_rx_deliver(struct mpnic_engine *eng, struct mpnic_hq *hq,
			    const u8 *frame, const struct mpnic_rx_desc *desc,
			    const struct mpnic_flow *flow, enum mpnic_csum csum);
void mpnic_engine_rx_delivered(struct mpnic_engine *eng, u32 len);
void mpnic_engine_rx_irq(struct mpnic_hq *hq, u32 frames);

/* engine_tx.c */
int mpnic_engine_tx(struct mpnic_engine *eng, struct mpnic_hq *hq, int budget);
enum skb_drop_reason mpnic_engine_wire_out(struct mpnic_engine *eng, struct sk_buff *wskb,
					   u32 frames, u32 bytes);

/* gro.c */
bool mpnic_gro_start(struct mpnic_engine *eng, u8 *hdr, const struct mpnic_flow *flow,
		     u16 *len);
int mpnic_gro_merge(struct mpnic_engine *eng, struct mpnic_hq *hq, const u8 *frame,
		    const struct mpnic_flow *flow, enum mpnic_csum csum);
int mpnic_gro_follow(struct mpnic_engine *eng, struct mpnic_hq *hq, const u8 *frame,
		     const struct mpnic_rx_desc *desc);
void mpnic_gro_flush(struct mpnic_engine *eng, struct mpnic_hq *hq);

/* stack.c */
bool mpnic_stack_rx(struct mpnic_engine *eng, const struct mpnic_rx_desc *desc,
		    const u8 *frame, struct mpnic_flow *flow, bool rxcsum,
		    enum mpnic_csum *csum);
struct mpnic_flow_entry *mpnic_stack_tx(struct mpnic_engine *eng, u8 port, const u8 *frame,
					u32 len, struct mpnic_flow *flow);
void mpnic_stack_follow(struct mpnic_engine *eng, struct mpnic_flow_entry *fe,
			enum mpnic_dir dir, u32 pkts, u32 bytes, u32 next_seq, u8 flags);
void mpnic_stack_age(struct mpnic_engine *eng);
bool mpnic_stack_csum_ok(const u8 *frame, const struct mpnic_flow *flow);
bool mpnic_stack_rx_csum(struct mpnic_engine *eng, const u8 *frame,
			 const struct mpnic_flow *flow, __wsum sum);
bool mpnic_stack_csum_filled(const struct mpnic_rx_desc *desc,
			     const struct mpnic_flow *flow);

static inline u32 mpnic_stack_l4_len(const struct mpnic_flow *flow)
{
	return flow->l3_off + flow->l3_len - flow->l4_off;
}

int mpnic_stack_init(struct mpnic_engine *eng, int node);
void mpnic_stack_exit(struct mpnic_engine *eng);

/* selftest.c */
void mpnic_selftest_rx(struct mpnic_engine *eng, const u8 *frame, u32 len);
bool mpnic_selftest(struct mpnic_card *card, u64 *results);

/* hotplug.c */
void mpnic_hotplug_bind(struct mpnic_engine *eng, int cpu);
void mpnic_hotplug_unbind(struct mpnic_engine *eng);
int mpnic_hotplug_set_home(struct mpnic_engine *eng, u32 cpu);
int mpnic_hotplug_init(struct work_struct *moved);
void mpnic_hotplug_exit(void);

#endif /* _MPNIC_H */
