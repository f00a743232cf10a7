// SPDX-License-Identifier: GPL-2.0
/* The port's ndo handlers; link.c creates it and gathers its ops */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>

#include "mpnic.h"

int mpnic_open(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);
	int err;

	err = mpnic_hqs_open(port, 0, port->num_hqs);
	if (err)
		return err;
	netif_tx_start_all_queues(dev);
	mpnic_wire_update_carrier(port);
	return 0;
}

int mpnic_stop(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	netif_tx_disable(dev);
	netif_carrier_off(dev);
	mpnic_hqs_close(port, 0, port->num_hqs);
	return 0;
}

/* The TX queue waits, stopped by the close, and wakes on success */
static int mpnic_port_rebuild_queue(struct mpnic_port *port, u32 i)
{
	struct netdev_queue *txq = netdev_get_tx_queue(port->netdev, i);
	int err;

	mpnic_hqs_close(port, i, i + 1);
	err = mpnic_hqs_open(port, i, i + 1);
	if (!err)
		netif_tx_wake_queue(txq);
	return err;
}

struct mpnic_qcfg {
	u32 rx_ring_size;
	u32 tx_ring_size;
	u32 mtu;
};

static void mpnic_port_qcfg_set(struct mpnic_port *port, const struct mpnic_qcfg *qc)
{
	port->rx_ring_size = qc->rx_ring_size;
	port->tx_ring_size = qc->tx_ring_size;
	WRITE_ONCE(port->netdev->mtu, qc->mtu);
}

/*
 * Queues are rebuilt one at a time, so the carrier stays up; on failure
 * the old settings come back on every queue. Context: RTNL held.
 */
static int mpnic_port_reconfig(struct mpnic_port *port, const struct mpnic_qcfg *qc)
{
	struct net_device *dev = port->netdev;
	struct mpnic_qcfg old = {
		.rx_ring_size = port->rx_ring_size,
		.tx_ring_size = port->tx_ring_size,
		.mtu = dev->mtu,
	};
	u32 i, j;
	int err;

	ASSERT_RTNL();
	mpnic_port_qcfg_set(port, qc);
	if (!netif_running(dev))
		return 0;
	for (i = 0; i < port->num_hqs; i++) {
		err = mpnic_port_rebuild_queue(port, i);
		if (err)
			goto err_restore;
	}
	return 0;

err_restore:
	mpnic_port_qcfg_set(port, &old);
	for (j = 0; j < i; j++)
		if (mpnic_port_rebuild_queue(port, j))
			netdev_err(dev, "queue %u stays down: no memory for its rings\n", j);
	/* Queue @i failed to open: it is closed, its TX queue stopped */
	if (mpnic_hqs_open(port, i, i + 1))
		netdev_err(dev, "queue %u stays down: no memory for its rings\n", i);
	else
		netif_tx_wake_queue(netdev_get_tx_queue(dev, i));
	return err;
}

int mpnic_change_mtu(struct net_device *dev, int new_mtu)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_qcfg qc = {
		.rx_ring_size = port->rx_ring_size,
		.tx_ring_size = port->tx_ring_size,
		.mtu = new_mtu,
	};

	return mpnic_port_reconfig(port, &qc);
}

/**
 * mpnic_port_set_rings - resize the host rings of every queue
 * @port: the port
 * @rx: RX ring entries (posted buffers and completions)
 * @tx: TX ring entries (descriptors and completions)
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno, the old sizes kept.
 */
int mpnic_port_set_rings(struct mpnic_port *port, u32 rx, u32 tx)
{
	struct mpnic_qcfg qc = {
		.rx_ring_size = rx,
		.tx_ring_size = tx,
		.mtu = port->netdev->mtu,
	};

	ASSERT_RTNL();
	return mpnic_port_reconfig(port, &qc);
}

u16 mpnic_select_queue(struct net_device *dev, struct sk_buff *skb,
		       struct net_device *sb_dev)
{
	return mpnic_dispatch_tx_queue(netdev_priv(dev), skb);
}

void mpnic_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_dispatch_stats ds;
	u32 i;

	mpnic_dispatch_get_stats(port, &ds);
	stats->rx_dropped = ds.rx_port_down + ds.rx_card_mem_exhausted +
			    ds.rx_engine_ring_full + ds.rx_gso_errors + ds.rx_ntuple_drop;
	stats->rx_length_errors = ds.rx_runt + ds.rx_oversize;
	/* Every queue, serving or not, even past a reload: the totals never go back */
	for (i = 0; i < MPNIC_MAX_ENGINES; i++) {
		struct mpnic_hq_stats hs;

		mpnic_hq_get_stats(&port->hqs[i], &hs);
		stats->rx_packets += hs.rx_packets;
		stats->rx_bytes += hs.rx_bytes;
		stats->tx_packets += hs.tx_packets;
		stats->tx_bytes += hs.tx_bytes;
		stats->tx_dropped += hs.tx_dropped + hs.tx_flushed;
		stats->rx_dropped += hs.rx_alloc_fail;
	}
	/* Card-wide, retired engines included: RCU alone may be held here */
	for (i = 0; i < READ_ONCE(port->card->stats_engines); i++) {
		struct mpnic_engine_stats es;

		mpnic_card_engine_stats(port->card, i, &es);
		stats->rx_dropped += es.rx_no_queue + es.rx_flushed;
		stats->rx_missed_errors += es.rx_missed;
		stats->rx_length_errors += es.rx_too_long;
		stats->rx_frame_errors += es.in_truncated + es.in_hdr_errors +
					  es.in_ip_csum_errors + es.in_l4_errors +
					  es.in_csum_errors;
	}
	stats->rx_errors = stats->rx_length_errors + stats->rx_frame_errors +
			   stats->rx_missed_errors;
}

int mpnic_add_slave(struct net_device *dev, struct net_device *slave_dev,
		    struct netlink_ext_ack *extack)
{
	return mpnic_wire_attach(netdev_priv(dev), slave_dev, extack);
}

int mpnic_del_slave(struct net_device *dev, struct net_device *slave_dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (rtnl_dereference(port->wire) != slave_dev)
		return -EINVAL;
	mpnic_wire_detach(port);
	return 0;
}

/**
 * mpnic_port_init - a port's host queues, counters and dispatch settings
 * @port: the port, on its card (mpnic_card_port_add())
 * @dev: its net_device, not yet registered
 *
 * Context: process context, RTNL held.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int mpnic_port_init(struct mpnic_port *port, struct net_device *dev)
{
	struct mpnic_dispatch_cfg *cfg;
	u8 key[MPNIC_RSS_KEY_SIZE];
	int err;
	u32 i;

	ASSERT_RTNL();
	port->netdev = dev;
	port->rx_ring_size = MPNIC_RING_DEFAULT;
	port->tx_ring_size = MPNIC_RING_DEFAULT;
	/* As any GSO packet crosses a veth (engine_tx.c) */
	port->wire_trains = true;
	SET_NETDEV_DEV(dev, port->card->dev);
	SET_NETDEV_DEVLINK_PORT(dev, port->dl_port);
	port->num_hqs = port->card->num_engines;

	port->dstats = netdev_alloc_pcpu_stats(struct mpnic_dispatch_stats);
	if (!port->dstats)
		return -ENOMEM;
	/* Room for any engine count a reload may bring; counters persist */
	port->hqs = kvcalloc(MPNIC_MAX_ENGINES, sizeof(*port->hqs), GFP_KERNEL);
	if (!port->hqs) {
		err = -ENOMEM;
		goto err_free_dstats;
	}
	for (i = 0; i < MPNIC_MAX_ENGINES; i++) {
		port->hqs[i].port = port;
		port->hqs[i].idx = i;
		if (i < port->num_hqs)
			port->hqs[i].eng = port->card->engines[i];
		u64_stats_init(&port->hqs[i].stats.syncp);
	}
	err = netif_set_real_num_tx_queues(dev, port->num_hqs);
	if (err)
		goto err_free_hqs;
	err = netif_set_real_num_rx_queues(dev, port->num_hqs);
	if (err)
		goto err_free_hqs;

	cfg = kvzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_free_hqs;
	}
	netdev_rss_key_fill(key, sizeof(key));
	mpnic_rss_init(&cfg->rss, key, port->num_hqs);
	RCU_INIT_POINTER(port->cfg, cfg);
	eth_hw_addr_random(dev);
	return 0;

err_free_hqs:
	kvfree(port->hqs);
err_free_dstats:
	free_percpu(port->dstats);
	return err;
}

/* Context: unregistered, or never registered: nothing reaches the port */
void mpnic_port_free(struct mpnic_port *port)
{
	kvfree(rcu_access_pointer(port->cfg));
	free_percpu(port->dstats);
	kvfree(port->hqs);
}

#define MPNIC_TSO_FEATURES	(NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN)
#define MPNIC_VLAN_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
				 MPNIC_TSO_FEATURES)
#define MPNIC_FEATURES	(MPNIC_VLAN_FEATURES | NETIF_F_RXCSUM | NETIF_F_RXHASH | \
			 NETIF_F_NTUPLE | NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX | \
			 NETIF_F_HW_VLAN_CTAG_RX | \
			 NETIF_F_GRO_HW)

void mpnic_port_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->hw_features = MPNIC_FEATURES;
	dev->features = MPNIC_FEATURES;
	dev->vlan_features = MPNIC_VLAN_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = MPNIC_MAX_MTU;
}

/* ndo_uninit: the wire must not outlive the port */
void mpnic_uninit(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	mpnic_wire_detach(port);
	mpnic_card_port_del(port);
}
