// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared by the tests of the protmm command: runs it
 * ($PROTMM) as a child with posix_spawn, stdout and stderr captured in
 * anonymous files, and reads files whole. Header-only: each test program
 * includes it once.
 */
#ifndef PMM_TESTS_COMMON_RUN_PROTMM_H
#define PMM_TESTS_COMMON_RUN_PROTMM_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A child that outlives this is killed and reported as hung. */
#define CHILD_DEADLINE_SECONDS 120

struct run {
	int exit_code;		/* when !signaled */
	int signal;		/* when signaled; SIGKILL after the deadline */
	bool signaled, hung;
	char *out, *err;
	size_t out_len, err_len;
};

static inline const char *protmm_path(void)
{
	const char *p = getenv("PROTMM");

	if (!p || !*p) {
		fprintf(stderr, "PROTMM is not set to the protmm command\n");
		exit(1);
	}
	return p;
}

/* Whole file @fd from offset 0, NUL-terminated (*@len 0 on failure). */
static inline char *slurp_fd(int fd, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (len)
		*len = 0;
	if (fstat(fd, &st))
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Whole file @path, NUL-terminated (it may hold NULs: see @len). */
static inline char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 && len)
		*len = 0;
	return fd < 0 ? NULL : slurp_fd(fd, len);
}

static inline bool write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(buf, 1, len, f) == len;
	return !fclose(f) && ok;
}

/* A fresh directory /tmp/@prefix-XXXXXX in @dir (@len bytes); 0 or -1. */
static inline int scratch_dir_make(char *dir, size_t len, const char *prefix)
{
	snprintf(dir, len, "/tmp/%s-XXXXXX", prefix);
	return mkdtemp(dir) ? 0 : -1;
}

/* @dir and everything in it gone; 0 or -1. */
static inline int scratch_dir_remove(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static inline int anon_fd(void)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

/* protmm @args... (NULL-terminated); false if it could not be started. */
static inline bool run_protmm(struct run *r, const char *const *args)
{
	const char *argv[32];
	posix_spawn_file_actions_t fa;
	int out = anon_fd(), err = anon_fd(), status, n = 0, rc;
	time_t deadline = time(NULL) + CHILD_DEADLINE_SECONDS;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (out < 0 || err < 0)
		return false;
	argv[n++] = protmm_path();
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(rc));
		close(out);
		close(err);
		return false;
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return false;
		if (time(NULL) > deadline && !r->hung) {
			kill(pid, SIGKILL);
			r->hung = true;
		}
		usleep(w == 0 ? 1000 : 0);
	}
	r->signaled = WIFSIGNALED(status);
	r->signal = r->signaled ? WTERMSIG(status) : 0;
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->out = slurp_fd(out, &r->out_len);
	r->err = slurp_fd(err, &r->err_len);
	return r->out && r->err;
}

static inline void run_release(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* What a crash of the child looks like: a signal, or a sanitizer report. */
static inline bool run_crashed(const struct run *r)
{
	return r->signaled || r->hung || strstr(r->err, "Sanitizer") ||
	       strstr(r->err, "runtime error:");
}

static inline const char *run_describe(const struct run *r, char *buf, size_t len)
{
	if (r->hung)
		snprintf(buf, len, "hung (killed after %ds)", CHILD_DEADLINE_SECONDS);
	else if (r->signaled)
		snprintf(buf, len, "killed by signal %d (%s)", r->signal,
			 strsignal(r->signal));
	else
		snprintf(buf, len, "exit %d", r->exit_code);
	return buf;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.pmm files of @dir, sorted; NULL-terminated array of full paths. */
static inline char **list_pmm(const char *dir, unsigned int *nr)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	unsigned int n = 0;

	*nr = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (l < 5 || strcmp(de->d_name + l - 4, ".pmm"))
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (asprintf(&v[n], "%s/%s", dir, de->d_name) < 0)
			break;
		v[++n] = NULL;
	}
	closedir(d);
	if (v)
		qsort(v, n, sizeof(*v), cmp_str);
	*nr = n;
	return v;
}

#endif /* PMM_TESTS_SCENARIO_CATALOGUE_RUN_PROTMM_H */
