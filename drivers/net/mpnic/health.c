// SPDX-License-Identifier: GPL-2.0
/* The card's "engine" devlink health reporter and its watchdog */

#include <linux/workqueue.h>
#include <net/devlink.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

#define MPNIC_WATCHDOG_MS	100
/* Fewer passes per look while input overflows: slow, not merely loaded */
#define MPNIC_WATCH_SLOW_PASSES	20
#define MPNIC_RESTART_TIMEOUT	(2 * HZ)

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

/* The kthread drops its input and clears injected faults; may sleep */
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

/* @tx_lost: frames outstanding, with no completion on a ring to reap */
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

/* Returns how far progress moved; @drops: whether drops did */
static u64 mpnic_watch_update(struct mpnic_watch *w, u64 bad, u64 good, bool *drops)
{
	u64 moved = good - w->good;

	*drops = bad != w->bad;
	w->bad = bad;
	w->good = good;
	return moved;
}

/*
 * The conditions besides a stall: card memory and host RX also hold, with
 * no new drop, while nothing moves and no buffer is there; slow needs few
 * passes, as load alone is not reported. Reported once held for the limit.
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

/* Stalled: work and no pass for stall_timeout_ms; reported once */
static void mpnic_watchdog(struct work_struct *work)
{
	struct mpnic_card *card = container_of(to_delayed_work(work), struct mpnic_card,
					       watchdog);
	u32 limit = READ_ONCE(card->stall_timeout_ms), i, n;
	struct mpnic_engine **engines;

	/*
	 * Not the instance lock, which a report takes: a reload frees the
	 * engines it swapped out from mpnic_wq, after this work.
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

/**
 * mpnic_health_init - the card's reporter, and its watchdog started
 * @card: a card whose devlink instance is registered
 *
 * Context: mpnic_wq, outside RTNL.
 */
void mpnic_health_init(struct mpnic_card *card)
{
	struct devlink_health_reporter *health;

	INIT_DELAYED_WORK(&card->watchdog, mpnic_watchdog);
	health = devlink_health_reporter_create(card->devlink, &mpnic_health_ops, 0, card);
	if (IS_ERR(health)) {
		dev_warn(card->dev, "no health reporter: %pe\n", health);
		return;
	}
	card->health = health;
	queue_delayed_work(mpnic_wq, &card->watchdog, msecs_to_jiffies(MPNIC_WATCHDOG_MS));
}

/* Context: mpnic_wq, outside RTNL, before the instance is unregistered */
void mpnic_health_exit(struct mpnic_card *card)
{
	if (!card->health)
		return;
	cancel_delayed_work_sync(&card->watchdog);
	devlink_health_reporter_destroy(card->health);
	card->health = NULL;
}
