// SPDX-License-Identifier: LGPL-2.1-or-later
/* Output helpers: JSON strings, YAML lists, progress, whole files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void yaml_lines(FILE *f, const char *text, const char *indent)
{
	char *line;

	while (text && *text) {
		size_t len = strcspn(text, "\n");

		line = strndup(text, len);
		fprintf(f, "%s- ", indent);
		json_string(f, line ? line : "");
		fputc('\n', f);
		free(line);
		text += len + (text[len] == '\n');
	}
}

/* Erases the progress line, if one was shown. */
void progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* 1234567 as "1.2M": the estimate is no more precise than that. */
static void human(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.0fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/*
 * One line on stderr, overwritten: executions, rate, time, and for an
 * exhaustive search the estimated total (executions over the estimated
 * fraction of the tree done) and the time left at this rate.
 */
void progress(const struct pmm_explore_result *r, void *arg)
{
	double rate = r->seconds > 0 ? (double)r->executions / r->seconds : 0;
	double done = r->done_fraction, total, left;
	char est[16], eta[32] = "";

	fprintf(stderr, "\r%s: %llu executions, %.0f/s, %.1fs", (const char *)arg,
		(unsigned long long)r->executions, rate, r->seconds);
	if (done > 0 && done < 1 && r->executions) {
		total = (double)r->executions / done;
		human(est, sizeof(est), total);
		left = rate > 0 ? (total - (double)r->executions) / rate : 0;
		if (rate > 0 && left < 1e7)
			snprintf(eta, sizeof(eta), ", ~%.0fs left", left);
		fprintf(stderr, "; %.1f%% of ~%s%s", 100 * done, est, eta);
	}
	fputs("\033[K", stderr);
	fflush(stderr);
}

int write_file_atomic(const char *path, const char *text, size_t len)
{
	char *tmp;
	FILE *f;
	int err = 0;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -ENOMEM;
	f = fopen(tmp, "wx");
	if (!f) {
		err = -errno;
		free(tmp);
		return err;
	}
	if (fwrite(text, 1, len, f) != len || fflush(f) || fsync(fileno(f)))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
