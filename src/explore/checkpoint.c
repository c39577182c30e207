// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Checkpoints: written only between executions (the explorer stops there
 * when asked to), so the state is the strategy's stack and the counts,
 * never a half-run execution. A resumed search re-runs nothing it counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore/checkpoint.h"
#include "explore/json.h"

/* 2: traces, redundant and a save that can fail (DPOR's objects).
 * 3: a DPOR wakeup-tree node saves a footprint (objects and write bits). */
#define CHECKPOINT_VERSION 3

/* The options that shape the search tree and what is counted in it. */
static void write_shape(FILE *f, const struct checkpoint *c)
{
	const struct pmm_explore_opts *o = c->opts;

	fprintf(f, "\"program\":");
	json_write_str(f, c->prog->name ? c->prog->name : "");
	fprintf(f, ",\n\"search_id\":%llu,\n\"strategy\":\"%s\",\n"
		"\"step_bound\":%u,\n\"preemptions\":%llu,\n"
		"\"stop_on_violation\":%s,\n\"counters\":%u,\n",
		(unsigned long long)o->search_id, pmm_strategy_name(o->strategy),
		o->step_bound,
		o->preemptions == PMM_PREEMPTIONS_ALL ? 0ull :
		(unsigned long long)o->preemptions + 1,
		o->stop_on_violation ? "true" : "false", o->nr_counters);
	fprintf(f, "\"shard\":{\"index\":%u,\"count\":%u,\"depth\":%u,"
		"\"subtree\":%llu,\"own\":%s},\n", c->shard->index,
		c->shard->count, c->shard->depth,
		(unsigned long long)c->shard->subtree,
		c->shard->own ? "true" : "false");
}

static void write_result(FILE *f, const struct checkpoint *c)
{
	const struct pmm_explore_result *r = c->res;
	unsigned int i;

	fprintf(f, "\"result\":{\"executions\":%llu,\"violations\":%llu,"
		"\"deadlocks\":%llu,\"truncated\":%llu,\"steps\":%llu,"
		"\"probes\":%llu,\"traces\":%llu,\"redundant\":%llu,"
		"\"seconds\":%.6f,\"violation\":",
		(unsigned long long)r->executions,
		(unsigned long long)r->violations,
		(unsigned long long)r->deadlocks,
		(unsigned long long)r->truncated, (unsigned long long)r->steps,
		(unsigned long long)r->probes, (unsigned long long)r->traces,
		(unsigned long long)r->redundant, r->seconds);
	if (r->violations) {
		fprintf(f, "{\"oracle\":");
		json_write_str(f, r->oracle);
		fprintf(f, ",\"message\":");
		json_write_str(f, r->message);
		fprintf(f, ",\"execution\":%llu,\"subtree\":%llu,\"schedule\":",
			(unsigned long long)r->violation_execution,
			(unsigned long long)r->violation_subtree);
		json_write_str(f, r->schedule ? r->schedule : "");
		fprintf(f, "}");
	} else {
		fprintf(f, "null");
	}
	fprintf(f, "},\n\"counter_values\":[");
	for (i = 0; i < c->opts->nr_counters; i++)
		fprintf(f, "%s%llu", i ? "," : "",
			(unsigned long long)c->opts->counters[i]);
	fprintf(f, "],\n");
}

static int write_all(FILE *f, const struct checkpoint *c)
{
	int err;

	fprintf(f, "{\"protmm_checkpoint\":%d,\n", CHECKPOINT_VERSION);
	write_shape(f, c);
	write_result(f, c);
	fprintf(f, "\"search\":");
	err = c->ops->save(c->priv, f);
	if (err)
		return err;
	fprintf(f, "}\n");
	if (fflush(f) || ferror(f))
		return -EIO;
	return fsync(fileno(f)) ? -errno : 0;
}

/* The directory @path is in, synced so the rename itself is durable. */
static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int checkpoint_save(const struct checkpoint *c, const char *path)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return err;
	}
	err = write_all(f, c);
	if (fclose(f) && !err)
		err = -EIO;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	else
		sync_dir(path);
	free(tmp);
	return err;
}

/* Every shape field must be what this search has. */
static int check_u64(const struct json *doc, const char *key, uint64_t want,
		     struct json_error *err)
{
	uint64_t v;

	if (json_get_u64(doc, key, &v, err))
		return -EINVAL;
	if (v != want)
		return json_fail(err, json_get(doc, key), "checkpoint of another "
				 "search: \"%s\" is %llu here, %llu in this search",
				 key, (unsigned long long)v,
				 (unsigned long long)want);
	return 0;
}

static int check_shape(const struct checkpoint *c, const struct json *doc,
		       struct json_error *err)
{
	const struct pmm_explore_opts *o = c->opts;
	const char *s;
	bool stop;

	if (json_get_str(doc, "program", &s, err))
		return -EINVAL;
	if (strcmp(s, c->prog->name ? c->prog->name : ""))
		return json_fail(err, json_get(doc, "program"), "checkpoint of "
				 "another program: \"%s\", not \"%s\"", s,
				 c->prog->name ? c->prog->name : "");
	if (json_get_str(doc, "strategy", &s, err))
		return -EINVAL;
	if (strcmp(s, pmm_strategy_name(o->strategy)))
		return json_fail(err, json_get(doc, "strategy"), "checkpoint of a "
				 "%s search, not %s", s,
				 pmm_strategy_name(o->strategy));
	if (check_u64(doc, "search_id", o->search_id, err) ||
	    check_u64(doc, "step_bound", o->step_bound, err) ||
	    check_u64(doc, "preemptions", o->preemptions == PMM_PREEMPTIONS_ALL ?
		      0 : (uint64_t)o->preemptions + 1, err) ||
	    check_u64(doc, "counters", o->nr_counters, err) ||
	    json_get_bool(doc, "stop_on_violation", &stop, err))
		return -EINVAL;
	if (stop != o->stop_on_violation)
		return json_fail(err, json_get(doc, "stop_on_violation"),
				 "checkpoint of a search that %s at the first "
				 "violation", stop ? "stops" : "does not stop");
	return 0;
}

static int load_shard(const struct checkpoint *c, const struct json *doc,
		      struct json_error *err)
{
	struct shard_state *sh = c->shard;
	const struct json *j;
	uint64_t subtree;
	bool own;

	if (json_get_kind(doc, "shard", JSON_OBJECT, &j, err) ||
	    check_u64(j, "index", sh->index, err) ||
	    check_u64(j, "count", sh->count, err) ||
	    check_u64(j, "depth", sh->depth, err) ||
	    json_get_u64(j, "subtree", &subtree, err) ||
	    json_get_bool(j, "own", &own, err))
		return -EINVAL;
	if (own != (subtree % sh->count == sh->index))
		return json_fail(err, json_get(j, "own"), "\"own\" does not "
				 "match the subtree");
	sh->subtree = subtree;
	sh->own = own;
	return 0;
}

static int load_violation(struct pmm_explore_result *r, const struct json *v,
			  struct json_error *err)
{
	const char *oracle, *msg, *sched;

	if (!r->violations)
		return v->type == JSON_NULL ? 0 :
		       json_fail(err, v, "a violation, but no violations counted");
	if (v->type != JSON_OBJECT)
		return json_fail(err, v, "\"violation\" must be an object");
	if (json_get_str(v, "oracle", &oracle, err) ||
	    json_get_str(v, "message", &msg, err) ||
	    json_get_str(v, "schedule", &sched, err) ||
	    json_get_u64(v, "execution", &r->violation_execution, err) ||
	    json_get_u64(v, "subtree", &r->violation_subtree, err))
		return -EINVAL;
	snprintf(r->oracle, sizeof(r->oracle), "%s", oracle);
	snprintf(r->message, sizeof(r->message), "%s", msg);
	r->schedule = strdup(sched);
	return r->schedule ? 0 : -ENOMEM;
}

static int load_result(const struct checkpoint *c, const struct json *doc,
		       struct json_error *err)
{
	struct pmm_explore_result *r = c->res;
	const struct json *j, *v, *list, *e;
	unsigned int i;

	if (json_get_kind(doc, "result", JSON_OBJECT, &j, err) ||
	    json_get_u64(j, "executions", &r->executions, err) ||
	    json_get_u64(j, "violations", &r->violations, err) ||
	    json_get_u64(j, "deadlocks", &r->deadlocks, err) ||
	    json_get_u64(j, "truncated", &r->truncated, err) ||
	    json_get_u64(j, "steps", &r->steps, err) ||
	    json_get_u64(j, "probes", &r->probes, err) ||
	    json_get_u64(j, "traces", &r->traces, err) ||
	    json_get_u64(j, "redundant", &r->redundant, err) ||
	    json_get_double(j, "seconds", &r->seconds, err))
		return -EINVAL;
	v = json_get(j, "violation");
	if (!v)
		return json_fail(err, j, "missing \"violation\" (an object or null)");
	if (load_violation(r, v, err))
		return -EINVAL;
	if (json_get_kind(doc, "counter_values", JSON_ARRAY, &list, err))
		return -EINVAL;
	for (i = 0, e = list->child; e; e = e->next, i++) {
		char *end;

		if (i >= c->opts->nr_counters || e->type != JSON_NUMBER)
			return json_fail(err, e, "more counters than this search has");
		c->opts->counters[i] = strtoull(e->str, &end, 10);
		if (*end || e->str[0] == '-')
			return json_fail(err, e, "a counter must be a whole number");
	}
	if (i != c->opts->nr_counters)
		return json_fail(err, list, "%u counters, this search has %u", i,
				 c->opts->nr_counters);
	r->resumed_executions = r->executions;
	r->subtrees = c->shard->subtree + 1;
	return 0;
}

int checkpoint_load(const struct checkpoint *c, const char *path, char *msg,
		    size_t len)
{
	struct json_error err = { 0 };
	struct json *doc;
	const struct json *search;
	char *text = json_read_file(path);
	uint64_t version;
	int ret = -EINVAL;

	if (!text) {
		snprintf(msg, len, "%s: cannot read: %s", path, strerror(errno));
		return -EINVAL;
	}
	doc = json_parse(text, &err);
	free(text);
	if (doc && doc->type != JSON_OBJECT)
		json_fail(&err, doc, "a checkpoint is a JSON object");
	else if (doc && !json_get(doc, "protmm_checkpoint"))
		json_fail(&err, doc, "not a protmm checkpoint "
			  "(no \"protmm_checkpoint\")");
	else if (doc && !json_get_u64(doc, "protmm_checkpoint", &version, &err) &&
		 version != CHECKPOINT_VERSION)
		json_fail(&err, json_get(doc, "protmm_checkpoint"),
			  "checkpoint version %llu, this protmm reads %d",
			  (unsigned long long)version, CHECKPOINT_VERSION);
	else if (doc && !check_shape(c, doc, &err) && !load_shard(c, doc, &err) &&
		 !load_result(c, doc, &err)) {
		search = json_get(doc, "search");
		if (!search)
			json_fail(&err, doc, "missing \"search\"");
		else
			ret = c->ops->load(c->priv, search, &err);
	}
	if (ret)
		snprintf(msg, len, "%s:%d:%d: %s", path, err.line, err.col,
			 err.msg[0] ? err.msg : "bad checkpoint");
	json_free(doc);
	return ret;
}
