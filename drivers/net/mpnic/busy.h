/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adaptive busy-poll: how long an engine that ran out of work polls before
 * it sleeps. The window follows the measured idle gaps within the devlink
 * bound busy_poll_us (Documentation/networking/mpnic.rst). Pure logic, so
 * tools/unit/test_busy.c can run it.
 */
#ifndef _MPNIC_BUSY_H
#define _MPNIC_BUSY_H

#include "pure.h"

/* The shortest window: 1/16 of the bound */
#define MPNIC_BUSY_FLOOR_SHIFT	4

static inline u64 mpnic_busy_clamp(u64 win, u64 bound)
{
	u64 floor = bound >> MPNIC_BUSY_FLOOR_SHIFT;

	if (win > bound)
		return bound;
	return win < floor ? floor : win;
}

/**
 * mpnic_busy_window - the spin window after one more idle gap
 * @win: the window so far, in ns
 * @gap: the idle gap just measured, in ns
 * @bound: the card's busy-poll bound, in ns
 */
static inline u64 mpnic_busy_window(u64 win, u64 gap, u64 bound)
{
	u64 keep = win - (win >> 2);

	if (gap > bound)
		return mpnic_busy_clamp(win >> 1, bound);
	return mpnic_busy_clamp(2 * gap > keep ? 2 * gap : keep, bound);
}

/**
 * mpnic_busy_spin_ns - how long to spin before sleeping
 * @win: the window (mpnic_busy_window())
 * @bound: the card's busy-poll bound, in ns; 0, never spin
 * @adaptive: the adaptive mode; off, spin @bound every time
 */
static inline u64 mpnic_busy_spin_ns(u64 win, u64 bound, bool adaptive)
{
	return adaptive ? mpnic_busy_clamp(win, bound) : bound;
}

#endif /* _MPNIC_BUSY_H */
