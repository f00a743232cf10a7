// SPDX-License-Identifier: GPL-2.0
/*
 * Ports through rtnetlink: a port joins a card, and its net_device gets the
 * port's handlers (netdev.c, txrx.c) together with the control plane's.
 */

#include <linux/etherdevice.h>
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

/* After unregistration: nothing can reach the card any more. */
static void mpnic_destructor(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	mpnic_arfs_exit(port);
	mpnic_card_put(port->card);
	mpnic_rss_ctx_free_all(port);
	mpnic_port_free(port);
}

static void mpnic_setup(struct net_device *dev)
{
	mpnic_port_setup(dev);
	dev->netdev_ops = &mpnic_netdev_ops;
	mpnic_ethtool_init(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = mpnic_destructor;
	mpnic_qstats_init(dev);
}

/*
 * On @card, or on a new card when it is NULL; undone by mpnic_destructor(),
 * or by mpnic_link_port_uninit() when never registered.
 */
static int mpnic_link_port_init(struct mpnic_port *port, struct net_device *dev,
				struct mpnic_card *card, u32 engines, size_t mem_size,
				struct netlink_ext_ack *extack)
{
	int err;

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
	err = mpnic_port_init(port, dev);
	if (err)
		goto err_card_port_del;
	err = mpnic_arfs_init(port);
	if (err)
		goto err_port_free;
	return 0;

err_port_free:
	mpnic_port_free(port);
err_card_port_del:
	mpnic_card_port_del(port);
	mpnic_card_put(port->card);
	return err;
}

static void mpnic_link_port_uninit(struct mpnic_port *port)
{
	mpnic_arfs_exit(port);
	mpnic_port_free(port);
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

	err = mpnic_link_port_init(port, dev, card, num_engines, mem, extack);
	if (err)
		return err;
	/* The MAC given by the user, if any, replaces the random one */
	if (tb[IFLA_ADDRESS])
		eth_hw_addr_set(dev, nla_data(tb[IFLA_ADDRESS]));
	err = register_netdevice(dev);
	if (err) {
		/* The destructor only runs for registered devices */
		mpnic_link_port_uninit(port);
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
	err = mpnic_link_port_init(netdev_priv(dev), dev, NULL, READ_ONCE(engines),
				   (size_t)READ_ONCE(card_mem_mb) << 20, NULL);
	if (err)
		goto err_unlock;
	err = register_netdevice(dev);
	if (err) {
		mpnic_link_port_uninit(netdev_priv(dev));
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
