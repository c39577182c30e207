// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DPOR on the model's own scenarios: `protmm run FILE --strategy dpor`
 * must finish the search and come out as expected, as plain DFS does
 * (scenario-core). The scenarios' exists and forbid lines are the outcome
 * classes DFS reaches, so a step whose yield point does not name an
 * object it touches (a store through the TLB, a walk that fills it) makes
 * DPOR treat dependent steps as independent, miss an outcome, and fail
 * here. Only scenarios whose DPOR search completes in seconds are listed.
 *
 * Each of the later entries failed before the footprint it names was
 * added: DPOR missed the outcome or the violation DFS finds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/run_protmm.h"

static const char *const files[] = {
	"core/mprotect-vs-store.pmm",
	"core/truncate-vs-mapped-page.pmm",
	"core/force-write-ro-private-file.pmm",
	"core/hugetlbfs-truncate-vs-fault.pmm",
	"core/splice-vs-truncate.pmm",
	"core/thp-cow-vs-pin-across-fork.pmm",
	"regress/get-ref-write-after-fork.pmm",
	"regress/copy-tags-vs-mprotect.pmm",
	"regress/fork-copies-pinned-page-vs-dma.pmm",
	"regress/fork-vs-gupfast-backoff.pmm",
	/* process_gone() reads the exited flag at a yield point of its own. */
	"regress/exit-vs-read.pmm",
	"regress/exit-vs-read-reversed.pmm",
	"regress/exit-vs-odirect.pmm",
	"regress/exit-vs-gupfast.pmm",
	/*
	 * Expected violations: GUP-fast's check that its table is still one
	 * reads the flags pgtable_free() clears (a step of its own).
	 */
	"core/gupfast-vs-pgtable-free.pmm",
	"core/hugetlb-gupfast-vs-pgtable-free.pmm",
	"core/thp-gupfast-vs-pgtable-free.pmm",
	/*
	 * The allocation's step names the count of the frame it hands out,
	 * and local_irq_restore() is a step that ends an RCU reader.
	 */
	"core/gupfast-vs-munmap.pmm",
};

#define NR_FILES (sizeof(files) / sizeof(files[0]))

static void test_scenario(void **state)
{
	const char *rel = *state, *dir = getenv("SCENARIOS");
	char path[4096], msg[8192];
	const char *args[] = { "run", path, "--strategy", "dpor", "--seconds", "60",
			       NULL };
	struct run r;
	bool ok;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_true(run_protmm(&r, args));
	/* A violation ends the search: only a verdict of ok must be complete. */
	ok = !r.signaled && r.exit_code == 0 && r.out &&
	     !strncmp(r.out, "as expected", 11) &&
	     (strstr(r.out, "got violation") || strstr(r.out, "(dpor, complete"));
	snprintf(msg, sizeof(msg), "%s under dpor:\n%.3000s\n%.3000s", rel,
		 r.out ? r.out : "", r.err ? r.err : "");
	run_release(&r);
	if (!ok)
		fail_msg("%s", msg);
}

int main(void)
{
	struct CMUnitTest tests[NR_FILES];
	size_t i;

	for (i = 0; i < NR_FILES; i++)
		tests[i] = (struct CMUnitTest){ .name = files[i],
			.test_func = test_scenario,
			.initial_state = (void *)(uintptr_t)files[i] };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
