/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows kernel versions: what a kernel older than 6.12
 * lacks, under the upstream names where it can be (and in compat/include,
 * compat/). Kbuild force-includes it and probes for MPNIC_HAVE_*.
 */
#ifndef _MPNIC_COMPAT_H
#define _MPNIC_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>

struct mpnic_card;
struct mpnic_port;

/* ethtool RSS ops take a struct ethtool_rxfh_param since 6.8 */
#ifdef MPNIC_HAVE_RXFH_PARAM
#define MPNIC_RXFH_GET(fn)	fn
#define MPNIC_RXFH_GET_ADAPTER(fn)
#define MPNIC_RXFH_SET(fn)	fn
#define MPNIC_RXFH_SET_ADAPTER(fn)
/* Symmetric hashing (input_xfrm) came with the struct, in 6.8 */
#define MPNIC_SUPPORTED_INPUT_XFRM(x)	.supported_input_xfrm = (x),
#else
#define MPNIC_SUPPORTED_INPUT_XFRM(x)
#define RXH_XFRM_SYM_XOR	(1 << 0)
#define RXH_XFRM_SYM_OR_XOR	(1 << 1)
#define RXH_XFRM_NO_CHANGE	0xff
#include <linux/types.h>
struct net_device;
struct ethtool_rxfh_param {
	u8	hfunc;
	u32	indir_size;
	u32	*indir;
	u32	key_size;
	u8	*key;
	u8	input_xfrm;
};

#define MPNIC_RXFH_GET(fn)	fn##_compat
#define MPNIC_RXFH_GET_ADAPTER(fn)					\
static int fn##_compat(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc) \
{									\
	struct ethtool_rxfh_param p = { .indir = indir, .key = key };	\
	int err = fn(dev, &p);						\
									\
	if (hfunc)							\
		*hfunc = p.hfunc;					\
	return err;							\
}
/* No extack before 6.8: refusals are logged (mpnic_refuse()) */
#define MPNIC_RXFH_SET(fn)	fn##_compat
#define MPNIC_RXFH_SET_ADAPTER(fn)					\
static int fn##_compat(struct net_device *dev, const u32 *indir,	\
		       const u8 *key, const u8 hfunc)			\
{									\
	struct ethtool_rxfh_param p = {					\
		.indir = (u32 *)indir, .key = (u8 *)key, .hfunc = hfunc,	\
		.input_xfrm = RXH_XFRM_NO_CHANGE,			\
	};								\
									\
	return fn(dev, &p, NULL);					\
}
#endif

/* netdev netlink queue statistics (qstats.c, 6.10+); none before */
#ifndef MPNIC_HAVE_QUEUE_STATS
struct net_device;
static inline void mpnic_qstats_init(struct net_device *dev)
{
}
#endif

/* Additional RSS contexts (rssctx.c, the 6.11 ethtool ops); none before */
#ifdef MPNIC_HAVE_RXFH_CONTEXT_OPS
#define MPNIC_RXFH_CONTEXT_OPS						\
	.create_rxfh_context	= mpnic_create_rxfh_context,		\
	.modify_rxfh_context	= mpnic_modify_rxfh_context,		\
	.remove_rxfh_context	= mpnic_remove_rxfh_context,		\
	.rxfh_max_num_contexts	= MPNIC_RSS_CTX_MAX,			\
	MPNIC_RXFH_CONTEXT_CAPS
#ifdef MPNIC_HAVE_RSS_RXNFC_ADDS
#define MPNIC_RXFH_CONTEXT_CAPS	.cap_rss_rxnfc_adds = 1, .rxfh_per_ctx_key = 1,
#else
#define MPNIC_RXFH_CONTEXT_CAPS
#endif
#else
#define MPNIC_RXFH_CONTEXT_OPS
struct mpnic_port;
static inline u32 mpnic_rss_ctx_max_queue(struct mpnic_port *port, u32 id)
{
	return 0;
}

static inline u32 mpnic_rss_ctx_highest_queue(struct mpnic_port *port)
{
	return 0;
}

static inline void mpnic_rss_ctx_fields_sync(struct mpnic_port *port, int ft, u8 fields)
{
}

static inline void mpnic_rss_ctx_free_all(struct mpnic_port *port)
{
}
#endif

/* Queues linked to their NAPI in the netdev family (6.8+); nothing before */
#ifndef MPNIC_HAVE_QUEUE_SET_NAPI
enum netdev_queue_type {
	NETDEV_QUEUE_TYPE_RX,
	NETDEV_QUEUE_TYPE_TX,
};

#define netif_queue_set_napi(dev, idx, type, napi)	do { } while (0)
#endif

/* Page pools named by their netdev, listed by netdev page-pool-get (6.8+) */
#ifdef MPNIC_HAVE_PP_NETDEV
#define mpnic_pp_set_netdev(pp, dev)	((pp)->netdev = (dev))
#else
#define mpnic_pp_set_netdev(pp, dev)	do { } while (0)
#endif

/* devlink dev info: the core names the bound driver since 6.2 */
#ifdef MPNIC_HAVE_DEVLINK_DRIVER_NAME_PUT
#define mpnic_devlink_info_driver_name_put(req)	\
	devlink_info_driver_name_put(req, KBUILD_MODNAME)
#else
#define mpnic_devlink_info_driver_name_put(req)	0
#endif

/* Reload had to be enabled as a feature before 6.3 */
#ifdef MPNIC_HAVE_DEVLINK_SET_FEATURES
#define mpnic_devlink_reload_enable(dl)	devlink_set_features(dl, DEVLINK_F_RELOAD)
#else
#define mpnic_devlink_reload_enable(dl)	do { } while (0)
#endif

/*
 * A netdev names its devlink port before registration since 6.2; before,
 * ports register late (compat/devlink_ports.c), and devlink's hold on the
 * netdev is dropped by hand, under the lock devlink reads it under.
 */
#ifdef MPNIC_HAVE_SET_NETDEV_DEVLINK_PORT
static inline bool mpnic_devlink_port_add_late(struct mpnic_port *port)
{
	return false;
}

static inline void mpnic_devlink_ports_late(struct mpnic_card *card)
{
}

#define mpnic_devlink_port_forget_netdev(dl_port)	do { } while (0)
#else
bool mpnic_devlink_port_add_late(struct mpnic_port *port);
void mpnic_devlink_ports_late(struct mpnic_card *card);
#define SET_NETDEV_DEVLINK_PORT(dev, dl_port)		do { } while (0)
#define mpnic_devlink_port_forget_netdev(dl_port)	do {	\
	spin_lock_bh(&(dl_port)->type_lock);			\
	(dl_port)->type_eth.netdev = NULL;			\
	spin_unlock_bh(&(dl_port)->type_lock);			\
} while (0)
#endif

/* devlink parameter set callbacks take an extack since 6.10 */
#ifdef MPNIC_HAVE_DEVLINK_PARAM_SET_EXTACK
#define MPNIC_DEVLINK_PARAM_SET(fn)	fn
#define MPNIC_DEVLINK_PARAM_SET_ADAPTER(fn)
#else
#define MPNIC_DEVLINK_PARAM_SET(fn)	fn##_compat
#define MPNIC_DEVLINK_PARAM_SET_ADAPTER(fn)				\
static int fn##_compat(struct devlink *dl, u32 id,			\
		       struct devlink_param_gset_ctx *ctx)		\
{									\
	return fn(dl, id, ctx, NULL);					\
}
#endif

/* bus_type.match takes a const driver since 6.11: the same, for it */
/*
 * TCP-MD5 keys (a socket keeps its key list, empty or not, once it had one)
 * and, since 6.7, TCP-AO keys. Context: socket locked.
 */
#ifdef CONFIG_TCP_MD5SIG
#define mpnic_tcp_md5_keys(sk) ({					\
		const struct sock *sk_ = (sk);				\
		const struct tcp_md5sig_info *md5_ =			\
			rcu_dereference_protected(tcp_sk(sk_)->md5sig_info, \
						  lockdep_sock_is_held(sk_)); \
		md5_ && !hlist_empty(&md5_->head);			\
	})
#else
#define mpnic_tcp_md5_keys(sk)	((void)(sk), false)
#endif
#if defined(MPNIC_HAVE_TCP_AO) && IS_ENABLED(CONFIG_TCP_AO)
#define mpnic_tcp_ao_keys(sk)	(!!rcu_access_pointer(tcp_sk(sk)->ao_info))
#else
#define mpnic_tcp_ao_keys(sk)	((void)(sk), false)
#endif

#include <linux/net.h>

/* proto_ops entries that would reach the host TCP's queues past the swap */
static inline void mpnic_toe_ops_compat(struct proto_ops *ops)
{
	ops->sendmsg_locked = NULL;
	ops->read_skb = NULL;
#ifdef MPNIC_HAVE_PROTO_SENDPAGE
	/* before 6.5 */
	ops->sendpage_locked = NULL;
#endif
}

#ifdef MPNIC_HAVE_BUS_MATCH_CONST
#define MPNIC_BUS_MATCH(fn)	fn
#define MPNIC_BUS_MATCH_ADAPTER(fn)
#else
#define MPNIC_BUS_MATCH(fn)	fn##_compat
#define MPNIC_BUS_MATCH_ADAPTER(fn)					\
static int fn##_compat(struct device *dev, struct device_driver *drv)	\
{									\
	return fn(dev, drv);						\
}
#endif

#ifndef MPNIC_HAVE_ETHTOOL_PUTS
#define ethtool_puts(data, str)	ethtool_sprintf(data, "%s", str)
#endif

/*
 * Generic netlink split ops, each do with its own pre_doit and post_doit,
 * came in 6.2: before, the generated family compiles as these structures,
 * and registration merges each command's halves into a 6.1 family whose
 * pre_doit and post_doit call the command's own.
 */
#ifdef MPNIC_HAVE_GENL_SPLIT_OPS
#define mpnic_genl_register_family(family)	genl_register_family(family)
#else
#include <net/genetlink.h>

struct mpnic_genl_split_ops {
	int (*pre_doit)(const struct mpnic_genl_split_ops *ops,
			struct sk_buff *skb, struct genl_info *info);
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	void (*post_doit)(const struct mpnic_genl_split_ops *ops,
			  struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
};

struct mpnic_genl_family {
	struct genl_family family;	/* what is registered */
	struct genl_ops ops[32];	/* its ops, merged from split_ops */
	char name[GENL_NAMSIZ];
	unsigned int version;
	bool netnsok;
	bool parallel_ops;
	struct module *module;
	const struct mpnic_genl_split_ops *split_ops;
	unsigned int n_split_ops;
};

/* From here on, the generated code and the callers see the above */
#define genl_split_ops	mpnic_genl_split_ops
#define genl_family	mpnic_genl_family
#define genlmsg_put(skb, portid, seq, fam, flags, cmd)			\
	genlmsg_put(skb, portid, seq, &(fam)->family, flags, cmd)
#define genl_unregister_family(fam)	genl_unregister_family(&(fam)->family)

/*
 * The split op of @cmd's do. 6.1's hooks get neither the family nor its
 * op table, so registration records the family here (@set).
 */
static inline const struct mpnic_genl_split_ops *
mpnic_genl_split_do(const struct mpnic_genl_family *set, u8 cmd)
{
	static const struct mpnic_genl_family *family;
	unsigned int i;

	if (set)
		family = set;
	for (i = 0; i < family->n_split_ops; i++)
		if (family->split_ops[i].cmd == cmd &&
		    family->split_ops[i].flags & GENL_CMD_CAP_DO)
			return &family->split_ops[i];
	return NULL;
}

/* 6.1 calls these around every do, with a copy of its merged op */
static inline int mpnic_genl_pre_doit(const struct genl_ops *op,
				      struct sk_buff *skb,
				      struct genl_info *info)
{
	const struct mpnic_genl_split_ops *split;

	split = mpnic_genl_split_do(NULL, op->cmd);
	return split->pre_doit ? split->pre_doit(split, skb, info) : 0;
}

static inline void mpnic_genl_post_doit(const struct genl_ops *op,
					struct sk_buff *skb,
					struct genl_info *info)
{
	const struct mpnic_genl_split_ops *split;

	split = mpnic_genl_split_do(NULL, op->cmd);
	if (split->post_doit)
		split->post_doit(split, skb, info);
}

static inline int mpnic_genl_register_family(struct mpnic_genl_family *f)
{
	struct genl_ops *merged = f->ops;
	unsigned int i, j, n = 0;

	for (i = 0; i < f->n_split_ops; i++) {
		const struct mpnic_genl_split_ops *op = &f->split_ops[i];

		for (j = 0; j < n && merged[j].cmd != op->cmd; j++)
			;
		if (j == n) {
			if (WARN_ON(n == ARRAY_SIZE(f->ops)))
				return -E2BIG;
			merged[n++].cmd = op->cmd;
		}
		merged[j].doit = merged[j].doit ?: op->doit;
		merged[j].dumpit = merged[j].dumpit ?: op->dumpit;
		merged[j].flags |= op->flags;
		/* the spec makes each do's request a superset of its dump's */
		if (op->maxattr > merged[j].maxattr) {
			merged[j].policy = op->policy;
			merged[j].maxattr = op->maxattr;
		}
	}
	mpnic_genl_split_do(f, 0);
	memcpy(f->family.name, f->name, GENL_NAMSIZ);
	f->family.version = f->version;
	f->family.netnsok = f->netnsok;
	f->family.parallel_ops = f->parallel_ops;
	f->family.module = f->module;
	f->family.pre_doit = mpnic_genl_pre_doit;
	f->family.post_doit = mpnic_genl_post_doit;
	f->family.ops = merged;
	f->family.n_ops = n;
	return genl_register_family(&f->family);
}
#endif

/* A dump's parsed request: struct genl_info since 6.7 */
#ifndef MPNIC_HAVE_GENL_INFO_DUMP
#define genl_info_dump(cb)	genl_dumpit_info(cb)
#endif
#ifndef NL_ASSERT_DUMP_CTX_FITS
#define NL_ASSERT_DUMP_CTX_FITS(type_name)				\
	BUILD_BUG_ON(sizeof(type_name) >				\
		     sizeof_field(struct netlink_callback, ctx))
#endif

#endif /* __KERNEL__ */
#endif /* _MPNIC_COMPAT_H */
