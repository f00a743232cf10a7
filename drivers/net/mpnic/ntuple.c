// SPDX-License-Identifier: GPL-2.0
/* ntuple rules: ethtool's flow specs to the dispatch's rules and back */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mpnic.h"

/* The mpnic rule at @loc, or NULL */
const struct mpnic_ntuple_rule *mpnic_ntuple_at(const struct mpnic_dispatch_cfg *cfg,
						u32 loc)
{
	u32 i;

	for (i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].loc == loc)
			return &cfg->rules[i];
	return NULL;
}

/* Where each flow type's fields sit in ethtool's flow union */
static const struct mpnic_rule_type {
	u32 flow_type;		/* ethtool's */
	u8 type;		/* enum mpnic_flow_type */
	u8 alen;		/* address bytes */
	u8 ports;		/* TCP/UDP: psrc, pdst follow the addresses */
	u8 proto_off;		/* IP: offset of the L4 protocol */
} mpnic_rule_types[] = {
	{ TCP_V4_FLOW, MPNIC_FT_TCP4, 4, 1, 0 },
	{ UDP_V4_FLOW, MPNIC_FT_UDP4, 4, 1, 0 },
	{ IPV4_USER_FLOW, MPNIC_FT_IP4, 4, 0, offsetof(struct ethtool_usrip4_spec, proto) },
	{ TCP_V6_FLOW, MPNIC_FT_TCP6, 16, 1, 0 },
	{ UDP_V6_FLOW, MPNIC_FT_UDP6, 16, 1, 0 },
	{ IPV6_USER_FLOW, MPNIC_FT_IP6, 16, 0, offsetof(struct ethtool_usrip6_spec, l4_proto) },
};

static_assert(offsetof(struct ethtool_tcpip4_spec, ip4dst) == 4);
static_assert(offsetof(struct ethtool_tcpip4_spec, psrc) == 8);
static_assert(offsetof(struct ethtool_tcpip4_spec, pdst) == 10);
static_assert(offsetof(struct ethtool_usrip4_spec, ip4dst) == 4);
static_assert(offsetof(struct ethtool_tcpip6_spec, ip6dst) == 16);
static_assert(offsetof(struct ethtool_tcpip6_spec, psrc) == 32);
static_assert(offsetof(struct ethtool_tcpip6_spec, pdst) == 34);
static_assert(offsetof(struct ethtool_usrip6_spec, ip6dst) == 16);

static const struct mpnic_rule_type *mpnic_rule_type_of(u32 flow_type, int type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(mpnic_rule_types); i++)
		if (mpnic_rule_types[i].flow_type == flow_type || mpnic_rule_types[i].type == type)
			return &mpnic_rule_types[i];
	return NULL;
}

/* One side (value or mask) of a rule into a flow union, and back */
static void mpnic_rule_side_put(const struct mpnic_rule_type *t, u8 *u, const u8 *src,
				const u8 *dst, __be16 sport, __be16 dport, u8 proto)
{
	memcpy(u, src, t->alen);
	memcpy(u + t->alen, dst, t->alen);
	if (t->ports) {
		memcpy(u + 2 * t->alen, &sport, 2);
		memcpy(u + 2 * t->alen + 2, &dport, 2);
	} else {
		u[t->proto_off] = proto;
	}
}

static void mpnic_rule_side_get(const struct mpnic_rule_type *t, const u8 *u, u8 *src,
				u8 *dst, __be16 *sport, __be16 *dport, u8 *proto)
{
	memcpy(src, u, t->alen);
	memcpy(dst, u + t->alen, t->alen);
	if (t->ports) {
		memcpy(sport, u + 2 * t->alen, 2);
		memcpy(dport, u + 2 * t->alen + 2, 2);
	} else {
		*proto = u[t->proto_off];
	}
}

void mpnic_ntuple_to_fs(const struct mpnic_ntuple_rule *rule,
			struct ethtool_rx_flow_spec *fs)
{
	const struct mpnic_rule_type *t = mpnic_rule_type_of(0, rule->type);

	memset(fs, 0, sizeof(*fs));
	fs->location = rule->loc;
	fs->ring_cookie = rule->action == MPNIC_NTUPLE_DROP ? RX_CLS_FLOW_DISC : rule->action;
	if (WARN_ON_ONCE(!t))
		return;
	fs->flow_type = t->flow_type;
	mpnic_rule_side_put(t, (u8 *)&fs->h_u, rule->src, rule->dst, rule->sport, rule->dport,
			    rule->proto);
	mpnic_rule_side_put(t, (u8 *)&fs->m_u, rule->src_mask, rule->dst_mask,
			    rule->sport_mask, rule->dport_mask, rule->proto_mask);
	if (t->flow_type == IPV4_USER_FLOW)
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
}

/* Match fields the card has no comparator for: TOS/traffic class, L4 bytes */
static bool mpnic_rule_fs_unsupported(const struct ethtool_rx_flow_spec *fs, u32 type)
{
	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
		return fs->m_u.tcp_ip4_spec.tos;
	case IPV4_USER_FLOW:
		return fs->m_u.usr_ip4_spec.l4_4_bytes || fs->m_u.usr_ip4_spec.tos ||
		       fs->h_u.usr_ip4_spec.ip_ver != ETH_RX_NFC_IP4;
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
		return fs->m_u.tcp_ip6_spec.tclass;
	case IPV6_USER_FLOW:
		return fs->m_u.usr_ip6_spec.l4_4_bytes || fs->m_u.usr_ip6_spec.tclass;
	default:
		return true;
	}
}

/* An ethtool flow spec as an mpnic rule; -EOPNOTSUPP for what the card cannot match */
static int mpnic_rule_from_fs(struct net_device *dev, const struct ethtool_rx_flow_spec *fs,
			      u32 rss_context, struct mpnic_ntuple_rule *rule)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	const struct mpnic_rule_type *t;
	u32 top = 0;

	memset(rule, 0, sizeof(*rule));
	if (fs->flow_type & (FLOW_EXT | FLOW_MAC_EXT)) {
		mpnic_refuse(dev, NULL, "ntuple: VLAN and MAC matches are not supported");
		return -EOPNOTSUPP;
	}
	if (fs->flow_type & FLOW_RSS) {
		if (rss_context >= MPNIC_RSS_CTX_MAX ||
		    !rcu_access_pointer(port->rss_ctx[rss_context]) ||
		    fs->ring_cookie == RX_CLS_FLOW_DISC) {
			mpnic_refuse(dev, NULL, "ntuple: no such RSS context");
			return -EINVAL;
		}
		rule->ctx = rss_context;
		top = mpnic_rss_ctx_max_queue(port, rss_context);
	}
	/* With a context, the action is an offset added to its table's queue */
	if (fs->ring_cookie != RX_CLS_FLOW_DISC &&
	    (ethtool_get_flow_spec_ring_vf(fs->ring_cookie) ||
	     ethtool_get_flow_spec_ring(fs->ring_cookie) + top >= port->num_hqs)) {
		mpnic_refuse(dev, NULL, "ntuple: action is not a queue of this port");
		return -EINVAL;
	}
	rule->action = fs->ring_cookie == RX_CLS_FLOW_DISC ? MPNIC_NTUPLE_DROP :
			ethtool_get_flow_spec_ring(fs->ring_cookie);

	t = mpnic_rule_type_of(type, -1);
	if (!t || mpnic_rule_fs_unsupported(fs, type)) {
		mpnic_refuse(dev, NULL, "ntuple: flow types are tcp4/udp4/ip4/tcp6/udp6/ip6 matching addresses, ports and (ip4/ip6) the L4 protocol");
		return -EOPNOTSUPP;
	}
	rule->type = t->type;
	mpnic_rule_side_get(t, (const u8 *)&fs->h_u, rule->src, rule->dst, &rule->sport,
			    &rule->dport, &rule->proto);
	mpnic_rule_side_get(t, (const u8 *)&fs->m_u, rule->src_mask, rule->dst_mask,
			    &rule->sport_mask, &rule->dport_mask, &rule->proto_mask);
	return 0;
}

/* A free location for RX_CLS_LOC_ANY/FIRST/LAST, or -ENOSPC */
static int mpnic_rule_loc(const struct mpnic_dispatch_cfg *cfg, u32 want)
{
	u32 loc;

	if (!(want & RX_CLS_LOC_SPECIAL))
		return want < MPNIC_NTUPLE_MAX ? (int)want : -EINVAL;
	if (want == RX_CLS_LOC_LAST) {
		for (loc = MPNIC_NTUPLE_MAX; loc--; )
			if (!mpnic_ntuple_at(cfg, loc))
				return loc;
		return -ENOSPC;
	}
	if (want != RX_CLS_LOC_ANY && want != RX_CLS_LOC_FIRST)
		return -EINVAL;
	for (loc = 0; loc < MPNIC_NTUPLE_MAX; loc++)
		if (!mpnic_ntuple_at(cfg, loc))
			return loc;
	return -ENOSPC;
}

int mpnic_ntuple_insert(struct net_device *dev, struct ethtool_rx_flow_spec *fs,
			u32 rss_context)
{
	struct mpnic_port *port = netdev_priv(dev);
	const struct mpnic_dispatch_cfg *old = rtnl_dereference(port->cfg);
	struct mpnic_dispatch_cfg *cfg;
	struct mpnic_ntuple_rule rule;
	u32 i, j;
	int loc;
	int err;

	if (!(dev->features & NETIF_F_NTUPLE)) {
		mpnic_refuse(dev, NULL, "ntuple: the feature is off (ethtool -K DEV ntuple on)");
		return -EOPNOTSUPP;
	}
	err = mpnic_rule_from_fs(dev, fs, rss_context, &rule);
	if (err)
		return err;
	loc = mpnic_rule_loc(old, fs->location);
	if (loc < 0) {
		if (loc == -ENOSPC)
			mpnic_refuse(dev, NULL, "ntuple: every rule location is taken");
		else
			mpnic_refuse(dev, NULL, "ntuple: location out of range");
		return loc;
	}
	rule.loc = loc;
	cfg = mpnic_dispatch_cfg_dup(port, 1);
	if (!cfg)
		return -ENOMEM;
	/* Keep the rules sorted by location, replacing one at the same place */
	for (i = 0; i < cfg->nrules && cfg->rules[i].loc < rule.loc; i++)
		;
	if (i < cfg->nrules && cfg->rules[i].loc == rule.loc) {
		cfg->rules[i] = rule;
	} else {
		for (j = cfg->nrules; j > i; j--)
			cfg->rules[j] = cfg->rules[j - 1];
		cfg->rules[i] = rule;
		cfg->nrules++;
	}
	mpnic_dispatch_cfg_publish(port, cfg);
	fs->location = loc;
	return 0;
}

int mpnic_ntuple_delete(struct net_device *dev, u32 loc)
{
	struct mpnic_port *port = netdev_priv(dev);
	const struct mpnic_dispatch_cfg *old = rtnl_dereference(port->cfg);
	struct mpnic_dispatch_cfg *cfg;
	u32 i, j;

	if (!mpnic_ntuple_at(old, loc)) {
		mpnic_refuse(dev, NULL, "ntuple: no rule at that location");
		return -ENOENT;
	}
	cfg = mpnic_dispatch_cfg_dup(port, 0);
	if (!cfg)
		return -ENOMEM;
	for (i = 0, j = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].loc != loc)
			cfg->rules[j++] = cfg->rules[i];
	cfg->nrules = j;
	mpnic_dispatch_cfg_publish(port, cfg);
	return 0;
}
