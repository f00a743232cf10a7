/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows kernel versions. The code is written against the
 * 6.12 API; what an older kernel lacks is filled in here. Kbuild force-includes
 * this file and sets MPNIC_HAVE_* from probes of the target's headers.
 */
#ifndef _MPNIC_COMPAT_H
#define _MPNIC_COMPAT_H

#ifdef __KERNEL__
#include <linux/version.h>

#ifdef MPNIC_HAVE_PP_HELPERS_H
#define MPNIC_PAGE_POOL_H <net/page_pool/helpers.h>
#else
#define MPNIC_PAGE_POOL_H <net/page_pool.h>
#endif

#ifdef MPNIC_HAVE_NET_GSO_H
#define MPNIC_GSO_H <net/gso.h>
#else
/* skb_gso_segment() is in netdevice.h; any header under net/ will do here
 * (a path under linux/ would be macro-expanded: "linux" is predefined)
 */
#define MPNIC_GSO_H <net/checksum.h>
#endif

/*
 * ethtool RSS ops take a struct ethtool_rxfh_param since 6.8; before, the
 * fields were separate arguments. The driver writes the new form;
 * MPNIC_RXFH_GET(fn) names the op to put in ethtool_ops.
 */
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

/* Queues linked to their NAPI in the netdev family (6.8+); nothing before */
#ifdef MPNIC_HAVE_QUEUE_SET_NAPI
#define mpnic_queue_set_napi(dev, idx, napi) do {			\
		netif_queue_set_napi(dev, idx, NETDEV_QUEUE_TYPE_RX, napi);	\
		netif_queue_set_napi(dev, idx, NETDEV_QUEUE_TYPE_TX, napi);	\
	} while (0)
#else
#define mpnic_queue_set_napi(dev, idx, napi) do { } while (0)
#endif

/* devlink dev info: the core names the bound driver since 6.2 */
#ifdef MPNIC_HAVE_DEVLINK_DRIVER_NAME_PUT
#define mpnic_devlink_info_driver_name_put(req)	\
	devlink_info_driver_name_put(req, KBUILD_MODNAME)
#else
#define mpnic_devlink_info_driver_name_put(req)	0
#endif

/* bus_type.match takes a const driver since 6.11 */
#ifdef MPNIC_HAVE_BUS_MATCH_CONST
#define MPNIC_BUS_DRV_CONST const
#else
#define MPNIC_BUS_DRV_CONST
#endif

#ifndef MPNIC_HAVE_ETHTOOL_PUTS
#define ethtool_puts(data, str)	ethtool_sprintf(data, "%s", str)
#endif

#endif /* __KERNEL__ */
#endif /* _MPNIC_COMPAT_H */
