// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm run, explore, replay, check, list, knobs, oracles: scenarios (or
 * built-in self-check programs) explored, replayed and reported.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* What is being explored: a scenario file, or a self-check program. */
struct target {
	const char *label;
	struct scenario *scn;
	const struct selfcheck *check;
	struct pmm_program prog;
	struct pmm_explore_opts opts;
};

/* Loads @file; on a bad scenario prints file:line:col and returns 2. */
static int target_open(const struct cli_args *a, const char *file,
		       struct target *t)
{
	struct scn_error err;
	int ret;

	memset(t, 0, sizeof(*t));
	t->opts = a->opts;
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

/*
 * Knobs: the scenario's config lines, then the command line's overrides.
 * Exploration: the scenario's 'explore' line unless the command line set
 * a strategy or budget; a sampling strategy gets 100000 executions.
 */
static void target_configure(const struct cli_args *a, struct target *t,
			     bool run_budget)
{
	struct scn_error err;
	unsigned int i;

	if (t->scn) {
		scenario_apply_config(t->scn, &err);
		if (t->scn->has_explore && !a->opts_given) {
			t->opts = t->scn->explore;
			t->opts.stop_on_violation = a->opts.stop_on_violation;
			t->opts.schedule = a->opts.schedule;
			if (a->opts.seed != 1)
				t->opts.seed = a->opts.seed;
		}
	}
	/* --preemptions asks for a bounded depth-first search. */
	if (a->preemptions_given) {
		t->opts.strategy = PMM_STRATEGY_DFS;
		t->opts.preemptions = a->opts.preemptions;
	}
	for (i = 0; i < a->nr_overrides; i++)
		pmm_knob_set(a->overrides[i].key, a->overrides[i].value);
	if ((t->opts.strategy == PMM_STRATEGY_RANDOM ||
	     t->opts.strategy == PMM_STRATEGY_PCT) && !t->opts.max_executions &&
	    !t->opts.max_seconds)
		t->opts.max_executions = 100000;
	/* run: an exhaustive search that outgrows a minute stops there. */
	if (run_budget && t->opts.strategy == PMM_STRATEGY_DFS && !t->opts.max_seconds &&
	    !t->opts.max_executions)
		t->opts.max_seconds = 60;
	if (isatty(STDERR_FILENO) && a->format == FORMAT_TEXT) {
		t->opts.progress = progress;
		t->opts.progress_arg = (void *)t->label;
	}
}

/* The command that replays @schedule of this target, overrides included. */
static void print_replay_command(FILE *f, const struct cli_args *a,
				 const struct target *t, const char *schedule)
{
	unsigned int i;

	if (t->check)
		fprintf(f, "protmm replay --selfcheck %s", t->label);
	else
		fprintf(f, "protmm replay %s", t->label);
	for (i = 0; i < a->nr_overrides; i++)
		fprintf(f, " --config %s=%s", a->overrides[i].key, a->overrides[i].value);
	fprintf(f, " --schedule %s", schedule);
}

static const char *target_name(const struct target *t)
{
	return t->scn ? t->scn->name : t->label;
}

static void print_counterexample(const struct cli_args *a, const struct target *t,
				 const struct pmm_explore_result *r)
{
	printf("%s: violation %s: %s\n", target_name(t), r->oracle, r->message);
	printf("  found in execution %llu (%s, seed %llu)\n",
	       (unsigned long long)r->violation_execution,
	       pmm_strategy_name(t->opts.strategy),
	       (unsigned long long)t->opts.seed);
	printf("  schedule: %s\n", r->schedule);
	printf("  replay:   ");
	print_replay_command(stdout, a, t, r->schedule);
	printf("\n");
	if (r->trace)
		printf("%s", r->trace);
}

/* ", complete", or ", complete to 2 preemptions" for a bounded search. */
static const char *completeness(const struct target *t,
				const struct pmm_explore_result *r)
{
	static char buf[64];

	if (!r->complete)
		return "";
	if (t->opts.preemptions == PMM_PREEMPTIONS_ALL)
		return ", complete";
	snprintf(buf, sizeof(buf), ", complete to %u preemption%s",
		 t->opts.preemptions, t->opts.preemptions == 1 ? "" : "s");
	return buf;
}

static void print_summary(const struct target *t,
			  const struct pmm_explore_result *r)
{
	printf("%s: %llu executions (%s%s), %llu violating, %llu deadlocks, "
	       "%llu cut at bound %u, %.2fs\n", target_name(t),
	       (unsigned long long)r->executions,
	       pmm_strategy_name(t->opts.strategy), completeness(t, r),
	       (unsigned long long)r->violations,
	       (unsigned long long)r->deadlocks,
	       (unsigned long long)r->truncated, t->opts.step_bound,
	       r->seconds);
}

static void json_result(FILE *f, const struct cli_args *a, const struct target *t,
			const struct pmm_explore_result *r)
{
	fprintf(f, "{\"name\":");
	json_string(f, target_name(t));
	fprintf(f, ",\"file\":");
	json_string(f, t->check ? "" : t->label);
	fprintf(f, ",\"strategy\":\"%s\",\"seed\":%llu,\"executions\":%llu,"
		"\"violations\":%llu,\"deadlocks\":%llu,\"truncated\":%llu,"
		"\"complete\":%s,\"preemptions\":%d,\"seconds\":%.3f",
		pmm_strategy_name(t->opts.strategy), (unsigned long long)t->opts.seed,
		(unsigned long long)r->executions, (unsigned long long)r->violations,
		(unsigned long long)r->deadlocks, (unsigned long long)r->truncated,
		r->complete ? "true" : "false",
		t->opts.preemptions == PMM_PREEMPTIONS_ALL ? -1 :
		(int)t->opts.preemptions, r->seconds);
	if (r->violations) {
		char *cmd = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&cmd, &len);

		if (m) {
			print_replay_command(m, a, t, r->schedule);
			fclose(m);
		}
		fprintf(f, ",\"violation\":{\"oracle\":");
		json_string(f, r->oracle);
		fprintf(f, ",\"message\":");
		json_string(f, r->message);
		fprintf(f, ",\"execution\":%llu,\"schedule\":",
			(unsigned long long)r->violation_execution);
		json_string(f, r->schedule);
		fprintf(f, ",\"replay\":");
		json_string(f, cmd ? cmd : "");
		fprintf(f, ",\"trace\":%s}", r->trace_json ? r->trace_json : "null");
		free(cmd);
	} else if (r->trace_json) {
		/* A replay without a violation still has its trace. */
		fprintf(f, ",\"trace\":%s", r->trace_json);
	}
	fprintf(f, "}");
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

static int one_target(int argc, char **argv, struct cli_args *a)
{
	int err = parse_args(argc, argv, a, NULL);

	if (err)
		return err;
	if (!!a->check + a->nr_files != 1) {
		usage_error("%s needs one FILE (or --selfcheck NAME)", argv[0]);
		return EXIT_USAGE;
	}
	return 0;
}

static void print_explored(const struct cli_args *a, const struct target *t,
			   const struct pmm_explore_result *r)
{
	if (r->violations)
		print_counterexample(a, t, r);
	print_summary(t, r);
}

static void print_replayed(const struct cli_args *a, const struct target *t,
			   const struct pmm_explore_result *r)
{
	(void)a;
	printf("%s: schedule %s\n", target_name(t), t->opts.schedule);
	printf("%s", r->trace ? r->trace : "");
	if (r->violations)
		printf("%s: violation %s: %s\n", target_name(t), r->oracle, r->message);
	else
		printf("%s: no violation\n", target_name(t));
}

/* explore and replay: one target, explored, printed as text or JSON. */
static int one_exploration(const struct cli_args *a, bool replay,
			   void (*print)(const struct cli_args *, const struct target *,
					 const struct pmm_explore_result *))
{
	struct pmm_explore_result r;
	struct target t;
	int err = target_open(a, a->nr_files ? a->files[0] : NULL, &t);

	if (err)
		return err;
	target_configure(a, &t, false);
	if (replay) {
		t.opts.strategy = PMM_STRATEGY_REPLAY;
		t.opts.progress = NULL;
	}
	err = explore_target(&t, &r);
	if (!err) {
		if (a->format == FORMAT_JSON) {
			json_result(stdout, a, &t, &r);
			printf("\n");
		} else {
			print(a, &t, &r);
		}
		pmm_explore_result_release(&r);
	}
	target_close(&t);
	return err;
}

int cmd_explore(int argc, char **argv)
{
	struct cli_args a = { 0 };
	int err = one_target(argc, argv, &a);

	if (err)
		return err;
	if (a.opts.strategy == PMM_STRATEGY_REPLAY || a.opts.schedule) {
		usage_error("%s: use 'protmm replay' to follow a schedule", argv[0]);
		return EXIT_USAGE;
	}
	return one_exploration(&a, false, print_explored);
}

int cmd_replay(int argc, char **argv)
{
	struct cli_args a = { 0 };
	int err = one_target(argc, argv, &a);

	if (err)
		return err;
	if (!a.opts.schedule) {
		usage_error("%s needs --schedule S", argv[0]);
		return EXIT_USAGE;
	}
	return one_exploration(&a, true, print_replayed);
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

/* The verdict of one scenario run. */
struct verdict {
	bool as_expected;
	char expected[96];
	char got[160];
};

static void judge(const struct target *t, const struct pmm_explore_result *r,
		  struct verdict *v)
{
	const struct scenario *s = t->scn;
	const struct scn_outcome *o = scenario_outcome(s);
	unsigned int i;
	bool found = r->violations > 0;

	if (s->expect_oracle[0])
		snprintf(v->expected, sizeof(v->expected), "violation %s", s->expect_oracle);
	else
		snprintf(v->expected, sizeof(v->expected), "ok");
	if (found)
		snprintf(v->got, sizeof(v->got), "violation %s in execution %llu",
			 r->oracle, (unsigned long long)r->violation_execution);
	else
		snprintf(v->got, sizeof(v->got), "no violation%s",
			 r->complete ? " in any interleaving" : " found");
	v->as_expected = s->expect_oracle[0] ? found && !strcmp(r->oracle, s->expect_oracle) :
			 !found;
	for (i = 0; i < s->nr_finals; i++) {
		if (s->finals[i].forbid || o->exists_seen[i])
			continue;
		v->as_expected = false;
		snprintf(v->got + strlen(v->got), sizeof(v->got) - strlen(v->got),
			 "; '%s' never held", s->finals[i].text);
	}
}

static void print_verdict_text(const struct cli_args *a, const struct target *t,
			       const struct pmm_explore_result *r,
			       const struct verdict *v)
{
	printf("%-16s %s: expected %s, got %s; %llu executions (%s%s), %.2fs\n",
	       v->as_expected ? "as expected" : "NOT as expected", t->label,
	       v->expected, v->got, (unsigned long long)r->executions,
	       pmm_strategy_name(t->opts.strategy), completeness(t, r),
	       r->seconds);
	if (!v->as_expected && r->violations) {
		printf("  schedule: %s\n  replay:   ", r->schedule);
		print_replay_command(stdout, a, t, r->schedule);
		printf("\n%s", r->trace ? r->trace : "");
	}
}

static void print_verdict(const struct cli_args *a, const struct target *t,
			  const struct pmm_explore_result *r,
			  const struct verdict *v, unsigned int n)
{
	switch (a->format) {
	case FORMAT_TEXT:
		print_verdict_text(a, t, r, v);
		break;
	case FORMAT_TAP:
		printf("%s %u - %s # expected %s, got %s; %llu executions\n",
		       v->as_expected ? "ok" : "not ok", n, t->label, v->expected,
		       v->got, (unsigned long long)r->executions);
		break;
	case FORMAT_JSON:
		printf("%s{\"verdict\":\"%s\",\"expected\":", n > 1 ? "," : "",
		       v->as_expected ? "as expected" : "NOT as expected");
		json_string(stdout, v->expected);
		printf(",\"got\":");
		json_string(stdout, v->got);
		printf(",\"result\":");
		json_result(stdout, a, t, r);
		printf("}\n");
		break;
	}
}

/* 0 as expected, 1 not, 2 unreadable or malformed. */
static int run_one(const struct cli_args *a, const char *file, unsigned int n)
{
	struct pmm_explore_result r;
	struct verdict v;
	struct target t;
	int err = target_open(a, file, &t);

	if (err)
		return err;
	target_configure(a, &t, true);
	err = explore_target(&t, &r);
	if (!err) {
		judge(&t, &r, &v);
		print_verdict(a, &t, &r, &v, n);
		err = v.as_expected ? 0 : EXIT_MISMATCH;
		pmm_explore_result_release(&r);
	}
	target_close(&t);
	return err;
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
	unsigned int i, good = 0, bad = 0, broken = 0;
	int err = parse_args(argc, argv, &a, NULL);

	if (err)
		return err;
	if (a.check || !a.nr_files) {
		usage_error("%s", "run needs FILE|DIR arguments");
		return EXIT_USAGE;
	}
	err = gather(&a, &l);
	if (!err && !l.nr) {
		fprintf(stderr, "protmm: no .pmm scenario in the given paths\n");
		err = EXIT_USAGE;
	}
	if (err) {
		free_list(&l);
		return err;
	}
	if (a.format == FORMAT_TAP)
		printf("TAP version 13\n1..%u\n", l.nr);
	else if (a.format == FORMAT_JSON)
		printf("{\"scenarios\":[\n");
	for (i = 0; i < l.nr; i++) {
		int ret = run_one(&a, l.names[i], i + 1);

		good += ret == 0;
		bad += ret == EXIT_MISMATCH;
		broken += ret == EXIT_USAGE;
	}
	if (a.format == FORMAT_JSON)
		printf("],\"as_expected\":%u,\"not_as_expected\":%u,\"malformed\":%u}\n",
		       good, bad, broken);
	else if (a.format == FORMAT_TEXT)
		printf("%u scenarios: %u as expected, %u NOT as expected, %u malformed\n",
		       l.nr, good, bad, broken);
	free_list(&l);
	return broken ? EXIT_USAGE : bad ? EXIT_MISMATCH : 0;
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
	int err = parse_args(argc, argv, &a, check_help);

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
	int err = parse_args(argc, argv, &a, list_help);

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

int cmd_knobs(int argc, char **argv)
{
	struct pmm_knob_info k;
	unsigned int i, v;

	(void)argv;
	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: protmm knobs\n\nLists every knob, its values "
			       "(the first is the default: today's kernel) and what it "
			       "selects.\n");
			return 0;
		}
		usage_error("knobs: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; !pmm_knob_get(i, &k); i++) {
		printf("%s =", k.name);
		for (v = 0; k.values[v]; v++)
			printf(" %s%s", k.values[v], v ? "" : " (default)");
		printf("\n    %s\n", k.description);
	}
	return 0;
}

int cmd_oracles(int argc, char **argv)
{
	unsigned int i;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: protmm oracles\n\nLists the oracles: what "
			       "'expect violation NAME' may name.\n");
			return 0;
		}
		usage_error("oracles: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; i < nr_oracles; i++)
		printf("%-20s %s\n", oracles[i].name, oracles[i].description);
	return 0;
}
