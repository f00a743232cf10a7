// SPDX-License-Identifier: GPL-2.0
/* Per-queue statistics (qstats-get); they add up to `ip -s link` */

#include <linux/netdevice.h>
#include <net/netdev_queues.h>

#include "mpnic.h"

/* The engine drops of frames bound for queue @i's host buffers */
static u64 mpnic_qstats_engine_drops(const struct mpnic_engine_stats *es)
{
	return es->rx_missed + es->rx_no_queue + es->rx_flushed + es->rx_too_long +
	       es->in_truncated + es->in_hdr_errors + es->in_ip_csum_errors +
	       es->in_l4_errors + es->in_csum_errors;
}

/* Past the card's engines, what retired engines of that index counted */
static void mpnic_qstats_engine(const struct mpnic_hq *hq, struct mpnic_engine_stats *es)
{
	struct mpnic_card *card = hq->port->card;

	if (hq->idx < card->stats_engines)
		mpnic_card_engine_stats(card, hq->idx, es);
	else
		memset(es, 0, sizeof(*es));
}

/* Add queue @hq's counters to @rx and @tx */
static void mpnic_qstats_add(const struct mpnic_hq *hq, struct netdev_queue_stats_rx *rx,
			     struct netdev_queue_stats_tx *tx)
{
	struct mpnic_engine_stats es;
	struct mpnic_hq_stats hs;

	mpnic_hq_get_stats(hq, &hs);
	rx->packets += hs.rx_packets;
	rx->bytes += hs.rx_bytes;
	rx->alloc_fail += hs.rx_alloc_fail + hs.rx_refill_fail;
	rx->hw_gro_packets += hs.rx_hw_gro_packets;
	rx->hw_gro_wire_packets += hs.rx_hw_gro_wire_packets;
	tx->packets += hs.tx_packets;
	tx->bytes += hs.tx_bytes;
	tx->hw_drops += hs.tx_dropped;
	/* What the queue's engine dropped, and offloaded, of its frames */
	mpnic_qstats_engine(hq, &es);
	rx->hw_drops += mpnic_qstats_engine_drops(&es);
	rx->hw_drop_overruns += es.rx_missed;
	rx->csum_bad += es.in_ip_csum_errors + es.in_csum_errors;
	tx->needs_csum += es.tx_csum_partial + es.tx_tso;
	tx->hw_gso_packets += es.tx_tso;
	tx->hw_gso_wire_packets += es.tx_tso_segs;
}

/*
 * The counters mpnic_qstats_add() adds to, from 0; the core leaves the
 * others unset, so that they are not reported
 */
static void mpnic_qstats_zero(struct netdev_queue_stats_rx *rx,
			      struct netdev_queue_stats_tx *tx)
{
	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->hw_drops = 0;
	rx->hw_drop_overruns = 0;
	rx->csum_bad = 0;
	rx->hw_gro_packets = 0;
	rx->hw_gro_wire_packets = 0;
	tx->packets = 0;
	tx->bytes = 0;
	tx->hw_drops = 0;
	tx->needs_csum = 0;
	tx->hw_gso_packets = 0;
	tx->hw_gso_wire_packets = 0;
}

/* Queue @idx: get_queue_stats_rx and _tx each take their half */
static void mpnic_qstats_get_queue(struct net_device *dev, int idx,
				   struct netdev_queue_stats_rx *rx,
				   struct netdev_queue_stats_tx *tx)
{
	struct mpnic_port *port = netdev_priv(dev);

	mpnic_qstats_zero(rx, tx);
	mpnic_qstats_add(&port->hqs[idx], rx, tx);
}

static void mpnic_qstats_get_rx(struct net_device *dev, int idx,
				struct netdev_queue_stats_rx *rx)
{
	struct netdev_queue_stats_tx tx;

	mpnic_qstats_get_queue(dev, idx, rx, &tx);
}

static void mpnic_qstats_get_tx(struct net_device *dev, int idx,
				struct netdev_queue_stats_tx *tx)
{
	struct netdev_queue_stats_rx rx;

	mpnic_qstats_get_queue(dev, idx, &rx, tx);
}

/*
 * Queues no longer serving the port, and dispatch's drops, which happen
 * before a queue is chosen. Context: RTNL held.
 */
static void mpnic_qstats_get_base(struct net_device *dev, struct netdev_queue_stats_rx *rx,
				  struct netdev_queue_stats_tx *tx)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_dispatch_stats ds;
	u32 i;

	ASSERT_RTNL();
	mpnic_qstats_zero(rx, tx);
	for (i = port->num_hqs; i < MPNIC_MAX_ENGINES; i++)
		mpnic_qstats_add(&port->hqs[i], rx, tx);
	mpnic_dispatch_get_stats(port, &ds);
	rx->hw_drops += ds.rx_port_down + ds.rx_runt + ds.rx_oversize +
			ds.rx_card_mem_exhausted + ds.rx_engine_ring_full +
			ds.rx_gso_errors + ds.rx_ntuple_drop;
	rx->hw_drop_overruns += ds.rx_card_mem_exhausted + ds.rx_engine_ring_full;
}

static const struct netdev_stat_ops mpnic_stat_ops = {
	.get_queue_stats_rx	= mpnic_qstats_get_rx,
	.get_queue_stats_tx	= mpnic_qstats_get_tx,
	.get_base_stats		= mpnic_qstats_get_base,
};

void mpnic_qstats_init(struct net_device *dev)
{
	dev->stat_ops = &mpnic_stat_ops;
}
