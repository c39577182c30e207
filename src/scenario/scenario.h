/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenario files (.pmm): a litmus test over the model's operations.
 *
 *	scenario gupfast-vs-munmap
 *	"""GUP-fast pins a page while another thread unmaps it."""
 *	machine generic
 *	config gup.fast_recheck = off
 *	memory 1M
 *	explore pct depth 3 executions 20000 seed 1
 *
 *	init {
 *		process P
 *		on P: map a anon len 4K prot rw private
 *		on P: write a "a"
 *	}
 *	thread T0 on P cpu 0 { pin a fast write as p; dma p write "D"; unpin p }
 *	thread T1 on P cpu 1 { munmap a len 4K }
 *
 *	expect violation data-corruption
 *
 * On machine arm64-mte (with 'swap SIZE' for reclaim): 'prot rw,mte',
 * 'write a tag 0x3 "x"', 'store_tags a 0x3 len 4K', 'load_tags a len 64
 * expect 0x3', 'reclaim a [len N]'; KVM: 'vm V on P mte' and 'memslot V
 * gpa 0x0 at a len 16K' in init, then guest_write/guest_read/
 * guest_store_tags/guest_load_tags/copy_tags V GPA ...; conditions
 * 'tags(P:a) == 0x3' and 'r >= 1' (a register's count).
 *
 * The file is read whole, checked whole (names, sizes, limits) and only
 * then run; every error names file, line and column. Execution state
 * (addresses, registers) lives in the execution's arena.
 */
#ifndef PMM_SCENARIO_SCENARIO_H
#define PMM_SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "protmm/explore.h"

/* Limits on untrusted input, each checked with a clear error. */
#define SCN_MAX_FILE		(1u << 20)	/* bytes of source */
#define SCN_MAX_NAME		48
#define SCN_MAX_STRING		4096
#define SCN_MAX_THREADS		16
#define SCN_MAX_STMTS		1024		/* per block */
#define SCN_MAX_SYMBOLS		64		/* of each kind */
#define SCN_MAX_CONFIG		32
#define SCN_MAX_CONDS		16
#define SCN_MAX_MEMORY		(2ul << 30)	/* RAM: room for 1G hugetlb pages */
#define SCN_MAX_BOS		8
#define SCN_MAX_DISK		(256ul << 20)
#define SCN_MAX_VRAM		(256ul << 20)	/* device memory */
#define SCN_MAX_MAP		(64ul << 20)	/* one mapping */
#define SCN_MAX_PIN_PAGES	64
#define SCN_MAX_SWAP		(256ul << 20)	/* the swap device */
#define SCN_MAX_VMS		8		/* KVM guests */
#define SCN_MAX_TAG_LEN		(64ul << 10)	/* one tag statement's range */
#define SCN_MTE_GRANULE		16ul
/* The machine whose hardware tags memory and runs KVM guests. */
#define SCN_MTE_MACHINE		"arm64-mte"

struct scn_pos {
	int line, col;
};

/* An address: a number, or a name (given by map) plus an offset. */
struct scn_addr {
	int sym;		/* -1: absolute */
	unsigned long off;
	struct scn_pos pos;
};

/* A statement: the core's fields and its domain's (scenario/domain.h). */
struct scn_stmt;

struct scn_block {
	struct scn_stmt *stmts;
	unsigned int nr;
};

struct scn_thread {
	char name[SCN_MAX_NAME];
	int proc;
	int cpu;
	struct scn_block body;
	struct scn_pos pos;
};

/* Final conditions: a small boolean language over registers and state. */
enum scn_cond_kind {
	COND_AND, COND_OR, COND_NOT,
	COND_REG,		/* register == / != value */
	COND_MEM,		/* P:addr == / != "bytes" */
	COND_REFCOUNT, COND_MAPCOUNT,	/* fn(P:addr) cmp number */
	COND_MAPPED, COND_PINNED,
	COND_SWAPPED,		/* swapped(P:addr): a swap entry in the PTE */
	COND_TAGS,		/* tags(P:addr) == / != tag */
	COND_THP,		/* thp(P:addr) == / != pmd | pte | none */
};

enum scn_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* Helpers the parser gives the interpreter. */
unsigned long scn_addr_value(const struct scn_addr *a);
int scn_status_index(const char *w);

struct scn_cond {
	enum scn_cond_kind kind;
	struct scn_cond *a, *b;
	enum scn_cmp cmp;
	int reg, proc;
	struct scn_addr addr;
	char *str;
	size_t str_len;
	long num;
	/* A register compared with a status: "ok", "segv", "sigbus"... */
	int status;
	bool is_status;
	/* A register compared with a number: the count it returned. */
	bool is_num;
	struct scn_pos pos;
};

struct scn_final {
	bool forbid;		/* forbid C: C holds in no execution */
	struct scn_cond *cond;
	char text[160];		/* as written, for reports */
	struct scn_pos pos;
};

struct scn_config {
	char key[SCN_MAX_NAME], value[SCN_MAX_NAME];
	struct scn_pos pos;
};

enum scn_sym_kind { SYM_PROC, SYM_FILE, SYM_PIPE, SYM_PIN, SYM_ADDR, SYM_REG,
		    SYM_VM, SYM_HFILE, SYM_BO, SYM_KINDS };

struct scn_symtab {
	char names[SCN_MAX_SYMBOLS][SCN_MAX_NAME];
	struct scn_pos pos[SCN_MAX_SYMBOLS];
	unsigned int nr;
};

struct scenario {
	const char *path;
	char name[SCN_MAX_NAME];
	char *description;
	char machine[SCN_MAX_NAME];
	unsigned long memory, disk, swap, vram;
	bool swap_synchronous;
	unsigned int cpus;
	struct scn_config config[SCN_MAX_CONFIG];
	unsigned int nr_config;
	/* explore line: defaults for `protmm run` */
	bool has_explore;
	struct pmm_explore_opts explore;
	struct scn_block init;
	struct scn_thread threads[SCN_MAX_THREADS];
	unsigned int nr_threads;
	bool expect_ok;
	char expect_oracle[SCN_MAX_NAME];
	struct scn_pos expect_pos;
	struct scn_final finals[SCN_MAX_CONDS];
	unsigned int nr_finals;
	struct scn_symtab sym[SYM_KINDS];
	/* Processes forked by a thread: other threads race to see them. */
	bool proc_forked_in_thread[SCN_MAX_SYMBOLS];
	/* Each VM's VMM process: its vCPU threads run there. */
	int vm_proc[SCN_MAX_VMS];
	/* Each hugetlbfs file's huge page size. */
	unsigned long hfile_page[SCN_MAX_SYMBOLS];
	/* Which VMs were created with tags (vm ... mte). */
	bool vm_mte[SCN_MAX_VMS];
	/* Which buffer objects have dirty tracking (bo ... dirty). */
	bool bo_dirty[SCN_MAX_BOS];
	/* Everything the parser allocated, freed by scenario_free(). */
	void **allocs;
	unsigned int nr_allocs, cap_allocs;
};

/* A diagnostic: "file:line:col: error: message", the line and a caret. */
struct scn_error {
	char msg[512];
	struct scn_pos pos;
	char line[1024];
};

/*
 * Reads and checks @path. Returns 0, -EINVAL with @err filled in for a
 * malformed or impossible scenario, or -errno when the file cannot be
 * read (@err says so).
 */
int scenario_load(const char *path, struct scenario **out, struct scn_error *err);
/* The same from a string already in memory (@name names it in errors). */
int scenario_parse(const char *name, const char *src, size_t len,
		   struct scenario **out, struct scn_error *err);
void scenario_free(struct scenario *s);
void scn_error_print(FILE *f, const char *path, const struct scn_error *err);

/* The program that runs @s: setup builds init, a task per thread. */
void scenario_program(struct scenario *s, struct pmm_program *prog);

/*
 * Applies the scenario's config lines (after resetting every knob).
 * Returns 0, or -EINVAL with @err naming the bad line.
 */
int scenario_apply_config(const struct scenario *s, struct scn_error *err);

/* Per-run record of the final conditions across executions. */
struct scn_outcome {
	uint64_t exists_seen[SCN_MAX_CONDS];
};

void scenario_outcome_reset(struct scenario *s);
const struct scn_outcome *scenario_outcome(const struct scenario *s);

/* The oracles a scenario may expect, with what each means. */
struct oracle_info {
	const char *name;
	const char *description;
};

extern const struct oracle_info oracles[];
extern const unsigned int nr_oracles;
bool oracle_known(const char *name);

/*
 * The words the parser gives a meaning, read from its own tables (for the
 * test that protmm(1) documents every one); NULL past the last.
 */
enum scn_word_kind {
	SCN_WORD_DECL,		/* declarations: scenario, machine, init, ... */
	SCN_WORD_VERB,		/* statements: map, write, pin, ... */
	SCN_WORD_OPTION,	/* statement options; the i-th is bit 1 << i */
	SCN_WORD_EXPLORE,	/* options of the 'explore' line */
	SCN_WORD_FUNCTION,	/* functions of a condition: refcount(), ... */
	SCN_WORD_STATUS,	/* a register's statuses: ok, efault, ... */
};

const char *scn_word(enum scn_word_kind kind, unsigned int i);
/* The options (bits as SCN_WORD_OPTION numbers them) @verb takes. */
unsigned int scn_verb_options(const char *verb);

#endif /* PMM_SCENARIO_SCENARIO_H */
