// SPDX-License-Identifier: GPL-2.0
/* Host queues: the host side of the rings; NAPI is the queue's interrupt */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/page_pool/helpers.h>
#include <net/tcp.h>
#include <uapi/linux/mpnic.h>

#include "mpnic.h"

static u32 mpnic_hq_tx_space(const struct mpnic_hq *hq)
{
	return mpnic_ring_size(&hq->tx_ring) -
	       (hq->tx_ring.prod - READ_ONCE(hq->tx_cleaned));
}

static enum hrtimer_restart mpnic_hq_irq_timer(struct hrtimer *timer)
{
	struct mpnic_hq *hq = container_of(timer, struct mpnic_hq, irq_timer);

	atomic_set(&hq->irq_pending, 0);
	napi_schedule(&hq->napi);
	return HRTIMER_NORESTART;
}

/**
 * mpnic_start_xmit - post a frame on the TX ring of its flow's engine
 * @skb: the frame; ndo_select_queue chose the queue
 * @dev: the port
 *
 * Context: BH disabled, the queue's xmit lock held.
 */
netdev_tx_t mpnic_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);
	u16 qidx = skb_get_queue_mapping(skb);
	struct mpnic_hq *hq = &port->hqs[qidx];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qidx);
	struct mpnic_tx_desc *desc;
	u32 len = skb->len;	/* the engine may free the skb once it is posted */
	bool kick;

	lockdep_assert_held(&txq->_xmit_lock);
	desc = mpnic_ring_prod_slot(&hq->tx_ring);
	if (unlikely(!desc || !mpnic_hq_tx_space(hq))) {
		/* The queue is stopped before it fills; this is a bug */
		netif_tx_stop_queue(txq);
		return NETDEV_TX_BUSY;
	}
	desc->skb = skb;
	skb_tx_timestamp(skb);
	/*
	 * BQL counts the frame before the engine can see it: its completion
	 * may be reaped on another CPU first, and completing bytes not yet
	 * sent is a BUG_ON in dql_completed().
	 */
	kick = __netdev_tx_sent_queue(txq, len, netdev_xmit_more());
	mpnic_ring_prod_commit(&hq->tx_ring);

	if (!mpnic_hq_tx_space(hq)) {
		netif_tx_stop_queue(txq);
		/* pairs with smp_mb() in mpnic_hq_clean_tx() */
		smp_mb();
		if (mpnic_hq_tx_space(hq))
			netif_tx_start_queue(txq);
	}
	if (kick)
		mpnic_engine_kick(hq->eng);
	return NETDEV_TX_OK;
}

/* The caller decides on waking the queue */
static u32 mpnic_hq_reap_tx(struct mpnic_hq *hq, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	struct mpnic_hq_stats *st = &hq->stats;
	u32 pkts = 0, bytes = 0, n = 0;
	struct mpnic_tx_cmpl *cmpl;

	while ((cmpl = mpnic_ring_cons_peek(&hq->tx_cmpl))) {
		struct sk_buff *skb = cmpl->skb;

		pkts++;
		bytes += cmpl->bytes;
		u64_stats_update_begin(&st->syncp);
		if (cmpl->reason == SKB_NOT_DROPPED_YET) {
			WRITE_ONCE(st->tx_packets, st->tx_packets + 1);
			WRITE_ONCE(st->tx_bytes, st->tx_bytes + cmpl->bytes);
		} else {
			WRITE_ONCE(st->tx_dropped, st->tx_dropped + 1);
		}
		u64_stats_update_end(&st->syncp);
		if (cmpl->reason == SKB_NOT_DROPPED_YET)
			napi_consume_skb(skb, budget);
		else
			kfree_skb_reason(skb, cmpl->reason);
		mpnic_ring_cons_release(&hq->tx_cmpl);
		n++;
	}
	if (!n)
		return 0;
	/* the skbs are freed before ndo_start_xmit, reading tx_cleaned in
	 * mpnic_hq_tx_space(), can reuse their slots
	 */
	smp_store_release(&hq->tx_cleaned, hq->tx_cleaned + n);
	netdev_tx_completed_queue(txq, pkts, bytes);
	return n;
}

static int mpnic_hq_clean_tx(struct mpnic_hq *hq, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	u32 n = mpnic_hq_reap_tx(hq, budget);

	if (!n)
		return 0;
	/* pairs with smp_mb() in mpnic_start_xmit() */
	smp_mb();
	if (netif_tx_queue_stopped(txq) && netif_running(hq->port->netdev) &&
	    mpnic_hq_tx_space(hq) >= mpnic_ring_size(&hq->tx_ring) / 4)
		netif_tx_wake_queue(txq);
	return n;
}

static void mpnic_hq_refill(struct mpnic_hq *hq)
{
	if (unlikely(READ_ONCE(hq->eng->fault_host_rx)))
		return;
	while (hq->rx_outstanding < mpnic_ring_size(&hq->rx_post)) {
		struct mpnic_rx_post *post = mpnic_ring_prod_slot(&hq->rx_post);
		struct page *page;

		if (WARN_ON_ONCE(!post))
			break;
		page = page_pool_dev_alloc_pages(hq->pp);
		if (unlikely(!page)) {
			mpnic_stat_inc(&hq->stats, rx_refill_fail);
			break;
		}
		post->page = page;
		mpnic_ring_prod_commit(&hq->rx_post);
		hq->rx_outstanding++;
	}
}

/* A coalesced packet leaves as the stack's GRO would have built it */
static void mpnic_hq_rx_gro(struct mpnic_hq *hq, struct sk_buff *skb,
			    const struct mpnic_rx_cmpl *first, u32 truesize)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct mpnic_hq_stats *st = &hq->stats;
	const struct mpnic_rx_cmpl *cmpl = first;
	struct tcphdr *th;
	u32 tcplen;

	while (cmpl->more) {
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		/* Published with the first one: never NULL */
		cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl);
		skb_add_rx_frag(skb, shinfo->nr_frags, cmpl->page, MPNIC_RX_HEADROOM,
				cmpl->len, truesize);
	}
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, first->l4_off);
	th = (struct tcphdr *)(skb->data + first->l4_off);
	tcplen = skb->len - first->l4_off;
	shinfo->gso_size = first->gso_size;
	shinfo->gso_segs = first->gso_segs;
	if (((struct iphdr *)(skb->data + ETH_HLEN))->version == 4) {
		const struct iphdr *iph = (struct iphdr *)(skb->data + ETH_HLEN);

		shinfo->gso_type = SKB_GSO_TCPV4;
		th->check = ~tcp_v4_check(tcplen, iph->saddr, iph->daddr, 0);
	} else {
		const struct ipv6hdr *ip6h = (struct ipv6hdr *)(skb->data + ETH_HLEN);

		shinfo->gso_type = SKB_GSO_TCPV6;
		th->check = ~tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr, 0);
	}
	if (th->cwr)
		shinfo->gso_type |= SKB_GSO_TCP_ECN;
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;

	u64_stats_update_begin(&st->syncp);
	WRITE_ONCE(st->rx_hw_gro_packets, st->rx_hw_gro_packets + 1);
	WRITE_ONCE(st->rx_hw_gro_wire_packets, st->rx_hw_gro_wire_packets + first->gso_segs);
	u64_stats_update_end(&st->syncp);
}

static void mpnic_hq_rx_drop_chain(struct mpnic_hq *hq, const struct mpnic_rx_cmpl *first)
{
	const struct mpnic_rx_cmpl *cmpl = first;

	while (cmpl->more) {
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl);
		page_pool_put_full_page(hq->pp, cmpl->page, true);
	}
}

static int mpnic_hq_clean_rx(struct mpnic_hq *hq, int budget)
{
	struct net_device *dev = hq->port->netdev;
	u32 truesize = PAGE_SIZE << hq->rx_buf_order;
	struct mpnic_hq_stats *st = &hq->stats;
	struct mpnic_rx_cmpl *cmpl;
	int done = 0;

	while (done < budget && (cmpl = mpnic_ring_cons_peek(&hq->rx_cmpl))) {
		struct mpnic_rx_cmpl first = *cmpl;
		struct page *page = cmpl->page;
		struct sk_buff *skb;

		skb = napi_build_skb(page_address(page), truesize);
		if (unlikely(!skb)) {
			page_pool_put_full_page(hq->pp, page, true);
			mpnic_hq_rx_drop_chain(hq, &first);
			mpnic_stat_inc(st, rx_alloc_fail);
		} else {
			skb_mark_for_recycle(skb);
			skb_reserve(skb, MPNIC_RX_HEADROOM);
			skb_put(skb, first.len);
			if (first.gso_segs)
				mpnic_hq_rx_gro(hq, skb, &first, truesize);
			skb->protocol = eth_type_trans(skb, dev);
			skb_record_rx_queue(skb, hq->idx);
			if (first.vlan)
				__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), first.vlan_tci);
			if (first.hash_kind != MPNIC_HASH_NONE && (dev->features & NETIF_F_RXHASH))
				skb_set_hash(skb, first.hash,
					     first.hash_kind == MPNIC_HASH_L4 ?
					     PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);
			if (first.csum_ok && !first.gso_segs && (dev->features & NETIF_F_RXCSUM))
				skb->ip_summed = CHECKSUM_UNNECESSARY;
			u64_stats_update_begin(&st->syncp);
			WRITE_ONCE(st->rx_packets, st->rx_packets + 1);
			WRITE_ONCE(st->rx_bytes, st->rx_bytes + skb->len + ETH_HLEN);
			u64_stats_update_end(&st->syncp);
			napi_gro_receive(&hq->napi, skb);
		}
		mpnic_ring_cons_release(&hq->rx_cmpl);
		hq->rx_outstanding--;
		done++;
	}
	return done;
}

static int mpnic_hq_poll(struct napi_struct *napi, int budget)
{
	struct mpnic_hq *hq = container_of(napi, struct mpnic_hq, napi);
	int done;

	mpnic_stat_inc(&hq->stats, napi_polls);
	/* Offloaded connections' news: wake their sockets (toe_conn.c) */
	if (!llist_empty(&hq->toe_ev))
		mpnic_toe_hq_events(&hq->toe_ev);
	mpnic_hq_clean_tx(hq, budget);
	done = mpnic_hq_clean_rx(hq, budget);
	mpnic_hq_refill(hq);
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/*
 * A direction's rings: @ring of @esize entries the host posts, @cmpl of
 * @cesize entries the engine completes, @count of each. Host memory: on
 * the node of the CPU that opens the queue.
 */
static int mpnic_hq_rings_init(struct mpnic_ring *ring, u32 esize,
			       struct mpnic_ring *cmpl, u32 cesize, u32 count)
{
	int err;

	err = mpnic_ring_init(ring, count, esize, NUMA_NO_NODE);
	if (err)
		return err;
	err = mpnic_ring_init(cmpl, count, cesize, NUMA_NO_NODE);
	if (err)
		mpnic_ring_free(ring);
	return err;
}

static void mpnic_hq_rings_free(struct mpnic_ring *ring, struct mpnic_ring *cmpl)
{
	mpnic_ring_free(cmpl);
	mpnic_ring_free(ring);
}

static int mpnic_hq_open(struct mpnic_port *port, struct mpnic_hq *hq)
{
	struct net_device *dev = port->netdev;
	struct page_pool_params pp = {};
	u32 frame = dev->mtu + ETH_HLEN + 2 * VLAN_HLEN;
	int err;

	hq->rx_max_len = frame;
	hq->rx_buf_order = get_order(SKB_DATA_ALIGN(MPNIC_RX_HEADROOM + frame) +
				     SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
	hq->rx_outstanding = 0;
	hq->tx_cleaned = 0;
	init_llist_head(&hq->toe_ev);

	err = mpnic_hq_rings_init(&hq->rx_post, sizeof(struct mpnic_rx_post), &hq->rx_cmpl,
				  sizeof(struct mpnic_rx_cmpl), port->rx_ring_size);
	if (err)
		return err;
	err = mpnic_hq_rings_init(&hq->tx_ring, sizeof(struct mpnic_tx_desc), &hq->tx_cmpl,
				  sizeof(struct mpnic_tx_cmpl), port->tx_ring_size);
	if (err)
		goto err_free_rx_rings;

	pp.order = hq->rx_buf_order;
	pp.pool_size = port->rx_ring_size;
	pp.nid = cpu_to_node(READ_ONCE(hq->eng->cpu));
	mpnic_pp_set_netdev(&pp, dev);
	hq->pp = page_pool_create(&pp);
	if (IS_ERR(hq->pp)) {
		err = PTR_ERR(hq->pp);
		goto err_free_tx_rings;
	}

	netif_napi_add(dev, &hq->napi, mpnic_hq_poll);
	atomic_set(&hq->irq_pending, 0);
	hrtimer_init(&hq->irq_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hq->irq_timer.function = mpnic_hq_irq_timer;
	/* NAPI is not running yet: we are page_pool's only consumer */
	local_bh_disable();
	mpnic_hq_refill(hq);
	local_bh_enable();
	napi_enable(&hq->napi);
	netif_queue_set_napi(dev, hq->idx, NETDEV_QUEUE_TYPE_RX, &hq->napi);
	netif_queue_set_napi(dev, hq->idx, NETDEV_QUEUE_TYPE_TX, &hq->napi);
	return 0;

err_free_tx_rings:
	mpnic_hq_rings_free(&hq->tx_ring, &hq->tx_cmpl);
err_free_rx_rings:
	mpnic_hq_rings_free(&hq->rx_post, &hq->rx_cmpl);
	return err;
}

/* Context: the engine let go of the queue */
static void mpnic_hq_close(struct mpnic_hq *hq)
{
	struct netdev_queue *txq = netdev_get_tx_queue(hq->port->netdev, hq->idx);
	struct mpnic_rx_post *post;
	struct mpnic_rx_cmpl *rxc;
	struct mpnic_tx_desc *desc;

	/* No engine arms the timer any more: the queue has left it */
	hrtimer_cancel(&hq->irq_timer);
	netif_queue_set_napi(hq->port->netdev, hq->idx, NETDEV_QUEUE_TYPE_RX, NULL);
	netif_queue_set_napi(hq->port->netdev, hq->idx, NETDEV_QUEUE_TYPE_TX, NULL);
	napi_disable(&hq->napi);
	mpnic_toe_hq_events(&hq->toe_ev);
	/* A running port rebuilds queues one by one: fence xmit out */
	__netif_tx_lock_bh(txq);
	netif_tx_stop_queue(txq);
	__netif_tx_unlock_bh(txq);
	/* Completions first, with what a tx-cmpl fault held back */
	mpnic_ring_prod_commit_n(&hq->tx_cmpl, hq->tx_cmpl_held);
	hq->tx_cmpl_held = 0;
	mpnic_hq_reap_tx(hq, 0);
	while ((desc = mpnic_ring_cons_peek(&hq->tx_ring))) {
		kfree_skb_reason(desc->skb, SKB_DROP_REASON_DEV_READY);
		mpnic_stat_inc(&hq->stats, tx_flushed);
		mpnic_ring_cons_release(&hq->tx_ring);
	}
	netdev_tx_reset_queue(txq);
	while ((rxc = mpnic_ring_cons_peek(&hq->rx_cmpl))) {
		page_pool_put_full_page(hq->pp, rxc->page, false);
		mpnic_ring_cons_release(&hq->rx_cmpl);
	}
	while ((post = mpnic_ring_cons_peek(&hq->rx_post))) {
		page_pool_put_full_page(hq->pp, post->page, false);
		mpnic_ring_cons_release(&hq->rx_post);
	}
	netif_napi_del(&hq->napi);
	page_pool_destroy(hq->pp);
	hq->pp = NULL;
	mpnic_hq_rings_free(&hq->tx_ring, &hq->tx_cmpl);
	mpnic_hq_rings_free(&hq->rx_post, &hq->rx_cmpl);
}

/**
 * mpnic_hqs_open - give engines @from to @to - 1 their host queues
 * @port: the port
 * @from: first queue
 * @to: one past the last
 *
 * Context: RTNL held (ndo_open, a channel change).
 * Return: 0 or a negative errno, with none of them left open.
 */
int mpnic_hqs_open(struct mpnic_port *port, u32 from, u32 to)
{
	u32 i;
	int err;

	ASSERT_RTNL();
	for (i = from; i < to; i++) {
		err = mpnic_hq_open(port, &port->hqs[i]);
		if (err)
			goto err_hqs_close;
	}
	/* Publish last: an engine sees a queue only when it is complete */
	for (i = from; i < to; i++)
		rcu_assign_pointer(port->hqs[i].eng->hq[port->idx], &port->hqs[i]);
	return 0;

err_hqs_close:
	while (i-- > from)
		mpnic_hq_close(&port->hqs[i]);
	return err;
}

/**
 * mpnic_hqs_close - take host queues @from to @to - 1 away from their engines
 * @port: the port; the TX queues are disabled or beyond real_num_tx_queues
 * @from: first queue
 * @to: one past the last
 *
 * Context: RTNL held (ndo_stop, a channel change), may sleep.
 */
void mpnic_hqs_close(struct mpnic_port *port, u32 from, u32 to)
{
	u32 i;

	ASSERT_RTNL();
	for (i = from; i < to; i++)
		RCU_INIT_POINTER(port->hqs[i].eng->hq[port->idx], NULL);
	/* Engines use their queue inside an RCU read section */
	synchronize_net();
	/* An engine that no longer serves the port resets its connections */
	for (i = from; i < to; i++)
		mpnic_toe_port_stop(port->hqs[i].eng, port->idx);
	for (i = from; i < to; i++)
		mpnic_hq_close(&port->hqs[i]);
}

void mpnic_hq_get_stats(const struct mpnic_hq *hq, struct mpnic_hq_stats *out)
{
	mpnic_stats_read(&hq->stats, out);
}
