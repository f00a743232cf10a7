/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Before 6.6 the page pool API is one header; the core code includes the
 * upstream helpers header, which this stands in for. Found only where the
 * kernel lacks it: compat/include comes after the kernel's include paths.
 */
#ifndef _MPNIC_COMPAT_NET_PAGE_POOL_HELPERS_H
#define _MPNIC_COMPAT_NET_PAGE_POOL_HELPERS_H

#include <net/page_pool.h>

#endif /* _MPNIC_COMPAT_NET_PAGE_POOL_HELPERS_H */
