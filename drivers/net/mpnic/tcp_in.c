// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: segment input for the synchronized states, in RFC 9293
 * 3.10.7.4's order, with RFC 7323 (PAWS, timestamps) and RFC 5961 (RST,
 * SYN and ACK checks) where they apply. Every segment ends in one verdict.
 */

#include "parse.h"
#include "tcp.h"

/* Drop with @verdict; @ack_act: none, or the kind of ACK that answers it */
static void mpnic_tcp_drop(struct mpnic_tcb *tcb, struct mpnic_tcp_out *out,
			   enum mpnic_tcp_verdict verdict, u32 ack_act)
{
	out->verdict = verdict;
	if (!ack_act)
		return;
	tcb->ack_now = true;
	out->act |= MPNIC_TCP_ACT_ACK | ack_act;
	if (ack_act & MPNIC_TCP_ACT_CHALLENGE)
		tcb->stats.challenge_acks++;
}

static u32 mpnic_tcp_rcv_wnd(const struct mpnic_tcb *tcb)
{
	return mpnic_tcp_after(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
}

/* RFC 5961 3.2: only a RST at exactly rcv_nxt resets */
static void mpnic_tcp_in_rst(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg,
			     u64 now, struct mpnic_tcp_out *out)
{
	u32 wnd = max_t(u32, mpnic_tcp_rcv_wnd(tcb), 1);

	if (seg->seq != tcb->rcv_nxt) {
		if (seg->seq - tcb->rcv_nxt < wnd)
			mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_RST_CHALLENGE,
				       MPNIC_TCP_ACT_CHALLENGE);
		else
			mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_BLIND_RST, 0);
		return;
	}
	tcb->stats.rst_in++;
	switch (tcb->state) {
	case MPNIC_TCB_CLOSING:
	case MPNIC_TCB_LAST_ACK:
	case MPNIC_TCB_TIME_WAIT:
		/* the application has closed: nobody to tell */
		mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, now, out);
		break;
	default:
		mpnic_tcp_reset(tcb, -ECONNRESET, out);
	}
}

/*
 * The close states' moves (RFC 9293 3.10.7.4): when our FIN is ACKed, and
 * when the peer's FIN arrives in order. A state not listed stays.
 */
static const u8 mpnic_tcp_on_fin_acked[] = {
	[MPNIC_TCB_ESTABLISHED]	= MPNIC_TCB_ESTABLISHED,
	[MPNIC_TCB_FIN_WAIT_1]	= MPNIC_TCB_FIN_WAIT_2,
	[MPNIC_TCB_FIN_WAIT_2]	= MPNIC_TCB_FIN_WAIT_2,
	[MPNIC_TCB_CLOSING]	= MPNIC_TCB_TIME_WAIT,
	[MPNIC_TCB_TIME_WAIT]	= MPNIC_TCB_TIME_WAIT,
	[MPNIC_TCB_CLOSE_WAIT]	= MPNIC_TCB_CLOSE_WAIT,
	[MPNIC_TCB_LAST_ACK]	= MPNIC_TCB_CLOSED,
	[MPNIC_TCB_CLOSED]	= MPNIC_TCB_CLOSED,
};

static const u8 mpnic_tcp_on_fin_rcvd[] = {
	[MPNIC_TCB_ESTABLISHED]	= MPNIC_TCB_CLOSE_WAIT,
	[MPNIC_TCB_FIN_WAIT_1]	= MPNIC_TCB_CLOSING,
	[MPNIC_TCB_FIN_WAIT_2]	= MPNIC_TCB_TIME_WAIT,
	[MPNIC_TCB_CLOSING]	= MPNIC_TCB_CLOSING,
	[MPNIC_TCB_TIME_WAIT]	= MPNIC_TCB_TIME_WAIT,
	[MPNIC_TCB_CLOSE_WAIT]	= MPNIC_TCB_CLOSE_WAIT,
	[MPNIC_TCB_LAST_ACK]	= MPNIC_TCB_LAST_ACK,
	[MPNIC_TCB_CLOSED]	= MPNIC_TCB_CLOSED,
};

/* A close state's move by @next, one of the tables above */
static void mpnic_tcp_close_move(struct mpnic_tcb *tcb, const u8 *next, u64 now,
				 struct mpnic_tcp_out *out)
{
	if (next[tcb->state] != tcb->state)
		mpnic_tcp_set_state(tcb, next[tcb->state], now, out);
}

/* An ACK above snd_una: release, measure, grow cwnd, restart the RTO */
static void mpnic_tcp_ack_new(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg,
			      u64 now, struct mpnic_tcp_out *out)
{
	u32 ack = seg->ack, acked = ack - tcb->snd_una;
	bool fin_acked = tcb->fin_queued && mpnic_tcp_after(ack, tcb->fin_seq);
	u32 data = acked - fin_acked;
	/* as Linux's tcp_is_cwnd_limited(): at least half of cwnd was out */
	bool limited = 2ULL * (tcb->snd_max - tcb->snd_una) >= tcb->cc.cwnd;
	u32 ts;

	/* RFC 7323 4.1: the echo times even a retransmission; else Karn */
	if (tcb->ts_on && seg->has_ts && seg->tsecr) {
		ts = mpnic_tcp_ts_now(tcb, now) - seg->tsecr;
		if (ts < BIT(31) / 1000)
			mpnic_tcp_rtt_sample(&tcb->rtt, ts * 1000);
		tcb->rtt_timing = false;
	} else if (tcb->rtt_timing && mpnic_tcp_after(ack, tcb->rtt_seq)) {
		mpnic_tcp_rtt_sample(&tcb->rtt, (u32)min_t(u64, now - tcb->rtt_start, U32_MAX));
		tcb->rtt_timing = false;
	}
	tcb->rtt.backoff = 0;
	tcb->retries = 0;

	mpnic_tcp_ring_drop(&tcb->snd, data);
	tcb->snd_una = ack;
	if (mpnic_tcp_before(tcb->snd_nxt, ack))
		tcb->snd_nxt = ack;
	/* RFC 6298 5.3: restart for what is still in flight (mpnic_tcp_arm) */
	tcb->rto_at = 0;
	if (mpnic_tcp_cc_ack(&tcb->cc, ack, acked, tcb->snd_max - ack, tcb->mss, limited))
		tcb->rexmit_now = true;
	tcb->stats.bytes_acked += data;
	out->acked += data;
	if (data)
		out->act |= MPNIC_TCP_ACT_WRITABLE;
	if (fin_acked)
		mpnic_tcp_close_move(tcb, mpnic_tcp_on_fin_acked, now, out);
}

/* RFC 5681 2: same ACK, no data, same window, data outstanding */
static bool mpnic_tcp_is_dupack(const struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg,
				u32 wnd)
{
	return seg->ack == tcb->snd_una && !seg->len && !(seg->flags & MPNIC_TH_FIN) &&
	       wnd == tcb->snd_wnd && tcb->snd_max != tcb->snd_una;
}

/* The ACK field, once RFC 5961 5.2 has passed it */
static void mpnic_tcp_in_ack(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg,
			     u64 now, struct mpnic_tcp_out *out)
{
	u32 wnd = mpnic_tcp_wnd_from_wire(seg->wnd, tcb->snd_wscale);
	bool advanced = mpnic_tcp_after(seg->ack, tcb->snd_una);

	tcb->probes = 0;
	/* the peer is there: keepalive counts its silence from now */
	tcb->last_rcv = now;
	tcb->keep_probes = 0;
	if (advanced) {
		mpnic_tcp_ack_new(tcb, seg, now, out);
	} else if (mpnic_tcp_is_dupack(tcb, seg, wnd)) {
		tcb->stats.dupacks_in++;
		if (mpnic_tcp_cc_dupack(&tcb->cc, seg->ack, tcb->snd_max,
					tcb->snd_max - tcb->snd_una, tcb->mss)) {
			tcb->rexmit_now = true;
			tcb->stats.fast_retrans++;
		}
	}
	if (mpnic_tcp_before(seg->ack, tcb->snd_una))
		return;
	/*
	 * RFC 9293 3.10.7.4: only a newer segment, or a newer ACK, moves the
	 * window; and, as Linux's tcp_may_update_window(), any ACK that moved
	 * snd_una: the usable window is counted from snd_una, so an older
	 * segment (the peer's retransmission) that ACKs more would otherwise
	 * slide the old window's right edge past what the peer offered
	 */
	if (advanced || mpnic_tcp_before(tcb->snd_wl1, seg->seq) ||
	    (tcb->snd_wl1 == seg->seq && !mpnic_tcp_before(seg->ack, tcb->snd_wl2))) {
		tcb->snd_wnd = wnd;
		tcb->snd_wl1 = seg->seq;
		tcb->snd_wl2 = seg->ack;
		tcb->max_window = max_t(u32, tcb->max_window, wnd);
	}
}

/* The peer's FIN, in order (RFC 9293 3.10.7.4, eighth) */
static void mpnic_tcp_in_fin(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_out *out)
{
	tcb->rcv_nxt++;
	tcb->ack_now = true;
	out->act |= MPNIC_TCP_ACT_EOF | MPNIC_TCP_ACT_ACK;
	mpnic_tcp_close_move(tcb, mpnic_tcp_on_fin_rcvd, now, out);
}

/*
 * In-order bytes go after the readable ones; later bytes at their offset,
 * recorded in the out-of-order set. A FIN counts only in order: one past a
 * hole is dropped and comes again.
 */
static void mpnic_tcp_in_data(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg,
			      u64 now, struct mpnic_tcp_out *out)
{
	bool fin = seg->flags & MPNIC_TH_FIN;
	const u8 *data = seg->data;
	u32 seq = seg->seq, len = seg->len;
	u32 room, limit, off, nxt;
	bool filled;

	if (tcb->state != MPNIC_TCB_ESTABLISHED && tcb->state != MPNIC_TCB_FIN_WAIT_1 &&
	    tcb->state != MPNIC_TCB_FIN_WAIT_2) {
		/* past the peer's FIN: nothing new can come */
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_AFTER_FIN, MPNIC_TCP_ACT_ACK);
		return;
	}
	if (tcb->orphan && len) {
		/* Linux's TCPAbortOnData: nobody will read it */
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_AFTER_FIN, 0);
		tcb->rst_now = true;
		tcb->rst_seq = tcb->snd_max;
		out->act |= MPNIC_TCP_ACT_RST;
		mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, now, out);
		return;
	}
	if (mpnic_tcp_before(seq, tcb->rcv_nxt)) {
		off = tcb->rcv_nxt - seq;	/* acceptable: off <= len */
		data += off;
		len -= off;
		seq = tcb->rcv_nxt;
	}
	room = mpnic_tcp_ring_space(&tcb->rcv);
	limit = min_t(u32, room, mpnic_tcp_rcv_wnd(tcb));
	off = seq - tcb->rcv_nxt;
	if (off + len > limit) {
		len = limit > off ? limit - off : 0;
		fin = false;
		if (!len) {
			mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_OUT_OF_WINDOW, MPNIC_TCP_ACT_ACK);
			return;
		}
	}
	if (off) {
		if (!len || mpnic_tcp_ooo_insert(&tcb->ooo, seq, seq + len)) {
			mpnic_tcp_drop(tcb, out, len ? MPNIC_TCP_DROP_OOO_FULL : MPNIC_TCP_ACCEPTED,
				       MPNIC_TCP_ACT_DUP_ACK);
			tcb->stats.dupacks_out++;
			return;
		}
		mpnic_tcp_ring_put(&tcb->rcv, tcb->rcv.len + off, data, len);
		tcb->sack_recent = seq;
		tcb->stats.ooo_segs++;
		tcb->stats.dupacks_out++;
		tcb->ack_now = true;
		out->act |= MPNIC_TCP_ACT_ACK | MPNIC_TCP_ACT_DUP_ACK;
		return;
	}
	if (len) {
		mpnic_tcp_ring_put(&tcb->rcv, tcb->rcv.len, data, len);
		nxt = tcb->rcv_nxt + len;
		filled = tcb->ooo.n && !mpnic_tcp_after(tcb->ooo.r[0].start, nxt);
		nxt = mpnic_tcp_ooo_advance(&tcb->ooo, nxt);
		/* a FIN in the middle of data already here is not the end */
		fin &= nxt == seq + len;
		len = nxt - tcb->rcv_nxt;
		tcb->rcv.len += len;
		tcb->rcv_nxt = nxt;
		tcb->stats.bytes_received += len;
		out->readable += len;
		out->act |= MPNIC_TCP_ACT_READABLE;
		tcb->rcv_mss = max_t(u32, tcb->rcv_mss, min_t(u32, seg->len, U16_MAX));
		tcb->rcv_unacked += len;
		/* ACK every second full segment, and at once when a hole fills */
		if (filled || tcb->rcv_unacked >= 2 * tcb->rcv_mss) {
			tcb->ack_now = true;
			out->act |= MPNIC_TCP_ACT_ACK;
		} else if (!tcb->dack_at) {
			tcb->dack_at = now + tcb->dack_us;
		}
	}
	if (fin)
		mpnic_tcp_in_fin(tcb, now, out);
}

static void mpnic_tcp_in(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg, u64 now,
			 struct mpnic_tcp_out *out)
{
	u32 seg_len = seg->len + !!(seg->flags & MPNIC_TH_FIN);
	bool rst = seg->flags & MPNIC_TH_RST;

	if (tcb->state == MPNIC_TCB_CLOSED) {
		/* RFC 9293 3.10.7.1: a RST where the peer's ACK says it expects one */
		out->verdict = MPNIC_TCP_DROP_CLOSED;
		if (!rst && (seg->flags & MPNIC_TH_ACK)) {
			tcb->rst_now = true;
			tcb->rst_seq = seg->ack;
			out->act |= MPNIC_TCP_ACT_RST;
		}
		return;
	}
	/* RFC 7323 5.3 R1 */
	if (tcb->ts_on && seg->has_ts && !rst && mpnic_tcp_before(seg->tsval, tcb->ts_recent)) {
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_PAWS, MPNIC_TCP_ACT_DUP_ACK);
		return;
	}
	if (rst) {
		mpnic_tcp_in_rst(tcb, seg, now, out);
		return;
	}
	/* RFC 5961 4.2: whatever its sequence number */
	if (seg->flags & MPNIC_TH_SYN) {
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_SYN, MPNIC_TCP_ACT_CHALLENGE);
		return;
	}
	/* a bare FIN at rcv_nxt passes a zero window too, as in Linux */
	if (!mpnic_tcp_acceptable(tcb->rcv_nxt, mpnic_tcp_rcv_wnd(tcb), seg->seq, seg_len) &&
	    (seg->len || seg->seq != tcb->rcv_nxt)) {
		/* RFC 9293 3.10.7.4: TIME_WAIT's one visitor, the FIN again */
		if (tcb->state == MPNIC_TCB_TIME_WAIT && (seg->flags & MPNIC_TH_FIN))
			tcb->time_wait_at = now + tcb->time_wait_us;
		if (seg_len && !mpnic_tcp_after(seg->seq + seg_len, tcb->rcv_nxt))
			mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_OLD_DUP, MPNIC_TCP_ACT_DUP_ACK);
		else
			mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_OUT_OF_WINDOW,
				       MPNIC_TCP_ACT_DUP_ACK);
		return;
	}
	if (!(seg->flags & MPNIC_TH_ACK)) {
		out->verdict = MPNIC_TCP_DROP_NO_ACK;
		return;
	}
	/* RFC 5961 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT (snd_max here) */
	if (mpnic_tcp_after(seg->ack, tcb->snd_max)) {
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_ACK_UNSENT, MPNIC_TCP_ACT_CHALLENGE);
		return;
	}
	if (mpnic_tcp_before(seg->ack, tcb->snd_una - tcb->max_window)) {
		mpnic_tcp_drop(tcb, out, MPNIC_TCP_DROP_BLIND_DATA, MPNIC_TCP_ACT_CHALLENGE);
		return;
	}
	/* RFC 7323 4.3: the TSval of the segment our last ACK asked for */
	if (tcb->ts_on && seg->has_ts && !mpnic_tcp_after(seg->seq, tcb->last_ack_sent))
		tcb->ts_recent = seg->tsval;
	mpnic_tcp_in_ack(tcb, seg, now, out);
	if (tcb->state == MPNIC_TCB_CLOSED)
		return;
	if (seg_len)
		mpnic_tcp_in_data(tcb, seg, now, out);
}

/**
 * mpnic_tcp_input - one received segment
 * @tcb: its connection
 * @seg: the segment, parsed; its checksum already checked
 * @now: the clock
 * @out: filled: the verdict, and what the caller must do
 */
void mpnic_tcp_input(struct mpnic_tcb *tcb, const struct mpnic_tcp_seg *seg, u64 now,
		     struct mpnic_tcp_out *out)
{
	memset(out, 0, sizeof(*out));
	tcb->stats.segs_in++;
	mpnic_tcp_in(tcb, seg, now, out);
	tcb->stats.verdict[out->verdict]++;
	mpnic_tcp_arm(tcb, now);
	if (tcb->ack_now || tcb->rexmit_now || tcb->rst_now || mpnic_tcp_unsent(tcb) ||
	    (tcb->fin_queued && !mpnic_tcp_after(tcb->snd_nxt, tcb->fin_seq)))
		out->act |= MPNIC_TCP_ACT_OUTPUT;
	out->state = tcb->state;
}
