// SPDX-License-Identifier: GPL-2.0
/* How many engines serve a port: ethtool -L and a devlink reload */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mpnic.h"

/* Return: 0, or -ENOMEM with nothing changed */
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
 * A port that had every engine gets every new one; else it keeps its count.
 *
 * Context: RTNL held, during a devlink reload (mpnic_card_reload()).
 */
void mpnic_port_engines_swap(struct mpnic_port *port, u32 old_engines)
{
	struct mpnic_card *card = port->card;
	u32 n, i;

	ASSERT_RTNL();
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
 * A running port keeps running: new queues open before dispatch can pick
 * them, and dispatch stops picking leaving engines before they close.
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

	ASSERT_RTNL();
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
