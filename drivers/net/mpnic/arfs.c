// SPDX-License-Identifier: GPL-2.0
/*
 * Accelerated RFS: one filter per flow, which dispatch checks after the
 * ntuple rules and before RSS, both ways. The rx_cpu_rmap maps CPUs to
 * queues by their engines' CPUs.
 */

#include <linux/cpu_rmap.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/flow_dissector.h>

#include "mpnic.h"
#include "arfs.h"

static bool mpnic_arfs_key_of(const struct sk_buff *skb, struct mpnic_flow_key *key)
{
	struct flow_keys keys;
	struct mpnic_flow flow;

	if (!skb_flow_dissect_flow_keys(skb, &keys, 0) ||
	    (keys.control.flags & FLOW_DIS_IS_FRAGMENT) ||
	    (keys.basic.ip_proto != IPPROTO_TCP && keys.basic.ip_proto != IPPROTO_UDP))
		return false;
	memset(&flow, 0, sizeof(flow));
	flow.l4proto = keys.basic.ip_proto;
	flow.sport = keys.ports.src;
	flow.dport = keys.ports.dst;
	if (keys.basic.n_proto == htons(ETH_P_IP)) {
		flow.l3 = 4;
		memcpy(flow.saddr, &keys.addrs.v4addrs.src, 4);
		memcpy(flow.daddr, &keys.addrs.v4addrs.dst, 4);
	} else if (keys.basic.n_proto == htons(ETH_P_IPV6)) {
		flow.l3 = 6;
		memcpy(flow.saddr, &keys.addrs.v6addrs.src, 16);
		memcpy(flow.daddr, &keys.addrs.v6addrs.dst, 16);
	} else {
		return false;
	}
	mpnic_flow_key_of(key, &flow, MPNIC_DIR_IN);
	return true;
}

/**
 * mpnic_rx_flow_steer - ndo_rx_flow_steer: steer a flow to @rxq
 * @dev: the port
 * @skb: a received frame of the flow
 * @rxq: the queue whose engine runs where the flow is consumed
 * @flow_id: RFS's id of the flow
 *
 * Context: softirq (the receive path's RPS step).
 * Return: the filter's id, or a negative errno.
 */
int mpnic_rx_flow_steer(struct net_device *dev, const struct sk_buff *skb, u16 rxq,
			u32 flow_id)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_arfs *arfs = port->arfs;
	struct mpnic_arfs_filter *f;
	struct mpnic_flow_key key;
	struct hlist_head *head;
	int id;

	if (!arfs || rxq >= port->num_hqs)
		return -EINVAL;
	if (!mpnic_arfs_key_of(skb, &key))
		return -EPROTONOSUPPORT;
	head = mpnic_arfs_bucket(arfs, &key);
	spin_lock_bh(&arfs->lock);
	hlist_for_each_entry(f, head, node) {
		if (!memcmp(&f->key, &key, sizeof(key))) {
			WRITE_ONCE(f->rxq, rxq);
			f->flow_id = flow_id;
			id = f->id;
			goto out_unlock;
		}
	}
	if (arfs->count >= MPNIC_ARFS_MAX) {
		id = -ENOSPC;
		goto out_unlock;
	}
	f = kzalloc(sizeof(*f), GFP_ATOMIC);
	if (!f) {
		id = -ENOMEM;
		goto out_unlock;
	}
	f->key = key;
	f->flow_id = flow_id;
	f->rxq = rxq;
	f->id = arfs->next_id++;
	id = f->id;
	hlist_add_head_rcu(&f->node, head);
	WRITE_ONCE(arfs->count, arfs->count + 1);
	mpnic_dispatch_stat_inc(port, arfs_filters_added);
	if (arfs->count == 1)
		mod_delayed_work(system_wq, &arfs->expire, HZ);
out_unlock:
	spin_unlock_bh(&arfs->lock);
	return id;
}

/* Returns how many filters remain */
static u32 mpnic_arfs_release(struct mpnic_arfs *arfs, bool all)
{
	struct net_device *dev = arfs->port->netdev;
	struct mpnic_arfs_filter *f;
	struct hlist_node *tmp;
	u32 b, left;

	spin_lock_bh(&arfs->lock);
	for (b = 0; b < MPNIC_ARFS_BUCKETS; b++) {
		hlist_for_each_entry_safe(f, tmp, &arfs->buckets[b], node) {
			if (!all && !rps_may_expire_flow(dev, f->rxq, f->flow_id, f->id))
				continue;
			hlist_del_rcu(&f->node);
			kfree_rcu(f, rcu);
			WRITE_ONCE(arfs->count, arfs->count - 1);
			if (!all)
				mpnic_dispatch_stat_inc(arfs->port, arfs_filters_expired);
		}
	}
	left = arfs->count;
	spin_unlock_bh(&arfs->lock);
	return left;
}

static void mpnic_arfs_expire(struct work_struct *work)
{
	struct mpnic_arfs *arfs = container_of(to_delayed_work(work), struct mpnic_arfs,
					       expire);

	/* a filter added meanwhile re-arms it too: mod_delayed_work() */
	if (mpnic_arfs_release(arfs, false))
		mod_delayed_work(system_wq, &arfs->expire, HZ);
}

/**
 * mpnic_arfs_rmap_update - tell RFS which CPU each queue's engine runs on
 * @port: the port
 *
 * Context: RTNL held.
 */
void mpnic_arfs_rmap_update(struct mpnic_port *port)
{
	struct cpu_rmap *rmap = port->netdev->rx_cpu_rmap;
	u32 i;

	ASSERT_RTNL();
	if (!rmap)
		return;
	for (i = 0; i < rmap->size; i++)
		cpu_rmap_update(rmap, i, i < port->num_hqs ?
				cpumask_of(READ_ONCE(port->hqs[i].eng->cpu)) : cpu_none_mask);
	if (port->arfs)
		mpnic_arfs_release(port->arfs, true);
}

static void mpnic_arfs_rmap_work_fn(struct work_struct *work)
{
	struct mpnic_card *card;
	u32 i;

	rtnl_lock();
	mutex_lock(&mpnic_cards_lock);
	list_for_each_entry(card, &mpnic_cards, list)
		for (i = 0; i < MPNIC_MAX_PORTS; i++)
			if (card->ports[i])
				mpnic_arfs_rmap_update(card->ports[i]);
	mutex_unlock(&mpnic_cards_lock);
	rtnl_unlock();
}

DECLARE_WORK(mpnic_arfs_rmap_work, mpnic_arfs_rmap_work_fn);

/**
 * mpnic_arfs_init - a port's filters and its CPU-to-queue map
 * @port: the port, with its queues, not yet registered
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int mpnic_arfs_init(struct mpnic_port *port)
{
	struct net_device *dev = port->netdev;
	struct mpnic_arfs *arfs;
	u32 i;

	arfs = kzalloc(sizeof(*arfs), GFP_KERNEL);
	if (!arfs)
		return -ENOMEM;
	spin_lock_init(&arfs->lock);
	INIT_DELAYED_WORK(&arfs->expire, mpnic_arfs_expire);
	arfs->port = port;
	dev->rx_cpu_rmap = alloc_cpu_rmap(port->card->num_engines, GFP_KERNEL);
	if (!dev->rx_cpu_rmap) {
		kfree(arfs);
		return -ENOMEM;
	}
	for (i = 0; i < port->card->num_engines; i++)
		cpu_rmap_add(dev->rx_cpu_rmap, &port->hqs[i]);
	port->arfs = arfs;
	mpnic_arfs_rmap_update(port);
	return 0;
}

/* Context: after unregistration; nothing steers or dispatches any more */
void mpnic_arfs_exit(struct mpnic_port *port)
{
	struct mpnic_arfs *arfs = port->arfs;

	if (!arfs)
		return;
	cancel_delayed_work_sync(&arfs->expire);
	mpnic_arfs_release(arfs, true);
	cpu_rmap_put(port->netdev->rx_cpu_rmap);
	port->netdev->rx_cpu_rmap = NULL;
	port->arfs = NULL;
	/* the flushed filters are freed after a grace period; the table now */
	kfree_rcu_mightsleep(arfs);
}
