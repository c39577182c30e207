// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario language's meaning: every operation runs what it names,
 * statuses land in registers, 'exists' needs one execution where its
 * condition holds and 'forbid' none, config lines set knobs, and the
 * parser's positions point at the offending token.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/knob.h"
#include "scenario/domain.h"
#include "scenario/scenario.h"

struct outcome {
	int err;
	struct pmm_explore_result r;
	uint64_t exists[SCN_MAX_CONDS];
};

/* Parses @src and explores it exhaustively (unless it says otherwise). */
static void run(const char *src, struct outcome *o)
{
	struct scenario *s;
	struct scn_error e;
	struct pmm_program prog;
	struct pmm_explore_opts opts;
	unsigned int i;

	memset(o, 0, sizeof(*o));
	if (scenario_parse("test.pmm", src, strlen(src), &s, &e))
		fail_msg("parse error at %d:%d: %s", e.pos.line, e.pos.col, e.msg);
	assert_int_equal(scenario_apply_config(s, &e), 0);
	scenario_program(s, &prog);
	scenario_outcome_reset(s);
	opts = s->has_explore ? s->explore : (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	opts.stop_on_violation = false;
	opts.trace = false;
	o->err = pmm_explore(&prog, &opts, &o->r);
	for (i = 0; i < s->nr_finals; i++)
		o->exists[i] = scenario_outcome(s)->exists_seen[i];
	scenario_free(s);
	pmm_knob_reset();
}

static void parse_error(const char *src, int line, int col, const char *msg)
{
	struct scenario *s;
	struct scn_error e;

	assert_int_equal(scenario_parse("t.pmm", src, strlen(src), &s, &e), -EINVAL);
	if (e.pos.line != line || e.pos.col != col || !strstr(e.msg, msg))
		fail_msg("got %d:%d: %s; want %d:%d: %s", e.pos.line, e.pos.col,
			 e.msg, line, col, msg);
}

/* @src runs clean: no violation, and each of its two exists holds. */
static void expect_clean(const char *src)
{
	struct outcome o;

	run(src, &o);
	assert_int_equal(o.err, 0);
	if (o.r.violations)
		fail_msg("%s: %s", o.r.oracle, o.r.message);
	assert_int_equal(o.exists[0], 1);
	assert_int_equal(o.exists[1], 1);
	pmm_explore_result_release(&o.r);
}

/* @src violates the "expect" oracle once, with @msg in its message. */
static void expect_oracle_fires(const char *src, const char *msg)
{
	struct outcome o;

	run(src, &o);
	assert_int_equal(o.r.violations, 1);
	assert_string_equal(o.r.oracle, "expect");
	assert_non_null(strstr(o.r.message, msg));
	pmm_explore_result_release(&o.r);
}

#define HEAD "scenario t\nmemory 1M\n"

/* Every memory operation once, in one thread: statuses as expected. */
static void test_memory_ops(void **state)
{
	struct outcome o;

	(void)state;
	run(HEAD
	    "init {\n process P\n on P: map a anon len 8K prot rw private\n}\n"
	    "thread T on P cpu 0 {\n"
	    " write a \"hi\" as w\n read a expect \"hi\" as r\n"
	    " mprotect a len 4K prot r as m\n write a \"x\" as ro\n"
	    " fork -> C as f\n on C: read a len 2 as cr\n on C: exit\n"
	    " munmap a len 8K as u\n read a len 1 as gone\n"
	    "}\n"
	    "exists w == ok and r == \"hi\" and m == ok and ro == segv\n"
	    "exists f == ok and cr == \"hi\" and u == ok and gone == efault\n"
	    "expect ok\n", &o);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.r.violations, 0);
	assert_int_equal(o.r.executions, 1);
	assert_int_equal(o.exists[0], 1);
	assert_int_equal(o.exists[1], 1);
	pmm_explore_result_release(&o.r);
}

/* Files, pipes, pins and DMA, and the expect of a read. */
static void test_file_ops(void **state)
{
	(void)state;
	expect_clean(HEAD
		     "init {\n process P\n file F size 16K\n file G size 16K\n pipe X\n"
		     " on P: map buf anon len 8K prot rw private\n"
		     " on P: write buf \"file\"\n}\n"
		     "thread T on P cpu 0 {\n"
		     " fwrite F from buf len 4 as w\n fsync F as s\n"
		     " fread F to buf+4096 len 4 as r\n read buf+4096 expect \"file\"\n"
		     " splice F to X len 4 as si\n splice X to G len 4 as so\n"
		     " fread G to buf+100 len 4\n read buf+100 expect \"file\"\n"
		     " splice F to X len 4\n pipe_read X to buf+200 len 4 as pr\n"
		     " read buf+200 expect \"file\"\n"
		     " fwrite_direct F from buf len 4K as dw\n fread_direct F to buf+4096 len 4K as dr\n"
		     " truncate F 2 as t\n fread F to buf+300 len 4 as short\n read buf+300 expect \"fi\"\n"
		     " punch G off 0 len 4K as p\n fread G to buf+400 len 2\n read buf+400 expect \"\\0\\0\"\n"
		     " pin buf write as pn\n dma pn write \"DMA\"\n dma pn read len 3 expect \"DMA\"\n unpin pn\n"
		     " read buf expect \"DMA\"\n"
		     "}\n"
		     "exists w == ok and s == ok and r == ok and si == ok and so == ok and pr == ok\n"
		     "exists dw == ok and dr == ok and t == ok and short == ok and p == ok\n"
		     "expect ok\n");
}

/* A read whose bytes differ from its expect is the "expect" oracle. */
static void test_expect_oracle(void **state)
{
	(void)state;
	expect_oracle_fires(HEAD "init {\n process P\n on P: map a anon len 4K prot rw private\n"
			    " on P: write a \"ab\"\n}\n"
			    "thread T on P cpu 0 { read a expect \"ax\" }\nexpect ok\n",
			    "found \"ab\", expected \"ax\"");
}

/*
 * exists and forbid over a race: T0 writes "1" while T1 reads. C(?)
 * interleavings; the reader sees the old or the new byte, and both
 * happen: exists for each holds in some execution; forbid of a third
 * value never fires, forbid of one that happens does.
 */
static void test_exists_forbid(void **state)
{
	static const char src[] = HEAD
		"init {\n process P\n on P: map a anon len 4K prot rw private\n"
		" on P: write a \"0\"\n}\n"
		"thread W on P cpu 0 { write a \"1\" }\n"
		"thread R on P cpu 1 { read a len 1 as r }\n"
		"exists r == \"0\"\nexists r == \"1\"\nforbid r == \"2\"\n%s\n";
	char buf[1024];
	struct outcome o;

	(void)state;
	snprintf(buf, sizeof(buf), src, "expect ok");
	run(buf, &o);
	assert_true(o.r.complete);
	assert_int_equal(o.r.violations, 0);
	assert_true(o.exists[0] > 0 && o.exists[1] > 0);
	assert_int_equal(o.exists[0] + o.exists[1], o.r.executions);
	pmm_explore_result_release(&o.r);

	snprintf(buf, sizeof(buf), src, "forbid r == \"1\"");
	run(buf, &o);
	assert_true(o.r.violations > 0);
	assert_string_equal(o.r.oracle, "forbid");
	assert_non_null(strstr(o.r.message, "forbid r == \"1\""));
	pmm_explore_result_release(&o.r);
}

/* refcount(), mapcount(), mapped(), pinned() and P:addr conditions. */
static void test_state_conditions(void **state)
{
	struct outcome o;

	(void)state;
	run(HEAD "init {\n process P\n on P: map a anon len 8K prot rw private\n"
	    " on P: write a \"x\"\n on P: pin a as p\n}\n"
	    "thread T on P cpu 0 { read a len 1 }\n"
	    "exists refcount(P:a) == 1025 and mapcount(P:a) == 1 and pinned(P:a)\n"
	    "exists mapped(P:a) and not mapped(P:a+4096) and P:a == \"x\"\n"
	    "exists refcount(P:a+4096) == 0 and mapcount(P:a) >= 1 and mapcount(P:a) < 2\n"
	    "expect ok\n", &o);
	assert_int_equal(o.exists[0], 1);
	assert_int_equal(o.exists[1], 1);
	assert_int_equal(o.exists[2], 1);
	/*
	 * The pin, never unpinned, is still held when the conditions are
	 * evaluated; it is released after them, as closing the driver's
	 * file would, so the teardown finds no leak.
	 */
	assert_int_equal(o.r.violations, 0);
	pmm_explore_result_release(&o.r);
}

/* config sets the knob for the run; the broken design is found. */
static void test_config_knob(void **state)
{
	static const char src[] = HEAD "config mm.zap_flush = %s\n"
		"init {\n process P\n on P: map a anon len 4K prot rw private\n"
		" on P: write a \"a\"\n}\n"
		"thread R on P cpu 0 { read a len 1; read a len 1 }\n"
		"thread U on P cpu 1 { munmap a len 4K }\nexpect ok\n";
	char buf[1024];
	struct outcome o;

	(void)state;
	snprintf(buf, sizeof(buf), src, "after_free");
	run(buf, &o);
	assert_true(o.r.violations > 0);
	assert_string_equal(o.r.oracle, "stale-tlb");
	pmm_explore_result_release(&o.r);
	snprintf(buf, sizeof(buf), src, "before_free");
	run(buf, &o);
	assert_true(o.r.complete);
	assert_int_equal(o.r.violations, 0);
	pmm_explore_result_release(&o.r);
}

/* A child forked in a thread is "esrch" to a thread that runs first. */
static void test_fork_in_thread(void **state)
{
	struct outcome o;

	(void)state;
	run(HEAD "init {\n process P\n on P: map a anon len 4K prot rw private\n"
	    " on P: write a \"p\"\n}\n"
	    "thread F on P cpu 0 { fork -> C }\n"
	    "thread U on P cpu 1 { on C: read a len 1 as c }\n"
	    "exists c == \"p\"\nexists c == esrch\nexpect ok\n", &o);
	assert_true(o.r.complete);
	assert_int_equal(o.r.violations, 0);
	assert_true(o.exists[0] > 0 && o.exists[1] > 0);
	pmm_explore_result_release(&o.r);
}

/* A register compared with a number: the count the operation returned. */
static void test_register_counts(void **state)
{
	(void)state;
	expect_clean(HEAD
		     "init {\n process P\n file F size 16K\n"
		     " on P: map buf anon len 8K prot rw private\n on P: write buf \"file!\"\n}\n"
		     "thread T on P cpu 0 {\n"
		     " fwrite F from buf len 5 as w\n truncate F 2\n fread F to buf+4096 len 5 as r\n"
		     " munmap buf len 8K\n fwrite F from buf len 5 as bad\n"
		     "}\n"
		     "exists w == 5 and w >= 5 and w < 6 and r == 2 and r != 5\n"
		     "exists bad == efault and bad != 0 and not bad == 0 and not bad >= 0\n"
		     "forbid w != 5\n"
		     "expect ok\n");
}

#define MTE_HEAD "scenario t\nmachine arm64-mte\nmemory 1M\nswap 1M\n"

/*
 * Tags: STG then LDG, tagged pointers (a wrong tag is a tag-check fault,
 * SIGSEGV), tags() of the end state.
 */
static void test_tag_statements(void **state)
{
	(void)state;
	expect_clean(MTE_HEAD
		     "init {\n process P\n on P: map a anon len 4K prot rw,mte private\n}\n"
		     "thread T on P cpu 0 {\n"
		     " store_tags a 0x3 len 32 as st\n store_tags a+32 0x7 len 16\n"
		     " load_tags a len 32 expect 0x3 as lt\n write a tag 0x3 \"hi\" as w\n"
		     " read a tag 3 expect \"hi\" as r\n read a tag 4 len 1 as bad\n"
		     " write a+32 tag 7 \"x\" as w7\n"
		     "}\n"
		     "exists st == ok and lt == ok and w == ok and r == \"hi\" and w7 == ok\n"
		     "exists bad == segv and tags(P:a) == 3 and tags(P:a+32) == 7 and tags(P:a+48) == 0\n"
		     "expect ok\n");
}

/* load_tags whose tags differ from its expect is the "expect" oracle. */
static void test_tag_expect_oracle(void **state)
{
	(void)state;
	expect_oracle_fires(MTE_HEAD "init {\n process P\n on P: map a anon len 4K prot rw,mte private\n"
			    " on P: store_tags a 0x3 len 16\n}\n"
			    "thread T on P cpu 0 { load_tags a len 32 expect 0x3 }\nexpect ok\n",
			    "found tag 0 in granule +0x10, expected 0x3");
}

/* The new forms' errors point at the token that is wrong. */
static void test_mte_error_positions(void **state)
{
	(void)state;
	parse_error("scenario t\ninit {\n process P\n on P: map a anon len 4K prot rw,mte private\n}\n",
		    4, 34, "prot mte needs machine arm64-mte");
	parse_error(MTE_HEAD "init {\n process P\n on P: map a anon len 4K prot rw,mte private\n"
		    " on P: store_tags a+4 3 len 16\n}\n", 8, 19, "not a multiple of 16");
	parse_error(MTE_HEAD "init {\n process P\n on P: map a anon len 4K prot rw,mte private\n"
		    " on P: write a tag 99 \"x\"\n}\n", 8, 20, "tag 0x63 is not 0 to 0xf");
	parse_error(MTE_HEAD "init {\n process P\n process Q\n on P: map g anon len 4K prot rw private\n"
		    " vm V on P mte\n}\nthread T on Q cpu 0 { guest_read V 0x0 len 1 }\n",
		    11, 34, "vm 'V' runs in process 'P'");
	parse_error("scenario t\nswap 1M\nswap 2M\n", 3, 1, "one 'swap' line");
}

/* Positions of errors point at the token that is wrong. */
static void test_error_positions(void **state)
{
	(void)state;
	parse_error("scenario t\nthread T on P cpu 0 { }\n", 2, 13, "no process named 'P'");
	parse_error("scenario t\ninit {\n process P\n on P: map a anon len 4K prot rwz private\n}\n",
		    4, 31, "bad protection 'rwz'");
	parse_error("scenario t\nmemory 3000\n", 2, 8, "multiple of 4K");
	parse_error("scenario t\ninit {\n process P\n}\nthread T on P cpu 9 {\n}\n",
		    5, 19, "cpu 9 does not exist");
	parse_error("scenario t\ninit {\n process P\n}\nthread T on P cpu 0 { write 0x1000 \"x }\n",
		    5, 36, "string not closed");
}

/*
 * The domains' tables make one language: a verb is named once across
 * them (another would be shadowed, unreachable), each can be parsed and
 * run, takes only options the parser knows, and is what scn_word() and
 * scn_verb_options() report to the manual and campaign tests.
 */
static void test_domain_registry(void **state)
{
	const struct scn_domain *const *d;
	unsigned int i, nr = 0, nr_opts = 0;

	(void)state;
	while (scn_word(SCN_WORD_OPTION, nr_opts))
		nr_opts++;
	for (d = scn_domains; *d; d++) {
		assert_non_null((*d)->name);
		assert_true((*d)->nr_verbs > 0);
		for (i = 0; i < (*d)->nr_verbs; i++, nr++) {
			const struct scn_verb *v = &(*d)->verbs[i];

			if (scn_verb_find(v->name) != v)
				fail_msg("verb '%s' of domain %s is named twice", v->name,
					 (*d)->name);
			assert_non_null(v->parse);
			assert_non_null(v->exec);
			assert_int_equal(v->options & ~((1u << nr_opts) - 1), 0);
			assert_string_equal(scn_word(SCN_WORD_VERB, nr), v->name);
			assert_int_equal(scn_verb_options(v->name), v->options);
		}
	}
	assert_null(scn_word(SCN_WORD_VERB, nr));
	assert_null(scn_verb_find("swapout"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_ops),
		cmocka_unit_test(test_file_ops),
		cmocka_unit_test(test_expect_oracle),
		cmocka_unit_test(test_exists_forbid),
		cmocka_unit_test(test_state_conditions),
		cmocka_unit_test(test_config_knob),
		cmocka_unit_test(test_fork_in_thread),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_register_counts),
		cmocka_unit_test(test_tag_statements),
		cmocka_unit_test(test_tag_expect_oracle),
		cmocka_unit_test(test_mte_error_positions),
		cmocka_unit_test(test_domain_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
