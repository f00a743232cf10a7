// SPDX-License-Identifier: GPL-2.0
/*
 * devlink: one instance per card, its parameters, reload and ports.
 *
 * The instance lock comes before RTNL, and cards come and go under RTNL:
 * the instance is registered, and a gone port's devlink port freed, from
 * mpnic_wq; under RTNL the lock is only tried (mpnic_devlink_port_add()).
 */

#include <linux/delay.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/devlink.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

static struct mpnic_card *mpnic_devlink_card(struct devlink *devlink)
{
	return *(struct mpnic_card **)devlink_priv(devlink);
}

static int mpnic_devlink_info_get(struct devlink *devlink, struct devlink_info_req *req,
				  struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);
	char serial[24];
	int err;

	err = mpnic_devlink_info_driver_name_put(req);
	if (err)
		return err;
	snprintf(serial, sizeof(serial), "MPNIC%08X", card->serial);
	err = devlink_info_serial_number_put(req, serial);
	if (err)
		return err;
	err = devlink_info_version_running_put(req, DEVLINK_INFO_VERSION_GENERIC_FW,
					       MPNIC_FW_VERSION);
	if (err)
		return err;
	return devlink_info_version_running_put(req, "fw.engine", MPNIC_ENGINE_FW_VERSION);
}

enum mpnic_devlink_param_id {
	MPNIC_DEVLINK_PARAM_ID_BASE = DEVLINK_PARAM_GENERIC_ID_MAX,
	MPNIC_DEVLINK_PARAM_ID_ENGINES,
	MPNIC_DEVLINK_PARAM_ID_CARD_MEM_MB,
	MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US,
	MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_ADAPTIVE,
	MPNIC_DEVLINK_PARAM_ID_FLOW_TIMEOUT,
	MPNIC_DEVLINK_PARAM_ID_FLOW_CLOSED_TIMEOUT,
	MPNIC_DEVLINK_PARAM_ID_STALL_TIMEOUT_MS,
	MPNIC_DEVLINK_PARAM_ID_TOE_MAX_CONNS,
	MPNIC_DEVLINK_PARAM_ID_TOE_SNDBUF_KB,
	MPNIC_DEVLINK_PARAM_ID_TOE_RCVBUF_KB,
	MPNIC_DEVLINK_PARAM_ID_TOE_MEM_MB,
};

/* An engine may spin at most this long: 10 ms, two jiffies at HZ=250 */
#define MPNIC_BUSY_POLL_MAX_US	10000

#define MPNIC_DEVLINK_RANGE(id, lo, hi) \
	[MPNIC_DEVLINK_PARAM_ID_##id - MPNIC_DEVLINK_PARAM_ID_ENGINES] = { lo, hi }

static const struct mpnic_devlink_range {
	u32 min, max;
} mpnic_devlink_ranges[] = {
	MPNIC_DEVLINK_RANGE(ENGINES, 1, MPNIC_MAX_ENGINES),
	MPNIC_DEVLINK_RANGE(CARD_MEM_MB, MPNIC_CARD_MEM_MIN >> 20, MPNIC_CARD_MEM_MAX >> 20),
	MPNIC_DEVLINK_RANGE(BUSY_POLL_US, 0, MPNIC_BUSY_POLL_MAX_US),
	MPNIC_DEVLINK_RANGE(FLOW_TIMEOUT, MPNIC_FLOW_TIMEOUT_MIN, MPNIC_FLOW_TIMEOUT_MAX),
	MPNIC_DEVLINK_RANGE(FLOW_CLOSED_TIMEOUT, MPNIC_FLOW_TIMEOUT_MIN, MPNIC_FLOW_TIMEOUT_MAX),
	MPNIC_DEVLINK_RANGE(STALL_TIMEOUT_MS, MPNIC_STALL_TIMEOUT_MIN, MPNIC_STALL_TIMEOUT_MAX),
	/* 0: the card's engines take no TCP connection */
	MPNIC_DEVLINK_RANGE(TOE_MAX_CONNS, 0, MPNIC_TOE_CONNS_MAX),
	MPNIC_DEVLINK_RANGE(TOE_SNDBUF_KB, MPNIC_TOE_BUF_KB_MIN, MPNIC_TOE_BUF_KB_MAX),
	MPNIC_DEVLINK_RANGE(TOE_RCVBUF_KB, MPNIC_TOE_BUF_KB_MIN, MPNIC_TOE_BUF_KB_MAX),
	MPNIC_DEVLINK_RANGE(TOE_MEM_MB, 1, MPNIC_TOE_MEM_MB_MAX),
};

static int mpnic_devlink_u32_validate(struct devlink *devlink, u32 id,
				      union devlink_param_value val,
				      struct netlink_ext_ack *extack)
{
	const struct mpnic_devlink_range *r;

	r = &mpnic_devlink_ranges[id - MPNIC_DEVLINK_PARAM_ID_ENGINES];
	if (val.vu32 >= r->min && val.vu32 <= r->max)
		return 0;
	switch (id) {
	case MPNIC_DEVLINK_PARAM_ID_ENGINES:
		NL_SET_ERR_MSG_MOD(extack, "A card has 1 to 64 engines");
		break;
	case MPNIC_DEVLINK_PARAM_ID_CARD_MEM_MB:
		NL_SET_ERR_MSG_MOD(extack, "Card memory must be 1 MiB to 4 GiB");
		break;
	case MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US:
		NL_SET_ERR_MSG_MOD(extack, "Engines busy-poll for at most 10000 us");
		break;
	case MPNIC_DEVLINK_PARAM_ID_STALL_TIMEOUT_MS:
		NL_SET_ERR_MSG_MOD(extack, "stall_timeout_ms is 100 to 3600000");
		break;
	case MPNIC_DEVLINK_PARAM_ID_TOE_MAX_CONNS:
		NL_SET_ERR_MSG_MOD(extack, "toe_max_conns is 0 to 65536 per engine");
		break;
	case MPNIC_DEVLINK_PARAM_ID_TOE_SNDBUF_KB:
	case MPNIC_DEVLINK_PARAM_ID_TOE_RCVBUF_KB:
		NL_SET_ERR_MSG_MOD(extack, "A connection's card ring is 16 to 16384 KiB");
		break;
	case MPNIC_DEVLINK_PARAM_ID_TOE_MEM_MB:
		NL_SET_ERR_MSG_MOD(extack, "toe_mem_mb is 1 to 4096 per engine");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "Flow timeouts are 1 to 86400 s");
	}
	return -EINVAL;
}

static int mpnic_devlink_adaptive_get(struct devlink *devlink, u32 id,
				      struct devlink_param_gset_ctx *ctx)
{
	ctx->val.vbool = READ_ONCE(mpnic_devlink_card(devlink)->busy_poll_adaptive);
	return 0;
}

static int mpnic_devlink_adaptive_set(struct devlink *devlink, u32 id,
				      struct devlink_param_gset_ctx *ctx,
				      struct netlink_ext_ack *extack)
{
	/* the engines see it the next time they run out of work */
	WRITE_ONCE(mpnic_devlink_card(devlink)->busy_poll_adaptive, ctx->val.vbool);
	return 0;
}

MPNIC_DEVLINK_PARAM_SET_ADAPTER(mpnic_devlink_adaptive_set)

/* Permanent: they wait for the next fw_activate. Context: instance lock. */
static int mpnic_devlink_fw_get(struct devlink *devlink, u32 id,
				struct devlink_param_gset_ctx *ctx)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	ctx->val.vu32 = id == MPNIC_DEVLINK_PARAM_ID_ENGINES ? card->fw_engines : card->fw_mem_mb;
	return 0;
}

static int mpnic_devlink_fw_set(struct devlink *devlink, u32 id,
				struct devlink_param_gset_ctx *ctx,
				struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	if (id == MPNIC_DEVLINK_PARAM_ID_ENGINES)
		card->fw_engines = ctx->val.vu32;
	else
		card->fw_mem_mb = ctx->val.vu32;
	return 0;
}

MPNIC_DEVLINK_PARAM_SET_ADAPTER(mpnic_devlink_fw_set)

static u32 *mpnic_devlink_u32(struct mpnic_card *card, u32 id)
{
	switch (id) {
	case MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US:
		return &card->busy_poll_us;
	case MPNIC_DEVLINK_PARAM_ID_FLOW_TIMEOUT:
		return &card->flow_timeout;
	case MPNIC_DEVLINK_PARAM_ID_FLOW_CLOSED_TIMEOUT:
		return &card->flow_closed_timeout;
	case MPNIC_DEVLINK_PARAM_ID_TOE_MAX_CONNS:
		return &card->toe_max_conns;
	case MPNIC_DEVLINK_PARAM_ID_TOE_SNDBUF_KB:
		return &card->toe_sndbuf_kb;
	case MPNIC_DEVLINK_PARAM_ID_TOE_RCVBUF_KB:
		return &card->toe_rcvbuf_kb;
	case MPNIC_DEVLINK_PARAM_ID_TOE_MEM_MB:
		return &card->toe_mem_mb;
	default:
		return &card->stall_timeout_ms;
	}
}

static int mpnic_devlink_u32_get(struct devlink *devlink, u32 id,
				 struct devlink_param_gset_ctx *ctx)
{
	ctx->val.vu32 = READ_ONCE(*mpnic_devlink_u32(mpnic_devlink_card(devlink), id));
	return 0;
}

/*
 * Read at the engines' next pass or aging, the watchdog's next look, and
 * the next TCP handoff (toe_max_conns: a lower limit leaves the connections
 * above it; the hash is sized from it when the engines are made; the
 * toe_* sizes apply to the connections offloaded after)
 */
static int mpnic_devlink_u32_set(struct devlink *devlink, u32 id,
				 struct devlink_param_gset_ctx *ctx,
				 struct netlink_ext_ack *extack)
{
	WRITE_ONCE(*mpnic_devlink_u32(mpnic_devlink_card(devlink), id), ctx->val.vu32);
	return 0;
}

MPNIC_DEVLINK_PARAM_SET_ADAPTER(mpnic_devlink_u32_set)

static const struct devlink_param mpnic_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_ENGINES, "engines", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_PERMANENT), mpnic_devlink_fw_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_fw_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_CARD_MEM_MB, "card_mem_mb",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_PERMANENT),
			     mpnic_devlink_fw_get, MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_fw_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_US, "busy_poll_us",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_BUSY_POLL_ADAPTIVE, "busy_poll_adaptive",
			     DEVLINK_PARAM_TYPE_BOOL, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_adaptive_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_adaptive_set),
			     NULL),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_FLOW_TIMEOUT, "flow_timeout",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_FLOW_CLOSED_TIMEOUT, "flow_closed_timeout",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_STALL_TIMEOUT_MS, "stall_timeout_ms",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_TOE_MAX_CONNS, "toe_max_conns",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_TOE_SNDBUF_KB, "toe_sndbuf_kb",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_TOE_RCVBUF_KB, "toe_rcvbuf_kb",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
	DEVLINK_PARAM_DRIVER(MPNIC_DEVLINK_PARAM_ID_TOE_MEM_MB, "toe_mem_mb",
			     DEVLINK_PARAM_TYPE_U32, BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     mpnic_devlink_u32_get,
			     MPNIC_DEVLINK_PARAM_SET(mpnic_devlink_u32_set),
			     mpnic_devlink_u32_validate),
};

/*
 * fw_activate only: a driver_reinit would delete the ports, the user's
 * interfaces. Refuses what the reload could not do, before anything changes.
 */
static int mpnic_devlink_reload_down(struct devlink *devlink, bool netns_change,
				     enum devlink_reload_action action,
				     enum devlink_reload_limit limit,
				     struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);

	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A card stays where it is; move its ports (ip link set netns)");
		return -EOPNOTSUPP;
	}
	return mpnic_card_reload_check(card, card->fw_engines, (size_t)card->fw_mem_mb << 20,
				       extack);
}

static int mpnic_devlink_reload_up(struct devlink *devlink, enum devlink_reload_action action,
				   enum devlink_reload_limit limit, u32 *actions_performed,
				   struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = mpnic_devlink_card(devlink);
	int err;

	err = mpnic_card_reload(card, card->fw_engines, (size_t)card->fw_mem_mb << 20, extack);
	if (err)
		return err;
	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE);
	return 0;
}

static const struct devlink_ops mpnic_devlink_ops = {
	.info_get	= mpnic_devlink_info_get,
	.reload_actions	= BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE),
	.reload_down	= mpnic_devlink_reload_down,
	.reload_up	= mpnic_devlink_reload_up,
};

static void mpnic_devlink_register_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, register_work);
	struct devlink *devlink = card->devlink;

	/* The parameters first: before 6.3 none could join a registered instance */
	if (devlink_params_register(devlink, mpnic_devlink_params,
				    ARRAY_SIZE(mpnic_devlink_params))) {
		dev_warn(card->dev, "no devlink parameters\n");
	} else {
		card->params = true;
		mpnic_devlink_reload_enable(devlink);
	}
	devlink_register(devlink);
	mpnic_health_init(card);
}

/* Outlasts any devlink op's hold but a reload's, which waits for RTNL */
#define MPNIC_DEVL_TRY_MS	200

static bool mpnic_devl_trylock(struct devlink *devlink)
{
	unsigned long end = jiffies + msecs_to_jiffies(MPNIC_DEVL_TRY_MS);

	do {
		if (devl_trylock(devlink))
			return true;
		usleep_range(500, 1000);
	} while (time_before(jiffies, end));
	return false;
}

/* Context: devlink instance lock held */
void mpnic_devlink_port_free(struct mpnic_card *card, u32 idx)
{
	struct devlink_port *dl_port = card->dl_ports[idx];

	devl_assert_locked(card->devlink);
	if (!dl_port)
		return;
	devl_port_unregister(dl_port);
	card->dl_ports[idx] = NULL;
	kfree(dl_port);
}

/**
 * mpnic_devlink_port_add - a new port's devlink port, before its netdev
 * @port: the port, on its card at its index, not yet registered
 * @extack: why not
 *
 * Context: process context, RTNL held: the instance lock, which comes
 * before RTNL, is only tried; held (by a reload waiting for RTNL), -EBUSY.
 * Return: 0, -EBUSY or -ENOMEM.
 */
int mpnic_devlink_port_add(struct mpnic_port *port, struct netlink_ext_ack *extack)
{
	struct devlink_port_attrs attrs = {
		.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL,
		.phys.port_number = port->idx,
	};
	struct mpnic_card *card = port->card;
	struct devlink_port *dl_port;
	int err;

	ASSERT_RTNL();
	/* Before 6.2, mpnic_wq registers it once the netdev is (compat) */
	if (mpnic_devlink_port_add_late(port))
		return 0;
	dl_port = kzalloc(sizeof(*dl_port), GFP_KERNEL);
	if (!dl_port)
		return -ENOMEM;
	if (!mpnic_devl_trylock(card->devlink)) {
		kfree(dl_port);
		NL_SET_ERR_MSG_MOD(extack, "The card is busy with a devlink operation; try again");
		return -EBUSY;
	}
	mpnic_devlink_port_free(card, port->idx);
	devlink_port_attrs_set(dl_port, &attrs);
	err = devl_port_register(card->devlink, dl_port, port->idx);
	if (!err) {
		card->dl_ports[port->idx] = dl_port;
		WRITE_ONCE(port->dl_port, dl_port);
	}
	devl_unlock(card->devlink);
	if (err) {
		kfree(dl_port);
		NL_SET_ERR_MSG_MOD(extack, "Failed to register the devlink port");
	}
	return err;
}

/**
 * mpnic_devlink_port_del - a port leaves: its devlink port goes, from mpnic_wq
 * @port: the port, its netdev unregistering (or never registered)
 *
 * Idempotent. Context: RTNL held, before the port leaves its card.
 */
void mpnic_devlink_port_del(struct mpnic_port *port)
{
	ASSERT_RTNL();
	if (!port->dl_port)
		return;
	/* Before 6.2 devlink's notifications read the netdev it was given */
	mpnic_devlink_port_forget_netdev(port->dl_port);
	WRITE_ONCE(port->dl_port, NULL);
	queue_work(mpnic_wq, &port->card->dl_ports_work);
}

/* mpnic_wq: the devlink ports whose port is gone, and before 6.2 new ones */
static void mpnic_devlink_ports_work(struct work_struct *work)
{
	struct mpnic_card *card = container_of(work, struct mpnic_card, dl_ports_work);
	struct mpnic_port *port;
	u32 i;

	devl_lock(card->devlink);
	mutex_lock(&mpnic_cards_lock);
	for (i = 0; i < MPNIC_MAX_PORTS; i++) {
		port = card->ports[i];
		if (card->dl_ports[i] && (!port || READ_ONCE(port->dl_port) != card->dl_ports[i])) {
			/* Unregistering notifies, which before 6.2 takes RTNL */
			mutex_unlock(&mpnic_cards_lock);
			mpnic_devlink_port_free(card, i);
			mutex_lock(&mpnic_cards_lock);
		}
	}
	mutex_unlock(&mpnic_cards_lock);
	mpnic_devlink_ports_late(card);
	devl_unlock(card->devlink);
}

/**
 * mpnic_devlink_alloc - a card's devlink instance, registered later
 * @card: the card, with its bus device
 *
 * Context: process context; RTNL may be held.
 * Return: 0 or -ENOMEM.
 */
int mpnic_devlink_alloc(struct mpnic_card *card)
{
	card->devlink = devlink_alloc(&mpnic_devlink_ops, sizeof(card), card->dev);
	if (!card->devlink)
		return -ENOMEM;
	*(struct mpnic_card **)devlink_priv(card->devlink) = card;
	INIT_WORK(&card->register_work, mpnic_devlink_register_work);
	INIT_WORK(&card->dl_ports_work, mpnic_devlink_ports_work);
	return 0;
}

/* From mpnic_wq, which runs a card's works in order */
void mpnic_devlink_register(struct mpnic_card *card)
{
	queue_work(mpnic_wq, &card->register_work);
}

/**
 * mpnic_devlink_unregister - stop the watchdog, unregister the instance
 * @card: a card whose register work has run (mpnic_wq is ordered)
 *
 * Context: mpnic_wq, outside RTNL.
 */
void mpnic_devlink_unregister(struct mpnic_card *card)
{
	u32 i;

	mpnic_health_exit(card);
	/* Every port is gone; mpnic_wq ran their work before this */
	devl_lock(card->devlink);
	for (i = 0; i < MPNIC_MAX_PORTS; i++)
		mpnic_devlink_port_free(card, i);
	devl_unlock(card->devlink);
	devlink_unregister(card->devlink);
	if (card->params)
		devlink_params_unregister(card->devlink, mpnic_devlink_params,
					  ARRAY_SIZE(mpnic_devlink_params));
}

void mpnic_devlink_free(struct mpnic_card *card)
{
	devlink_free(card->devlink);
}
