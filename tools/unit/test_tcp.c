// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP, one connection against crafted segments: the
 * acceptability test, PAWS, RFC 5961, ACK processing and duplicate ACKs,
 * the out-of-order queue and delayed ACKs, window updates, Nagle, cork and
 * SWS avoidance, zero-window probes, RTO, FIN and the close states.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/parse.h"
#include "../../drivers/net/mpnic/tcp.h"

#define ISS	1000u		/* our snd_una at handoff */
#define IRS	0xfffff000u	/* the peer's: receive sequence wraps */
#define MSS	1000u
#define T0	5000000ull	/* the clock at handoff, us */

static u8 sbuf[64 * 1024], rbuf[16 * 1024], payload[8 * 1024];

static struct mpnic_tcp_handoff handoff(void)
{
	struct mpnic_tcp_handoff h = {
		.snd_una = ISS, .snd_nxt = ISS, .snd_wnd = 60000, .snd_wl1 = IRS,
		.snd_wl2 = ISS, .rcv_nxt = IRS, .rcv_wnd = 8000, .mss = MSS,
		.ts_on = true, .ts_recent = 500, .ts_offset = 7,
	};
	return h;
}

static void setup(struct mpnic_tcb *tcb)
{
	struct mpnic_tcp_handoff h = handoff();

	if (mpnic_tcp_init(tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0))
		abort();
}

/* A segment from the peer: in order, ACKing nothing new, current TS */
static struct mpnic_tcp_seg peer(const struct mpnic_tcb *tcb, u32 len)
{
	struct mpnic_tcp_seg s = {
		.seq = tcb->rcv_nxt, .ack = tcb->snd_una, .wnd = 60000,
		.flags = MPNIC_TH_ACK, .has_ts = true, .tsval = tcb->ts_recent + 1,
		.tsecr = 0, .data = payload, .len = len,
	};
	return s;
}

static int drain(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *segs, int max);

/* A fresh connection that was given @len bytes and sent what it would */
static int setup_sent(struct mpnic_tcb *tcb, u32 len, struct mpnic_tcp_seg_out *out, int max)
{
	setup(tcb);
	mpnic_tcp_write(tcb, payload, len);
	return drain(tcb, T0, out, max);
}

static void in(struct mpnic_tcb *tcb, struct mpnic_tcp_seg *s, u64 now, struct mpnic_tcp_out *o)
{
	mpnic_tcp_input(tcb, s, now, o);
}

/* Everything output has now, in @segs (at most @max); returns the count */
static int drain(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_seg_out *segs, int max)
{
	struct mpnic_tcp_seg_out tmp;
	int n = 0;

	while (n < 64 && mpnic_tcp_output(tcb, now, n < max ? &segs[n] : &tmp))
		n++;
	return n;
}

static void test_acceptable(void)
{
	UNIT_OK(mpnic_tcp_acceptable(100, 0, 100, 0) && !mpnic_tcp_acceptable(100, 0, 101, 0),
		"acceptable: len 0, window 0: only seq = rcv_nxt");
	UNIT_OK(mpnic_tcp_acceptable(100, 10, 109, 0) && !mpnic_tcp_acceptable(100, 10, 110, 0) &&
		!mpnic_tcp_acceptable(100, 10, 99, 0),
		"acceptable: len 0, window > 0: rcv_nxt <= seq < rcv_nxt + wnd");
	UNIT_OK(!mpnic_tcp_acceptable(100, 0, 100, 1), "acceptable: len > 0, window 0: never");
	UNIT_OK(mpnic_tcp_acceptable(100, 10, 95, 6) && !mpnic_tcp_acceptable(100, 10, 95, 5) &&
		mpnic_tcp_acceptable(100, 10, 109, 50) && !mpnic_tcp_acceptable(100, 10, 110, 5),
		"acceptable: len > 0, window > 0: first or last byte in the window");
	UNIT_OK(mpnic_tcp_acceptable(0xfffffffe, 10, 2, 3) &&
		!mpnic_tcp_acceptable(0xfffffffe, 10, 8, 1),
		"acceptable: across the wrap");
}

static void test_input_window(void)
{
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;

	setup(&tcb);
	s = peer(&tcb, 100);
	s.seq = IRS + 8000;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_OUT_OF_WINDOW && (o.act & MPNIC_TCP_ACT_ACK) &&
		tcb.rcv_nxt == IRS, "input: data past the window: dropped, ACKed");
	s = peer(&tcb, 100);
	s.seq = IRS - 100;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_OLD_DUP && (o.act & MPNIC_TCP_ACT_DUP_ACK),
		"input: data wholly before rcv_nxt: old duplicate, ACKed");
	s = peer(&tcb, 100);
	s.seq = IRS - 50;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && o.readable == 50 && tcb.rcv_nxt == IRS + 50 &&
		!memcmp(rbuf, payload + 50, 50), "input: an overlapping segment is trimmed in front");
	s = peer(&tcb, 0);
	s.flags = 0;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_NO_ACK, "input: no ACK flag: dropped");
	UNIT_OK(tcb.stats.verdict[MPNIC_TCP_DROP_OUT_OF_WINDOW] == 1 &&
		tcb.stats.verdict[MPNIC_TCP_ACCEPTED] == 1 && tcb.stats.segs_in == 4,
		"input: every segment counted under its verdict");
}

static void test_paws(void)
{
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;

	setup(&tcb);
	s = peer(&tcb, 10);
	s.tsval = 499;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_PAWS && (o.act & MPNIC_TCP_ACT_ACK) &&
		tcb.rcv_nxt == IRS, "paws: an older TSval is dropped and ACKed");
	s = peer(&tcb, 10);
	s.tsval = 0x80000000u + 600;	/* "older" modulo 2^32 */
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_PAWS, "paws: compares modulo 2^32");
	s = peer(&tcb, 10);
	s.tsval = 900;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && tcb.ts_recent == 900,
		"paws: a newer TSval at last_ack_sent updates ts_recent");
	s = peer(&tcb, 10);
	s.seq += 100;	/* out of order: past last_ack_sent */
	s.tsval = 950;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && tcb.ts_recent == 900,
		"ts: a segment past last_ack_sent does not update ts_recent (RFC 7323 4.3)");
	s = peer(&tcb, 0);
	s.flags = MPNIC_TH_RST;
	s.tsval = 1;
	s.seq = tcb.rcv_nxt + 5;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_RST_CHALLENGE,
		"paws: a RST skips PAWS (RFC 7323 5.3 R1), meets RFC 5961");
}

static void test_rfc5961(void)
{
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;

	setup(&tcb);
	s = peer(&tcb, 0);
	s.flags = MPNIC_TH_RST | MPNIC_TH_ACK;
	s.seq = IRS + 9000;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_BLIND_RST && !(o.act & MPNIC_TCP_ACT_ACK) &&
		tcb.state == MPNIC_TCB_ESTABLISHED, "5961: RST out of window: silently dropped");
	s.seq = IRS + 1;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_RST_CHALLENGE && (o.act & MPNIC_TCP_ACT_CHALLENGE) &&
		tcb.state == MPNIC_TCB_ESTABLISHED && tcb.stats.challenge_acks == 1,
		"5961: RST in window, not exact: challenge ACK, connection lives");
	s = peer(&tcb, 0);
	s.flags = MPNIC_TH_SYN;
	s.seq = 12345;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_SYN && (o.act & MPNIC_TCP_ACT_CHALLENGE) &&
		tcb.state == MPNIC_TCB_ESTABLISHED, "5961: SYN, any seq: challenge ACK");
	s = peer(&tcb, 100);
	s.ack = ISS + 1;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_ACK_UNSENT && (o.act & MPNIC_TCP_ACT_CHALLENGE) &&
		tcb.rcv_nxt == IRS, "5961: ACK of unsent data: dropped, ACKed back");
	s = peer(&tcb, 100);
	s.ack = ISS - 70000;	/* max_window is 60000 */
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_BLIND_DATA && (o.act & MPNIC_TCP_ACT_CHALLENGE) &&
		tcb.rcv_nxt == IRS, "5961: ACK older than max window: blind data dropped");
	s = peer(&tcb, 100);
	s.ack = ISS - 50000;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && tcb.rcv_nxt == IRS + 100,
		"5961: an old ACK within max window: data accepted");
	s = peer(&tcb, 0);
	s.flags = MPNIC_TH_RST;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && (o.act & MPNIC_TCP_ACT_RESET) &&
		o.err == -ECONNRESET && tcb.state == MPNIC_TCB_CLOSED && tcb.stats.rst_in == 1,
		"5961: RST at rcv_nxt: reset, ECONNRESET");
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_CLOSED && !(o.act & MPNIC_TCP_ACT_RST) &&
		mpnic_tcp_write(&tcb, payload, 1) == -EPIPE,
		"closed: a RST is dropped silently, writes EPIPE");
	s = peer(&tcb, 10);
	s.ack = ISS + 77;
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_CLOSED && drain(&tcb, T0, out, 4) == 1 &&
		(out[0].flags & MPNIC_TH_RST) && out[0].seq == ISS + 77,
		"closed: other segments draw a RST at their ACK (RFC 9293 3.10.7.1)");
}

static void test_ack(void)
{
	struct mpnic_tcp_seg_out out[16];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	n = setup_sent(&tcb, 5000, out, 16);
	UNIT_OK(n == 5 && out[0].seq == ISS && out[4].seq == ISS + 4000 && out[4].len == 1000 &&
		(out[4].flags & MPNIC_TH_PSH) && out[0].has_ts && out[0].tsval == 5000 + 7 &&
		out[0].tsecr == 500 && tcb.snd_nxt == ISS + 5000 && tcb.rto_at == T0 + 1000000,
		"output: MSS-sized segments, PSH on the last, TS, RTO armed");
	s = peer(&tcb, 0);
	s.ack = ISS + 2000;
	s.tsecr = out[0].tsval;
	in(&tcb, &s, T0 + 30000, &o);
	UNIT_OK(o.acked == 2000 && (o.act & MPNIC_TCP_ACT_WRITABLE) && tcb.snd_una == ISS + 2000 &&
		tcb.snd.len == 3000 && tcb.rtt.srtt_us == 30000 && tcb.rto_at == T0 + 30000 + 200000,
		"ack: releases the ring, TS gives the RTT sample, RTO restarts");
	s.ack = ISS + 2000;
	in(&tcb, &s, T0 + 30001, &o);
	in(&tcb, &s, T0 + 30002, &o);
	UNIT_OK(tcb.stats.dupacks_in == 2 && !tcb.rexmit_now, "ack: two duplicate ACKs counted");
	s.wnd = 50000;
	in(&tcb, &s, T0 + 30003, &o);
	UNIT_OK(tcb.stats.dupacks_in == 2 && tcb.snd_wnd == 50000,
		"ack: a window change is no duplicate, but updates the window");
	s.wnd = 60000;
	s.len = 100;
	in(&tcb, &s, T0 + 30004, &o);
	s.seq = tcb.rcv_nxt;
	s.len = 0;
	s.wnd = 50000;
	in(&tcb, &s, T0 + 30004, &o);
	s.seq = tcb.rcv_nxt - 50;
	s.len = 100;
	s.wnd = 10000;
	in(&tcb, &s, T0 + 30005, &o);
	UNIT_OK(tcb.stats.dupacks_in == 2 && tcb.snd_wnd == 50000 && tcb.rcv_nxt == IRS + 150,
		"ack: an older segment (seq before wl1) leaves the window alone");
	s.seq = tcb.rcv_nxt;
	s.len = 0;
	s.wnd = 50000;
	in(&tcb, &s, T0 + 30006, &o);
	n = drain(&tcb, T0 + 30006, out, 16);
	UNIT_OK(tcb.stats.fast_retrans == 1 && n >= 1 && out[0].seq == ISS + 2000 &&
		out[0].retransmit && tcb.cc.in_recovery, "ack: third dup ACK: fast retransmit");
	s.ack = ISS + 5000;
	in(&tcb, &s, T0 + 40000, &o);
	UNIT_OK(!tcb.cc.in_recovery && tcb.snd.len == 0 && !tcb.rto_at,
		"ack: full ACK ends recovery, nothing in flight stops the RTO");
}

static void test_rto(void)
{
	struct mpnic_tcp_seg_out out[16];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n, i;

	setup(&tcb);
	tcb.ts_on = false;
	mpnic_tcp_write(&tcb, payload, 3000);
	drain(&tcb, T0, out, 16);
	mpnic_tcp_timer(&tcb, T0 + 999999, &o);
	UNIT_OK(!o.act && tcb.snd_nxt == ISS + 3000, "rto: not before its time");
	mpnic_tcp_timer(&tcb, T0 + 1000000, &o);
	n = drain(&tcb, T0 + 1000000, out, 16);
	UNIT_OK((o.act & MPNIC_TCP_ACT_OUTPUT) && tcb.stats.rto_expiries == 1 && n == 1 &&
		out[0].seq == ISS && out[0].retransmit && tcb.cc.cwnd == MSS &&
		tcb.rto_at == T0 + 3000000,
		"rto: go back to snd_una, one segment, timer doubled");
	tcb.ack_now = true;
	n = drain(&tcb, T0 + 1000000, out, 16);
	UNIT_OK(n == 1 && !out[0].len && out[0].seq == ISS + 3000,
		"rto: a pure ACK after going back is sent at snd_max, acceptable to the peer");
	s = peer(&tcb, 0);
	s.ack = ISS + 1000;
	in(&tcb, &s, T0 + 1100000, &o);
	UNIT_OK(tcb.rtt.srtt_us == 0 && tcb.rtt.backoff == 0,
		"rto: Karn: the ACK of a retransmission gives no sample, clears the backoff");
	for (i = 0; i < 20 && tcb.state != MPNIC_TCB_CLOSED; i++)
		mpnic_tcp_timer(&tcb, mpnic_tcp_next_deadline(&tcb), &o);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSED && o.err == -ETIMEDOUT && i == 16,
		"rto: the 16th expiry gives up: ETIMEDOUT");
	/* Karn, fast retransmit: the timed segment is resent, its ACK is ambiguous */
	setup(&tcb);
	tcb.ts_on = false;
	mpnic_tcp_write(&tcb, payload, 5000);
	drain(&tcb, T0, out, 16);
	s = peer(&tcb, 0);
	s.has_ts = false;
	for (i = 0; i < 3; i++)
		in(&tcb, &s, T0 + 10000, &o);
	n = drain(&tcb, T0 + 10000, out, 16);
	s.ack = ISS + 5000;
	in(&tcb, &s, T0 + 20000, &o);
	UNIT_OK(n >= 1 && out[0].seq == ISS && out[0].retransmit && tcb.rtt.srtt_us == 0,
		"rto: Karn: no sample from a segment fast-retransmitted");
	mpnic_tcp_write(&tcb, payload, 1000);
	drain(&tcb, T0 + 20000, out, 16);
	s.ack = ISS + 6000;
	in(&tcb, &s, T0 + 45000, &o);
	UNIT_OK(tcb.rtt.srtt_us == 25000, "rto: without TS, a fresh segment is timed: 25 ms");

	setup_sent(&tcb, 3000, out, 16);
	mpnic_tcp_timer(&tcb, tcb.rto_at, &o);
	mpnic_tcp_close(&tcb, true, &o);
	n = drain(&tcb, T0 + 1000000, out, 16);
	UNIT_OK(n == 1 && (out[0].flags & MPNIC_TH_RST) && out[0].seq == ISS + 3000,
		"rto: a RST after going back is sent at snd_max, where the peer expects it");
}

static void test_ooo_input(void)
{
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	u8 got[3000];
	int n;

	setup(&tcb);
	s = peer(&tcb, 1000);
	s.seq = IRS + 1000;
	s.data = payload + 1000;
	in(&tcb, &s, T0, &o);
	n = drain(&tcb, T0, out, 4);
	UNIT_OK(o.verdict == MPNIC_TCP_ACCEPTED && (o.act & MPNIC_TCP_ACT_DUP_ACK) && !o.readable &&
		n == 1 && out[0].ack == IRS && tcb.stats.ooo_segs == 1 && tcb.ooo.n == 1,
		"ooo: a segment past a hole: queued, duplicate ACK at once");
	s.seq = IRS + 2000;
	s.data = payload + 2000;
	in(&tcb, &s, T0, &o);
	UNIT_OK(tcb.ooo.n == 1 && tcb.ooo.r[0].end == IRS + 3000, "ooo: the next one extends the range");
	s = peer(&tcb, 1000);
	in(&tcb, &s, T0, &o);
	n = drain(&tcb, T0, out, 4);
	mpnic_tcp_ring_get(&tcb.rcv, 0, got, 3000);
	UNIT_OK(o.readable == 3000 && tcb.rcv_nxt == IRS + 3000 && !tcb.ooo.n && n == 1 &&
		out[0].ack == IRS + 3000 && !memcmp(got, payload, 3000),
		"ooo: filling the hole makes all readable, ACKed at once");
	s = peer(&tcb, 500);
	s.seq += 1000;
	s.flags |= MPNIC_TH_FIN;
	in(&tcb, &s, T0, &o);
	UNIT_OK(!(o.act & MPNIC_TCP_ACT_EOF) && tcb.state == MPNIC_TCB_ESTABLISHED,
		"ooo: a FIN past a hole waits for its retransmission");
}

/* One out-of-order segment of @len at @off past rcv_nxt; its duplicate ACK in @ack */
static void ooo_seg(struct mpnic_tcb *tcb, u32 off, u32 len, struct mpnic_tcp_seg_out *ack)
{
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s = peer(tcb, len);

	s.seq += off;
	s.data = payload + off;
	in(tcb, &s, T0, &o);
	if (drain(tcb, T0, out, 4) != 1)
		memset(&out[0], 0xff, sizeof(out[0]));
	*ack = out[0];
}

static bool sack_is(const struct mpnic_tcp_seg_out *seg, u32 i, u32 start, u32 end)
{
	return seg->sack[i].start == IRS + start && seg->sack[i].end == IRS + end;
}

static void test_sack_blocks(void)
{
	struct mpnic_tcp_handoff h = handoff();
	struct mpnic_tcp_seg_out ack, out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	setup(&tcb);
	ooo_seg(&tcb, 1000, 1000, &ack);
	UNIT_OK(ack.ack == IRS && !ack.nsack, "sack: not negotiated, no blocks");

	h.sack_ok = true;
	if (mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0))
		abort();
	ooo_seg(&tcb, 1000, 1000, &ack);
	UNIT_OK(ack.ack == IRS && ack.nsack == 1 && sack_is(&ack, 0, 1000, 2000),
		"sack: a duplicate ACK names the out-of-order range");
	ooo_seg(&tcb, 3000, 1000, &ack);
	ooo_seg(&tcb, 5000, 1000, &ack);
	ooo_seg(&tcb, 6500, 500, &ack);
	UNIT_OK(ack.nsack == 3 && sack_is(&ack, 0, 6500, 7000) && sack_is(&ack, 1, 1000, 2000) &&
		sack_is(&ack, 2, 3000, 4000),
		"sack: beside timestamps three blocks, the latest segment's first (RFC 2018 4)");
	ooo_seg(&tcb, 2000, 1000, &ack);
	UNIT_OK(ack.nsack == 3 && sack_is(&ack, 0, 1000, 4000) && sack_is(&ack, 1, 5000, 6000) &&
		sack_is(&ack, 2, 6500, 7000), "sack: a filled gap merges two blocks");
	/* the engine's own data goes without blocks: the MSS has no room */
	mpnic_tcp_write(&tcb, payload, 100);
	n = drain(&tcb, T0, out, 4);
	UNIT_OK(n == 1 && out[0].len == 100 && !out[0].nsack, "sack: none on a segment with data");
	s = peer(&tcb, 1000);
	in(&tcb, &s, T0, &o);
	n = drain(&tcb, T0, out, 4);
	UNIT_OK(n == 1 && out[0].ack == IRS + 4000 && out[0].nsack == 2 &&
		sack_is(&out[0], 0, 5000, 6000) && sack_is(&out[0], 1, 6500, 7000),
		"sack: the in-order part leaves the blocks, the rest stays");

	h.ts_on = false;
	if (mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0))
		abort();
	ooo_seg(&tcb, 1000, 500, &ack);
	ooo_seg(&tcb, 2000, 500, &ack);
	ooo_seg(&tcb, 3000, 500, &ack);
	ooo_seg(&tcb, 4000, 500, &ack);
	ooo_seg(&tcb, 5000, 500, &ack);
	UNIT_OK(!ack.has_ts && ack.nsack == 4 && sack_is(&ack, 0, 5000, 5500) &&
		sack_is(&ack, 3, 3000, 3500), "sack: without timestamps four blocks");
}

/* Run the timers due at @now and collect what they send */
static int tick(struct mpnic_tcb *tcb, u64 now, struct mpnic_tcp_out *o,
		struct mpnic_tcp_seg_out *segs, int max)
{
	mpnic_tcp_timer(tcb, now, o);
	return drain(tcb, now, segs, max);
}

static void test_keepalive(void)
{
	struct mpnic_tcp_handoff h = handoff();
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	setup(&tcb);
	UNIT_OK(!tcb.keep_at && !mpnic_tcp_next_deadline(&tcb), "keepalive: off, no timer");

	h.keep.on = true;
	h.keep.idle_us = 1000000;
	h.keep.intvl_us = 500000;
	h.keep.cnt = 3;
	if (mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0))
		abort();
	UNIT_OK(mpnic_tcp_next_deadline(&tcb) == T0 + 1000000, "keepalive: the timer at the idle time");
	n = tick(&tcb, T0 + 1000000, &o, out, 4);
	UNIT_OK(n == 1 && out[0].seq == ISS - 1 && !out[0].len && (out[0].flags & MPNIC_TH_ACK) &&
		tcb.stats.keepalive_probes == 1 && !tcb.stats.zwp_sent &&
		mpnic_tcp_next_deadline(&tcb) == T0 + 1500000,
		"keepalive: idle: a probe below snd_una, the next one an interval later");
	/* the peer's answer: an ACK at rcv_nxt */
	s = peer(&tcb, 0);
	in(&tcb, &s, T0 + 1200000, &o);
	n = tick(&tcb, T0 + 1500000, &o, out, 4);
	UNIT_OK(!n && mpnic_tcp_next_deadline(&tcb) == T0 + 2200000,
		"keepalive: answered: no probe until the idle time after the answer");
	n = tick(&tcb, T0 + 2200000, &o, out, 4);
	n += tick(&tcb, T0 + 2700000, &o, out, 4);
	n += tick(&tcb, T0 + 3200000, &o, out, 4);
	UNIT_OK(n == 3 && tcb.state == MPNIC_TCB_ESTABLISHED && tcb.stats.keepalive_probes == 4,
		"keepalive: silence: a probe per interval");
	tick(&tcb, T0 + 3700000, &o, out, 4);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSED && (o.act & MPNIC_TCP_ACT_RESET) &&
		o.err == -ETIMEDOUT, "keepalive: cnt probes unanswered: ETIMEDOUT");

	/* data in flight is the RTO's: no probe, the timer moves on */
	if (mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0))
		abort();
	mpnic_tcp_write(&tcb, payload, 100);
	drain(&tcb, T0, out, 4);
	tcb.rto_at = 0;		/* only keepalive's timer here */
	n = tick(&tcb, T0 + 1000000, &o, out, 4);
	UNIT_OK(!tcb.stats.keepalive_probes && tcb.keep_at == T0 + 2000000,
		"keepalive: data in flight: no probe");
	h.keep.on = false;
	mpnic_tcp_set_keepalive(&tcb, &h.keep, T0 + 1000000);
	UNIT_OK(!tcb.keep_at, "keepalive: switched off, its timer stops");
}

static void test_delack(void)
{
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	setup(&tcb);
	s = peer(&tcb, 1000);
	in(&tcb, &s, T0, &o);
	n = drain(&tcb, T0, out, 4);
	UNIT_OK(n == 0 && tcb.dack_at == T0 + 40000, "delack: one segment: the timer, no ACK");
	s = peer(&tcb, 1000);
	in(&tcb, &s, T0 + 1000, &o);
	n = drain(&tcb, T0 + 1000, out, 4);
	UNIT_OK(n == 1 && out[0].ack == IRS + 2000 && !tcb.dack_at,
		"delack: the second full segment: ACK now");
	s = peer(&tcb, 300);
	in(&tcb, &s, T0 + 2000, &o);
	UNIT_OK(mpnic_tcp_next_deadline(&tcb) == T0 + 42000, "delack: next deadline is the timer");
	mpnic_tcp_timer(&tcb, T0 + 42000, &o);
	n = drain(&tcb, T0 + 42000, out, 4);
	UNIT_OK((o.act & MPNIC_TCP_ACT_ACK) && n == 1 && out[0].ack == IRS + 2300,
		"delack: the timer sends the ACK");
}

static void test_rcv_window(void)
{
	struct mpnic_tcp_seg_out out[4];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int i, n;

	setup(&tcb);	/* 16 KiB of receive memory, 8000 advertised */
	for (i = 0; i < 16; i++) {
		s = peer(&tcb, 1024);
		in(&tcb, &s, T0, &o);
		drain(&tcb, T0, out, 4);
	}
	UNIT_OK(tcb.rcv.len == 16384 && mpnic_tcp_rcv_window(&tcb) == 0 && out[0].wnd == 0,
		"rwnd: the host reads nothing: the window closes to zero");
	s = peer(&tcb, 100);
	in(&tcb, &s, T0, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_OUT_OF_WINDOW && tcb.rcv.len == 16384,
		"rwnd: data into a zero window: dropped");
	UNIT_OK(!mpnic_tcp_consumed(&tcb, 500) && mpnic_tcp_rcv_window(&tcb) == 0,
		"rwnd: reading less than a segment: no update (receiver SWS)");
	UNIT_OK(mpnic_tcp_consumed(&tcb, 600) && mpnic_tcp_rcv_window(&tcb) == 1100,
		"rwnd: reading a segment's worth: a window update is due");
	n = drain(&tcb, T0, out, 4);
	UNIT_OK(n == 1 && out[0].wnd == 1100 && tcb.rcv_adv == tcb.rcv_nxt + 1100,
		"rwnd: the update goes out as a pure ACK");

	setup(&tcb);
	tcb.rcv_wscale = 7;
	tcb.rcv_adv = tcb.rcv_nxt + 8064;
	s = peer(&tcb, 1000);
	in(&tcb, &s, T0, &o);
	UNIT_OK(mpnic_tcp_rcv_window(&tcb) % 128 == 0 &&
		tcb.rcv_nxt + mpnic_tcp_rcv_window(&tcb) - (IRS + 8064) < 0x80000000u,
		"rwnd: scaled: a multiple of 128, the right edge never moves left");
	tcb.rcv_adv = tcb.rcv_nxt + 8000;
	tcb.rcv.len = sizeof(rbuf) - 8100;
	UNIT_OK(mpnic_tcp_rcv_window(&tcb) == 8064,
		"rwnd: scaled, no step to take: the old edge rounded up to the scale");
	tcb.rcv.len = sizeof(rbuf) - 8000;
	UNIT_OK(mpnic_tcp_rcv_window(&tcb) == 7936,
		"rwnd: scaled, memory ends at the old edge: retracts by < 128 (RFC 7323 F)");
	tcb.ack_now = true;
	n = drain(&tcb, T0, out, 4);
	s = peer(&tcb, 8000);
	in(&tcb, &s, T0, &o);
	UNIT_OK(n == 1 && out[0].wnd == 62 && o.readable == 8000 && tcb.rcv.len == sizeof(rbuf),
		"rwnd: data up to the edge before the retraction is still taken");
	tcb.rcv.len = sizeof(rbuf) - 8000;
	tcb.rcv_nxt -= 8000;
	tcb.rcv_adv = tcb.rcv_nxt + 100;
	tcb.rcv.len = sizeof(rbuf) - 100;
	UNIT_OK(mpnic_tcp_rcv_window(&tcb) == 0,
		"rwnd: scaled, less than a unit left: a zero window");
}

static void test_nagle(void)
{
	struct mpnic_tcp_seg_out out[8];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	n = setup_sent(&tcb, 100, out, 8);
	UNIT_OK(n == 1 && out[0].len == 100, "nagle: a small segment with nothing in flight goes");
	mpnic_tcp_write(&tcb, payload, 100);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 0, "nagle: a second small one waits for the ACK");
	mpnic_tcp_write(&tcb, payload, 1000);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 1 && out[0].len == 1000 && mpnic_tcp_unsent(&tcb) == 100,
		"nagle: a full segment goes, the small tail waits");
	s = peer(&tcb, 0);
	s.ack = ISS + 1100;
	in(&tcb, &s, T0 + 100, &o);
	n = drain(&tcb, T0 + 100, out, 8);
	UNIT_OK(n == 1 && out[0].len == 100 && (o.act & MPNIC_TCP_ACT_OUTPUT),
		"nagle: everything ACKed: the tail goes");

	setup(&tcb);
	tcb.nodelay = true;
	mpnic_tcp_write(&tcb, payload, 100);
	drain(&tcb, T0, out, 8);
	mpnic_tcp_write(&tcb, payload, 100);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 1, "nodelay: small segments go while others are in flight");

	setup(&tcb);
	tcb.minshall = true;
	mpnic_tcp_write(&tcb, payload, 1100);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 2, "minshall: a small segment goes when no other small one is in flight");
	mpnic_tcp_write(&tcb, payload, 100);
	UNIT_OK(drain(&tcb, T0, out, 8) == 0, "minshall: but not a second one");

	setup(&tcb);
	tcb.cork = true;
	mpnic_tcp_write(&tcb, payload, 2500);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 2 && mpnic_tcp_unsent(&tcb) == 500, "cork: full segments go, the tail stays");
	s = peer(&tcb, 0);
	s.ack = ISS + 2000;
	in(&tcb, &s, T0 + 100, &o);
	UNIT_OK(drain(&tcb, T0 + 100, out, 8) == 0, "cork: even with nothing in flight");
	mpnic_tcp_shutdown(&tcb, MPNIC_TCP_SHUT_WR, &o);
	n = drain(&tcb, T0 + 100, out, 8);
	UNIT_OK(n == 1 && out[0].len == 500 && (out[0].flags & MPNIC_TH_FIN),
		"cork: shutdown flushes the tail with the FIN");

	setup(&tcb);
	tcb.snd_wnd = 1500;
	mpnic_tcp_write(&tcb, payload, 3000);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 1 && out[0].len == 1000,
		"sws: 500 bytes of window, data in flight, < max_window/2: wait");
	s = peer(&tcb, 0);
	s.ack = ISS + 1000;
	s.wnd = 300;
	in(&tcb, &s, T0 + 100, &o);
	n = drain(&tcb, T0 + 100, out, 8);
	UNIT_OK(n == 1 && out[0].len == 300,
		"sws: nothing in flight: a window-limited segment goes (no stall)");
}

static void test_zero_window(void)
{
	struct mpnic_tcp_seg_out out[8];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	u64 t1, t2;
	int n;

	setup(&tcb);
	tcb.snd_wnd = 0;
	mpnic_tcp_write(&tcb, payload, 2000);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 0 && !tcb.rto_at && tcb.persist_at == T0 + 1000000,
		"zwp: a zero window holds the data, the persist timer runs");
	mpnic_tcp_timer(&tcb, T0 + 1000000, &o);
	n = drain(&tcb, T0 + 1000000, out, 8);
	t1 = tcb.persist_at;
	UNIT_OK(n == 1 && out[0].seq == ISS - 1 && !out[0].len && tcb.stats.zwp_sent == 1 &&
		t1 == T0 + 1000000 + 2000000, "zwp: a probe (old seq, no data), backed off");
	s = peer(&tcb, 0);
	s.wnd = 0;
	in(&tcb, &s, T0 + 1100000, &o);
	mpnic_tcp_timer(&tcb, t1, &o);
	drain(&tcb, t1, out, 8);
	t2 = tcb.persist_at;
	UNIT_OK(tcb.stats.zwp_sent == 2 && t2 - t1 == 4000000,
		"zwp: the window stays shut: the next probe waits twice as long");
	s.wnd = 3000;
	in(&tcb, &s, t1 + 1000, &o);
	n = drain(&tcb, t1 + 1000, out, 8);
	UNIT_OK((o.act & MPNIC_TCP_ACT_OUTPUT) && n == 2 && !tcb.persist_at && tcb.rto_at,
		"zwp: the window opens: data flows, persist off, RTO on");

	/* a peer that shrinks its window to zero with our data out */
	setup_sent(&tcb, 3000, out, 8);
	s = peer(&tcb, 0);
	s.wnd = 0;
	in(&tcb, &s, T0 + 100, &o);
	mpnic_tcp_timer(&tcb, tcb.rto_at, &o);
	n = drain(&tcb, T0 + 1000000, out, 8);
	UNIT_OK(n == 1 && out[0].seq == ISS - 1 && !out[0].len && tcb.stats.zwp_sent == 1 &&
		!tcb.retries && tcb.probes == 1 && tcb.state == MPNIC_TCB_ESTABLISHED,
		"zwp: an RTO into a shrunk zero window sends a probe, counts no retry");
	in(&tcb, &s, T0 + 1100000, &o);
	UNIT_OK(!tcb.probes, "zwp: an ACK answers the probe");
}

static void test_close(void)
{
	struct mpnic_tcp_seg_out out[8];
	struct mpnic_tcp_out o;
	struct mpnic_tcp_seg s;
	struct mpnic_tcb tcb;
	int n;

	/* active close: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED */
	setup(&tcb);
	mpnic_tcp_write(&tcb, payload, 500);
	mpnic_tcp_shutdown(&tcb, MPNIC_TCP_SHUT_WR, &o);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(tcb.state == MPNIC_TCB_FIN_WAIT_1 && n == 1 && (out[0].flags & MPNIC_TH_FIN) &&
		tcb.snd_nxt == ISS + 501 && mpnic_tcp_write(&tcb, payload, 1) == -EPIPE,
		"close: shutdown(WR): FIN after the data, FIN_WAIT_1, writes EPIPE");
	s = peer(&tcb, 0);
	s.ack = ISS + 501;
	in(&tcb, &s, T0 + 100, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_FIN_WAIT_2 && (o.act & MPNIC_TCP_ACT_STATE) && o.acked == 500,
		"close: the FIN ACKed: FIN_WAIT_2");
	s = peer(&tcb, 200);
	s.flags |= MPNIC_TH_FIN;
	in(&tcb, &s, T0 + 200, &o);
	n = drain(&tcb, T0 + 200, out, 8);
	UNIT_OK(tcb.state == MPNIC_TCB_TIME_WAIT && (o.act & MPNIC_TCP_ACT_EOF) && o.readable == 200 &&
		n == 1 && out[0].ack == IRS + 201 && tcb.time_wait_at == T0 + 200 + 60000000,
		"close: data and FIN in FIN_WAIT_2: EOF, ACK, TIME_WAIT for 2 MSL");
	s = peer(&tcb, 0);
	s.seq = IRS + 200;
	s.flags |= MPNIC_TH_FIN;
	in(&tcb, &s, T0 + 5000000, &o);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_OLD_DUP && (o.act & MPNIC_TCP_ACT_ACK) &&
		tcb.time_wait_at == T0 + 5000000 + 60000000,
		"close: the FIN again in TIME_WAIT: ACKed, 2 MSL restarts");
	mpnic_tcp_timer(&tcb, T0 + 65000000, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSED && !mpnic_tcp_next_deadline(&tcb),
		"close: TIME_WAIT ends in CLOSED, no timer left");

	/* passive close: CLOSE_WAIT -> LAST_ACK -> CLOSED */
	setup(&tcb);
	s = peer(&tcb, 0);
	s.flags |= MPNIC_TH_FIN;
	in(&tcb, &s, T0, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSE_WAIT && (o.act & MPNIC_TCP_ACT_EOF) &&
		tcb.rcv_nxt == IRS + 1, "close: the peer's FIN: CLOSE_WAIT, EOF");
	mpnic_tcp_close(&tcb, false, &o);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(tcb.state == MPNIC_TCB_LAST_ACK && n == 1 && (out[0].flags & MPNIC_TH_FIN) &&
		out[0].ack == IRS + 1, "close: close() in CLOSE_WAIT: FIN, LAST_ACK");
	s = peer(&tcb, 0);
	s.ack = ISS + 1;
	in(&tcb, &s, T0 + 100, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSED && !(o.act & MPNIC_TCP_ACT_RESET),
		"close: the FIN ACKed: CLOSED");

	/* simultaneous: FIN_WAIT_1 -> CLOSING -> TIME_WAIT */
	setup(&tcb);
	mpnic_tcp_shutdown(&tcb, MPNIC_TCP_SHUT_WR, &o);
	drain(&tcb, T0, out, 8);
	s = peer(&tcb, 0);
	s.flags |= MPNIC_TH_FIN;
	in(&tcb, &s, T0 + 10, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSING, "close: FINs cross: CLOSING");
	s = peer(&tcb, 0);
	s.ack = ISS + 1;
	in(&tcb, &s, T0 + 20, &o);
	UNIT_OK(tcb.state == MPNIC_TCB_TIME_WAIT, "close: then our FIN ACKed: TIME_WAIT");

	/* RTO of a lone FIN */
	setup(&tcb);
	mpnic_tcp_shutdown(&tcb, MPNIC_TCP_SHUT_WR, &o);
	drain(&tcb, T0, out, 8);
	mpnic_tcp_timer(&tcb, tcb.rto_at, &o);
	n = drain(&tcb, T0 + 1000000, out, 8);
	UNIT_OK(n == 1 && (out[0].flags & MPNIC_TH_FIN) && out[0].retransmit && out[0].seq == ISS,
		"close: a lost FIN is retransmitted on RTO");

	/* aborts */
	setup(&tcb);
	s = peer(&tcb, 10);
	in(&tcb, &s, T0, &o);
	mpnic_tcp_close(&tcb, false, &o);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(tcb.state == MPNIC_TCB_CLOSED && n == 1 && (out[0].flags & MPNIC_TH_RST) &&
		tcb.stats.rst_out == 1, "close: unread data: RST, CLOSED");
	setup(&tcb);
	mpnic_tcp_write(&tcb, payload, 10);
	mpnic_tcp_close(&tcb, true, &o);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(n == 1 && (out[0].flags & MPNIC_TH_RST) && out[0].seq == ISS,
		"close: SO_LINGER 0: RST instead of the data");
	setup(&tcb);
	mpnic_tcp_close(&tcb, false, &o);
	drain(&tcb, T0, out, 8);
	s = peer(&tcb, 10);
	in(&tcb, &s, T0, &o);
	n = drain(&tcb, T0, out, 8);
	UNIT_OK(o.verdict == MPNIC_TCP_DROP_AFTER_FIN && tcb.state == MPNIC_TCB_CLOSED && n == 1 &&
		(out[0].flags & MPNIC_TH_RST), "close: data after close(): RST");
}

static void test_handoff(void)
{
	struct mpnic_tcp_handoff h = handoff();
	struct mpnic_tcb tcb;

	h.ecn = true;
	UNIT_OK(mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0) == -EOPNOTSUPP,
		"handoff: ECN is refused");
	h = handoff();
	h.rcv_wscale = 15;
	UNIT_OK(mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0) == -EINVAL,
		"handoff: a window scale above 14 is refused");
	h = handoff();
	h.rcv_queued = 9000;
	UNIT_OK(mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0) == -ENOBUFS,
		"handoff: unread data + window past the receive memory: ENOBUFS");
	h = handoff();
	h.snd_nxt = ISS + 100;
	h.snd_queued = 50;
	UNIT_OK(mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0) == -ENOBUFS,
		"handoff: fewer bytes than are in flight: ENOBUFS");
	h.snd_queued = 100;
	UNIT_OK(!mpnic_tcp_init(&tcb, &h, sbuf, sizeof(sbuf), rbuf, sizeof(rbuf), T0) &&
		tcb.rto_at == T0 + 1000000 && tcb.cc.cwnd == 10 * MSS,
		"handoff: data in flight: the RTO runs from the start");
	UNIT_OK(!strcmp(mpnic_tcp_verdict_name(MPNIC_TCP_DROP_BLIND_RST), "blind_rst") &&
		!strcmp(mpnic_tcp_verdict_name(MPNIC_TCP_VERDICT_COUNT), "unknown"),
		"verdict names");
}

int main(void)
{
	test_acceptable();
	test_input_window();
	test_paws();
	test_rfc5961();
	test_ack();
	test_rto();
	test_ooo_input();
	test_sack_blocks();
	test_keepalive();
	test_delack();
	test_rcv_window();
	test_nagle();
	test_zero_window();
	test_close();
	test_handoff();
	return unit_done();
}
