// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: a connection's life as the host sees it: the handoff,
 * writes, reads, shutdown and close, its state, TCP_INFO.
 */

#include "tcp.h"

static const char * const mpnic_tcp_verdict_names[MPNIC_TCP_VERDICT_COUNT] = {
	[MPNIC_TCP_ACCEPTED]		= "accepted",
	[MPNIC_TCP_DROP_CLOSED]		= "closed",
	[MPNIC_TCP_DROP_PAWS]		= "paws",
	[MPNIC_TCP_DROP_OLD_DUP]	= "old_duplicate",
	[MPNIC_TCP_DROP_OUT_OF_WINDOW]	= "out_of_window",
	[MPNIC_TCP_DROP_BLIND_RST]	= "blind_rst",
	[MPNIC_TCP_DROP_RST_CHALLENGE]	= "rst_challenged",
	[MPNIC_TCP_DROP_SYN]		= "syn_challenged",
	[MPNIC_TCP_DROP_NO_ACK]		= "no_ack",
	[MPNIC_TCP_DROP_ACK_UNSENT]	= "ack_unsent",
	[MPNIC_TCP_DROP_BLIND_DATA]	= "blind_data",
	[MPNIC_TCP_DROP_OOO_FULL]	= "ooo_full",
	[MPNIC_TCP_DROP_AFTER_FIN]	= "after_fin",
};

const char *mpnic_tcp_verdict_name(enum mpnic_tcp_verdict v)
{
	return v < MPNIC_TCP_VERDICT_COUNT ? mpnic_tcp_verdict_names[v] : "unknown";
}

/* As the uapi's enum mpnic_tcb_state names them (mpnic.yaml: conn-state) */
static const char * const mpnic_tcb_state_names[MPNIC_TCB_CLOSED + 1] = {
	[MPNIC_TCB_ESTABLISHED]	= "established",
	[MPNIC_TCB_FIN_WAIT_1]	= "fin-wait-1",
	[MPNIC_TCB_FIN_WAIT_2]	= "fin-wait-2",
	[MPNIC_TCB_CLOSING]	= "closing",
	[MPNIC_TCB_TIME_WAIT]	= "time-wait",
	[MPNIC_TCB_CLOSE_WAIT]	= "close-wait",
	[MPNIC_TCB_LAST_ACK]	= "last-ack",
	[MPNIC_TCB_CLOSED]	= "closed",
};

const char *mpnic_tcb_state_name(u8 state)
{
	return state <= MPNIC_TCB_CLOSED ? mpnic_tcb_state_names[state] : "unknown";
}

/**
 * mpnic_tcp_init - take over a connection from the host's socket
 * @tcb: the control block to fill
 * @h: what the socket hands over
 * @snd_buf: card memory for the send ring
 * @snd_size: its size, at most 2^30
 * @rcv_buf: card memory for the receive ring
 * @rcv_size: its size, at most 2^30
 * @now: the clock
 *
 * The caller then appends h->snd_queued bytes (from snd_una) to tcb->snd and
 * h->rcv_queued unread bytes to tcb->rcv, before anything else runs.
 *
 * Return: 0; -EOPNOTSUPP for ECN; -EINVAL for a handoff that cannot be
 * right; -ENOBUFS when the buffers cannot hold what the socket holds and
 * the window it advertised.
 */
int mpnic_tcp_init(struct mpnic_tcb *tcb, const struct mpnic_tcp_handoff *h,
		   u8 *snd_buf, u32 snd_size, u8 *rcv_buf, u32 rcv_size, u64 now)
{
	if (h->ecn)
		return -EOPNOTSUPP;
	if (!h->mss || h->snd_wscale > MPNIC_TCP_WSCALE_MAX ||
	    h->rcv_wscale > MPNIC_TCP_WSCALE_MAX || mpnic_tcp_before(h->snd_nxt, h->snd_una))
		return -EINVAL;
	if (!snd_size || !rcv_size || snd_size > BIT(30) || rcv_size > BIT(30))
		return -EINVAL;
	if (h->snd_queued < h->snd_nxt - h->snd_una || h->snd_queued > snd_size ||
	    (u64)h->rcv_queued + h->rcv_wnd > rcv_size)
		return -ENOBUFS;

	memset(tcb, 0, sizeof(*tcb));
	tcb->state = MPNIC_TCB_ESTABLISHED;
	tcb->snd_wscale = h->snd_wscale;
	tcb->rcv_wscale = h->rcv_wscale;
	tcb->ts_on = h->ts_on;
	tcb->sack_ok = h->sack_ok;
	tcb->nodelay = h->nodelay;
	tcb->cork = h->cork;
	tcb->snd_una = h->snd_una;
	tcb->snd_nxt = h->snd_nxt;
	tcb->snd_max = h->snd_nxt;
	tcb->snd_wnd = h->snd_wnd;
	tcb->snd_wl1 = h->snd_wl1;
	tcb->snd_wl2 = h->snd_wl2;
	tcb->max_window = max_t(u32, h->max_window, h->snd_wnd);
	tcb->snd_sml = h->snd_una;
	tcb->mss = h->mss;
	tcb->rcv_mss = h->rcv_mss ? h->rcv_mss : h->mss;
	tcb->rcv_nxt = h->rcv_nxt;
	tcb->rcv_adv = h->rcv_nxt + h->rcv_wnd;
	tcb->last_ack_sent = h->rcv_nxt;
	tcb->ts_recent = h->ts_recent;
	tcb->ts_offset = h->ts_offset;
	tcb->dack_us = h->dack_us ? h->dack_us : MPNIC_TCP_DACK_US;
	tcb->time_wait_us = h->time_wait_us ? h->time_wait_us : MPNIC_TCP_TIME_WAIT_US;
	mpnic_tcp_rtt_init(&tcb->rtt, h->srtt_us, h->rttvar_us);
	mpnic_tcp_cc_init(&tcb->cc, h->mss, h->cwnd, h->ssthresh, h->snd_una);
	mpnic_tcp_ring_init(&tcb->snd, snd_buf, snd_size);
	mpnic_tcp_ring_init(&tcb->rcv, rcv_buf, rcv_size);
	tcb->last_rcv = now;
	mpnic_tcp_set_keepalive(tcb, &h->keep, now);
	mpnic_tcp_arm(tcb, now);
	return 0;
}

/**
 * mpnic_tcp_set_keepalive - SO_KEEPALIVE and its three TCP options
 * @tcb: the connection
 * @keep: on or off, idle time, interval, probe count
 * @now: the clock
 *
 * As Linux's keepalive: after @keep->idle_us without a segment from the
 * peer and with nothing in flight, a probe (an old sequence number, which
 * draws an ACK) every @keep->intvl_us; @keep->cnt probes without an
 * answer end the connection (-ETIMEDOUT). Changing them starts the count
 * again.
 */
void mpnic_tcp_set_keepalive(struct mpnic_tcb *tcb, const struct mpnic_tcp_keepalive *keep,
			     u64 now)
{
	tcb->keep = *keep;
	if (!tcb->keep.idle_us)
		tcb->keep.idle_us = MPNIC_TCP_KEEP_IDLE_US;
	if (!tcb->keep.intvl_us)
		tcb->keep.intvl_us = MPNIC_TCP_KEEP_INTVL_US;
	if (!tcb->keep.cnt)
		tcb->keep.cnt = MPNIC_TCP_KEEP_CNT;
	tcb->keep_probes = 0;
	tcb->keep_at = tcb->keep.on ? max_t(u64, now, tcb->last_rcv + tcb->keep.idle_us) : 0;
}

/**
 * mpnic_tcp_write - queue the host's bytes for sending
 * @tcb: the connection
 * @src: the bytes
 * @n: how many
 *
 * Return: the bytes queued (0 when the send ring is full); -EPIPE after
 * shutdown(SHUT_WR), close or a reset.
 */
int mpnic_tcp_write(struct mpnic_tcb *tcb, const u8 *src, u32 n)
{
	if (tcb->state == MPNIC_TCB_CLOSED || (tcb->shut & MPNIC_TCP_SHUT_WR))
		return -EPIPE;
	/* the ring holds at most 2^30 bytes: the count fits an int */
	return mpnic_tcp_ring_append(&tcb->snd, src, n);
}

/**
 * mpnic_tcp_consumed - the host read @n bytes from the receive ring's head
 * @tcb: the connection
 * @n: bytes read
 *
 * Return: true when the window that opened is worth a window update now
 * (RFC 9293 3.8.6.2.2's step, and at least doubling it or reopening one
 * below a segment, as Linux's tcp_cleanup_rbuf()); mpnic_tcp_output() then
 * sends it.
 */
bool mpnic_tcp_consumed(struct mpnic_tcb *tcb, u32 n)
{
	u32 cur, win;

	mpnic_tcp_ring_drop(&tcb->rcv, n);
	if (tcb->state != MPNIC_TCB_ESTABLISHED && tcb->state != MPNIC_TCB_FIN_WAIT_1 &&
	    tcb->state != MPNIC_TCB_FIN_WAIT_2)
		return false;
	cur = mpnic_tcp_after(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
	win = mpnic_tcp_rcv_window(tcb);
	if (win <= cur || (win < 2 * cur && cur >= tcb->rcv_mss))
		return false;
	tcb->ack_now = true;
	return true;
}

/* Move to @state; TIME_WAIT and CLOSED stop the other timers */
void mpnic_tcp_set_state(struct mpnic_tcb *tcb, u8 state, u64 now, struct mpnic_tcp_out *out)
{
	if (tcb->state == state)
		return;
	tcb->state = state;
	if (state == MPNIC_TCB_TIME_WAIT || state == MPNIC_TCB_CLOSED) {
		tcb->rto_at = 0;
		tcb->persist_at = 0;
		tcb->dack_at = 0;
		tcb->time_wait_at = state == MPNIC_TCB_TIME_WAIT ? now + tcb->time_wait_us : 0;
	}
	out->act |= MPNIC_TCP_ACT_STATE;
	out->state = state;
}

/* The connection is gone; the application sees @err */
void mpnic_tcp_reset(struct mpnic_tcb *tcb, int err, struct mpnic_tcp_out *out)
{
	mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, 0, out);
	out->act |= MPNIC_TCP_ACT_RESET;
	out->err = err;
}

/**
 * mpnic_tcp_shutdown - the host's shutdown()
 * @tcb: the connection
 * @how: MPNIC_TCP_SHUT_RD and/or MPNIC_TCP_SHUT_WR
 * @out: actions (OUTPUT: the FIN goes after the queued data)
 *
 * SHUT_RD only records it, as Linux's TCP does: data keeps arriving into
 * the receive ring until the window closes.
 */
void mpnic_tcp_shutdown(struct mpnic_tcb *tcb, u8 how, struct mpnic_tcp_out *out)
{
	u8 next;

	out->state = tcb->state;
	tcb->shut |= how & MPNIC_TCP_SHUT_RD;
	if (!(how & MPNIC_TCP_SHUT_WR) || (tcb->shut & MPNIC_TCP_SHUT_WR))
		return;
	tcb->shut |= MPNIC_TCP_SHUT_WR;
	if (tcb->state == MPNIC_TCB_ESTABLISHED)
		next = MPNIC_TCB_FIN_WAIT_1;
	else if (tcb->state == MPNIC_TCB_CLOSE_WAIT)
		next = MPNIC_TCB_LAST_ACK;
	else
		return;
	tcb->fin_queued = true;
	tcb->fin_seq = tcb->snd_una + tcb->snd.len;
	mpnic_tcp_set_state(tcb, next, 0, out);
	out->act |= MPNIC_TCP_ACT_OUTPUT;
}

/**
 * mpnic_tcp_close - the host's close()
 * @tcb: the connection
 * @linger0: SO_LINGER with a zero timeout
 * @out: actions
 *
 * Unread data or @linger0 abort the connection with a RST (RFC 9293
 * 3.10.4, Linux's tcp_close()); otherwise the FIN follows the queued data,
 * and data that arrives afterwards aborts it.
 */
void mpnic_tcp_close(struct mpnic_tcb *tcb, bool linger0, struct mpnic_tcp_out *out)
{
	out->state = tcb->state;
	if (tcb->state == MPNIC_TCB_CLOSED || tcb->state == MPNIC_TCB_TIME_WAIT)
		return;
	tcb->orphan = true;
	if (linger0 || tcb->rcv.len) {
		tcb->rst_now = true;
		tcb->rst_seq = tcb->snd_max;
		tcb->shut = MPNIC_TCP_SHUT_RD | MPNIC_TCP_SHUT_WR;
		mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, 0, out);
		out->act |= MPNIC_TCP_ACT_RST | MPNIC_TCP_ACT_OUTPUT;
		return;
	}
	mpnic_tcp_shutdown(tcb, MPNIC_TCP_SHUT_RD | MPNIC_TCP_SHUT_WR, out);
}

void mpnic_tcp_get_info(const struct mpnic_tcb *tcb, struct mpnic_tcp_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = tcb->state;
	info->backoff = tcb->rtt.backoff;
	info->srtt_us = tcb->rtt.srtt_us;
	info->rttvar_us = tcb->rtt.rttvar_us;
	info->rto_us = mpnic_tcp_rto(&tcb->rtt);
	info->mss = tcb->mss;
	info->cwnd = tcb->cc.cwnd;
	info->ssthresh = tcb->cc.ssthresh;
	info->snd_wnd = tcb->snd_wnd;
	info->rcv_wnd = mpnic_tcp_after(tcb->rcv_adv, tcb->rcv_nxt) ?
			tcb->rcv_adv - tcb->rcv_nxt : 0;
	info->unacked = tcb->snd_max - tcb->snd_una;
	info->retrans = tcb->stats.retrans_segs;
	info->bytes_acked = tcb->stats.bytes_acked;
	info->bytes_received = tcb->stats.bytes_received;
}
