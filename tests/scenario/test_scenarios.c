// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario files under $SCENARIOS, run by the protmm command ($PROTMM)
 * as a user would: `protmm run FILE` must exit 0 with "as expected", each
 * file being one cmocka test.
 *
 * A scenario that expects a violation shows a bug of an older or broken
 * kernel, selected by its config line. For each, the knob value that
 * fixes the bug (today's kernel) is in fixes[] below, and the test runs
 * `protmm run FILE --config KEY=VALUE` too: in the same exploration budget
 * no violation may be found any more, so the verdict must turn to "NOT as
 * expected ... no violation" (exit 1). A scenario expecting a violation
 * without an entry here fails, as does an entry without its file: a new
 * bug scenario must come with the proof that its knob is what makes it.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../common/run_protmm.h"

/* Scenario (path under $SCENARIOS) -> the knob setting that fixes it. */
static const struct fix {
	const char *file;
	const char *config;
} fixes[] = {
	{ "core/gupfast-vs-munmap.pmm", "gup.fast_recheck=on" },
	{ "core/gupfast-vs-pgtable-free.pmm", "mm.pgtable_free=rcu" },
	{ "core/thp-gupfast-vs-pgtable-free.pmm", "mm.pgtable_free=rcu" },
	{ "core/hugetlb-gupfast-vs-pgtable-free.pmm", "tlb.flush=ipi" },
	{ "regress/thp-pinned-cow-shared-at-fork.pmm", "fork.pinned_cow=copy" },
	{ "core/cow-vs-pin-across-fork.pmm", "fork.pinned_cow=copy" },
	{ "core/fork-vs-pinned-buffer.pmm", "fork.pinned_cow=copy" },
	{ "core/munmap-tlb-flush.pmm", "mm.zap_flush=before_free" },
	{ "seed001/splice-to-nic-missing.pmm", "s390.splice_accessible=present" },
	{ "seed002/mprotect-race.pmm", "mte.sync=mte_lock" },
	{ "seed002/page-lock-proposal.pmm", "mte.sync=mte_lock" },
	{ "seed002/kvm-parallel-sanitise-bit.pmm", "mte.sync=mte_lock" },
	{ "seed002/kvm-parallel-sanitise-deferred.pmm", "kvm.mmu_lock=spinlock" },
	{ "seed002/kvm-parallel-sanitise-page-lock.pmm", "mte.sync=mte_lock" },
	{ "seed004/gupfast-vs-convert-mapcount-only.pmm", "gmem.convert=safe_refcount" },
	{ "seed004/odirect-vs-convert-mapcount-only.pmm", "gmem.convert=safe_refcount" },
	{ "seed004/vmsplice-vs-convert-exclusive-pin.pmm", "gmem.convert=safe_refcount" },
	{ "seed004/vmsplice-vs-convert-mapcount-only.pmm", "gmem.convert=safe_refcount" },
	{ "seed004/vmsplice-vs-convert-wait-pins.pmm", "gmem.convert=safe_refcount" },
	{ "seed004/punch-vs-vcpu-fault-no-retry.pmm", "kvm.mmu_retry=on" },
	{ "seed004/release-vs-vcpu-fault-no-retry.pmm", "kvm.mmu_retry=on" },
	{ "seed004/host-fault-vs-convert-no-fault-lock.pmm", "gmem.fault_lock=invalidate_lock" },
	{ "seed004/host-fault-vs-convert-no-fault-lock-snp.pmm", "gmem.fault_lock=invalidate_lock" },
	{ "seed002/guest-tags-over-swap.pmm", "mte.sync_when=user" },
	{ "seed002/tags-freed-early.pmm", "mte.tags_lifetime=swap_entry" },
	{ "seed002/deferred-tag-loss.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-mprotect-leak-bit.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-mprotect-leak-page-lock.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-mprotect-loss-bit.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-mprotect-loss-deferred.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-mprotect-loss-page-lock.pmm", "mte.sync=mte_lock" },
	{ "seed002/shmem-mte-fault-race-page-lock.pmm", "mte.sync=mte_lock" },
	{ "regress/swapin-free-before-restore.pmm", "swap.restore_order=map_first" },
	{ "seed003/ww-reserve-opposite-order-mutex.pmm", "ttm.reserve=ww" },
	{ "seed003/dirty-tracking-across-move-fake-vma.pmm", "ttm.fault_prot=per_page" },
	{ "seed003/bo-move-two-processes-vma-fixed.pmm", "ttm.fault_prot=per_page" },
	{ "seed000/mprotect-decrypted-coherent-clobber.pmm", "x86.pgprot_modify=keep_enc" },
	{ "seed003/device-reads-encrypted-guest-memory.pmm", "dma.sev_bounce=force" },
};

#define NR_FIXES (sizeof(fixes) / sizeof(fixes[0]))

static const char spdx[] = "# SPDX-License-Identifier: LGPL-2.1-or-later\n";

/* One cmocka test: a scenario file, and the override for its flip run. */
struct scn_case {
	char *rel;		/* path under $SCENARIOS */
	char *path;
	const char *config;	/* NULL: the plain run */
	char *name;
};

static const char *env_or_fail(const char *var)
{
	const char *v = getenv(var);

	if (!v || !*v) {
		fprintf(stderr, "test-scenarios: %s is not set\n", var);
		exit(1);
	}
	return v;
}

/* The exit status, or 128 + the signal that ended it. */
static int status(const struct run *r)
{
	return r->signaled ? 128 + r->signal : r->exit_code;
}

/* protmm run FILE [--config KEY=VALUE], stdout and stderr captured. */
static void run_scenario(const char *file, const char *config, struct run *r)
{
	const char *args[] = { "run", file, config ? "--config" : NULL, config, NULL };

	assert_true(run_protmm(r, args));
}

/* Fails with the command's outputs in the message. */
static void check_run(struct run *r, bool ok, const char *what)
{
	char msg[8192];

	if (ok) {
		run_release(r);
		return;
	}
	snprintf(msg, sizeof(msg), "%s\nexit %d\n--- stdout\n%.3000s\n--- stderr\n%.3000s",
		 what, status(r), r->out, r->err);
	run_release(r);
	fail_msg("%s", msg);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Whether the scenario has an 'expect violation' line. */
static bool expects_violation(const char *src)
{
	const char *p = src;

	for (; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		p += strspn(p, " \t");
		if (!strncmp(p, "expect", 6) && strchr(" \t", p[6])) {
			const char *w = p + 6 + strspn(p + 6, " \t");

			if (!strncmp(w, "violation", 9))
				return true;
		}
	}
	return false;
}

static const struct fix *fix_for(const char *rel)
{
	unsigned int i;

	for (i = 0; i < NR_FIXES; i++)
		if (!strcmp(fixes[i].file, rel))
			return &fixes[i];
	return NULL;
}

/* protmm run FILE: exit 0, "as expected" and nothing else. */
static void test_run(void **state)
{
	const struct scn_case *c = *state;
	char *src = read_file(c->path);
	bool violation = expects_violation(src);
	bool licensed = !strncmp(src, spdx, sizeof(spdx) - 1);
	struct run r;

	free(src);
	if (!licensed)
		fail_msg("%s does not start with '%.*s'", c->rel, (int)sizeof(spdx) - 2, spdx);
	if (violation && !fix_for(c->rel))
		fail_msg("%s expects a violation but has no entry in fixes[] "
			 "(tests/scenario/test_scenarios.c): which knob value fixes it?",
			 c->rel);
	run_scenario(c->path, NULL, &r);
	check_run(&r, status(&r) == 0 && !strncmp(r.out, "as expected ", 12) &&
		  strstr(r.out, "\n1 scenarios: 1 as expected, 0 NOT as expected, "
			 "0 malformed\n"),
		  "protmm run: expected exit 0 and 'as expected'");
}

/* protmm run FILE --config FIX: the bug is gone, so the verdict turns. */
static void test_fixed(void **state)
{
	const struct scn_case *c = *state;
	struct run r;

	run_scenario(c->path, c->config, &r);
	check_run(&r, status(&r) == 1 && !strncmp(r.out, "NOT as expected ", 16) &&
		  strstr(r.out, ", got no violation") &&
		  strstr(r.out, "\n1 scenarios: 0 as expected, 1 NOT as expected, "
			 "0 malformed\n"),
		  "protmm run --config FIX: expected exit 1, 'NOT as expected' "
		  "and 'no violation'");
}

/* Every entry of fixes[] names a scenario that exists. */
static void test_fixes_exist(void **state)
{
	const char *dir = env_or_fail("SCENARIOS");
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FIXES; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, fixes[i].file);
		if (stat(path, &st))
			fail_msg("fixes[] names %s, which does not exist", fixes[i].file);
	}
}

struct list {
	char **names;
	size_t nr, cap;
};

static void add(struct list *l, const char *rel)
{
	if (l->nr == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->names = realloc(l->names, l->cap * sizeof(*l->names));
		if (!l->names)
			abort();
	}
	l->names[l->nr] = strdup(rel);
	if (!l->names[l->nr++])
		abort();
}

/* The .pmm files under @root/@rel, as paths relative to @root. */
static void collect(struct list *l, const char *root, const char *rel)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "test-scenarios: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((de = readdir(d))) {
		char sub[4096], full[8192];
		size_t n = strlen(de->d_name);
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		if (stat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			collect(l, root, sub);
		else if (n > 4 && !strcmp(de->d_name + n - 4, ".pmm"))
			add(l, sub);
	}
	closedir(d);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

int main(void)
{
	const char *root = env_or_fail("SCENARIOS");
	struct list l = { 0 };
	struct CMUnitTest *tests;
	struct scn_case *cases;
	size_t i, nt = 0, nc = 0;
	int ret;

	env_or_fail("PROTMM");
	collect(&l, root, "");
	if (!l.nr) {
		fprintf(stderr, "test-scenarios: no .pmm file under %s\n", root);
		return 1;
	}
	qsort(l.names, l.nr, sizeof(*l.names), cmp_names);
	tests = calloc(2 * l.nr + 1, sizeof(*tests));
	cases = calloc(2 * l.nr, sizeof(*cases));
	if (!tests || !cases)
		abort();
	tests[nt++] = (struct CMUnitTest){ "fixes[] entries exist", test_fixes_exist,
					   NULL, NULL, NULL };
	for (i = 0; i < l.nr; i++) {
		const struct fix *f = fix_for(l.names[i]);
		struct scn_case *c = &cases[nc++];

		c->rel = l.names[i];
		c->path = fmt("%s/%s", root, l.names[i]);
		c->name = fmt("run %s", l.names[i]);
		tests[nt++] = (struct CMUnitTest){ c->name, test_run, NULL, NULL, c };
		if (!f)
			continue;
		c = &cases[nc++];
		c->rel = l.names[i];
		c->path = fmt("%s/%s", root, l.names[i]);
		c->config = f->config;
		c->name = fmt("run %s --config %s", l.names[i], f->config);
		tests[nt++] = (struct CMUnitTest){ c->name, test_fixed, NULL, NULL, c };
	}
	ret = _cmocka_run_group_tests("scenarios", tests, nt, NULL, NULL);
	for (i = 0; i < nc; i++) {
		free(cases[i].path);
		free(cases[i].name);
	}
	for (i = 0; i < l.nr; i++)
		free(l.names[i]);
	free(l.names);
	free(cases);
	free(tests);
	return ret;
}
