// SPDX-License-Identifier: GPL-2.0

#include "flow.h"

#ifdef __KERNEL__
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#endif

int mpnic_flow_table_init(struct mpnic_flow_table *tbl, u32 max, int node)
{
	u32 i;

	memset(tbl, 0, sizeof(*tbl));
	tbl->max = max;
	tbl->mask = roundup_pow_of_two(max) - 1;
	tbl->buckets = kvzalloc_node(array_size(tbl->mask + 1, sizeof(*tbl->buckets)),
				     GFP_KERNEL, node);
	tbl->entries = kvzalloc_node(array_size(max, sizeof(*tbl->entries)), GFP_KERNEL, node);
	if (!tbl->buckets || !tbl->entries) {
		mpnic_flow_table_free(tbl);
		return -ENOMEM;
	}
	for (i = 0; i < max; i++)
		tbl->entries[i].next = i + 2 <= max ? i + 2 : 0;
	tbl->free_head = max ? 1 : 0;
	return 0;
}

void mpnic_flow_table_free(struct mpnic_flow_table *tbl)
{
	kvfree(tbl->buckets);
	kvfree(tbl->entries);
	tbl->buckets = NULL;
	tbl->entries = NULL;
}

/* FNV-1a over the key */
u32 mpnic_flow_hash(const struct mpnic_flow_key *key)
{
	const u8 *p = (const u8 *)key;
	u32 h = 2166136261u;
	u32 i;

	for (i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* A flow's key as its received frames name it, from a frame of @dir */
void mpnic_flow_key_of(struct mpnic_flow_key *key, const struct mpnic_flow *flow,
		       enum mpnic_dir dir)
{
	memset(key, 0, sizeof(*key));
	key->l3 = flow->l3;
	key->proto = flow->l4proto;
	key->port = flow->port;
	if (dir == MPNIC_DIR_IN) {
		memcpy(key->saddr, flow->saddr, 16);
		memcpy(key->daddr, flow->daddr, 16);
		key->sport = flow->sport;
		key->dport = flow->dport;
	} else {
		memcpy(key->saddr, flow->daddr, 16);
		memcpy(key->daddr, flow->saddr, 16);
		key->sport = flow->dport;
		key->dport = flow->sport;
	}
}

static u32 mpnic_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void mpnic_flow_tcp_state(struct mpnic_flow_entry *fe, u8 flags, enum mpnic_dir dir);

static void mpnic_flow_tcp(struct mpnic_flow_entry *fe, const u8 *frame,
			   const struct mpnic_flow *flow, enum mpnic_dir dir)
{
	const u8 *th = frame + flow->l4_off;
	u8 flags = th[13];
	u32 hlen = (th[12] >> 4) * 4;
	u32 payload = flow->l3_off + flow->l3_len - flow->l4_off - hlen;
	u32 seq = mpnic_get_be32(th + 4);

	fe->next_seq[dir] = seq + payload + !!(flags & MPNIC_TH_SYN) + !!(flags & MPNIC_TH_FIN);
	if (flags & MPNIC_TH_RST) {
		fe->state = MPNIC_TCP_CLOSED;
		return;
	}
	if (flags & MPNIC_TH_FIN)
		fe->fin_seen |= 1 << dir;
	mpnic_flow_tcp_state(fe, flags, dir);
}

static void mpnic_flow_tcp_state(struct mpnic_flow_entry *fe, u8 flags, enum mpnic_dir dir)
{
	switch (fe->state) {
	case MPNIC_TCP_NONE:
	case MPNIC_TCP_CLOSED:
		if ((flags & (MPNIC_TH_SYN | MPNIC_TH_ACK)) == MPNIC_TH_SYN) {
			fe->state = MPNIC_TCP_SYN_SENT;
			fe->syn_dir = dir;
			fe->fin_seen = 0;
		} else if (fe->state == MPNIC_TCP_NONE) {
			/* Picked up mid-stream */
			fe->state = MPNIC_TCP_ESTABLISHED;
		}
		break;
	case MPNIC_TCP_SYN_SENT:
		if ((flags & (MPNIC_TH_SYN | MPNIC_TH_ACK)) == (MPNIC_TH_SYN | MPNIC_TH_ACK) &&
		    dir != fe->syn_dir)
			fe->state = MPNIC_TCP_SYN_RECV;
		break;
	case MPNIC_TCP_SYN_RECV:
		if ((flags & MPNIC_TH_ACK) && !(flags & MPNIC_TH_SYN) && dir == fe->syn_dir)
			fe->state = MPNIC_TCP_ESTABLISHED;
		break;
	case MPNIC_TCP_CLOSING:
		/* The last ACK after both FINs */
		if ((flags & MPNIC_TH_ACK) && !(flags & MPNIC_TH_FIN))
			fe->state = MPNIC_TCP_CLOSED;
		break;
	default:
		break;
	}
	if (fe->state == MPNIC_TCP_ESTABLISHED || fe->state == MPNIC_TCP_FIN_WAIT) {
		if (fe->fin_seen == 3)
			fe->state = MPNIC_TCP_CLOSING;
		else if (fe->fin_seen)
			fe->state = MPNIC_TCP_FIN_WAIT;
	}
}

/**
 * mpnic_flow_track - account a TCP or UDP packet to its flow
 * @tbl: the engine's table
 * @frame: the frame (for the TCP header)
 * @flow: its parse, which found an L4 header
 * @dir: received from the wire, or sent by the host
 * @now: the time in seconds
 *
 * Return: the flow's entry, or NULL when the packet is not tracked.
 */
struct mpnic_flow_entry *mpnic_flow_track(struct mpnic_flow_table *tbl, const u8 *frame,
					  const struct mpnic_flow *flow, enum mpnic_dir dir,
					  u32 now)
{
	struct mpnic_flow_entry *fe = NULL;
	struct mpnic_flow_key key;
	u32 b, idx;

	if (!flow->l4_off || (flow->frag & MPNIC_FRAG) ||
	    (flow->l4proto != 6 && flow->l4proto != 17))
		return NULL;
	mpnic_flow_key_of(&key, flow, dir);
	b = mpnic_flow_hash(&key) & tbl->mask;
	for (idx = tbl->buckets[b]; idx; idx = fe->next) {
		fe = &tbl->entries[idx - 1];
		if (!memcmp(&fe->key, &key, sizeof(key)))
			break;
	}
	if (!idx) {
		if (!tbl->free_head) {
			tbl->stats.table_full++;
			return NULL;
		}
		idx = tbl->free_head;
		fe = &tbl->entries[idx - 1];
		tbl->free_head = fe->next;
		memset(fe, 0, sizeof(*fe));
		fe->key = key;
		fe->next = tbl->buckets[b];
		tbl->buckets[b] = idx;
		tbl->active++;
		tbl->stats.created++;
	}
	mpnic_flow_account(fe, frame, flow, dir, now);
	return fe;
}

/**
 * mpnic_flow_account - account a packet to its flow's entry
 * @fe: from mpnic_flow_track(), same flow and direction, no aging since
 * @frame: the frame (for the TCP header)
 * @flow: its parse
 * @dir: received from the wire, or sent by the host
 * @now: the time in seconds
 */
void mpnic_flow_account(struct mpnic_flow_entry *fe, const u8 *frame,
			const struct mpnic_flow *flow, enum mpnic_dir dir, u32 now)
{
	fe->last_seen = now;
	fe->pkts[dir]++;
	fe->bytes[dir] += flow->l3_len;
	if (flow->l4proto == 6)
		mpnic_flow_tcp(fe, frame, flow, dir);
}

/**
 * mpnic_flow_account_run - account the segments that continue a packet
 * @fe: the first segment's entry, no aging since
 * @dir: their direction
 * @now: the time in seconds
 * @pkts: segments in the run
 * @bytes: their IP bytes in all
 * @next_seq: the sequence number that follows the last of them
 * @flags: their TCP flags, without SYN, FIN or RST
 *
 * Equivalent to accounting each segment: without SYN, FIN or RST the
 * state takes one step more at most (tools/unit checks every state).
 */
void mpnic_flow_account_run(struct mpnic_flow_entry *fe, enum mpnic_dir dir, u32 now,
			    u32 pkts, u64 bytes, u32 next_seq, u8 flags)
{
	if (!pkts)
		return;
	fe->last_seen = now;
	fe->pkts[dir] += pkts;
	fe->bytes[dir] += bytes;
	fe->next_seq[dir] = next_seq;
	mpnic_flow_tcp_state(fe, flags, dir);
}

/**
 * mpnic_flow_age - expire idle flows, a few buckets at a time
 * @tbl: the engine's table
 * @now: the time in seconds
 * @timeout: idle seconds after which a flow expires
 * @closed_timeout: the same for closed TCP flows
 * @budget: buckets to look at in this call
 *
 * Return: flows expired.
 */
u32 mpnic_flow_age(struct mpnic_flow_table *tbl, u32 now, u32 timeout,
		   u32 closed_timeout, u32 budget)
{
	u32 expired = 0;

	while (budget--) {
		u32 *link = &tbl->buckets[tbl->age_pos];

		while (*link) {
			u32 idx = *link;
			struct mpnic_flow_entry *fe = &tbl->entries[idx - 1];
			u32 limit = fe->state == MPNIC_TCP_CLOSED ? closed_timeout : timeout;

			if (now - fe->last_seen < limit) {
				link = &fe->next;
				continue;
			}
			*link = fe->next;
			fe->next = tbl->free_head;
			tbl->free_head = idx;
			tbl->active--;
			expired++;
		}
		tbl->age_pos = (tbl->age_pos + 1) & tbl->mask;
	}
	tbl->stats.expired += expired;
	return expired;
}

const char *mpnic_tcp_state_name(u8 state)
{
	static const char * const names[] = {
		[MPNIC_TCP_NONE]	= "-",
		[MPNIC_TCP_SYN_SENT]	= "SYN_SENT",
		[MPNIC_TCP_SYN_RECV]	= "SYN_RECV",
		[MPNIC_TCP_ESTABLISHED]	= "ESTABLISHED",
		[MPNIC_TCP_FIN_WAIT]	= "FIN_WAIT",
		[MPNIC_TCP_CLOSING]	= "CLOSING",
		[MPNIC_TCP_CLOSED]	= "CLOSED",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
