// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Crash isolation and interruption. Each exploration runs in a child
 * process: a crash, abort or sanitizer report in model code kills only the
 * child, and the parent, which reads the execution in progress from shared
 * memory, reports it as a violation and goes on. SIGINT and SIGTERM set a
 * flag the explorer reads at the end of each execution, so the report of
 * what was explored is printed whole.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/*
 * A sanitizer report in the child ends in abort(), which the parent sees
 * as a crash (ASAN_OPTIONS and UBSAN_OPTIONS still override these).
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "abort_on_error=1";
}

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:abort_on_error=1:print_stacktrace=1";
}

static volatile sig_atomic_t stop;
/* The child running now, which a signal is passed on to; 0: none. */
static volatile sig_atomic_t child_pid;

/* Async-signal-safe: a flag, and kill(). */
static void on_stop_signal(int sig)
{
	if (!stop)
		stop = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

void signals_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void signals_note(int sig)
{
	if (!stop)
		stop = sig;
}

int stop_signal(void)
{
	return stop;
}

const volatile sig_atomic_t *stop_flag(void)
{
	return &stop;
}

const char *signal_name(int sig, char *buf, size_t len)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGILL, "SIGILL" }, { SIGABRT, "SIGABRT" }, { SIGTRAP, "SIGTRAP" },
		{ SIGSYS, "SIGSYS" }, { SIGKILL, "SIGKILL" }, { SIGINT, "SIGINT" },
		{ SIGTERM, "SIGTERM" }, { SIGPIPE, "SIGPIPE" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGHUP, "SIGHUP" }, { SIGQUIT, "SIGQUIT" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(buf, len, "signal %d", sig);
	return buf;
}

static void child_main(void (*fn)(void *, struct child_report *), void *arg,
		       int fd)
{
	struct child_report rep = { .status = EXIT_MISMATCH };
	const char *p = (const char *)&rep;
	size_t left = sizeof(rep);
	ssize_t n;

	fn(arg, &rep);
	fflush(stdout);
	fflush(stderr);
	while (left && (n = write(fd, p, left)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	/* Not exit(): the parent's atexit handlers and buffers are its own. */
	_exit(left ? EXIT_MISMATCH : 0);
}

/* Reads the child's report until it closes the pipe; true if whole. */
static bool read_report(int fd, struct child_report *rep)
{
	char *p = (char *)rep;
	size_t got = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, p + got, sizeof(*rep) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(*rep)) {
			char extra;

			/* Wait for the end: the child closes on exit. */
			while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR)
				;
			break;
		}
	}
	return got == sizeof(*rep);
}

int isolate(void (*fn)(void *arg, struct child_report *rep), void *arg,
	    struct child_end *end)
{
	int fds[2], status;
	pid_t pid, parent;
	bool whole;

	memset(end, 0, sizeof(*end));
	if (pipe(fds))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		close(fds[0]);
		/* A parent killed outright takes its exploration with it. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(EXIT_MISMATCH);
		child_main(fn, arg, fds[1]);
	}
	child_pid = pid;
	/* A signal that came before child_pid was set: pass it on now. */
	if (stop)
		kill(pid, stop);
	close(fds[1]);
	whole = read_report(fds[0], &end->report);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_pid = 0;
	if (WIFSIGNALED(status)) {
		end->signal = WTERMSIG(status);
		return 0;
	}
	end->exit_code = WEXITSTATUS(status);
	end->reported = whole && end->exit_code == 0;
	return 0;
}

struct pmm_explore_live *live_map(uint32_t bound)
{
	struct pmm_explore_live *live;

	/* Untouched pages of a large bound cost nothing. */
	live = mmap(NULL, sizeof(*live) + bound, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (live == MAP_FAILED)
		return NULL;
	live->steps = (uint8_t *)(live + 1);
	return live;
}

void live_unmap(struct pmm_explore_live *live, uint32_t bound)
{
	if (live)
		munmap(live, sizeof(*live) + bound);
}
