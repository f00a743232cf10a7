// SPDX-License-Identifier: GPL-2.0
/*
 * The mpnic generic netlink family (Documentation/netlink/specs/mpnic.yaml;
 * the policies and the ops table are generated into mpnic_nl.c): cards,
 * their engines with their stack instances' counters, the engines' flow
 * tables and offloaded TCP connections, and fault injection.
 *
 * A card is seen from the namespace that made it (card-new) and from those
 * of its ports (mpnic_card_visible()). Handlers hold mpnic_cards_lock
 * while they look at a card, so it cannot be torn down under them;
 * engine-set, card-del and port-get take RTNL before it, as ip link add
 * does. The do handlers get their card, and its engine or port, from the
 * spec's pre_doit hooks, which take the locks and look them up; post_doit
 * drops the locks.
 */

#include <linux/cpumask.h>
#include <linux/timekeeping.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "mpnic.h"
#include "mpnic_nl.h"

/* A dump's place: card, engine (or port), then flow bucket, chain position */
struct mpnic_nl_dump_ctx {
	u32 card;
	u32 engine;			/* the port, in a port dump */
	u32 bucket;
	u32 pos;
};

static struct mpnic_nl_dump_ctx *mpnic_nl_dump_ctx(struct netlink_callback *cb)
{
	NL_ASSERT_DUMP_CTX_FITS(struct mpnic_nl_dump_ctx);
	return (struct mpnic_nl_dump_ctx *)cb->ctx;
}

/*
 * Where the fill helpers put a message: a do's reply to its sender, or the
 * next part of a dump; @net is the namespace whose view it gives.
 */
struct mpnic_nl_msg {
	struct sk_buff *skb;
	const struct net *net;
	u32 portid;
	u32 seq;
	int flags;
};

/* A do's reply; allocated before the fill, which may be under a lock */
static int mpnic_nl_reply_new(struct mpnic_nl_msg *msg, struct genl_info *info)
{
	*msg = (struct mpnic_nl_msg){
		.skb	= genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL),
		.net	= genl_info_net(info),
		.portid	= info->snd_portid,
		.seq	= info->snd_seq,
	};
	return msg->skb ? 0 : -ENOMEM;
}

/* A do's end: send the reply, or drop it on @err */
static int mpnic_nl_reply(struct mpnic_nl_msg *msg, struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(msg->skb);
		return err;
	}
	return genlmsg_reply(msg->skb, info);
}

/* Begin a message of @cmd; each names its card first, in @card_attr */
static void *mpnic_nl_msg_begin(const struct mpnic_nl_msg *msg, u8 cmd,
				u32 card_attr, const struct mpnic_card *card)
{
	void *hdr;

	hdr = genlmsg_put(msg->skb, msg->portid, msg->seq, &mpnic_nl_family,
			  msg->flags, cmd);
	if (hdr && nla_put_u32(msg->skb, card_attr, card->id)) {
		genlmsg_cancel(msg->skb, hdr);
		return NULL;
	}
	return hdr;
}

/* A message whose attributes did not fit: out of the skb again */
static int mpnic_nl_msg_cancel(const struct mpnic_nl_msg *msg, void *hdr)
{
	genlmsg_cancel(msg->skb, hdr);
	return -EMSGSIZE;
}

/* The card named by @attr, in @net. Context: mpnic_cards_lock held. */
static struct mpnic_card *mpnic_nl_card_get(struct genl_info *info, u32 attr)
{
	struct mpnic_card *card;

	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	card = mpnic_card_find(nla_get_u32(info->attrs[attr]));
	if (!card || !mpnic_card_visible(card, genl_info_net(info))) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "No such card");
		return ERR_PTR(-ENODEV);
	}
	return card;
}

/* The engine, or the port (@port), of @card that @attr indexes */
static void *mpnic_nl_unit_get(struct genl_info *info, struct mpnic_card *card,
			       u32 attr, bool port)
{
	u32 i;

	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	i = nla_get_u32(info->attrs[attr]);
	if (!port && i < card->num_engines)
		return card->engines[i];
	if (port && i < MPNIC_MAX_PORTS && card->ports[i])
		return card->ports[i];
	if (port)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "No such port on the card");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "No such engine on the card");
	return ERR_PTR(-ENOENT);
}

/* A card's port in @net, if it has one there */
static struct mpnic_port *mpnic_nl_card_port_in(const struct mpnic_card *card,
						const struct net *net)
{
	u32 i;

	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		if (card->ports[i] &&
		    net_eq(dev_net(card->ports[i]->netdev), net))
			return card->ports[i];
	return NULL;
}

static int mpnic_nl_card_fill(const struct mpnic_nl_msg *msg,
			      const struct mpnic_card *card)
{
	struct mpnic_port *port = mpnic_nl_card_port_in(card, msg->net);
	struct sk_buff *skb = msg->skb;
	u32 i, nports = 0;
	void *hdr;

	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		nports += !!card->ports[i];
	hdr = mpnic_nl_msg_begin(msg, MPNIC_CMD_CARD_GET, MPNIC_A_CARD_ID, card);
	if (!hdr)
		return -EMSGSIZE;
	if ((port && nla_put_u32(skb, MPNIC_A_CARD_IFINDEX,
				 port->netdev->ifindex)) ||
	    nla_put_u32(skb, MPNIC_A_CARD_ENGINES, card->num_engines) ||
	    nla_put_u64_64bit(skb, MPNIC_A_CARD_MEM_SIZE, card->mem_size, 0) ||
	    nla_put_u32(skb, MPNIC_A_CARD_SERIAL, card->serial) ||
	    nla_put_u32(skb, MPNIC_A_CARD_PORTS, nports))
		return mpnic_nl_msg_cancel(msg, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

#define MPNIC_NL_TOE(attr, field) \
	{ MPNIC_A_ENGINE_##attr, offsetof(struct mpnic_engine_stats, field) }

/* An engine's TCP offload counters, attribute by counter */
static const struct {
	u16 attr;
	u16 off;
} mpnic_nl_engine_toe[] = {
	MPNIC_NL_TOE(TOE_CONNS_ATTACHED, toe_conns_attached),
	MPNIC_NL_TOE(TOE_CONNS_CLOSED, toe_conns_closed),
	MPNIC_NL_TOE(TOE_CONNS_ABORTED, toe_conns_aborted),
	MPNIC_NL_TOE(TOE_SEGS_IN, toe_segs_in),
	MPNIC_NL_TOE(TOE_SEGS_OUT, toe_segs_out),
	MPNIC_NL_TOE(TOE_BYTES_TO_HOST, toe_bytes_to_host),
	MPNIC_NL_TOE(TOE_BYTES_FROM_HOST, toe_bytes_from_host),
	MPNIC_NL_TOE(TOE_RETRANS_SEGS, toe_retrans_segs),
	MPNIC_NL_TOE(TOE_RTO_EXPIRIES, toe_rto_expiries),
	MPNIC_NL_TOE(TOE_FAST_RETRANS, toe_fast_retrans),
	MPNIC_NL_TOE(TOE_OOO_SEGS, toe_ooo_segs),
	MPNIC_NL_TOE(TOE_DUPACKS_IN, toe_dupacks_in),
	MPNIC_NL_TOE(TOE_DUPACKS_OUT, toe_dupacks_out),
	MPNIC_NL_TOE(TOE_CHALLENGE_ACKS, toe_challenge_acks),
	MPNIC_NL_TOE(TOE_ZERO_WINDOW_PROBES, toe_zero_window_probes),
	MPNIC_NL_TOE(TOE_KEEPALIVE_PROBES, toe_keepalive_probes),
	MPNIC_NL_TOE(TOE_RST_IN, toe_rst_in),
	MPNIC_NL_TOE(TOE_RST_OUT, toe_rst_out),
	MPNIC_NL_TOE(TOE_TIME_WAIT, toe_time_wait),
};

/* Segments taken for offloaded connections and dropped, every cause */
static u64 mpnic_nl_engine_toe_drops(const struct mpnic_engine_stats *es)
{
	const u64 *v = &es->toe_drop_closed;
	u64 drops = es->toe_drop_csum + es->toe_drop_malformed;

	while (v <= &es->toe_drop_after_fin)
		drops += *v++;
	return drops;
}

static int mpnic_nl_engine_toe_fill(struct sk_buff *skb, const struct mpnic_engine *eng,
				    const struct mpnic_engine_stats *es)
{
	u32 i;

	if (nla_put_u32(skb, MPNIC_A_ENGINE_TOE_CONNS, READ_ONCE(eng->toe.entries)) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_TOE_DROPS, mpnic_nl_engine_toe_drops(es), 0))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(mpnic_nl_engine_toe); i++) {
		const u64 *v = (const u64 *)((const u8 *)es + mpnic_nl_engine_toe[i].off);

		if (nla_put_u64_64bit(skb, mpnic_nl_engine_toe[i].attr, *v, 0))
			return -EMSGSIZE;
	}
	return 0;
}

static int mpnic_nl_engine_fill(const struct mpnic_nl_msg *msg,
				const struct mpnic_engine *eng)
{
	struct sk_buff *skb = msg->skb;
	struct mpnic_engine_stats es;
	void *hdr;

	mpnic_engine_get_stats(eng, &es);
	hdr = mpnic_nl_msg_begin(msg, MPNIC_CMD_ENGINE_GET, MPNIC_A_ENGINE_CARD_ID,
				 eng->card);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MPNIC_A_ENGINE_ID, eng->id) ||
	    nla_put_u32(skb, MPNIC_A_ENGINE_CPU, READ_ONCE(eng->cpu)) ||
	    nla_put_u32(skb, MPNIC_A_ENGINE_PROFILE, READ_ONCE(eng->profile)) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_RX_FRAMES, es.rx_frames, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_RX_DELIVERED,
			      es.rx_delivered, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_RX_PASSTHROUGH,
			      es.rx_passthrough, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_TX_FRAMES, es.tx_frames, 0) ||
	    nla_put_u32(skb, MPNIC_A_ENGINE_FLOWS_ACTIVE, es.flows_active) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_FLOWS_CREATED,
			      es.flows_created, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_ENGINE_RESTARTS, es.restarts, 0) ||
	    nla_put_u8(skb, MPNIC_A_ENGINE_STALLED,
		       READ_ONCE(eng->fault_stall)) ||
	    mpnic_nl_engine_toe_fill(skb, eng, &es))
		return mpnic_nl_msg_cancel(msg, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

static_assert((int)MPNIC_FLOW_STATE_CLOSED == (int)MPNIC_TCP_CLOSED);
static_assert((int)MPNIC_FLOW_STATE_ESTABLISHED == (int)MPNIC_TCP_ESTABLISHED);

/* One flow; the caller holds the engine's flows_lock */
static int mpnic_nl_flow_fill(const struct mpnic_nl_msg *msg,
			      const struct mpnic_engine *eng, u32 idx, u32 now)
{
	const struct mpnic_flow_entry *fe = &eng->flows.entries[idx];
	const struct mpnic_flow_key *k = &fe->key;
	int alen = k->l3 == 4 ? 4 : 16;
	struct sk_buff *skb = msg->skb;
	void *hdr;

	hdr = mpnic_nl_msg_begin(msg, MPNIC_CMD_FLOW_GET, MPNIC_A_FLOW_CARD_ID,
				 eng->card);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MPNIC_A_FLOW_ENGINE_ID, eng->id) ||
	    nla_put_u32(skb, MPNIC_A_FLOW_INDEX, idx) ||
	    nla_put_u8(skb, MPNIC_A_FLOW_FAMILY,
		       k->l3 == 4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, MPNIC_A_FLOW_PROTO, k->proto) ||
	    nla_put(skb, MPNIC_A_FLOW_REMOTE_ADDR, alen, k->saddr) ||
	    nla_put(skb, MPNIC_A_FLOW_LOCAL_ADDR, alen, k->daddr) ||
	    nla_put_be16(skb, MPNIC_A_FLOW_REMOTE_PORT, k->sport) ||
	    nla_put_be16(skb, MPNIC_A_FLOW_LOCAL_PORT, k->dport) ||
	    nla_put_u32(skb, MPNIC_A_FLOW_STATE, fe->state) ||
	    nla_put_u64_64bit(skb, MPNIC_A_FLOW_IN_PACKETS,
			      fe->pkts[MPNIC_DIR_IN], 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_FLOW_IN_BYTES,
			      fe->bytes[MPNIC_DIR_IN], 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_FLOW_OUT_PACKETS,
			      fe->pkts[MPNIC_DIR_OUT], 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_FLOW_OUT_BYTES,
			      fe->bytes[MPNIC_DIR_OUT], 0) ||
	    nla_put_u32(skb, MPNIC_A_FLOW_IDLE, now - fe->last_seen) ||
	    nla_put_u32(skb, MPNIC_A_FLOW_PORT, k->port))
		return mpnic_nl_msg_cancel(msg, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The attributes that name a do's card and the engine or port on it (the
 * unit), by command
 */
static const struct {
	u32 card;
	u32 unit;
	bool port;
} mpnic_nl_do_ids[MPNIC_CMD_MAX + 1] = {
	[MPNIC_CMD_CARD_GET]	= { MPNIC_A_CARD_ID },
	[MPNIC_CMD_CARD_DEL]	= { MPNIC_A_CARD_ID },
	[MPNIC_CMD_PORT_GET]	= { MPNIC_A_PORT_CARD_ID, MPNIC_A_PORT_INDEX, true },
	[MPNIC_CMD_ENGINE_GET]	= { MPNIC_A_ENGINE_CARD_ID, MPNIC_A_ENGINE_ID },
	[MPNIC_CMD_ENGINE_SET]	= { MPNIC_A_ENGINE_CARD_ID, MPNIC_A_ENGINE_ID },
	[MPNIC_CMD_FLOW_GET]	= { MPNIC_A_FLOW_CARD_ID,
				    MPNIC_A_FLOW_ENGINE_ID },
	[MPNIC_CMD_FAULT_SET]	= { MPNIC_A_FAULT_CARD_ID,
				    MPNIC_A_FAULT_ENGINE_ID },
};

/*
 * Take mpnic_cards_lock and find the do's card, and its engine or port if
 * the command names one, for the handler: info->user_ptr[0] is the card,
 * [1] the engine or port. The lock stays held until post_doit, unless the
 * lookup fails.
 */
int mpnic_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		      struct genl_info *info)
{
	u32 unit_attr = mpnic_nl_do_ids[ops->cmd].unit;
	struct mpnic_card *card;
	void *unit = NULL;
	int err;

	mutex_lock(&mpnic_cards_lock);
	card = mpnic_nl_card_get(info, mpnic_nl_do_ids[ops->cmd].card);
	if (IS_ERR(card)) {
		err = PTR_ERR(card);
		goto err_unlock;
	}
	if (unit_attr)
		unit = mpnic_nl_unit_get(info, card, unit_attr,
					 mpnic_nl_do_ids[ops->cmd].port);
	if (IS_ERR(unit)) {
		err = PTR_ERR(unit);
		goto err_unlock;
	}
	info->user_ptr[0] = card;
	info->user_ptr[1] = unit;
	return 0;

err_unlock:
	mutex_unlock(&mpnic_cards_lock);
	return err;
}

/* RTNL comes before mpnic_cards_lock */
int mpnic_nl_pre_doit_rtnl(const struct genl_split_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	int err;

	rtnl_lock();
	err = mpnic_nl_pre_doit(ops, skb, info);
	if (err)
		rtnl_unlock();
	return err;
}

void mpnic_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	mutex_unlock(&mpnic_cards_lock);
}

void mpnic_nl_post_doit_rtnl(const struct genl_split_ops *ops,
			     struct sk_buff *skb, struct genl_info *info)
{
	mutex_unlock(&mpnic_cards_lock);
	rtnl_unlock();
}

/* One card's part of a dump, from the dump's place in it */
typedef int (*mpnic_nl_card_dump_t)(const struct mpnic_nl_msg *msg,
				    struct netlink_callback *cb,
				    struct mpnic_card *card);

static void mpnic_nl_dump_ctx_restart(struct mpnic_nl_dump_ctx *ctx)
{
	ctx->engine = 0;
	ctx->bucket = 0;
	ctx->pos = 0;
}

/*
 * The walk every dump shares: the cards @skb's namespace sees (only the
 * card attribute @only_attr names, if the request has it), from the
 * dump's place on, under mpnic_cards_lock. Returns what a dumpit returns.
 */
static int mpnic_nl_dump_cards(struct sk_buff *skb, struct netlink_callback *cb,
			       u32 only_attr, mpnic_nl_card_dump_t dump)
{
	const struct nlattr *only = only_attr ? genl_info_dump(cb)->attrs[only_attr] : NULL;
	struct mpnic_nl_dump_ctx *ctx = mpnic_nl_dump_ctx(cb);
	struct net *net = sock_net(skb->sk);
	const struct mpnic_nl_msg msg = {
		.skb	= skb,
		.net	= net,
		.portid	= NETLINK_CB(cb->skb).portid,
		.seq	= cb->nlh->nlmsg_seq,
		.flags	= NLM_F_MULTI,
	};
	struct mpnic_card *card;
	int err = 0;

	mutex_lock(&mpnic_cards_lock);
	list_for_each_entry(card, &mpnic_cards, list) {
		if (card->id < ctx->card || !mpnic_card_visible(card, net) ||
		    (only && card->id != nla_get_u32(only)))
			continue;
		if (card->id != ctx->card)
			mpnic_nl_dump_ctx_restart(ctx);
		ctx->card = card->id;
		err = dump(&msg, cb, card);
		if (err)
			break;
		ctx->card = card->id + 1;
		mpnic_nl_dump_ctx_restart(ctx);
	}
	mutex_unlock(&mpnic_cards_lock);
	return err == -EMSGSIZE && skb->len ? skb->len : err;
}

static int mpnic_nl_card_dump(const struct mpnic_nl_msg *msg,
			      struct netlink_callback *cb, struct mpnic_card *card)
{
	return mpnic_nl_card_fill(msg, card);
}

int mpnic_nl_card_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mpnic_nl_dump_cards(skb, cb, 0, mpnic_nl_card_dump);
}

int mpnic_nl_card_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_nl_msg msg;

	return mpnic_nl_reply_new(&msg, info) ?:
	       mpnic_nl_reply(&msg, info, mpnic_nl_card_fill(&msg, info->user_ptr[0]));
}

static int mpnic_nl_engine_dump(const struct mpnic_nl_msg *msg,
				struct netlink_callback *cb, struct mpnic_card *card)
{
	struct mpnic_nl_dump_ctx *ctx = mpnic_nl_dump_ctx(cb);
	int err;

	for (; ctx->engine < card->num_engines; ctx->engine++) {
		err = mpnic_nl_engine_fill(msg, card->engines[ctx->engine]);
		if (err)
			return err;
	}
	return 0;
}

int mpnic_nl_engine_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mpnic_nl_dump_cards(skb, cb, MPNIC_A_ENGINE_CARD_ID, mpnic_nl_engine_dump);
}

int mpnic_nl_engine_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_nl_msg msg;

	return mpnic_nl_reply_new(&msg, info) ?:
	       mpnic_nl_reply(&msg, info, mpnic_nl_engine_fill(&msg, info->user_ptr[1]));
}

int mpnic_nl_engine_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *cpu = info->attrs[MPNIC_A_ENGINE_CPU];
	struct nlattr *profile = info->attrs[MPNIC_A_ENGINE_PROFILE];
	struct mpnic_engine *eng = info->user_ptr[1];
	int err;
	u32 i;

	if (!cpu && !profile) {
		NL_SET_ERR_MSG(info->extack,
			       "Nothing to set: give a cpu or a profile");
		return -EINVAL;
	}
	/* RTNL (pre_doit) for the port's CPU-to-queue map (aRFS) */
	if (cpu) {
		err = mpnic_engine_set_cpu(eng, nla_get_u32(cpu), info->extack);
		if (err) {
			NL_SET_BAD_ATTR(info->extack, cpu);
			return err;
		}
		for (i = 0; i < MPNIC_MAX_PORTS; i++)
			if (eng->card->ports[i])
				mpnic_arfs_rmap_update(eng->card->ports[i]);
	}
	/* The policy bounds it; the kthread reads it once per frame */
	if (profile)
		WRITE_ONCE(eng->profile, nla_get_u32(profile));
	return 0;
}

/* Whether entry @idx of @tbl holds a flow: it is on its bucket's chain */
static bool mpnic_nl_flow_live(const struct mpnic_flow_table *tbl, u32 idx)
{
	u32 b, i;

	for (b = 0; b <= tbl->mask; b++)
		for (i = tbl->buckets[b]; i; i = tbl->entries[i - 1].next)
			if (i - 1 == idx)
				return true;
	return false;
}

int mpnic_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_engine *eng = info->user_ptr[1];
	struct mpnic_nl_msg msg;
	u32 idx;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MPNIC_A_FLOW_INDEX))
		return -EINVAL;
	idx = nla_get_u32(info->attrs[MPNIC_A_FLOW_INDEX]);
	err = mpnic_nl_reply_new(&msg, info);
	if (err)
		return err;
	spin_lock(&eng->flows_lock);
	if (idx < eng->flows.max && mpnic_nl_flow_live(&eng->flows, idx)) {
		err = mpnic_nl_flow_fill(&msg, eng, idx, (u32)ktime_get_seconds());
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MPNIC_A_FLOW_INDEX],
				    "No flow in that slot");
		err = -ENOENT;
	}
	spin_unlock(&eng->flows_lock);
	return mpnic_nl_reply(&msg, info, err);
}

/* Dump one engine's flows from ctx->bucket/ctx->pos on. */
static int mpnic_nl_flow_dump_engine(const struct mpnic_nl_msg *msg,
				     struct mpnic_engine *eng,
				     struct mpnic_nl_dump_ctx *ctx)
{
	const struct mpnic_flow_table *tbl = &eng->flows;
	u32 now = (u32)ktime_get_seconds();
	int err = 0;

	spin_lock(&eng->flows_lock);
	for (; ctx->bucket <= tbl->mask; ctx->bucket++, ctx->pos = 0) {
		u32 i, pos = 0;

		for (i = tbl->buckets[ctx->bucket]; i;
		     i = tbl->entries[i - 1].next, pos++) {
			if (pos < ctx->pos)
				continue;
			err = mpnic_nl_flow_fill(msg, eng, i - 1, now);
			if (err)
				goto out_unlock;
			ctx->pos = pos + 1;
		}
	}
out_unlock:
	spin_unlock(&eng->flows_lock);
	return err;
}

typedef int (*mpnic_nl_engine_dump_t)(const struct mpnic_nl_msg *msg,
				      struct mpnic_engine *eng,
				      struct mpnic_nl_dump_ctx *ctx);

/*
 * A table of each engine of @card (of the one @eng_attr names, if the
 * request has it), from the dump's place on
 */
static int mpnic_nl_dump_engines(const struct mpnic_nl_msg *msg,
				 struct netlink_callback *cb, struct mpnic_card *card,
				 u32 eng_attr, mpnic_nl_engine_dump_t dump)
{
	struct nlattr *only = genl_info_dump(cb)->attrs[eng_attr];
	struct mpnic_nl_dump_ctx *ctx = mpnic_nl_dump_ctx(cb);
	int err;

	for (; ctx->engine < card->num_engines; ctx->engine++) {
		if (only && ctx->engine != nla_get_u32(only))
			continue;
		err = dump(msg, card->engines[ctx->engine], ctx);
		if (err)
			return err;
		ctx->bucket = 0;
		ctx->pos = 0;
	}
	return 0;
}

static int mpnic_nl_flow_dump(const struct mpnic_nl_msg *msg,
			      struct netlink_callback *cb, struct mpnic_card *card)
{
	return mpnic_nl_dump_engines(msg, cb, card, MPNIC_A_FLOW_ENGINE_ID,
				     mpnic_nl_flow_dump_engine);
}

int mpnic_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mpnic_nl_dump_cards(skb, cb, MPNIC_A_FLOW_CARD_ID, mpnic_nl_flow_dump);
}

static_assert((int)MPNIC_CONN_STATE_ESTABLISHED == (int)MPNIC_TCB_ESTABLISHED);
static_assert((int)MPNIC_CONN_STATE_TIME_WAIT == (int)MPNIC_TCB_TIME_WAIT);
static_assert((int)MPNIC_CONN_STATE_CLOSED == (int)MPNIC_TCB_CLOSED);

/* Where a conn-get dump's fill puts an engine's connections */
struct mpnic_nl_conn_arg {
	const struct mpnic_nl_msg *msg;
	struct mpnic_engine *eng;
};

/* One offloaded connection: mpnic_toe_walk()'s callback */
static int mpnic_nl_conn_fill(void *arg, const struct mpnic_toe_conn_info *ci)
{
	const struct mpnic_nl_conn_arg *a = arg;
	const struct mpnic_toe_view *v = &ci->view;
	const struct mpnic_flow_key *k = &ci->key;
	int alen = k->l3 == 4 ? 4 : 16;
	struct sk_buff *skb = a->msg->skb;
	void *hdr;

	hdr = mpnic_nl_msg_begin(a->msg, MPNIC_CMD_CONN_GET, MPNIC_A_CONN_CARD_ID,
				 a->eng->card);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MPNIC_A_CONN_ENGINE_ID, a->eng->id) ||
	    nla_put_u32(skb, MPNIC_A_CONN_PORT, k->port) ||
	    nla_put_u8(skb, MPNIC_A_CONN_FAMILY, k->l3 == 4 ? AF_INET : AF_INET6) ||
	    nla_put(skb, MPNIC_A_CONN_REMOTE_ADDR, alen, k->saddr) ||
	    nla_put(skb, MPNIC_A_CONN_LOCAL_ADDR, alen, k->daddr) ||
	    nla_put_be16(skb, MPNIC_A_CONN_REMOTE_PORT, k->sport) ||
	    nla_put_be16(skb, MPNIC_A_CONN_LOCAL_PORT, k->dport) ||
	    nla_put_u32(skb, MPNIC_A_CONN_STATE, v->info.state) ||
	    nla_put_u32(skb, MPNIC_A_CONN_SND_UNA, v->snd_una) ||
	    nla_put_u32(skb, MPNIC_A_CONN_SND_NXT, v->snd_nxt) ||
	    nla_put_u32(skb, MPNIC_A_CONN_RCV_NXT, v->rcv_nxt) ||
	    nla_put_u32(skb, MPNIC_A_CONN_SND_WND, v->snd_wnd) ||
	    nla_put_u32(skb, MPNIC_A_CONN_RCV_WND, v->rcv_wnd) ||
	    nla_put_u32(skb, MPNIC_A_CONN_CWND, v->info.cwnd) ||
	    nla_put_u32(skb, MPNIC_A_CONN_SSTHRESH, v->info.ssthresh) ||
	    nla_put_u32(skb, MPNIC_A_CONN_SRTT_US, v->info.srtt_us) ||
	    nla_put_u32(skb, MPNIC_A_CONN_RTO_US, v->info.rto_us) ||
	    nla_put_u64_64bit(skb, MPNIC_A_CONN_BYTES_ACKED, v->info.bytes_acked, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_CONN_BYTES_RECEIVED, v->info.bytes_received, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_CONN_BYTES_SENT, v->bytes_sent, 0) ||
	    nla_put_u64_64bit(skb, MPNIC_A_CONN_RETRANS, v->retrans_segs, 0))
		return mpnic_nl_msg_cancel(a->msg, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

static int mpnic_nl_conn_dump_engine(const struct mpnic_nl_msg *msg,
				     struct mpnic_engine *eng,
				     struct mpnic_nl_dump_ctx *ctx)
{
	struct mpnic_nl_conn_arg arg = { .msg = msg, .eng = eng };

	return mpnic_toe_walk(eng, &ctx->bucket, &ctx->pos, mpnic_nl_conn_fill, &arg);
}

static int mpnic_nl_conn_dump(const struct mpnic_nl_msg *msg,
			      struct netlink_callback *cb, struct mpnic_card *card)
{
	return mpnic_nl_dump_engines(msg, cb, card, MPNIC_A_CONN_ENGINE_ID,
				     mpnic_nl_conn_dump_engine);
}

int mpnic_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mpnic_nl_dump_cards(skb, cb, MPNIC_A_CONN_CARD_ID, mpnic_nl_conn_dump);
}

int mpnic_nl_fault_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_engine *eng = info->user_ptr[1];
	u32 type;
	bool on;

	if (GENL_REQ_ATTR_CHECK(info, MPNIC_A_FAULT_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, MPNIC_A_FAULT_ACTIVE))
		return -EINVAL;
	type = nla_get_u32(info->attrs[MPNIC_A_FAULT_TYPE]);
	on = nla_get_u8(info->attrs[MPNIC_A_FAULT_ACTIVE]);
	/* The policy lets only the enum's values through */
	WRITE_ONCE(*mpnic_engine_fault(eng, type), on);
	/* The kthread undoes what a fault left at its next pass */
	if (!on)
		wake_up_process(eng->task);
	return 0;
}

int mpnic_nl_card_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *mem_attr = info->attrs[MPNIC_A_CARD_MEM_SIZE];
	struct nlattr *cpus_attr = info->attrs[MPNIC_A_CARD_CPUS];
	u64 mem = MPNIC_CARD_MEM_DEFAULT;
	struct mpnic_card *card;
	struct mpnic_nl_msg msg;
	cpumask_var_t cpus;	/* an array, not a pointer, without OFFSTACK */
	u32 engines = 0;
	int err;

	if (info->attrs[MPNIC_A_CARD_ENGINES])
		engines = nla_get_u32(info->attrs[MPNIC_A_CARD_ENGINES]);
	if (mem_attr) {
		mem = nla_get_u64(mem_attr);
		if (mem < MPNIC_CARD_MEM_MIN || mem > MPNIC_CARD_MEM_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, mem_attr,
					    "Card memory must be 1 MiB to 4 GiB");
			return -ERANGE;
		}
	}
	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	if (cpus_attr && (cpulist_parse(nla_data(cpus_attr), cpus) ||
			  cpumask_empty(cpus))) {
		NL_SET_ERR_MSG_ATTR(info->extack, cpus_attr,
				    "Not a list of CPUs this machine has");
		err = -EINVAL;
		goto out_free_cpus;
	}
	err = mpnic_nl_reply_new(&msg, info);
	if (err)
		goto out_free_cpus;
	card = mpnic_card_create(engines, mem, cpus_attr ? cpus : NULL,
				 genl_info_net(info), info->extack);
	if (IS_ERR(card)) {
		err = PTR_ERR(card);
		nlmsg_free(msg.skb);
		goto out_free_cpus;
	}
	mutex_lock(&mpnic_cards_lock);
	err = mpnic_nl_card_fill(&msg, card);
	mutex_unlock(&mpnic_cards_lock);
	err = mpnic_nl_reply(&msg, info, err);
out_free_cpus:
	free_cpumask_var(cpus);
	return err;
}

int mpnic_nl_card_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_card *card = info->user_ptr[0];

	if (!card->net || card->deleting) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MPNIC_A_CARD_ID],
				    "The card goes with its last port (ip link del)");
		return -EOPNOTSUPP;
	}
	/* A host that only has a port of it may not take the others' away */
	if (!net_eq(card->net, genl_info_net(info))) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MPNIC_A_CARD_ID],
				    "Only the namespace that made the card deletes it");
		return -EPERM;
	}
	card->deleting = true;
	/*
	 * Under RTNL (pre_doit), for the ports' unregistration; they take
	 * mpnic_cards_lock as they go, and post_doit drops it again
	 */
	mutex_unlock(&mpnic_cards_lock);
	mpnic_card_del(card);
	mutex_lock(&mpnic_cards_lock);
	return 0;
}

static int mpnic_nl_port_fill(const struct mpnic_nl_msg *msg,
			      const struct mpnic_port *port)
{
	const struct net_device *dev = port->netdev;
	void *hdr;

	hdr = mpnic_nl_msg_begin(msg, MPNIC_CMD_PORT_GET, MPNIC_A_PORT_CARD_ID,
				 port->card);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg->skb, MPNIC_A_PORT_INDEX, port->idx))
		return mpnic_nl_msg_cancel(msg, hdr);
	/* A port in another namespace has no index nor name here */
	if (net_eq(dev_net(dev), msg->net) &&
	    (nla_put_u32(msg->skb, MPNIC_A_PORT_IFINDEX, dev->ifindex) ||
	     nla_put_string(msg->skb, MPNIC_A_PORT_IFNAME, dev->name)))
		return mpnic_nl_msg_cancel(msg, hdr);
	genlmsg_end(msg->skb, hdr);
	return 0;
}

static int mpnic_nl_port_dump(const struct mpnic_nl_msg *msg,
			      struct netlink_callback *cb, struct mpnic_card *card)
{
	struct mpnic_nl_dump_ctx *ctx = mpnic_nl_dump_ctx(cb);
	int err;

	for (; ctx->engine < MPNIC_MAX_PORTS; ctx->engine++) {
		struct mpnic_port *port = card->ports[ctx->engine];

		if (!port)
			continue;
		err = mpnic_nl_port_fill(msg, port);
		if (err)
			return err;
	}
	return 0;
}

/* The ports' netdevs are read under RTNL, as for port-get */
int mpnic_nl_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	int err;

	rtnl_lock();
	err = mpnic_nl_dump_cards(skb, cb, MPNIC_A_PORT_CARD_ID, mpnic_nl_port_dump);
	rtnl_unlock();
	return err;
}

/* RTNL (pre_doit) keeps the interface names steady while copied */
int mpnic_nl_port_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpnic_nl_msg msg;

	return mpnic_nl_reply_new(&msg, info) ?:
	       mpnic_nl_reply(&msg, info, mpnic_nl_port_fill(&msg, info->user_ptr[1]));
}

int mpnic_nl_init(void)
{
	return mpnic_genl_register_family(&mpnic_nl_family);
}

void mpnic_nl_exit(void)
{
	genl_unregister_family(&mpnic_nl_family);
}
