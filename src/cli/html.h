/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The trace viewer: one self-contained HTML page per trace (explore and
 * replay --html FILE; run --html-dir DIR, with an index of the verdicts).
 * The page is src/cli/viewer/viewer.{css,js}, embedded at build time, and
 * the trace as JSON: nothing is fetched when it is opened.
 */
#ifndef PMM_CLI_HTML_H
#define PMM_CLI_HTML_H

#include "cli/report.h"

/*
 * Replays @schedule of @t once more with a recorder: a JSON array with,
 * for each step, the object it touched decoded before and after it
 * (html_state.c). malloc'd; NULL if the replay failed.
 */
char *html_record_states(const struct target *t, const char *schedule);

/*
 * Writes the page of @r (the entry @rp just printed) to @path, whole or
 * not at all. @record: replay the schedule for the states (not after a
 * crash, which the replay would repeat). 0 or a negative errno.
 */
int html_trace_page(const char *path, const struct report *rp,
		    const struct target *t, const struct pmm_explore_result *r,
		    bool record);

/*
 * The step of @trace_json (a trace's JSON array) the violation happened
 * in, or -1: in setup, in the final state, or none.
 */
long html_violation_step(const char *trace_json);

/* run --html-dir: DIR/index.html, the verdict table of @rp->rows. */
int html_index_page(const char *dir, const struct report *rp);

/*
 * Checks before anything runs that @path can be written: its directory
 * exists and is writable, and it is not a directory. 0, or -errno with a
 * message printed.
 */
int html_check_path(const char *path);
/* Creates @dir if need be (its parent must exist). 0, or -errno, printed. */
int html_prepare_dir(const char *dir);

/* The viewer's script and style (generated from src/cli/viewer/). */
extern const char viewer_js[];
extern const char viewer_css[];

#endif /* PMM_CLI_HTML_H */
