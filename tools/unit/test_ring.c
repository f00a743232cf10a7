// SPDX-License-Identifier: GPL-2.0
/* Rings: fill, drain, wrap, and a two-thread producer/consumer run. */
#include <pthread.h>
#include "unit.h"
#include "../../drivers/net/mpnic/ring.h"

#define STRESS_N	2000000u

static struct mpnic_ring sring;
static u32 stress_bad;

static void *producer(void *arg)
{
	u32 i = 0;

	(void)arg;
	while (i < STRESS_N) {
		u32 *slot = mpnic_ring_prod_slot(&sring);

		if (!slot)
			continue;
		*slot = i++;
		mpnic_ring_prod_commit(&sring);
	}
	return NULL;
}

int main(void)
{
	struct mpnic_ring ring;
	pthread_t thr;
	u32 i, *p, expect = 0;

	printf("TAP version 13\n");
	UNIT_OK(mpnic_ring_init(&ring, 100, sizeof(u32), NUMA_NO_NODE) == 0 &&
		mpnic_ring_size(&ring) == 128, "ring of 100 rounds up to 128");
	UNIT_OK(mpnic_ring_cons_peek(&ring) == NULL && mpnic_ring_empty(&ring), "new ring is empty");
	for (i = 0; i < 128; i++) {
		p = mpnic_ring_prod_slot(&ring);
		if (!p)
			break;
		*p = i;
		mpnic_ring_prod_commit(&ring);
	}
	UNIT_OK(i == 128 && !mpnic_ring_prod_slot(&ring), "full after 128 entries");
	for (i = 0; i < 128; i++) {
		p = mpnic_ring_cons_peek(&ring);
		if (!p || *p != i)
			break;
		mpnic_ring_cons_release(&ring);
	}
	UNIT_OK(i == 128 && mpnic_ring_empty(&ring), "drained in order");
	for (i = 0; i < 1000; i++) {
		p = mpnic_ring_prod_slot(&ring);
		*p = i;
		mpnic_ring_prod_commit(&ring);
		p = mpnic_ring_cons_peek(&ring);
		if (*p != i)
			break;
		mpnic_ring_cons_release(&ring);
	}
	UNIT_OK(i == 1000, "wraps around its indices");

	/* Batches (a coalesced packet's completions): invisible until committed */
	for (i = 0; i < 5; i++) {
		p = mpnic_ring_prod_slot_n(&ring, i);
		*p = 100 + i;
	}
	UNIT_OK(mpnic_ring_empty(&ring) && !mpnic_ring_cons_peek(&ring),
		"filled slots are invisible before the batch commits");
	mpnic_ring_prod_commit_n(&ring, 5);
	for (i = 0; i < 5; i++) {
		p = mpnic_ring_cons_peek(&ring);
		if (!p || *p != 100 + i)
			break;
		mpnic_ring_cons_release(&ring);
	}
	UNIT_OK(i == 5 && mpnic_ring_empty(&ring), "a batch of 5 arrives whole, in order");
	for (i = 0; i < 127; i++)
		mpnic_ring_prod_commit(&ring);
	UNIT_OK(mpnic_ring_prod_slot_n(&ring, 0) && !mpnic_ring_prod_slot_n(&ring, 1),
		"prod_slot_n stops at the ring's free space");
	mpnic_ring_free(&ring);

	mpnic_ring_init(&sring, 64, sizeof(u32), NUMA_NO_NODE);
	pthread_create(&thr, NULL, producer, NULL);
	while (expect < STRESS_N) {
		p = mpnic_ring_cons_peek(&sring);
		if (!p)
			continue;
		if (*p != expect)
			stress_bad++;
		expect++;
		mpnic_ring_cons_release(&sring);
	}
	pthread_join(thr, NULL);
	UNIT_OK(!stress_bad, "%u entries across two threads arrive in order, intact", STRESS_N);
	mpnic_ring_free(&sring);
	return unit_done();
}
