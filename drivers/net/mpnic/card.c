// SPDX-License-Identifier: GPL-2.0
/*
 * The card: its engines and its memory. Card memory is allocated once, when
 * the card is created, and split into one partition per engine (claims 21,
 * 24-26).
 */

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "mpnic.h"

static DEFINE_IDA(mpnic_card_ida);

/* Every card, from its creation to its last reference; and card->ports */
DEFINE_MUTEX(mpnic_cards_lock);
LIST_HEAD(mpnic_cards);

static char *engine_cpus;
module_param(engine_cpus, charp, 0644);
MODULE_PARM_DESC(engine_cpus,
		 "CPUs the engines of new cards run on (a cpulist, e.g. 0-1,4); default: all online");

/* The CPUs engines of a new card spread over: engine_cpus, else all online */
static void mpnic_card_engine_mask(struct cpumask *mask)
{
	kernel_param_lock(THIS_MODULE);
	if (!engine_cpus || !*engine_cpus || cpulist_parse(engine_cpus, mask))
		cpumask_copy(mask, cpu_online_mask);
	kernel_param_unlock(THIS_MODULE);
	cpumask_and(mask, mask, cpu_online_mask);
	if (cpumask_empty(mask))
		cpumask_copy(mask, cpu_online_mask);
}

/* The @n-th CPU of @mask, wrapping around: engines spread over the CPUs. */
static int mpnic_card_engine_cpu(const struct cpumask *mask, u32 n)
{
	u32 i = 0, want = n % cpumask_weight(mask);
	int cpu;

	for_each_cpu(cpu, mask)
		if (i++ == want)
			return cpu;
	return cpumask_first(mask);
}

/* Card list order is index order: a dump resumes after the last it sent */
static void mpnic_card_list_add(struct mpnic_card *card)
{
	struct list_head *pos = &mpnic_cards;
	struct mpnic_card *other;

	mutex_lock(&mpnic_cards_lock);
	list_for_each_entry(other, &mpnic_cards, list) {
		if (other->id > card->id) {
			pos = &other->list;
			break;
		}
	}
	list_add_tail(&card->list, pos);
	mutex_unlock(&mpnic_cards_lock);
}

/**
 * mpnic_card_create - allocate a card with its engines and memory
 * @num_engines: NIC processors; 0 for one per engine CPU
 * @mem_size: card memory in bytes, split evenly over the engines
 * @engine_cpus: the CPUs the engines spread over, or NULL for the
 *	engine_cpus module parameter (default: all online)
 * @net: for a card of the family's card-new, the namespace that owns it;
 *	NULL for a card that lives as long as its ports
 * @extack: netlink extended ack for refusals
 *
 * The caller holds the one reference the card starts with.
 *
 * Context: process context, may sleep; RTNL may be held.
 * Return: the card, or an ERR_PTR.
 */
struct mpnic_card *mpnic_card_create(u32 num_engines, size_t mem_size,
				     const struct cpumask *engine_cpus, struct net *net,
				     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card;
	cpumask_var_t cpus;
	size_t part;
	int err;
	u32 i;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	cpus_read_lock();
	if (engine_cpus) {
		cpumask_and(cpus, engine_cpus, cpu_online_mask);
		if (cpumask_empty(cpus)) {
			NL_SET_ERR_MSG_MOD(extack, "None of the engine CPUs is online");
			err = -EINVAL;
			goto err_free_cpus;
		}
	} else {
		mpnic_card_engine_mask(cpus);
	}
	if (!num_engines)
		num_engines = min_t(u32, cpumask_weight(cpus), MPNIC_MAX_ENGINES);
	if (num_engines > MPNIC_MAX_ENGINES) {
		NL_SET_ERR_MSG_MOD(extack, "Too many engines for one card");
		err = -EINVAL;
		goto err_free_cpus;
	}
	part = mem_size / num_engines;
	if (part < (size_t)MPNIC_BUF_SIZE * 16) {
		NL_SET_ERR_MSG_MOD(extack, "Card memory too small for its engines (16 buffers each)");
		err = -EINVAL;
		goto err_free_cpus;
	}

	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card) {
		err = -ENOMEM;
		goto err_free_cpus;
	}
	card->engines = kcalloc(num_engines, sizeof(*card->engines), GFP_KERNEL);
	if (!card->engines) {
		err = -ENOMEM;
		goto err_free_card;
	}
	err = ida_alloc(&mpnic_card_ida, GFP_KERNEL);
	if (err < 0)
		goto err_free_engines;
	card->id = err;
	refcount_set(&card->refs, 1);
	card->net = net;
	card->serial = get_random_u32();
	card->mem_size = mem_size;
	card->dev = mpnic_bus_dev_add(card->id);
	if (IS_ERR(card->dev)) {
		err = PTR_ERR(card->dev);
		NL_SET_ERR_MSG_MOD(extack, "Failed to add the card to the mpnic bus");
		goto err_free_id;
	}
	err = mpnic_devlink_alloc(card);
	if (err)
		goto err_bus_dev_del;

	for (i = 0; i < num_engines; i++) {
		struct mpnic_engine *eng;

		eng = mpnic_engine_create(card, i, mpnic_card_engine_cpu(cpus, i), part);
		if (IS_ERR(eng)) {
			err = PTR_ERR(eng);
			NL_SET_ERR_MSG_MOD(extack, "Failed to start an engine");
			goto err_engines_destroy;
		}
		card->engines[i] = eng;
		card->num_engines++;
	}
	cpus_read_unlock();
	free_cpumask_var(cpus);
	mpnic_debugfs_card_add(card);
	mpnic_devlink_register(card);
	mpnic_card_list_add(card);
	return card;

err_engines_destroy:
	while (card->num_engines--)
		mpnic_engine_destroy(card->engines[card->num_engines]);
	mpnic_devlink_free(card);
err_bus_dev_del:
	mpnic_bus_dev_del(card->dev);
err_free_id:
	ida_free(&mpnic_card_ida, card->id);
err_free_engines:
	kfree(card->engines);
err_free_card:
	kfree(card);
err_free_cpus:
	cpus_read_unlock();
	free_cpumask_var(cpus);
	return ERR_PTR(err);
}

/* mpnic_wq, outside RTNL: devlink first, then the engines, then the rest */
static void mpnic_card_destroy_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, destroy_work);

	/* Gone first: no devlink op nor dumper may find an engine being freed */
	mpnic_devlink_unregister(card);
	mpnic_debugfs_card_del(card);
	while (card->num_engines--)
		mpnic_engine_destroy(card->engines[card->num_engines]);
	mpnic_devlink_free(card);
	mpnic_bus_dev_del(card->dev);
	ida_free(&mpnic_card_ida, card->id);
	kfree(card->engines);
	kfree(card);
}

/**
 * mpnic_card_put - drop a reference; the last one stops and frees the card
 * @card: the card
 *
 * The teardown runs on mpnic_wq, outside RTNL, because it unregisters the
 * devlink instance, whose lock comes before RTNL; module exit waits for
 * it. The last reference goes once no port is left, so no dispatch and no
 * host queue reaches the engines.
 *
 * Context: process context; RTNL may be held.
 */
void mpnic_card_put(struct mpnic_card *card)
{
	if (!refcount_dec_and_test(&card->refs))
		return;
	mutex_lock(&mpnic_cards_lock);
	list_del(&card->list);
	mutex_unlock(&mpnic_cards_lock);
	INIT_WORK(&card->destroy_work, mpnic_card_destroy_work);
	queue_work(mpnic_wq, &card->destroy_work);
}

/**
 * mpnic_card_port_add - give a card a new port (claims 44-45)
 * @card: the card; the port takes a reference on it
 * @port: the port, not yet registered
 * @extack: netlink extended ack for refusals
 *
 * The port gets the first free index: its queues' place on every engine.
 *
 * Context: process context, RTNL held.
 * Return: 0, or -ENODEV (the card is being deleted) or -ENOSPC.
 */
int mpnic_card_port_add(struct mpnic_card *card, struct mpnic_port *port,
			struct netlink_ext_ack *extack)
{
	int err = -ENOSPC;
	u32 i;

	ASSERT_RTNL();
	mutex_lock(&mpnic_cards_lock);
	if (card->deleting) {
		NL_SET_ERR_MSG_MOD(extack, "The card is being deleted");
		err = -ENODEV;
		goto out_unlock;
	}
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		if (card->ports[i])
			continue;
		card->ports[i] = port;
		port->idx = i;
		port->card = card;
		refcount_inc(&card->refs);
		err = 0;
		goto out_unlock;
	}
	NL_SET_ERR_MSG_MOD(extack, "The card has no free port");
out_unlock:
	mutex_unlock(&mpnic_cards_lock);
	return err;
}

/**
 * mpnic_card_port_del - take a port off its card
 * @port: the port, unregistering or never registered
 *
 * Its index is free again; its reference on the card goes with the port
 * (mpnic_card_put() from its destructor). Idempotent.
 *
 * Context: process context, RTNL held.
 */
void mpnic_card_port_del(struct mpnic_port *port)
{
	struct mpnic_card *card = port->card;

	ASSERT_RTNL();
	mutex_lock(&mpnic_cards_lock);
	if (card->ports[port->idx] == port)
		card->ports[port->idx] = NULL;
	mutex_unlock(&mpnic_cards_lock);
}

/**
 * mpnic_card_del - delete a card of the family's card-new, with its ports
 * @card: the card; the caller's reference on it ends here
 *
 * Context: process context, RTNL held; the caller set card->deleting
 * under mpnic_cards_lock and dropped that lock.
 */
void mpnic_card_del(struct mpnic_card *card)
{
	LIST_HEAD(kill);
	u32 i;

	ASSERT_RTNL();
	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		if (card->ports[i])
			unregister_netdevice_queue(card->ports[i]->netdev, &kill);
	unregister_netdevice_many(&kill);
	/* The ports' references go with them, after RTNL */
	mpnic_card_put(card);
}

/**
 * mpnic_card_visible - whether a namespace sees a card
 * @card: the card
 * @net: the namespace
 *
 * A card is seen from the namespace that made it with card-new and from
 * those of its ports; it follows a port that moves (claim 46).
 *
 * Context: mpnic_cards_lock or RTNL held.
 */
bool mpnic_card_visible(const struct mpnic_card *card, const struct net *net)
{
	u32 i;

	if (card->net && net_eq(card->net, net))
		return true;
	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		if (card->ports[i] && net_eq(dev_net(card->ports[i]->netdev), net))
			return true;
	return false;
}

/* The namespace that made cards with card-new goes: they go with it. */
static void mpnic_card_net_exit(struct net *net)
{
	struct mpnic_card *card;

	rtnl_lock();
	do {
		mutex_lock(&mpnic_cards_lock);
		list_for_each_entry(card, &mpnic_cards, list)
			if (card->net == net && !card->deleting)
				break;
		if (list_entry_is_head(card, &mpnic_cards, list))
			card = NULL;
		else
			card->deleting = true;
		mutex_unlock(&mpnic_cards_lock);
		if (card)
			mpnic_card_del(card);
	} while (card);
	rtnl_unlock();
}

static struct pernet_operations mpnic_card_net_ops = {
	.exit	= mpnic_card_net_exit,
};

/* Module exit unregisters them: every card-new card is deleted then. */
int mpnic_card_init(void)
{
	return register_pernet_subsys(&mpnic_card_net_ops);
}

void mpnic_card_exit(void)
{
	unregister_pernet_subsys(&mpnic_card_net_ops);
}

/**
 * mpnic_card_find - the card with index @id
 * @id: card index
 *
 * Context: mpnic_cards_lock held; the card lives until it is released.
 * Return: the card, or NULL.
 */
struct mpnic_card *mpnic_card_find(u32 id)
{
	struct mpnic_card *card;

	lockdep_assert_held(&mpnic_cards_lock);
	list_for_each_entry(card, &mpnic_cards, list)
		if (card->id == id)
			return card;
	return NULL;
}
