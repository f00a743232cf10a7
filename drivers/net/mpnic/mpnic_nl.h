/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/mpnic.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_MPNIC_GEN_H
#define _LINUX_MPNIC_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/mpnic.h>

int mpnic_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		      struct genl_info *info);
int mpnic_nl_pre_doit_rtnl(const struct genl_split_ops *ops,
			   struct sk_buff *skb, struct genl_info *info);
void
mpnic_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		   struct genl_info *info);
void
mpnic_nl_post_doit_rtnl(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);

int mpnic_nl_card_get_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_card_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int mpnic_nl_engine_get_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_engine_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int mpnic_nl_engine_set_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int mpnic_nl_fault_set_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_card_new_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_card_del_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_port_get_doit(struct sk_buff *skb, struct genl_info *info);
int mpnic_nl_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int mpnic_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

extern struct genl_family mpnic_nl_family;

#endif /* _LINUX_MPNIC_GEN_H */
