// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TESTING ONLY. Linked into protmm-crashtest, a protmm built for tests/cli
 * alone (never installed, never the protmm command), with
 * -Wl,--wrap=pmm_store: every store a scenario's 'write' makes comes here
 * first. Storing "SEGV", "ABRT" or "EXIT" before any store of "b" has
 * completed in the execution dies inside the model's step the way a bug
 * would (a fault, an abort(), a sanitizer runtime's exit); otherwise the
 * store is the model's. So whether an execution crashes depends on its
 * interleaving, and a scenario can crash in one of many.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protmm/machine.h"

int __real_pmm_store(struct pmm_process *p, unsigned long addr,
		     const void *buf, size_t len);
int __wrap_pmm_store(struct pmm_process *p, unsigned long addr,
		     const void *buf, size_t len);

/* Whether a store of "b" completed since the execution's first store. */
static bool b_stored;
static int *volatile nowhere;

static bool is(const void *buf, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(buf, word, len);
}

int __wrap_pmm_store(struct pmm_process *p, unsigned long addr,
		     const void *buf, size_t len)
{
	int ret;

	/* Each execution's init begins with the store of "a". */
	if (is(buf, len, "a"))
		b_stored = false;
	if (!b_stored && is(buf, len, "SEGV"))
		*nowhere = 1;
	if (!b_stored && is(buf, len, "ABRT"))
		abort();
	if (!b_stored && is(buf, len, "EXIT"))
		_exit(1);
	ret = __real_pmm_store(p, addr, buf, len);
	if (is(buf, len, "b"))
		b_stored = true;
	return ret;
}
