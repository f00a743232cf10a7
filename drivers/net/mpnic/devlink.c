// SPDX-License-Identifier: GPL-2.0
/*
 * devlink: one instance per card (mpnic/mpnic<ID>), with `devlink dev info`
 * and the "engine" health reporter, which finds a stalled engine (work on
 * its rings and no pass over them for stall_timeout_ms), dumps its state
 * and restarts it.
 *
 * Lock order: the devlink instance lock comes before RTNL. Cards are
 * created and deleted under RTNL (rtnetlink), so the instance is
 * registered, and the card later torn down, from mpnic_wq, outside RTNL.
 */

#include <linux/workqueue.h>
#include <net/devlink.h>

#include "mpnic.h"

static unsigned int stall_timeout_ms = 1000;
module_param(stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms,
		 "An engine with work and no progress this long is stalled (health reporter)");

#define MPNIC_WATCHDOG_MS	100
#define MPNIC_RESTART_TIMEOUT	(2 * HZ)

static struct mpnic_card *mpnic_devlink_card(struct devlink *devlink)
{
	return *(struct mpnic_card **)devlink_priv(devlink);
}

static int mpnic_devlink_info_get(struct devlink *devlink, struct devlink_info_req *req,
				  struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);
	char serial[24];
	int err;

	err = mpnic_devlink_info_driver_name_put(req);
	if (err)
		return err;
	snprintf(serial, sizeof(serial), "MPNIC%08X", card->serial);
	err = devlink_info_serial_number_put(req, serial);
	if (err)
		return err;
	err = devlink_info_version_running_put(req, DEVLINK_INFO_VERSION_GENERIC_FW,
					       MPNIC_FW_VERSION);
	if (err)
		return err;
	return devlink_info_version_running_put(req, "fw.engine", MPNIC_ENGINE_FW_VERSION);
}

static const struct devlink_ops mpnic_devlink_ops = {
	.info_get	= mpnic_devlink_info_get,
};

/* One engine's state, as a health dump or diagnosis shows it */
static void mpnic_health_engine_put(struct devlink_fmsg *fmsg, struct mpnic_engine *eng,
				    bool rings)
{
	struct mpnic_engine_stats es;
	struct mpnic_hq *hq;
	u32 p;

	mpnic_engine_get_stats(eng, &es);
	devlink_fmsg_obj_nest_start(fmsg);
	devlink_fmsg_u32_pair_put(fmsg, "engine", eng->id);
	devlink_fmsg_u32_pair_put(fmsg, "cpu", eng->cpu);
	devlink_fmsg_bool_pair_put(fmsg, "stalled", READ_ONCE(eng->stall_reported));
	devlink_fmsg_u64_pair_put(fmsg, "restarts", es.restarts);
	devlink_fmsg_u64_pair_put(fmsg, "polls", es.polls);
	devlink_fmsg_u32_pair_put(fmsg, "input_ring_pending", mpnic_ring_count(&eng->in_ring));
	devlink_fmsg_u32_pair_put(fmsg, "free_buffers", mpnic_ring_count(&eng->free_ring));
	if (rings) {
		devlink_fmsg_u32_pair_put(fmsg, "buffers", eng->nbufs);
		devlink_fmsg_u32_pair_put(fmsg, "input_ring_prod", READ_ONCE(eng->in_ring.prod));
		devlink_fmsg_u32_pair_put(fmsg, "input_ring_cons", READ_ONCE(eng->in_ring.cons));
		devlink_fmsg_arr_pair_nest_start(fmsg, "ports");
		rcu_read_lock();
		for (p = 0; p < MPNIC_MAX_PORTS; p++) {
			hq = rcu_dereference(eng->hq[p]);
			if (!hq)
				continue;
			devlink_fmsg_obj_nest_start(fmsg);
			devlink_fmsg_u32_pair_put(fmsg, "port", p);
			devlink_fmsg_u32_pair_put(fmsg, "tx_ring_pending",
						  mpnic_ring_count(&hq->tx_ring));
			devlink_fmsg_u32_pair_put(fmsg, "rx_posted",
						  mpnic_ring_count(&hq->rx_post));
			devlink_fmsg_obj_nest_end(fmsg);
		}
		rcu_read_unlock();
		devlink_fmsg_arr_pair_nest_end(fmsg);
		devlink_fmsg_u64_pair_put(fmsg, "rx_frames", es.rx_frames);
		devlink_fmsg_u64_pair_put(fmsg, "rx_delivered", es.rx_delivered);
		devlink_fmsg_u64_pair_put(fmsg, "rx_flushed", es.rx_flushed);
		devlink_fmsg_u64_pair_put(fmsg, "tx_frames", es.tx_frames);
		devlink_fmsg_u64_pair_put(fmsg, "tx_wire_frames", es.tx_wire_frames);
	}
	devlink_fmsg_obj_nest_end(fmsg);
}

static void mpnic_health_put(struct devlink_fmsg *fmsg, struct mpnic_card *card,
			     struct mpnic_engine *only, bool rings)
{
	u32 i;

	devlink_fmsg_arr_pair_nest_start(fmsg, "engines");
	for (i = 0; i < card->num_engines; i++)
		if (!only || card->engines[i] == only)
			mpnic_health_engine_put(fmsg, card->engines[i], rings);
	devlink_fmsg_arr_pair_nest_end(fmsg);
}

/* The dump of a report names the stalled engine; a user's dump, all */
static int mpnic_health_dump(struct devlink_health_reporter *reporter,
			     struct devlink_fmsg *fmsg, void *priv_ctx,
			     struct netlink_ext_ack *extack)
{
	mpnic_health_put(fmsg, devlink_health_reporter_priv(reporter), priv_ctx, true);
	return 0;
}

static int mpnic_health_diagnose(struct devlink_health_reporter *reporter,
				 struct devlink_fmsg *fmsg, struct netlink_ext_ack *extack)
{
	mpnic_health_put(fmsg, devlink_health_reporter_priv(reporter), NULL, false);
	return 0;
}

/*
 * Restart an engine: its kthread drops what is on its input ring
 * (rx_flushed), returns those buffers and goes on; the injected stall, if
 * any, is cleared. Context: process, may sleep.
 */
static int mpnic_health_restart(struct mpnic_engine *eng, struct netlink_ext_ack *extack)
{
	reinit_completion(&eng->restart_done);
	/* The kthread reads it at the top of its loop */
	WRITE_ONCE(eng->restart_req, true);
	wake_up_process(eng->task);
	if (!wait_for_completion_timeout(&eng->restart_done, MPNIC_RESTART_TIMEOUT)) {
		NL_SET_ERR_MSG_MOD(extack, "The engine did not restart");
		return -ETIMEDOUT;
	}
	return 0;
}

/* A report's engine, or (user's recover) every engine found stalled */
static int mpnic_health_recover(struct devlink_health_reporter *reporter, void *priv_ctx,
				struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = devlink_health_reporter_priv(reporter);
	int err = 0;
	u32 i;

	if (priv_ctx)
		return mpnic_health_restart(priv_ctx, extack);
	for (i = 0; i < card->num_engines && !err; i++)
		if (READ_ONCE(card->engines[i]->stall_reported) ||
		    READ_ONCE(card->engines[i]->fault_stall))
			err = mpnic_health_restart(card->engines[i], extack);
	return err;
}

/* devlink health test: stall engine 0, as the fault injection does */
static int mpnic_health_test(struct devlink_health_reporter *reporter,
			     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = devlink_health_reporter_priv(reporter);

	WRITE_ONCE(card->engines[0]->fault_stall, true);
	return 0;
}

static const struct devlink_health_reporter_ops mpnic_health_ops = {
	.name		= "engine",
	.recover	= mpnic_health_recover,
	.dump		= mpnic_health_dump,
	.diagnose	= mpnic_health_diagnose,
	.test		= mpnic_health_test,
};

/*
 * Every MPNIC_WATCHDOG_MS: an engine that has work and made no pass over
 * its rings since the last look is stalled once that lasts
 * stall_timeout_ms; it is reported once (devlink recovers it).
 */
static void mpnic_watchdog(struct work_struct *work)
{
	struct mpnic_card *card = container_of(to_delayed_work(work), struct mpnic_card,
					       watchdog);
	u32 limit = READ_ONCE(stall_timeout_ms), i;

	for (i = 0; i < card->num_engines; i++) {
		struct mpnic_engine *eng = card->engines[i];
		u64 passes = READ_ONCE(eng->passes);

		if (passes != eng->watch_passes || !mpnic_engine_has_work(eng)) {
			eng->watch_passes = passes;
			eng->stalled_ms = 0;
			WRITE_ONCE(eng->stall_reported, false);
			continue;
		}
		eng->stalled_ms += MPNIC_WATCHDOG_MS;
		if (eng->stalled_ms < limit || eng->stall_reported)
			continue;
		WRITE_ONCE(eng->stall_reported, true);
		devlink_health_report(card->health, "engine stalled", eng);
	}
	queue_delayed_work(mpnic_wq, &card->watchdog, msecs_to_jiffies(MPNIC_WATCHDOG_MS));
}

/* mpnic_wq: register the instance and its reporter, start the watchdog */
static void mpnic_devlink_register_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, register_work);
	struct devlink_health_reporter *health;

	devlink_register(card->devlink);
	health = devlink_health_reporter_create(card->devlink, &mpnic_health_ops, 0, card);
	if (IS_ERR(health)) {
		dev_warn(card->dev, "no health reporter: %pe\n", health);
		return;
	}
	card->health = health;
	queue_delayed_work(mpnic_wq, &card->watchdog, msecs_to_jiffies(MPNIC_WATCHDOG_MS));
}

/**
 * mpnic_devlink_alloc - a card's devlink instance, registered later
 * @card: the card, with its bus device
 *
 * Context: process context; RTNL may be held.
 * Return: 0 or -ENOMEM.
 */
int mpnic_devlink_alloc(struct mpnic_card *card)
{
	card->devlink = devlink_alloc(&mpnic_devlink_ops, sizeof(card), card->dev);
	if (!card->devlink)
		return -ENOMEM;
	*(struct mpnic_card **)devlink_priv(card->devlink) = card;
	INIT_WORK(&card->register_work, mpnic_devlink_register_work);
	INIT_DELAYED_WORK(&card->watchdog, mpnic_watchdog);
	return 0;
}

/* Register it from mpnic_wq, which runs a card's works in order */
void mpnic_devlink_register(struct mpnic_card *card)
{
	queue_work(mpnic_wq, &card->register_work);
}

/**
 * mpnic_devlink_unregister - stop the watchdog, unregister the instance
 * @card: a card whose register work has run (mpnic_wq is ordered)
 *
 * Context: mpnic_wq, outside RTNL.
 */
void mpnic_devlink_unregister(struct mpnic_card *card)
{
	cancel_delayed_work_sync(&card->watchdog);
	if (card->health)
		devlink_health_reporter_destroy(card->health);
	devlink_unregister(card->devlink);
}

void mpnic_devlink_free(struct mpnic_card *card)
{
	devlink_free(card->devlink);
}
