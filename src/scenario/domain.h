/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a domain of the scenario language sees of the core.
 *
 * The core (parser.c, interp.c) owns the grammar: the header lines,
 * blocks, thread declarations, config/explore/memory lines, conditions,
 * expectations, and the statement options (the words of opt_names[],
 * whose values land in struct scn_args). A domain (dom_*.c) owns its
 * verbs: their syntax after the verb, their checks, their payload and
 * their execution, in a table of struct scn_verb.
 *
 * How to add a verb to a domain:
 *  1. Add a struct scn_verb to the domain's table: its name, the options
 *     it takes (O_* bits: what protmm(1) must list for it), its flags,
 *     and its parse and exec functions.
 *  2. parse() runs with the parser on the token after the verb. It reads
 *     operands with the helpers below (scn_address(), scn_use(), ...),
 *     then options with scn_options(), and checks what it read; on an
 *     error it calls scn_fail() (file:line:col) and returns false. What
 *     the options do not hold goes in the domain's own payload, allocated
 *     with scn_stmt_data() and reached through st->data.
 *  3. exec() runs the statement in an execution: returns the status
 *     (0, a count, or -errno) that 'as NAME' keeps in a register.
 *  4. Document the verb and each of its options in doc/protmm.1 (the
 *     manual test reads the tables), and give tools/campaign a generator
 *     for it (its test checks every verb has one).
 * A new option is a new word at the end of opt_names[] (parser.c) with
 * its O_* bit here, and its value in struct scn_args.
 *
 * How to add a domain: a file dom_NAME.c ending with
 *	SCN_DOMAIN(NAME, verbs);
 * one line in scn_domains[] (domains.c), one extern below, and the file
 * in src/meson.build. A verb name must be unique across the domains
 * (test_domain_registry checks).
 *
 * A new kind of object (a memfd, a hugetlbfs file...): a scn_sym_kind in
 * scenario.h with its words in parser.c (scn_kind_names, kind_plurals,
 * kind_max), and its per-execution handles in struct scn_run below,
 * made by a SCN_VERB_DECL verb in init. State a domain's parse needs
 * across statements (a VM's process, its tags) lives in struct scenario.
 *
 * The functions of conditions (refcount(), mapped(), swapped(), tags(),
 * ...) stay in the core: parser.c atom_body() and interp.c eval().
 */
#ifndef PMM_SCENARIO_DOMAIN_H
#define PMM_SCENARIO_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "protmm/machine.h"
#include "scenario/lexer.h"
#include "scenario/scenario.h"

#define SCN_PAGE 4096ul

/* Options of a statement (scn_args.flags): which were given. */
enum {
	O_ANON = 1 << 0, O_FILE = 1 << 1, O_OFF = 1 << 2, O_LEN = 1 << 3,
	O_PROT = 1 << 4, O_PRIVATE = 1 << 5, O_SHARED = 1 << 6, O_PAGES = 1 << 7,
	O_WRITE = 1 << 8, O_LONGTERM = 1 << 9, O_FAST = 1 << 10, O_GET = 1 << 11,
	O_AS = 1 << 12, O_FROM = 1 << 13, O_TO = 1 << 14, O_EXPECT = 1 << 15,
	O_SIZE = 1 << 16, O_READ = 1 << 17, O_TAG = 1 << 18, O_GPA = 1 << 19,
	O_AT = 1 << 20, O_SET = 1 << 21, O_HUGETLB = 1 << 22, O_FORCE = 1 << 23,
	O_HUGETLBFS = 1 << 24,
};

/* The values of a statement's operands and options (scn_options()). */
struct scn_args {
	struct scn_addr addr;		/* ADDR, 'at', 'from'/'to' an address */
	int file, pipe;			/* 'file', 'from'/'to' a file or pipe */
	unsigned long gpa;		/* 'gpa': a guest physical address */
	/* 'tag' or 'set' (or a verb's TAG operand); 'expect' of a tag verb. */
	unsigned int tag, expect_tag;
	unsigned long len, off, size;
	/* 'hugetlb', 'hugetlbfs': the huge page size */
	unsigned long huge;
	struct scn_pos len_pos, off_pos;
	unsigned int prot, flags;	/* flags: the O_* given */
	char *str;			/* data written, or expected */
	size_t str_len;
};

struct scn_verb;

struct scn_stmt {
	const struct scn_verb *verb;
	struct scn_pos pos;
	int proc;		/* the process acted on (-1: the thread's) */
	int reg;		/* result register ('as'), or -1 */
	char label[32];		/* "22 munmap": its line and verb, for traces */
	struct scn_args a;
	void *data;		/* the domain's payload, or NULL */
};

/* The parser's state; domains use it through the helpers below. */
struct scn_parser {
	struct lexer lx;
	struct token tok;
	struct scenario *s;
	const char *src;
	size_t len;
	struct scn_error *err;
	bool failed;
	bool in_init;
	int thread_proc;
	/* Nesting of conditions: bounded, so no input exhausts the stack. */
	unsigned int depth;
};

struct scn_reg {
	int status;
	long value;		/* what a successful operation returned */
	size_t len;
	unsigned char data[SCN_MAX_STRING];
};

/* One execution's objects, in its arena. */
struct scn_run {
	const struct scenario *s;
	struct pmm_process *proc[SCN_MAX_SYMBOLS];
	struct pmm_file *file[SCN_MAX_SYMBOLS];
	struct pmm_pipe *pipe[SCN_MAX_SYMBOLS];
	struct pmm_pin *pin[SCN_MAX_SYMBOLS];
	struct scn_reg *reg[SCN_MAX_SYMBOLS];
	struct pmm_vm *vm[SCN_MAX_VMS];
	struct pmm_hugetlbfs_file *hfile[SCN_MAX_SYMBOLS];
	struct pmm_bo *bo[SCN_MAX_BOS];
	/* Per thread: it holds a user of its process's mm; it was killed. */
	bool holds_mm[SCN_MAX_THREADS];
	bool killed[SCN_MAX_THREADS];
};

enum {
	/*
	 * Declares an object in 'init' (no 'on P:' needed there) and runs
	 * outside a process's mm: exec() gets the process or NULL.
	 */
	SCN_VERB_DECL = 1 << 0,
	/* Needs no mm: runs even for a killed thread ('unpin'). */
	SCN_VERB_NO_MM = 1 << 1,
	/* 'as NAME' names a pin, not a register. */
	SCN_VERB_AS_PIN = 1 << 2,
	/* 'expect' takes a tag, not bytes. */
	SCN_VERB_EXPECT_TAG = 1 << 3,
};

struct scn_verb {
	const char *name;
	unsigned int options;		/* the O_* it takes */
	unsigned int flags;		/* SCN_VERB_* */
	bool (*parse)(struct scn_parser *p, struct scn_stmt *st);
	long (*exec)(struct scn_run *r, const struct scn_stmt *st,
		     struct pmm_process *p);
};

struct scn_domain {
	const char *name;
	const struct scn_verb *verbs;
	unsigned int nr_verbs;
};

#define SCN_DOMAIN(n, table) \
	const struct scn_domain scn_dom_##n = { #n, table, sizeof(table) / sizeof(table[0]) }

/* The registry (domains.c): NULL-terminated. */
extern const struct scn_domain *const scn_domains[];
extern const struct scn_domain scn_dom_mm, scn_dom_file, scn_dom_swap,
	scn_dom_mte, scn_dom_kvm, scn_dom_gmem, scn_dom_shmem, scn_dom_huge,
	scn_dom_remote, scn_dom_s390, scn_dom_ttm, scn_dom_x86;

const struct scn_verb *scn_verb_find(const char *name);

/* Parsing helpers: each fails (once, with file:line:col) and returns false/-1. */
void scn_fail(struct scn_parser *p, struct scn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void scn_advance(struct scn_parser *p);
bool scn_is_word(const struct scn_parser *p, const char *w);
bool scn_accept_word(struct scn_parser *p, const char *w);
bool scn_expect_tok(struct scn_parser *p, enum tok_kind k, const char *ctx);
bool scn_name(struct scn_parser *p, char *out, const char *what);
bool scn_number(struct scn_parser *p, unsigned long *out, const char *what);
/*
 * A declaration's "size SIZE" into st->a.size: @decl names the
 * declaration in the error ("'file NAME'"), @what the number ("a file
 * size"), @noun the size in the range error ("file"); the size is at
 * least 1 and at most @max, which @max_text states. False on an error.
 * @max 0: the bound depends on what follows (options of the same
 * statement); scn_size_bound() checks it once they are read.
 */
bool scn_size_clause(struct scn_parser *p, struct scn_stmt *st,
		     const char *decl, const char *what, const char *noun,
		     unsigned long max, const char *max_text);
/* The range check of scn_size_clause(), on st->a.size, at the statement. */
bool scn_size_bound(struct scn_parser *p, const struct scn_stmt *st,
		    const char *noun, unsigned long max, const char *max_text);
bool scn_string(struct scn_parser *p, char **str, size_t *len, const char *what);
/* A memory tag: 0 to 15. */
bool scn_tag_value(struct scn_parser *p, unsigned int *out, const char *what);
bool scn_address(struct scn_parser *p, struct scn_addr *a);
int scn_lookup(const struct scenario *s, enum scn_sym_kind k, const char *n);
/* A new name of kind @k (one namespace for all kinds). */
int scn_define(struct scn_parser *p, enum scn_sym_kind k, const char *n,
	       struct scn_pos pos);
/* A name that must already be defined as a @k. */
int scn_use(struct scn_parser *p, enum scn_sym_kind k);
extern const char *const scn_kind_names[SYM_KINDS];
bool scn_page_aligned(struct scn_parser *p, unsigned long v, struct scn_pos pos,
		      const char *what);
/* Tags and guests exist on one machine: said where they are first used. */
bool scn_needs_mte_machine(struct scn_parser *p, struct scn_pos pos, const char *what);
/* Options up to the end of the statement, @allowed and @required O_* bits. */
bool scn_options(struct scn_parser *p, struct scn_stmt *st, unsigned int allowed,
		 unsigned int required, const char *verb);
/* One option, which must be in @allowed; @seen gathers them. */
bool scn_option(struct scn_parser *p, struct scn_stmt *st, unsigned int *seen,
		unsigned int allowed, const char *verb);
/* The domain's payload of @st, zeroed, owned by the scenario. */
void *scn_stmt_data(struct scn_parser *p, struct scn_stmt *st, size_t size);

/* Of dom_mte.c: a tag range, whole @align units from @start, bounded. */
bool scn_tag_range(struct scn_parser *p, const struct scn_stmt *st,
		   unsigned long start, struct scn_pos start_pos,
		   unsigned long align, const char *what);

/* Execution helpers. */
struct scn_reg *scn_reg(struct scn_run *r, int i);
/* A 'tag N' pointer when the statement gave one. */
unsigned long scn_tagged(const struct scn_stmt *st, unsigned long a);
/* Bytes read: checked against 'expect', kept in @g (scn_reg() or NULL). */
void scn_read_done(struct scn_reg *g, const struct scn_stmt *st, const char *what,
		   const unsigned char *got, size_t n, int ret);
/* Every granule's tag is the one 'expect' names, or a violation. */
void scn_check_expect_tags(const struct scn_stmt *st, const char *what,
			   const unsigned char *tags, size_t n, long ret);

#endif /* PMM_SCENARIO_DOMAIN_H */
