// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: what to send next, the window to advertise, and the
 * timers (RTO, delayed ACK, persist, TIME_WAIT).
 */

#include "parse.h"
#include "tcp.h"

/**
 * mpnic_tcp_rcv_window - the window the next segment advertises, in bytes
 * @tcb: the connection
 *
 * The free receive space past rcv_nxt, but the right edge moves only by
 * min(half the buffer, one segment) at a time (RFC 9293 3.8.6.2.2,
 * receiver SWS avoidance) and does not move left: where the scale's
 * rounding would pull it back, the old edge is rounded up (as Linux's
 * tcp_select_window()), unless card memory ends before that; then it
 * retracts by less than the scale's unit (RFC 7323 Appendix F), so that
 * a full buffer can advertise a zero window. rcv_adv keeps the furthest
 * edge (memory exists up to it): data the sender sent before it saw the
 * retraction is still taken.
 */
u32 mpnic_tcp_rcv_window(const struct mpnic_tcb *tcb)
{
	u32 mask = BIT(tcb->rcv_wscale) - 1;
	u32 cur = mpnic_tcp_after(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
	u32 free = min_t(u32, mpnic_tcp_ring_space(&tcb->rcv), mpnic_tcp_wnd_max(tcb->rcv_wscale));
	u32 step = min_t(u32, tcb->rcv.size / 2, tcb->rcv_mss);
	u32 win = cur;

	if (free > cur && free - cur >= step)
		win = free & ~mask;
	win = max_t(u32, win, cur);
	/* the field carries multiples of the scale: up, where memory allows */
	if (((win + mask) & ~mask) <= mpnic_tcp_ring_space(&tcb->rcv))
		return (win + mask) & ~mask;
	return win & ~mask;
}

/*
 * RFC 2018 4: the out-of-order ranges as SACK blocks, the one holding the
 * most recent segment first, then the others from rcv_nxt up. Only on a
 * segment without payload: the MSS leaves no room for them beside data
 * (Linux shrinks the segment instead); the duplicate ACKs that
 * out-of-order data draws carry them.
 */
static void mpnic_tcp_out_sack(const struct mpnic_tcb *tcb, struct mpnic_tcp_seg_out *seg)
{
	u32 max = tcb->ts_on ? MPNIC_TCP_SACK_MAX - 1 : MPNIC_TCP_SACK_MAX;
	u32 i, first = tcb->ooo.n;

	seg->nsack = 0;
	if (!tcb->sack_ok || seg->len || (seg->flags & (MPNIC_TH_SYN | MPNIC_TH_RST)))
		return;
	for (i = 0; i < tcb->ooo.n; i++) {
		if (!mpnic_tcp_before(tcb->sack_recent, tcb->ooo.r[i].start) &&
		    mpnic_tcp_before(tcb->sack_recent, tcb->ooo.r[i].end)) {
			first = i;
			seg->sack[seg->nsack++] = tcb->ooo.r[i];
			break;
		}
	}
	for (i = 0; i < tcb->ooo.n && seg->nsack < max; i++)
		if (i != first)
			seg->sack[seg->nsack++] = tcb->ooo.r[i];
}

/* Fields every segment carries: ACK, window, timestamps; SACK blocks */
static void mpnic_tcp_out_fill(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg)
{
	u32 win = mpnic_tcp_rcv_window(tcb);

	seg->flags |= MPNIC_TH_ACK;
	seg->ack = tcb->rcv_nxt;
	seg->wnd = mpnic_tcp_wnd_to_wire(win, tcb->rcv_wscale);
	/* input accepts up to the furthest edge ever advertised */
	tcb->rcv_adv = mpnic_tcp_seq_max(tcb->rcv_adv, tcb->rcv_nxt + win);
	if (tcb->ts_on) {
		seg->has_ts = true;
		seg->tsval = mpnic_tcp_ts_now(tcb, now);
		seg->tsecr = tcb->ts_recent;
	}
	mpnic_tcp_out_sack(tcb, seg);
	tcb->last_ack_sent = tcb->rcv_nxt;
	tcb->ack_now = false;
	tcb->dack_at = 0;
	tcb->rcv_unacked = 0;
	tcb->stats.segs_out++;
}

/* A segment of the send ring from @from: new, or sent before */
static void mpnic_tcp_out_data(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg,
			       u32 from, u32 len, bool fin)
{
	u32 end = from + len + fin;

	seg->seq = from;
	seg->off = from - tcb->snd_una;
	seg->len = len;
	if (fin)
		seg->flags |= MPNIC_TH_FIN;
	if (len && seg->off + len == tcb->snd.len)
		seg->flags |= MPNIC_TH_PSH;
	seg->retransmit = mpnic_tcp_before(from, tcb->snd_max);
	if (seg->retransmit) {
		tcb->stats.retrans_segs++;
		/* Karn: a retransmitted range can no longer be timed */
		tcb->rtt_timing = false;
	} else if (len && !tcb->rtt_timing) {
		tcb->rtt_timing = true;
		tcb->rtt_seq = from;
		tcb->rtt_start = now;
	}
	if (mpnic_tcp_after(end, tcb->snd_max)) {
		tcb->stats.bytes_sent += end - mpnic_tcp_seq_max(from, tcb->snd_max) - fin;
		tcb->snd_max = end;
	}
	if (mpnic_tcp_after(end, tcb->snd_nxt))
		tcb->snd_nxt = end;
	if (len < tcb->mss)
		tcb->snd_sml = end;
	mpnic_tcp_out_fill(tcb, now, seg);
}

/* The FIN has not gone out, or must go again */
static bool mpnic_tcp_fin_due(const struct mpnic_tcb *tcb)
{
	return tcb->fin_queued && !mpnic_tcp_after(tcb->snd_nxt, tcb->fin_seq);
}

/* Fast retransmit, partial ACK: one segment from snd_una, outside cwnd */
static bool mpnic_tcp_out_rexmit(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg)
{
	u32 len = min_t(u32, tcb->snd.len, tcb->mss);
	bool fin = tcb->fin_queued && tcb->snd_una + len == tcb->fin_seq &&
		   mpnic_tcp_after(tcb->snd_max, tcb->fin_seq);

	tcb->rexmit_now = false;
	if (!len && !fin)
		return false;
	mpnic_tcp_out_data(tcb, now, seg, tcb->snd_una, len, fin);
	return true;
}

/*
 * Data from snd_nxt within the peer's window and cwnd, cut at the MSS.
 * A short segment waits, unless it carries the FIN: while the window
 * limits it, for half the peer's largest window (RFC 9293 3.8.6.2.1,
 * sender SWS avoidance) unless nothing is in flight; when it is all the
 * queued data, for TCP_CORK, and for Nagle (RFC 9293 3.7.4; Minshall's
 * variant when set) unless TCP_NODELAY.
 */
static bool mpnic_tcp_out_new(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg)
{
	u32 unsent = mpnic_tcp_unsent(tcb), in_flight = tcb->snd_nxt - tcb->snd_una;
	u32 wnd = min_t(u32, tcb->snd_wnd, tcb->cc.cwnd);
	u32 len = min_t(u32, unsent, tcb->mss);
	bool fin, nagle;

	if (!unsent && !mpnic_tcp_fin_due(tcb))
		return false;
	len = min_t(u32, len, wnd > in_flight ? wnd - in_flight : 0);
	fin = mpnic_tcp_fin_due(tcb) && len == unsent;
	if (!len && !fin)
		return false;
	if (len < tcb->mss && !fin) {
		if (len < unsent) {
			if (len < tcb->max_window / 2 && in_flight)
				return false;
		} else {
			nagle = tcb->minshall ? mpnic_tcp_after(tcb->snd_sml, tcb->snd_una) :
				in_flight;
			if (tcb->cork || (!tcb->nodelay && nagle))
				return false;
		}
	}
	mpnic_tcp_out_data(tcb, now, seg, tcb->snd_nxt, len, fin);
	return true;
}

/**
 * mpnic_tcp_output - the next segment to send, if any
 * @tcb: the connection
 * @now: the clock
 * @seg: filled when the return is true
 *
 * Call until it returns false. In turn: a RST, a retransmission from
 * snd_una, new data (and the FIN), a zero-window probe, a pure ACK.
 *
 * Return: whether @seg is to be sent.
 */
bool mpnic_tcp_output(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *seg)
{
	bool sent = false;

	memset(seg, 0, sizeof(*seg));
	if (tcb->rst_now) {
		tcb->rst_now = false;
		seg->seq = tcb->rst_seq;
		seg->flags = MPNIC_TH_RST;
		mpnic_tcp_out_fill(tcb, now, seg);
		tcb->stats.rst_out++;
		return true;
	}
	if (tcb->state == MPNIC_TCB_CLOSED)
		return false;
	if (tcb->rexmit_now)
		sent = mpnic_tcp_out_rexmit(tcb, now, seg);
	if (!sent)
		sent = mpnic_tcp_out_new(tcb, now, seg);
	if (!sent && (tcb->probe_now || tcb->keep_now)) {
		/* Linux's probe: an old sequence number draws an ACK with the window */
		seg->seq = tcb->snd_una - 1;
		mpnic_tcp_out_fill(tcb, now, seg);
		if (tcb->probe_now)
			tcb->stats.zwp_sent++;
		else
			tcb->stats.keepalive_probes++;
		sent = true;
	} else if (!sent && tcb->ack_now) {
		/* snd_max: after an RTO, snd_nxt lies below what the peer holds */
		seg->seq = tcb->snd_max;
		mpnic_tcp_out_fill(tcb, now, seg);
		sent = true;
	}
	tcb->probe_now = false;
	tcb->keep_now = false;
	/* after a write too: data the window holds back needs the persist timer */
	mpnic_tcp_arm(tcb, now);
	return sent;
}

/**
 * mpnic_tcp_arm - set the RTO and persist timers from the send state
 * @tcb: the connection
 * @now: the clock
 *
 * Data in flight: the RTO runs (a running one is kept: RFC 6298 5.1),
 * persist stops. Nothing in flight but data the window holds back: the
 * persist timer runs. Neither in TIME_WAIT and CLOSED.
 */
void mpnic_tcp_arm(struct mpnic_tcb *tcb, u64 now)
{
	if (tcb->state == MPNIC_TCB_TIME_WAIT || tcb->state == MPNIC_TCB_CLOSED) {
		tcb->rto_at = 0;
		tcb->persist_at = 0;
		tcb->keep_at = 0;
		return;
	}
	if (tcb->snd_max != tcb->snd_una) {
		tcb->persist_at = 0;
		if (!tcb->rto_at)
			tcb->rto_at = now + mpnic_tcp_rto(&tcb->rtt);
		return;
	}
	tcb->rto_at = 0;
	if (!tcb->snd_wnd && mpnic_tcp_unsent(tcb)) {
		if (!tcb->persist_at)
			tcb->persist_at = now + mpnic_tcp_rto(&tcb->rtt);
	} else {
		tcb->persist_at = 0;
	}
}

/* RFC 6298 5.4-5.6 and RFC 5681: back off, one segment, go back to snd_una */
static void mpnic_tcp_rto_fire(struct mpnic_tcb *tcb, struct mpnic_tcp_out *out)
{
	u32 flight = tcb->snd_max - tcb->snd_una;

	if (!flight)
		return;
	/*
	 * A zero window with data out: the peer shrank its window and dropped
	 * it. Probe instead, and give up only as the persist timer does, on
	 * probes no ACK answers (Linux's tcp_retransmit_timer() alike).
	 */
	if (tcb->snd_wnd ? ++tcb->retries > MPNIC_TCP_RETRIES_MAX :
			   ++tcb->probes > MPNIC_TCP_RETRIES_MAX) {
		mpnic_tcp_reset(tcb, -ETIMEDOUT, out);
		return;
	}
	tcb->probe_now = !tcb->snd_wnd;
	tcb->stats.rto_expiries++;
	mpnic_tcp_cc_rto(&tcb->cc, tcb->snd_max, flight, tcb->mss);
	mpnic_tcp_rto_backoff(&tcb->rtt);
	tcb->rtt_timing = false;
	tcb->rexmit_now = false;
	tcb->snd_nxt = tcb->snd_una;
	out->act |= MPNIC_TCP_ACT_OUTPUT;
}

/* The persist timer: probe, back off; give up as the RTO does */
static void mpnic_tcp_persist_fire(struct mpnic_tcb *tcb, struct mpnic_tcp_out *out)
{
	if (++tcb->probes > MPNIC_TCP_RETRIES_MAX) {
		mpnic_tcp_reset(tcb, -ETIMEDOUT, out);
		return;
	}
	tcb->probe_now = true;
	mpnic_tcp_rto_backoff(&tcb->rtt);
	out->act |= MPNIC_TCP_ACT_OUTPUT;
}

/*
 * The keepalive timer (Linux's tcp_keepalive_timer()): data in flight or
 * held back is the RTO's and the persist timer's to watch; otherwise,
 * once the peer has been silent for the idle time, a probe per interval,
 * and the connection ends when cnt of them went unanswered.
 */
static void mpnic_tcp_keep_fire(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_out *out)
{
	if (!tcb->keep.on || (tcb->state != MPNIC_TCB_ESTABLISHED &&
			      tcb->state != MPNIC_TCB_CLOSE_WAIT))
		return;
	if (tcb->snd_max != tcb->snd_una || mpnic_tcp_unsent(tcb)) {
		tcb->keep_at = now + tcb->keep.idle_us;
		return;
	}
	if (now < tcb->last_rcv + tcb->keep.idle_us) {
		tcb->keep_at = tcb->last_rcv + tcb->keep.idle_us;
		return;
	}
	if (tcb->keep_probes >= tcb->keep.cnt) {
		mpnic_tcp_reset(tcb, -ETIMEDOUT, out);
		return;
	}
	tcb->keep_probes++;
	tcb->keep_now = true;
	tcb->keep_at = now + tcb->keep.intvl_us;
	out->act |= MPNIC_TCP_ACT_OUTPUT;
}

/**
 * mpnic_tcp_timer - run the timers that are due
 * @tcb: the connection
 * @now: the clock
 * @out: what the caller must do
 */
void mpnic_tcp_timer(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_out *out)
{
	memset(out, 0, sizeof(*out));
	if (tcb->time_wait_at && now >= tcb->time_wait_at)
		mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, now, out);
	if (tcb->rto_at && now >= tcb->rto_at) {
		tcb->rto_at = 0;
		mpnic_tcp_rto_fire(tcb, out);
	}
	if (tcb->persist_at && now >= tcb->persist_at) {
		tcb->persist_at = 0;
		mpnic_tcp_persist_fire(tcb, out);
	}
	if (tcb->dack_at && now >= tcb->dack_at) {
		tcb->dack_at = 0;
		tcb->ack_now = true;
		out->act |= MPNIC_TCP_ACT_ACK | MPNIC_TCP_ACT_OUTPUT;
	}
	if (tcb->keep_at && now >= tcb->keep_at) {
		tcb->keep_at = 0;
		mpnic_tcp_keep_fire(tcb, now, out);
	}
	mpnic_tcp_arm(tcb, now);
	out->state = tcb->state;
}

static u64 mpnic_tcp_earlier(u64 a, u64 b)
{
	return a && (!b || a < b) ? a : b;
}

/* The earliest timer, in us of the clock; 0: none runs */
u64 mpnic_tcp_next_deadline(const struct mpnic_tcb *tcb)
{
	u64 next = mpnic_tcp_earlier(tcb->rto_at, tcb->dack_at);

	next = mpnic_tcp_earlier(next, tcb->persist_at);
	next = mpnic_tcp_earlier(next, tcb->keep_at);
	return mpnic_tcp_earlier(next, tcb->time_wait_at);
}
