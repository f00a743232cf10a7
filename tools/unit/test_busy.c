// SPDX-License-Identifier: GPL-2.0
/*
 * Adaptive busy-poll: the spin window follows request/response gaps within
 * the bound, shrinks to its floor for frames further apart, comes back when
 * they come closer, and never leaves [bound / 16, bound].
 */
#include "unit.h"
#include "../../drivers/net/mpnic/busy.h"

#define US	1000ull
#define MS	(1000 * US)

/* The window after @n gaps of @gap, starting from @win */
static u64 feed(u64 win, u64 gap, u64 bound, int n)
{
	while (n--)
		win = mpnic_busy_window(win, gap, bound);
	return win;
}

int main(void)
{
	const u64 bound = 1 * MS;
	u64 win, spin, gap;
	int i, ok;

	/* Before any gap: the whole bound */
	UNIT_OK(mpnic_busy_spin_ns(~0ull, bound, true) == bound, "first spin is the bound");
	UNIT_OK(mpnic_busy_spin_ns(~0ull, 0, true) == 0, "bound 0: no spin, adaptive");
	UNIT_OK(mpnic_busy_spin_ns(~0ull, 0, false) == 0, "bound 0: no spin, fixed");

	/* Request/response 300 us apart: settles at twice the gap, and catches it */
	win = feed(~0ull, 300 * US, bound, 20);
	spin = mpnic_busy_spin_ns(win, bound, true);
	UNIT_OK(spin == 600 * US, "gaps of 300 us: window %llu us, want 600",
		(unsigned long long)(spin / US));

	/* One quick answer shrinks the window by a quarter, not to the gap */
	win = mpnic_busy_window(win, 10 * US, bound);
	UNIT_OK(win == 450 * US, "one 10 us gap after 300 us ones: %llu us, want 450",
		(unsigned long long)(win / US));
	/* ... so the next 300 us answer is still caught */
	UNIT_OK(mpnic_busy_spin_ns(win, bound, true) > 300 * US, "the next 300 us gap is caught");

	/* Frames 50 ms apart: the window halves to its floor in five gaps */
	win = feed(~0ull, 50 * MS, bound, 5);
	UNIT_OK(mpnic_busy_spin_ns(win, bound, true) == bound / 16,
		"gaps past the bound: floor after 5 (%llu us)", (unsigned long long)(win / US));
	win = feed(win, 50 * MS, bound, 100);
	UNIT_OK(win == bound / 16, "the floor holds");

	/* ... and comes back at once when they come within the bound */
	win = mpnic_busy_window(win, 400 * US, bound);
	UNIT_OK(win == 800 * US, "a 400 us gap after sparse ones: %llu us, want 800",
		(unsigned long long)(win / US));

	/* Gaps just under the bound: the window is the bound, not past it */
	win = feed(win, 900 * US, bound, 3);
	UNIT_OK(win == bound, "gaps of 900 us: the window is the bound");

	/* The mode off: the bound every time, whatever the window */
	UNIT_OK(mpnic_busy_spin_ns(bound / 16, bound, false) == bound, "fixed mode: the bound");

	/* A smaller bound set later clamps the window at use */
	UNIT_OK(mpnic_busy_spin_ns(800 * US, 100 * US, true) == 100 * US,
		"a window past a new, smaller bound is clamped");

	/* Any sequence of gaps keeps the window within [bound / 16, bound] */
	win = ~0ull;
	ok = 1;
	gap = 12345;
	for (i = 0; i < 100000; i++) {
		gap = gap * 6364136223846793005ull + 1442695040888963407ull;
		win = mpnic_busy_window(win, (gap >> 33) % (3 * bound), bound);
		if (win < bound / 16 || win > bound)
			ok = 0;
	}
	UNIT_OK(ok, "100000 random gaps: the window stays within its bounds");

	return unit_done();
}
