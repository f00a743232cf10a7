// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's TCP: RFC 6298's retransmission timer estimator, in
 * microseconds. The RTO is held within Linux's bounds, 200 ms and 120 s,
 * rather than RFC 6298 2.4's 1 s floor, so the engine retransmits like the
 * host's TCP it replaces; the clock granularity G is below the floor.
 */

#include "tcp.h"

static u32 mpnic_tcp_rto_clamp(u64 rto)
{
	if (rto < MPNIC_TCP_RTO_MIN_US)
		return MPNIC_TCP_RTO_MIN_US;
	return rto > MPNIC_TCP_RTO_MAX_US ? MPNIC_TCP_RTO_MAX_US : (u32)rto;
}

/* From the handoff: the host's estimate, or none (RFC 6298 2.1: 1 s) */
void mpnic_tcp_rtt_init(struct mpnic_tcp_rtt *rtt, u32 srtt_us, u32 rttvar_us)
{
	rtt->srtt_us = srtt_us;
	rtt->rttvar_us = rttvar_us;
	rtt->backoff = 0;
	if (srtt_us)
		rtt->rto_us = mpnic_tcp_rto_clamp((u64)srtt_us + 4ULL * rttvar_us);
	else
		rtt->rto_us = MPNIC_TCP_RTO_INIT_US;
}

/**
 * mpnic_tcp_rtt_sample - fold one RTT measurement in (RFC 6298 2.2, 2.3)
 * @rtt: the estimator
 * @sample_us: the measurement; the caller follows Karn's rule
 *
 * alpha = 1/8, beta = 1/4, K = 4. The backoff is the caller's to clear, on
 * an ACK of new data (RFC 6298 5.7's note).
 */
void mpnic_tcp_rtt_sample(struct mpnic_tcp_rtt *rtt, u32 sample_us)
{
	u32 r = sample_us ? sample_us : 1;
	u32 delta;

	if (!rtt->srtt_us) {
		rtt->srtt_us = r;
		rtt->rttvar_us = r / 2;
	} else {
		delta = rtt->srtt_us > r ? rtt->srtt_us - r : r - rtt->srtt_us;
		rtt->rttvar_us = (u32)((3ULL * rtt->rttvar_us + delta) / 4);
		rtt->srtt_us = (u32)((7ULL * rtt->srtt_us + r) / 8);
		if (!rtt->srtt_us)
			rtt->srtt_us = 1;
	}
	rtt->rto_us = mpnic_tcp_rto_clamp((u64)rtt->srtt_us + 4ULL * rtt->rttvar_us);
}

/* RFC 6298 5.5: an expiry doubles the timer, up to the bound */
void mpnic_tcp_rto_backoff(struct mpnic_tcp_rtt *rtt)
{
	if (mpnic_tcp_rto(rtt) < MPNIC_TCP_RTO_MAX_US)
		rtt->backoff++;
}

/* The timer to arm now: the estimate, backed off */
u32 mpnic_tcp_rto(const struct mpnic_tcp_rtt *rtt)
{
	return mpnic_tcp_rto_clamp((u64)rtt->rto_us << rtt->backoff);
}
