// SPDX-License-Identifier: LGPL-2.1-or-later
/* Schedule strings: "0x3.1.0x2" is task 0 three steps, 1 one, 0 two. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "protmm/explore.h"

/* Reads a decimal number at *p (at most @max); false if there is none. */
static bool parse_num(const char **p, unsigned long max, unsigned long *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	*p = s;
	*out = v;
	return true;
}

long pmm_schedule_parse(const char *s, uint8_t *steps, size_t cap,
			size_t *err_col)
{
	const char *p = s;
	size_t n = 0;

	while (*p) {
		unsigned long id, rep = 1;

		if (!parse_num(&p, PMM_MAX_TASKS - 1, &id))
			goto bad;
		if (*p == 'x') {
			const char *count = ++p;

			if (!parse_num(&p, 1ul << 40, &rep) || rep == 0) {
				p = count;
				goto bad;
			}
		}
		if (*p == '.' && p[1])
			p++;
		else if (*p)
			goto bad;
		if (rep > cap - n)
			return -E2BIG;
		while (rep--)
			steps[n++] = (uint8_t)id;
	}
	return (long)n;
bad:
	*err_col = (size_t)(p - s) + 1;
	return -EINVAL;
}

char *pmm_schedule_format(const uint8_t *steps, size_t n)
{
	char *buf = NULL;
	size_t len = 0, i = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	while (i < n) {
		size_t j = i;

		while (j < n && steps[j] == steps[i])
			j++;
		fprintf(f, "%s%u", i ? "." : "", steps[i]);
		if (j - i > 1)
			fprintf(f, "x%zu", j - i);
		i = j;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
