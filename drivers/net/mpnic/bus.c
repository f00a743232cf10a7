// SPDX-License-Identifier: GPL-2.0
/* The virtual mpnic bus: each card is a device on it (mpnic<ID>) */

#include <linux/device.h>
#include <linux/slab.h>

#include "mpnic.h"

static int mpnic_bus_match(struct device *dev, const struct device_driver *drv)
{
	return 1;	/* every device on the bus is a card */
}

MPNIC_BUS_MATCH_ADAPTER(mpnic_bus_match)

static struct bus_type mpnic_bus = {
	.name	= MPNIC_DRV_NAME,
	.match	= MPNIC_BUS_MATCH(mpnic_bus_match),
};

/* The card is set up by whoever created it: binding only names the driver */
static int mpnic_bus_probe(struct device *dev)
{
	return 0;
}

static struct device_driver mpnic_bus_driver = {
	.name	= MPNIC_DRV_NAME,
	.bus	= &mpnic_bus,
	.probe	= mpnic_bus_probe,
	.owner	= THIS_MODULE,
};

static void mpnic_bus_dev_release(struct device *dev)
{
	kfree(dev);
}

/**
 * mpnic_bus_dev_add - a card's device on the bus
 * @id: the card's id
 *
 * Context: process context, may sleep.
 * Return: the bound device, or an ERR_PTR.
 */
struct device *mpnic_bus_dev_add(u32 id)
{
	struct device *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->bus = &mpnic_bus;
	dev->release = mpnic_bus_dev_release;
	err = dev_set_name(dev, "mpnic%u", id);
	if (err)
		goto err_put_dev;
	err = device_register(dev);
	if (err)
		goto err_put_dev;
	return dev;

err_put_dev:
	put_device(dev);
	return ERR_PTR(err);
}

void mpnic_bus_dev_del(struct device *dev)
{
	device_unregister(dev);
}

int mpnic_bus_init(void)
{
	int err;

	err = bus_register(&mpnic_bus);
	if (err)
		return err;
	err = driver_register(&mpnic_bus_driver);
	if (err)
		bus_unregister(&mpnic_bus);
	return err;
}

void mpnic_bus_exit(void)
{
	driver_unregister(&mpnic_bus_driver);
	bus_unregister(&mpnic_bus);
}
