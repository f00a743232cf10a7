/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adaptive busy-poll: how long an engine that just ran out of work keeps
 * polling its rings before it sleeps. Pure logic (tools/unit/test_busy.c).
 *
 * The card gives a bound B (devlink param busy_poll_us). With the adaptive
 * mode off the engine spins B each time it runs out of work. With it on (the
 * default) it spins a window W between B/16 and B, which follows the idle
 * gaps it measures, each from the pass that first found no work to the next
 * pass that found some, whether the engine spun or slept meanwhile:
 *  - a gap within B: W becomes twice the gap (a spin that long would have
 *    caught it), or three quarters of W if that is more, so that one quick
 *    answer does not shrink W below the next slower one;
 *  - a gap past B: no spin within the bound would have caught it, W halves.
 * A request/response flow whose answers come within B keeps W just above
 * its gaps; frames further apart than B leave the engine spinning B/16,
 * which still finds out when they come closer again.
 */
#ifndef _MPNIC_BUSY_H
#define _MPNIC_BUSY_H

#include "pure.h"

/* The shortest window, as a fraction of the bound: 1/16 */
#define MPNIC_BUSY_FLOOR_SHIFT	4

/* @win within [@bound / 16, @bound] */
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
