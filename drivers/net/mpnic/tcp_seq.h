/* SPDX-License-Identifier: GPL-2.0 */
/* TCP sequence arithmetic and window scaling; pure code (tools/unit) */
#ifndef _MPNIC_TCP_SEQ_H
#define _MPNIC_TCP_SEQ_H

#include "pure.h"
#ifdef __KERNEL__
#include <linux/limits.h>
#include <linux/minmax.h>
#endif

/* RFC 7323 2.3: a shift above 14 would let a window exceed 2^30 */
#define MPNIC_TCP_WSCALE_MAX	14

/* Sequence numbers compare modulo 2^32: @a is before @b when b - a < 2^31 */
static inline bool mpnic_tcp_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool mpnic_tcp_after(u32 a, u32 b)
{
	return mpnic_tcp_before(b, a);
}

/* lo <= seq <= hi, modulo 2^32 (hi may have wrapped past lo) */
static inline bool mpnic_tcp_between(u32 seq, u32 lo, u32 hi)
{
	return hi - lo >= seq - lo;
}

static inline u32 mpnic_tcp_seq_max(u32 a, u32 b)
{
	return mpnic_tcp_after(a, b) ? a : b;
}

/**
 * mpnic_tcp_acceptable - RFC 9293 3.10.7.4's acceptability test
 * @rcv_nxt: the next sequence number expected
 * @rcv_wnd: the receive window
 * @seq: the segment's first sequence number
 * @len: its length, a FIN counting one
 *
 * Return: whether any of the segment lies in the window, per the four
 * cases of the RFC's table (zero or not, for length and window).
 */
static inline bool mpnic_tcp_acceptable(u32 rcv_nxt, u32 rcv_wnd, u32 seq, u32 len)
{
	if (!rcv_wnd)
		return !len && seq == rcv_nxt;
	if (!len)
		return seq - rcv_nxt < rcv_wnd;
	return seq - rcv_nxt < rcv_wnd || seq + len - 1 - rcv_nxt < rcv_wnd;
}

/* A segment's 16-bit window field in bytes, with the sender's shift */
static inline u32 mpnic_tcp_wnd_from_wire(u16 wnd, u8 shift)
{
	return (u32)wnd << shift;
}

/* The largest window the 16-bit field can carry with @shift */
static inline u32 mpnic_tcp_wnd_max(u8 shift)
{
	return (u32)U16_MAX << shift;
}

/*
 * Bytes to the 16-bit field, rounded down to the shift's granularity: the
 * caller has made @wnd a multiple of it where rounding would shrink the
 * window it advertised before.
 */
static inline u16 mpnic_tcp_wnd_to_wire(u32 wnd, u8 shift)
{
	return min_t(u32, wnd >> shift, U16_MAX);
}

#endif /* _MPNIC_TCP_SEQ_H */
