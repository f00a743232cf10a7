// SPDX-License-Identifier: GPL-2.0

#include <linux/ethtool.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mpnic.h"

static const char mpnic_dispatch_stat_names[][ETH_GSTRING_LEN] = {
	MPNIC_DISPATCH_STATS(MPNIC_STAT_NAME)
};

static const char mpnic_engine_stat_names[][ETH_GSTRING_LEN] = {
	MPNIC_ENGINE_STATS(MPNIC_STAT_NAME)
};

static const char mpnic_hq_stat_names[][ETH_GSTRING_LEN] = {
	MPNIC_HQ_STATS(MPNIC_STAT_NAME)
};

#define MPNIC_N_DISPATCH	ARRAY_SIZE(mpnic_dispatch_stat_names)
#define MPNIC_N_ENGINE		ARRAY_SIZE(mpnic_engine_stat_names)
#define MPNIC_N_HQ		ARRAY_SIZE(mpnic_hq_stat_names)

static_assert(MPNIC_N_DISPATCH == MPNIC_NSTATS(struct mpnic_dispatch_stats));
static_assert(MPNIC_N_ENGINE == MPNIC_NSTATS(struct mpnic_engine_stats));
static_assert(MPNIC_N_HQ == MPNIC_NSTATS(struct mpnic_hq_stats));

static void mpnic_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	struct mpnic_port *port = netdev_priv(dev);

	strscpy(info->driver, MPNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, MPNIC_VERSION, sizeof(info->version));
	strscpy(info->fw_version, MPNIC_FW_VERSION, sizeof(info->fw_version));
	snprintf(info->bus_info, sizeof(info->bus_info), "mpnic%u", port->card->id);
}

static void mpnic_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct mpnic_port *port = netdev_priv(dev);

	ch->max_combined = port->card->num_engines;
	ch->combined_count = port->num_hqs;
}

static int mpnic_set_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct mpnic_port *port = netdev_priv(dev);

	/* The core refuses counts above the maxima and a zero combined count */
	if (ch->rx_count || ch->tx_count || ch->other_count) {
		mpnic_refuse(dev, NULL, "Only combined channels exist: one per engine");
		return -EINVAL;
	}
	return mpnic_port_set_channels(port, ch->combined_count, NULL);
}

/* ethtool --set-priv-flags: bits in this order */
static const char mpnic_priv_flag_names[][ETH_GSTRING_LEN] = {
	"wire-trains",	/* a TSO packet's frames leave as one skb (txrx.c) */
	"tcp-offload",	/* sockets may hand their connection to an engine (toe.c) */
};

#define MPNIC_PRIV_WIRE_TRAINS	BIT(0)
#define MPNIC_PRIV_TCP_OFFLOAD	BIT(1)

static u32 mpnic_get_priv_flags(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	return (port->wire_trains ? MPNIC_PRIV_WIRE_TRAINS : 0) |
	       (port->tcp_offload ? MPNIC_PRIV_TCP_OFFLOAD : 0);
}

static int mpnic_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct mpnic_port *port = netdev_priv(dev);
	bool offload = flags & MPNIC_PRIV_TCP_OFFLOAD;

	if (flags & ~(MPNIC_PRIV_WIRE_TRAINS | MPNIC_PRIV_TCP_OFFLOAD))
		return -EINVAL;
	if (offload && !port->tcp_offload && !mpnic_toe_port_can_offload(port, NULL))
		return -EPROTONOSUPPORT;
	/* The engines read it once per pass over a TX ring */
	WRITE_ONCE(port->wire_trains, !!(flags & MPNIC_PRIV_WIRE_TRAINS));
	/* Read by the next handoff; turning it off leaves offloaded connections be */
	WRITE_ONCE(port->tcp_offload, offload);
	return 0;
}

static int mpnic_get_sset_count(struct net_device *dev, int sset)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (sset == ETH_SS_TEST)
		return port->card->num_engines;
	if (sset == ETH_SS_PRIV_FLAGS)
		return ARRAY_SIZE(mpnic_priv_flag_names);
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	/* Queues past ethtool -L or a shrinking reload: counters go on */
	return MPNIC_N_DISPATCH + port->card->stats_engines * (MPNIC_N_ENGINE + MPNIC_N_HQ);
}

static void mpnic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 i, j;

	if (sset == ETH_SS_TEST) {
		for (i = 0; i < port->card->num_engines; i++)
			ethtool_sprintf(&data, "engine%u loopback (online)", i);
		return;
	}
	if (sset == ETH_SS_PRIV_FLAGS) {
		for (i = 0; i < ARRAY_SIZE(mpnic_priv_flag_names); i++)
			ethtool_puts(&data, mpnic_priv_flag_names[i]);
		return;
	}
	if (sset != ETH_SS_STATS)
		return;
	for (j = 0; j < MPNIC_N_DISPATCH; j++)
		ethtool_puts(&data, mpnic_dispatch_stat_names[j]);
	for (i = 0; i < port->card->stats_engines; i++) {
		for (j = 0; j < MPNIC_N_ENGINE; j++)
			ethtool_sprintf(&data, "engine%u_%s", i, mpnic_engine_stat_names[j]);
		for (j = 0; j < MPNIC_N_HQ; j++)
			ethtool_sprintf(&data, "queue%u_%s", i, mpnic_hq_stat_names[j]);
	}
}

static void mpnic_get_ethtool_stats(struct net_device *dev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 i;

	mpnic_dispatch_get_stats(port, (struct mpnic_dispatch_stats *)data);
	data += MPNIC_N_DISPATCH;
	for (i = 0; i < port->card->stats_engines; i++) {
		struct mpnic_engine_stats es;
		struct mpnic_hq_stats hs;

		mpnic_card_engine_stats(port->card, i, &es);
		memcpy(data, &es, MPNIC_N_ENGINE * sizeof(u64));
		data += MPNIC_N_ENGINE;
		mpnic_hq_get_stats(&port->hqs[i], &hs);
		memcpy(data, &hs, MPNIC_N_HQ * sizeof(u64));
		data += MPNIC_N_HQ;
	}
}

static void mpnic_self_test(struct net_device *dev, struct ethtool_test *test, u64 *data)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (!mpnic_selftest(port->card, data))
		test->flags |= ETH_TEST_FL_FAILED;
}

static void mpnic_get_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);

	ring->rx_max_pending = MPNIC_RING_MAX;
	ring->tx_max_pending = MPNIC_RING_MAX;
	ring->rx_pending = port->rx_ring_size;
	ring->tx_pending = port->tx_ring_size;
}

/* ethtool -G: sizes round up to a power of two; a running port's queues are rebuilt */
static int mpnic_set_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 rx, tx;

	if (ring->rx_pending < MPNIC_RING_MIN || ring->tx_pending < MPNIC_RING_MIN ||
	    ring->rx_pending > MPNIC_RING_MAX || ring->tx_pending > MPNIC_RING_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "Ring sizes are 64 to 4096 entries");
		return -EINVAL;
	}
	rx = roundup_pow_of_two(ring->rx_pending);
	tx = roundup_pow_of_two(ring->tx_pending);
	if (port->rx_max_frames > rx) {
		NL_SET_ERR_MSG_MOD(extack, "rx-frames (ethtool -C) is larger than that RX ring");
		return -EINVAL;
	}
	if (rx == port->rx_ring_size && tx == port->tx_ring_size)
		return 0;
	return mpnic_port_set_rings(port, rx, tx);
}

/* ethtool flow types to the dispatch's; -1 where the card has no such class */
static int mpnic_flow_type(u32 ethtool_ft)
{
	switch (ethtool_ft) {
	case TCP_V4_FLOW:
		return MPNIC_FT_TCP4;
	case UDP_V4_FLOW:
		return MPNIC_FT_UDP4;
	case IPV4_FLOW:
		return MPNIC_FT_IP4;
	case TCP_V6_FLOW:
		return MPNIC_FT_TCP6;
	case UDP_V6_FLOW:
		return MPNIC_FT_UDP6;
	case IPV6_FLOW:
		return MPNIC_FT_IP6;
	default:
		return -1;
	}
}

static int mpnic_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
			   u32 *rule_locs)
{
	struct mpnic_port *port = netdev_priv(dev);
	const struct mpnic_dispatch_cfg *cfg = rtnl_dereference(port->cfg);
	const struct mpnic_ntuple_rule *rule;
	u32 i;
	int ft;

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = port->num_hqs;
		return 0;
	case ETHTOOL_GRXFH:
		ft = mpnic_flow_type(info->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS));
		if (ft < 0)
			return -EINVAL;
		info->data = cfg->rss.fields[ft];
		return 0;
	case ETHTOOL_GRXCLSRLCNT:
		info->rule_cnt = cfg->nrules;
		info->data = MPNIC_NTUPLE_MAX | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		rule = mpnic_ntuple_at(cfg, info->fs.location);
		if (!rule)
			return -ENOENT;
		mpnic_ntuple_to_fs(rule, &info->fs);
		if (rule->ctx) {
			info->fs.flow_type |= FLOW_RSS;
			info->rss_context = rule->ctx;
		}
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		if (info->rule_cnt < cfg->nrules)
			return -EMSGSIZE;
		for (i = 0; i < cfg->nrules; i++)
			rule_locs[i] = cfg->rules[i].loc;
		info->rule_cnt = cfg->nrules;
		info->data = MPNIC_NTUPLE_MAX;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int mpnic_set_rxfh_fields(struct net_device *dev, const struct ethtool_rxnfc *info)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_dispatch_cfg *cfg;
	u64 allowed = MPNIC_RXH_IP;
	int ft;

	ft = mpnic_flow_type(info->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS));
	if (ft < 0 || (info->flow_type & FLOW_RSS)) {
		mpnic_refuse(dev, NULL, "rx-flow-hash: flow types are tcp4, udp4, ip4, tcp6, udp6, ip6");
		return -EOPNOTSUPP;
	}
	if (ft != MPNIC_FT_IP4 && ft != MPNIC_FT_IP6)
		allowed |= MPNIC_RXH_L4;
	if (info->data & ~allowed) {
		mpnic_refuse(dev, NULL, "rx-flow-hash: the card hashes IP addresses (s, d) and, for TCP and UDP, ports (f, n)");
		return -EOPNOTSUPP;
	}
	cfg = mpnic_dispatch_cfg_dup(port, 0);
	if (!cfg)
		return -ENOMEM;
	cfg->rss.fields[ft] = info->data;
	mpnic_dispatch_cfg_publish(port, cfg);
	mpnic_rss_ctx_fields_sync(port, ft, info->data);
	return 0;
}

static int mpnic_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info)
{
	switch (info->cmd) {
	case ETHTOOL_SRXFH:
		return mpnic_set_rxfh_fields(dev, info);
	case ETHTOOL_SRXCLSRLINS:
		return mpnic_ntuple_insert(dev, &info->fs, info->rss_context);
	case ETHTOOL_SRXCLSRLDEL:
		return mpnic_ntuple_delete(dev, info->fs.location);
	default:
		return -EOPNOTSUPP;
	}
}

static u32 mpnic_get_rxfh_key_size(struct net_device *dev)
{
	return MPNIC_RSS_KEY_SIZE;
}

static u32 mpnic_get_rxfh_indir_size(struct net_device *dev)
{
	return MPNIC_RSS_INDIR_SIZE;
}

static const u8 mpnic_hfunc_to_eth[] = {
	[MPNIC_HFUNC_TOEPLITZ]	= ETH_RSS_HASH_TOP,
	[MPNIC_HFUNC_XOR]	= ETH_RSS_HASH_XOR,
	[MPNIC_HFUNC_CRC32]	= ETH_RSS_HASH_CRC32,
};

static int mpnic_get_rxfh(struct net_device *dev, struct ethtool_rxfh_param *rxfh)
{
	struct mpnic_port *port = netdev_priv(dev);
	const struct mpnic_dispatch_cfg *cfg = rtnl_dereference(port->cfg);

	rxfh->hfunc = mpnic_hfunc_to_eth[cfg->rss.hfunc];
	rxfh->input_xfrm = cfg->rss.xfrm;
	if (rxfh->indir)
		memcpy(rxfh->indir, cfg->rss.indir, sizeof(cfg->rss.indir));
	if (rxfh->key)
		memcpy(rxfh->key, cfg->rss.key, sizeof(cfg->rss.key));
	return 0;
}

MPNIC_RXFH_GET_ADAPTER(mpnic_get_rxfh)

/**
 * mpnic_rss_apply - an ethtool -X request, checked, then applied to @rss
 * @dev: the port
 * @rss: the port's hash configuration or an RSS context's, a private copy
 * @rxfh: the request; what it leaves unset stays as it is
 * @offset: the highest queue offset of the rules that use @rss
 * @extack: why it is refused
 *
 * Context: RTNL held.
 * Return: 0, or a negative errno with @rss untouched.
 */
int mpnic_rss_apply(struct net_device *dev, struct mpnic_rss *rss,
		    const struct ethtool_rxfh_param *rxfh, u32 offset,
		    struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	int hfunc = -1;
	u32 i;

	ASSERT_RTNL();
	switch (rxfh->hfunc) {
	case ETH_RSS_HASH_NO_CHANGE:
		break;
	case ETH_RSS_HASH_TOP:
		hfunc = MPNIC_HFUNC_TOEPLITZ;
		break;
	case ETH_RSS_HASH_XOR:
		hfunc = MPNIC_HFUNC_XOR;
		break;
	case ETH_RSS_HASH_CRC32:
		hfunc = MPNIC_HFUNC_CRC32;
		break;
	default:
		mpnic_refuse(dev, extack, "Hash functions are toeplitz, xor and crc32");
		return -EOPNOTSUPP;
	}
	if (rxfh->indir) {
		for (i = 0; i < MPNIC_RSS_INDIR_SIZE; i++) {
			if (rxfh->indir[i] + offset >= port->num_hqs) {
				mpnic_refuse(dev, extack, "Indirection table names a queue the port does not have");
				return -EINVAL;
			}
		}
	}
	if (hfunc >= 0)
		rss->hfunc = hfunc;
	/* The core checked it against supported_input_xfrm and the fields */
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE)
		rss->xfrm = rxfh->input_xfrm;
	if (rxfh->key)
		memcpy(rss->key, rxfh->key, MPNIC_RSS_KEY_SIZE);
	if (rxfh->indir)
		memcpy(rss->indir, rxfh->indir, sizeof(rss->indir));
	return 0;
}

u8 mpnic_rss_hfunc_eth(const struct mpnic_rss *rss)
{
	return mpnic_hfunc_to_eth[rss->hfunc];
}

/* Frames already placed stay put: a flow that moves loses nothing */
static int mpnic_set_rxfh(struct net_device *dev, struct ethtool_rxfh_param *rxfh,
			  struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_dispatch_cfg *cfg;
	int err;

	cfg = mpnic_dispatch_cfg_dup(port, 0);
	if (!cfg)
		return -ENOMEM;
	err = mpnic_rss_apply(dev, &cfg->rss, rxfh, 0, extack);
	if (err) {
		kvfree(cfg);
		return err;
	}
	mpnic_dispatch_cfg_publish(port, cfg);
	return 0;
}

MPNIC_RXFH_SET_ADAPTER(mpnic_set_rxfh)

/* Longest moderation delay the card takes: 100 ms */
#define MPNIC_COALESCE_MAX_USECS	100000

static int mpnic_get_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);

	ec->rx_coalesce_usecs = port->rx_usecs;
	ec->rx_max_coalesced_frames = port->rx_max_frames;
	return 0;
}

/* Applies to the running queues at once: engines read it per pass */
static int mpnic_set_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (ec->rx_coalesce_usecs > MPNIC_COALESCE_MAX_USECS) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs: at most 100000");
		return -ERANGE;
	}
	if (ec->rx_max_coalesced_frames > port->rx_ring_size) {
		NL_SET_ERR_MSG_MOD(extack, "rx-frames: at most the RX ring size");
		return -ERANGE;
	}
	WRITE_ONCE(port->rx_usecs, ec->rx_coalesce_usecs);
	WRITE_ONCE(port->rx_max_frames, ec->rx_max_coalesced_frames);
	return 0;
}

/*
 * ethtool -d: the rings as u32 "registers", a racy snapshot; the layout is
 * in Documentation/networking/mpnic.rst.
 */
#define MPNIC_REGS_VERSION	1
#define MPNIC_REGS_MAGIC	0x4d504e43	/* "MPNC" */
#define MPNIC_REGS_HDR		6
#define MPNIC_REGS_ENGINE	7
#define MPNIC_REGS_QUEUE	10

static int mpnic_get_regs_len(struct net_device *dev)
{
	struct mpnic_port *port = netdev_priv(dev);

	return (MPNIC_REGS_HDR + port->card->num_engines * MPNIC_REGS_ENGINE +
		port->num_hqs * MPNIC_REGS_QUEUE) * sizeof(u32);
}

static u32 *mpnic_regs_ring(u32 *p, const struct mpnic_ring *ring)
{
	*p++ = READ_ONCE(ring->prod);
	*p++ = READ_ONCE(ring->cons);
	return p;
}

static void mpnic_get_regs(struct net_device *dev, struct ethtool_regs *regs, void *data)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_card *card = port->card;
	bool up = netif_running(dev);
	u32 *p = data;
	u32 i;

	regs->version = MPNIC_REGS_VERSION;
	*p++ = MPNIC_REGS_MAGIC;
	*p++ = MPNIC_REGS_VERSION;
	*p++ = card->id;
	*p++ = card->num_engines;
	*p++ = port->num_hqs;
	*p++ = card->engines[0]->nbufs;
	for (i = 0; i < card->num_engines; i++) {
		struct mpnic_engine *eng = card->engines[i];

		*p++ = eng->id;
		*p++ = eng->cpu;
		p = mpnic_regs_ring(p, &eng->in_ring);
		*p++ = mpnic_ring_count(&eng->free_ring);
		*p++ = READ_ONCE(eng->flows.active);
		*p++ = READ_ONCE(eng->idle);
	}
	/* RTNL: the queues' rings exist exactly while the port is up */
	for (i = 0; i < port->num_hqs; i++) {
		struct mpnic_hq *hq = &port->hqs[i];

		if (!up) {
			memset(p, 0, MPNIC_REGS_QUEUE * sizeof(u32));
			p += MPNIC_REGS_QUEUE;
			continue;
		}
		p = mpnic_regs_ring(p, &hq->rx_post);
		p = mpnic_regs_ring(p, &hq->rx_cmpl);
		p = mpnic_regs_ring(p, &hq->tx_ring);
		p = mpnic_regs_ring(p, &hq->tx_cmpl);
		*p++ = mpnic_ring_count(&hq->rx_post);
		*p++ = atomic_read(&hq->irq_pending);
	}
}

static const struct ethtool_ops mpnic_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.get_coalesce		= mpnic_get_coalesce,
	.set_coalesce		= mpnic_set_coalesce,
	.get_drvinfo		= mpnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_channels		= mpnic_get_channels,
	.set_channels		= mpnic_set_channels,
	.get_regs_len		= mpnic_get_regs_len,
	.get_regs		= mpnic_get_regs,
	.get_ringparam		= mpnic_get_ringparam,
	.set_ringparam		= mpnic_set_ringparam,
	.get_rxnfc		= mpnic_get_rxnfc,
	.set_rxnfc		= mpnic_set_rxnfc,
	MPNIC_SUPPORTED_INPUT_XFRM(RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR)
	.get_rxfh_key_size	= mpnic_get_rxfh_key_size,
	.get_rxfh_indir_size	= mpnic_get_rxfh_indir_size,
	.get_rxfh		= MPNIC_RXFH_GET(mpnic_get_rxfh),
	.set_rxfh		= MPNIC_RXFH_SET(mpnic_set_rxfh),
	MPNIC_RXFH_CONTEXT_OPS
	.get_sset_count		= mpnic_get_sset_count,
	.get_priv_flags		= mpnic_get_priv_flags,
	.set_priv_flags		= mpnic_set_priv_flags,
	.self_test		= mpnic_self_test,
	.get_strings		= mpnic_get_strings,
	.get_ethtool_stats	= mpnic_get_ethtool_stats,
};

void mpnic_ethtool_init(struct net_device *dev)
{
	dev->ethtool_ops = &mpnic_ethtool_ops;
}
