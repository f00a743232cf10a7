// SPDX-License-Identifier: GPL-2.0
/*
 * An engine's table of offloaded TCP connections (toe.h). Only the seam
 * inserts, so while nothing is offloaded every lookup is skipped and the
 * datapath is the one it was.
 */

#include <linux/log2.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "mpnic.h"
#include "toe.h"

/* Context: process context, may sleep */
int mpnic_toe_table_init(struct mpnic_engine *eng, u32 max, int node)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	u32 n = roundup_pow_of_two(clamp_val(max, 1, MPNIC_TOE_CONNS_MAX));
	u32 i;

	spin_lock_init(&tbl->lock);
	atomic64_set(&tbl->mem, 0);
	init_llist_head(&eng->toe_work);
	INIT_LIST_HEAD(&eng->toe_conns);
	atomic_set(&eng->toe_port_stop, 0);
	atomic_set(&tbl->used, 0);
	tbl->entries = 0;
	tbl->buckets = kvmalloc_node(array_size(n, sizeof(*tbl->buckets)), GFP_KERNEL, node);
	if (!tbl->buckets)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		INIT_HLIST_HEAD(&tbl->buckets[i]);
	tbl->mask = n - 1;
	return 0;
}

/* Context: the engine stopped; no handoff can reach it (its card's ports are gone) */
void mpnic_toe_table_exit(struct mpnic_engine *eng)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_entry *e;
	struct hlist_node *tmp;
	u32 b;

	/* mpnic_toe_engine_stop() reset and removed every connection */
	for (b = 0; b <= tbl->mask; b++) {
		hlist_for_each_entry_safe(e, tmp, &tbl->buckets[b], node) {
			WARN_ON_ONCE(1);
			hlist_del(&e->node);
			kfree(e);
		}
	}
	kvfree(tbl->buckets);
	tbl->buckets = NULL;
}

static struct hlist_head *mpnic_toe_bucket(struct mpnic_toe_table *tbl,
					   const struct mpnic_flow_key *key)
{
	return &tbl->buckets[mpnic_flow_hash(key) & tbl->mask];
}

/**
 * mpnic_toe_reserve - hold a place in the engine's table for a handoff
 * @eng: the engine
 * @max: the limit, devlink param toe_max_conns
 *
 * Context: any.
 * Return: false when the table is full.
 */
bool mpnic_toe_reserve(struct mpnic_engine *eng, u32 max)
{
	int used = atomic_read(&eng->toe.used);

	do {
		if (used >= max)
			return false;
	} while (!atomic_try_cmpxchg(&eng->toe.used, &used, used + 1));
	return true;
}

/* A reservation the handoff did not turn into an entry */
void mpnic_toe_unreserve(struct mpnic_engine *eng)
{
	WARN_ON_ONCE(atomic_dec_return(&eng->toe.used) < 0);
}

/**
 * mpnic_toe_insert - offload a tuple to this engine
 * @eng: the engine, its place reserved (mpnic_toe_reserve())
 * @key: the tuple, as received
 * @conn: the engine's connection; the entry owns it from here
 *
 * From here on dispatch steers the tuple to @eng whatever RSS, ntuple or
 * aRFS say, and its segments go to mpnic_toe_input().
 *
 * Context: the seam only; process context.
 * Return: 0, -EEXIST (the tuple is offloaded already) or -ENOMEM; on
 * error the reservation is still the caller's.
 */
int mpnic_toe_insert(struct mpnic_engine *eng, const struct mpnic_flow_key *key,
		     struct mpnic_toe_conn *conn)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_entry *e, *new;
	struct hlist_head *head;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->key = *key;
	new->conn = conn;
	head = mpnic_toe_bucket(tbl, key);
	spin_lock_bh(&tbl->lock);
	hlist_for_each_entry(e, head, node) {
		if (!memcmp(&e->key, key, sizeof(*key))) {
			spin_unlock_bh(&tbl->lock);
			kfree(new);
			return -EEXIST;
		}
	}
	hlist_add_head_rcu(&new->node, head);
	tbl->entries++;
	spin_unlock_bh(&tbl->lock);
	/* Dispatch looks the tuple up only while its card has a connection */
	atomic_inc(&eng->card->toe_conns);
	return 0;
}

/**
 * mpnic_toe_remove_entry - the connection is over: its tuple leaves the table
 * @eng: the engine
 * @key: the tuple
 *
 * The entry is freed after the readers under RCU; the connection is the
 * caller's to put.
 *
 * Context: any, the engine's kthread as a rule.
 */
void mpnic_toe_remove_entry(struct mpnic_engine *eng, const struct mpnic_flow_key *key)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_entry *e;

	spin_lock_bh(&tbl->lock);
	hlist_for_each_entry(e, mpnic_toe_bucket(tbl, key), node) {
		if (!memcmp(&e->key, key, sizeof(*key))) {
			hlist_del_rcu(&e->node);
			tbl->entries--;
			spin_unlock_bh(&tbl->lock);
			atomic_dec(&eng->card->toe_conns);
			mpnic_toe_unreserve(eng);
			kfree_rcu(e, rcu);
			return;
		}
	}
	spin_unlock_bh(&tbl->lock);
}

/* Whether a connection of @port is in the table. Context: any */
bool mpnic_toe_port_has(struct mpnic_engine *eng, u8 port)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_entry *e;
	bool has = false;
	u32 b;

	if (!tbl->buckets || !atomic_read(&tbl->used))
		return false;
	spin_lock_bh(&tbl->lock);
	for (b = 0; b <= tbl->mask && !has; b++)
		hlist_for_each_entry(e, &tbl->buckets[b], node)
			has |= e->key.port == port;
	spin_unlock_bh(&tbl->lock);
	return has;
}

/* Context: RCU or RCU-bh read side */
struct mpnic_toe_entry *mpnic_toe_lookup(struct mpnic_engine *eng,
					 const struct mpnic_flow_key *key)
{
	struct mpnic_toe_entry *e;

	if (!atomic_read(&eng->toe.used))
		return NULL;
	hlist_for_each_entry_rcu(e, mpnic_toe_bucket(&eng->toe, key), node,
				 rcu_read_lock_bh_held()) {
		if (!memcmp(&e->key, key, sizeof(*key)))
			return e;
	}
	return NULL;
}

/**
 * mpnic_toe_walk - each connection of an engine's table, for a dump
 * @eng: the engine
 * @bucket: in: the chain to start at; out: where @cb stopped the walk
 * @pos: in: entries of that chain already shown; out: likewise
 * @cb: called with each connection's tuple and view; nonzero stops the walk
 * @arg: @cb's
 *
 * Under RCU, so the engine never waits for a reader: the entry and its
 * connection are freed after a grace period (kfree_rcu(), call_rcu()). A
 * dump across several calls may miss or repeat a connection that came or
 * went between them. One whose engine has not published its view yet
 * (it has not taken the connection from its request list) is left out:
 * its view would be zeros, not its TCP's.
 *
 * Context: process context.
 * Return: 0 at the table's end, else what @cb returned.
 */
int mpnic_toe_walk(struct mpnic_engine *eng, u32 *bucket, u32 *pos,
		   mpnic_toe_walk_cb_t cb, void *arg)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_conn_info ci;
	struct mpnic_toe_entry *e;
	int err = 0;

	if (!tbl->buckets)
		return 0;
	rcu_read_lock();
	for (; *bucket <= tbl->mask; (*bucket)++, *pos = 0) {
		u32 i = 0;

		hlist_for_each_entry_rcu(e, &tbl->buckets[*bucket], node) {
			if (i++ < *pos)
				continue;
			/* Each publish adds 2 to the count: 0 is never published */
			if (!raw_read_seqcount(&e->conn->view_seq)) {
				(*pos)++;
				continue;
			}
			ci.key = e->key;
			mpnic_toe_read_view(e->conn, &ci.view);
			err = cb(arg, &ci);
			if (err)
				goto out_unlock;
			(*pos)++;
		}
	}
out_unlock:
	rcu_read_unlock();
	return err;
}

/**
 * mpnic_toe_rx - take a received segment of an offloaded connection
 * @eng: the engine
 * @frame: the frame, in card memory
 * @desc: its input descriptor
 * @flow: its parse by the stack instance, which found it valid
 * @csum_checked: the stack verified its checksums (else done here)
 *
 * The hook sits after the stack's header checks and before hardware GRO
 * and DMA #2: a taken segment never reaches a host queue.
 *
 * Context: engine kthread, RCU read side.
 * Return: true when the segment was taken (given to the connection, or
 * dropped and counted); false for the host's path.
 */
bool mpnic_toe_rx(struct mpnic_engine *eng, const u8 *frame,
		  const struct mpnic_rx_desc *desc, const struct mpnic_flow *flow,
		  bool csum_checked)
{
	struct mpnic_toe_entry *e;
	struct mpnic_flow_key key;

	if (flow->l4proto != IPPROTO_TCP || !flow->l4_off || (flow->frag & MPNIC_FRAG))
		return false;
	mpnic_flow_key_of(&key, flow, MPNIC_DIR_IN);
	key.port = desc->port;
	e = mpnic_toe_lookup(eng, &key);
	if (!e)
		return false;
	mpnic_stat_inc(&eng->stats, toe_rx_segs);
	if (!csum_checked && !mpnic_stack_csum_ok(frame, flow)) {
		mpnic_stat_inc(&eng->stats, toe_drop_csum);
		return true;
	}
	mpnic_toe_input(eng, e->conn, frame, flow);
	return true;
}
