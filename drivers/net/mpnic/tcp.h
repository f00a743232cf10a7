/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's TCP: a sans-I/O machine for one connection handed over from
 * the host in ESTABLISHED. Pure code (tools/unit builds it in user space):
 * no locks (one engine owns a connection), no allocation (the caller gives
 * the buffers), no clock. Time is @now, in microseconds of a monotonic
 * clock, u64: ktime_get_ns() / NSEC_PER_USEC in the kernel, so that
 * now / 1000 is the clock Linux's TCP timestamps run on (tcp_clock_ms())
 * and the socket's tsoffset carries over unchanged.
 */
#ifndef _MPNIC_TCP_H
#define _MPNIC_TCP_H

#include "tcp_seq.h"
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/math64.h>
#endif

/* RFC 6298 2.4 and Linux's TCP_RTO_MIN / TCP_RTO_MAX; 2.1's initial RTO */
#define MPNIC_TCP_RTO_MIN_US	200000U
#define MPNIC_TCP_RTO_MAX_US	120000000U
#define MPNIC_TCP_RTO_INIT_US	1000000U
/* Linux's TCP_DELACK_MIN, and its TCP_TIMEWAIT_LEN (2 * MSL) */
#define MPNIC_TCP_DACK_US	40000U
#define MPNIC_TCP_TIME_WAIT_US	60000000U
/* Linux's tcp_retries2: RTOs (or unanswered probes) before giving up */
#define MPNIC_TCP_RETRIES_MAX	15
/* Out-of-order ranges the receive side tracks past rcv_nxt */
#define MPNIC_TCP_OOO_MAX	8
/* SACK blocks in 40 bytes of options: 4, or 3 beside timestamps (RFC 2018) */
#define MPNIC_TCP_SACK_MAX	4
/* Linux's keepalive defaults: 2 hours idle, 75 s apart, 9 probes */
#define MPNIC_TCP_KEEP_IDLE_US	(7200ULL * 1000000)
#define MPNIC_TCP_KEEP_INTVL_US	75000000ULL
#define MPNIC_TCP_KEEP_CNT	9
/* RFC 6928's initial window, for a handoff that brings no cwnd */
#define MPNIC_TCP_INIT_CWND	10

enum mpnic_tcb_state {
	MPNIC_TCB_ESTABLISHED,
	MPNIC_TCB_FIN_WAIT_1,
	MPNIC_TCB_FIN_WAIT_2,
	MPNIC_TCB_CLOSING,
	MPNIC_TCB_TIME_WAIT,
	MPNIC_TCB_CLOSE_WAIT,
	MPNIC_TCB_LAST_ACK,
	MPNIC_TCB_CLOSED,
};

/* What became of a received segment: accepted, or the one drop that took it */
enum mpnic_tcp_verdict {
	MPNIC_TCP_ACCEPTED,
	MPNIC_TCP_DROP_CLOSED,		/* the connection is CLOSED */
	MPNIC_TCP_DROP_PAWS,		/* RFC 7323 5: TSval older than ts_recent */
	MPNIC_TCP_DROP_OLD_DUP,		/* wholly before rcv_nxt: ACKed again */
	MPNIC_TCP_DROP_OUT_OF_WINDOW,	/* RFC 9293 acceptability test failed */
	MPNIC_TCP_DROP_BLIND_RST,	/* RFC 5961 3.2: RST outside the window */
	MPNIC_TCP_DROP_RST_CHALLENGE,	/* RFC 5961 3.2: inexact RST: challenge ACK */
	MPNIC_TCP_DROP_SYN,		/* RFC 5961 4.2: SYN: challenge ACK */
	MPNIC_TCP_DROP_NO_ACK,		/* ACK flag off */
	MPNIC_TCP_DROP_ACK_UNSENT,	/* ACKs what was never sent: ACK back */
	MPNIC_TCP_DROP_BLIND_DATA,	/* RFC 5961 5.2: ACK too old: challenge ACK */
	MPNIC_TCP_DROP_OOO_FULL,	/* out-of-order data, range set full */
	MPNIC_TCP_DROP_AFTER_FIN,	/* data past the peer's FIN, or after SHUT_RD */
	MPNIC_TCP_VERDICT_COUNT,
};

/* mpnic_tcp_out.act: what the caller must do after a call */
#define MPNIC_TCP_ACT_OUTPUT	BIT(0)	/* call mpnic_tcp_output() until it has nothing */
#define MPNIC_TCP_ACT_READABLE	BIT(1)	/* .readable more bytes for the host */
#define MPNIC_TCP_ACT_EOF	BIT(2)	/* the peer's FIN: no more bytes will come */
#define MPNIC_TCP_ACT_RESET	BIT(3)	/* connection gone: .err for the application */
#define MPNIC_TCP_ACT_STATE	BIT(4)	/* .state is new */
#define MPNIC_TCP_ACT_WRITABLE	BIT(5)	/* .acked bytes of send ring freed */
#define MPNIC_TCP_ACT_ACK	BIT(6)	/* an ACK is due now (with OUTPUT) */
#define MPNIC_TCP_ACT_DUP_ACK	BIT(7)	/* ... and it is a duplicate ACK */
#define MPNIC_TCP_ACT_CHALLENGE	BIT(8)	/* ... and it is a challenge ACK */
#define MPNIC_TCP_ACT_RST	BIT(9)	/* a RST is due (with OUTPUT) */

/* mpnic_tcp_shutdown() @how, as the kernel's RCV_SHUTDOWN / SEND_SHUTDOWN */
#define MPNIC_TCP_SHUT_RD	BIT(0)
#define MPNIC_TCP_SHUT_WR	BIT(1)

/*
 * A received segment, parsed by the caller; checksums already checked.
 * SACK blocks are not passed: they are accepted and not used yet.
 */
struct mpnic_tcp_seg {
	u32 seq;
	u32 ack;
	u16 wnd;		/* the header's field, unscaled */
	u8 flags;		/* MPNIC_TH_* */
	bool has_ts;
	u32 tsval;
	u32 tsecr;
	const u8 *data;
	u32 len;
};

/* Sequence numbers [start, end) */
struct mpnic_tcp_range {
	u32 start;
	u32 end;	/* one past the last byte */
};

/* A segment to send: the caller builds the headers and copies the payload */
struct mpnic_tcp_seg_out {
	u32 seq;
	u32 ack;
	u16 wnd;		/* scaled: goes into the header as it is */
	u8 flags;		/* MPNIC_TH_* */
	bool has_ts;
	u32 tsval;
	u32 tsecr;
	u32 off;		/* payload: offset into the send ring, from snd_una */
	u32 len;
	bool retransmit;
	/* RFC 2018 blocks, on segments without payload: the most recent first */
	u8 nsack;
	struct mpnic_tcp_range sack[MPNIC_TCP_SACK_MAX];
};

struct mpnic_tcp_out {
	u32 act;		/* MPNIC_TCP_ACT_* */
	enum mpnic_tcp_verdict verdict;
	u32 readable;		/* in-order bytes the call made readable */
	u32 acked;		/* send ring bytes the call released */
	int err;		/* with ACT_RESET: -ECONNRESET, -ETIMEDOUT */
	u8 state;		/* enum mpnic_tcb_state after the call */
};

/* A byte ring in card memory; the caller owns @buf */
struct mpnic_tcp_ring {
	u8 *buf;
	u32 size;		/* bytes, at most 2^30 */
	u32 head;		/* index of the first byte held */
	u32 len;		/* bytes held from head */
};

/* Ranges past rcv_nxt that hold data: sorted, disjoint, never adjacent */
struct mpnic_tcp_ooo {
	u32 n;
	struct mpnic_tcp_range r[MPNIC_TCP_OOO_MAX];
};

/* RFC 6298's estimator */
struct mpnic_tcp_rtt {
	u32 srtt_us;		/* 0: no sample yet */
	u32 rttvar_us;
	u32 rto_us;		/* without backoff */
	u8 backoff;		/* RTOs since the last ACK of new data */
};

/* NewReno: RFC 5681, RFC 6582; all in bytes */
struct mpnic_tcp_cc {
	u32 cwnd;
	u32 ssthresh;
	u32 recover;		/* snd_max when recovery began: exits at a full ACK */
	u32 ca_acked;		/* bytes ACKed towards the next CA increase */
	u16 dupacks;
	bool in_recovery;
};

struct mpnic_tcp_stats {
	u64 segs_in;
	u64 segs_out;
	u64 bytes_received;	/* payload made readable */
	u64 bytes_sent;		/* payload sent for the first time */
	u64 bytes_acked;
	u64 retrans_segs;
	u64 rto_expiries;
	u64 fast_retrans;
	u64 ooo_segs;
	u64 dupacks_in;
	u64 dupacks_out;
	u64 challenge_acks;
	u64 zwp_sent;
	u64 keepalive_probes;
	u64 rst_in;
	u64 rst_out;
	u64 verdict[MPNIC_TCP_VERDICT_COUNT];
};

/* SO_KEEPALIVE and TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT */
struct mpnic_tcp_keepalive {
	bool on;
	u8 cnt;			/* unanswered probes before giving up */
	u64 idle_us;		/* silence before the first probe */
	u64 intvl_us;		/* between probes */
};

/* What the host's socket hands over; mpnic_tcp_init() checks it */
struct mpnic_tcp_handoff {
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;		/* bytes, scaled */
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_window;
	u32 rcv_nxt;
	u32 rcv_wnd;		/* bytes last advertised */
	u16 mss;		/* payload per segment, with our options */
	u16 rcv_mss;		/* the peer's segments' size, for delayed ACKs */
	u8 snd_wscale;		/* shift of the peer's windows */
	u8 rcv_wscale;		/* shift of ours */
	bool ts_on;
	u32 ts_recent;
	u32 ts_offset;		/* the socket's tsoffset */
	bool sack_ok;
	bool ecn;		/* refused: -EOPNOTSUPP */
	bool nodelay;
	bool cork;
	u32 cwnd;		/* bytes; 0: RFC 6928's 10 segments */
	u32 ssthresh;		/* bytes; 0: none yet */
	u32 srtt_us;		/* 0: no sample yet */
	u32 rttvar_us;
	u32 snd_queued;		/* bytes from snd_una the caller loads next */
	u32 rcv_queued;		/* unread bytes the caller loads next */
	u32 dack_us;		/* 0: MPNIC_TCP_DACK_US */
	u32 time_wait_us;	/* 0: MPNIC_TCP_TIME_WAIT_US */
	struct mpnic_tcp_keepalive keep;
};

/* TCP_INFO's fields that the engine knows */
struct mpnic_tcp_info {
	u8 state;
	u8 backoff;
	u32 srtt_us;
	u32 rttvar_us;
	u32 rto_us;
	u32 mss;
	u32 cwnd;		/* bytes */
	u32 ssthresh;
	u32 snd_wnd;
	u32 rcv_wnd;
	u32 unacked;		/* bytes in flight */
	u64 retrans;
	u64 bytes_acked;
	u64 bytes_received;
};

/* Connection control block: one per offloaded connection, owned by its engine */
struct mpnic_tcb {
	u8 state;		/* enum mpnic_tcb_state */
	u8 shut;		/* MPNIC_TCP_SHUT_* the host asked for */
	u8 snd_wscale;
	u8 rcv_wscale;
	bool ts_on;
	bool sack_ok;		/* SACK-permitted: the peer's blocks are ignored, ours sent */
	bool nodelay;
	bool cork;
	bool minshall;		/* Nagle per Minshall: one small segment in flight */
	bool fin_queued;	/* fin_seq is ours */
	bool orphan;		/* the host closed: data arriving now aborts */
	bool ack_now;		/* a pure ACK is due */
	bool rexmit_now;	/* retransmit from snd_una: fast retransmit, partial ACK */
	bool probe_now;		/* a zero-window probe is due */
	bool rst_now;		/* a RST is due */
	bool rtt_timing;	/* Karn: rtt_seq is timed, never retransmitted */

	/* send side: sequence space */
	u32 snd_una;
	u32 snd_nxt;		/* next to send; goes back to snd_una on an RTO */
	u32 snd_max;		/* highest snd_nxt: the RFC 5961 ACK bound */
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_window;
	u32 fin_seq;
	u32 rst_seq;		/* where rst_now's RST goes */
	u32 snd_sml;		/* end of the last small segment sent */
	u32 rtt_seq;
	u64 rtt_start;
	u16 mss;

	/* receive side */
	u16 rcv_mss;
	u32 rcv_nxt;
	u32 rcv_adv;		/* furthest right edge advertised */
	u32 rcv_unacked;	/* bytes received since our last ACK */
	u32 last_ack_sent;
	u32 ts_recent;
	u32 ts_offset;

	/* timers: absolute, in us; 0 when off */
	u64 rto_at;
	u64 dack_at;
	u64 persist_at;
	u64 time_wait_at;
	u32 dack_us;
	u32 time_wait_us;
	u8 probes;		/* zero-window probes since an ACK */
	u8 retries;		/* RTOs since an ACK of new data */
	u8 keep_probes;		/* keepalive probes since the peer last sent */
	bool keep_now;		/* a keepalive probe is due */
	struct mpnic_tcp_keepalive keep;
	u64 keep_at;		/* the keepalive timer */
	u64 last_rcv;		/* when the peer last sent a segment */

	struct mpnic_tcp_rtt rtt;
	struct mpnic_tcp_cc cc;
	struct mpnic_tcp_ring snd;	/* bytes from snd_una */
	struct mpnic_tcp_ring rcv;	/* bytes from the host's read point */
	struct mpnic_tcp_ooo ooo;
	u32 sack_recent;	/* a byte of the out-of-order data that came last */
	struct mpnic_tcp_stats stats;
};

/* tcp_buf.c */
void mpnic_tcp_ring_init(struct mpnic_tcp_ring *ring, u8 *buf, u32 size);
u32 mpnic_tcp_ring_append(struct mpnic_tcp_ring *ring, const u8 *src, u32 n);
void mpnic_tcp_ring_put(struct mpnic_tcp_ring *ring, u32 off, const u8 *src, u32 n);
void mpnic_tcp_ring_get(const struct mpnic_tcp_ring *ring, u32 off, u8 *dst, u32 n);
void mpnic_tcp_ring_drop(struct mpnic_tcp_ring *ring, u32 n);
int mpnic_tcp_ooo_insert(struct mpnic_tcp_ooo *ooo, u32 start, u32 end);
u32 mpnic_tcp_ooo_advance(struct mpnic_tcp_ooo *ooo, u32 rcv_nxt);

static inline u32 mpnic_tcp_ring_space(const struct mpnic_tcp_ring *ring)
{
	return ring->size - ring->len;
}

/* tcp_rto.c */
void mpnic_tcp_rtt_init(struct mpnic_tcp_rtt *rtt, u32 srtt_us, u32 rttvar_us);
void mpnic_tcp_rtt_sample(struct mpnic_tcp_rtt *rtt, u32 sample_us);
void mpnic_tcp_rto_backoff(struct mpnic_tcp_rtt *rtt);
u32 mpnic_tcp_rto(const struct mpnic_tcp_rtt *rtt);

/* tcp_cc.c */
void mpnic_tcp_cc_init(struct mpnic_tcp_cc *cc, u32 mss, u32 cwnd, u32 ssthresh, u32 snd_una);
bool mpnic_tcp_cc_ack(struct mpnic_tcp_cc *cc, u32 ack, u32 acked, u32 flight, u32 mss,
		      bool limited);
bool mpnic_tcp_cc_dupack(struct mpnic_tcp_cc *cc, u32 ack, u32 snd_max, u32 flight, u32 mss);
void mpnic_tcp_cc_rto(struct mpnic_tcp_cc *cc, u32 snd_max, u32 flight, u32 mss);

/* tcp_conn.c */
int mpnic_tcp_init(struct mpnic_tcb *tcb, const struct mpnic_tcp_handoff *h,
		   u8 *snd_buf, u32 snd_size, u8 *rcv_buf, u32 rcv_size, u64 now);
void mpnic_tcp_set_keepalive(struct mpnic_tcb *tcb, const struct mpnic_tcp_keepalive *keep,
			     u64 now);
int mpnic_tcp_write(struct mpnic_tcb *tcb, const u8 *src, u32 n);
bool mpnic_tcp_consumed(struct mpnic_tcb *tcb, u32 n);
void mpnic_tcp_shutdown(struct mpnic_tcb *tcb, u8 how, struct mpnic_tcp_out *out);
void mpnic_tcp_close(struct mpnic_tcb *tcb, bool linger0, struct mpnic_tcp_out *out);
void mpnic_tcp_get_info(const struct mpnic_tcb *tcb, struct mpnic_tcp_info *info);
const char *mpnic_tcp_verdict_name(enum mpnic_tcp_verdict v);
const char *mpnic_tcb_state_name(u8 state);
void mpnic_tcp_set_state(struct mpnic_tcb *tcb, u8 state, u64 now, struct mpnic_tcp_out *out);
void mpnic_tcp_reset(struct mpnic_tcb *tcb, int err, struct mpnic_tcp_out *out);

/* tcp_in.c */
void mpnic_tcp_input(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg, u64 now,
		     struct mpnic_tcp_out *out);

/* tcp_out.c */
bool mpnic_tcp_output(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg);
u32 mpnic_tcp_rcv_window(const struct mpnic_tcb *tcb);
void mpnic_tcp_timer(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_out *out);
u64 mpnic_tcp_next_deadline(const struct mpnic_tcb *tcb);
void mpnic_tcp_arm(struct mpnic_tcb *tcb, u64 now);

/* Bytes queued past snd_nxt: sent never, or again after an RTO */
static inline u32 mpnic_tcp_unsent(const struct mpnic_tcb *tcb)
{
	u32 sent = tcb->snd_nxt - tcb->snd_una;

	if (tcb->fin_queued && mpnic_tcp_after(tcb->snd_nxt, tcb->fin_seq))
		return 0;
	return tcb->snd.len > sent ? tcb->snd.len - sent : 0;
}

/* Our timestamp clock: milliseconds, plus the socket's offset */
static inline u32 mpnic_tcp_ts_now(const struct mpnic_tcb *tcb, u64 now)
{
	return (u32)div_u64(now, 1000) + tcb->ts_offset;
}

#endif /* _MPNIC_TCP_H */
