/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Before 6.5 skb_gso_segment() is declared in netdevice.h; the core code
 * includes net/gso.h, which this stands in for where the kernel lacks it.
 */
#ifndef _MPNIC_COMPAT_NET_GSO_H
#define _MPNIC_COMPAT_NET_GSO_H

#include <linux/netdevice.h>

#endif /* _MPNIC_COMPAT_NET_GSO_H */
