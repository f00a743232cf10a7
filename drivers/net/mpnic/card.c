// SPDX-License-Identifier: GPL-2.0
/* The card: its engines, and its memory split into one partition each */

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/devlink.h>
#include <net/net_namespace.h>

#include "mpnic.h"

static DEFINE_IDA(mpnic_card_ida);

/* Every card, from its creation to its last reference; and card->ports */
DEFINE_MUTEX(mpnic_cards_lock);
/* Card registration and teardown, in order, outside RTNL */
struct workqueue_struct *mpnic_wq;
/* Set once at module init, before any card exists */
static const struct mpnic_card_ops *mpnic_card_ops;
LIST_HEAD(mpnic_cards);

/* Load-time defaults of new cards' devlink parameters */
static unsigned int flow_timeout = 120;
module_param(flow_timeout, uint, 0444);
MODULE_PARM_DESC(flow_timeout,
		 "Default of devlink param flow_timeout: seconds after which an idle flow leaves its engine's table");

static unsigned int flow_closed_timeout = 5;
module_param(flow_closed_timeout, uint, 0444);
MODULE_PARM_DESC(flow_closed_timeout,
		 "Default of devlink param flow_closed_timeout: seconds after which a closed (RST, or both FINs acked) TCP flow leaves its table");

static unsigned int stall_timeout_ms = 1000;
module_param(stall_timeout_ms, uint, 0444);
MODULE_PARM_DESC(stall_timeout_ms,
		 "Default of devlink param stall_timeout_ms: an engine with work and no progress this long is stalled");

static char *engine_cpus;
module_param(engine_cpus, charp, 0644);
MODULE_PARM_DESC(engine_cpus,
		 "CPUs the engines of new cards run on (a cpulist, e.g. 0-1,4); default: all online");

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

/* Card memory is host RAM: half of it at most, to keep the OOM killer away */
static DEFINE_SPINLOCK(mpnic_card_mem_lock);
static u64 mpnic_card_mem_used;	/* bytes; protected by mpnic_card_mem_lock */

static u64 mpnic_card_mem_budget(void)
{
	return ((u64)totalram_pages() << PAGE_SHIFT) / 2;
}

static int mpnic_card_mem_charge(size_t bytes, struct netlink_ext_ack *extack)
{
	u64 budget = mpnic_card_mem_budget();
	int err = 0;

	spin_lock(&mpnic_card_mem_lock);
	if (mpnic_card_mem_used + bytes > budget)
		err = -ENOMEM;
	else
		mpnic_card_mem_used += bytes;
	spin_unlock(&mpnic_card_mem_lock);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "All cards' memory would pass half of the host's RAM");
	return err;
}

static void mpnic_card_mem_uncharge(size_t bytes)
{
	spin_lock(&mpnic_card_mem_lock);
	WARN_ON_ONCE(bytes > mpnic_card_mem_used);
	mpnic_card_mem_used -= min_t(u64, bytes, mpnic_card_mem_used);
	spin_unlock(&mpnic_card_mem_lock);
}

static void mpnic_card_engine_destroy(struct mpnic_engine *eng,
				      struct mpnic_engine_stats *last)
{
	size_t charged = eng->mem_charged;

	mpnic_engine_destroy(eng, last);
	mpnic_card_mem_uncharge(charged);
}

static void mpnic_card_engines_destroy(struct mpnic_engine **engines, u32 from, u32 to)
{
	while (to-- > from)
		mpnic_card_engine_destroy(engines[to], NULL);
}

/* Return: the array, or an ERR_PTR with nothing left behind; may sleep */
static struct mpnic_engine **
mpnic_card_engines_create(struct mpnic_card *card, u32 n, size_t mem_size,
			  struct netlink_ext_ack *extack)
{
	struct mpnic_engine **engines;
	cpumask_var_t cpus;
	int err = 0;
	u32 i;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	engines = kcalloc(n, sizeof(*engines), GFP_KERNEL);
	if (!engines) {
		free_cpumask_var(cpus);
		return ERR_PTR(-ENOMEM);
	}
	/* Each engine gives its part back when it is destroyed */
	err = mpnic_card_mem_charge((mem_size / n) * n, extack);
	if (err) {
		kfree(engines);
		free_cpumask_var(cpus);
		return ERR_PTR(err);
	}
	cpus_read_lock();
	cpumask_and(cpus, card->cpus, cpu_online_mask);
	if (cpumask_empty(cpus))
		cpumask_copy(cpus, cpu_online_mask);
	for (i = 0; i < n; i++) {
		engines[i] = mpnic_engine_create(card, i, mpnic_card_engine_cpu(cpus, i),
						 mem_size / n);
		if (IS_ERR(engines[i])) {
			err = PTR_ERR(engines[i]);
			NL_SET_ERR_MSG_MOD(extack, "Failed to start an engine");
			mpnic_card_mem_uncharge((mem_size / n) * (n - i));
			mpnic_card_engines_destroy(engines, 0, i);
			break;
		}
	}
	cpus_read_unlock();
	free_cpumask_var(cpus);
	if (err) {
		kfree(engines);
		return ERR_PTR(err);
	}
	return engines;
}

static int mpnic_card_engines_check(u32 n, size_t mem_size, struct netlink_ext_ack *extack)
{
	if (!n || n > MPNIC_MAX_ENGINES) {
		NL_SET_ERR_MSG_MOD(extack, "A card has 1 to 64 engines");
		return -EINVAL;
	}
	if (mem_size < MPNIC_CARD_MEM_MIN || mem_size > MPNIC_CARD_MEM_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "Card memory must be 1 MiB to 4 GiB");
		return -ERANGE;
	}
	if (mem_size / n < (size_t)MPNIC_BUF_SIZE * 16) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Card memory too small for its engines (16 buffers each)");
		return -EINVAL;
	}
	return 0;
}

/**
 * mpnic_card_create - allocate a card with its engines and memory
 * @num_engines: NIC processors; 0 for one per engine CPU
 * @mem_size: card memory in bytes, split evenly over the engines
 * @engine_cpus: the CPUs the engines spread over; NULL: the module parameter
 * @net: the owning namespace of a card-new card; NULL: it goes with its ports
 * @extack: netlink extended ack for refusals
 *
 * Context: process context, may sleep; RTNL may be held.
 * Return: the card, with one reference for the caller, or an ERR_PTR.
 */
struct mpnic_card *mpnic_card_create(u32 num_engines, size_t mem_size,
				     const struct cpumask *engine_cpus, struct net *net,
				     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card;
	int err;

	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card)
		return ERR_PTR(-ENOMEM);
	if (!zalloc_cpumask_var(&card->cpus, GFP_KERNEL)) {
		err = -ENOMEM;
		goto err_free_card;
	}
	if (engine_cpus) {
		cpus_read_lock();
		cpumask_and(card->cpus, engine_cpus, cpu_online_mask);
		cpus_read_unlock();
		if (cpumask_empty(card->cpus)) {
			NL_SET_ERR_MSG_MOD(extack, "None of the engine CPUs is online");
			err = -EINVAL;
			goto err_free_cpus;
		}
		cpumask_copy(card->cpus, engine_cpus);
	} else {
		mpnic_card_engine_mask(card->cpus);
	}
	if (!num_engines)
		num_engines = min_t(u32, cpumask_weight(card->cpus), MPNIC_MAX_ENGINES);
	err = mpnic_card_engines_check(num_engines, mem_size, extack);
	if (err)
		goto err_free_cpus;
	spin_lock_init(&card->stats_lock);
	card->retired = kvcalloc(MPNIC_MAX_ENGINES, sizeof(*card->retired), GFP_KERNEL);
	if (!card->retired) {
		err = -ENOMEM;
		goto err_free_cpus;
	}

	err = ida_alloc(&mpnic_card_ida, GFP_KERNEL);
	if (err < 0)
		goto err_free_retired;
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
	err = mpnic_card_ops->alloc(card);
	if (err)
		goto err_bus_dev_del;
	/* busy_poll_us 0 keeps it off; once on, it adapts */
	card->busy_poll_adaptive = true;
	card->flow_timeout = clamp_val(flow_timeout, MPNIC_FLOW_TIMEOUT_MIN,
				       MPNIC_FLOW_TIMEOUT_MAX);
	card->flow_closed_timeout = clamp_val(flow_closed_timeout, MPNIC_FLOW_TIMEOUT_MIN,
					      MPNIC_FLOW_TIMEOUT_MAX);
	card->stall_timeout_ms = clamp_val(stall_timeout_ms, MPNIC_STALL_TIMEOUT_MIN,
					   MPNIC_STALL_TIMEOUT_MAX);
	card->toe_max_conns = MPNIC_TOE_CONNS_DEFAULT;
	card->toe_sndbuf_kb = MPNIC_TOE_BUF_KB_DEFAULT;
	card->toe_rcvbuf_kb = MPNIC_TOE_BUF_KB_DEFAULT;
	card->toe_mem_mb = MPNIC_TOE_MEM_MB_DEFAULT;
	card->engines = mpnic_card_engines_create(card, num_engines, mem_size, extack);
	if (IS_ERR(card->engines)) {
		err = PTR_ERR(card->engines);
		goto err_devlink_free;
	}
	card->num_engines = num_engines;
	card->stats_engines = num_engines;
	/* The "firmware" settings (devlink permanent parameters): its own */
	card->fw_engines = num_engines;
	card->fw_mem_mb = mem_size >> 20;
	mpnic_card_ops->add(card);
	mpnic_card_list_add(card);
	return card;

err_devlink_free:
	mpnic_card_ops->free(card);
err_bus_dev_del:
	mpnic_bus_dev_del(card->dev);
err_free_id:
	ida_free(&mpnic_card_ida, card->id);
err_free_retired:
	kvfree(card->retired);
err_free_cpus:
	free_cpumask_var(card->cpus);
err_free_card:
	kfree(card);
	return ERR_PTR(err);
}

/* @sub: counts of @add already carried, or NULL */
static void mpnic_card_retired_add(struct mpnic_card *card, u32 id,
				   const struct mpnic_engine_stats *add,
				   const struct mpnic_engine_stats *sub)
{
	u64 *base = (u64 *)&card->retired[id];
	const u64 *a = (const u64 *)add, *b = (const u64 *)sub;
	size_t i;

	lockdep_assert_held(&card->stats_lock);
	for (i = 0; i < MPNIC_NSTATS(struct mpnic_engine_stats); i++)
		base[i] += a[i] - (b ? b[i] : 0);
}

/**
 * mpnic_card_engine_stats - the counters of an engine index of a card
 * @card: the card
 * @id: below card->stats_engines
 * @out: the running engine's counts with its predecessors', atomic with a
 *	reload's swap: no count is seen twice or missed
 *
 * Context: any but hard IRQ.
 */
void mpnic_card_engine_stats(struct mpnic_card *card, u32 id, struct mpnic_engine_stats *out)
{
	size_t i, n = MPNIC_NSTATS(struct mpnic_engine_stats);
	const u64 *base = (const u64 *)&card->retired[id];
	u64 *v = (u64 *)out;

	spin_lock_bh(&card->stats_lock);
	if (id < card->num_engines)
		mpnic_stats_read(&card->engines[id]->stats, out);
	else
		memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		v[i] += base[i];
	spin_unlock_bh(&card->stats_lock);
}

/**
 * mpnic_engine_get_stats - an engine's counters (mpnic_card_engine_stats())
 * @eng: a running engine of its card
 * @out: the counts
 *
 * Context: any but hard IRQ.
 */
void mpnic_engine_get_stats(const struct mpnic_engine *eng,
			    struct mpnic_engine_stats *out)
{
	mpnic_card_engine_stats(eng->card, eng->id, out);
}

/* @seen: counts carried at the swap; what they count flushing, at the stop */
struct mpnic_card_retire {
	struct work_struct work;
	struct mpnic_card *card;
	struct mpnic_engine **engines;
	struct mpnic_engine_stats *seen;
	u32 n;
};

static void mpnic_card_retire_work(struct work_struct *work)
{
	struct mpnic_card_retire *retire = container_of(work, struct mpnic_card_retire, work);
	struct mpnic_engine_stats last;
	u32 i;

	for (i = retire->n; i-- > 0; ) {
		mpnic_card_engine_destroy(retire->engines[i], &last);
		spin_lock_bh(&retire->card->stats_lock);
		mpnic_card_retired_add(retire->card, i, &last, &retire->seen[i]);
		spin_unlock_bh(&retire->card->stats_lock);
	}
	kfree(retire->seen);
	kfree(retire->engines);
	kfree(retire);
}

/* Whether every port of @card can serve from @engines engines. Context: RTNL. */
static int mpnic_card_ports_engines_check(struct mpnic_card *card, u32 engines,
					  struct netlink_ext_ack *extack)
{
	int err = 0;
	u32 i;

	ASSERT_RTNL();
	for (i = 0; i < MPNIC_MAX_PORTS && !err; i++)
		if (card->ports[i] && engines < card->ports[i]->num_hqs)
			err = mpnic_card_ops->port_engines_check(card->ports[i], engines,
								    extack);
	return err;
}

/**
 * mpnic_card_reload_check - whether a card can take new engines and memory
 * @card: the card
 * @engines: the new engine count
 * @mem_size: the new card memory, in bytes
 * @extack: why not
 *
 * Context: process context, the devlink instance lock held; takes RTNL.
 * Return: 0 or a negative errno.
 */
int mpnic_card_reload_check(struct mpnic_card *card, u32 engines, size_t mem_size,
			    struct netlink_ext_ack *extack)
{
	int err;

	devl_assert_locked(card->devlink);
	err = mpnic_card_engines_check(engines, mem_size, extack);
	if (err)
		return err;
	rtnl_lock();
	err = mpnic_card_ports_engines_check(card, engines, extack);
	rtnl_unlock();
	return err;
}

/**
 * mpnic_card_reload - replace a card's engines and memory (devlink reload)
 * @card: the card
 * @engines: the new engine count
 * @mem_size: the new card memory, in bytes
 * @extack: why it failed
 *
 * The new engines start first, so a failure leaves the card as it was; the
 * running ports close around the swap. Flow tables start over; counters go on.
 *
 * Context: process context, the devlink instance lock held (it comes
 * before RTNL); takes RTNL and mpnic_cards_lock.
 * Return: 0 or a negative errno.
 */
int mpnic_card_reload(struct mpnic_card *card, u32 engines, size_t mem_size,
		      struct netlink_ext_ack *extack)
{
	bool running[MPNIC_MAX_PORTS] = {};
	u32 old_n = card->num_engines, i;
	struct mpnic_card_retire *retire;
	struct mpnic_engine **new;
	struct mpnic_port *port;
	int err;

	devl_assert_locked(card->devlink);
	err = mpnic_card_reload_check(card, engines, mem_size, extack);
	if (err)
		return err;
	retire = kzalloc(sizeof(*retire), GFP_KERNEL);
	if (!retire)
		return -ENOMEM;
	retire->seen = kcalloc(old_n, sizeof(*retire->seen), GFP_KERNEL);
	if (!retire->seen) {
		err = -ENOMEM;
		goto err_free_retire;
	}
	new = mpnic_card_engines_create(card, engines, mem_size, extack);
	if (IS_ERR(new)) {
		err = PTR_ERR(new);
		goto err_free_seen;
	}

	rtnl_lock();
	/* Checked again: a port may have changed since */
	err = mpnic_card_ports_engines_check(card, engines, extack);
	if (err) {
		rtnl_unlock();
		mpnic_card_engines_destroy(new, 0, engines);
		kfree(new);
		goto err_free_seen;
	}
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		port = card->ports[i];
		if (port && netif_running(port->netdev)) {
			running[i] = true;
			dev_close(port->netdev);
		}
	}
	/* No dispatch CPU is left inside a port: each saw it down */
	synchronize_net();
	mpnic_card_ops->engines_del(card);
	mutex_lock(&mpnic_cards_lock);
	retire->card = card;
	retire->engines = card->engines;
	retire->n = old_n;
	/* Old engines' counts go on in their indices, atomic with the swap */
	spin_lock_bh(&card->stats_lock);
	for (i = 0; i < old_n; i++) {
		mpnic_stats_read(&card->engines[i]->stats, &retire->seen[i]);
		mpnic_card_retired_add(card, i, &retire->seen[i], NULL);
	}
	card->engines = new;
	card->num_engines = engines;
	card->stats_engines = max(card->stats_engines, engines);
	spin_unlock_bh(&card->stats_lock);
	card->mem_size = mem_size;
	mutex_unlock(&mpnic_cards_lock);
	mpnic_card_ops->engines_add(card);
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		port = card->ports[i];
		if (!port)
			continue;
		mpnic_card_ops->port_engines_swap(port, old_n);
		if (running[i] && dev_open(port->netdev, extack))
			netdev_err(port->netdev, "stays down after the reload\n");
	}
	rtnl_unlock();
	/* After the watchdog's pass, which may still hold them (health.c) */
	INIT_WORK(&retire->work, mpnic_card_retire_work);
	queue_work(mpnic_wq, &retire->work);
	return 0;

err_free_seen:
	kfree(retire->seen);
err_free_retire:
	kfree(retire);
	return err;
}

static void mpnic_card_destroy_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, destroy_work);

	/* Gone first: no devlink op nor dumper may find an engine being freed */
	mpnic_card_ops->del(card);
	mpnic_card_engines_destroy(card->engines, 0, card->num_engines);
	mpnic_card_ops->free(card);
	mpnic_bus_dev_del(card->dev);
	ida_free(&mpnic_card_ida, card->id);
	kfree(card->engines);
	kvfree(card->retired);
	free_cpumask_var(card->cpus);
	kfree(card);
}

/**
 * mpnic_card_put - drop a reference; the last one stops and frees the card
 * @card: the card
 *
 * The teardown runs on mpnic_wq: the devlink instance lock comes before RTNL.
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
 * mpnic_card_port_add - give a card a new port
 * @card: the card; the port takes a reference on it
 * @port: the port, not yet registered
 * @extack: netlink extended ack for refusals
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
		break;
	}
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "The card has no free port");
out_unlock:
	mutex_unlock(&mpnic_cards_lock);
	if (err)
		return err;
	/* Its devlink port, before its netdev */
	err = mpnic_card_ops->port_add(port, extack);
	if (err) {
		mpnic_card_port_del(port);
		mpnic_card_put(card);
	}
	return err;
}

/**
 * mpnic_card_port_del - take a port off its card
 * @port: the port, unregistering or never registered
 *
 * Idempotent; the port's card reference goes in its destructor.
 *
 * Context: process context, RTNL held.
 */
void mpnic_card_port_del(struct mpnic_port *port)
{
	struct mpnic_card *card = port->card;

	ASSERT_RTNL();
	mpnic_card_ops->port_del(port);
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
 * Context: mpnic_cards_lock or RTNL held.
 */
bool mpnic_card_visible(const struct mpnic_card *card, const struct net *net)
{
	u32 i;

	lockdep_assert(lockdep_is_held(&mpnic_cards_lock) || lockdep_rtnl_is_held());
	if (card->net && net_eq(card->net, net))
		return true;
	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		if (card->ports[i] && net_eq(dev_net(card->ports[i]->netdev), net))
			return true;
	return false;
}

/* Cards made by card-new go with their namespace */
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

/**
 * mpnic_card_init - start the card layer
 * @ops: the hooks of the layers above, for every card's life
 *
 * Return: 0 or a negative errno.
 */
int mpnic_card_init(const struct mpnic_card_ops *ops)
{
	mpnic_card_ops = ops;
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
