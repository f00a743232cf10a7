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

#ifndef MPNIC_HAVE_ETHTOOL_PUTS
#define ethtool_puts(data, str)	ethtool_sprintf(data, "%s", str)
#endif

#endif /* __KERNEL__ */
#endif /* _MPNIC_COMPAT_H */
