// SPDX-License-Identifier: GPL-2.0
/* Engines: the card's NIC processors, one kthread each */

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <uapi/linux/mpnic.h>

#include "busy.h"
#include "mpnic.h"

/* Engine only */
void mpnic_engine_buf_put(struct mpnic_engine *eng, u32 buf)
{
	u32 *slot;

	if (unlikely(READ_ONCE(eng->fault_card_mem))) {
		eng->held[eng->nheld++] = buf;
		return;
	}
	slot = mpnic_ring_prod_slot(&eng->free_ring);

	/* The free ring has room for every buffer of the partition */
	if (WARN_ON_ONCE(!slot))
		return;
	*slot = buf;
	mpnic_ring_prod_commit(&eng->free_ring);
}

/**
 * mpnic_engine_irq_all - raise the interrupt of every queue an engine serves
 * @eng: the engine
 *
 * After a fault, NAPI refills and reaps what it could not meanwhile.
 *
 * Context: engine kthread.
 */
void mpnic_engine_irq_all(struct mpnic_engine *eng)
{
	struct mpnic_hq *hq;
	u32 p;

	rcu_read_lock();
	for (p = 0; p < MPNIC_MAX_PORTS; p++) {
		hq = rcu_dereference(eng->hq[p]);
		if (hq)
			mpnic_engine_irq(hq);
	}
	rcu_read_unlock();
}

/* Context: any (the kthread, the card's watchdog) */
bool mpnic_engine_has_work(struct mpnic_engine *eng)
{
	struct mpnic_hq *hq;
	bool work = false;
	u32 p;

	if (!mpnic_ring_empty(&eng->in_ring) || mpnic_toe_has_work(eng))
		return true;
	rcu_read_lock();
	for (p = 0; p < MPNIC_MAX_PORTS && !work; p++) {
		hq = rcu_dereference(eng->hq[p]);
		work = hq && !mpnic_ring_empty(&hq->tx_ring);
	}
	rcu_read_unlock();
	return work;
}

/**
 * mpnic_engine_fault - the flag of an injectable fault
 * @eng: the engine
 * @type: enum mpnic_fault
 *
 * Return: the flag (netlink writes it, the engine reads it), or NULL.
 */
bool *mpnic_engine_fault(struct mpnic_engine *eng, u32 type)
{
	switch (type) {
	case MPNIC_FAULT_STALL:
		return &eng->fault_stall;
	case MPNIC_FAULT_CARD_MEM:
		return &eng->fault_card_mem;
	case MPNIC_FAULT_HOST_RX:
		return &eng->fault_host_rx;
	case MPNIC_FAULT_SLOW:
		return &eng->fault_slow;
	case MPNIC_FAULT_TX_CMPL:
		return &eng->fault_tx_cmpl;
	}
	return NULL;
}

/* Context: the kthread */
static void mpnic_engine_unhold(struct mpnic_engine *eng)
{
	u32 n = eng->nheld;

	eng->nheld = 0;
	while (n--)
		mpnic_engine_buf_put(eng, eng->held[n]);
}

/**
 * mpnic_engine_bh_enable - end an engine's BH-off section
 * @eng: the engine
 *
 * The softirqs run here (NAPI, the wire peer's receive) are the host's
 * work, not a card processor's: their time is kept out of busy_ns.
 *
 * Context: engine kthread, BH disabled.
 */
void mpnic_engine_bh_enable(struct mpnic_engine *eng)
{
	u64 start = local_clock();

	local_bh_enable();
	eng->softirq_ns += local_clock() - start;
}

/* At most @budget descriptors from each ring. Returns those handled. */
static int mpnic_engine_poll(struct mpnic_engine *eng, int budget)
{
	u64 start = local_clock();
	struct mpnic_hq *hq;
	int n;
	u32 p;

	/* What a restart's interrupts ran before the pass is none of it */
	eng->softirq_ns = 0;
	if (unlikely(eng->nheld) && !READ_ONCE(eng->fault_card_mem))
		mpnic_engine_unhold(eng);
	/* A host-rx fault cleared: NAPI posts buffers again once raised */
	if (unlikely(READ_ONCE(eng->fault_host_rx))) {
		eng->host_rx_starved = true;
	} else if (unlikely(eng->host_rx_starved)) {
		eng->host_rx_starved = false;
		mpnic_engine_irq_all(eng);
	}
	rcu_read_lock();
	n = mpnic_engine_rx(eng, budget);
	for (p = 0; p < MPNIC_MAX_PORTS; p++) {
		hq = rcu_dereference(eng->hq[p]);
		if (hq)
			n += mpnic_engine_tx(eng, hq, budget);
	}
	n += mpnic_toe_poll(eng);
	rcu_read_unlock();
	mpnic_stack_age(eng);
	if (n) {
		u64 busy = local_clock() - start;

		busy -= min(busy, eng->softirq_ns);
		u64_stats_update_begin(&eng->stats.syncp);
		WRITE_ONCE(eng->stats.polls, eng->stats.polls + 1);
		WRITE_ONCE(eng->stats.busy_ns, eng->stats.busy_ns + busy);
		u64_stats_update_end(&eng->stats.syncp);
	}
	return n;
}

/*
 * Wire frames count as rx_frames too, to keep the RX identities. Context:
 * the input ring's consumer (the kthread, or its destroyer once stopped).
 */
static void mpnic_engine_flush_input(struct mpnic_engine *eng)
{
	struct mpnic_rx_desc *desc;

	while ((desc = mpnic_ring_cons_peek(&eng->in_ring))) {
		u32 buf = desc->buf;

		if (!(desc->flags & MPNIC_DESC_SELFTEST)) {
			mpnic_stat_inc(&eng->stats, rx_frames);
			mpnic_stat_inc(&eng->stats, rx_flushed);
		}
		mpnic_ring_cons_release(&eng->in_ring);
		mpnic_engine_buf_put(eng, buf);
	}
}

/* devlink health recover: drop the input, end every injected fault */
static void mpnic_engine_restart(struct mpnic_engine *eng)
{
	struct mpnic_hq *hq;
	u32 p, f;

	WRITE_ONCE(eng->restart_req, false);
	for (f = 0; f <= MPNIC_FAULT_LAST; f++)
		WRITE_ONCE(*mpnic_engine_fault(eng, f), false);
	mpnic_engine_unhold(eng);
	mpnic_engine_flush_input(eng);
	rcu_read_lock();
	for (p = 0; p < MPNIC_MAX_PORTS; p++) {
		hq = rcu_dereference(eng->hq[p]);
		if (hq)
			mpnic_engine_tx(eng, hq, 0);
	}
	rcu_read_unlock();
	eng->host_rx_starved = false;
	mpnic_engine_irq_all(eng);
	mpnic_stat_inc(&eng->stats, restarts);
	complete(&eng->restart_done);
}

/* Busy-poll state (busy.h), its kthread's own */
struct mpnic_engine_idle {
	u64 since;	/* the first pass that found no work; 0: it has work */
	u64 spin_start;
	u64 spin_until;
	u64 win;	/* the adaptive spin window, ns */
	bool spinning;
};

static void mpnic_engine_idle_start(struct mpnic_engine *eng, struct mpnic_engine_idle *idle)
{
	const struct mpnic_card *card = eng->card;
	u64 bound = (u64)READ_ONCE(card->busy_poll_us) * NSEC_PER_USEC;

	if (idle->since)
		return;
	idle->since = local_clock();
	idle->spin_start = idle->since;
	idle->spin_until = idle->since +
		mpnic_busy_spin_ns(idle->win, bound, READ_ONCE(card->busy_poll_adaptive));
}

static void mpnic_engine_spin_account(struct mpnic_engine *eng, struct mpnic_engine_idle *idle,
				      u64 now)
{
	if (now > idle->spin_start)
		mpnic_stat_add(&eng->stats, busy_poll_spin_us,
			       div_u64(now - idle->spin_start, NSEC_PER_USEC));
	idle->spin_start = now;
}

static void mpnic_engine_idle_end(struct mpnic_engine *eng, struct mpnic_engine_idle *idle)
{
	u64 bound, now;

	if (!idle->since)
		return;
	now = local_clock();
	if (idle->spinning) {
		mpnic_engine_spin_account(eng, idle, now);
		mpnic_stat_inc(&eng->stats, busy_poll_hits);
	}
	bound = (u64)READ_ONCE(eng->card->busy_poll_us) * NSEC_PER_USEC;
	if (bound)
		idle->win = mpnic_busy_window(idle->win, now - idle->since, bound);
	idle->since = 0;
	idle->spinning = false;
}

/* How long the kthread may sleep: until its next TCP timer, or aging */
static long mpnic_engine_sleep(struct mpnic_engine *eng)
{
	u64 deadline = eng->toe_deadline, now;
	long timeo = eng->flows.active ? HZ : MAX_SCHEDULE_TIMEOUT;

	if (!deadline)
		return timeo;
	now = mpnic_toe_now();
	if (deadline <= now)
		return 0;
	return min_t(long, timeo, usecs_to_jiffies(min_t(u64, deadline - now, USEC_PER_SEC)) + 1);
}

static int mpnic_engine_thread(void *data)
{
	struct mpnic_engine_idle idle = { .win = U64_MAX };
	struct mpnic_engine *eng = data;
	int budget;

	/* Idle from the start: only an engine that had work spins */
	idle.since = local_clock();
	while (!kthread_should_stop()) {
		if (unlikely(READ_ONCE(eng->restart_req)))
			mpnic_engine_restart(eng);
		if (unlikely(READ_ONCE(eng->fault_stall))) {
			schedule_timeout_interruptible(HZ / 20);
			continue;
		}
		WRITE_ONCE(eng->passes, eng->passes + 1);
		budget = MPNIC_ENGINE_BUDGET;
		if (unlikely(READ_ONCE(eng->fault_slow))) {
			schedule_timeout_interruptible(msecs_to_jiffies(20));
			budget = MPNIC_SLOW_BUDGET;
		}
		if (mpnic_engine_poll(eng, budget)) {
			mpnic_engine_idle_end(eng, &idle);
			cond_resched();
			continue;
		}
		/* The next frame often comes sooner than a sleep and wakeup */
		mpnic_engine_idle_start(eng, &idle);
		if (local_clock() < idle.spin_until) {
			idle.spinning = true;
			cpu_relax();
			cond_resched();
			continue;
		}
		if (idle.spinning) {
			mpnic_engine_spin_account(eng, &idle, idle.spin_until);
			idle.spinning = false;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		WRITE_ONCE(eng->idle, true);
		/* pairs with smp_mb() in mpnic_engine_kick(): either we see
		 * the producer's new descriptor or it sees idle and wakes us
		 */
		smp_mb();
		if (!mpnic_engine_has_work(eng) && !kthread_should_stop()) {
			/* Idle flows still age, and TCP timers fire, while it sleeps */
			schedule_timeout(mpnic_engine_sleep(eng));
			mpnic_stat_inc(&eng->stats, wakeups);
		}
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(eng->idle, false);
	}
	return 0;
}

/**
 * mpnic_engine_kick - the doorbell: tell an engine it has new descriptors
 * @eng: the engine
 *
 * Context: any; called after the descriptor was committed to its ring.
 */
void mpnic_engine_kick(struct mpnic_engine *eng)
{
	/* pairs with smp_mb() in mpnic_engine_thread() */
	smp_mb();
	if (READ_ONCE(eng->idle))
		wake_up_process(eng->task);
}

/**
 * mpnic_engine_create - start one engine of a card
 * @card: the card
 * @id: engine index on the card
 * @cpu: the kthread's home CPU
 * @mem_size: its card memory partition, charged by the caller; the engine
 *	gives it back when destroyed, the caller if this fails
 *
 * Context: process context, may sleep; the CPU hotplug lock held, so that
 * @cpu stays online until the engine is bound and followed.
 * Return: the running engine, or an ERR_PTR.
 */
struct mpnic_engine *mpnic_engine_create(struct mpnic_card *card, u32 id, int cpu,
					 size_t mem_size)
{
	int node = cpu_to_node(cpu);
	struct mpnic_engine *eng;
	int err;
	u32 i;

	eng = kzalloc_node(sizeof(*eng), GFP_KERNEL, node);
	if (!eng)
		return ERR_PTR(-ENOMEM);
	eng->card = card;
	eng->id = id;
	spin_lock_init(&eng->in_lock);
	u64_stats_init(&eng->stats.syncp);
	init_completion(&eng->selftest_done);
	init_completion(&eng->restart_done);

	/* One buffer of the partition stages host frames on their way out */
	eng->nbufs = mem_size / MPNIC_BUF_SIZE - 1;
	eng->held = kvmalloc_node(array_size(eng->nbufs, sizeof(*eng->held)), GFP_KERNEL, node);
	if (!eng->held) {
		err = -ENOMEM;
		goto err_free_eng;
	}
	/* Within the cards' budget (card.c); if the host still lacks it: fail quietly */
	eng->mem = kvmalloc_node((size_t)(eng->nbufs + 1) * MPNIC_BUF_SIZE,
				 GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL, node);
	if (!eng->mem) {
		err = -ENOMEM;
		goto err_free_held;
	}
	eng->tx_stage = eng->mem + (size_t)eng->nbufs * MPNIC_BUF_SIZE;
	eng->mem_charged = mem_size;

	err = mpnic_ring_init(&eng->free_ring, eng->nbufs, sizeof(u32), node);
	if (err)
		goto err_free_mem;
	for (i = 0; i < eng->nbufs; i++)
		mpnic_engine_buf_put(eng, i);
	err = mpnic_ring_init(&eng->in_ring, eng->nbufs, sizeof(struct mpnic_rx_desc), node);
	if (err)
		goto err_free_free_ring;
	err = mpnic_stack_init(eng, node);
	if (err)
		goto err_free_in_ring;
	err = mpnic_toe_table_init(eng, READ_ONCE(card->toe_max_conns), node);
	if (err)
		goto err_stack_exit;

	eng->task = kthread_create_on_node(mpnic_engine_thread, eng, node,
					   "mpnic%u/e%u", card->id, id);
	if (IS_ERR(eng->task)) {
		err = PTR_ERR(eng->task);
		goto err_toe_table_exit;
	}
	mpnic_hotplug_bind(eng, cpu);
	wake_up_process(eng->task);
	return eng;

err_toe_table_exit:
	mpnic_toe_table_exit(eng);
err_stack_exit:
	mpnic_stack_exit(eng);
err_free_in_ring:
	mpnic_ring_free(&eng->in_ring);
err_free_free_ring:
	mpnic_ring_free(&eng->free_ring);
err_free_mem:
	kvfree(eng->mem);
err_free_held:
	kvfree(eng->held);
err_free_eng:
	kfree(eng);
	return ERR_PTR(err);
}

/**
 * mpnic_engine_destroy - stop an engine and free it
 * @eng: an engine no dispatch and no host queue can reach any more
 * @last: if not NULL, its counters at the end
 *
 * Context: process context, may sleep.
 */
void mpnic_engine_destroy(struct mpnic_engine *eng, struct mpnic_engine_stats *last)
{
	u32 p;

	for (p = 0; p < MPNIC_MAX_PORTS; p++)
		WARN_ON(rcu_access_pointer(eng->hq[p]));
	mpnic_hotplug_unbind(eng);
	kthread_stop(eng->task);
	mpnic_toe_engine_stop(eng);
	WRITE_ONCE(eng->fault_card_mem, false);
	mpnic_engine_unhold(eng);
	mpnic_engine_flush_input(eng);
	if (last)
		mpnic_stats_read(&eng->stats, last);
	/* Every buffer is home: nothing leaked between dispatch and engine */
	WARN_ON(mpnic_ring_count(&eng->free_ring) != eng->nbufs);
	mpnic_toe_table_exit(eng);
	mpnic_stack_exit(eng);
	mpnic_ring_free(&eng->in_ring);
	mpnic_ring_free(&eng->free_ring);
	kvfree(eng->mem);
	kvfree(eng->held);
	kfree(eng);
}

/**
 * mpnic_engine_set_cpu - give an engine another home CPU and move it there
 * @eng: the engine
 * @cpu: an online CPU
 * @extack: netlink extended ack for refusals
 *
 * Context: process context, may sleep; the caller keeps the card alive.
 * Return: 0 or a negative errno.
 */
int mpnic_engine_set_cpu(struct mpnic_engine *eng, u32 cpu, struct netlink_ext_ack *extack)
{
	int err;

	cpus_read_lock();
	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		NL_SET_ERR_MSG_MOD(extack, "The CPU is not online");
		err = -EINVAL;
	} else {
		err = mpnic_hotplug_set_home(eng, cpu);
		if (err)
			NL_SET_ERR_MSG_MOD(extack, "The engine cannot run on that CPU");
	}
	cpus_read_unlock();
	return err;
}
