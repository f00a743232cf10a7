// SPDX-License-Identifier: GPL-2.0
/* An engine's stack instance: validation and flow tracking, per engine */

#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

/* Aging passes per second while busy; they sweep the table once a second */
#define MPNIC_FLOW_AGE_HZ		10

static void mpnic_stack_sync_stats(struct mpnic_engine *eng)
{
	struct mpnic_engine_stats *st = &eng->stats;
	struct mpnic_flow_table *tbl = &eng->flows;

	u64_stats_update_begin(&st->syncp);
	WRITE_ONCE(st->flows_created, tbl->stats.created);
	WRITE_ONCE(st->flows_expired, tbl->stats.expired);
	WRITE_ONCE(st->flows_table_full, tbl->stats.table_full);
	WRITE_ONCE(st->flows_active, tbl->active);
	u64_stats_update_end(&st->syncp);
}

/* A received frame's entry stays in eng->gro.rx_fe, for GRO's followers */
static struct mpnic_flow_entry *mpnic_stack_track(struct mpnic_engine *eng, const u8 *frame,
						  const struct mpnic_flow *flow,
						  enum mpnic_dir dir)
{
	struct mpnic_engine_stats *st = &eng->stats;
	struct mpnic_flow_entry *fe;
	bool in = dir == MPNIC_DIR_IN;

	if (flow->l4proto == IPPROTO_TCP && in)
		mpnic_stat_inc(st, tcp_in_segs);
	else if (flow->l4proto == IPPROTO_TCP)
		mpnic_stat_inc(st, tcp_out_segs);
	else if (flow->l4proto == IPPROTO_UDP && in)
		mpnic_stat_inc(st, udp_in_datagrams);
	else if (flow->l4proto == IPPROTO_UDP)
		mpnic_stat_inc(st, udp_out_datagrams);
	else
		return NULL;
	spin_lock(&eng->flows_lock);
	fe = mpnic_flow_track(&eng->flows, frame, flow, dir, (u32)ktime_get_seconds());
	spin_unlock(&eng->flows_lock);
	if (in)
		eng->gro.rx_fe = fe;
	return fe;
}

/**
 * mpnic_stack_tx - the stack's view of a frame the host sends
 * @eng: the engine
 * @port: the card port it leaves by
 * @frame: the frame in card memory, checksums complete
 * @len: its length
 * @flow: set to its parse
 *
 * Context: engine kthread.
 * Return: the flow entry the frame was accounted to, or NULL (untracked).
 */
struct mpnic_flow_entry *mpnic_stack_tx(struct mpnic_engine *eng, u8 port, const u8 *frame,
					u32 len, struct mpnic_flow *flow)
{
	u8 profile = READ_ONCE(eng->profile);

	if (profile == MPNIC_PROFILE_L2) {
		mpnic_stat_inc(&eng->stats, tx_passthrough);
		return NULL;
	}
	if (mpnic_parse(frame, len, len, flow) != MPNIC_PARSE_OK || !flow->l4_off ||
	    (flow->frag & MPNIC_FRAG))
		return NULL;
	flow->port = port;
	if (flow->l4proto == IPPROTO_TCP && profile == MPNIC_PROFILE_UDP) {
		mpnic_stat_inc(&eng->stats, tx_passthrough);
		return NULL;
	}
	return mpnic_stack_track(eng, frame, flow, MPNIC_DIR_OUT);
}

/**
 * mpnic_stack_follow - the stack's view of the segments that continued one
 * @eng: the engine
 * @fe: the flow entry of their packet's first segment
 * @dir: MPNIC_DIR_IN: segments mpnic_gro_follow() merged; MPNIC_DIR_OUT: a
 *	TSO packet's segments after the first
 * @pkts: how many
 * @bytes: their IP bytes in all
 * @next_seq: the sequence number after the last of them
 * @flags: their TCP flags, without SYN, FIN or RST
 *
 * They are the first segment's flow: accounted at once, with no parse or
 * lookup.
 *
 * Context: engine kthread, in the pass that tracked the first segment.
 */
void mpnic_stack_follow(struct mpnic_engine *eng, struct mpnic_flow_entry *fe,
			enum mpnic_dir dir, u32 pkts, u32 bytes, u32 next_seq, u8 flags)
{
	struct mpnic_engine_stats *st = &eng->stats;

	u64_stats_update_begin(&st->syncp);
	if (dir == MPNIC_DIR_IN) {
		WRITE_ONCE(st->in_receives, st->in_receives + pkts);
		WRITE_ONCE(st->in_csum_filled, st->in_csum_filled + pkts);
		WRITE_ONCE(st->tcp_in_segs, st->tcp_in_segs + pkts);
	} else {
		WRITE_ONCE(st->tcp_out_segs, st->tcp_out_segs + pkts);
	}
	u64_stats_update_end(&st->syncp);
	spin_lock(&eng->flows_lock);
	mpnic_flow_account_run(fe, dir, (u32)ktime_get_seconds(), pkts, bytes, next_seq, flags);
	spin_unlock(&eng->flows_lock);
}

/**
 * mpnic_stack_age - publish the table's figures, expire idle flows
 * @eng: the engine
 *
 * Context: engine kthread; does work at most MPNIC_FLOW_AGE_HZ times a second.
 */
void mpnic_stack_age(struct mpnic_engine *eng)
{
	u32 buckets = eng->flows.mask + 1;
	unsigned long now = jiffies;
	u32 expired, elapsed;

	/* Once per pass, not per packet */
	mpnic_stack_sync_stats(eng);
	if (time_before(now, eng->age_next))
		return;
	/* A share of the table in proportion to the time since the last pass */
	elapsed = min_t(unsigned long, now - eng->age_last, HZ);
	eng->age_last = now;
	eng->age_next = now + HZ / MPNIC_FLOW_AGE_HZ;
	if (!eng->flows.active)
		return;
	spin_lock(&eng->flows_lock);
	expired = mpnic_flow_age(&eng->flows, (u32)ktime_get_seconds(),
				 READ_ONCE(eng->card->flow_timeout),
				 READ_ONCE(eng->card->flow_closed_timeout),
				 max_t(u32, 1, DIV_ROUND_UP(buckets * elapsed, HZ)));
	spin_unlock(&eng->flows_lock);
	/* The engine may sleep for good now: publish before it does */
	if (expired)
		mpnic_stack_sync_stats(eng);
}

int mpnic_stack_init(struct mpnic_engine *eng, int node)
{
	spin_lock_init(&eng->flows_lock);
	return mpnic_flow_table_init(&eng->flows, MPNIC_FLOWS_DEFAULT, node);
}

void mpnic_stack_exit(struct mpnic_engine *eng)
{
	mpnic_flow_table_free(&eng->flows);
}

static bool mpnic_stack_l4_csum(const u8 *frame, const struct mpnic_flow *flow);
static bool mpnic_stack_l4_fold(const struct mpnic_flow *flow, __wsum sum);

/**
 * mpnic_stack_csum_ok - whether a parsed frame's checksums verify
 * @frame: the frame
 * @flow: its parse (mpnic_parse() returned MPNIC_PARSE_OK)
 *
 * Counts nothing.
 */
bool mpnic_stack_csum_ok(const u8 *frame, const struct mpnic_flow *flow)
{
	if (flow->l3 == 4 && ip_fast_csum(frame + flow->l3_off, frame[flow->l3_off] & 0xf))
		return false;
	if (!flow->l4_off || (flow->frag & MPNIC_FRAG))
		return true;
	return mpnic_stack_l4_csum(frame, flow);
}

static bool mpnic_stack_l4_csum(const u8 *frame, const struct mpnic_flow *flow)
{
	return mpnic_stack_l4_fold(flow, csum_partial(frame + flow->l4_off,
						      mpnic_stack_l4_len(flow), 0));
}

/* @sum: of the L4 header and payload; true when it verifies */
static bool mpnic_stack_l4_fold(const struct mpnic_flow *flow, __wsum sum)
{
	u32 len = mpnic_stack_l4_len(flow);

	if (flow->l3 == 4)
		return !csum_tcpudp_magic(*(__be32 *)flow->saddr, *(__be32 *)flow->daddr,
					  len, flow->l4proto, sum);
	return !csum_ipv6_magic((const struct in6_addr *)flow->saddr,
				(const struct in6_addr *)flow->daddr,
				len, flow->l4proto, sum);
}

/* The port's sum covers the TCP/UDP checksum the stack would verify */
bool mpnic_stack_csum_filled(const struct mpnic_rx_desc *desc,
			     const struct mpnic_flow *flow)
{
	u32 field = flow->l4proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
						   offsetof(struct udphdr, check);

	return (desc->flags & MPNIC_DESC_CSUM_FILLED) && desc->csum_start == flow->l4_off &&
	       desc->csum_off == field && desc->len == flow->l3_off + flow->l3_len;
}

/**
 * mpnic_stack_rx - validate a received frame in card memory
 * @eng: the engine
 * @desc: its input descriptor
 * @frame: the frame
 * @flow: set to its parse
 * @rxcsum: verify checksums (rx-checksum on); else leave them to the host
 * @csum: set to what is known of the TCP/UDP checksum: MPNIC_CSUM_LATE
 *	when delivery is to sum it as it copies (mpnic_stack_rx_csum())
 *
 * A checksum the port filled in is good by construction, as one a NIC's
 * MAC has just summed, when it covers exactly what the stack parsed.
 *
 * Context: engine kthread.
 * Return: true to deliver the frame, false when it was dropped and counted.
 */
bool mpnic_stack_rx(struct mpnic_engine *eng, const struct mpnic_rx_desc *desc,
		    const u8 *frame, struct mpnic_flow *flow, bool rxcsum,
		    enum mpnic_csum *csum)
{
	struct mpnic_engine_stats *st = &eng->stats;
	const u8 *l4;

	*csum = MPNIC_CSUM_NONE;
	eng->gro.rx_fe = NULL;
	mpnic_stat_inc(st, in_receives);
	if (READ_ONCE(eng->profile) == MPNIC_PROFILE_L2) {
		memset(flow, 0, sizeof(*flow));
		goto passthrough;
	}
	switch (mpnic_parse(frame, desc->len, desc->len, flow)) {
	case MPNIC_PARSE_OK:
		flow->port = desc->port;
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
	if (flow->l4proto == IPPROTO_TCP && READ_ONCE(eng->profile) == MPNIC_PROFILE_UDP)
		goto passthrough;
	if (!rxcsum) {
		/* The host checks them, and counts what is wrong */
		mpnic_stat_inc(st, in_csum_unchecked);
		if (flow->l4_off && !(flow->frag & MPNIC_FRAG))
			mpnic_stack_track(eng, frame, flow, MPNIC_DIR_IN);
		return true;
	}
	if (flow->l3 == 4 && ip_fast_csum(frame + flow->l3_off, frame[flow->l3_off] & 0xf)) {
		mpnic_stat_inc(st, in_ip_csum_errors);
		return false;
	}
	/* Fragments are checked by whoever reassembles them */
	if (!flow->l4_off || (flow->frag & MPNIC_FRAG))
		return true;

	l4 = frame + flow->l4_off;
	/* A zero UDP checksum means "none" over IPv4, and is invalid over IPv6 */
	if (flow->l4proto == IPPROTO_UDP && !l4[6] && !l4[7]) {
		if (flow->l3 == 4) {
			mpnic_stack_track(eng, frame, flow, MPNIC_DIR_IN);
			return true;
		}
		mpnic_stat_inc(st, in_csum_errors);
		return false;
	}
	if (mpnic_stack_csum_filled(desc, flow)) {
		mpnic_stat_inc(st, in_csum_filled);
		mpnic_stack_track(eng, frame, flow, MPNIC_DIR_IN);
		*csum = MPNIC_CSUM_GOOD;
		return true;
	}
	/* One pass over the payload, not two: it is summed as it is copied */
	*csum = MPNIC_CSUM_LATE;
	return true;

passthrough:
	mpnic_stat_inc(st, rx_passthrough);
	return true;
}

/**
 * mpnic_stack_rx_csum - the late TCP/UDP checksum check of mpnic_stack_rx()
 * @eng: the engine
 * @frame: the frame, in card memory
 * @flow: its parse
 * @sum: the sum of its L4 header and payload, taken as it was copied
 *
 * Context: engine kthread.
 * Return: true to deliver the frame, false to drop it (counted).
 */
bool mpnic_stack_rx_csum(struct mpnic_engine *eng, const u8 *frame,
			 const struct mpnic_flow *flow, __wsum sum)
{
	if (unlikely(!mpnic_stack_l4_fold(flow, sum))) {
		mpnic_stat_inc(&eng->stats, in_csum_errors);
		return false;
	}
	mpnic_stat_inc(&eng->stats, in_csum_verified);
	mpnic_stack_track(eng, frame, flow, MPNIC_DIR_IN);
	return true;
}
