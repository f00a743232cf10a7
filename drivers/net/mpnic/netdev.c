// SPDX-License-Identifier: GPL-2.0
/*
 * The port: the host-facing net_device of a card, its ndo ops, and its
 * creation through rtnetlink (`ip link add NAME type mpnic`) or at module
 * load.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/if_mpnic.h>

#include "mpnic.h"

static unsigned int card_mem_mb = MPNIC_CARD_MEM_DEFAULT >> 20;
module_param(card_mem_mb, uint, 0444);
MODULE_PARM_DESC(card_mem_mb, "Default card memory per card, in MiB");

static unsigned int engines;
module_param(engines, uint, 0644);
MODULE_PARM_DESC(engines, "Default engines per new card; 0: one per engine CPU (engine_cpus)");

static int mpnic_open(struct net_device *dev)
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

static int mpnic_stop(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	netif_tx_disable(dev);
	netif_carrier_off(dev);
	mpnic_hqs_close(port, 0, port->num_hqs);
	return 0;
}

/*
 * Rebuild host queue @i with the port's ring sizes and MTU: its TX queue
 * waits, stopped by the close, and wakes on success.
 */
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

/* What the host queues are built for */
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

/**
 * mpnic_port_reconfig - rebuild the host queues for new ring sizes or MTU
 * @port: the port
 * @qc: the new settings
 *
 * A running port's queues are rebuilt one at a time and the carrier stays
 * up: while one is rebuilt its TX queue waits in the qdisc, and what is on
 * its rings is delivered or counted (rx_no_queue, tx_flushed) as at a
 * stop. If a queue cannot be rebuilt, the old settings come back on every
 * queue.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
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

/* Host buffers are sized for the MTU */
static int mpnic_change_mtu(struct net_device *dev, int new_mtu)
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

	return mpnic_port_reconfig(port, &qc);
}

/*
 * Re-spread an indirection table the user did not set over @n engines,
 * and publish it. Return: 0, or -ENOMEM with nothing changed.
 */
static int mpnic_port_respread(struct mpnic_port *port, u32 n)
{
	struct mpnic_dispatch_cfg *cfg;

	if (netif_is_rxfh_configured(port->netdev))
		return 0;
	cfg = mpnic_dispatch_cfg_dup(port, 0);
	if (!cfg)
		return -ENOMEM;
	mpnic_rss_spread(&cfg->rss, n);
	mpnic_dispatch_cfg_publish(port, cfg);
	return 0;
}

/**
 * mpnic_port_engines_check - whether the port can do with its first @n queues
 * @port: the port
 * @n: queues left
 * @extack: why not
 *
 * A table the user set, an RSS context or an ntuple rule that names a
 * queue from @n on refuses it.
 *
 * Context: RTNL held.
 * Return: 0 or -EINVAL.
 */
int mpnic_port_engines_check(struct mpnic_port *port, u32 n, struct netlink_ext_ack *extack)
{
	const struct mpnic_dispatch_cfg *cur = rtnl_dereference(port->cfg);
	struct net_device *dev = port->netdev;
	u32 i;

	if (netif_is_rxfh_configured(dev) && mpnic_rss_max_engine(&cur->rss) >= n) {
		mpnic_refuse(dev, extack, "The indirection table uses an engine being removed");
		return -EINVAL;
	}
	if (mpnic_rss_ctx_highest_queue(port) >= n) {
		mpnic_refuse(dev, extack, "An RSS context uses an engine being removed");
		return -EINVAL;
	}
	for (i = 0; i < cur->nrules; i++) {
		if (cur->rules[i].action != MPNIC_NTUPLE_DROP && cur->rules[i].action >= n) {
			mpnic_refuse(dev, extack, "An ntuple rule steers to an engine being removed");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * mpnic_port_engines_swap - give a closed port the card's new engines
 * @port: the port, not running
 * @old_engines: the card's engine count before
 *
 * A port that had every engine gets every new one; else it keeps its
 * count, at most the new engine count. A table the user did not set is
 * re-spread; aRFS starts over with the new CPU map.
 *
 * Context: RTNL held, during a devlink reload (mpnic_card_reload()).
 */
void mpnic_port_engines_swap(struct mpnic_port *port, u32 old_engines)
{
	struct mpnic_card *card = port->card;
	u32 n, i;

	n = port->num_hqs == old_engines ? card->num_engines :
	    min(port->num_hqs, card->num_engines);
	for (i = 0; i < MPNIC_MAX_ENGINES; i++)
		port->hqs[i].eng = i < card->num_engines ? card->engines[i] : NULL;
	/* Shrinking allocates nothing; growing stays within num_*_queues */
	if (netif_set_real_num_tx_queues(port->netdev, n) ||
	    netif_set_real_num_rx_queues(port->netdev, n))
		netdev_warn(port->netdev, "could not set %u queues\n", n);
	port->num_hqs = n;
	if (mpnic_port_respread(port, n))
		netdev_warn(port->netdev, "indirection table not re-spread over %u engines\n", n);
	mpnic_arfs_exit(port);
	if (mpnic_arfs_init(port))
		netdev_warn(port->netdev, "no accelerated RFS after the reload\n");
}

/**
 * mpnic_port_set_channels - change how many engines serve the port
 * @port: the port
 * @n: engines, 1 to the card's engine count
 * @extack: why a change is refused
 *
 * A running port keeps running. Growing, the new queues open before
 * dispatch sends them anything. Shrinking, dispatch stops choosing the
 * leaving engines first; what they hold for the host is then delivered or
 * counted (rx_no_queue, tx_flushed) as at a stop. A table the user set
 * (or a rule) that names a leaving engine refuses the change.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int mpnic_port_set_channels(struct mpnic_port *port, u32 n,
			    struct netlink_ext_ack *extack)
{
	struct net_device *dev = port->netdev;
	bool running = netif_running(dev);
	u32 old = port->num_hqs, i;
	int err;

	if (n == old)
		return 0;
	if (n < old) {
		err = mpnic_port_engines_check(port, n, extack);
		if (err)
			return err;
		err = mpnic_port_respread(port, n);
		if (err)
			return err;
		/* No dispatch CPU or xmit picks a leaving engine from here */
		synchronize_net();
		err = netif_set_real_num_tx_queues(dev, n);
		if (!err)
			err = netif_set_real_num_rx_queues(dev, n);
		if (WARN_ON_ONCE(err))	/* shrinking allocates nothing */
			return err;
		if (running)
			mpnic_hqs_close(port, n, old);
		port->num_hqs = n;
		mpnic_arfs_rmap_update(port);
		return 0;
	}

	if (running) {
		err = mpnic_hqs_open(port, old, n);
		if (err) {
			mpnic_refuse(dev, extack, "No memory for the new queues");
			return err;
		}
	}
	err = netif_set_real_num_tx_queues(dev, n);
	if (err)
		goto err_hqs_close;
	err = netif_set_real_num_rx_queues(dev, n);
	if (err)
		goto err_restore_tx;
	if (running)
		for (i = old; i < n; i++)
			netif_tx_start_queue(netdev_get_tx_queue(dev, i));
	port->num_hqs = n;
	mpnic_arfs_rmap_update(port);
	err = mpnic_port_respread(port, n);
	if (err)	/* the old table goes on working over fewer engines */
		netdev_warn(dev, "indirection table not re-spread over %u engines\n", n);
	return 0;

err_restore_tx:
	netif_set_real_num_tx_queues(dev, old);
err_hqs_close:
	if (running)
		mpnic_hqs_close(port, old, n);
	mpnic_refuse(dev, extack, "Cannot grow the port's queues");
	return err;
}

static u16 mpnic_select_queue(struct net_device *dev, struct sk_buff *skb,
			      struct net_device *sb_dev)
{
	return mpnic_dispatch_tx_queue(netdev_priv(dev), skb);
}

static void mpnic_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats)
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
	/*
	 * The engines' drops, of every port of the card, with those of the
	 * engines a reload retired: RCU alone may be held here
	 */
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

static int mpnic_add_slave(struct net_device *dev, struct net_device *slave_dev,
			   struct netlink_ext_ack *extack)
{
	return mpnic_wire_attach(netdev_priv(dev), slave_dev, extack);
}

static int mpnic_del_slave(struct net_device *dev, struct net_device *slave_dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (rtnl_dereference(port->wire) != slave_dev)
		return -EINVAL;
	mpnic_wire_detach(port);
	return 0;
}

/*
 * The wire goes before unregistration ends: it must not outlive the port.
 * The port leaves its card here too; its reference goes with it.
 */
static void mpnic_uninit(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	mpnic_wire_detach(port);
	mpnic_devlink_port_del(port);
	mpnic_card_port_del(port);
}

static const struct net_device_ops mpnic_netdev_ops = {
	.ndo_uninit		= mpnic_uninit,
	.ndo_open		= mpnic_open,
	.ndo_stop		= mpnic_stop,
	.ndo_start_xmit		= mpnic_start_xmit,
	.ndo_select_queue	= mpnic_select_queue,
	.ndo_change_mtu		= mpnic_change_mtu,
	.ndo_get_stats64	= mpnic_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_add_slave		= mpnic_add_slave,
	.ndo_del_slave		= mpnic_del_slave,
	MPNIC_NDO_RX_FLOW_STEER
};

bool mpnic_netdev_is_port(const struct net_device *dev)
{
	return dev->netdev_ops == &mpnic_netdev_ops;
}

/* After unregistration: nothing can reach the card any more. */
static void mpnic_destructor(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	mpnic_arfs_exit(port);
	mpnic_card_put(port->card);
	mpnic_rss_ctx_free_all(port);
	kvfree(rcu_access_pointer(port->cfg));
	free_percpu(port->dstats);
	kvfree(port->hqs);
}

/* What the engines really do: checksums, TSO and VLAN insertion on the way
 * out (txrx.c), checksum verification and the hash on the way in.
 */
#define MPNIC_TSO_FEATURES	(NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN)
#define MPNIC_VLAN_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
				 MPNIC_TSO_FEATURES)
#define MPNIC_FEATURES	(MPNIC_VLAN_FEATURES | NETIF_F_RXCSUM | NETIF_F_RXHASH | \
			 NETIF_F_NTUPLE | NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX | \
			 NETIF_F_HW_VLAN_CTAG_RX | \
			 NETIF_F_GRO_HW)

static void mpnic_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &mpnic_netdev_ops;
	mpnic_ethtool_init(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = mpnic_destructor;
	mpnic_qstats_init(dev);
	dev->hw_features = MPNIC_FEATURES;
	dev->features = MPNIC_FEATURES;
	dev->vlan_features = MPNIC_VLAN_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = MPNIC_MAX_MTU;
}

/*
 * A port: on @card, or on a new card of @engines engines and @mem_size
 * bytes when @card is NULL; undone by mpnic_destructor(), or by
 * mpnic_port_uninit() when it is never registered.
 */
static int mpnic_port_init(struct mpnic_port *port, struct net_device *dev,
			   struct mpnic_card *card, u32 engines, size_t mem_size,
			   struct netlink_ext_ack *extack)
{
	struct mpnic_dispatch_cfg *cfg;
	u8 key[MPNIC_RSS_KEY_SIZE];
	int err;
	u32 i;

	port->netdev = dev;
	port->rx_ring_size = MPNIC_RING_DEFAULT;
	port->tx_ring_size = MPNIC_RING_DEFAULT;
	/*
	 * A TSO packet's frames cross the wire as one skb, as any GSO packet
	 * crosses a veth; a wire with TSO off gets the frames (txrx.c)
	 */
	port->wire_trains = true;
	if (engines > dev->num_tx_queues) {
		NL_SET_ERR_MSG_MOD(extack, "More engines than the port has queues");
		return -EINVAL;
	}
	if (card) {
		err = mpnic_card_port_add(card, port, extack);
	} else {
		/* A card of its own, which goes with its last port */
		card = mpnic_card_create(engines, mem_size, NULL, NULL, extack);
		if (IS_ERR(card))
			return PTR_ERR(card);
		err = mpnic_card_port_add(card, port, extack);
		mpnic_card_put(card);
	}
	if (err)
		return err;
	SET_NETDEV_DEV(dev, port->card->dev);
	err = mpnic_devlink_port_add(port, extack);
	if (err)
		goto err_card_port_del;
	mpnic_netdev_devlink_port_set(dev, port->dl_port);
	port->num_hqs = port->card->num_engines;

	port->dstats = netdev_alloc_pcpu_stats(struct mpnic_dispatch_stats);
	if (!port->dstats) {
		err = -ENOMEM;
		goto err_devlink_port_del;
	}
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

	err = mpnic_arfs_init(port);
	if (err)
		goto err_free_hqs;
	cfg = kvzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_arfs_exit;
	}
	netdev_rss_key_fill(key, sizeof(key));
	mpnic_rss_init(&cfg->rss, key, port->num_hqs);
	RCU_INIT_POINTER(port->cfg, cfg);
	eth_hw_addr_random(dev);
	return 0;

err_arfs_exit:
	mpnic_arfs_exit(port);
err_free_hqs:
	kvfree(port->hqs);
err_free_dstats:
	free_percpu(port->dstats);
err_devlink_port_del:
	mpnic_devlink_port_del(port);
err_card_port_del:
	mpnic_card_port_del(port);
	mpnic_card_put(port->card);
	return err;
}

static void mpnic_port_uninit(struct mpnic_port *port)
{
	mpnic_arfs_exit(port);
	kvfree(rcu_access_pointer(port->cfg));
	kvfree(port->hqs);
	free_percpu(port->dstats);
	mpnic_devlink_port_del(port);
	mpnic_card_port_del(port);
	mpnic_card_put(port->card);
}

static int mpnic_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "Invalid MAC address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS], "Invalid MAC address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static int mpnic_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	size_t mem = (size_t)READ_ONCE(card_mem_mb) << 20;
	u32 num_engines = READ_ONCE(engines);
	struct mpnic_card *card = NULL;
	int err;

	if (data && data[IFLA_MPNIC_ENGINES])
		num_engines = nla_get_u32(data[IFLA_MPNIC_ENGINES]);
	if (data && data[IFLA_MPNIC_CARD_MEM])
		mem = (size_t)nla_get_u32(data[IFLA_MPNIC_CARD_MEM]) << 20;
	if (data && data[IFLA_MPNIC_CARD]) {
		if (data[IFLA_MPNIC_ENGINES] || data[IFLA_MPNIC_CARD_MEM]) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MPNIC_CARD],
					    "A port of an existing card takes the card's engines and memory");
			return -EINVAL;
		}
		/* RTNL keeps it: a card goes only after its ports, under RTNL */
		mutex_lock(&mpnic_cards_lock);
		card = mpnic_card_find(nla_get_u32(data[IFLA_MPNIC_CARD]));
		if (card && !mpnic_card_visible(card, src_net))
			card = NULL;
		mutex_unlock(&mpnic_cards_lock);
		if (!card) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MPNIC_CARD], "No such card");
			return -ENODEV;
		}
		num_engines = card->num_engines;
	}

	err = mpnic_port_init(port, dev, card, num_engines, mem, extack);
	if (err)
		return err;
	/* The MAC given by the user, if any, replaces the random one */
	if (tb[IFLA_ADDRESS])
		eth_hw_addr_set(dev, nla_data(tb[IFLA_ADDRESS]));
	err = register_netdevice(dev);
	if (err) {
		/* The destructor only runs for registered devices */
		mpnic_port_uninit(port);
		return err;
	}
	netif_carrier_off(dev);
	return 0;
}

/* Room for the largest card; a card uses one queue pair per engine */
static unsigned int mpnic_get_num_queues(void)
{
	return MPNIC_MAX_ENGINES;
}

static const struct nla_policy mpnic_policy[IFLA_MPNIC_MAX + 1] = {
	[IFLA_MPNIC_ENGINES]	= NLA_POLICY_RANGE(NLA_U32, 0, MPNIC_MAX_ENGINES),
	[IFLA_MPNIC_CARD_MEM]	= NLA_POLICY_RANGE(NLA_U32, MPNIC_CARD_MEM_MIN >> 20, 4096),
	[IFLA_MPNIC_CARD]	= { .type = NLA_U32 },
};

struct rtnl_link_ops mpnic_link_ops __read_mostly = {
	.kind			= MPNIC_DRV_NAME,
	.priv_size		= sizeof(struct mpnic_port),
	.setup			= mpnic_setup,
	.validate		= mpnic_validate,
	.newlink		= mpnic_newlink,
	.policy			= mpnic_policy,
	.maxtype		= IFLA_MPNIC_MAX,
	.get_num_tx_queues	= mpnic_get_num_queues,
	.get_num_rx_queues	= mpnic_get_num_queues,
};

/**
 * mpnic_port_create - create a card and its port at module load
 * @net: namespace of the port
 * @name: interface name, may contain %d
 *
 * Context: process context; takes RTNL.
 * Return: 0 or a negative errno.
 */
int mpnic_port_create(struct net *net, const char *name)
{
	unsigned int nq = mpnic_get_num_queues();
	struct net_device *dev;
	int err;

	dev = alloc_netdev_mqs(sizeof(struct mpnic_port), name, NET_NAME_ENUM,
			       mpnic_setup, nq, nq);
	if (!dev)
		return -ENOMEM;
	dev->rtnl_link_ops = &mpnic_link_ops;
	dev_net_set(dev, net);

	rtnl_lock();
	err = mpnic_port_init(netdev_priv(dev), dev, NULL, READ_ONCE(engines),
			      (size_t)READ_ONCE(card_mem_mb) << 20, NULL);
	if (err)
		goto err_unlock;
	err = register_netdevice(dev);
	if (err) {
		mpnic_port_uninit(netdev_priv(dev));
		goto err_unlock;
	}
	netif_carrier_off(dev);
	rtnl_unlock();
	return 0;

err_unlock:
	rtnl_unlock();
	free_netdev(dev);
	return err;
}
