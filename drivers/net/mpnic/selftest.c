// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool -t: a loopback through every engine's input ring. No frame
 * leaves the card or reaches the host, so the port may be down.
 */

#include <linux/completion.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "mpnic.h"

#define MPNIC_SELFTEST_TIMEOUT	(2 * HZ)
#define MPNIC_SELFTEST_PAYLOAD	64
#define MPNIC_SELFTEST_LEN	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr) + \
				 MPNIC_SELFTEST_PAYLOAD)
/* 203.0.113.0/24 (TEST-NET-3), never seen outside the card */
#define MPNIC_SELFTEST_SADDR	htonl(0xcb007101)
#define MPNIC_SELFTEST_DADDR	htonl(0xcb007102)
#define MPNIC_SELFTEST_PORT	7	/* echo */

static u8 mpnic_selftest_byte(u32 seq, u32 i)
{
	return (u8)(seq * 31 + i);
}

static void mpnic_selftest_build(u8 *buf, u32 seq)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *iph = (struct iphdr *)(eth + 1);
	struct udphdr *uh = (struct udphdr *)(iph + 1);
	u8 *pay = (u8 *)(uh + 1);
	u16 ulen = sizeof(*uh) + MPNIC_SELFTEST_PAYLOAD;
	u32 i;

	eth_broadcast_addr(eth->h_dest);
	eth_zero_addr(eth->h_source);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_IP);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(sizeof(*iph) + ulen);
	iph->saddr = MPNIC_SELFTEST_SADDR;
	iph->daddr = MPNIC_SELFTEST_DADDR;
	iph->check = ip_fast_csum(iph, iph->ihl);
	uh->source = htons(MPNIC_SELFTEST_PORT);
	uh->dest = htons(MPNIC_SELFTEST_PORT);
	uh->len = htons(ulen);
	uh->check = 0;
	for (i = 0; i < MPNIC_SELFTEST_PAYLOAD; i++)
		pay[i] = mpnic_selftest_byte(seq, i);
	uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
				      csum_partial(uh, ulen, 0)) ?: CSUM_MANGLED_0;
}

/**
 * mpnic_selftest_rx - the engine's side of the loopback
 * @eng: the engine
 * @frame: the test frame, in its card buffer
 * @len: its length
 *
 * Context: engine kthread.
 */
void mpnic_selftest_rx(struct mpnic_engine *eng, const u8 *frame, u32 len)
{
	u32 seq = READ_ONCE(eng->selftest_seq);
	const u8 *pay = frame + MPNIC_SELFTEST_LEN - MPNIC_SELFTEST_PAYLOAD;
	struct mpnic_flow flow;
	bool ok;
	u32 i;

	mpnic_stat_inc(&eng->stats, selftest_frames);
	ok = len == MPNIC_SELFTEST_LEN &&
	     mpnic_parse(frame, len, len, &flow) == MPNIC_PARSE_OK &&
	     flow.l4proto == IPPROTO_UDP && mpnic_stack_csum_ok(frame, &flow);
	for (i = 0; ok && i < MPNIC_SELFTEST_PAYLOAD; i++)
		ok = pay[i] == mpnic_selftest_byte(seq, i);
	WRITE_ONCE(eng->selftest_ok, ok);
	/* Publishes selftest_ok to the waiter (complete() orders it) */
	complete(&eng->selftest_done);
}

/* True when the frame came back whole in time */
static bool mpnic_selftest_engine(struct mpnic_engine *eng, u32 seq)
{
	struct mpnic_rx_desc *desc;
	u32 *freebuf;

	reinit_completion(&eng->selftest_done);
	WRITE_ONCE(eng->selftest_seq, seq);
	WRITE_ONCE(eng->selftest_ok, false);
	/* As dispatch places a frame, but from process context */
	spin_lock_bh(&eng->in_lock);
	freebuf = mpnic_ring_cons_peek(&eng->free_ring);
	desc = freebuf ? mpnic_ring_prod_slot(&eng->in_ring) : NULL;
	if (!desc) {
		spin_unlock_bh(&eng->in_lock);
		return false;
	}
	desc->buf = *freebuf;
	mpnic_ring_cons_release(&eng->free_ring);
	mpnic_selftest_build(eng->mem + (size_t)desc->buf * MPNIC_BUF_SIZE, seq);
	desc->len = MPNIC_SELFTEST_LEN;
	desc->hash = 0;
	desc->hash_kind = MPNIC_HASH_NONE;
	desc->flags = MPNIC_DESC_SELFTEST;
	mpnic_ring_prod_commit(&eng->in_ring);
	spin_unlock_bh(&eng->in_lock);
	mpnic_engine_kick(eng);

	if (!wait_for_completion_timeout(&eng->selftest_done, MPNIC_SELFTEST_TIMEOUT))
		return false;
	return READ_ONCE(eng->selftest_ok);
}

/**
 * mpnic_selftest - run the loopback through every engine of a card
 * @card: the card
 * @results: one u64 per engine: 0 passed, 1 failed
 *
 * Context: process context, RTNL held (one test at a time per card).
 * Return: true when every engine passed.
 */
bool mpnic_selftest(struct mpnic_card *card, u64 *results)
{
	static atomic_t mpnic_selftest_seq = ATOMIC_INIT(0);
	bool all = true;
	u32 i;

	ASSERT_RTNL();
	for (i = 0; i < card->num_engines; i++) {
		bool ok = mpnic_selftest_engine(card->engines[i],
						atomic_inc_return(&mpnic_selftest_seq));

		results[i] = !ok;
		all &= ok;
	}
	return all;
}
