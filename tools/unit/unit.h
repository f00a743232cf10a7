/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TAP producer for the user-space unit tests. */
#ifndef _MPNIC_UNIT_H
#define _MPNIC_UNIT_H

#include <stdio.h>

static int unit_n, unit_failed;

#define UNIT_OK(cond, ...) do {						\
		int unit_ok_ = !!(cond);	/* evaluated once */	\
		unit_n++;						\
		if (!unit_ok_)						\
			unit_failed++;					\
		printf("%sok %d - ", unit_ok_ ? "" : "not ", unit_n);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif /* _MPNIC_UNIT_H */
