// SPDX-License-Identifier: GPL-2.0
/*
 * An engine's stack instance: validation of what arrives from the wire,
 * with its own counters in the style of the SNMP MIBs (claims 2-6, 14-16).
 * Nothing here is shared with another engine.
 */

#include <linux/in.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "mpnic.h"

/* TCP/UDP checksum over the pseudo-header; true when it verifies. */
static bool mpnic_stack_l4_csum(const u8 *frame, const struct mpnic_flow *flow)
{
	u32 len = flow->l3_off + flow->l3_len - flow->l4_off;
	const u8 *l4 = frame + flow->l4_off;
	__wsum sum = csum_partial(l4, len, 0);

	if (flow->l3 == 4)
		return !csum_tcpudp_magic(*(__be32 *)flow->saddr, *(__be32 *)flow->daddr,
					  len, flow->l4proto, sum);
	return !csum_ipv6_magic((const struct in6_addr *)flow->saddr,
				(const struct in6_addr *)flow->daddr,
				len, flow->l4proto, sum);
}

/**
 * mpnic_stack_rx - validate a received frame in card memory
 * @eng: the engine
 * @frame: the frame
 * @len: its length
 * @csum_ok: set when the TCP/UDP checksum was verified
 *
 * Context: engine kthread.
 * Return: true to deliver the frame, false when it was dropped and counted.
 */
bool mpnic_stack_rx(struct mpnic_engine *eng, const u8 *frame, u32 len, bool *csum_ok)
{
	struct mpnic_engine_stats *st = &eng->stats;
	struct mpnic_flow flow;
	const u8 *l4;

	*csum_ok = false;
	mpnic_stat_inc(st, in_receives);
	switch (mpnic_parse(frame, len, len, &flow)) {
	case MPNIC_PARSE_OK:
		break;
	case MPNIC_PARSE_NOT_IP:
		mpnic_stat_inc(st, in_not_ip);
		return true;
	case MPNIC_PARSE_TRUNC_L2:
	case MPNIC_PARSE_TRUNC_L3:
		mpnic_stat_inc(st, in_truncated);
		return false;
	case MPNIC_PARSE_TRUNC_L4:
	case MPNIC_PARSE_BAD_L4:
		mpnic_stat_inc(st, in_l4_errors);
		return false;
	default:
		mpnic_stat_inc(st, in_hdr_errors);
		return false;
	}
	if (flow.l3 == 4 && ip_fast_csum(frame + flow.l3_off, frame[flow.l3_off] & 0xf)) {
		mpnic_stat_inc(st, in_ip_csum_errors);
		return false;
	}
	/* Fragments are checked by whoever reassembles them */
	if (!flow.l4_off || (flow.frag & MPNIC_FRAG))
		return true;

	l4 = frame + flow.l4_off;
	/* A zero UDP checksum means "none" over IPv4, and is invalid over IPv6 */
	if (flow.l4proto == IPPROTO_UDP && !l4[6] && !l4[7]) {
		if (flow.l3 == 4)
			return true;
		mpnic_stat_inc(st, in_csum_errors);
		return false;
	}
	if (!mpnic_stack_l4_csum(frame, &flow)) {
		mpnic_stat_inc(st, in_csum_errors);
		return false;
	}
	mpnic_stat_inc(st, in_csum_verified);
	*csum_ok = true;
	return true;
}
