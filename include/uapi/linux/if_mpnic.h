/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * mpnic: the link attributes of its rtnetlink kind (the generic netlink
 * family's constants are in mpnic.h, generated from its YNL spec).
 *
 * Link attributes, for `ip link add NAME type mpnic`:
 *
 * IFLA_MPNIC_ENGINES (u32): NIC processors on the new card; 0 or absent for
 *	one per online CPU.
 * IFLA_MPNIC_CARD_MEM (u32): card memory in MiB, split evenly over the
 *	engines; absent for the module's default.
 * IFLA_MPNIC_CARD (u32): add the port to this existing card instead of
 *	creating a card; not with the two above.
 */
#ifndef _UAPI_LINUX_IF_MPNIC_H
#define _UAPI_LINUX_IF_MPNIC_H

enum {
	IFLA_MPNIC_UNSPEC,
	IFLA_MPNIC_ENGINES,
	IFLA_MPNIC_CARD_MEM,
	IFLA_MPNIC_CARD,
	__IFLA_MPNIC_MAX
};

#define IFLA_MPNIC_MAX (__IFLA_MPNIC_MAX - 1)

#endif /* _UAPI_LINUX_IF_MPNIC_H */
