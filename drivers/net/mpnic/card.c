// SPDX-License-Identifier: GPL-2.0
/*
 * The card: its engines and its memory. Card memory is allocated once, when
 * the card is created, and split into one partition per engine (claims 21,
 * 24-26).
 */

#include <linux/cpumask.h>
#include <linux/idr.h>
#include <linux/slab.h>

#include "mpnic.h"

static DEFINE_IDA(mpnic_card_ida);

/* The @n-th online CPU, wrapping around: engines spread over the CPUs. */
static int mpnic_card_engine_cpu(u32 n)
{
	u32 i = 0, want = n % num_online_cpus();
	int cpu;

	for_each_online_cpu(cpu)
		if (i++ == want)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

/**
 * mpnic_card_create - allocate a card with its engines and memory
 * @num_engines: NIC processors; 0 for one per online CPU
 * @mem_size: card memory in bytes, split evenly over the engines
 * @extack: netlink extended ack for refusals
 *
 * Context: process context, may sleep; RTNL may be held.
 * Return: the card, or an ERR_PTR.
 */
struct mpnic_card *mpnic_card_create(u32 num_engines, size_t mem_size,
				     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card;
	size_t part;
	int err;
	u32 i;

	if (!num_engines)
		num_engines = min_t(u32, num_online_cpus(), MPNIC_MAX_ENGINES);
	if (num_engines > MPNIC_MAX_ENGINES) {
		NL_SET_ERR_MSG_MOD(extack, "Too many engines for one card");
		return ERR_PTR(-EINVAL);
	}
	part = mem_size / num_engines;
	if (part < (size_t)MPNIC_BUF_SIZE * 16) {
		NL_SET_ERR_MSG_MOD(extack, "Card memory too small for its engines (16 buffers each)");
		return ERR_PTR(-EINVAL);
	}

	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card)
		return ERR_PTR(-ENOMEM);
	card->engines = kcalloc(num_engines, sizeof(*card->engines), GFP_KERNEL);
	if (!card->engines) {
		err = -ENOMEM;
		goto err_free_card;
	}
	err = ida_alloc(&mpnic_card_ida, GFP_KERNEL);
	if (err < 0)
		goto err_free_engines;
	card->id = err;
	card->mem_size = mem_size;

	for (i = 0; i < num_engines; i++) {
		struct mpnic_engine *eng;

		eng = mpnic_engine_create(card, i, mpnic_card_engine_cpu(i), part);
		if (IS_ERR(eng)) {
			err = PTR_ERR(eng);
			NL_SET_ERR_MSG_MOD(extack, "Failed to start an engine");
			goto err_engines_destroy;
		}
		card->engines[i] = eng;
		card->num_engines++;
	}
	mpnic_debugfs_card_add(card);
	return card;

err_engines_destroy:
	while (card->num_engines--)
		mpnic_engine_destroy(card->engines[card->num_engines]);
	ida_free(&mpnic_card_ida, card->id);
err_free_engines:
	kfree(card->engines);
err_free_card:
	kfree(card);
	return ERR_PTR(err);
}

/**
 * mpnic_card_destroy - stop the engines and free the card
 * @card: a card whose ports are gone (no dispatch can reach it)
 *
 * Context: process context, may sleep.
 */
void mpnic_card_destroy(struct mpnic_card *card)
{
	/* Gone first: a dumper must not find an engine being freed */
	mpnic_debugfs_card_del(card);
	while (card->num_engines--)
		mpnic_engine_destroy(card->engines[card->num_engines]);
	ida_free(&mpnic_card_ida, card->id);
	kfree(card->engines);
	kfree(card);
}
