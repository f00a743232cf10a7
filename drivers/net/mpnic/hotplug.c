// SPDX-License-Identifier: GPL-2.0
/*
 * mpnic engines and CPU hotplug: an engine leaves its home CPU while that
 * is offline. The ports' aRFS CPU maps follow from a work item, as they
 * need RTNL and a hotplug callback must not take it.
 *
 * Copyright (C) 2026 The mpnic authors
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>

#include "mpnic.h"

/*
 * Protects the list of running engines and their cpu and home_cpu. Taken
 * inside the CPU hotplug lock, never around it.
 */
static DEFINE_MUTEX(mpnic_engines_lock);
static LIST_HEAD(mpnic_engines);

static enum cpuhp_state mpnic_cpuhp_state;

/* The upper layers' work to run when engines moved (NULL: none) */
static struct work_struct *mpnic_hotplug_moved;

/* An online CPU other than @gone for @eng: its card's next one, else any */
static int mpnic_hotplug_fallback(const struct mpnic_engine *eng, int gone)
{
	int cpu;

	for_each_cpu_wrap(cpu, eng->card->cpus, (gone + 1) % nr_cpu_ids)
		if (cpu != gone && cpu_online(cpu))
			return cpu;
	return cpumask_any_but(cpu_online_mask, gone);
}

/* Context: CPU hotplug lock and mpnic_engines_lock held. */
static void mpnic_hotplug_move(struct mpnic_engine *eng, int cpu, const char *why)
{
	int from = eng->cpu;

	lockdep_assert_held(&mpnic_engines_lock);
	if (cpu >= nr_cpu_ids || cpu == from)
		return;
	if (set_cpus_allowed_ptr(eng->task, cpumask_of(cpu))) {
		dev_warn(eng->card->dev, "engine %u: cannot move from CPU %d to CPU %d\n",
			 eng->id, from, cpu);
		return;
	}
	WRITE_ONCE(eng->cpu, cpu);
	dev_info(eng->card->dev, "engine %u: CPU %d %s, moved to CPU %d\n",
		 eng->id, from, why, cpu);
}

static void mpnic_hotplug_notify(void)
{
	if (mpnic_hotplug_moved)
		schedule_work(mpnic_hotplug_moved);
}

static int mpnic_hotplug_offline(unsigned int cpu)
{
	struct mpnic_engine *eng;
	bool moved = false;

	mutex_lock(&mpnic_engines_lock);
	list_for_each_entry(eng, &mpnic_engines, hotplug_list) {
		if (eng->cpu != cpu)
			continue;
		mpnic_hotplug_move(eng, mpnic_hotplug_fallback(eng, cpu), "going offline");
		moved = true;
	}
	mutex_unlock(&mpnic_engines_lock);
	if (moved)
		mpnic_hotplug_notify();
	return 0;
}

static int mpnic_hotplug_online(unsigned int cpu)
{
	struct mpnic_engine *eng;
	bool moved = false;

	mutex_lock(&mpnic_engines_lock);
	list_for_each_entry(eng, &mpnic_engines, hotplug_list) {
		if (eng->home_cpu != cpu || eng->cpu == cpu)
			continue;
		mpnic_hotplug_move(eng, cpu, "back online");
		moved = true;
	}
	mutex_unlock(&mpnic_engines_lock);
	if (moved)
		mpnic_hotplug_notify();
	return 0;
}

/**
 * mpnic_hotplug_bind - bind a new engine's kthread and follow its CPU
 * @eng: an engine whose kthread is created and not yet woken
 * @cpu: its home CPU; it starts elsewhere if that is offline
 *
 * Context: process context, may sleep; the caller holds the CPU hotplug
 * lock (a read lock taken twice deadlocks against a waiting writer).
 */
void mpnic_hotplug_bind(struct mpnic_engine *eng, int cpu)
{
	mutex_lock(&mpnic_engines_lock);
	eng->home_cpu = cpu;
	eng->cpu = cpu_online(cpu) ? cpu : mpnic_hotplug_fallback(eng, cpu);
	kthread_bind(eng->task, eng->cpu);
	list_add_tail(&eng->hotplug_list, &mpnic_engines);
	mutex_unlock(&mpnic_engines_lock);
}

/**
 * mpnic_hotplug_unbind - stop following an engine's CPU
 * @eng: an engine about to stop
 *
 * Context: process context, may sleep.
 */
void mpnic_hotplug_unbind(struct mpnic_engine *eng)
{
	mutex_lock(&mpnic_engines_lock);
	list_del(&eng->hotplug_list);
	mutex_unlock(&mpnic_engines_lock);
}

/**
 * mpnic_hotplug_set_home - give an engine another home CPU and move it there
 * @eng: the engine
 * @cpu: an online CPU
 *
 * Context: process context, may sleep; the CPU hotplug lock held.
 * Return: 0 or a negative errno.
 */
int mpnic_hotplug_set_home(struct mpnic_engine *eng, u32 cpu)
{
	int err;

	mutex_lock(&mpnic_engines_lock);
	err = set_cpus_allowed_ptr(eng->task, cpumask_of(cpu));
	if (!err) {
		WRITE_ONCE(eng->cpu, cpu);
		eng->home_cpu = cpu;
	}
	mutex_unlock(&mpnic_engines_lock);
	return err;
}

/**
 * mpnic_hotplug_init - follow CPUs going offline and coming back
 * @moved: a work item to schedule when engines moved, or NULL
 *
 * Return: 0 or a negative errno.
 */
int mpnic_hotplug_init(struct work_struct *moved)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "net/mpnic:online",
					mpnic_hotplug_online, mpnic_hotplug_offline);
	if (ret < 0)
		return ret;
	mpnic_cpuhp_state = ret;
	mpnic_hotplug_moved = moved;
	return 0;
}

void mpnic_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(mpnic_cpuhp_state);
	if (mpnic_hotplug_moved)
		cancel_work_sync(mpnic_hotplug_moved);
}
