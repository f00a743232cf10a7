// SPDX-License-Identifier: GPL-2.0
/* Additional RSS contexts; built only where ethtool has their ops */

#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "mpnic.h"

/* The highest queue context @id's table names. Context: RTNL held. */
u32 mpnic_rss_ctx_max_queue(struct mpnic_port *port, u32 id)
{
	struct mpnic_rss_ctx *rc = rtnl_dereference(port->rss_ctx[id]);

	return rc ? mpnic_rss_max_engine(&rc->rss) : 0;
}

/* The highest queue any context's table, plus its rules' offsets, names */
u32 mpnic_rss_ctx_highest_queue(struct mpnic_port *port)
{
	const struct mpnic_dispatch_cfg *cfg = rtnl_dereference(port->cfg);
	u32 id, i, max = 0;

	for (id = 1; id < MPNIC_RSS_CTX_MAX; id++)
		max = max_t(u32, max, mpnic_rss_ctx_max_queue(port, id));
	for (i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].ctx)
			max = max_t(u32, max, cfg->rules[i].action +
				    mpnic_rss_ctx_max_queue(port, cfg->rules[i].ctx));
	return max;
}

static void mpnic_rss_ctx_publish(struct mpnic_port *port, u32 id, struct mpnic_rss_ctx *rc)
{
	struct mpnic_rss_ctx *old = rtnl_dereference(port->rss_ctx[id]);

	rcu_assign_pointer(port->rss_ctx[id], rc);
	if (old)
		kfree_rcu(old, rcu);
}

/* ethtool -N DEV rx-flow-hash: contexts hash the port's fields */
void mpnic_rss_ctx_fields_sync(struct mpnic_port *port, int ft, u8 fields)
{
	struct mpnic_rss_ctx *rc, *old;
	u32 id;

	for (id = 1; id < MPNIC_RSS_CTX_MAX; id++) {
		old = rtnl_dereference(port->rss_ctx[id]);
		if (!old)
			continue;
		rc = kmemdup(old, sizeof(*old), GFP_KERNEL);
		if (!rc) {
			/* keep the old fields rather than lose the context */
			WRITE_ONCE(old->rss.fields[ft], fields);
			continue;
		}
		rc->rss.fields[ft] = fields;
		mpnic_rss_ctx_publish(port, id, rc);
	}
}

void mpnic_rss_ctx_free_all(struct mpnic_port *port)
{
	u32 id;

	for (id = 1; id < MPNIC_RSS_CTX_MAX; id++)
		kfree(rcu_replace_pointer(port->rss_ctx[id], NULL, true));
}

/* Tell the core what a context really uses */
static void mpnic_rss_ctx_report(struct ethtool_rxfh_context *ctx, const struct mpnic_rss *rss)
{
	memcpy(ethtool_rxfh_context_indir(ctx), rss->indir, sizeof(rss->indir));
	memcpy(ethtool_rxfh_context_key(ctx), rss->key, sizeof(rss->key));
	ctx->hfunc = mpnic_rss_hfunc_eth(rss);
	ctx->input_xfrm = rss->xfrm;
}

/* The highest queue offset of the rules that hash with context @id */
static u32 mpnic_rss_ctx_rules_offset(struct mpnic_port *port, u32 id)
{
	const struct mpnic_dispatch_cfg *cfg = rtnl_dereference(port->cfg);
	u32 i, max = 0;

	for (i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].ctx == id)
			max = max_t(u32, max, cfg->rules[i].action);
	return max;
}

/* A new context starts from the port's key and function, an even table */
int mpnic_create_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	struct mpnic_rss_ctx *rc;
	int err;

	if (rxfh->rss_context >= MPNIC_RSS_CTX_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "RSS context ids end at 63");
		return -EINVAL;
	}
	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc)
		return -ENOMEM;
	rc->rss = rtnl_dereference(port->cfg)->rss;
	mpnic_rss_spread(&rc->rss, port->num_hqs);
	err = mpnic_rss_apply(dev, &rc->rss, rxfh, 0, extack);
	if (err) {
		kfree(rc);
		return err;
	}
	mpnic_rss_ctx_report(ctx, &rc->rss);
	mpnic_rss_ctx_publish(port, rxfh->rss_context, rc);
	return 0;
}

int mpnic_modify_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	u32 id = rxfh->rss_context;
	struct mpnic_rss_ctx *rc, *old;
	int err;

	old = id < MPNIC_RSS_CTX_MAX ? rtnl_dereference(port->rss_ctx[id]) : NULL;
	if (!old) {
		NL_SET_ERR_MSG_MOD(extack, "No such RSS context");
		return -ENOENT;
	}
	rc = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!rc)
		return -ENOMEM;
	/* A rule's offset plus the new table must stay on the port's queues */
	err = mpnic_rss_apply(dev, &rc->rss, rxfh, mpnic_rss_ctx_rules_offset(port, id), extack);
	if (err) {
		kfree(rc);
		return err;
	}
	mpnic_rss_ctx_publish(port, id, rc);
	return 0;
}

int mpnic_remove_rxfh_context(struct net_device *dev, struct ethtool_rxfh_context *ctx,
			      u32 rss_context, struct netlink_ext_ack *extack)
{
	struct mpnic_port *port = netdev_priv(dev);
	const struct mpnic_dispatch_cfg *cfg = rtnl_dereference(port->cfg);
	u32 i;

	if (rss_context >= MPNIC_RSS_CTX_MAX || !rtnl_dereference(port->rss_ctx[rss_context])) {
		NL_SET_ERR_MSG_MOD(extack, "No such RSS context");
		return -ENOENT;
	}
	for (i = 0; i < cfg->nrules; i++) {
		if (cfg->rules[i].ctx == rss_context) {
			NL_SET_ERR_MSG_MOD(extack, "An ntuple rule hashes with this context");
			return -EBUSY;
		}
	}
	mpnic_rss_ctx_publish(port, rss_context, NULL);
	return 0;
}
