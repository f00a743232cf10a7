// SPDX-License-Identifier: GPL-2.0
/*
 * An engine's stack instance: validation of what arrives from the wire,
 * with its own counters (claims 2-6, 14-16). Nothing here is shared with
 * another engine.
 */

#include <linux/ip.h>
#include <net/checksum.h>

#include "mpnic.h"

/**
 * mpnic_stack_rx - validate a received frame in card memory
 * @eng: the engine
 * @frame: the frame
 * @len: its length
 * @csum_ok: set when the L4 checksum was verified
 *
 * Context: engine kthread.
 * Return: true to deliver the frame, false when it was dropped and counted.
 */
bool mpnic_stack_rx(struct mpnic_engine *eng, const u8 *frame, u32 len, bool *csum_ok)
{
	struct mpnic_engine_stats *st = &eng->stats;
	struct mpnic_flow flow;

	mpnic_stat_inc(st, in_receives);
	switch (mpnic_parse(frame, len, len, &flow)) {
	case MPNIC_PARSE_OK:
		break;
	case MPNIC_PARSE_NOT_IP:
		mpnic_stat_inc(st, in_not_ip);
		return true;
	case MPNIC_PARSE_TRUNC_L4:
	case MPNIC_PARSE_BAD_L4:
		mpnic_stat_inc(st, in_l4_errors);
		return false;
	default:
		mpnic_stat_inc(st, in_hdr_errors);
		return false;
	}
	if (flow.l3 == 4) {
		const u8 *ip = frame + flow.l3_off;

		if (ip_fast_csum(ip, ip[0] & 0xf)) {
			mpnic_stat_inc(st, in_csum_errors);
			return false;
		}
	}
	*csum_ok = false;
	return true;
}
