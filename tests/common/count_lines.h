// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared by the tests that read a trace as text: how many of its lines
 * hold a string. Header-only: each test program includes it once.
 */
#ifndef PMM_TESTS_COMMON_COUNT_LINES_H
#define PMM_TESTS_COMMON_COUNT_LINES_H

#include <string.h>

/* Lines of @s that hold @needle; every line when @needle is NULL. */
static inline unsigned int count_lines(const char *s, const char *needle)
{
	unsigned int n = 0;
	const char *line = s;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (!needle || memmem(line, len, needle, strlen(needle)))
			n++;
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

#endif
