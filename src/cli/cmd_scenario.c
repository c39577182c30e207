// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm run, explore, replay, check, list: scenarios (or
 * built-in self-check programs) explored, replayed and reported. Each
 * exploration runs in a child process, so that a crash in model code is
 * reported as a violation and the next scenario still runs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/html.h"
#include "cli/report.h"
#include "explore/json.h"

/* Loads @file (@quiet: without printing its errors); 2 if it is malformed. */
static int target_open(const struct cli_args *a, const char *file,
		       struct target *t, bool quiet)
{
	struct scn_error err;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!file) {
		t->label = a->check->name;
		t->check = a->check;
		t->prog = *a->check->prog;
		if (a->check->reset)
			a->check->reset();
		return 0;
	}
	t->label = file;
	ret = scenario_load(file, &t->scn, &err);
	if (ret) {
		if (!quiet)
			scn_error_print(stderr, file, &err);
		return EXIT_USAGE;
	}
	scenario_program(t->scn, &t->prog);
	scenario_outcome_reset(t->scn);
	return 0;
}

static void target_close(struct target *t)
{
	scenario_free(t->scn);
	t->scn = NULL;
	pmm_knob_reset();
}

/* An option that makes no sense for the strategy in force: exit 2. */
static int inapplicable(const struct target *t, const char *what,
			const char *from)
{
	fprintf(stderr, "protmm: %s: %s: not with strategy %s (from %s)\n",
		t->label, what, pmm_strategy_name(t->opts.strategy), from);
	return EXIT_USAGE;
}

/* DFS and DPOR end by themselves; the samplers need a limit. */
static bool exhaustive(enum pmm_strategy s)
{
	return s == PMM_STRATEGY_DFS || s == PMM_STRATEGY_DPOR;
}

/* FNV-1a: what is explored, so a checkpoint of another search is refused. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The scenario's text, or the self-check's name, and the overrides. */
static uint64_t search_id(const struct cli_args *a, const struct target *t)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned int i;
	char *text;

	if (t->check) {
		h = fnv(h, t->label, strlen(t->label));
	} else if ((text = json_read_file(t->label))) {
		h = fnv(h, text, strlen(text));
		free(text);
	}
	for (i = 0; i < a->nr_overrides; i++) {
		h = fnv(h, a->overrides[i].key, strlen(a->overrides[i].key) + 1);
		h = fnv(h, a->overrides[i].value, strlen(a->overrides[i].value) + 1);
	}
	return h;
}

/* NAME.checkpoint (NAME.shard-K-of-N.checkpoint), in the current directory. */
static void default_checkpoint(const struct cli_args *a, struct target *t)
{
	const char *base = strrchr(t->label, '/');
	size_t n;

	base = base ? base + 1 : t->label;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".pmm"))
		n -= 4;
	if (a->output)
		snprintf(t->checkpoint, sizeof(t->checkpoint), "%s.checkpoint",
			 a->output);
	else if (t->opts.shard.count > 1)
		snprintf(t->checkpoint, sizeof(t->checkpoint),
			 "%.*s.shard-%u-of-%u.checkpoint", (int)n, base,
			 t->opts.shard.index, t->opts.shard.count);
	else
		snprintf(t->checkpoint, sizeof(t->checkpoint), "%.*s.checkpoint",
			 (int)n, base);
}

/*
 * explore: sharding, --output, checkpoints and --resume, which need a
 * strategy that can split and save its search (dfs, dpor).
 */
static int plan_search(const struct cli_args *a, struct target *t,
		       const char *from)
{
	struct pmm_explore_opts *o = &t->opts;

	o->shard = a->opts.shard;
	if (o->strategy != PMM_STRATEGY_DFS && o->strategy != PMM_STRATEGY_DPOR) {
		if (given(a, OPT_SHARD) || given(a, OPT_SHARD_DEPTH))
			return inapplicable(t, "--shard: not supported (only an "
					    "exhaustive search, dfs or dpor, splits)", from);
		if (a->output)
			return inapplicable(t, "--output: not supported (it writes "
					    "a shard of an exhaustive search)", from);
		if (a->checkpoint || a->resume)
			return inapplicable(t, "--checkpoint, --resume: not supported "
					    "(only an exhaustive search resumes)", from);
		return 0;
	}
	o->search_id = search_id(a, t);
	if (a->checkpoint)
		snprintf(t->checkpoint, sizeof(t->checkpoint), "%s", a->checkpoint);
	else
		default_checkpoint(a, t);
	o->checkpoint = t->checkpoint;
	o->resume = a->resume;
	if (t->scn) {
		o->counters = (uint64_t *)scenario_outcome(t->scn)->exists_seen;
		o->nr_counters = t->scn->nr_finals;
	}
	return 0;
}

/*
 * How @t is explored: the scenario's 'explore' line (or the defaults),
 * each field the command line gives replacing that field alone. The
 * scenario's preemption bound belongs to its dfs and goes if --strategy
 * replaces it; a command-line option the strategy in force has no use for
 * is an error. Without an 'explore' line, a scenario that expects no
 * violation is searched with DPOR, any other with DFS. A sampling strategy without a limit gets 100000
 * executions; run gives an exhaustive search a minute.
 */
static int target_plan(const struct cli_args *a, struct target *t,
		       enum command cmd)
{
	struct pmm_explore_opts *o = &t->opts;
	const struct pmm_explore_opts *c = &a->opts;
	const char *from = "the default";

	*o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	if (t->scn && t->scn->has_explore) {
		*o = t->scn->explore;
		from = "the scenario's 'explore' line";
	} else if (t->scn && t->scn->expect_ok) {
		/* A proof of no violation: one execution per trace does. */
		o->strategy = PMM_STRATEGY_DPOR;
		from = "the default for 'expect ok'";
	}
	if (given(a, OPT_STRATEGY)) {
		o->strategy = c->strategy;
		from = "--strategy";
	}
	if (given(a, OPT_SEED))
		o->seed = c->seed;
	if (given(a, OPT_DEPTH))
		o->pct_depth = c->pct_depth;
	if (given(a, OPT_EXECUTIONS))
		o->max_executions = c->max_executions;
	if (given(a, OPT_SECONDS))
		o->max_seconds = c->max_seconds;
	if (given(a, OPT_BOUND))
		o->step_bound = c->step_bound;
	if (given(a, OPT_PREEMPTIONS))
		o->preemptions = c->preemptions;
	o->stop_on_violation = c->stop_on_violation;
	o->schedule = c->schedule;
	if (cmd == CMD_REPLAY) {
		o->strategy = PMM_STRATEGY_REPLAY;
		return 0;
	}
	if (o->strategy != PMM_STRATEGY_DFS && !given(a, OPT_PREEMPTIONS))
		o->preemptions = PMM_PREEMPTIONS_ALL;
	if (given(a, OPT_SEED) && exhaustive(o->strategy))
		return inapplicable(t, "--seed seeds a random walk or PCT", from);
	if (given(a, OPT_DEPTH) && o->strategy != PMM_STRATEGY_PCT)
		return inapplicable(t, "--depth is PCT's bug depth", from);
	if (given(a, OPT_PREEMPTIONS) && o->strategy != PMM_STRATEGY_DFS)
		return inapplicable(t, "--preemptions bounds a depth-first search",
				    from);
	if (!exhaustive(o->strategy) && !o->max_executions && !o->max_seconds)
		o->max_executions = 100000;
	if (cmd == CMD_RUN && exhaustive(o->strategy) &&
	    !o->max_seconds && !o->max_executions)
		o->max_seconds = 60;
	if (cmd == CMD_EXPLORE) {
		int err = plan_search(a, t, from);

		if (err)
			return err;
	}
	if ((isatty(STDERR_FILENO) && a->format == FORMAT_TEXT) || a->progress) {
		o->progress = progress;
		o->progress_arg = (void *)t->label;
	}
	return 0;
}

/* Knobs: the scenario's config lines, then the command line's overrides. */
static void target_knobs(const struct cli_args *a, const struct target *t)
{
	struct scn_error err;
	unsigned int i;

	if (t->scn)
		scenario_apply_config(t->scn, &err);
	for (i = 0; i < a->nr_overrides; i++)
		pmm_knob_set(a->overrides[i].key, a->overrides[i].value);
}

/* Runs the exploration; on an error prints it and returns 1 or 2. */
static int explore_target(struct target *t, struct pmm_explore_result *r)
{
	int err = pmm_explore(&t->prog, &t->opts, r);

	if (t->opts.progress)
		progress_clear();
	if (!err)
		return 0;
	fprintf(stderr, "protmm: %s: %s\n", t->label,
		r->message[0] ? r->message : strerror(-err));
	pmm_explore_result_release(r);
	/* A bad schedule is bad input; anything else is the model's fault. */
	return err == -EINVAL ? EXIT_USAGE : EXIT_MISMATCH;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One target explored in a child process, the @n-th of the command. */
struct job {
	struct report *rp;
	struct target *t;
	unsigned int n;
};

/* explore --output: the shard's result, whatever the verdict. */
static int write_output(const struct report *rp, const struct target *t,
			const struct pmm_explore_result *r)
{
	int err;

	if (!rp->a->output)
		return 0;
	err = shard_output_write(rp->a, t, r);
	if (!err)
		return 0;
	fprintf(stderr, "protmm: %s: cannot write %s: %s\n", t->label,
		rp->a->output, strerror(-err));
	return EXIT_MISMATCH;
}

/* A file name from a scenario's name: letters, digits, '-', '_', '.'. */
static void page_name(char *buf, size_t len, unsigned int n, const char *name)
{
	size_t i, end;

	snprintf(buf, len, "%03u-%s.html", n, name);
	end = strlen(buf) - 5;
	for (i = 4; i < end; i++)
		if (!isalnum((unsigned char)buf[i]) && !strchr("-_.", buf[i]))
			buf[i] = '_';
}

/*
 * The page of the entry just printed: --html FILE (explore, replay), or
 * under --html-dir (run) when the exploration found a violation, named in
 * @row. @record: replay the schedule for the states. 0 or -errno, said.
 */
static int target_page(const struct report *rp, const struct target *t,
		       const struct pmm_explore_result *r, unsigned int n,
		       bool record, struct verdict_row *row)
{
	const struct cli_args *a = rp->a;
	char path[4096];
	int err;

	if (a->html) {
		snprintf(path, sizeof(path), "%s", a->html);
	} else if (a->html_dir && r->violations) {
		page_name(row->page, sizeof(row->page), n, row->name);
		snprintf(path, sizeof(path), "%s/%s", a->html_dir, row->page);
	} else {
		return 0;
	}
	err = html_trace_page(path, rp, t, r, record);
	if (err) {
		fprintf(stderr, "protmm: %s: cannot write %s: %s\n", t->label, path,
			strerror(-err));
		row->page[0] = '\0';
	}
	return err;
}

static void explore_child(void *arg, struct child_report *rep)
{
	struct job *j = arg;
	struct pmm_explore_result r;
	int err;

	rep->status = explore_target(j->t, &r);
	if (rep->status)
		return;
	rep->status = report_entry(j->rp, j->t, &r, j->n, &rep->interrupted);
	rep->printed = true;
	rep->row = j->rp->last;
	rep->html_failed = target_page(j->rp, j->t, &r, j->n, true, &rep->row) != 0;
	err = write_output(j->rp, j->t, &r);
	if (err && !rep->interrupted)
		rep->status = err;
	if (r.checkpointed)
		fprintf(stderr, "protmm: %s: search saved in %s; the same command "
			"with --resume %s goes on\n", j->t->label,
			j->t->opts.checkpoint, j->t->opts.checkpoint);
	else if (r.interrupted && j->t->opts.strategy == PMM_STRATEGY_DPOR)
		fprintf(stderr, "protmm: %s: no checkpoint: saving and resuming a "
			"dpor search is not supported\n", j->t->label);
	pmm_explore_result_release(&r);
}

/* The replay of a crash, its trace streamed to files that outlive it. */
struct trace_job {
	const struct target *t;
	const char *schedule;
	FILE *text, *json;
};

static void trace_child(void *arg, struct child_report *rep)
{
	struct trace_job *j = arg;
	struct pmm_explore_opts o = j->t->opts;
	struct pmm_explore_result r;

	replay_opts(&o, j->schedule);
	o.trace = true;
	o.trace_stream = j->text;
	o.trace_json_stream = j->json;
	rep->status = pmm_explore(&j->t->prog, &o, &r) ? EXIT_MISMATCH : 0;
	pmm_explore_result_release(&r);
}

static char *file_text(FILE *f)
{
	long n;
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		return NULL;
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		return NULL;
	}
	return buf;
}

static unsigned int count_of(const char *s, const char *needle)
{
	unsigned int n = 0;

	while (s && (s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* @s, then the printf of @fmt: a new string, or @s if out of memory. */
static char *append(char *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *append(char *s, const char *fmt, ...)
{
	char *tail, *out;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&tail, fmt, ap) < 0)
		tail = NULL;
	va_end(ap);
	if (!tail || asprintf(&out, "%s%s", s ? s : "", tail) < 0) {
		free(tail);
		return s;
	}
	free(tail);
	free(s);
	return out;
}

/*
 * The crash's trace: its schedule replayed in another child, which
 * streams the steps out before it dies the same way; the step that
 * crashed never ends, so the end line names it.
 */
static void crash_trace(const struct target *t, const struct pmm_explore_live *live,
			const char *how, struct pmm_explore_result *r)
{
	struct trace_job j = { t, r->schedule, tmpfile(), tmpfile() };
	uint64_t steps = live->nr_steps;
	unsigned int traced;
	struct child_end e;

	if (!j.text || !j.json || setvbuf(j.text, NULL, _IONBF, 0) ||
	    setvbuf(j.json, NULL, _IONBF, 0) || isolate(trace_child, &j, &e))
		goto out;
	r->trace = file_text(j.text);
	r->trace_json = file_text(j.json);
	if (!r->trace || !r->trace_json)
		goto out;
	if (e.reported) {
		r->trace = append(r->trace, "  note  replayed, this schedule did not "
				  "crash: the model is not deterministic\n");
		goto out;
	}
	traced = count_of(r->trace_json, "\"kind\":\"step\"");
	if (!steps)
		r->trace = append(r->trace, "   end  %s before the first step\n", how);
	else if (traced >= steps)
		r->trace = append(r->trace, "   end  %s after the last step\n", how);
	else
		r->trace = append(r->trace, "   end  %s in step %llu (task %u)\n", how,
				  (unsigned long long)steps - 1, live->steps[steps - 1]);
	r->trace_json = append(r->trace_json, "%s{\"kind\":\"end\",\"end\":\"crash\","
			       "\"crash\":\"%s\",\"steps\":%llu}\n]", traced ? ",\n" : "",
			       how, (unsigned long long)steps);
out:
	if (j.text)
		fclose(j.text);
	if (j.json)
		fclose(j.json);
}

/* A child that died in model code: a violation of the oracle "crash". */
static void crash_result(const struct target *t, const struct pmm_explore_live *live,
			 const struct child_end *e, double seconds,
			 struct pmm_explore_result *r)
{
	char buf[32], how[48];
	uint64_t n = live->execution;

	memset(r, 0, sizeof(*r));
	if (e->signal)
		snprintf(how, sizeof(how), "%s", signal_name(e->signal, buf, sizeof(buf)));
	else
		snprintf(how, sizeof(how), "exit status %d", e->exit_code);
	snprintf(r->oracle, sizeof(r->oracle), "crash");
	r->executions = n;
	r->violations = 1;
	r->violation_execution = n;
	r->seconds = seconds;
	if (!n) {
		snprintf(r->message, sizeof(r->message), "%s before the first execution",
			 how);
		return;
	}
	snprintf(r->message, sizeof(r->message), "%s in execution %llu", how,
		 (unsigned long long)n);
	r->schedule = pmm_schedule_format(live->steps, (size_t)live->nr_steps);
	if (r->schedule)
		crash_trace(t, live, how, r);
}

/* run --html-dir: @row goes into the index. */
static void keep_row(struct report *rp, const struct verdict_row *row)
{
	struct verdict_row *rows;

	if (!rp->a->html_dir)
		return;
	rows = realloc(rp->rows, (rp->nr_rows + 1) * sizeof(*rows));
	if (!rows) {
		rp->html_failed = true;
		return;
	}
	rp->rows = rows;
	rp->rows[rp->nr_rows++] = *row;
}

/*
 * Explores @t in a child and counts its verdict; a child that dies of a
 * signal (or exits without reporting: a sanitizer) is reported here as a
 * crash. Returns the child's status: 0, 1 or 2.
 */
static int explore_isolated(struct report *rp, struct target *t, unsigned int n)
{
	struct pmm_explore_live *live = live_map(t->opts.step_bound);
	struct job j = { rp, t, n };
	struct pmm_explore_result r;
	struct child_end e;
	double t0 = now();
	int err = -ENOMEM;
	bool cut = false;

	t->opts.live = live;
	t->opts.interrupt = stop_flag();
	if (live)
		err = isolate(explore_child, &j, &e);
	if (err) {
		fprintf(stderr, "protmm: %s: cannot explore in a child: %s\n",
			t->label, strerror(-err));
		live_unmap(live, t->opts.step_bound);
		return EXIT_MISMATCH;
	}
	if (e.reported) {
		err = e.report.status;
		cut = e.report.interrupted;
		rp->begun |= e.report.printed;
		rp->printed += e.report.printed;
		rp->html_failed |= e.report.html_failed;
		if (e.report.printed)
			keep_row(rp, &e.report.row);
	} else if (e.signal == SIGINT || e.signal == SIGTERM) {
		/* Stopped from outside, without a report: cut short. */
		signals_note(e.signal);
		cut = true;
	} else {
		if (t->opts.progress)
			progress_clear();
		crash_result(t, live, &e, now() - t0, &r);
		err = report_entry(rp, t, &r, n, &cut);
		if (write_output(rp, t, &r))
			err = EXIT_MISMATCH;
		/* Its replay would crash the same way: the page has no states. */
		if (target_page(rp, t, &r, n, false, &rp->last))
			rp->html_failed = true;
		keep_row(rp, &rp->last);
		pmm_explore_result_release(&r);
	}
	live_unmap(live, t->opts.step_bound);
	if (cut)
		rp->cut++;
	else if (err == EXIT_USAGE)
		rp->broken++;
	else if (err)
		rp->bad++;
	else
		rp->good++;
	return err;
}

static int one_target(int argc, char **argv, struct cli_args *a,
		      unsigned int allowed, const char *why)
{
	int err = parse_args(argc, argv, a, NULL, allowed, why);

	if (err)
		return err;
	if (!!a->check + a->nr_files != 1) {
		usage_error("%s needs one FILE (or --selfcheck NAME)", argv[0]);
		return EXIT_USAGE;
	}
	return 0;
}

/* The exit status of a command @sig stopped, else @status. */
static int finish(int sig, int status)
{
	char buf[32];

	if (!sig)
		return status;
	fprintf(stderr, "protmm: interrupted by %s\n", signal_name(sig, buf, sizeof(buf)));
	return 128 + sig;
}

/* explore and replay: one target, explored in a child, reported. */
static int one_exploration(const struct cli_args *a, enum command cmd)
{
	struct report rp = { .a = a, .cmd = cmd, .planned = 1 };
	struct target t;
	int err = target_open(a, a->nr_files ? a->files[0] : NULL, &t, false);

	if (err)
		return err;
	err = target_plan(a, &t, cmd);
	if (err) {
		target_close(&t);
		return err;
	}
	target_knobs(a, &t);
	signals_catch();
	err = explore_isolated(&rp, &t, 1);
	target_close(&t);
	/* A failed exploration printed its error and no document. */
	if (rp.printed || stop_signal())
		report_end(&rp, stop_signal());
	/* explore and replay report what they find; only errors fail. */
	if (rp.html_failed && !stop_signal())
		return EXIT_USAGE;
	return finish(stop_signal(), rp.printed ? 0 : err);
}

/* The options of run and explore (all of them) and of replay. */
#define SEARCH_OPTS (OPT_BIT(OPT_STRATEGY) | OPT_BIT(OPT_SEED) |		\
		     OPT_BIT(OPT_DEPTH) | OPT_BIT(OPT_EXECUTIONS) |		\
		     OPT_BIT(OPT_SECONDS) | OPT_BIT(OPT_PREEMPTIONS) |	\
		     OPT_BIT(OPT_ALL))
#define RUN_OPTS (SEARCH_OPTS | OPT_BIT(OPT_BOUND) | OPT_BIT(OPT_CONFIG) |	\
		  OPT_BIT(OPT_FORMAT) | OPT_BIT(OPT_SELFCHECK) |		\
		  OPT_BIT(OPT_SCHEDULE) | OPT_BIT(OPT_PROGRESS))
#define REPLAY_OPTS (OPT_BIT(OPT_SCHEDULE) | OPT_BIT(OPT_BOUND) |		\
		     OPT_BIT(OPT_CONFIG) | OPT_BIT(OPT_FORMAT) |		\
		     OPT_BIT(OPT_SELFCHECK))
#define EXPLORE_OPTS (RUN_OPTS | OPT_BIT(OPT_SHARD) |			\
		      OPT_BIT(OPT_SHARD_DEPTH) | OPT_BIT(OPT_OUTPUT) |	\
		      OPT_BIT(OPT_CHECKPOINT) | OPT_BIT(OPT_RESUME))

int cmd_explore(int argc, char **argv)
{
	struct cli_args a = { 0 };
	int err = one_target(argc, argv, &a, EXPLORE_OPTS | OPT_BIT(OPT_HTML), NULL);

	if (err)
		return err;
	if (a.opts.strategy == PMM_STRATEGY_REPLAY || a.opts.schedule) {
		usage_error("%s: use 'protmm replay' to follow a schedule", argv[0]);
		return EXIT_USAGE;
	}
	if (a.html && html_check_path(a.html))
		return EXIT_USAGE;
	return one_exploration(&a, CMD_EXPLORE);
}

int cmd_replay(int argc, char **argv)
{
	struct cli_args a = { 0 };
	int err = one_target(argc, argv, &a, REPLAY_OPTS | OPT_BIT(OPT_HTML),
			     "replay runs the one execution --schedule names");

	if (err)
		return err;
	if (!a.opts.schedule) {
		usage_error("%s needs --schedule S", argv[0]);
		return EXIT_USAGE;
	}
	if (a.html && html_check_path(a.html))
		return EXIT_USAGE;
	return one_exploration(&a, CMD_REPLAY);
}

/* The files a FILE|DIR argument stands for: .pmm files, sorted, recursively. */
struct file_list {
	char **names;
	unsigned int nr, cap;
};

static int add_file(struct file_list *l, const char *path)
{
	if (l->nr == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 64;
		char **n = realloc(l->names, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->names = n;
		l->cap = cap;
	}
	l->names[l->nr] = strdup(path);
	return l->names[l->nr++] ? 0 : -ENOMEM;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(struct file_list *l, const char *path, int depth)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return add_file(l, path);
	if (depth > 8 || !(d = opendir(path)))
		return depth > 8 ? -ELOOP : -errno;
	while (!err && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		if (stat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = collect(l, sub, depth + 1);
		else if (n > 4 && !strcmp(de->d_name + n - 4, ".pmm"))
			err = add_file(l, sub);
	}
	closedir(d);
	return err;
}

static void free_list(struct file_list *l)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		free(l->names[i]);
	free(l->names);
}

static int gather(const struct cli_args *a, struct file_list *l)
{
	unsigned int i;
	size_t start;
	int err;

	for (i = 0; i < a->nr_files; i++) {
		start = l->nr;
		err = collect(l, a->files[i], 0);
		if (err) {
			fprintf(stderr, "protmm: %s: %s\n", a->files[i], strerror(-err));
			return EXIT_USAGE;
		}
		qsort(l->names + start, l->nr - start, sizeof(*l->names), cmp_names);
	}
	return 0;
}

/*
 * Every option must apply to every scenario: checked before anything
 * runs, each scenario whose strategy an option does not fit named.
 */
static int plan_all(const struct cli_args *a, const struct file_list *l)
{
	struct target t;
	unsigned int i;
	int err = 0;

	for (i = 0; i < l->nr; i++) {
		/* A malformed file is reported when its turn comes. */
		if (target_open(a, l->names[i], &t, true))
			continue;
		if (target_plan(a, &t, CMD_RUN))
			err = EXIT_USAGE;
		target_close(&t);
	}
	return err;
}

/* The @n-th scenario of run. */
static void run_one(struct report *rp, const char *file, unsigned int n)
{
	struct target t;

	if (target_open(rp->a, file, &t, false)) {
		struct verdict_row row = { .verdict = "malformed" };

		rp->broken++;
		report_malformed(rp, file, n);
		snprintf(row.file, sizeof(row.file), "%s", file);
		snprintf(row.got, sizeof(row.got), "does not parse (protmm check %s)",
			 file);
		keep_row(rp, &row);
		return;
	}
	if (target_plan(rp->a, &t, CMD_RUN)) {
		rp->broken++;
	} else {
		target_knobs(rp->a, &t);
		explore_isolated(rp, &t, n);
	}
	target_close(&t);
}

static const char list_help[] =
	"usage: protmm list [FILE|DIR...]\n"
	"\n"
	"Lists each scenario (name, file, description), then the built-in\n"
	"self-check programs. Without arguments, the scenarios under\n"
	"./scenarios, if there is such a directory.\n";

int cmd_run(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct file_list l = { 0 };
	struct report rp = { .a = &a, .cmd = CMD_RUN };
	unsigned int i;
	int err = parse_args(argc, argv, &a, NULL, RUN_OPTS | OPT_BIT(OPT_HTML_DIR),
			     NULL);

	if (err)
		return err;
	if (a.check || !a.nr_files) {
		usage_error("%s", "run needs FILE|DIR arguments");
		return EXIT_USAGE;
	}
	if (a.opts.schedule) {
		usage_error("%s", "run: use 'protmm replay' to follow a schedule");
		return EXIT_USAGE;
	}
	err = gather(&a, &l);
	if (!err && !l.nr) {
		fprintf(stderr, "protmm: no .pmm scenario in the given paths\n");
		err = EXIT_USAGE;
	}
	if (!err)
		err = plan_all(&a, &l);
	if (!err && a.html_dir && html_prepare_dir(a.html_dir))
		err = EXIT_USAGE;
	if (err) {
		free_list(&l);
		return err;
	}
	signals_catch();
	rp.planned = l.nr;
	report_begin(&rp);
	for (i = 0; i < l.nr && !stop_signal(); i++)
		run_one(&rp, l.names[i], i + 1);
	rp.not_run = l.nr - i;
	report_end(&rp, stop_signal());
	free_list(&l);
	if (a.html_dir && (err = html_index_page(a.html_dir, &rp))) {
		fprintf(stderr, "protmm: cannot write %s/index.html: %s\n",
			a.html_dir, strerror(-err));
		rp.html_failed = true;
	}
	free(rp.rows);
	return finish(stop_signal(), rp.broken || rp.html_failed ? EXIT_USAGE :
		      rp.bad ? EXIT_MISMATCH : 0);
}

static const char check_help[] =
	"usage: protmm check FILE|DIR...\n"
	"\n"
	"Parses and checks each scenario (names, sizes, knobs, limits) and runs\n"
	"nothing. Exit 0 if every file is well formed, 2 otherwise.\n";

int cmd_check(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct file_list l = { 0 };
	unsigned int i, bad = 0;
	int err = parse_args(argc, argv, &a, check_help, 0, "check runs nothing");

	if (err)
		return err;
	if (!a.nr_files) {
		usage_error("%s", "check needs FILE|DIR arguments");
		return EXIT_USAGE;
	}
	err = gather(&a, &l);
	for (i = 0; !err && i < l.nr; i++) {
		struct scenario *s;
		struct scn_error e;

		if (scenario_load(l.names[i], &s, &e)) {
			scn_error_print(stderr, l.names[i], &e);
			bad++;
			continue;
		}
		printf("%s: ok (%s, %u threads)\n", l.names[i], s->name, s->nr_threads);
		scenario_free(s);
	}
	free_list(&l);
	return err ? err : bad ? EXIT_USAGE : 0;
}

int cmd_list(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct file_list l = { 0 };
	struct stat st;
	unsigned int i;
	int err = parse_args(argc, argv, &a, list_help, 0, "list runs nothing");

	if (err)
		return err;
	if (!a.nr_files && !stat("scenarios", &st) && S_ISDIR(st.st_mode))
		a.files[a.nr_files++] = "scenarios";
	err = gather(&a, &l);
	for (i = 0; !err && i < l.nr; i++) {
		struct scenario *s;
		struct scn_error e;

		if (scenario_load(l.names[i], &s, &e)) {
			scn_error_print(stderr, l.names[i], &e);
			err = EXIT_USAGE;
			break;
		}
		printf("%-28s %s\n", s->name, l.names[i]);
		if (s->description)
			printf("    %.*s\n", (int)strcspn(s->description, "\n"),
			       s->description + strspn(s->description, " \n"));
		scenario_free(s);
	}
	free_list(&l);
	if (err)
		return err;
	for (i = 0; i < nr_selfchecks; i++)
		printf("%-20s %s\n", selfchecks[i].name,
		       selfchecks[i].prog->description);
	return 0;
}
