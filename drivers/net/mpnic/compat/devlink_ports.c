// SPDX-License-Identifier: GPL-2.0
/*
 * devlink ports before 6.2: registered and typed after the netdev, from
 * mpnic_wq, as both take RTNL themselves.
 */

#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/devlink.h>

#include "../mpnic.h"

/* It runs after RTNL, so after the netdev registered */
bool mpnic_devlink_port_add_late(struct mpnic_port *port)
{
	queue_work(mpnic_wq, &port->card->dl_ports_work);
	return true;
}

/*
 * The netdev is held while RTNL is dropped; a port deleted meanwhile does
 * not get its devlink port. Context: mpnic_wq, the instance lock held.
 */
void mpnic_devlink_ports_late(struct mpnic_card *card)
{
	struct devlink_port_attrs attrs = {
		.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL,
	};
	struct devlink_port *dl_port;
	struct mpnic_port *port;
	struct net_device *dev;
	bool linked;
	u32 i;

	devl_assert_locked(card->devlink);
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		if (card->dl_ports[i])
			continue;
		dev = NULL;
		rtnl_lock();
		port = card->ports[i];
		if (port && !port->dl_port && port->netdev->reg_state == NETREG_REGISTERED) {
			dev = port->netdev;
			dev_hold(dev);
		}
		rtnl_unlock();
		if (!dev)
			continue;
		dl_port = kzalloc(sizeof(*dl_port), GFP_KERNEL);
		attrs.phys.port_number = i;
		if (dl_port)
			devlink_port_attrs_set(dl_port, &attrs);
		if (!dl_port || devl_port_register(card->devlink, dl_port, i)) {
			dev_warn(card->dev, "no devlink port for %s\n", netdev_name(dev));
			kfree(dl_port);
			dev_put(dev);
			continue;
		}
		card->dl_ports[i] = dl_port;
		devlink_port_type_eth_set(dl_port, dev);
		rtnl_lock();
		linked = card->ports[i] == port && dev->reg_state == NETREG_REGISTERED;
		if (linked)
			WRITE_ONCE(port->dl_port, dl_port);
		else
			mpnic_devlink_port_forget_netdev(dl_port);
		rtnl_unlock();
		dev_put(dev);
		if (!linked)
			mpnic_devlink_port_free(card, i);
	}
}
