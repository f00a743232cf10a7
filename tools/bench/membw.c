// SPDX-License-Identifier: GPL-2.0
/*
 * membw: memcpy bandwidth of one CPU, for `make bench`. Every frame mpnic
 * carries is copied twice (wire to card memory, card memory to a host
 * buffer), so memcpy bandwidth / 2 bounds what one engine can move.
 *
 *   membw [MIB] [SECS]    prints "memcpy gbit_s=X" (default 64 MiB, 2 s)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? atol(argv[1]) : 64) << 20;
	double secs = argc > 2 ? atof(argv[2]) : 2, start, t;
	unsigned long copies = 0;
	char *a = malloc(len), *b = malloc(len);

	if (!a || !b)
		return 1;
	memset(a, 1, len);
	memset(b, 2, len);	/* fault every page in before timing */
	start = now();
	do {
		memcpy(copies & 1 ? a : b, copies & 1 ? b : a, len);
		copies++;
		t = now();
	} while (t - start < secs);
	printf("memcpy gbit_s=%.2f\n", copies * (double)len * 8 / (t - start) / 1e9);
	free(a);
	free(b);
	return 0;
}
