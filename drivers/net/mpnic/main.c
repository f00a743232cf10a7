// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The mpnic authors
 */

#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "mpnic.h"

static unsigned int cards;
module_param(cards, uint, 0444);
MODULE_PARM_DESC(cards, "Cards (mpnic%d) to create at load, in the initial namespace");

static void mpnic_card_up(struct mpnic_card *card)
{
	mpnic_debugfs_card_add(card);
	mpnic_devlink_register(card);
}

static void mpnic_card_down(struct mpnic_card *card)
{
	mpnic_devlink_unregister(card);
	mpnic_debugfs_card_del(card);
}

static const struct mpnic_card_ops mpnic_card_ops = {
	.alloc			= mpnic_devlink_alloc,
	.free			= mpnic_devlink_free,
	.add			= mpnic_card_up,
	.del			= mpnic_card_down,
	.engines_add		= mpnic_debugfs_card_add,
	.engines_del		= mpnic_debugfs_card_del,
	.port_add		= mpnic_devlink_port_add,
	.port_del		= mpnic_devlink_port_del,
	.port_engines_check	= mpnic_port_engines_check,
	.port_engines_swap	= mpnic_port_engines_swap,
};

static int __init mpnic_init(void)
{
	unsigned int i;
	int err;

	mpnic_wq = alloc_ordered_workqueue("mpnic", 0);
	if (!mpnic_wq)
		return -ENOMEM;
	mpnic_debugfs_init();
	err = mpnic_bus_init();
	if (err)
		goto err_debugfs_exit;
	err = mpnic_wire_init();
	if (err)
		goto err_bus_exit;
	err = mpnic_hotplug_init(MPNIC_ARFS_RMAP_WORK);
	if (err)
		goto err_wire_exit;
	err = mpnic_card_init(&mpnic_card_ops);
	if (err)
		goto err_hotplug_exit;
	err = rtnl_link_register(&mpnic_link_ops);
	if (err)
		goto err_card_exit;
	for (i = 0; i < cards; i++) {
		err = mpnic_port_create(&init_net, "mpnic%d");
		if (err)
			goto err_link_unregister;
	}
	err = mpnic_nl_init();
	if (err)
		goto err_link_unregister;
	err = mpnic_toe_init();
	if (err)
		goto err_nl_exit;
	pr_info("version %s loaded\n", MPNIC_VERSION);
	return 0;

err_nl_exit:
	mpnic_nl_exit();
err_link_unregister:
	/* deletes the cards created so far */
	rtnl_link_unregister(&mpnic_link_ops);
	flush_workqueue(mpnic_wq);
err_card_exit:
	mpnic_card_exit();
err_hotplug_exit:
	mpnic_hotplug_exit();
err_wire_exit:
	mpnic_wire_exit();
err_bus_exit:
	mpnic_bus_exit();
err_debugfs_exit:
	mpnic_debugfs_exit();
	destroy_workqueue(mpnic_wq);
	return err;
}

static void __exit mpnic_exit(void)
{
	mpnic_toe_exit();
	mpnic_nl_exit();
	/* The cards of card-new, with their ports; then every other port */
	mpnic_card_exit();
	rtnl_link_unregister(&mpnic_link_ops);
	/*
	 * Flush, not destroy_workqueue()'s drain: a drain refuses the work of
	 * a watchdog timer that fires meanwhile, and its cancel would spin.
	 */
	flush_workqueue(mpnic_wq);
	destroy_workqueue(mpnic_wq);
	/* no engine is left to move */
	mpnic_hotplug_exit();
	mpnic_wire_exit();
	mpnic_bus_exit();
	mpnic_debugfs_exit();
}

module_init(mpnic_init);
module_exit(mpnic_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Emulated multi-processor smart NIC");
MODULE_VERSION(MPNIC_VERSION);
MODULE_ALIAS_RTNL_LINK(MPNIC_DRV_NAME);
