/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/mpnic.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_MPNIC_H
#define _UAPI_LINUX_MPNIC_H

#define MPNIC_FAMILY_NAME	"mpnic"
#define MPNIC_FAMILY_VERSION	1

/**
 * enum mpnic_profile - The protocols an engine's stack instance processes.
 *   What its profile does not handle, the engine passes to the host
 *   unprocessed (no checksum check, no flow tracking, no hardware GRO) and
 *   counts in rx-passthrough.
 * @MPNIC_PROFILE_FULL: IPv4 and IPv6, TCP and UDP (the default).
 * @MPNIC_PROFILE_UDP: IPv4 and IPv6 UDP; TCP passes through.
 * @MPNIC_PROFILE_L2: Nothing; every frame passes through.
 */
enum mpnic_profile {
	MPNIC_PROFILE_FULL,
	MPNIC_PROFILE_UDP,
	MPNIC_PROFILE_L2,
};

/**
 * enum mpnic_flow_state - A tracked flow's connection state, as the engine's
 *   stack sees it.
 */
enum mpnic_flow_state {
	MPNIC_FLOW_STATE_NONE,
	MPNIC_FLOW_STATE_SYN_SENT,
	MPNIC_FLOW_STATE_SYN_RECV,
	MPNIC_FLOW_STATE_ESTABLISHED,
	MPNIC_FLOW_STATE_FIN_WAIT,
	MPNIC_FLOW_STATE_CLOSING,
	MPNIC_FLOW_STATE_CLOSED,
};

/**
 * enum mpnic_fault - A fault an engine can be made to have.
 * @MPNIC_FAULT_STALL: The engine makes no pass over its rings until the fault
 *   is cleared or devlink health recovers it.
 * @MPNIC_FAULT_CARD_MEM: Card memory exhaustion: the engine keeps every buffer
 *   it frees, so dispatch soon finds none for it (rx-card-mem-exhausted).
 * @MPNIC_FAULT_HOST_RX: Host RX buffer starvation: the host queues the engine
 *   serves post no more receive buffers (the engine's rx-missed).
 * @MPNIC_FAULT_SLOW: A slow engine: it sleeps 20 ms before each pass over its
 *   rings and takes 8 descriptors per ring per pass (400 frames/s), so under
 *   load dispatch drops its input (rx-card-mem-exhausted: its input ring has
 *   an entry per buffer, and buffers run out first).
 * @MPNIC_FAULT_TX_CMPL: Dropped completions: the engine sends what the host
 *   queued but holds back the completions, so the host's TX queue fills.
 */
enum mpnic_fault {
	MPNIC_FAULT_STALL,
	MPNIC_FAULT_CARD_MEM,
	MPNIC_FAULT_HOST_RX,
	MPNIC_FAULT_SLOW,
	MPNIC_FAULT_TX_CMPL,
};

/**
 * enum mpnic_conn_state - An offloaded TCP connection's state in its engine
 *   (RFC 9293 names); the handoff takes only ESTABLISHED connections, so the
 *   states before it do not occur.
 */
enum mpnic_conn_state {
	MPNIC_CONN_STATE_ESTABLISHED,
	MPNIC_CONN_STATE_FIN_WAIT_1,
	MPNIC_CONN_STATE_FIN_WAIT_2,
	MPNIC_CONN_STATE_CLOSING,
	MPNIC_CONN_STATE_TIME_WAIT,
	MPNIC_CONN_STATE_CLOSE_WAIT,
	MPNIC_CONN_STATE_LAST_ACK,
	MPNIC_CONN_STATE_CLOSED,
};

enum {
	MPNIC_A_CARD_ID = 1,
	MPNIC_A_CARD_IFINDEX,
	MPNIC_A_CARD_ENGINES,
	MPNIC_A_CARD_MEM_SIZE,
	MPNIC_A_CARD_SERIAL,
	MPNIC_A_CARD_PORTS,
	MPNIC_A_CARD_CPUS,

	__MPNIC_A_CARD_MAX,
	MPNIC_A_CARD_MAX = (__MPNIC_A_CARD_MAX - 1)
};

enum {
	MPNIC_A_ENGINE_CARD_ID = 1,
	MPNIC_A_ENGINE_ID,
	MPNIC_A_ENGINE_CPU,
	MPNIC_A_ENGINE_PROFILE,
	MPNIC_A_ENGINE_RX_FRAMES,
	MPNIC_A_ENGINE_RX_DELIVERED,
	MPNIC_A_ENGINE_RX_PASSTHROUGH,
	MPNIC_A_ENGINE_TX_FRAMES,
	MPNIC_A_ENGINE_FLOWS_ACTIVE,
	MPNIC_A_ENGINE_FLOWS_CREATED,
	MPNIC_A_ENGINE_RESTARTS,
	MPNIC_A_ENGINE_STALLED,
	MPNIC_A_ENGINE_TOE_CONNS,
	MPNIC_A_ENGINE_TOE_CONNS_ATTACHED,
	MPNIC_A_ENGINE_TOE_CONNS_CLOSED,
	MPNIC_A_ENGINE_TOE_CONNS_ABORTED,
	MPNIC_A_ENGINE_TOE_SEGS_IN,
	MPNIC_A_ENGINE_TOE_SEGS_OUT,
	MPNIC_A_ENGINE_TOE_DROPS,
	MPNIC_A_ENGINE_TOE_BYTES_TO_HOST,
	MPNIC_A_ENGINE_TOE_BYTES_FROM_HOST,
	MPNIC_A_ENGINE_TOE_RETRANS_SEGS,
	MPNIC_A_ENGINE_TOE_RTO_EXPIRIES,
	MPNIC_A_ENGINE_TOE_FAST_RETRANS,
	MPNIC_A_ENGINE_TOE_OOO_SEGS,
	MPNIC_A_ENGINE_TOE_DUPACKS_IN,
	MPNIC_A_ENGINE_TOE_DUPACKS_OUT,
	MPNIC_A_ENGINE_TOE_CHALLENGE_ACKS,
	MPNIC_A_ENGINE_TOE_ZERO_WINDOW_PROBES,
	MPNIC_A_ENGINE_TOE_RST_IN,
	MPNIC_A_ENGINE_TOE_RST_OUT,
	MPNIC_A_ENGINE_TOE_TIME_WAIT,
	MPNIC_A_ENGINE_TOE_KEEPALIVE_PROBES,

	__MPNIC_A_ENGINE_MAX,
	MPNIC_A_ENGINE_MAX = (__MPNIC_A_ENGINE_MAX - 1)
};

enum {
	MPNIC_A_FLOW_CARD_ID = 1,
	MPNIC_A_FLOW_ENGINE_ID,
	MPNIC_A_FLOW_INDEX,
	MPNIC_A_FLOW_FAMILY,
	MPNIC_A_FLOW_PROTO,
	MPNIC_A_FLOW_REMOTE_ADDR,
	MPNIC_A_FLOW_LOCAL_ADDR,
	MPNIC_A_FLOW_REMOTE_PORT,
	MPNIC_A_FLOW_LOCAL_PORT,
	MPNIC_A_FLOW_STATE,
	MPNIC_A_FLOW_IN_PACKETS,
	MPNIC_A_FLOW_IN_BYTES,
	MPNIC_A_FLOW_OUT_PACKETS,
	MPNIC_A_FLOW_OUT_BYTES,
	MPNIC_A_FLOW_IDLE,
	MPNIC_A_FLOW_PORT,

	__MPNIC_A_FLOW_MAX,
	MPNIC_A_FLOW_MAX = (__MPNIC_A_FLOW_MAX - 1)
};

enum {
	MPNIC_A_CONN_CARD_ID = 1,
	MPNIC_A_CONN_ENGINE_ID,
	MPNIC_A_CONN_PORT,
	MPNIC_A_CONN_FAMILY,
	MPNIC_A_CONN_REMOTE_ADDR,
	MPNIC_A_CONN_LOCAL_ADDR,
	MPNIC_A_CONN_REMOTE_PORT,
	MPNIC_A_CONN_LOCAL_PORT,
	MPNIC_A_CONN_STATE,
	MPNIC_A_CONN_SND_UNA,
	MPNIC_A_CONN_SND_NXT,
	MPNIC_A_CONN_RCV_NXT,
	MPNIC_A_CONN_SND_WND,
	MPNIC_A_CONN_RCV_WND,
	MPNIC_A_CONN_CWND,
	MPNIC_A_CONN_SSTHRESH,
	MPNIC_A_CONN_SRTT_US,
	MPNIC_A_CONN_RTO_US,
	MPNIC_A_CONN_BYTES_ACKED,
	MPNIC_A_CONN_BYTES_RECEIVED,
	MPNIC_A_CONN_BYTES_SENT,
	MPNIC_A_CONN_RETRANS,

	__MPNIC_A_CONN_MAX,
	MPNIC_A_CONN_MAX = (__MPNIC_A_CONN_MAX - 1)
};

enum {
	MPNIC_A_PORT_CARD_ID = 1,
	MPNIC_A_PORT_INDEX,
	MPNIC_A_PORT_IFINDEX,
	MPNIC_A_PORT_IFNAME,

	__MPNIC_A_PORT_MAX,
	MPNIC_A_PORT_MAX = (__MPNIC_A_PORT_MAX - 1)
};

enum {
	MPNIC_A_FAULT_CARD_ID = 1,
	MPNIC_A_FAULT_ENGINE_ID,
	MPNIC_A_FAULT_TYPE,
	MPNIC_A_FAULT_ACTIVE,

	__MPNIC_A_FAULT_MAX,
	MPNIC_A_FAULT_MAX = (__MPNIC_A_FAULT_MAX - 1)
};

enum {
	MPNIC_CMD_CARD_GET = 1,
	MPNIC_CMD_ENGINE_GET,
	MPNIC_CMD_ENGINE_SET,
	MPNIC_CMD_FLOW_GET,
	MPNIC_CMD_FAULT_SET,
	MPNIC_CMD_CARD_NEW,
	MPNIC_CMD_CARD_DEL,
	MPNIC_CMD_PORT_GET,
	MPNIC_CMD_CONN_GET,

	__MPNIC_CMD_MAX,
	MPNIC_CMD_MAX = (__MPNIC_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_MPNIC_H */
