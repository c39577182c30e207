// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-campaign: random legal scenarios, explored with today's-kernel
 * knobs; any oracle that fires is a finding, minimised and written out.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "run.h"

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2
#define MAX_JOBS 64

static const char usage[] =
	"usage: protmm-campaign [--seed S] [--start I] [--count N] [--out DIR]\n"
	"                       [--jobs J] [--executions N] [--strategy pct|random|dfs]\n"
	"                       [--machine NAME] [--without VERB]...\n"
	"                       [--timeout SECONDS]\n"
	"                       [--no-minimise] [--print] [--verbose]\n"
	"\n"
	"Generates scenarios START .. START+COUNT-1 of campaign seed S (each from\n"
	"(S, I) alone), explores each with today's-kernel knobs and the budget of\n"
	"its explore line (--executions, default 300), and reports every oracle\n"
	"that fires, a crash, a hang or a scenario the parser refuses (a\n"
	"generator bug) as a finding. A finding is minimised (delta debugging\n"
	"over its statements, the same oracle kept) and written to DIR (default\n"
	"campaign-findings) as NAME-ORACLE.pmm, with its seed, schedule string\n"
	"and replay command, beside NAME.orig.pmm as generated.\n"
	"--without VERB leaves a statement kind out, to look past a known bug\n"
	"while it is fixed (the scenarios then differ). Without --seed, a seed\n"
	"is drawn and printed. --print writes the scenarios and runs nothing.\n"
	"Exit status: 0 no finding, 1 findings, 2 bad usage.\n";

struct args {
	struct cmp_config c;
	uint64_t start, count;
	unsigned int jobs;
	bool seed_given, print, verbose;
};

/* Whether --without left any statement kind out. */
static bool any_without(const struct gen_opts *o)
{
	unsigned int i;

	for (i = 0; i < GEN_MAX_VERBS / 64; i++)
		if (o->without[i])
			return true;
	return false;
}

static int bad(const char *fmt, const char *what)
{
	fprintf(stderr, "protmm-campaign: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

static bool number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int parse(int argc, char **argv, struct args *a)
{
	uint64_t v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--help")) {
			printf("%s", usage);
			exit(0);
		} else if (!strcmp(o, "--no-minimise")) {
			a->c.minimise = false;
			continue;
		} else if (!strcmp(o, "--print")) {
			a->print = true;
			continue;
		} else if (!strcmp(o, "--verbose")) {
			a->verbose = true;
			continue;
		}
		if (!val)
			return bad("%s needs a value", o);
		i++;
		if (!strcmp(o, "--seed")) {
			if (!number(val, UINT64_MAX, &a->c.seed))
				return bad("bad --seed '%s'", val);
			a->seed_given = true;
		} else if (!strcmp(o, "--start")) {
			if (!number(val, UINT64_MAX / 2, &a->start))
				return bad("bad --start '%s'", val);
		} else if (!strcmp(o, "--count")) {
			if (!number(val, UINT64_MAX / 2, &a->count))
				return bad("bad --count '%s'", val);
		} else if (!strcmp(o, "--jobs")) {
			if (!number(val, MAX_JOBS, &v) || !v)
				return bad("bad --jobs '%s' (1 to 64)", val);
			a->jobs = (unsigned int)v;
		} else if (!strcmp(o, "--executions")) {
			if (!number(val, 100000000, &v) || !v)
				return bad("bad --executions '%s'", val);
			a->c.gen.executions = (unsigned long)v;
		} else if (!strcmp(o, "--timeout")) {
			if (!number(val, 86400, &v) || !v)
				return bad("bad --timeout '%s' (1 to 86400 seconds)", val);
			a->c.run.timeout = (unsigned int)v;
		} else if (!strcmp(o, "--strategy")) {
			if (strcmp(val, "pct") && strcmp(val, "random") && strcmp(val, "dfs"))
				return bad("unknown --strategy '%s' (pct, random, dfs)", val);
			a->c.gen.strategy = val;
		} else if (!strcmp(o, "--machine")) {
			if (!arch_find(val))
				return bad("--machine '%s': not a machine this build models", val);
			a->c.gen.machine = val;
		} else if (!strcmp(o, "--without")) {
			if (gen_exclude(&a->c.gen, val))
				return bad("--without '%s': not a statement that can be left out", val);
		} else if (!strcmp(o, "--out")) {
			a->c.out_dir = val;
		} else {
			i--;
			return bad("unknown option '%s'", o);
		}
	}
	return 0;
}

static uint64_t draw_seed(void)
{
	uint64_t s = 0;
	FILE *f = fopen("/dev/urandom", "r");

	if (!f || fread(&s, sizeof(s), 1, f) != 1)
		s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (f)
		fclose(f);
	/* Short enough to type. */
	return s % 1000000000ull;
}

struct job {
	pid_t pid;
	int fd;
	uint64_t index;
	struct cmp_report rep;
	size_t got;
};

static bool spawn(const struct args *a, struct job *j, uint64_t index)
{
	int fds[2];

	if (pipe(fds))
		return false;
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (j->pid == 0) {
		struct cmp_report rep;
		ssize_t n;

		close(fds[0]);
		cmp_scenario(&a->c, index, &rep);
		n = write(fds[1], &rep, sizeof(rep));
		_exit(n == (ssize_t)sizeof(rep) ? 0 : 1);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->index = index;
	j->got = 0;
	return true;
}

/* Reads what a job sent; true when it is done (EOF). */
static bool drain(struct job *j)
{
	ssize_t n = read(j->fd, (char *)&j->rep + j->got, sizeof(j->rep) - j->got);

	if (n < 0 && errno == EINTR)
		return false;
	if (n > 0) {
		j->got += (size_t)n;
		return false;
	}
	return true;
}

static void finish_job(struct job *j)
{
	int status;

	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (j->got != sizeof(j->rep)) {
		/* The job runs no model code itself: this is the campaign's bug. */
		memset(&j->rep, 0, sizeof(j->rep));
		j->rep.index = j->index;
		j->rep.kind = CMP_ERROR;
		snprintf(j->rep.oracle, sizeof(j->rep.oracle), "campaign-error");
		snprintf(j->rep.message, sizeof(j->rep.message),
			 "the job for this scenario died (status %#x)", status);
	}
}

struct totals {
	uint64_t scenarios, findings, generator_bugs, executions;
	double model_seconds;
	/* Findings by oracle, in the order first met. */
	char oracles[16][32];
	unsigned int per_oracle[16], nr_oracles;
};

static void tally(struct totals *t, const struct cmp_report *r)
{
	unsigned int i;

	t->scenarios++;
	t->executions += r->executions;
	t->model_seconds += r->seconds;
	if (r->kind == CMP_OK)
		return;
	t->findings++;
	t->generator_bugs += r->kind == CMP_PARSE;
	for (i = 0; i < t->nr_oracles; i++)
		if (!strcmp(t->oracles[i], r->oracle))
			break;
	if (i == t->nr_oracles && i < 16)
		snprintf(t->oracles[t->nr_oracles++], 32, "%s", r->oracle);
	if (i < 16)
		t->per_oracle[i]++;
}

static void report(const struct args *a, const struct cmp_report *r)
{
	if (r->kind == CMP_OK) {
		if (a->verbose)
			printf("scenario %" PRIu64 ": no violation, %" PRIu64 " executions, "
			       "%.2fs\n", r->index, r->executions, r->seconds);
		return;
	}
	printf("FINDING scenario %" PRIu64 ": %s%s: %s\n", r->index,
	       r->kind == CMP_PARSE ? "generator bug, " : "", r->oracle, r->message);
	if (r->file[0])
		printf("  %s (minimised from %u to %u statements in %u runs)\n", r->file,
		       r->lines, r->lines_kept, r->minimise_runs);
	fflush(stdout);
}

static int print_scenarios(const struct args *a)
{
	static struct gen_scenario g;
	static char text[64 << 10];
	uint64_t i;

	for (i = a->start; i < a->start + a->count; i++) {
		long len;

		gen_scenario(a->c.seed, i, &a->c.gen, &g);
		len = gen_render(&g, NULL, NULL, text, sizeof(text));
		if (len < 0) {
			fprintf(stderr, "protmm-campaign: scenario %" PRIu64 " does not render\n", i);
			return EXIT_FINDINGS;
		}
		printf("%s%s", i > a->start ? "\n" : "", text);
	}
	return 0;
}

static int campaign(const struct args *a)
{
	struct job jobs[MAX_JOBS];
	struct pollfd pfd[MAX_JOBS];
	struct cmp_report *done;
	bool *finished;
	struct totals t = { 0 };
	uint64_t next = a->start, printed = a->start, end = a->start + a->count;
	unsigned int running = 0, i;
	struct timespec t0, t1;
	double wall;

	done = calloc(a->count, sizeof(*done));
	finished = calloc(a->count, sizeof(*finished));
	if (!done || !finished) {
		free(done);
		free(finished);
		fprintf(stderr, "protmm-campaign: out of memory\n");
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (printed < end) {
		while (running < a->jobs && next < end) {
			if (!spawn(a, &jobs[running], next)) {
				fprintf(stderr, "protmm-campaign: fork: %s\n", strerror(errno));
				if (!running) {
					free(done);
					free(finished);
					return EXIT_USAGE;
				}
				break;
			}
			running++;
			next++;
		}
		for (i = 0; i < running; i++)
			pfd[i] = (struct pollfd){ .fd = jobs[i].fd, .events = POLLIN };
		if (poll(pfd, running, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < running; i++) {
			if (!pfd[i].revents || !drain(&jobs[i]))
				continue;
			finish_job(&jobs[i]);
			done[jobs[i].index - a->start] = jobs[i].rep;
			finished[jobs[i].index - a->start] = true;
			jobs[i] = jobs[--running];
			/* pfd[] is stale past here: poll again. */
			break;
		}
		/* In order, whatever order the jobs ended in. */
		while (printed < end && finished[printed - a->start]) {
			report(a, &done[printed - a->start]);
			tally(&t, &done[printed - a->start]);
			printed++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("%" PRIu64 " scenarios (seed %" PRIu64 ", %" PRIu64 "..%" PRIu64 "): %" PRIu64
	       " findings", t.scenarios, a->c.seed, a->start, end - 1, t.findings);
	for (i = 0; i < t.nr_oracles; i++)
		printf("%s%u %s", i ? ", " : " (", t.per_oracle[i], t.oracles[i]);
	printf("%s, %" PRIu64 " generator bugs; %" PRIu64 " executions, %.1fs, "
	       "%.0f scenarios/min\n", t.nr_oracles ? ")" : "", t.generator_bugs,
	       t.executions, wall, wall > 0 ? (double)t.scenarios * 60.0 / wall : 0.0);
	free(done);
	free(finished);
	return t.findings ? EXIT_FINDINGS : 0;
}

int main(int argc, char **argv)
{
	struct args a = {
		.c = {
			.gen = GEN_OPTS_INIT,
			.run = { .timeout = 300, .show_stderr = true },
			.out_dir = "campaign-findings",
			.minimise = true,
			.max_minimise_runs = 400,
		},
		.count = 100,
		.jobs = 1,
	};
	int err = parse(argc, argv, &a);

	if (err)
		return err;
	if (!a.seed_given)
		a.c.seed = draw_seed();
	if (a.print)
		return print_scenarios(&a);
	if (!a.count)
		return bad("%s", "--count 0: nothing to run");
	if (mkdir(a.c.out_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "protmm-campaign: %s: %s\n", a.c.out_dir, strerror(errno));
		return EXIT_USAGE;
	}
	printf("protmm-campaign: seed %" PRIu64 ", scenarios %" PRIu64 "..%" PRIu64
	       ", %lu executions each (%s), %u job%s, findings to %s/\n", a.c.seed, a.start,
	       a.start + a.count - 1, a.c.gen.executions,
	       a.c.gen.strategy ? a.c.gen.strategy : "pct, random or dfs", a.jobs,
	       a.jobs == 1 ? "" : "s", a.c.out_dir);
	if (any_without(&a.c.gen)) {
		unsigned int v;

		printf("protmm-campaign: left out:");
		for (v = 0; v < gen_nr_verbs(); v++)
			if (gen_without(&a.c.gen, v))
				printf(" %s", gen_verb(v));
		printf("\n");
	}
	fflush(stdout);
	return campaign(&a);
}
