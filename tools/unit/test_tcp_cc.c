// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: NewReno's transitions: slow start, congestion
 * avoidance, three duplicate ACKs, partial and full ACKs, RTO.
 */
#include "unit.h"
#include "../../drivers/net/mpnic/tcp.h"

static void test_cc(void)
{
	const u32 mss = 1000;
	struct mpnic_tcp_cc cc;
	u32 una = 0xfffff000;	/* the run crosses the wrap */
	bool rx;
	int i;

	mpnic_tcp_cc_init(&cc, mss, 0, 0, una);
	UNIT_OK(cc.cwnd == 10 * mss && !cc.in_recovery, "cc: initial window 10 segments");
	mpnic_tcp_cc_init(&cc, mss, 4 * mss, 6 * mss, una);
	UNIT_OK(cc.cwnd == 4 * mss && cc.ssthresh == 6 * mss, "cc: the handoff's cwnd, ssthresh");
	una += 3000;
	mpnic_tcp_cc_ack(&cc, una, 3000, 1000, mss, true);
	UNIT_OK(cc.cwnd == 5 * mss, "cc: slow start: an ACK of 3 segments adds one (L = 1 SMSS)");
	una += 1000;
	mpnic_tcp_cc_ack(&cc, una, 1000, 1000, mss, true);
	UNIT_OK(cc.cwnd == 6 * mss, "cc: slow start reaches ssthresh");
	for (i = 0; i < 5; i++) {
		una += 1000;
		mpnic_tcp_cc_ack(&cc, una, 1000, 5000, mss, true);
	}
	UNIT_OK(cc.cwnd == 6 * mss, "cc: congestion avoidance: 5 of 6 segments add nothing yet");
	una += 1000;
	mpnic_tcp_cc_ack(&cc, una, 1000, 5000, mss, true);
	UNIT_OK(cc.cwnd == 7 * mss && cc.ca_acked == 0,
		"cc: congestion avoidance: one cwnd of bytes adds one segment");

	/* 10 segments in flight, the first lost */
	cc.cwnd = 10 * mss;
	rx = mpnic_tcp_cc_dupack(&cc, una, una + 10000, 10000, mss);
	rx |= mpnic_tcp_cc_dupack(&cc, una, una + 10000, 10000, mss);
	UNIT_OK(!rx && !cc.in_recovery && cc.cwnd == 10 * mss, "cc: two dup ACKs: nothing");
	rx = mpnic_tcp_cc_dupack(&cc, una, una + 10000, 10000, mss);
	UNIT_OK(rx && cc.in_recovery && cc.ssthresh == 5000 && cc.cwnd == 8000 &&
		cc.recover == una + 10000,
		"cc: third dup ACK: fast retransmit, ssthresh = flight/2, cwnd = ssthresh + 3");
	rx = mpnic_tcp_cc_dupack(&cc, una, una + 10000, 10000, mss);
	UNIT_OK(!rx && cc.cwnd == 9000, "cc: dup ACK in recovery inflates by one segment");
	una += 4000;
	rx = mpnic_tcp_cc_ack(&cc, una, 4000, 6000, mss, true);
	UNIT_OK(rx && cc.in_recovery && cc.cwnd == 6000,
		"cc: partial ACK: retransmit, deflate by 4, add 1 (RFC 6582 3.2 (5))");
	una += 6000;
	rx = mpnic_tcp_cc_ack(&cc, una, 6000, 0, mss, true);
	UNIT_OK(!rx && !cc.in_recovery && cc.cwnd == 2000,
		"cc: full ACK exits: cwnd = min(ssthresh, flight + 1 segment)");
	for (i = 0; i < 3; i++)
		rx = mpnic_tcp_cc_dupack(&cc, una - 1000, una + 2000, 2000, mss);
	UNIT_OK(!rx && !cc.in_recovery, "cc: dup ACKs below recover do not re-enter (RFC 6582)");

	cc.cwnd = 20 * mss;
	mpnic_tcp_cc_rto(&cc, una + 20000, 20000, mss);
	UNIT_OK(cc.cwnd == mss && cc.ssthresh == 10000 && !cc.in_recovery,
		"cc: RTO: cwnd 1 segment, ssthresh = flight/2");
	mpnic_tcp_cc_rto(&cc, una + 1000, 1000, mss);
	UNIT_OK(cc.ssthresh == 2 * mss, "cc: RTO: ssthresh at least 2 segments");
	una += 1000;
	mpnic_tcp_cc_ack(&cc, una, 1000, 0, mss, true);
	UNIT_OK(cc.cwnd == 2 * mss, "cc: after an RTO: slow start again");
	una += 1000;
	mpnic_tcp_cc_ack(&cc, una, 1000, 0, mss, false);
	UNIT_OK(cc.cwnd == 2 * mss, "cc: not cwnd-limited: no growth (RFC 7661)");
}

int main(void)
{
	test_cc();
	return unit_done();
}
