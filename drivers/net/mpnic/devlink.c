// SPDX-License-Identifier: GPL-2.0
/*
 * devlink: one instance per card (mpnic/mpnic<ID>), with `devlink dev info`,
 * the "engine" health reporter, which finds a stalled engine (work on its
 * rings and no pass over them for stall_timeout_ms), dumps its state and
 * restarts it, two permanent parameters, engines and card_mem_mb, the
 * card's "firmware" settings that `devlink dev reload action fw_activate`
 * applies (card.c: mpnic_card_reload()), and one devlink port per port.
 *
 * Lock order: the devlink instance lock comes before RTNL. Cards are
 * created and deleted under RTNL (rtnetlink), so the instance is
 * registered, and the card later torn down, from mpnic_wq, outside RTNL.
 * A port's devlink port must be registered before its netdev, under RTNL:
 * there the instance lock is only tried (mpnic_devlink_port_add()), and a
 * deleted port's devlink port goes from mpnic_wq.
 */

#include <linux/delay.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/devlink.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

static unsigned int stall_timeout_ms = 1000;
module_param(stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms,
		 "An engine with work and no progress this long is stalled (health reporter)");

#define MPNIC_WATCHDOG_MS	100
/*
 * A pass takes at most a budget per ring: an engine whose input ring
 * overflows while it makes fewer passes than this per look is slow, not
 * merely loaded (a loaded engine makes back-to-back passes)
 */
#define MPNIC_WATCH_SLOW_PASSES	20
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

enum mpnic_devlink_param_id {
	MPNIC_DEVLINK_PARAM_ID_BASE = DEVLINK_PARAM_GENERIC_ID_MAX,
	MPNIC_DEVLINK_PARAM_ID_ENGINES,
	MPNIC_DEVLINK_PARAM_ID_CARD_MEM_MB,
	MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US,
	MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_ADAPTIVE,
};

/* An engine may spin at most this long: 10 ms, two jiffies at HZ=250 */
#define MPNIC_BUSY_POLL_MAX_US	10000

static int mpnic_devlink_engines_validate(struct devlink *devlink, u32 id,
					  union devlink_param_value val,
					  struct netlink_ext_ack *extack)
{
	if (!val.vu32 || val.vu32 > MPNIC_MAX_ENGINES) {
		NL_SET_ERR_MSG_MOD(extack, "A card has 1 to 64 engines");
		return -EINVAL;
	}
	return 0;
}

static int mpnic_devlink_card_mem_validate(struct devlink *devlink, u32 id,
					   union devlink_param_value val,
					   struct netlink_ext_ack *extack)
{
	if (val.vu32 < MPNIC_CARD_MEM_MIN >> 20 || val.vu32 > MPNIC_CARD_MEM_MAX >> 20) {
		NL_SET_ERR_MSG_MOD(extack, "Card memory must be 1 MiB to 4 GiB");
		return -EINVAL;
	}
	return 0;
}

static int mpnic_devlink_busy_poll_validate(struct devlink *devlink, u32 id,
					    union devlink_param_value val,
					    struct netlink_ext_ack *extack)
{
	if (val.vu32 > MPNIC_BUSY_POLL_MAX_US) {
		NL_SET_ERR_MSG_MOD(extack, "Engines busy-poll for at most 10000 us");
		return -EINVAL;
	}
	return 0;
}

static int mpnic_devlink_busy_poll_get(struct devlink *devlink, u32 id,
				       struct devlink_param_gset_ctx *ctx)
{
	ctx->val.vu32 = READ_ONCE(mpnic_devlink_card(devlink)->busy_poll_us);
	return 0;
}

static int mpnic_devlink_busy_poll_set(MPNIC_DEVLINK_PARAM_SET_ARGS(devlink, id, ctx, extack))
{
	/* the engines see it at their next pass with work */
	WRITE_ONCE(mpnic_devlink_card(devlink)->busy_poll_us, ctx->val.vu32);
	return 0;
}

static int mpnic_devlink_adaptive_get(struct devlink *devlink, u32 id,
				      struct devlink_param_gset_ctx *ctx)
{
	ctx->val.vbool = READ_ONCE(mpnic_devlink_card(devlink)->busy_poll_adaptive);
	return 0;
}

static int mpnic_devlink_adaptive_set(MPNIC_DEVLINK_PARAM_SET_ARGS(devlink, id, ctx, extack))
{
	/* the engines see it the next time they run out of work */
	WRITE_ONCE(mpnic_devlink_card(devlink)->busy_poll_adaptive, ctx->val.vbool);
	return 0;
}

/*
 * engines and card_mem_mb are the card's "firmware" settings (cmode
 * permanent): set, they wait for the next fw_activate reload. Context:
 * the instance lock held.
 */
static int mpnic_devlink_fw_get(struct devlink *devlink, u32 id,
				struct devlink_param_gset_ctx *ctx)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	ctx->val.vu32 = id == MPNIC_DEVLINK_PARAM_ID_ENGINES ? card->fw_engines : card->fw_mem_mb;
	return 0;
}

static int mpnic_devlink_fw_set(MPNIC_DEVLINK_PARAM_SET_ARGS(devlink, id, ctx, extack))
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	if (id == MPNIC_DEVLINK_PARAM_ID_ENGINES)
		card->fw_engines = ctx->val.vu32;
	else
		card->fw_mem_mb = ctx->val.vu32;
	return 0;
}

static const struct devlink_param mpnic_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_ENGINES, "engines", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_PERMANENT), mpnic_devlink_fw_get,
			     mpnic_devlink_fw_set, mpnic_devlink_engines_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_CARD_MEM_MB, "card_mem_mb",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_PERMANENT),
			     mpnic_devlink_fw_get, mpnic_devlink_fw_set,
			     mpnic_devlink_card_mem_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US, "busy_poll_us",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_busy_poll_get, mpnic_devlink_busy_poll_set,
			     mpnic_devlink_busy_poll_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_ADAPTIVE, "busy_poll_adaptive",
			     DEVLINK_PARAM_TYPE_BOOL, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_adaptive_get, mpnic_devlink_adaptive_set,
			     NULL),
};

/*
 * fw_activate: the engines restart with the permanent parameters. The
 * ports, the host's side, stay (a driver_reinit would have to delete
 * them with their devlink ports: they are the user's interfaces).
 * Refuses what the reload could not do, before anything changes.
 */
static int mpnic_devlink_reload_down(struct devlink *devlink, bool netns_change,
				     enum devlink_reload_action action,
				     enum devlink_reload_limit limit,
				     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A card stays where it is; move its ports (ip link set netns)");
		return -EOPNOTSUPP;
	}
	return mpnic_card_reload_check(card, card->fw_engines, (size_t)card->fw_mem_mb << 20,
				       extack);
}

static int mpnic_devlink_reload_up(struct devlink *devlink, enum devlink_reload_action action,
				   enum devlink_reload_limit limit, u32 *actions_performed,
				   struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);
	int err;

	err = mpnic_card_reload(card, card->fw_engines, (size_t)card->fw_mem_mb << 20, extack);
	if (err)
		return err;
	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE);
	return 0;
}

static const struct devlink_ops mpnic_devlink_ops = {
	.info_get	= mpnic_devlink_info_get,
	.reload_actions	= BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE),
	.reload_down	= mpnic_devlink_reload_down,
	.reload_up	= mpnic_devlink_reload_up,
};

/* One engine's state, as a health dump or diagnosis shows it */
static void mpnic_health_engine_put(struct devlink_fmsg *fmsg, struct mpnic_engine *eng,
				    bool rings)
{
	u32 tx_pending[MPNIC_MAX_PORTS], rx_posted[MPNIC_MAX_PORTS];
	struct mpnic_engine_stats es;
	struct mpnic_hq *hq;
	u32 p;

	mpnic_engine_get_stats(eng, &es);
	devlink_fmsg_obj_nest_start(fmsg);
	devlink_fmsg_u32_pair_put(fmsg, "engine", eng->id);
	devlink_fmsg_u32_pair_put(fmsg, "cpu", eng->cpu);
	devlink_fmsg_bool_pair_put(fmsg, "stalled", READ_ONCE(eng->stall_reported));
	devlink_fmsg_bool_pair_put(fmsg, "card_mem_exhausted",
				   READ_ONCE(eng->watch[MPNIC_WATCH_CARD_MEM].reported));
	devlink_fmsg_bool_pair_put(fmsg, "host_rx_starved",
				   READ_ONCE(eng->watch[MPNIC_WATCH_HOST_RX].reported));
	devlink_fmsg_bool_pair_put(fmsg, "slow",
				   READ_ONCE(eng->watch[MPNIC_WATCH_SLOW].reported));
	devlink_fmsg_bool_pair_put(fmsg, "tx_completions_lost",
				   READ_ONCE(eng->watch[MPNIC_WATCH_TX_CMPL].reported));
	devlink_fmsg_u64_pair_put(fmsg, "restarts", es.restarts);
	devlink_fmsg_u64_pair_put(fmsg, "polls", es.polls);
	devlink_fmsg_u32_pair_put(fmsg, "input_ring_pending", mpnic_ring_count(&eng->in_ring));
	devlink_fmsg_u32_pair_put(fmsg, "free_buffers", mpnic_ring_count(&eng->free_ring));
	if (rings) {
		devlink_fmsg_u32_pair_put(fmsg, "buffers", eng->nbufs);
		devlink_fmsg_u32_pair_put(fmsg, "input_ring_prod", READ_ONCE(eng->in_ring.prod));
		devlink_fmsg_u32_pair_put(fmsg, "input_ring_cons", READ_ONCE(eng->in_ring.cons));
		/* The rings' counts first: fmsg allocates, never under RCU */
		rcu_read_lock();
		for (p = 0; p < MPNIC_MAX_PORTS; p++) {
			hq = rcu_dereference(eng->hq[p]);
			tx_pending[p] = hq ? mpnic_ring_count(&hq->tx_ring) : U32_MAX;
			rx_posted[p] = hq ? mpnic_ring_count(&hq->rx_post) : 0;
		}
		rcu_read_unlock();
		devlink_fmsg_arr_pair_nest_start(fmsg, "ports");
		for (p = 0; p < MPNIC_MAX_PORTS; p++) {
			if (tx_pending[p] == U32_MAX)
				continue;
			devlink_fmsg_obj_nest_start(fmsg);
			devlink_fmsg_u32_pair_put(fmsg, "port", p);
			devlink_fmsg_u32_pair_put(fmsg, "tx_ring_pending", tx_pending[p]);
			devlink_fmsg_u32_pair_put(fmsg, "rx_posted", rx_posted[p]);
			devlink_fmsg_obj_nest_end(fmsg);
		}
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

/* Reported by the watchdog, or with a fault injected */
static bool mpnic_health_faulty(struct mpnic_engine *eng)
{
	u32 c;

	for (c = 0; c < MPNIC_WATCH_N; c++)
		if (READ_ONCE(eng->watch[c].reported))
			return true;
	for (c = 0; c <= MPNIC_FAULT_LAST; c++)
		if (READ_ONCE(*mpnic_engine_fault(eng, c)))
			return true;
	return READ_ONCE(eng->stall_reported);
}

/* A report's engine, or (user's recover) every engine found faulty */
static int mpnic_health_recover(struct devlink_health_reporter *reporter, void *priv_ctx,
				struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = devlink_health_reporter_priv(reporter);
	int err = 0;
	u32 i;

	if (priv_ctx)
		return mpnic_health_restart(priv_ctx, extack);
	for (i = 0; i < card->num_engines && !err; i++)
		if (mpnic_health_faulty(card->engines[i]))
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

static const char * const mpnic_watch_msg[MPNIC_WATCH_N] = {
	[MPNIC_WATCH_CARD_MEM]	= "card memory exhausted",
	[MPNIC_WATCH_HOST_RX]	= "host RX buffers starved",
	[MPNIC_WATCH_SLOW]	= "engine too slow, input overflowing",
	[MPNIC_WATCH_TX_CMPL]	= "TX completions lost",
};

/*
 * The host queues' side of an engine: whether every queue it serves has run
 * out of posted RX buffers, whether host frames it took wait for a
 * completion that is not there (outstanding, none on its ring, none for
 * NAPI to reap), and the frames reaped so far.
 */
static void mpnic_watch_hqs(struct mpnic_engine *eng, bool *rx_empty, bool *tx_lost, u64 *reaped)
{
	struct mpnic_hq *hq;
	u32 p;

	*rx_empty = true;
	*tx_lost = false;
	*reaped = 0;
	rcu_read_lock();
	for (p = 0; p < MPNIC_MAX_PORTS; p++) {
		hq = rcu_dereference(eng->hq[p]);
		if (!hq)
			continue;
		*rx_empty &= mpnic_ring_empty(&hq->rx_post);
		*reaped += READ_ONCE(hq->tx_cleaned);
		if (READ_ONCE(hq->tx_ring.prod) != READ_ONCE(hq->tx_cleaned) &&
		    mpnic_ring_empty(&hq->tx_ring) && mpnic_ring_empty(&hq->tx_cmpl))
			*tx_lost = true;
	}
	rcu_read_unlock();
}

/*
 * One look at a condition's counters: whether its drops (bad) moved since
 * the last look, and how far its progress (good) moved
 */
static u64 mpnic_watch_update(struct mpnic_watch *w, u64 bad, u64 good, bool *drops)
{
	u64 moved = good - w->good;

	*drops = bad != w->bad;
	w->bad = bad;
	w->good = good;
	return moved;
}

/*
 * The conditions besides a stall, at one look:
 * - card memory: no progress into the input ring, and new drops for want
 *   of a buffer, or none since the last look held and still no buffer is
 *   free while nothing waits for the engine;
 * - host RX: nothing delivered, and new misses, or none posted still;
 * - slow: new input drops while frames wait and the engine made fewer
 *   than MPNIC_WATCH_SLOW_PASSES passes (load alone is not reported);
 * - TX completions: host frames taken and none reaped, a completion
 *   still missing.
 * One that holds for stall_timeout_ms is reported once.
 */
static void mpnic_watch_engine(struct mpnic_card *card, struct mpnic_engine *eng, u32 limit)
{
	struct mpnic_watch *watch = eng->watch;
	bool held[MPNIC_WATCH_N], drops, rx_empty, tx_lost;
	struct mpnic_engine_stats es;
	u64 moved, reaped;
	u32 c;

	mpnic_engine_get_stats(eng, &es);
	mpnic_watch_hqs(eng, &rx_empty, &tx_lost, &reaped);

	moved = mpnic_watch_update(&watch[MPNIC_WATCH_CARD_MEM], READ_ONCE(eng->in_nomem),
				   READ_ONCE(eng->in_ring.prod), &drops);
	held[MPNIC_WATCH_CARD_MEM] = !moved &&
		(drops || (watch[MPNIC_WATCH_CARD_MEM].ms && mpnic_ring_empty(&eng->free_ring) &&
			   mpnic_ring_empty(&eng->in_ring)));

	moved = mpnic_watch_update(&watch[MPNIC_WATCH_HOST_RX], es.rx_missed, es.rx_delivered,
				   &drops);
	held[MPNIC_WATCH_HOST_RX] = !moved &&
		(drops || (watch[MPNIC_WATCH_HOST_RX].ms && rx_empty));

	moved = mpnic_watch_update(&watch[MPNIC_WATCH_SLOW],
				   READ_ONCE(eng->in_full) + READ_ONCE(eng->in_nomem),
				   READ_ONCE(eng->passes), &drops);
	held[MPNIC_WATCH_SLOW] = drops && !mpnic_ring_empty(&eng->in_ring) &&
				 moved < MPNIC_WATCH_SLOW_PASSES;

	moved = mpnic_watch_update(&watch[MPNIC_WATCH_TX_CMPL], 0, reaped, &drops);
	held[MPNIC_WATCH_TX_CMPL] = tx_lost && !moved;

	for (c = 0; c < MPNIC_WATCH_N; c++) {
		struct mpnic_watch *w = &watch[c];

		if (!held[c]) {
			w->ms = 0;
			WRITE_ONCE(w->reported, false);
			continue;
		}
		w->ms += MPNIC_WATCHDOG_MS;
		if (w->ms < limit || w->reported)
			continue;
		WRITE_ONCE(w->reported, true);
		devlink_health_report(card->health, mpnic_watch_msg[c], eng);
	}
}

/*
 * Every MPNIC_WATCHDOG_MS: an engine that has work and made no pass over
 * its rings since the last look is stalled once that lasts
 * stall_timeout_ms; it is reported once (devlink recovers it). The other
 * conditions (mpnic_watch_engine) are looked for in an engine that moves.
 */
static void mpnic_watchdog(struct work_struct *work)
{
	struct mpnic_card *card = container_of(to_delayed_work(work), struct mpnic_card,
					       watchdog);
	u32 limit = READ_ONCE(stall_timeout_ms), i, n;
	struct mpnic_engine **engines;

	/*
	 * A reload may swap the engines, under the instance lock, which a
	 * report takes: the watchdog cannot wait for it. It looks at the
	 * engines of one moment; a reload frees the old ones from mpnic_wq,
	 * after this work.
	 */
	mutex_lock(&mpnic_cards_lock);
	engines = card->engines;
	n = card->num_engines;
	mutex_unlock(&mpnic_cards_lock);
	for (i = 0; i < n; i++) {
		struct mpnic_engine *eng = engines[i];
		u64 passes = READ_ONCE(eng->passes);

		if (passes != eng->watch_passes || !mpnic_engine_has_work(eng)) {
			eng->watch_passes = passes;
			eng->stalled_ms = 0;
			WRITE_ONCE(eng->stall_reported, false);
			mpnic_watch_engine(card, eng, limit);
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
	struct devlink *devlink = card->devlink;
	struct devlink_health_reporter *health;

	/* The parameters first: before 6.3 none could join a registered instance */
	if (devlink_params_register(devlink, mpnic_devlink_params,
				    ARRAY_SIZE(mpnic_devlink_params))) {
		dev_warn(card->dev, "no devlink parameters\n");
	} else {
		card->params = true;
		mpnic_devlink_reload_enable(devlink);
	}
	devlink_register(devlink);
	health = devlink_health_reporter_create(card->devlink, &mpnic_health_ops, 0, card);
	if (IS_ERR(health)) {
		dev_warn(card->dev, "no health reporter: %pe\n", health);
		return;
	}
	card->health = health;
	queue_delayed_work(mpnic_wq, &card->watchdog, msecs_to_jiffies(MPNIC_WATCHDOG_MS));
}

/*
 * How long a port's creation, under RTNL, tries the instance lock: longer
 * than any devlink operation holds it, but for a reload, which waits for
 * RTNL under it.
 */
#define MPNIC_DEVL_TRY_MS	200

static bool mpnic_devl_trylock(struct devlink *devlink)
{
	unsigned long end = jiffies + msecs_to_jiffies(MPNIC_DEVL_TRY_MS);

	do {
		if (devl_trylock(devlink))
			return true;
		usleep_range(500, 1000);
	} while (time_before(jiffies, end));
	return false;
}

/* Unregister and free the devlink port of index @idx. Context: instance lock held */
static void mpnic_devlink_port_free(struct mpnic_card *card, u32 idx)
{
	struct devlink_port *dl_port = card->dl_ports[idx];

	devl_assert_locked(card->devlink);
	if (!dl_port)
		return;
	devl_port_unregister(dl_port);
	card->dl_ports[idx] = NULL;
	kfree(dl_port);
}

/**
 * mpnic_devlink_port_add - a new port's devlink port, before its netdev
 * @port: the port, on its card at its index, not yet registered
 * @extack: why not
 *
 * A physical port numbered by the port's index. The devlink port of a port
 * that had the index before and is not yet gone goes first. Before 6.2
 * (compat.h: MPNIC_DEVLINK_PORTS_LATE) mpnic_wq registers it once the
 * netdev is.
 *
 * Context: process context, RTNL held: the instance lock, which comes
 * before RTNL, is only tried, and a port-new that finds it held (by a
 * reload waiting for RTNL) is refused.
 * Return: 0, -EBUSY or -ENOMEM.
 */
int mpnic_devlink_port_add(struct mpnic_port *port, struct netlink_ext_ack *extack)
{
	struct devlink_port_attrs attrs = {
		.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL,
		.phys.port_number = port->idx,
	};
	struct mpnic_card *card = port->card;
	struct devlink_port *dl_port;
	int err;

	ASSERT_RTNL();
	if (MPNIC_DEVLINK_PORTS_LATE) {
		/* It runs after RTNL, so after the netdev registered */
		queue_work(mpnic_wq, &card->dl_ports_work);
		return 0;
	}
	dl_port = kzalloc(sizeof(*dl_port), GFP_KERNEL);
	if (!dl_port)
		return -ENOMEM;
	if (!mpnic_devl_trylock(card->devlink)) {
		kfree(dl_port);
		NL_SET_ERR_MSG_MOD(extack, "The card is busy with a devlink operation; try again");
		return -EBUSY;
	}
	mpnic_devlink_port_free(card, port->idx);
	devlink_port_attrs_set(dl_port, &attrs);
	err = devl_port_register(card->devlink, dl_port, port->idx);
	if (!err) {
		card->dl_ports[port->idx] = dl_port;
		WRITE_ONCE(port->dl_port, dl_port);
	}
	devl_unlock(card->devlink);
	if (err) {
		kfree(dl_port);
		NL_SET_ERR_MSG_MOD(extack, "Failed to register the devlink port");
	}
	return err;
}

/**
 * mpnic_devlink_port_del - a port leaves: its devlink port goes, from mpnic_wq
 * @port: the port, its netdev unregistering (or never registered)
 *
 * Idempotent. Context: RTNL held, before the port leaves its card.
 */
void mpnic_devlink_port_del(struct mpnic_port *port)
{
	ASSERT_RTNL();
	if (!port->dl_port)
		return;
	/* Before 6.2 devlink's notifications read the netdev it was given */
	if (MPNIC_DEVLINK_PORTS_LATE)
		mpnic_devlink_port_forget_netdev(port->dl_port);
	WRITE_ONCE(port->dl_port, NULL);
	queue_work(mpnic_wq, &port->card->dl_ports_work);
}

/*
 * Before 6.2: the devlink port of each registered netdev that has none,
 * registered and typed outside RTNL, which both take. The netdev is held
 * in between; a port deleted meanwhile does not get it, and it goes.
 * Context: mpnic_wq, the instance lock held.
 */
static void mpnic_devlink_ports_late(struct mpnic_card *card)
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
		mpnic_devlink_port_type_eth_set(dl_port, dev);
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

/* mpnic_wq: the devlink ports whose port is gone, and before 6.2 new ones */
static void mpnic_devlink_ports_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, dl_ports_work);
	struct mpnic_port *port;
	u32 i;

	devl_lock(card->devlink);
	mutex_lock(&mpnic_cards_lock);
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		port = card->ports[i];
		if (card->dl_ports[i] && (!port || READ_ONCE(port->dl_port) != card->dl_ports[i])) {
			/* Unregistering notifies, which before 6.2 takes RTNL */
			mutex_unlock(&mpnic_cards_lock);
			mpnic_devlink_port_free(card, i);
			mutex_lock(&mpnic_cards_lock);
		}
	}
	mutex_unlock(&mpnic_cards_lock);
	if (MPNIC_DEVLINK_PORTS_LATE)
		mpnic_devlink_ports_late(card);
	devl_unlock(card->devlink);
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
	INIT_WORK(&card->dl_ports_work, mpnic_devlink_ports_work);
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
	u32 i;

	cancel_delayed_work_sync(&card->watchdog);
	if (card->health)
		devlink_health_reporter_destroy(card->health);
	/* Every port is gone; mpnic_wq ran their work before this */
	devl_lock(card->devlink);
	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		mpnic_devlink_port_free(card, i);
	devl_unlock(card->devlink);
	devlink_unregister(card->devlink);
	if (card->params)
		devlink_params_unregister(card->devlink, mpnic_devlink_params,
					  ARRAY_SIZE(mpnic_devlink_params));
}

void mpnic_devlink_free(struct mpnic_card *card)
{
	devlink_free(card->devlink);
}
