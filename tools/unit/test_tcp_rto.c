// SPDX-License-Identifier: GPL-2.0
/* The engine's TCP: RFC 6298's estimator: first sample, later samples, backoff, bounds */
#include "unit.h"
#include "../../drivers/net/mpnic/tcp.h"

static void test_rtt(void)
{
	struct mpnic_tcp_rtt rtt;
	int i;

	mpnic_tcp_rtt_init(&rtt, 0, 0);
	UNIT_OK(rtt.srtt_us == 0 && mpnic_tcp_rto(&rtt) == 1000000,
		"rtt: no sample: RTO 1 s (RFC 6298 2.1)");
	mpnic_tcp_rtt_sample(&rtt, 100000);
	UNIT_OK(rtt.srtt_us == 100000 && rtt.rttvar_us == 50000 && rtt.rto_us == 300000,
		"rtt: first sample: srtt = R, rttvar = R/2, rto = srtt + 4 rttvar");
	mpnic_tcp_rtt_sample(&rtt, 200000);
	/* rttvar = 3/4 * 50000 + 1/4 * 100000; srtt = 7/8 * 100000 + 1/8 * 200000 */
	UNIT_OK(rtt.rttvar_us == 62500 && rtt.srtt_us == 112500 && rtt.rto_us == 362500,
		"rtt: next sample: alpha 1/8, beta 1/4 (rttvar from the old srtt)");
	for (i = 0; i < 50; i++)
		mpnic_tcp_rtt_sample(&rtt, 1000);
	UNIT_OK(rtt.srtt_us < 2000 && rtt.rto_us == 200000,
		"rtt: a short RTT stops at the 200 ms floor");
	mpnic_tcp_rtt_sample(&rtt, 0);
	UNIT_OK(rtt.srtt_us > 0, "rtt: a zero sample counts as 1 us, srtt stays set");
	mpnic_tcp_rtt_init(&rtt, 0, 0);
	mpnic_tcp_rtt_sample(&rtt, 100000000);
	UNIT_OK(rtt.rto_us == 120000000, "rtt: a long RTT stops at the 120 s bound");

	mpnic_tcp_rtt_init(&rtt, 100000, 25000);
	UNIT_OK(mpnic_tcp_rto(&rtt) == 200000, "rtt: handoff estimate: 100 + 4 * 25 ms");
	mpnic_tcp_rto_backoff(&rtt);
	mpnic_tcp_rto_backoff(&rtt);
	UNIT_OK(rtt.backoff == 2 && mpnic_tcp_rto(&rtt) == 800000,
		"rto: two expiries: the timer doubles twice (RFC 6298 5.5)");
	for (i = 0; i < 40; i++)
		mpnic_tcp_rto_backoff(&rtt);
	UNIT_OK(mpnic_tcp_rto(&rtt) == 120000000 && rtt.backoff < 12,
		"rto: backoff stops at 120 s, the shift stays bounded");
	mpnic_tcp_rtt_sample(&rtt, 100000);
	UNIT_OK(rtt.backoff != 0, "rto: a sample leaves the backoff to the ACK path");
}

int main(void)
{
	test_rtt();
	return unit_done();
}
