/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Argument evidence: what the calls of a workload asked for, beyond their
 * names, where systemd's seccomp-backed options (RestrictAddressFamilies=,
 * RestrictNamespaces=, MemoryDenyWriteExecute=, LockPersonality=,
 * RestrictRealtime=, RestrictSUIDSGID=, ProtectClock=, ProtectHostname=,
 * ProtectKernelLogs=, ProtectKernelTunables=) look.
 *
 * A fact is (ABI, kind, call, value) -> count, plus the first process that
 * showed it (pid, comm). Facts are added like the calls of a profile and
 * merged like them (counts add up, the first process of dst is kept). Every
 * reader decodes a call into a struct cg_call_args (raw numbers, the few
 * words behind pointers it read) and hands it to cg_evidence_record(), so
 * the rule "which call says what" is written once, here.
 *
 * An evidence set also says which kinds its inputs could see: a strace -c
 * table or a list of names sees no arguments, so every kind is unknown and
 * an option that needs arguments must be reported "not known from this
 * input", never guessed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "evidence_names.h" /* enum cg_fact_kind, enum cg_fact_path */
#include "names.h"

struct cg_fact {
	enum cg_abi abi;
	enum cg_fact_kind kind;
	cg_name call;	/* the system call that showed it */
	uint64_t value; /* see enum cg_fact_kind */
	uint64_t count; /* calls that showed it; 0 = seen, count unknown */
	int32_t pid;	/* the first process that showed it; 0 = unknown */
	char comm[16];	/* its comm (NUL-terminated), "" = unknown */
};

struct cg_evidence;

struct cg_evidence *cg_evidence_new(void);
void cg_evidence_free(struct cg_evidence *ev);
void cg_evidence_freep(struct cg_evidence **ev);
#define _cleanup_evidence_ __attribute__((cleanup(cg_evidence_freep)))

/* Adds count to the fact (abi, kind, call, value), creating it with pid and
 * comm (may be NULL; copied, cut to 15 bytes) as its first process. A fact
 * that exists keeps its first process, unless that one is unknown (pid 0). */
void cg_evidence_add(struct cg_evidence *ev, enum cg_abi abi, enum cg_fact_kind kind, cg_name call,
		     uint64_t value, uint64_t count, int32_t pid, const char *comm);
/* Adds every fact of src to dst (counts add up), and src's inputs to dst's
 * (see cg_evidence_input()). */
void cg_evidence_merge(struct cg_evidence *dst, const struct cg_evidence *src);
/* Removes every fact and input. */
void cg_evidence_clear(struct cg_evidence *ev);

/* Declares one input read into ev that could see the kinds in known (a mask
 * of CG_FACT_BIT()): the ptrace backend and strace logs see all of them, a
 * strace -c table or a list none. */
void cg_evidence_input(struct cg_evidence *ev, uint32_t known);
/* The kinds every declared input could see (0 when none was declared), and
 * the number of inputs declared. */
uint32_t cg_evidence_known(const struct cg_evidence *ev);
unsigned cg_evidence_inputs(const struct cg_evidence *ev);

size_t cg_evidence_count(const struct cg_evidence *ev);
/* Facts in insertion order until cg_evidence_sort(); the pointer is valid
 * until ev is next modified. NULL past the end. */
const struct cg_fact *cg_evidence_at(const struct cg_evidence *ev, size_t i);
const struct cg_fact *cg_evidence_find(const struct cg_evidence *ev, enum cg_abi abi,
				       enum cg_fact_kind kind, cg_name call, uint64_t value);
/* Orders facts by kind, value, ABI, call name. */
void cg_evidence_sort(struct cg_evidence *ev);
/* Iteration over the facts of one kind (any ABI and call), in the current
 * order: for (size_t i = 0; (f = cg_evidence_next(ev, kind, &i)); ) ... */
const struct cg_fact *cg_evidence_next(const struct cg_evidence *ev, enum cg_fact_kind kind,
				       size_t *i);

/* ---- decoding calls ------------------------------------------------------ */

/* What a reader must fetch for a call beyond its six registers. */
enum cg_call_need {
	CG_NEED_NONE = 0,	/* no fact from this call */
	CG_NEED_REGS = 1,	/* the registers are enough */
	CG_NEED_CLONE_ARGS = 2, /* the u64 at the pointer in arg 0: clone_args.flags
				 * of clone3; size | sched_policy << 32 of
				 * sched_setattr's struct sched_attr */
	CG_NEED_OPEN_HOW = 4,	/* openat2: the u64 flags at arg 2 (open_how.flags) */
	CG_NEED_PATH = 8,	/* a path: the string at arg path_arg */
};

/* How each call that can show a fact is read (readers that cannot call
 * cg_evidence_decode_call, as the bpf backend, switch on it). The numbers
 * may change: map them, never store them. */
enum cg_call_decoder {
	CG_DEC_NONE,
	CG_DEC_SOCKET,	   /* family arg 0 */
	CG_DEC_SOCKETPAIR, /* family arg 0 */
	CG_DEC_CLONE,	   /* flags arg 0 (x86: the first argument is flags) */
	CG_DEC_CLONE3,	   /* clone_args.flags */
	CG_DEC_UNSHARE,	   /* flags arg 0 */
	CG_DEC_SETNS,	   /* nstype arg 1 */
	CG_DEC_MMAP,	   /* prot arg 2 */
	CG_DEC_MPROTECT,   /* prot arg 2 (mprotect, pkey_mprotect) */
	CG_DEC_SHMAT,	   /* shmflg arg 2 */
	CG_DEC_PERSONALITY,
	CG_DEC_SCHED_SETSCHEDULER, /* policy arg 1 */
	CG_DEC_SCHED_SETATTR,	   /* sched_attr.sched_policy */
	CG_DEC_MODE1,		   /* mode arg 1: chmod, fchmod, mkdir, mknod */
	CG_DEC_MODE2,		   /* mode arg 2: fchmodat, fchmodat2, mkdirat, mknodat */
	CG_DEC_CREAT,		   /* path arg 0, mode arg 1 */
	CG_DEC_OPEN,		   /* path arg 0, flags arg 1, mode arg 2 */
	CG_DEC_OPENAT,		   /* path arg 1, flags arg 2, mode arg 3 */
	CG_DEC_OPENAT2,		   /* path arg 1, open_how.flags */
	CG_DEC_CLOCK,
	CG_DEC_HOSTNAME,
	CG_DEC_SYSLOG, /* action arg 0 */
	CG_DEC_SYSCTL,
};

/* The decoder of call name (n bytes; never interned). */
enum cg_call_decoder cg_evidence_call_decoder(const char *name, size_t n);

/* Which facts call (on abi) can show, and what to fetch for them; sets
 * *path_arg (may be NULL) to the register index of the path when
 * CG_NEED_PATH is in the result. Cheap (a table lookup, cached per name in
 * a process-wide table: not for threads, which use the _n form). */
unsigned cg_evidence_call_needs(enum cg_abi abi, cg_name call, unsigned *path_arg);
/* The same by name (name need not be NUL-terminated; never interned, so
 * threads may call it). */
unsigned cg_evidence_call_needs_n(enum cg_abi abi, const char *name, size_t n, unsigned *path_arg);

/* One call, decoded by a reader. */
struct cg_call_args {
	enum cg_abi abi;
	cg_name call;
	uint64_t arg[6];
	bool have_mem;	    /* mem_flags was read */
	uint64_t mem_flags; /* clone_args.flags (clone3), open_how.flags (openat2) */
	const char *path;   /* the path argument (NUL-terminated; may be cut
			     * short, 64 bytes are enough), NULL when unread */
};

/* One fact a call shows, before it has a place in an evidence set. */
struct cg_fact_raw {
	enum cg_fact_kind kind;
	uint64_t value;
};
#define CG_CALL_FACTS_MAX 10

/* The facts call name (n bytes, not interned: threads may call this) with
 * arguments a shows (a->call is not read). Writes at most
 * CG_CALL_FACTS_MAX to out and returns how many. */
size_t cg_evidence_decode_call(const char *name, size_t n, const struct cg_call_args *a,
			       struct cg_fact_raw *out);

/* Records the facts a (one call) shows, count 1, first process pid/comm.
 * Calls that show nothing are ignored. */
void cg_evidence_record(struct cg_evidence *ev, const struct cg_call_args *a, int32_t pid,
			const char *comm);
/* The same, adding count (the bpf backend reads counts from its maps). */
void cg_evidence_record_n(struct cg_evidence *ev, const struct cg_call_args *a, uint64_t count,
			  int32_t pid, const char *comm);

/* Classifies an open of path with open flags: enum cg_fact_path, or 0. */
enum cg_fact_path cg_evidence_classify_path(const char *path, uint64_t open_flags);

/* ---- names and the profile file ------------------------------------------ */

/* "socket-family", "namespace", ...; static. NULL for a bad kind. */
const char *cg_fact_kind_name(enum cg_fact_kind k);
/* Parses a kind name; returns 0 or -EINVAL. */
int cg_fact_kind_from_name(const char *s, size_t n, enum cg_fact_kind *out);
/* The value of f in words ("AF_INET6", "CLONE_NEWUSER", "PROT_READ|PROT_WRITE|
 * PROT_EXEC", "SCHED_FIFO", "04000", "/dev/kmsg", "0x3"), into buf. Returns buf. */
const char *cg_fact_value_str(enum cg_fact_kind kind, uint64_t value, char *buf, size_t len);
/* A fact in one line, into buf: "mmap(PROT_READ|PROT_WRITE|PROT_EXEC) 4x,
 * first pid 812 (node)", with " [i386]" for an ABI other than x86-64.
 * Returns buf. */
const char *cg_fact_text(const struct cg_fact *f, char *buf, size_t len);

/* The version of the evidence section and of the JSON "evidence" member. */
#define CG_EVIDENCE_FORMAT 1

/* The evidence as comment lines that strace -c tables may carry after
 * them (suggest reads them back; strace and people skip them):
 *   # callgroups-evidence 1 inputs=1 known=socket-family,namespace,...
 *   # fact x86-64 socket socket-family 10 count=3 pid=812 comm=python3 # AF_INET6
 * Returns a new string (caller frees); "" when ev has no input declared. */
char *cg_evidence_format(const struct cg_evidence *ev);
/* Parses one line of that section ([l, e), without the newline) into ev;
 * ev NULL only checks it (nothing is interned). Returns 1 when it was an
 * evidence line, 0 when it is not one (another comment), -EINVAL when it
 * is one but malformed (*why names what was expected). */
int cg_evidence_parse_line(struct cg_evidence *ev, const char *l, const char *e, const char **why);

/* ---- strace's rendering -------------------------------------------------- */

/* Decodes the arguments of one strace log call line: name (n bytes, not
 * interned: threads may call this) is the call, args points just after its
 * '(' and e at the end of the line (the arguments may be cut short by
 * <unfinished ...>). Reads strace 5.10 .. 6.x renderings, symbolic
 * (AF_INET6, CLONE_NEWNS|..., PROT_READ|PROT_EXEC, {flags=CLONE_NEWNS|...,
 * ...} of clone3) and numeric (-X raw: 0xa, 0x1200000|17). Fills a (abi and
 * call are left to the caller) and returns true when the call can show a
 * fact and the arguments it needs were read; false otherwise. Never reads
 * past e. A path is unescaped into pathbuf (len bytes) and a->path points
 * there. */
bool cg_evidence_decode_strace(const char *name, size_t n, const char *args, const char *e,
			       struct cg_call_args *a, char *pathbuf, size_t len);
