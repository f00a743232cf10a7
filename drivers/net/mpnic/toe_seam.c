// SPDX-License-Identifier: GPL-2.0
/*
 * The seam between the host side of TCP offload (toe.c) and the engine's
 * TCP (tcp.h), not written yet. Until it is, an engine takes no
 * connection: the handoff is refused with -ENXIO and the socket stays the
 * host's, so no entry is ever inserted and mpnic_toe_input() is never
 * reached.
 *
 * Written, this file becomes:
 *   attach: card memory for the send and receive rings from the engine's
 *           partition (-ENOBUFS when it has none), mpnic_tcp_init() from
 *           @h (snd_data/rcv_data loaded into the rings), then
 *           mpnic_toe_insert(); the engine arms the connection's timers
 *           in its own kthread.
 *   input:  mpnic_tcp_input() on the parsed segment, then its actions.
 *   free:   the rings back to the partition, the tcb freed.
 */

#include "mpnic.h"
#include "toe.h"

/**
 * mpnic_toe_attach - hand a connection to its engine
 * @eng: the owner; a place in its table is reserved for the caller
 * @h: the snapshot, valid for the call only
 *
 * Context: process context, may sleep; the socket is locked.
 * Return: 0 when the engine owns the connection (its entry inserted, the
 * reservation consumed); -ENOBUFS when card memory is short; any other
 * errno when the engine cannot take it. On error nothing changed.
 */
int mpnic_toe_attach(struct mpnic_engine *eng, const struct mpnic_toe_handoff *h)
{
	return -ENXIO;
}

/* Context: engine kthread, RCU read side; the frame is the engine's */
void mpnic_toe_input(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
		     const u8 *frame, const struct mpnic_flow *flow)
{
	/* No connection exists to get here before the seam is written */
	WARN_ON_ONCE(1);
}

void mpnic_toe_conn_free(struct mpnic_toe_conn *conn)
{
	WARN_ON_ONCE(conn);
}
