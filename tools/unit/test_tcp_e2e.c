// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP end to end: two connections joined by a simulated link
 * (seeded loss, reordering, duplication, delay; a simulated clock) move a
 * few MiB each way with random write and read sizes, then close. Every
 * byte is compared, the counters must move as the impairment implies, and
 * both ends must reach TIME_WAIT or CLOSED, then CLOSED.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/parse.h"
#include "../../drivers/net/mpnic/tcp.h"

#define MSS		1448u
#define BUF		(256u * 1024)
#define QMAX		8192
#define T0		1000000ull
#define TICK		1000u		/* the applications act every ms */
#define STEPS_MAX	4000000u

struct link {
	u32 loss;		/* per 10000 */
	u32 dup;
	u32 reorder;		/* of those, delayed 1-10 ms more */
	u32 delay_us;		/* one way */
	u32 jitter_us;
};

struct pkt {
	u64 at;
	int to;
	struct mpnic_tcp_seg seg;
	u8 data[MSS];
};

struct side {
	struct mpnic_tcb tcb;
	u8 sbuf[BUF];
	u8 rbuf[BUF];
	u8 *src;		/* what this side writes */
	u8 *dst;		/* what it has read */
	u32 len;		/* bytes each way */
	u32 written;
	u32 got;
	bool eof;
	bool shut;
	bool slow;		/* the reader stalls now and then: zero windows */
	int err;
};

static struct pkt *q[QMAX];
static u32 qn, lost, duplicated;
/* each side's advertised right edge, and segments that broke a window */
static u32 right_edge[2], shrunk, overrun, bad_sack, sack_blocks;
static u64 rnd_state;

static u32 rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (u32)(rnd_state >> 33);
}

static u32 fnv(const u8 *p, u32 n)
{
	u32 h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Sorted by arrival time; equal times keep their sending order */
static void enqueue(struct pkt *p)
{
	u32 i = qn;

	while (i && q[i - 1]->at > p->at) {
		q[i] = q[i - 1];
		i--;
	}
	q[i] = p;
	qn++;
}

static void send_pkt(struct side *s, int to, const struct mpnic_tcp_seg_out *o, u64 now,
		     const struct link *l)
{
	int copies = 1, i;
	struct pkt *p;

	if (rnd() % 10000 < l->loss) {
		lost++;
		return;
	}
	if (rnd() % 10000 < l->dup) {
		copies = 2;
		duplicated++;
	}
	for (i = 0; i < copies && qn < QMAX; i++) {
		p = calloc(1, sizeof(*p));
		if (!p)
			abort();
		p->to = to;
		p->at = now + l->delay_us + (l->jitter_us ? rnd() % l->jitter_us : 0);
		if (rnd() % 10000 < l->reorder)
			p->at += 1000 + rnd() % 9000;
		p->seg.seq = o->seq;
		p->seg.ack = o->ack;
		p->seg.wnd = o->wnd;
		p->seg.flags = o->flags;
		p->seg.has_ts = o->has_ts;
		p->seg.tsval = o->tsval;
		p->seg.tsecr = o->tsecr;
		p->seg.len = o->len;
		if (o->len > MSS)
			abort();
		mpnic_tcp_ring_get(&s->tcb.snd, o->off, p->data, o->len);
		p->seg.data = p->data;
		enqueue(p);
	}
}

/*
 * The window does not shrink (RFC 9293 3.8.6) but by less than the scale's
 * unit (RFC 7323 Appendix F); data stays within the peer's largest edge.
 */
static void check_windows(const struct side *s, int me, const struct mpnic_tcp_seg_out *o)
{
	u32 right = o->ack + ((u32)o->wnd << s->tcb.rcv_wscale);
	u32 i;

	if (o->flags & MPNIC_TH_RST)
		return;
	if (mpnic_tcp_before(right + BIT(s->tcb.rcv_wscale) - 1, right_edge[me]))
		shrunk++;
	right_edge[me] = mpnic_tcp_seq_max(right, right_edge[me]);
	/* RFC 2018: blocks past the ACK, inside what was offered, not empty */
	sack_blocks += o->nsack;
	for (i = 0; i < o->nsack; i++)
		if (!mpnic_tcp_after(o->sack[i].start, o->ack) ||
		    !mpnic_tcp_after(o->sack[i].end, o->sack[i].start) ||
		    mpnic_tcp_after(o->sack[i].end, right_edge[me]))
			bad_sack++;
	if (mpnic_tcp_after(o->seq + o->len, right_edge[!me]))
		overrun++;
}

static void flush(struct side *sd, int me, u64 now, const struct link *l)
{
	struct mpnic_tcp_seg_out o;
	u32 n = 0;

	while (n++ < 100000 && mpnic_tcp_output(&sd[me].tcb, now, &o)) {
		check_windows(&sd[me], me, &o);
		send_pkt(&sd[me], !me, &o, now, l);
	}
}

static void note(struct side *s, const struct mpnic_tcp_out *o)
{
	if (o->act & MPNIC_TCP_ACT_EOF)
		s->eof = true;
	if (o->act & MPNIC_TCP_ACT_RESET)
		s->err = o->err;
}

/* The application: read some, write some, shut down when all is written */
static void app(struct side *s, u64 now)
{
	struct mpnic_tcp_out o;
	u32 n;
	int w;

	if (s->err)
		return;
	if (s->tcb.rcv.len && (!s->slow || (now - T0) / 400000 % 2 == 0)) {
		n = min_t(u32, s->tcb.rcv.len, 1 + rnd() % (s->slow ? 8192 : 65536));
		if (s->got + n > s->len)
			abort();
		mpnic_tcp_ring_get(&s->tcb.rcv, 0, s->dst + s->got, n);
		s->got += n;
		mpnic_tcp_consumed(&s->tcb, n);
	}
	if (s->written < s->len) {
		n = min_t(u32, s->len - s->written, 1 + rnd() % 40000);
		w = mpnic_tcp_write(&s->tcb, s->src + s->written, n);
		if (w > 0)
			s->written += w;
	} else if (!s->shut) {
		mpnic_tcp_shutdown(&s->tcb, MPNIC_TCP_SHUT_WR, &o);
		s->shut = true;
	}
}

static u64 earlier(u64 a, u64 b)
{
	return a && (!b || a < b) ? a : b;
}

static bool done(const struct side *sd)
{
	int i;

	for (i = 0; i < 2; i++)
		if (sd[i].err || !sd[i].eof || sd[i].got != sd[i].len || !sd[i].shut ||
		    (sd[i].tcb.state != MPNIC_TCB_TIME_WAIT && sd[i].tcb.state != MPNIC_TCB_CLOSED))
			return sd[i].err != 0;
	return true;
}

static void pair(struct side *sd, bool ts, u8 wscale, u32 len)
{
	const u32 isn[2] = { 0xfff00000u, 0x7ffff000u };	/* both wrap, or nearly */
	struct mpnic_tcp_handoff h;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&h, 0, sizeof(h));
		h.snd_una = isn[i];
		h.snd_nxt = isn[i];
		h.snd_wl1 = isn[!i];
		h.snd_wl2 = isn[i];
		h.rcv_nxt = isn[!i];
		h.snd_wnd = 65535;
		h.max_window = 65535;
		h.rcv_wnd = 65535;
		h.mss = MSS;
		h.snd_wscale = wscale;
		h.rcv_wscale = wscale;
		h.ts_on = ts;
		h.sack_ok = true;
		h.ts_offset = 1000 * (u32)i + 3;
		h.ts_recent = (u32)(T0 / 1000) + 1000 * (u32)!i + 3;
		if (mpnic_tcp_init(&sd[i].tcb, &h, sd[i].sbuf, BUF, sd[i].rbuf, BUF, T0))
			abort();
		sd[i].len = len;
		sd[i].src = malloc(len);
		sd[i].dst = malloc(len);
		if (!sd[i].src || !sd[i].dst)
			abort();
	}
	for (i = 0; i < 2; i++) {
		u32 k;

		for (k = 0; k < len; k++)
			sd[i].src[k] = rnd() >> 7;
	}
}

/* Returns the simulated time it took, 0 when it did not finish */
static u64 run(struct side *sd, const struct link *l)
{
	struct mpnic_tcp_out o;
	u64 now = T0, next_app = T0, next;
	u32 step;
	int k;

	for (step = 0; step < STEPS_MAX; step++) {
		if (now >= next_app) {
			for (k = 0; k < 2; k++) {
				app(&sd[k], now);
				flush(sd, k, now, l);
			}
			next_app = now + TICK;
		}
		while (qn && q[0]->at <= now) {
			struct pkt *p = q[0];

			memmove(q, q + 1, --qn * sizeof(q[0]));
			mpnic_tcp_input(&sd[p->to].tcb, &p->seg, now, &o);
			note(&sd[p->to], &o);
			flush(sd, p->to, now, l);
			free(p);
		}
		for (k = 0; k < 2; k++) {
			next = mpnic_tcp_next_deadline(&sd[k].tcb);
			if (next && next <= now) {
				mpnic_tcp_timer(&sd[k].tcb, now, &o);
				note(&sd[k], &o);
				flush(sd, k, now, l);
			}
		}
		if (done(sd))
			return now - T0;
		next = qn ? earlier(q[0]->at, next_app) : next_app;
		for (k = 0; k < 2; k++)
			next = earlier(mpnic_tcp_next_deadline(&sd[k].tcb), next);
		now = next > now ? next : now;
	}
	return 0;
}

static void drain_queue(void)
{
	while (qn)
		free(q[--qn]);
}

static void scenario(const char *name, const struct link *l, bool ts, u8 wscale, u32 len,
		     bool slow, u32 max_s, u64 seed)
{
	static struct side sd[2];
	struct mpnic_tcp_out o;
	u64 took, t;
	int i, ok_bytes = 1;

	memset(sd, 0, sizeof(sd));
	rnd_state = seed;
	lost = 0;
	duplicated = 0;
	shrunk = 0;
	overrun = 0;
	bad_sack = 0;
	sack_blocks = 0;
	pair(sd, ts, wscale, len);
	for (i = 0; i < 2; i++)
		right_edge[i] = sd[i].tcb.rcv_adv;
	sd[1].slow = slow;
	took = run(sd, l);
	for (i = 0; i < 2; i++)
		ok_bytes &= sd[!i].got == len && !memcmp(sd[!i].dst, sd[i].src, len) &&
			    fnv(sd[!i].dst, len) == fnv(sd[i].src, len);
	UNIT_OK(took && ok_bytes && !sd[0].err && !sd[1].err,
		"e2e %s: %u KiB each way intact, closed (%.1f s simulated, lost %u, dup %u)",
		name, len / 1024, took / 1e6, lost, duplicated);
	UNIT_OK(!shrunk && !overrun, "e2e %s: no window shrunk (%u), none overrun (%u)", name,
		shrunk, overrun);
	UNIT_OK(!bad_sack, "e2e %s: every SACK block past the ACK, in the window (%u not)", name,
		bad_sack);
	if (l->loss || l->reorder)
		UNIT_OK(sack_blocks, "e2e %s: holes: duplicate ACKs carried %u SACK blocks", name,
			sack_blocks);
	/* about twice the slowest of 60 seeds */
	UNIT_OK(took && took <= max_s * 1000000ull, "e2e %s: done within %u s", name, max_s);
	UNIT_OK(sd[0].tcb.state == MPNIC_TCB_TIME_WAIT || sd[1].tcb.state == MPNIC_TCB_TIME_WAIT,
		"e2e %s: an active closer holds TIME_WAIT (%d, %d)", name, sd[0].tcb.state,
		sd[1].tcb.state);
	t = T0 + took;
	for (i = 0; i < 2; i++) {
		t += 61000000;
		mpnic_tcp_timer(&sd[i].tcb, t, &o);
	}
	UNIT_OK(sd[0].tcb.state == MPNIC_TCB_CLOSED && sd[1].tcb.state == MPNIC_TCB_CLOSED,
		"e2e %s: after 2 MSL both are CLOSED", name);

	for (i = 0; i < 2; i++) {
		const struct mpnic_tcp_stats *st = &sd[i].tcb.stats;
		struct mpnic_tcp_info info;
		u64 drops = 0;
		int v;

		for (v = 1; v < MPNIC_TCP_VERDICT_COUNT; v++)
			drops += st->verdict[v];
		mpnic_tcp_get_info(&sd[i].tcb, &info);
		printf("# %s side %d: segs in %lu out %lu, rexmit %lu (fast %lu, rto %lu), ooo %lu, dupacks in %lu out %lu, zwp %lu, drops %lu, srtt %u us, cwnd %u\n",
		       name, i, (unsigned long)st->segs_in, (unsigned long)st->segs_out,
		       (unsigned long)st->retrans_segs, (unsigned long)st->fast_retrans,
		       (unsigned long)st->rto_expiries, (unsigned long)st->ooo_segs,
		       (unsigned long)st->dupacks_in, (unsigned long)st->dupacks_out,
		       (unsigned long)st->zwp_sent, (unsigned long)drops, info.srtt_us, info.cwnd);
		UNIT_OK(st->segs_in == st->verdict[MPNIC_TCP_ACCEPTED] + drops &&
			st->bytes_received == len && st->bytes_acked == len && st->bytes_sent == len,
			"e2e %s side %d: verdicts add up; bytes received, sent, ACKed = %u",
			name, i, len);
		/* the peer's zero-window probes are out of window by design */
		if (!l->loss && !l->dup && !l->reorder && !l->jitter_us)
			UNIT_OK(!st->retrans_segs && !st->ooo_segs &&
				drops == st->verdict[MPNIC_TCP_DROP_OUT_OF_WINDOW] &&
				drops == sd[!i].tcb.stats.zwp_sent,
				"e2e %s side %d: a clean link: no retransmission, no ooo, no drop but probes",
				name, i);
		if (l->loss)
			UNIT_OK(st->retrans_segs && st->fast_retrans,
				"e2e %s side %d: loss: retransmissions, fast ones among them", name, i);
		/* the worst of 60 seeds retransmitted 9.5% (25% reordering) */
		UNIT_OK(st->retrans_segs * MSS <= len / 5,
			"e2e %s side %d: %lu retransmissions, at most 20%% of the segments",
			name, i, (unsigned long)st->retrans_segs);
		if (l->reorder || l->loss)
			UNIT_OK(sd[!i].tcb.stats.ooo_segs && st->dupacks_in,
				"e2e %s side %d: holes: the peer queued ooo data, dup ACKs came back",
				name, i);
		if (l->dup)
			UNIT_OK(sd[!i].tcb.stats.verdict[MPNIC_TCP_DROP_OLD_DUP],
				"e2e %s side %d: duplicates: the peer dropped old duplicates", name, i);
		/* delayed ACKs add up to 40 ms; under loss, RFC 7323's echo of the
		 * oldest unACKed TSval adds a recovery's length
		 */
		if (ts && l->delay_us)
			UNIT_OK(info.srtt_us >= 2 * l->delay_us - 1000 &&
				info.srtt_us < 2 * l->delay_us + 40000 + (l->loss ? 200000 : 0),
				"e2e %s side %d: srtt %u us near the %u us RTT", name, i,
				info.srtt_us, 2 * l->delay_us);
	}
	/* under loss the sender is held by cwnd, and may never see a zero window */
	if (slow && !l->loss)
		UNIT_OK(sd[0].tcb.stats.zwp_sent && sd[1].tcb.stats.verdict[MPNIC_TCP_ACCEPTED],
			"e2e %s: a stalled reader: the sender probed its zero window", name);
	drain_queue();
	for (i = 0; i < 2; i++) {
		free(sd[i].src);
		free(sd[i].dst);
	}
}

int main(void)
{
	const struct link clean = { .delay_us = 5000 };
	const struct link lossy = { .loss = 200, .delay_us = 5000, .jitter_us = 500 };
	const struct link heavy = { .loss = 500, .delay_us = 2000 };
	const struct link reord = { .reorder = 2500, .delay_us = 20000, .jitter_us = 5000 };
	const struct link dupl = { .dup = 100, .loss = 100, .delay_us = 3000 };

	scenario("clean", &clean, true, 7, 3u << 20, false, 1, 1);
	scenario("loss 2%", &lossy, true, 7, 3u << 20, false, 25, 2);
	scenario("loss 5%, no TS, no wscale", &heavy, false, 0, 1u << 20, false, 15, 3);
	scenario("reorder 25%, delay 20 ms", &reord, true, 7, 2u << 20, false, 25, 4);
	scenario("dup 1%, loss 1%", &dupl, true, 4, 2u << 20, false, 5, 5);
	scenario("slow reader", &clean, true, 7, 2u << 20, true, 3, 6);
	/* seed 39 made the old window update slide the right edge 7 times:
	 * an ACK that moves snd_una moves the window, whatever its sequence
	 */
	scenario("loss 5%, slow reader", &heavy, true, 7, 2u << 20, true, 25, 39);
	return unit_done();
}
