// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DPOR's search_ops: sharding, progress estimates and checkpoints.
 *
 * Between two executions the search is the node stack up to the branch
 * the next execution takes (per position: enabled, sleep, halted
 * sleepers, wakeup-tree node, task chosen, branches done) and the
 * wakeup-tree pool. Tree nodes hold footprints (up to DPOR_FP objects of
 * pending accesses, and which of them are written), whose objects are
 * addresses of this process; a checkpoint names each by where
 * it lives instead (an arena offset, a task's stack and offset, a loaded
 * module's file name and offset, or, for the caller's heap, the position
 * of an event of the prefix the next execution replays that touched it),
 * and a resumed search turns the names back into addresses after its
 * first execution has mapped them and replayed that prefix.
 */
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "explore/dpor.h"
#include "explore/json.h"
#include "explore/strategy.h"

enum obj_kind { OBJ_NONE, OBJ_ARENA, OBJ_STACK, OBJ_MODULE, OBJ_EVENT };

/* An object named by a checkpoint, for slot @slot of tree node @node. */
struct restore_obj {
	uint32_t node;
	uint8_t slot;
	uint8_t kind;
	uint8_t task;
	uint8_t fp_slot;	/* OBJ_EVENT: which object of that pending access */
	uint64_t off;
	char *module;
};

struct dpor_restore {
	uint32_t n;
	struct restore_obj obj[];
};

/* A loaded module: found by address (saving) or by name (resolving). */
struct module_query {
	const void *addr;
	const char *name;
	uintptr_t base;
	bool found;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int by_addr(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct module_query *q = arg;
	uintptr_t x = (uintptr_t)q->addr;
	unsigned int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && x >= lo && x < lo + ph->p_memsz) {
			q->name = base_name(info->dlpi_name ? info->dlpi_name : "");
			q->base = info->dlpi_addr;
			q->found = true;
			return 1;
		}
	}
	return 0;
}

static int by_name(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct module_query *q = arg;

	(void)size;
	if (strcmp(base_name(info->dlpi_name ? info->dlpi_name : ""), q->name))
		return 0;
	q->base = info->dlpi_addr;
	q->found = true;
	return 1;
}

static bool save_pending(const struct dpor *d, FILE *f, const void *obj)
{
	uint32_t k;

	for (k = 0; k <= d->replay && k < d->depth; k++) {
		uint64_t en = d->node[k].enabled;

		for (; en; en &= en - 1) {
			unsigned int t = (unsigned int)__builtin_ctzll(en);
			const struct dpor_fp *fp = &d->pend[(size_t)k * d->nt + t].fp;
			unsigned int i;

			for (i = 0; i < fp->n; i++) {
				if (fp->obj[i] == obj) {
					fprintf(f, "%d,%u,%u,%u", OBJ_EVENT, k, t, i);
					return true;
				}
			}
		}
	}
	return false;
}

/* Writes @obj as a name another process can resolve; false if none. */
static bool save_obj(const struct dpor *d, FILE *f, const void *obj)
{
	const struct sched *s = d->sched;
	struct module_query q = { .addr = obj };
	size_t off;
	unsigned int t;

	if (!obj) {
		fprintf(f, "%d", OBJ_NONE);
		return true;
	}
	if (arena_offset_any(&s->arena, obj, &off)) {
		fprintf(f, "%d,%zu", OBJ_ARENA, off);
		return true;
	}
	for (t = 0; t < PMM_MAX_TASKS; t++) {
		const char *lo = s->tasks[t].stack;

		if (lo && (const char *)obj >= lo &&
		    (const char *)obj < lo + s->tasks[t].stack_size) {
			fprintf(f, "%d,%u,%zu", OBJ_STACK, t,
				(size_t)((const char *)obj - lo));
			return true;
		}
	}
	if (dl_iterate_phdr(by_addr, &q) && q.found) {
		fprintf(f, "%d,", OBJ_MODULE);
		json_write_str(f, q.name);
		fprintf(f, ",%llu", (unsigned long long)((uintptr_t)obj - q.base));
		return true;
	}
	/*
	 * The caller's heap: what a task enabled in a state of the prefix the
	 * next execution replays was about to touch (those states recur).
	 */
	return save_pending(d, f, obj);
}

static int search_save(const void *priv, FILE *f)
{
	const struct dpor *d = priv;
	uint8_t *is_free = calloc(d->tree_used ? d->tree_used : 1, 1);
	uint32_t i;
	int err = 0;

	if (!is_free)
		return -ENOMEM;
	for (i = d->tree_free; i != DPOR_NONE; i = d->tree[i].sibling)
		is_free[i] = 1;
	fprintf(f, "{\"tasks\":%u,\"split_depth\":%u,\"inserted\":%llu,"
		"\"root\":%u,\"free\":%lld,\n \"nodes\":[", d->nt,
		d->split_depth, (unsigned long long)d->inserted, d->root,
		d->tree_free == DPOR_NONE ? -1ll : (long long)d->tree_free);
	for (i = 0; i < d->depth; i++) {
		const struct dpor_node *n = &d->node[i];

		fprintf(f, "%s\n  [%llu,%llu,%llu,%u,%u,%llu,%llu]", i ? "," : "",
			(unsigned long long)n->enabled,
			(unsigned long long)n->sleep,
			(unsigned long long)n->halt, n->tree, n->task,
			(unsigned long long)n->done, (unsigned long long)n->top);
	}
	fprintf(f, "],\n \"tree\":[");
	for (i = 0; i < d->tree_used; i++) {
		const struct dpor_wnode *w = &d->tree[i];

		unsigned int k, nobj = is_free[i] ? 0 : w->fp.n;

		fprintf(f, "%s\n  [%u,%u,%lld,%lld,%u,[", i ? "," : "", w->task,
			w->write,
			w->child == DPOR_NONE ? -1ll : (long long)w->child,
			w->sibling == DPOR_NONE ? -1ll : (long long)w->sibling,
			is_free[i] ? 0u : (unsigned int)w->fp.wmask);
		for (k = 0; k < nobj; k++) {
			fprintf(f, "%s[", k ? "," : "");
			if (!save_obj(d, f, w->fp.obj[k]))
				err = -EXDEV;
			fprintf(f, "]");
		}
		fprintf(f, "]]");
	}
	fprintf(f, "]}");
	free(is_free);
	return err;
}

/* Reads the whole numbers of array @a into @v (at most @max); -1 is NONE. */
static int numbers(const struct json *a, uint64_t *v, unsigned int min,
		   unsigned int max, const struct json **rest,
		   struct json_error *err)
{
	const struct json *e;
	unsigned int i = 0;

	if (a->type != JSON_ARRAY)
		return json_fail(err, a, "an array of numbers was expected");
	for (e = a->child; e && i < max && e->type == JSON_NUMBER; e = e->next) {
		char *end;

		if (!strcmp(e->str, "-1")) {
			v[i++] = DPOR_NONE;
			continue;
		}
		if (e->str[0] == '-')
			return json_fail(err, e, "a whole number or -1 was expected");
		v[i++] = strtoull(e->str, &end, 10);
		if (*end)
			return json_fail(err, e, "a whole number or -1 was expected");
	}
	if (i < min)
		return json_fail(err, e ? e : a, "%u numbers were expected", min);
	*rest = e;
	return 0;
}

static int load_nodes(struct dpor *d, const struct json *list,
		      struct json_error *err)
{
	const struct json *a, *rest;
	uint32_t n = 0;
	uint64_t v[7];

	for (a = list->child; a; a = a->next, n++) {
		struct dpor_node *nd;

		if (numbers(a, v, 7, 7, &rest, err))
			return -EINVAL;
		if (rest)
			return json_fail(err, rest, "a node has 7 numbers");
		nd = &d->node[n];
		/*
		 * Above the split every sleeper is a top one (top_sleepers()).
		 * A replayed position's task ran there, so it was enabled; the
		 * last position's is the branch the next execution takes, which
		 * a wakeup sequence may name where its task is blocked (that
		 * execution is then a redundant one, as it would have been).
		 */
		if (v[3] >= d->tree_used || v[4] >= d->nt ||
		    (v[0] | v[1] | v[2] | v[5]) >> d->nt ||
		    (a->next && !(v[0] >> v[4] & 1)) || (v[5] & ~v[1]) ||
		    (n < d->split_depth ? v[6] != UINT64_MAX : v[6] >> d->nt))
			return json_fail(err, a, "not a node of this search");
		*nd = (struct dpor_node){ .enabled = v[0], .sleep = v[1],
			.halt = v[2], .tree = (uint32_t)v[3],
			.task = (uint8_t)v[4], .done = v[5], .top = v[6] };
	}
	d->depth = n;
	d->done_valid = n;
	d->replay = d->first_new = n ? n - 1 : 0;
	return 0;
}

/* One object's name (an array): kept to resolve later. */
static int load_obj(struct dpor_restore *r, uint32_t node, unsigned int slot,
		    const struct json *a, struct json_error *err)
{
	struct restore_obj *o = &r->obj[r->n];
	const struct json *e = a->type == JSON_ARRAY ? a->child : NULL;
	const struct json *start = e ? e : a;
	char *end;

	if (!e || e->type != JSON_NUMBER)
		return json_fail(err, start, "an object's kind was expected");
	o->node = node;
	o->slot = (uint8_t)slot;
	o->kind = (uint8_t)strtoul(e->str, &end, 10);
	if (*end || o->kind > OBJ_EVENT)
		return json_fail(err, e, "an object's kind is 0 to 4");
	if (o->kind == OBJ_NONE)
		return e->next ? json_fail(err, e->next, "nothing after kind 0") : 0;
	e = e->next;
	if (o->kind == OBJ_EVENT) {
		if (!e || e->type != JSON_NUMBER || e->str[0] == '-')
			return json_fail(err, start, "a position was expected");
		o->off = strtoull(e->str, &end, 10);
		if (*end || o->off > UINT32_MAX)
			return json_fail(err, e, "a position was expected");
		e = e->next;
	}
	if (o->kind == OBJ_STACK || o->kind == OBJ_EVENT) {
		if (!e || e->type != JSON_NUMBER ||
		    strtoul(e->str, &end, 10) >= PMM_MAX_TASKS || *end)
			return json_fail(err, e ? e : start, "a task was expected");
		o->task = (uint8_t)strtoul(e->str, NULL, 10);
		e = e->next;
		if (o->kind == OBJ_EVENT) {
			if (!e || e->type != JSON_NUMBER ||
			    strtoul(e->str, &end, 10) >= DPOR_FP || *end)
				return json_fail(err, e ? e : start,
						 "an object slot below %d was expected",
						 DPOR_FP);
			o->fp_slot = (uint8_t)strtoul(e->str, NULL, 10);
			e = e->next;
		}
	} else if (o->kind == OBJ_MODULE) {
		if (!e || e->type != JSON_STRING)
			return json_fail(err, start, "a module name was expected");
		o->module = strdup(e->str);
		if (!o->module)
			return json_fail(err, e, "out of memory");
		e = e->next;
	}
	if (o->kind == OBJ_EVENT) {
		if (e)
			return json_fail(err, e, "a slot ends the object");
		r->n++;
		return 0;
	}
	if (!e || e->type != JSON_NUMBER || e->str[0] == '-')
		return json_fail(err, start, "an offset was expected");
	o->off = strtoull(e->str, &end, 10);
	if (*end || e->next)
		return json_fail(err, e, "an offset ends the object");
	r->n++;
	return 0;
}

static int load_tree(struct dpor *d, const struct json *list,
		     struct json_error *err)
{
	const struct json *a, *rest;
	uint32_t n = 0, cap = 0;
	uint64_t v[5];

	for (a = list->child; a; a = a->next)
		cap++;
	d->restore = calloc(1, sizeof(*d->restore) +
			    (size_t)cap * DPOR_FP * sizeof(d->restore->obj[0]));
	if (!d->restore || cap > d->tree_cap)
		return json_fail(err, list, "out of memory");
	for (a = list->child; a; a = a->next, n++) {
		const struct json *o;
		unsigned int k = 0;

		if (numbers(a, v, 5, 5, &rest, err))
			return -EINVAL;
		if (v[0] >= d->nt || v[1] > DPOR_HALT ||
		    (v[2] != DPOR_NONE && v[2] >= cap) ||
		    (v[3] != DPOR_NONE && v[3] >= cap) || v[4] >> DPOR_FP)
			return json_fail(err, a, "not a wakeup-tree node of this search");
		if (!rest || rest->type != JSON_ARRAY || rest->next)
			return json_fail(err, rest ? rest : a, "a node ends with "
					 "its footprint's objects (an array)");
		for (o = rest->child; o; o = o->next, k++) {
			if (k == DPOR_FP)
				return json_fail(err, o, "more than %d objects",
						 DPOR_FP);
			if (load_obj(d->restore, n, k, o, err))
				return -EINVAL;
		}
		/* Write bits only for objects saved (bit 0 is `write`'s). */
		if (v[4] >> k)
			return json_fail(err, a, "write bits of objects not saved");
		d->tree[n] = (struct dpor_wnode){ .task = (uint8_t)v[0],
			.write = (uint8_t)v[1], .child = (uint32_t)v[2],
			.sibling = (uint32_t)v[3],
			.fp = { .n = (uint8_t)k, .wmask = (uint8_t)v[4] } };
	}
	d->tree_used = n;
	return 0;
}

/* Every node hangs once from the root or is free: tree_free() ends. */
static int check_tree(const struct dpor *d, const struct json *j,
		      struct json_error *err)
{
	uint8_t *seen = calloc(d->tree_used, 1);
	uint32_t *stack = malloc(d->tree_used * sizeof(*stack));
	uint32_t sp = 0, i, c;
	int ret = 0;

	if (!seen || !stack) {
		ret = json_fail(err, j, "out of memory");
		goto out;
	}
	stack[sp++] = d->root;
	seen[d->root] = 1;
	while (sp && !ret) {
		i = stack[--sp];
		for (c = d->tree[i].child; c != DPOR_NONE && !ret;
		     c = d->tree[c].sibling) {
			if (seen[c])
				ret = json_fail(err, j, "the wakeup tree is not a tree");
			else
				seen[stack[sp++] = c] = 1;
		}
	}
	for (i = d->tree_free; i != DPOR_NONE && !ret; i = d->tree[i].sibling) {
		if (seen[i])
			ret = json_fail(err, j, "a free wakeup-tree node is in use");
		seen[i] = 1;
	}
	for (i = 0; i < d->tree_used && !ret; i++)
		if (!seen[i])
			ret = json_fail(err, j, "wakeup-tree node %u is lost", i);
out:
	free(seen);
	free(stack);
	return ret;
}

/* Each node's tree node and task follow the branch its parent took. */
static int check_path(const struct dpor *d, const struct json *j,
		      struct json_error *err)
{
	uint32_t i;

	for (i = 0; i < d->depth; i++) {
		const struct dpor_node *n = &d->node[i];
		uint32_t c = d->tree[n->tree].child;
		uint32_t want = i ? d->tree[d->node[i - 1].tree].child : d->root;

		if (n->tree != want || c == DPOR_NONE || d->tree[c].task != n->task)
			return json_fail(err, j, "node %u is not on the wakeup "
					 "tree's path", i);
	}
	return 0;
}

static void restore_free(struct dpor *d)
{
	uint32_t i;

	if (!d->restore)
		return;
	for (i = 0; i < d->restore->n; i++)
		free(d->restore->obj[i].module);
	free(d->restore);
	d->restore = NULL;
}

static int search_load(void *priv, const struct json *j, struct json_error *err)
{
	struct dpor *d = priv;
	const struct json *nodes, *tree;
	uint64_t nt, split, inserted, root, fr;
	const struct json *jf;
	int ret;

	if (j->type != JSON_OBJECT)
		return json_fail(err, j, "the search state must be an object");
	if (json_get_u64(j, "tasks", &nt, err) ||
	    json_get_u64(j, "split_depth", &split, err) ||
	    json_get_u64(j, "inserted", &inserted, err) ||
	    json_get_u64(j, "root", &root, err) ||
	    json_get_kind(j, "nodes", JSON_ARRAY, &nodes, err) ||
	    json_get_kind(j, "tree", JSON_ARRAY, &tree, err))
		return -EINVAL;
	jf = json_get(j, "free");
	if (!jf || jf->type != JSON_NUMBER)
		return json_fail(err, jf ? jf : j, "\"free\" must be a number");
	fr = strcmp(jf->str, "-1") ? strtoull(jf->str, NULL, 10) : DPOR_NONE;
	if (split != d->split_depth)
		return json_fail(err, json_get(j, "split_depth"), "checkpoint of "
				 "another search: split at %llu, not %u",
				 (unsigned long long)split, d->split_depth);
	if (!nt || nt > PMM_MAX_TASKS)
		return json_fail(err, json_get(j, "tasks"), "1 to %d tasks",
				 PMM_MAX_TASKS);
	{
		uint32_t npos = 0, ntree = 0;
		const struct json *a;

		for (a = nodes->child; a; a = a->next)
			npos++;
		for (a = tree->child; a; a = a->next)
			ntree++;
		if (npos > d->sched->bound + 1)
			return json_fail(err, nodes, "more positions than the step bound");
		ret = dpor_restore_room(d, (unsigned int)nt, npos + 1, ntree + 1);
		if (ret)
			return json_fail(err, j, "cannot restore the search: %s",
					 strerror(-ret));
	}
	/* The tree replaces the one dpor_init() began. */
	if (load_tree(d, tree, err))
		return -EINVAL;
	if (root >= d->tree_used || (fr != DPOR_NONE && fr >= d->tree_used))
		return json_fail(err, json_get(j, "root"), "no such wakeup-tree node");
	d->root = (uint32_t)root;
	d->tree_free = (uint32_t)fr;
	d->inserted = inserted;
	if (load_nodes(d, nodes, err) || check_tree(d, tree, err) ||
	    check_path(d, nodes, err))
		return -EINVAL;
	return 0;
}

/* The checkpoint's objects, at this process's addresses. */
static bool resolve(struct dpor *d)
{
	const struct sched *s = d->sched;
	uint32_t i;

	for (i = 0; i < d->restore->n; i++) {
		const struct restore_obj *o = &d->restore->obj[i];
		const struct task *t = &s->tasks[o->task];
		struct module_query q = { .name = o->module };
		const void *p = NULL;

		switch (o->kind) {
		case OBJ_ARENA:
			p = arena_at(&s->arena, o->off);
			break;
		case OBJ_STACK:
			p = t->stack && o->off < t->stack_size ? t->stack + o->off : NULL;
			break;
		case OBJ_MODULE:
			if (dl_iterate_phdr(by_name, &q) && q.found)
				p = (const void *)(q.base + o->off);
			break;
		case OBJ_EVENT:
			/* The prefix replayed as it ran before the checkpoint. */
			if (o->off <= d->replay && o->off < d->depth &&
			    (d->node[o->off].enabled >> o->task & 1)) {
				const struct dpor_fp *fp =
					&d->pend[o->off * d->nt + o->task].fp;

				if (o->fp_slot < fp->n)
					p = fp->obj[o->fp_slot];
			}
			break;
		}
		if (o->kind != OBJ_NONE && !p)
			return false;
		d->tree[o->node].fp.obj[o->slot] = p;
	}
	return true;
}

static bool search_next(void *priv, uint32_t prune, uint32_t *diverged)
{
	struct dpor *d = priv;

	if (d->restore) {
		/* Not this search's program after all: it maps other memory. */
		if (!resolve(d))
			d->nondeterministic = true;
		restore_free(d);
	}
	return dpor_next_pruned(d, prune, diverged);
}

/*
 * Knuth's estimate, as for DFS: each branch done at a position on the way
 * to the next execution is taken as that share of what is below it.
 * Above the split depth the branches left are the tasks not asleep;
 * below it, the wakeup tree's children.
 */
static double search_done_fraction(const void *priv)
{
	const struct dpor *d = priv;
	double weight = 1, done = 0;
	uint32_t i, c;

	for (i = 0; i < d->depth; i++) {
		const struct dpor_node *n = &d->node[i];
		unsigned int before = (unsigned int)__builtin_popcountll(n->done);
		unsigned int left = 0;

		if (i < d->split_depth) {
			left = (unsigned int)__builtin_popcountll(n->enabled & ~n->sleep);
		} else {
			for (c = d->tree[n->tree].child; c != DPOR_NONE;
			     c = d->tree[c].sibling)
				left++;
		}
		if (!left)
			left = 1;
		weight /= before + left;
		done += weight * before;
	}
	return done;
}

void dpor_search_release(struct dpor *d)
{
	restore_free(d);
}

const struct search_ops dpor_search = {
	.next = search_next,
	.done_fraction = search_done_fraction,
	.save = search_save,
	.load = search_load,
};
