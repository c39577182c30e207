// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One scenario, explored in a child process; delta debugging over its
 * lines; the finding written as a scenario file that replays it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protmm/knob.h"
#include "run.h"
#include "scenario/scenario.h"

#define TEXT_MAX (64u << 10)

/* What the child sends back: this, then the schedule's bytes. */
struct wire {
	enum cmp_kind kind;
	char oracle[32];
	char message[PMM_MSG_MAX];
	uint64_t executions, truncated, steps;
	double seconds;
	size_t schedule_len;
};

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads until EOF into a growing buffer; returns its length or -1. */
static long read_all(int fd, char **out)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	while (buf) {
		if (len == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			*out = buf;
			return (long)len;
		}
		len += (size_t)n;
	}
	free(buf);
	return -1;
}

/* The child: parse, explore with the scenario's own line, report. */
static void child(const char *text, long len, const struct cmp_run_opts *o, int fd)
{
	struct pmm_explore_result res;
	struct pmm_explore_opts opts;
	struct pmm_program prog;
	struct scenario *s;
	struct scn_error err;
	struct wire w;
	int ret;

	memset(&w, 0, sizeof(w));
	if (o->timeout)
		alarm(o->timeout);
	if (scenario_parse("generated.pmm", text, (size_t)len, &s, &err)) {
		w.kind = CMP_PARSE;
		snprintf(w.oracle, sizeof(w.oracle), "generator");
		snprintf(w.message, sizeof(w.message), "%d:%d: %.200s", err.pos.line,
			 err.pos.col, err.msg);
		write_all(fd, &w, sizeof(w));
		_exit(0);
	}
	if (scenario_apply_config(s, &err)) {
		w.kind = CMP_PARSE;
		snprintf(w.oracle, sizeof(w.oracle), "generator");
		snprintf(w.message, sizeof(w.message), "config: %.200s", err.msg);
		write_all(fd, &w, sizeof(w));
		_exit(0);
	}
	scenario_program(s, &prog);
	scenario_outcome_reset(s);
	opts = s->explore;
	opts.stop_on_violation = true;
	opts.trace = false;
	opts.progress = NULL;
	ret = pmm_explore(&prog, &opts, &res);
	if (ret) {
		w.kind = CMP_ERROR;
		snprintf(w.oracle, sizeof(w.oracle), "explore-error");
		snprintf(w.message, sizeof(w.message), "pmm_explore: %.40s%s%.180s", strerror(-ret),
			 res.message[0] ? ": " : "", res.message);
	} else {
		w.kind = res.violations ? CMP_VIOLATION : CMP_OK;
		if (res.violations) {
			snprintf(w.oracle, sizeof(w.oracle), "%s", res.oracle);
			snprintf(w.message, sizeof(w.message), "%s", res.message);
		}
		w.executions = res.executions;
		w.truncated = res.truncated;
		w.steps = res.steps;
		w.seconds = res.seconds;
		w.schedule_len = res.violations && res.schedule ? strlen(res.schedule) : 0;
	}
	if (write_all(fd, &w, sizeof(w)) && w.schedule_len)
		write_all(fd, res.schedule, w.schedule_len);
	_exit(0);
}

static void died(struct cmp_result *r, int status, bool reported)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		r->kind = CMP_HANG;
		snprintf(r->oracle, sizeof(r->oracle), "hang");
		snprintf(r->message, sizeof(r->message), "no answer within the time limit");
	} else if (WIFSIGNALED(status)) {
		r->kind = CMP_CRASH;
		snprintf(r->oracle, sizeof(r->oracle), "crash");
		snprintf(r->message, sizeof(r->message), "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else if (!reported || WEXITSTATUS(status)) {
		/* A sanitizer reports, then exits non-zero. */
		r->kind = CMP_CRASH;
		snprintf(r->oracle, sizeof(r->oracle), "crash");
		snprintf(r->message, sizeof(r->message), "exited with status %d%s",
			 WEXITSTATUS(status), reported ? "" : " before reporting");
	}
}

void cmp_run(const char *text, long len, const struct cmp_run_opts *o,
	     struct cmp_result *r)
{
	struct wire w;
	char *buf = NULL;
	long n;
	int fds[2], status = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(fds)) {
		r->kind = CMP_ERROR;
		snprintf(r->oracle, sizeof(r->oracle), "explore-error");
		snprintf(r->message, sizeof(r->message), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (!o->show_stderr) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, STDERR_FILENO);
		}
		child(text, len, o, fds[1]);
	}
	close(fds[1]);
	n = pid < 0 ? -1 : read_all(fds[0], &buf);
	close(fds[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (pid < 0) {
		r->kind = CMP_ERROR;
		snprintf(r->oracle, sizeof(r->oracle), "explore-error");
		snprintf(r->message, sizeof(r->message), "fork: %s", strerror(errno));
		return;
	}
	if (n >= (long)sizeof(w)) {
		memcpy(&w, buf, sizeof(w));
		r->kind = w.kind;
		memcpy(r->oracle, w.oracle, sizeof(r->oracle));
		memcpy(r->message, w.message, sizeof(r->message));
		r->executions = w.executions;
		r->truncated = w.truncated;
		r->steps = w.steps;
		r->seconds = w.seconds;
		if (w.schedule_len && (size_t)n == sizeof(w) + w.schedule_len) {
			r->schedule = malloc(w.schedule_len + 1);
			if (r->schedule) {
				memcpy(r->schedule, buf + sizeof(w), w.schedule_len);
				r->schedule[w.schedule_len] = '\0';
			}
		}
	}
	died(r, status, n >= (long)sizeof(w));
	free(buf);
}

void cmp_result_release(struct cmp_result *r)
{
	free(r->schedule);
	r->schedule = NULL;
}

bool cmp_same(const struct cmp_result *a, const struct cmp_result *b)
{
	if (a->kind != b->kind || strcmp(a->oracle, b->oracle))
		return false;
	/* A crash is the same crash when the same signal ended it. */
	return a->kind != CMP_CRASH || !strcmp(a->message, b->message);
}

/* Minimisation */

struct mini {
	const struct gen_scenario *g;
	const struct cmp_result *want;
	const struct cmp_run_opts *o;
	unsigned int runs, max_runs;
	char *text;
};

/* An unpin goes and stays with its pin: never a pin left held. */
static void pair_pins(const struct gen_scenario *g, bool *keep)
{
	unsigned int i, j;

	for (i = 0; i < g->nr_lines; i++) {
		if (!g->lines[i].unpin)
			continue;
		for (j = 0; j < g->nr_lines; j++)
			if (!g->lines[j].unpin && g->lines[j].pin == g->lines[i].pin)
				keep[i] = keep[j];
	}
}

/* The candidate still gives the same finding. */
static bool interesting(struct mini *m, bool *keep)
{
	struct cmp_result r;
	long len;
	bool same;

	if (m->runs >= m->max_runs)
		return false;
	pair_pins(m->g, keep);
	len = gen_render(m->g, keep, NULL, m->text, TEXT_MAX);
	if (len < 0)
		return false;
	m->runs++;
	cmp_run(m->text, len, m->o, &r);
	same = cmp_same(m->want, &r);
	cmp_result_release(&r);
	return same;
}

/* Removes @drop[0..n) from @keep when the finding survives it. */
static bool try_drop(struct mini *m, bool *keep, const unsigned int *drop, unsigned int n)
{
	bool cand[GEN_MAX_LINES];
	unsigned int i;

	memcpy(cand, keep, sizeof(cand));
	for (i = 0; i < n; i++)
		cand[drop[i]] = false;
	if (!interesting(m, cand))
		return false;
	memcpy(keep, cand, sizeof(cand));
	return true;
}

/* The lines still kept that may be dropped on their own (not unpins). */
static unsigned int units(const struct gen_scenario *g, const bool *keep, unsigned int *u)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->nr_lines; i++)
		if (keep[i] && !g->lines[i].unpin)
			u[n++] = i;
	return n;
}

/* ddmin (Zeller and Hildebrandt, TSE 2002) over complements only. */
static void ddmin(struct mini *m, bool *keep)
{
	unsigned int u[GEN_MAX_LINES], n = units(m->g, keep, u), chunks = 2, c;

	while (n >= 1 && m->runs < m->max_runs) {
		bool dropped = false;

		if (chunks > n)
			chunks = n;
		for (c = 0; c < chunks; c++) {
			unsigned int lo = n * c / chunks, hi = n * (c + 1) / chunks;

			if (hi > lo && try_drop(m, keep, u + lo, hi - lo)) {
				dropped = true;
				break;
			}
		}
		n = units(m->g, keep, u);
		if (dropped) {
			chunks = chunks > 2 ? chunks - 1 : 2;
			continue;
		}
		if (chunks >= n)
			break;
		chunks = chunks * 2 < n ? chunks * 2 : n;
	}
}

unsigned int cmp_minimise(const struct gen_scenario *g, const struct cmp_result *want,
			  const struct cmp_run_opts *o, unsigned int max_runs, bool *keep)
{
	struct mini m = { .g = g, .want = want, .o = o, .max_runs = max_runs };
	unsigned int i, t, u[GEN_MAX_LINES], n;
	struct cmp_run_opts quiet = *o;

	quiet.show_stderr = false;
	m.o = &quiet;
	for (i = 0; i < GEN_MAX_LINES; i++)
		keep[i] = i < g->nr_lines;
	m.text = malloc(TEXT_MAX);
	if (!m.text)
		return 0;
	/* Whole threads first: the cheapest big cut. */
	for (t = 0; t < g->nr_threads; t++) {
		for (i = n = 0; i < g->nr_lines; i++)
			if (keep[i] && g->lines[i].thread == (int)t && !g->lines[i].unpin)
				u[n++] = i;
		if (n)
			try_drop(&m, keep, u, n);
	}
	ddmin(&m, keep);
	pair_pins(g, keep);
	free(m.text);
	return m.runs;
}

/* Writing findings */

static int write_file(const char *path, const char *text, size_t len)
{
	char tmp[300];
	FILE *f;
	bool ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	ok = fwrite(text, 1, len, f) == len;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static unsigned int count_kept(const struct gen_scenario *g, const bool *keep)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->nr_lines; i++)
		n += !keep || keep[i];
	return n;
}

/* The comment atop a finding: what fired, and how to see it again. */
static void finding_comment(const struct cmp_config *c, const struct gen_scenario *g,
			    const struct cmp_result *r, const char *path,
			    unsigned int lines, unsigned int kept, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
		"SPDX-License-Identifier: LGPL-2.1-or-later\n"
		"protmm-campaign finding: %s: %s\n"
		"campaign seed %llu, scenario %llu: protmm-campaign --seed %llu --start %llu "
		"--count 1%s\n"
		"minimised from %u to %u statements, the same finding kept\n",
		r->oracle, r->message, (unsigned long long)c->seed,
		(unsigned long long)g->index, (unsigned long long)c->seed,
		(unsigned long long)g->index, g->args, lines, kept);

	if (n < 0 || (size_t)n >= cap)
		return;
	if (r->schedule)
		snprintf(buf + n, cap - (size_t)n, "schedule: %s\nreplay: protmm replay %s "
			 "--schedule %s\n'expect ok' is what the kernel guarantees: "
			 "triage, then fix the model or document the kernel bug",
			 r->schedule, path, r->schedule);
	else
		snprintf(buf + n, cap - (size_t)n, "explore: protmm explore %s\n'expect ok' "
			 "is what the kernel guarantees: triage, then fix the model",
			 path);
}

/* Writes the minimised finding (and the scenario as generated) to out_dir. */
static void write_finding(const struct cmp_config *c, const struct gen_scenario *g,
			  const bool *keep, const struct cmp_result *r,
			  struct cmp_report *rep)
{
	char *text = malloc(TEXT_MAX), comment[8192], path[256], orig[256];
	long len;

	if (!text)
		return;
	snprintf(path, sizeof(path), "%s/%s-%s.pmm", c->out_dir, g->name, r->oracle);
	snprintf(orig, sizeof(orig), "%s/%s.orig.pmm", c->out_dir, g->name);
	finding_comment(c, g, r, path, g->nr_lines, count_kept(g, keep), comment,
			sizeof(comment));
	len = gen_render(g, keep, comment, text, TEXT_MAX);
	if (len > 0 && !write_file(path, text, (size_t)len))
		snprintf(rep->file, sizeof(rep->file), "%s", path);
	len = gen_render(g, NULL, "SPDX-License-Identifier: LGPL-2.1-or-later\n"
			 "protmm-campaign: the scenario as generated", text, TEXT_MAX);
	if (len > 0)
		write_file(orig, text, (size_t)len);
	free(text);
}

void cmp_scenario(const struct cmp_config *c, uint64_t index, struct cmp_report *rep)
{
	static struct gen_scenario g;
	bool keep[GEN_MAX_LINES];
	struct cmp_result r, fin;
	char *text = malloc(TEXT_MAX);
	long len;

	memset(rep, 0, sizeof(*rep));
	rep->index = index;
	gen_scenario(c->seed, index, &c->gen, &g);
	rep->lines = rep->lines_kept = g.nr_lines;
	len = text ? gen_render(&g, NULL, NULL, text, TEXT_MAX) : -1;
	if (len < 0) {
		rep->kind = CMP_PARSE;
		snprintf(rep->oracle, sizeof(rep->oracle), "generator");
		snprintf(rep->message, sizeof(rep->message), "the scenario does not render");
		free(text);
		return;
	}
	cmp_run(text, len, &c->run, &r);
	rep->kind = r.kind;
	memcpy(rep->oracle, r.oracle, sizeof(rep->oracle));
	memcpy(rep->message, r.message, sizeof(rep->message));
	rep->executions = r.executions;
	rep->seconds = r.seconds;
	if (!cmp_is_finding(&r)) {
		cmp_result_release(&r);
		free(text);
		return;
	}
	memset(keep, 0, sizeof(keep));
	memset(keep, 1, g.nr_lines * sizeof(*keep));
	/* A parse failure is the generator's bug: kept as generated. */
	if (c->minimise && r.kind != CMP_PARSE)
		rep->minimise_runs = cmp_minimise(&g, &r, &c->run, c->max_minimise_runs, keep);
	rep->lines_kept = count_kept(&g, keep);
	/* The minimised scenario's own schedule, for its replay line. */
	len = gen_render(&g, keep, NULL, text, TEXT_MAX);
	cmp_run(text, len, &c->run, &fin);
	if (!cmp_same(&r, &fin)) {
		/* Not reproducible alone (a hang near the limit, say): keep it all. */
		cmp_result_release(&fin);
		memset(keep, 1, g.nr_lines * sizeof(*keep));
		rep->lines_kept = g.nr_lines;
		fin = r;
		r.schedule = NULL;
	}
	if (c->out_dir)
		write_finding(c, &g, keep, &fin, rep);
	cmp_result_release(&fin);
	cmp_result_release(&r);
	free(text);
}
