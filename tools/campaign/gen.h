/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The random-program campaign's generator: legal scenarios (.pmm text the
 * project's own parser accepts) over every machine and every statement of
 * the language, with today's-kernel knobs and no expectation but `expect
 * ok`. Scenario I of seed S depends on (S, I) alone.
 *
 * A scenario is kept as lines (init statements, then each thread's) so the
 * minimiser can drop some and render the rest; a pin's line and its unpin
 * go or stay together (an unpinned pin is a driver's leak, not the
 * kernel's).
 *
 * Statements come from a table (gen.c: stmt_gens[]), one generator per
 * statement kind: a statement the language gains later is one more entry.
 */
#ifndef PMM_CAMPAIGN_GEN_H
#define PMM_CAMPAIGN_GEN_H

/* Statement kinds the generator may have (a bit each in gen_opts.without). */
#define GEN_MAX_VERBS 256

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_MAX_THREADS	4
#define GEN_MAX_LINES	96
#define GEN_LINE	176

/* gen_line.thread of init's lines, and of the final conditions. */
#define GEN_INIT	(-1)
#define GEN_FINAL	(-2)

struct gen_line {
	char text[GEN_LINE];
	/* GEN_INIT, GEN_FINAL ('exists' lines), or the thread's index. */
	int thread;
	/* A pin line and its unpin share an id; -1 for other lines. */
	int pin;
	bool unpin;
	/* The statement kind (the verb of the table's entry). */
	const char *verb;
};

struct gen_thread {
	char name[8];
	char proc[8];
	unsigned int cpu;
};

struct gen_scenario {
	uint64_t seed, index;
	/* The options besides seed and index that made it, for its command. */
	char args[128];
	char name[48];
	char machine[16];
	/* Lines between the description and 'init' (memory, swap, explore). */
	char header[256];
	struct gen_thread threads[GEN_MAX_THREADS];
	unsigned int nr_threads;
	struct gen_line lines[GEN_MAX_LINES];
	unsigned int nr_lines;
};

struct gen_opts {
	/* Executions the scenario's explore line asks for. */
	unsigned long executions;
	/* "pct", "random", "dfs", or NULL for a mix drawn per scenario. */
	const char *strategy;
	/* Only this machine ("generic", "arm64-mte"), or NULL for both. */
	const char *machine;
	/*
	 * Statement kinds never generated (bit i: gen_verb(i)), to look past
	 * a known bug while it is being fixed. A pin without its uses and
	 * unpin, a declaration: not excludable (gen_exclude() says).
	 */
	uint64_t without[GEN_MAX_VERBS / 64];
};

#define GEN_OPTS_INIT { .executions = 300, .strategy = NULL, .machine = NULL, .without = { 0 } }

/* Whether statement kind @v (gen_verb(v)) is left out. */
static inline bool gen_without(const struct gen_opts *o, unsigned int v)
{
	return o->without[v / 64] >> (v % 64) & 1;
}

/* Adds @verb to o->without: 0, or -EINVAL when it cannot be left out. */
int gen_exclude(struct gen_opts *o, const char *verb);

/* Scenario @index of campaign @seed, into @out. */
void gen_scenario(uint64_t seed, uint64_t index, const struct gen_opts *o,
		  struct gen_scenario *out);

/*
 * The scenario's text with only the lines @keep says (NULL: all), and
 * @comment (may be NULL) as '#' lines at the top. Returns the length, or
 * -1 when it does not fit @cap (or no thread keeps a line).
 */
long gen_render(const struct gen_scenario *g, const bool *keep,
		const char *comment, char *buf, size_t cap);

/* The statement kinds the generator knows, for coverage checks. */
unsigned int gen_nr_verbs(void);
const char *gen_verb(unsigned int i);

#endif /* PMM_CAMPAIGN_GEN_H */
