// SPDX-License-Identifier: GPL-2.0
/* The wire: the netdev that is the port's cable (ip link set DEV master) */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mpnic.h"

/**
 * mpnic_wire_update_carrier - the port's carrier follows its wire's
 * @port: the port
 *
 * Context: RTNL held.
 */
void mpnic_wire_update_carrier(struct mpnic_port *port)
{
	struct net_device *wire = rtnl_dereference(port->wire);

	if (netif_running(port->netdev) && wire && netif_running(wire) &&
	    netif_carrier_ok(wire))
		netif_carrier_on(port->netdev);
	else
		netif_carrier_off(port->netdev);
}

/**
 * mpnic_wire_attach - make @wire the port's cable
 * @port: the port
 * @wire: an Ethernet netdev
 * @extack: netlink extended ack for refusals
 *
 * Context: RTNL held (ndo_add_slave).
 * Return: 0 or a negative errno with an extack message.
 */
int mpnic_wire_attach(struct mpnic_port *port, struct net_device *wire,
		      struct netlink_ext_ack *extack)
{
	struct net_device *dev = port->netdev;
	int err;

	ASSERT_RTNL();
	if (rtnl_dereference(port->wire)) {
		NL_SET_ERR_MSG_MOD(extack, "Port already has a wire; detach it with nomaster first");
		return -EBUSY;
	}
	if (wire->type != ARPHRD_ETHER || wire->addr_len != ETH_ALEN ||
	    (wire->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG_MOD(extack, "Only an Ethernet device can be a wire");
		return -EINVAL;
	}
	if (mpnic_is_port(wire)) {
		NL_SET_ERR_MSG_MOD(extack, "An mpnic port cannot be the wire of a port");
		return -ELOOP;
	}
	if (netdev_is_rx_handler_busy(wire)) {
		NL_SET_ERR_MSG_MOD(extack, "Device already has a receive handler (bridge, bond, another master?)");
		return -EBUSY;
	}

	/* Frames for the port's MAC must reach the wire's receive path */
	err = dev_set_promiscuity(wire, 1);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot make the wire promiscuous");
		return err;
	}
	err = netdev_rx_handler_register(wire, mpnic_dispatch_rx, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot register the receive handler on the wire");
		goto err_unset_promisc;
	}
	err = netdev_master_upper_dev_link(wire, dev, NULL, NULL, extack);
	if (err)
		goto err_rx_handler_unregister;
	rcu_assign_pointer(port->wire, wire);
	mpnic_wire_update_carrier(port);
	netdev_info(dev, "wire %s attached\n", wire->name);
	return 0;

err_rx_handler_unregister:
	netdev_rx_handler_unregister(wire);
err_unset_promisc:
	dev_set_promiscuity(wire, -1);
	return err;
}

/**
 * mpnic_wire_detach - cut the port's cable, if it has one
 * @port: the port
 *
 * Context: RTNL held, may sleep.
 */
void mpnic_wire_detach(struct mpnic_port *port)
{
	struct net_device *wire = rtnl_dereference(port->wire);

	ASSERT_RTNL();
	if (!wire)
		return;
	RCU_INIT_POINTER(port->wire, NULL);
	netdev_upper_dev_unlink(wire, port->netdev);
	/* Its grace period ends dispatch's and the engines' use of the wire */
	netdev_rx_handler_unregister(wire);
	dev_set_promiscuity(wire, -1);
	netif_carrier_off(port->netdev);
	netdev_info(port->netdev, "wire %s detached\n", wire->name);
}

static struct mpnic_port *mpnic_wire_port(struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != mpnic_dispatch_rx)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

static int mpnic_wire_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mpnic_port *port = mpnic_wire_port(dev);

	if (!port)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		mpnic_wire_detach(port);
		break;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		mpnic_wire_update_carrier(port);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block mpnic_wire_nb = {
	.notifier_call = mpnic_wire_event,
};

int mpnic_wire_init(void)
{
	return register_netdevice_notifier(&mpnic_wire_nb);
}

void mpnic_wire_exit(void)
{
	unregister_netdevice_notifier(&mpnic_wire_nb);
}
