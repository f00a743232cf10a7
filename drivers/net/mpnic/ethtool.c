// SPDX-License-Identifier: GPL-2.0
/* ethtool: the card seen through the standard NIC interface. */

#include <linux/ethtool.h>
#include <linux/netdevice.h>

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

static int mpnic_get_sset_count(struct net_device *dev, int sset)
{
	struct mpnic_port *port = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return MPNIC_N_DISPATCH + port->num_hqs * (MPNIC_N_ENGINE + MPNIC_N_HQ);
}

static void mpnic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 i, j;

	if (sset != ETH_SS_STATS)
		return;
	for (j = 0; j < MPNIC_N_DISPATCH; j++)
		ethtool_puts(&data, mpnic_dispatch_stat_names[j]);
	for (i = 0; i < port->num_hqs; i++) {
		for (j = 0; j < MPNIC_N_ENGINE; j++)
			ethtool_sprintf(&data, "engine%u_%s", port->hqs[i].eng->id,
					mpnic_engine_stat_names[j]);
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
	for (i = 0; i < port->num_hqs; i++) {
		struct mpnic_engine_stats es;
		struct mpnic_hq_stats hs;

		mpnic_engine_get_stats(port->hqs[i].eng, &es);
		memcpy(data, &es, MPNIC_N_ENGINE * sizeof(u64));
		data += MPNIC_N_ENGINE;
		mpnic_hq_get_stats(&port->hqs[i], &hs);
		memcpy(data, &hs, MPNIC_N_HQ * sizeof(u64));
		data += MPNIC_N_HQ;
	}
}

static void mpnic_get_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);

	ring->rx_max_pending = 4096;
	ring->tx_max_pending = 4096;
	ring->rx_pending = port->rx_ring_size;
	ring->tx_pending = port->tx_ring_size;
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
	int ft;

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = port->num_hqs;
		return 0;
	case ETHTOOL_GRXFH:
		ft = mpnic_flow_type(info->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS));
		if (ft < 0)
			return -EINVAL;
		info->data = port->rss.fields[ft];
		return 0;
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

	rxfh->hfunc = mpnic_hfunc_to_eth[port->rss.hfunc];
	if (rxfh->indir)
		memcpy(rxfh->indir, port->rss.indir, sizeof(port->rss.indir));
	if (rxfh->key)
		memcpy(rxfh->key, port->rss.key, sizeof(port->rss.key));
	return 0;
}
MPNIC_RXFH_GET_ADAPTER(mpnic_get_rxfh)

static const struct ethtool_ops mpnic_ethtool_ops = {
	.get_drvinfo		= mpnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_channels		= mpnic_get_channels,
	.get_ringparam		= mpnic_get_ringparam,
	.get_rxnfc		= mpnic_get_rxnfc,
	.get_rxfh_key_size	= mpnic_get_rxfh_key_size,
	.get_rxfh_indir_size	= mpnic_get_rxfh_indir_size,
	.get_rxfh		= MPNIC_RXFH_GET(mpnic_get_rxfh),
	.get_sset_count		= mpnic_get_sset_count,
	.get_strings		= mpnic_get_strings,
	.get_ethtool_stats	= mpnic_get_ethtool_stats,
};

void mpnic_ethtool_init(struct net_device *dev)
{
	dev->ethtool_ops = &mpnic_ethtool_ops;
}
