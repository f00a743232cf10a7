// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/mpnic.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "mpnic_nl.h"

#include <uapi/linux/mpnic.h>

/* MPNIC_CMD_CARD_GET - do */
static const struct nla_policy mpnic_card_get_nl_policy[MPNIC_A_CARD_ID + 1] = {
	[MPNIC_A_CARD_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_ENGINE_GET - do */
static const struct nla_policy mpnic_engine_get_do_nl_policy[MPNIC_A_ENGINE_ID + 1] = {
	[MPNIC_A_ENGINE_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_ENGINE_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_ENGINE_GET - dump */
static const struct nla_policy mpnic_engine_get_dump_nl_policy[MPNIC_A_ENGINE_CARD_ID + 1] = {
	[MPNIC_A_ENGINE_CARD_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_ENGINE_SET - do */
static const struct nla_policy mpnic_engine_set_nl_policy[MPNIC_A_ENGINE_PROFILE + 1] = {
	[MPNIC_A_ENGINE_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_ENGINE_ID] = { .type = NLA_U32, },
	[MPNIC_A_ENGINE_CPU] = { .type = NLA_U32, },
	[MPNIC_A_ENGINE_PROFILE] = NLA_POLICY_MAX(NLA_U32, 2),
};

/* MPNIC_CMD_FLOW_GET - do */
static const struct nla_policy mpnic_flow_get_do_nl_policy[MPNIC_A_FLOW_INDEX + 1] = {
	[MPNIC_A_FLOW_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_FLOW_ENGINE_ID] = { .type = NLA_U32, },
	[MPNIC_A_FLOW_INDEX] = { .type = NLA_U32, },
};

/* MPNIC_CMD_FLOW_GET - dump */
static const struct nla_policy mpnic_flow_get_dump_nl_policy[MPNIC_A_FLOW_ENGINE_ID + 1] = {
	[MPNIC_A_FLOW_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_FLOW_ENGINE_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_FAULT_SET - do */
static const struct nla_policy mpnic_fault_set_nl_policy[MPNIC_A_FAULT_ACTIVE + 1] = {
	[MPNIC_A_FAULT_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_FAULT_ENGINE_ID] = { .type = NLA_U32, },
	[MPNIC_A_FAULT_TYPE] = NLA_POLICY_MAX(NLA_U32, 4),
	[MPNIC_A_FAULT_ACTIVE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* MPNIC_CMD_CARD_NEW - do */
static const struct nla_policy mpnic_card_new_nl_policy[MPNIC_A_CARD_CPUS + 1] = {
	[MPNIC_A_CARD_ENGINES] = NLA_POLICY_MAX(NLA_U32, 64),
	[MPNIC_A_CARD_MEM_SIZE] = { .type = NLA_U64, },
	[MPNIC_A_CARD_CPUS] = { .type = NLA_NUL_STRING, .len = 256, },
};

/* MPNIC_CMD_CARD_DEL - do */
static const struct nla_policy mpnic_card_del_nl_policy[MPNIC_A_CARD_ID + 1] = {
	[MPNIC_A_CARD_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_PORT_GET - do */
static const struct nla_policy mpnic_port_get_do_nl_policy[MPNIC_A_PORT_INDEX + 1] = {
	[MPNIC_A_PORT_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_PORT_INDEX] = { .type = NLA_U32, },
};

/* MPNIC_CMD_PORT_GET - dump */
static const struct nla_policy mpnic_port_get_dump_nl_policy[MPNIC_A_PORT_CARD_ID + 1] = {
	[MPNIC_A_PORT_CARD_ID] = { .type = NLA_U32, },
};

/* MPNIC_CMD_CONN_GET - dump */
static const struct nla_policy mpnic_conn_get_nl_policy[MPNIC_A_CONN_ENGINE_ID + 1] = {
	[MPNIC_A_CONN_CARD_ID] = { .type = NLA_U32, },
	[MPNIC_A_CONN_ENGINE_ID] = { .type = NLA_U32, },
};

/* Ops table for mpnic */
static const struct genl_split_ops mpnic_nl_ops[] = {
	{
		.cmd		= MPNIC_CMD_CARD_GET,
		.pre_doit	= mpnic_nl_pre_doit,
		.doit		= mpnic_nl_card_get_doit,
		.post_doit	= mpnic_nl_post_doit,
		.policy		= mpnic_card_get_nl_policy,
		.maxattr	= MPNIC_A_CARD_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= MPNIC_CMD_CARD_GET,
		.dumpit	= mpnic_nl_card_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= MPNIC_CMD_ENGINE_GET,
		.pre_doit	= mpnic_nl_pre_doit,
		.doit		= mpnic_nl_engine_get_doit,
		.post_doit	= mpnic_nl_post_doit,
		.policy		= mpnic_engine_get_do_nl_policy,
		.maxattr	= MPNIC_A_ENGINE_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_ENGINE_GET,
		.dumpit		= mpnic_nl_engine_get_dumpit,
		.policy		= mpnic_engine_get_dump_nl_policy,
		.maxattr	= MPNIC_A_ENGINE_CARD_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= MPNIC_CMD_ENGINE_SET,
		.pre_doit	= mpnic_nl_pre_doit_rtnl,
		.doit		= mpnic_nl_engine_set_doit,
		.post_doit	= mpnic_nl_post_doit_rtnl,
		.policy		= mpnic_engine_set_nl_policy,
		.maxattr	= MPNIC_A_ENGINE_PROFILE,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_FLOW_GET,
		.pre_doit	= mpnic_nl_pre_doit,
		.doit		= mpnic_nl_flow_get_doit,
		.post_doit	= mpnic_nl_post_doit,
		.policy		= mpnic_flow_get_do_nl_policy,
		.maxattr	= MPNIC_A_FLOW_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_FLOW_GET,
		.dumpit		= mpnic_nl_flow_get_dumpit,
		.policy		= mpnic_flow_get_dump_nl_policy,
		.maxattr	= MPNIC_A_FLOW_ENGINE_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= MPNIC_CMD_FAULT_SET,
		.pre_doit	= mpnic_nl_pre_doit,
		.doit		= mpnic_nl_fault_set_doit,
		.post_doit	= mpnic_nl_post_doit,
		.policy		= mpnic_fault_set_nl_policy,
		.maxattr	= MPNIC_A_FAULT_ACTIVE,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_CARD_NEW,
		.doit		= mpnic_nl_card_new_doit,
		.policy		= mpnic_card_new_nl_policy,
		.maxattr	= MPNIC_A_CARD_CPUS,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_CARD_DEL,
		.pre_doit	= mpnic_nl_pre_doit_rtnl,
		.doit		= mpnic_nl_card_del_doit,
		.post_doit	= mpnic_nl_post_doit_rtnl,
		.policy		= mpnic_card_del_nl_policy,
		.maxattr	= MPNIC_A_CARD_ID,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_PORT_GET,
		.pre_doit	= mpnic_nl_pre_doit_rtnl,
		.doit		= mpnic_nl_port_get_doit,
		.post_doit	= mpnic_nl_post_doit_rtnl,
		.policy		= mpnic_port_get_do_nl_policy,
		.maxattr	= MPNIC_A_PORT_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MPNIC_CMD_PORT_GET,
		.dumpit		= mpnic_nl_port_get_dumpit,
		.policy		= mpnic_port_get_dump_nl_policy,
		.maxattr	= MPNIC_A_PORT_CARD_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= MPNIC_CMD_CONN_GET,
		.dumpit		= mpnic_nl_conn_get_dumpit,
		.policy		= mpnic_conn_get_nl_policy,
		.maxattr	= MPNIC_A_CONN_ENGINE_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

struct genl_family mpnic_nl_family __ro_after_init = {
	.name		= MPNIC_FAMILY_NAME,
	.version	= MPNIC_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= mpnic_nl_ops,
	.n_split_ops	= ARRAY_SIZE(mpnic_nl_ops),
};
