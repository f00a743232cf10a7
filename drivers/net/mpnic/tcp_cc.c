// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: NewReno congestion control. RFC 5681 slow start and
 * congestion avoidance with byte counting (RFC 3465, L = 1 SMSS per ACK in
 * slow start), RFC 6582 fast retransmit and fast recovery with partial
 * ACKs. All in bytes. The caller retransmits when a call returns true.
 */

#include "tcp.h"

/* cwnd never grows past what a u32 sequence space can have in flight */
#define MPNIC_TCP_CWND_MAX	BIT(30)

/* RFC 5681 (4): half the flight, at least two segments */
static u32 mpnic_tcp_cc_half(u32 flight, u32 mss)
{
	return max_t(u32, flight / 2, 2 * mss);
}

void mpnic_tcp_cc_init(struct mpnic_tcp_cc *cc, u32 mss, u32 cwnd, u32 ssthresh, u32 snd_una)
{
	cc->cwnd = cwnd ? cwnd : MPNIC_TCP_INIT_CWND * mss;
	cc->ssthresh = ssthresh ? ssthresh : MPNIC_TCP_CWND_MAX;
	/* RFC 6582 3.2 (1): recover starts at the initial send sequence */
	cc->recover = snd_una;
	cc->ca_acked = 0;
	cc->dupacks = 0;
	cc->in_recovery = false;
}

/**
 * mpnic_tcp_cc_ack - an ACK advanced snd_una
 * @cc: the state
 * @ack: the new snd_una
 * @acked: bytes it acknowledged
 * @flight: bytes still in flight after it
 * @mss: the sender's MSS
 * @limited: the flight before it used cwnd (RFC 7661: an idle or
 *	application-limited sender does not grow cwnd)
 *
 * Return: true for a partial ACK in recovery: retransmit from @ack.
 */
bool mpnic_tcp_cc_ack(struct mpnic_tcp_cc *cc, u32 ack, u32 acked, u32 flight, u32 mss,
		      bool limited)
{
	cc->dupacks = 0;
	if (cc->in_recovery) {
		if (!mpnic_tcp_before(ack, cc->recover)) {
			/* RFC 6582 3.2 (3), full ACK: option (1), no burst */
			cc->cwnd = min_t(u32, cc->ssthresh, max_t(u32, flight, mss) + mss);
			cc->in_recovery = false;
			cc->ca_acked = 0;
			return false;
		}
		/* partial ACK: deflate by what left, add back one segment */
		cc->cwnd -= min_t(u32, acked, cc->cwnd - mss);
		if (acked >= mss)
			cc->cwnd += mss;
		return true;
	}
	if (!limited)
		return false;
	if (cc->cwnd < cc->ssthresh) {
		cc->cwnd += min_t(u32, acked, mss);
	} else {
		cc->ca_acked += acked;
		if (cc->ca_acked >= cc->cwnd) {
			cc->ca_acked -= cc->cwnd;
			cc->cwnd += mss;
		}
	}
	cc->cwnd = min_t(u32, cc->cwnd, MPNIC_TCP_CWND_MAX);
	return false;
}

/**
 * mpnic_tcp_cc_dupack - a duplicate ACK (RFC 5681's definition) came in
 * @cc: the state
 * @ack: its acknowledgment number: snd_una
 * @snd_max: highest sequence number sent, plus one
 * @flight: bytes in flight
 * @mss: the sender's MSS
 *
 * Return: true on the third: fast retransmit of snd_una is due.
 */
bool mpnic_tcp_cc_dupack(struct mpnic_tcp_cc *cc, u32 ack, u32 snd_max, u32 flight, u32 mss)
{
	if (cc->dupacks < U16_MAX)
		cc->dupacks++;
	if (cc->in_recovery) {
		/* RFC 6582 3.2 (4): each one means a segment left the network */
		cc->cwnd = min_t(u32, cc->cwnd + mss, MPNIC_TCP_CWND_MAX);
		return false;
	}
	/* RFC 6582 3.2 (2): not again for losses of the same window */
	if (cc->dupacks != 3 || mpnic_tcp_before(ack, cc->recover))
		return false;
	cc->ssthresh = mpnic_tcp_cc_half(flight, mss);
	cc->recover = snd_max;
	cc->cwnd = cc->ssthresh + 3 * mss;
	cc->in_recovery = true;
	return true;
}

/* RFC 5681 (4) and 3.1: an RTO: one segment, slow start again */
void mpnic_tcp_cc_rto(struct mpnic_tcp_cc *cc, u32 snd_max, u32 flight, u32 mss)
{
	cc->ssthresh = mpnic_tcp_cc_half(flight, mss);
	cc->cwnd = mss;
	cc->recover = snd_max;
	cc->ca_acked = 0;
	cc->dupacks = 0;
	cc->in_recovery = false;
}
