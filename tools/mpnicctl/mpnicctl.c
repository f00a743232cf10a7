// SPDX-License-Identifier: GPL-2.0
/*
 * mpnicctl: a friendly client of the mpnic generic netlink family
 * (Documentation/netlink/specs/mpnic.yaml).
 *
 *   mpnicctl [-j] card show [ID]
 *   mpnicctl [-j] card new [engines N] [mem MB] [cpus LIST]
 *   mpnicctl card del ID
 *   mpnicctl [-j] port show [card ID]
 *   mpnicctl port add card ID [name NAME]
 *   mpnicctl [-j] engine show [card ID [engine N]]
 *   mpnicctl engine set card ID engine N [cpu C] [profile full|udp|l2]
 *   mpnicctl [-j] flow show [card ID [engine N]]
 *   mpnicctl [-j] conn show [card ID [engine N]]
 *   mpnicctl fault set card ID engine N stall|card-mem|host-rx|slow|tx-cmpl on|off
 *
 * Tables for people by default; -j prints one JSON array.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <uapi/linux/if_mpnic.h>
#include <uapi/linux/mpnic.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const profile_names[] = { "full", "udp", "l2" };
static const char *const state_names[] = {
	"none", "syn-sent", "syn-recv", "established", "fin-wait", "closing", "closed",
};

/* An offloaded connection's, enum mpnic_conn_state */
static const char *const conn_state_names[] = {
	"established", "fin-wait-1", "fin-wait-2", "closing", "time-wait", "close-wait",
	"last-ack", "closed",
};

static bool json;
static int printed;		/* objects printed so far */

struct ctl {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t seq;
	char buf[32768];	/* at least MNL_SOCKET_BUFFER_SIZE */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: mpnicctl [-j] card show [ID]\n"
		"       mpnicctl [-j] card new [engines N] [mem MB] [cpus LIST]\n"
		"       mpnicctl card del ID\n"
		"       mpnicctl [-j] port show [card ID]\n"
		"       mpnicctl port add card ID [name NAME]\n"
		"       mpnicctl [-j] engine show [card ID [engine N]]\n"
		"       mpnicctl engine set card ID engine N [cpu C] [profile full|udp|l2]\n"
		"       mpnicctl [-j] flow show [card ID [engine N]]\n"
		"       mpnicctl [-j] conn show [card ID [engine N]]\n"
		"       mpnicctl fault set card ID engine N FAULT on|off\n"
		"         FAULT: stall, card-mem, host-rx, slow, tx-cmpl\n");
	exit(2);
}

static const char *name_of(const char *const *names, size_t n, uint32_t v)
{
	return v < n ? names[v] : "unknown";
}

static uint32_t parse_u32(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s || v > UINT32_MAX) {
		fprintf(stderr, "mpnicctl: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* Collect a message's attributes into tb[] (at most max + 1 entries) */
struct attrs {
	const struct nlattr **tb;
	int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	int type = mnl_attr_get_type(attr);

	if (type <= a->max)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	struct attrs a = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, &a);
}

static uint64_t u64_of(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

static uint32_t u32_of(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

static void sep(void)
{
	if (json)
		printf("%s\n  ", printed ? "," : "[");
	printed++;
}

static int card_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MPNIC_A_CARD_MAX + 1];
	char ifname[IF_NAMESIZE] = "-", mem[24];
	uint32_t ifindex;

	(void)data;
	parse_attrs(nlh, tb, MPNIC_A_CARD_MAX);
	snprintf(mem, sizeof(mem), "%" PRIu64 "M", u64_of(tb[MPNIC_A_CARD_MEM_SIZE]) >> 20);
	ifindex = u32_of(tb[MPNIC_A_CARD_IFINDEX]);
	if (!if_indextoname(ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "-");
	sep();
	if (json) {
		printf("{\"id\": %u, \"port\": \"%s\", \"ifindex\": %u, \"ports\": %u, "
		       "\"engines\": %u, \"mem_size\": %" PRIu64 ", \"serial\": \"MPNIC%08X\"}",
		       u32_of(tb[MPNIC_A_CARD_ID]), ifname, ifindex, u32_of(tb[MPNIC_A_CARD_PORTS]),
		       u32_of(tb[MPNIC_A_CARD_ENGINES]), u64_of(tb[MPNIC_A_CARD_MEM_SIZE]),
		       u32_of(tb[MPNIC_A_CARD_SERIAL]));
		return MNL_CB_OK;
	}
	if (printed == 1)
		printf("%-5s %-16s %-6s %-8s %-10s %s\n", "CARD", "PORT", "PORTS", "ENGINES",
		       "MEMORY", "SERIAL");
	printf("%-5u %-16s %-6u %-8u %-10s MPNIC%08X\n", u32_of(tb[MPNIC_A_CARD_ID]), ifname,
	       u32_of(tb[MPNIC_A_CARD_PORTS]), u32_of(tb[MPNIC_A_CARD_ENGINES]), mem,
	       u32_of(tb[MPNIC_A_CARD_SERIAL]));
	return MNL_CB_OK;
}

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MPNIC_A_PORT_MAX + 1];
	const char *ifname;

	(void)data;
	parse_attrs(nlh, tb, MPNIC_A_PORT_MAX);
	/* No name: the port lives in another network namespace */
	ifname = tb[MPNIC_A_PORT_IFNAME] ? mnl_attr_get_str(tb[MPNIC_A_PORT_IFNAME]) : "-";
	sep();
	if (json) {
		printf("{\"card\": %u, \"index\": %u, \"ifname\": \"%s\", \"ifindex\": %u}",
		       u32_of(tb[MPNIC_A_PORT_CARD_ID]), u32_of(tb[MPNIC_A_PORT_INDEX]), ifname,
		       u32_of(tb[MPNIC_A_PORT_IFINDEX]));
		return MNL_CB_OK;
	}
	if (printed == 1)
		printf("%-5s %-5s %-16s %s\n", "CARD", "PORT", "IFNAME", "IFINDEX");
	printf("%-5u %-5u %-16s %u\n", u32_of(tb[MPNIC_A_PORT_CARD_ID]),
	       u32_of(tb[MPNIC_A_PORT_INDEX]), ifname, u32_of(tb[MPNIC_A_PORT_IFINDEX]));
	return MNL_CB_OK;
}

/* The engine's TCP offload counters, JSON members by attribute */
static const struct {
	int attr;
	const char *name;
} engine_toe[] = {
	{ MPNIC_A_ENGINE_TOE_CONNS_ATTACHED, "toe_conns_attached" },
	{ MPNIC_A_ENGINE_TOE_CONNS_CLOSED, "toe_conns_closed" },
	{ MPNIC_A_ENGINE_TOE_CONNS_ABORTED, "toe_conns_aborted" },
	{ MPNIC_A_ENGINE_TOE_SEGS_IN, "toe_segs_in" },
	{ MPNIC_A_ENGINE_TOE_SEGS_OUT, "toe_segs_out" },
	{ MPNIC_A_ENGINE_TOE_DROPS, "toe_drops" },
	{ MPNIC_A_ENGINE_TOE_BYTES_TO_HOST, "toe_bytes_to_host" },
	{ MPNIC_A_ENGINE_TOE_BYTES_FROM_HOST, "toe_bytes_from_host" },
	{ MPNIC_A_ENGINE_TOE_RETRANS_SEGS, "toe_retrans_segs" },
	{ MPNIC_A_ENGINE_TOE_RTO_EXPIRIES, "toe_rto_expiries" },
	{ MPNIC_A_ENGINE_TOE_FAST_RETRANS, "toe_fast_retrans" },
	{ MPNIC_A_ENGINE_TOE_OOO_SEGS, "toe_ooo_segs" },
	{ MPNIC_A_ENGINE_TOE_DUPACKS_IN, "toe_dupacks_in" },
	{ MPNIC_A_ENGINE_TOE_DUPACKS_OUT, "toe_dupacks_out" },
	{ MPNIC_A_ENGINE_TOE_CHALLENGE_ACKS, "toe_challenge_acks" },
	{ MPNIC_A_ENGINE_TOE_ZERO_WINDOW_PROBES, "toe_zero_window_probes" },
	{ MPNIC_A_ENGINE_TOE_KEEPALIVE_PROBES, "toe_keepalive_probes" },
	{ MPNIC_A_ENGINE_TOE_RST_IN, "toe_rst_in" },
	{ MPNIC_A_ENGINE_TOE_RST_OUT, "toe_rst_out" },
	{ MPNIC_A_ENGINE_TOE_TIME_WAIT, "toe_time_wait" },
};

static void engine_toe_json(const struct nlattr **tb)
{
	size_t i;

	printf(", \"toe_conns\": %u", u32_of(tb[MPNIC_A_ENGINE_TOE_CONNS]));
	for (i = 0; i < ARRAY_SIZE(engine_toe); i++)
		printf(", \"%s\": %" PRIu64, engine_toe[i].name, u64_of(tb[engine_toe[i].attr]));
}

static int engine_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MPNIC_A_ENGINE_MAX + 1];
	const char *profile;

	(void)data;
	parse_attrs(nlh, tb, MPNIC_A_ENGINE_MAX);
	profile = name_of(profile_names, ARRAY_SIZE(profile_names),
			  u32_of(tb[MPNIC_A_ENGINE_PROFILE]));
	sep();
	if (json) {
		printf("{\"card\": %u, \"engine\": %u, \"cpu\": %u, \"profile\": \"%s\", "
		       "\"rx_frames\": %" PRIu64 ", \"rx_delivered\": %" PRIu64
		       ", \"rx_passthrough\": %" PRIu64 ", \"tx_frames\": %" PRIu64
		       ", \"flows_active\": %u, \"flows_created\": %" PRIu64
		       ", \"restarts\": %" PRIu64 ", \"stalled\": %s",
		       u32_of(tb[MPNIC_A_ENGINE_CARD_ID]), u32_of(tb[MPNIC_A_ENGINE_ID]),
		       u32_of(tb[MPNIC_A_ENGINE_CPU]), profile,
		       u64_of(tb[MPNIC_A_ENGINE_RX_FRAMES]),
		       u64_of(tb[MPNIC_A_ENGINE_RX_DELIVERED]),
		       u64_of(tb[MPNIC_A_ENGINE_RX_PASSTHROUGH]),
		       u64_of(tb[MPNIC_A_ENGINE_TX_FRAMES]),
		       u32_of(tb[MPNIC_A_ENGINE_FLOWS_ACTIVE]),
		       u64_of(tb[MPNIC_A_ENGINE_FLOWS_CREATED]),
		       u64_of(tb[MPNIC_A_ENGINE_RESTARTS]),
		       tb[MPNIC_A_ENGINE_STALLED] &&
		       mnl_attr_get_u8(tb[MPNIC_A_ENGINE_STALLED]) ? "true" : "false");
		engine_toe_json(tb);
		printf("}");
		return MNL_CB_OK;
	}
	if (printed == 1)
		printf("%-5s %-7s %-4s %-8s %12s %12s %12s %12s %7s %7s %s\n", "CARD", "ENGINE",
		       "CPU", "PROFILE", "RX", "DELIVERED", "PASSTHROUGH", "TX", "FLOWS", "TCP",
		       "STATE");
	printf("%-5u %-7u %-4u %-8s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64
	       " %7u %7u %s\n",
	       u32_of(tb[MPNIC_A_ENGINE_CARD_ID]), u32_of(tb[MPNIC_A_ENGINE_ID]),
	       u32_of(tb[MPNIC_A_ENGINE_CPU]), profile,
	       u64_of(tb[MPNIC_A_ENGINE_RX_FRAMES]), u64_of(tb[MPNIC_A_ENGINE_RX_DELIVERED]),
	       u64_of(tb[MPNIC_A_ENGINE_RX_PASSTHROUGH]), u64_of(tb[MPNIC_A_ENGINE_TX_FRAMES]),
	       u32_of(tb[MPNIC_A_ENGINE_FLOWS_ACTIVE]), u32_of(tb[MPNIC_A_ENGINE_TOE_CONNS]),
	       tb[MPNIC_A_ENGINE_STALLED] && mnl_attr_get_u8(tb[MPNIC_A_ENGINE_STALLED]) ?
	       "stalled" : "running");
	return MNL_CB_OK;
}

/* "addr:port", IPv6 in brackets */
static void endpoint(char *out, size_t len, int family, const struct nlattr *addr,
		     const struct nlattr *port)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (addr && mnl_attr_get_payload_len(addr) == (family == AF_INET ? 4 : 16))
		inet_ntop(family, mnl_attr_get_payload(addr), ip, sizeof(ip));
	snprintf(out, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
		 port ? ntohs(mnl_attr_get_u16(port)) : 0);
}

static int flow_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MPNIC_A_FLOW_MAX + 1];
	char remote[64], local[64];
	const char *proto, *state;
	int family;

	(void)data;
	parse_attrs(nlh, tb, MPNIC_A_FLOW_MAX);
	family = tb[MPNIC_A_FLOW_FAMILY] ? mnl_attr_get_u8(tb[MPNIC_A_FLOW_FAMILY]) : AF_INET;
	proto = tb[MPNIC_A_FLOW_PROTO] && mnl_attr_get_u8(tb[MPNIC_A_FLOW_PROTO]) == 6 ?
		"tcp" : "udp";
	state = name_of(state_names, ARRAY_SIZE(state_names), u32_of(tb[MPNIC_A_FLOW_STATE]));
	endpoint(remote, sizeof(remote), family, tb[MPNIC_A_FLOW_REMOTE_ADDR],
		 tb[MPNIC_A_FLOW_REMOTE_PORT]);
	endpoint(local, sizeof(local), family, tb[MPNIC_A_FLOW_LOCAL_ADDR],
		 tb[MPNIC_A_FLOW_LOCAL_PORT]);
	sep();
	if (json) {
		printf("{\"card\": %u, \"engine\": %u, \"index\": %u, \"proto\": \"%s%c\", "
		       "\"remote\": \"%s\", \"local\": \"%s\", \"state\": \"%s\", "
		       "\"in_packets\": %" PRIu64 ", \"in_bytes\": %" PRIu64
		       ", \"out_packets\": %" PRIu64 ", \"out_bytes\": %" PRIu64
		       ", \"idle\": %u}",
		       u32_of(tb[MPNIC_A_FLOW_CARD_ID]), u32_of(tb[MPNIC_A_FLOW_ENGINE_ID]),
		       u32_of(tb[MPNIC_A_FLOW_INDEX]), proto, family == AF_INET ? '4' : '6',
		       remote, local, state,
		       u64_of(tb[MPNIC_A_FLOW_IN_PACKETS]), u64_of(tb[MPNIC_A_FLOW_IN_BYTES]),
		       u64_of(tb[MPNIC_A_FLOW_OUT_PACKETS]), u64_of(tb[MPNIC_A_FLOW_OUT_BYTES]),
		       u32_of(tb[MPNIC_A_FLOW_IDLE]));
		return MNL_CB_OK;
	}
	if (printed == 1)
		printf("%-5s %-7s %-6s %-48s %-48s %-12s %10s %10s %6s\n", "CARD", "ENGINE",
		       "PROTO", "REMOTE", "LOCAL", "STATE", "IN", "OUT", "IDLE");
	printf("%-5u %-7u %-4s%c  %-48s %-48s %-12s %10" PRIu64 " %10" PRIu64 " %5us\n",
	       u32_of(tb[MPNIC_A_FLOW_CARD_ID]), u32_of(tb[MPNIC_A_FLOW_ENGINE_ID]), proto,
	       family == AF_INET ? '4' : '6', remote, local, state,
	       u64_of(tb[MPNIC_A_FLOW_IN_PACKETS]), u64_of(tb[MPNIC_A_FLOW_OUT_PACKETS]),
	       u32_of(tb[MPNIC_A_FLOW_IDLE]));
	return MNL_CB_OK;
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MPNIC_A_CONN_MAX + 1];
	char remote[64], local[64];
	const char *state;
	int family;

	(void)data;
	parse_attrs(nlh, tb, MPNIC_A_CONN_MAX);
	family = tb[MPNIC_A_CONN_FAMILY] ? mnl_attr_get_u8(tb[MPNIC_A_CONN_FAMILY]) : AF_INET;
	state = name_of(conn_state_names, ARRAY_SIZE(conn_state_names),
			u32_of(tb[MPNIC_A_CONN_STATE]));
	endpoint(remote, sizeof(remote), family, tb[MPNIC_A_CONN_REMOTE_ADDR],
		 tb[MPNIC_A_CONN_REMOTE_PORT]);
	endpoint(local, sizeof(local), family, tb[MPNIC_A_CONN_LOCAL_ADDR],
		 tb[MPNIC_A_CONN_LOCAL_PORT]);
	sep();
	if (json) {
		printf("{\"card\": %u, \"engine\": %u, \"port\": %u, \"proto\": \"tcp%c\", ",
		       u32_of(tb[MPNIC_A_CONN_CARD_ID]), u32_of(tb[MPNIC_A_CONN_ENGINE_ID]),
		       u32_of(tb[MPNIC_A_CONN_PORT]), family == AF_INET ? '4' : '6');
		printf("\"remote\": \"%s\", \"local\": \"%s\", \"state\": \"%s\", ",
		       remote, local, state);
		printf("\"snd_una\": %u, \"snd_nxt\": %u, \"rcv_nxt\": %u, ",
		       u32_of(tb[MPNIC_A_CONN_SND_UNA]), u32_of(tb[MPNIC_A_CONN_SND_NXT]),
		       u32_of(tb[MPNIC_A_CONN_RCV_NXT]));
		printf("\"snd_wnd\": %u, \"rcv_wnd\": %u, \"cwnd\": %u, \"ssthresh\": %u, ",
		       u32_of(tb[MPNIC_A_CONN_SND_WND]), u32_of(tb[MPNIC_A_CONN_RCV_WND]),
		       u32_of(tb[MPNIC_A_CONN_CWND]), u32_of(tb[MPNIC_A_CONN_SSTHRESH]));
		printf("\"srtt_us\": %u, \"rto_us\": %u, ",
		       u32_of(tb[MPNIC_A_CONN_SRTT_US]), u32_of(tb[MPNIC_A_CONN_RTO_US]));
		printf("\"bytes_acked\": %" PRIu64 ", \"bytes_received\": %" PRIu64 ", ",
		       u64_of(tb[MPNIC_A_CONN_BYTES_ACKED]),
		       u64_of(tb[MPNIC_A_CONN_BYTES_RECEIVED]));
		printf("\"bytes_sent\": %" PRIu64 ", \"retrans\": %" PRIu64 "}",
		       u64_of(tb[MPNIC_A_CONN_BYTES_SENT]), u64_of(tb[MPNIC_A_CONN_RETRANS]));
		return MNL_CB_OK;
	}
	/* Sequence numbers are for the JSON and debugfs: a person reads the rest */
	if (printed == 1) {
		printf("%-5s %-7s %-5s %-48s %-48s %-12s ", "CARD", "ENGINE", "PORT", "REMOTE",
		       "LOCAL", "STATE");
		printf("%10s %10s %10s %10s %9s %9s %12s %12s %8s\n", "SND_WND", "RCV_WND", "CWND",
		       "SSTHRESH", "SRTT_US", "RTO_US", "SENT", "RECEIVED", "RETRANS");
	}
	printf("%-5u %-7u %-5u %-48s %-48s %-12s %10u %10u %10u %10u %9u %9u %12" PRIu64
	       " %12" PRIu64 " %8" PRIu64 "\n",
	       u32_of(tb[MPNIC_A_CONN_CARD_ID]), u32_of(tb[MPNIC_A_CONN_ENGINE_ID]),
	       u32_of(tb[MPNIC_A_CONN_PORT]), remote, local, state,
	       u32_of(tb[MPNIC_A_CONN_SND_WND]), u32_of(tb[MPNIC_A_CONN_RCV_WND]),
	       u32_of(tb[MPNIC_A_CONN_CWND]), u32_of(tb[MPNIC_A_CONN_SSTHRESH]),
	       u32_of(tb[MPNIC_A_CONN_SRTT_US]), u32_of(tb[MPNIC_A_CONN_RTO_US]),
	       u64_of(tb[MPNIC_A_CONN_BYTES_SENT]), u64_of(tb[MPNIC_A_CONN_BYTES_RECEIVED]),
	       u64_of(tb[MPNIC_A_CONN_RETRANS]));
	return MNL_CB_OK;
}

static struct nlmsghdr *msg_start(struct ctl *ctl, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(ctl->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++ctl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = type == GENL_ID_CTRL ? 1 : MPNIC_FAMILY_VERSION;
	return nlh;
}

/* Send a request, run @cb over its answers; print the extack on error */
static int transact(struct ctl *ctl, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	unsigned int portid = mnl_socket_get_portid(ctl->nl);
	int ret;

	if (mnl_socket_sendto(ctl->nl, nlh, nlh->nlmsg_len) < 0) {
		perror("mpnicctl: send");
		return -1;
	}
	do {
		ret = mnl_socket_recvfrom(ctl->nl, ctl->buf, sizeof(ctl->buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(ctl->buf, ret, ctl->seq, portid, cb, NULL);
	} while (ret > 0);
	if (ret < 0) {
		const struct nlmsghdr *err_nlh = (const struct nlmsghdr *)ctl->buf;

		/* The kernel's reason, where it gave one (extack) */
		if (err_nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(err_nlh);
			const struct nlattr *attr;
			size_t off = sizeof(*err);

			/* the request is echoed unless the ack is capped */
			if (!(err_nlh->nlmsg_flags & NLM_F_CAPPED))
				off += err->msg.nlmsg_len - sizeof(err->msg);
			mnl_attr_for_each_payload((void *)((const char *)err + off),
						  err_nlh->nlmsg_len - NLMSG_HDRLEN - off) {
				if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
					fprintf(stderr, "mpnicctl: %s\n", mnl_attr_get_str(attr));
			}
		}
		fprintf(stderr, "mpnicctl: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	parse_attrs(nlh, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)data = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return MNL_CB_OK;
}

static int ctl_open(struct ctl *ctl)
{
	unsigned int portid;
	struct nlmsghdr *nlh;
	int one = 1, ret;

	ctl->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!ctl->nl || mnl_socket_bind(ctl->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("mpnicctl: netlink");
		return -1;
	}
	mnl_socket_setsockopt(ctl->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(ctl->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	ctl->seq = time(NULL);
	nlh = msg_start(ctl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MPNIC_FAMILY_NAME);
	portid = mnl_socket_get_portid(ctl->nl);
	if (mnl_socket_sendto(ctl->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ret = mnl_socket_recvfrom(ctl->nl, ctl->buf, sizeof(ctl->buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(ctl->buf, ret, ctl->seq, portid, family_cb, &ctl->family);
	} while (ret > 0);
	if (!ctl->family) {
		fprintf(stderr, "mpnicctl: no mpnic netlink family (is the module loaded?)\n");
		return -1;
	}
	return 0;
}

/* The fault-set types, by their names in the YNL spec */
static const char * const fault_names[] = {
	[MPNIC_FAULT_STALL] = "stall",
	[MPNIC_FAULT_CARD_MEM] = "card-mem",
	[MPNIC_FAULT_HOST_RX] = "host-rx",
	[MPNIC_FAULT_SLOW] = "slow",
	[MPNIC_FAULT_TX_CMPL] = "tx-cmpl",
};

static int fault_type(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_names); i++)
		if (!strcmp(name, fault_names[i]))
			return i;
	return -1;
}

/* "card ID", "engine N", ... keyword/value pairs */
struct args {
	long card, engine, cpu, profile, fault, active, engines, mem;
	const char *cpus, *name;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	int i;

	a->card = a->engine = a->cpu = a->profile = a->fault = a->active = -1;
	a->engines = a->mem = -1;
	a->cpus = a->name = NULL;
	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		size_t p;

		if (!val)
			usage();
		if (!strcmp(key, "card")) {
			a->card = parse_u32(val, "card");
		} else if (!strcmp(key, "engine")) {
			a->engine = parse_u32(val, "engine");
		} else if (!strcmp(key, "cpu")) {
			a->cpu = parse_u32(val, "cpu");
		} else if (!strcmp(key, "engines")) {
			a->engines = parse_u32(val, "engines");
		} else if (!strcmp(key, "mem")) {
			a->mem = parse_u32(val, "mem");
		} else if (!strcmp(key, "cpus")) {
			a->cpus = val;
		} else if (!strcmp(key, "name")) {
			a->name = val;
		} else if (fault_type(key) >= 0) {
			if (strcmp(val, "on") && strcmp(val, "off"))
				usage();
			a->fault = fault_type(key);
			a->active = !strcmp(val, "on");
		} else if (!strcmp(key, "profile")) {
			for (p = 0; p < ARRAY_SIZE(profile_names); p++)
				if (!strcmp(val, profile_names[p]))
					a->profile = p;
			if (a->profile < 0) {
				fprintf(stderr, "mpnicctl: unknown profile '%s' (full, udp, l2)\n",
					val);
				exit(2);
			}
		} else {
			usage();
		}
	}
}

/*
 * A port on an existing card: RTM_NEWLINK of kind mpnic with the card's
 * id, which `ip link add` has no words for.
 */
static int port_add(struct ctl *ctl, uint32_t card, const char *name)
{
	struct mnl_socket *rt = mnl_socket_open(NETLINK_ROUTE);
	struct nlattr *linkinfo, *data;
	struct mnl_socket *gen = ctl->nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int one = 1, ret;

	if (!rt || mnl_socket_bind(rt, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("mpnicctl: rtnetlink");
		return -1;
	}
	mnl_socket_setsockopt(rt, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rt, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = mnl_nlmsg_put_header(ctl->buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = ++ctl->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "mpnic");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MPNIC_CARD, card);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	/* transact() speaks on ctl->nl: lend it the route socket */
	ctl->nl = rt;
	ret = transact(ctl, nlh, NULL);
	ctl->nl = gen;
	mnl_socket_close(rt);
	return ret;
}

/* A dump of what the engines hold (flows, connections): all, a card's, an engine's */
static int engines_dump(struct ctl *ctl, uint8_t cmd, uint16_t card_attr, uint16_t engine_attr,
			const struct args *a, mnl_cb_t cb)
{
	struct nlmsghdr *nlh = msg_start(ctl, ctl->family, cmd, NLM_F_DUMP);

	if (a->card >= 0)
		mnl_attr_put_u32(nlh, card_attr, a->card);
	if (a->engine >= 0)
		mnl_attr_put_u32(nlh, engine_attr, a->engine);
	return transact(ctl, nlh, cb);
}

int main(int argc, char **argv)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	struct nlmsghdr *nlh;
	const char *obj, *verb;
	struct args a;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "-j")) {
		json = true;
		argc--;
		argv++;
	}
	if (argc < 3 || !ctl)
		usage();
	obj = argv[1];
	verb = argv[2];
	if (!strcmp(obj, "card") && (!strcmp(verb, "show") || !strcmp(verb, "del")) &&
	    argc == 4) {
		parse_args(0, NULL, &a);
		a.card = parse_u32(argv[3], "card");
	} else {
		parse_args(argc - 3, argv + 3, &a);
	}
	if (ctl_open(ctl))
		return 1;

	if (!strcmp(obj, "card") && !strcmp(verb, "show")) {
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_CARD_GET,
				a.card < 0 ? NLM_F_DUMP : NLM_F_ACK);
		if (a.card >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_CARD_ID, a.card);
		ret = transact(ctl, nlh, card_cb);
	} else if (!strcmp(obj, "card") && !strcmp(verb, "new")) {
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_CARD_NEW, NLM_F_ACK);
		if (a.engines >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_CARD_ENGINES, a.engines);
		if (a.mem >= 0)
			mnl_attr_put_u64(nlh, MPNIC_A_CARD_MEM_SIZE, (uint64_t)a.mem << 20);
		if (a.cpus)
			mnl_attr_put_strz(nlh, MPNIC_A_CARD_CPUS, a.cpus);
		ret = transact(ctl, nlh, card_cb);
	} else if (!strcmp(obj, "card") && !strcmp(verb, "del")) {
		if (a.card < 0)
			usage();
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_CARD_DEL, NLM_F_ACK);
		mnl_attr_put_u32(nlh, MPNIC_A_CARD_ID, a.card);
		ret = transact(ctl, nlh, NULL);
	} else if (!strcmp(obj, "port") && !strcmp(verb, "show")) {
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_PORT_GET, NLM_F_DUMP);
		if (a.card >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_PORT_CARD_ID, a.card);
		ret = transact(ctl, nlh, port_cb);
	} else if (!strcmp(obj, "port") && !strcmp(verb, "add")) {
		if (a.card < 0)
			usage();
		ret = port_add(ctl, a.card, a.name);
	} else if (!strcmp(obj, "engine") && !strcmp(verb, "show")) {
		bool one = a.card >= 0 && a.engine >= 0;

		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_ENGINE_GET,
				one ? NLM_F_ACK : NLM_F_DUMP);
		if (a.card >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_CARD_ID, a.card);
		if (one)
			mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_ID, a.engine);
		ret = transact(ctl, nlh, engine_cb);
	} else if (!strcmp(obj, "engine") && !strcmp(verb, "set")) {
		if (a.card < 0 || a.engine < 0)
			usage();
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_ENGINE_SET, NLM_F_ACK);
		mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_CARD_ID, a.card);
		mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_ID, a.engine);
		if (a.cpu >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_CPU, a.cpu);
		if (a.profile >= 0)
			mnl_attr_put_u32(nlh, MPNIC_A_ENGINE_PROFILE, a.profile);
		ret = transact(ctl, nlh, NULL);
	} else if (!strcmp(obj, "flow") && !strcmp(verb, "show")) {
		ret = engines_dump(ctl, MPNIC_CMD_FLOW_GET, MPNIC_A_FLOW_CARD_ID,
				   MPNIC_A_FLOW_ENGINE_ID, &a, flow_cb);
	} else if (!strcmp(obj, "conn") && !strcmp(verb, "show")) {
		ret = engines_dump(ctl, MPNIC_CMD_CONN_GET, MPNIC_A_CONN_CARD_ID,
				   MPNIC_A_CONN_ENGINE_ID, &a, conn_cb);
	} else if (!strcmp(obj, "fault") && !strcmp(verb, "set")) {
		if (a.card < 0 || a.engine < 0 || a.fault < 0)
			usage();
		nlh = msg_start(ctl, ctl->family, MPNIC_CMD_FAULT_SET, NLM_F_ACK);
		mnl_attr_put_u32(nlh, MPNIC_A_FAULT_CARD_ID, a.card);
		mnl_attr_put_u32(nlh, MPNIC_A_FAULT_ENGINE_ID, a.engine);
		mnl_attr_put_u32(nlh, MPNIC_A_FAULT_TYPE, a.fault);
		mnl_attr_put_u8(nlh, MPNIC_A_FAULT_ACTIVE, a.active);
		ret = transact(ctl, nlh, NULL);
	} else {
		usage();
	}
	if (json && !ret)
		printf("%s]\n", printed ? "\n" : "[");
	mnl_socket_close(ctl->nl);
	free(ctl);
	return ret ? 1 : 0;
}
