/* SPDX-License-Identifier: GPL-2.0 */
/* The aRFS filter table: arfs.c writes it, dispatch reads it */
#ifndef _MPNIC_ARFS_H
#define _MPNIC_ARFS_H

#include <linux/rculist.h>
#include <linux/workqueue.h>

#include "mpnic.h"

#ifdef CONFIG_RFS_ACCEL
#define MPNIC_ARFS_BUCKETS	256
#define MPNIC_ARFS_MAX		1024	/* filters per port */

struct mpnic_arfs_filter {
	struct hlist_node node;		/* in its bucket: RCU, written under lock */
	struct rcu_head rcu;
	struct mpnic_flow_key key;	/* as the flow's received frames name it */
	u32 flow_id;			/* RFS's, for rps_may_expire_flow() */
	u16 id;				/* ours, returned to RFS */
	u16 rxq;
};

struct mpnic_arfs {
	spinlock_t lock;		/* filter writers: steer (BH) and expiry */
	struct hlist_head buckets[MPNIC_ARFS_BUCKETS];
	u32 count;			/* under lock */
	u16 next_id;			/* under lock */
	struct delayed_work expire;
	struct mpnic_port *port;
};

static inline struct hlist_head *
mpnic_arfs_bucket(struct mpnic_arfs *arfs, const struct mpnic_flow_key *key)
{
	return &arfs->buckets[mpnic_flow_hash(key) % MPNIC_ARFS_BUCKETS];
}

/**
 * mpnic_arfs_queue - the queue an aRFS filter gives a frame's flow
 * @port: the port
 * @flow: the frame's parse
 * @dir: MPNIC_DIR_IN for a wire frame, MPNIC_DIR_OUT for a host one
 *
 * Context: RCU or RCU-bh read side (dispatch, ndo_select_queue).
 * Return: the queue, or -1 when no filter holds the flow.
 */
static inline int mpnic_arfs_queue(struct mpnic_port *port,
				   const struct mpnic_flow *flow,
				   enum mpnic_dir dir)
{
	struct mpnic_arfs *arfs = port->arfs;
	struct mpnic_arfs_filter *f;
	struct mpnic_flow_key key;

	if (!arfs || !READ_ONCE(arfs->count) || !flow->sport)
		return -1;
	mpnic_flow_key_of(&key, flow, dir);
	hlist_for_each_entry_rcu(f, mpnic_arfs_bucket(arfs, &key), node,
				 rcu_read_lock_bh_held()) {
		if (!memcmp(&f->key, &key, sizeof(key))) {
			u16 rxq = READ_ONCE(f->rxq);

			return rxq < READ_ONCE(port->num_hqs) ? rxq : -1;
		}
	}
	return -1;
}
#else
static inline int mpnic_arfs_queue(struct mpnic_port *port,
				   const struct mpnic_flow *flow,
				   enum mpnic_dir dir)
{
	return -1;
}
#endif

#endif /* _MPNIC_ARFS_H */
