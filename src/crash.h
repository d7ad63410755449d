/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers of the records a seccomp denial leaves behind, so that a SIGSYS
 * crash can be named: which call, of which ABI, with which action.
 *
 * - Kernel audit records of type 1326 (AUDIT_SECCOMP), as dmesg, /dev/kmsg,
 *   `journalctl -k` / `-o short` and auditd's audit.log (type=SECCOMP
 *   msg=audit(...)) print them: `sig=31 arch=c000003e syscall=93 compat=0
 *   ip=0x... code=0x80000000`. The kernel writes one for SECCOMP_RET_KILL_*
 *   and SECCOMP_RET_LOG (what SystemCallLog= installs) by default
 *   (/proc/sys/kernel/seccomp/actions_logged); ERRNO, TRAP and TRACE only
 *   when the filter asked for logging, which systemd does not.
 * - systemd-coredump reports (`coredumpctl info`, or the journal message):
 *   `Signal: 31 (SYS)` and frame #0 of the stack trace, `#0  0x... fchown
 *   (libc.so.6 + 0x...)`: the libc function, mapped to the call it makes.
 * - systemd's `UNIT: Main process exited, code=dumped, status=31/SYS`: the
 *   unit and the signal, without the call.
 *
 * Each record keeps the time it carries: audit's msg=audit(EPOCH:SERIAL)
 * first, else the line's prefix (journalctl's `Nov 29 10:05:11`, ISO
 * `2026-11-29T10:05:11`, dmesg's `[ 1234.5678]` or /dev/kmsg's microseconds,
 * both since boot) or coredumpctl's `Timestamp:`. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "abi.h"
#include "check.h"
#include "groups.h"
#include "names.h"
#include "unitfile.h"
#include "util.h"

enum cg_crash_source {
	CG_CRASH_AUDIT,	   /* a type=1326 / type=SECCOMP record */
	CG_CRASH_COREDUMP, /* a systemd-coredump stack trace */
	CG_CRASH_EXIT,	   /* "status=31/SYS" from systemd: no call named */
};

/* The seccomp action of an audit record's code= (SECCOMP_RET_*). */
#define CG_SECCOMP_RET_KILL_PROCESS 0x80000000u
#define CG_SECCOMP_RET_KILL_THREAD 0x00000000u
#define CG_SECCOMP_RET_TRAP 0x00030000u
#define CG_SECCOMP_RET_ERRNO 0x00050000u
#define CG_SECCOMP_RET_USER_NOTIF 0x7fc00000u
#define CG_SECCOMP_RET_TRACE 0x7ff00000u
#define CG_SECCOMP_RET_LOG 0x7ffc0000u
#define CG_SECCOMP_RET_ALLOW 0x7fff0000u
#define CG_SECCOMP_RET_ACTION_FULL 0xffff0000u

enum cg_crash_clock {
	CG_CRASH_CLOCK_REAL, /* seconds since the epoch */
	CG_CRASH_CLOCK_BOOT, /* seconds since boot (dmesg, /dev/kmsg) */
};

struct cg_crash_time {
	bool known; /* the others are meaningless when false */
	enum cg_crash_clock clock;
	double sec;
};

struct cg_crash_record {
	enum cg_crash_source source;
	struct cg_crash_time time; /* when the record was written */
	unsigned line;		   /* where in the input the record starts */
	bool have_abi;		   /* abi and nr are known */
	enum cg_abi abi;
	long nr;       /* as the kernel saw it (x32 numbers with their bit); -1 unknown */
	cg_name name;  /* the call, CG_NAME_NONE when unknown */
	uint32_t arch; /* audit arch token, 0 when absent */
	int sig;       /* 31 (SIGSYS) for a kill, 0 for a logged call, -1 unknown */
	bool have_code;
	uint32_t code; /* the seccomp action, when have_code */
	long pid;      /* -1 when absent */
	char comm[64]; /* "" when absent */
	char exe[256];
	char unit[256];	    /* the unit, when the record names it */
	char function[128]; /* coredump: frame #0's function, "" when absent */
};

/* Parses every record found in text (len bytes, NUL-terminated); lines
 * that are no record are skipped. fname names the input in errors. *out is
 * a new array the caller frees with free(); *n its length (0 when nothing
 * was found: not an error). Returns 0, or -EINVAL for a record that
 * starts well but is malformed (e names file and line). */
int cg_crash_parse(const char *text, size_t len, const char *fname, struct cg_crash_record **out,
		   size_t *n, struct cg_error *e);
/* The same, with now as the present: a journal time without a year
 * (`Nov 29 10:05:11`, local time) is taken in the year that puts it at
 * most a day after now. cg_crash_parse() uses time(NULL). */
int cg_crash_parse_at(const char *text, size_t len, const char *fname, time_t now,
		      struct cg_crash_record **out, size_t *n, struct cg_error *e);

/* The time a line starts with or holds, as cg_crash_parse_at() reads it
 * (audit(EPOCH:...) before a prefix); false when it has none. */
bool cg_crash_line_time(const char *line, time_t now, struct cg_crash_time *out);

/* Parses a --since TIME as journalctl takes it: epoch seconds ("1795946793",
 * "@1795946793"), a local "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DDTHH:MM:SS",
 * "YYYY-MM-DD HH:MM", "YYYY-MM-DD"), or relative to now: "-10min", "-30s",
 * "-2h", "-1d", "-1w" (also "10min ago"). *out gets seconds since the
 * epoch. Returns 0, or -EINVAL (e says what was expected; file "--since"). */
int cg_crash_parse_since(const char *s, time_t now, double *out, struct cg_error *e);

/* "kill-process", "kill-thread", "trap", "errno", "user-notif", "trace",
 * "log", "allow"; static. */
const char *cg_crash_action_name(uint32_t code);
/* True when the action killed the process or thread. */
bool cg_crash_action_kills(uint32_t code);

/* The system call a libc function (as a stack trace names it: "fchown",
 * "__GI___fchown", "__libc_open64", "fstatat64") makes on x86-64 glibc;
 * CG_NAME_NONE when it is not a call wrapper this tool knows. */
cg_name cg_crash_function_syscall(const char *function);

/* ---- explaining the records: what explain-crash prints ------------------ */

/* Which records a report keeps. */
struct cg_crash_filter {
	long pid;	  /* -1: any */
	const char *comm; /* NULL: any; borrowed */
	/* NULL: any; borrowed. Records that name another unit are dropped;
	 * records that name none (the kernel's audit records never do) are
	 * kept, as they may be the unit's, and counted. */
	const char *unit;
	bool have_since;
	double since;	  /* seconds since the epoch: records at or after it;
			   * records whose time is unknown are dropped */
	double boot_time; /* the epoch time of boot, to place since-boot
			   * times; 0: unknown (those records count as
			   * time unknown under since) */
};

/* One record, or several of the same (unit, or comm when the record names
 * no unit; ABI, call, action), explained against a group table and, when
 * given, a unit. */
struct cg_crash_item {
	struct cg_crash_record rec;	  /* the first of them */
	size_t count;			  /* how many records, >= 1 */
	struct cg_crash_time first, last; /* the earliest and latest known
					   * times (in the clock of the
					   * first record with a time) */
	long *pids;			  /* owned: the distinct pids, in input order */
	size_t npids;
	const char *file; /* the input it was read from; owned by the report */
	/* The groups of the table that hold the call, in table order, @known
	 * left out (cg_table_groups_holding()); owned array of pointers into
	 * the table, NULL when the call is unknown or in no group. */
	const struct cg_group **groups;
	size_t ngroups;
	/* The call was refused or killed, not merely logged (SECCOMP_RET_LOG,
	 * what SystemCallLog= leaves): only those need a fix. */
	bool stopped;
	/* With a unit, for a record that names its call and ABI: */
	bool unit_allows; /* stopped, yet the unit's settings let it through:
			   * another filter, or an older unit, stopped it */
	const char *fix;  /* what lets the call through when a record shows
			   * it stopped (the check's denial fix: the
			   * rulebook's cg_fix_for(), or the ABI for
			   * SystemCallArchitectures=); NULL when the unit
			   * allows it or no unit was given. Static, interned
			   * or in the table. */
};

struct cg_crash_report {
	const struct cg_table *table; /* borrowed; must outlive the report */
	struct cg_crash_item *items;  /* in input order */
	size_t nitems;
	char **files; /* the input names, owned */
	size_t nfiles;
	time_t now;			 /* the present for year-less times; time(NULL) by init */
	struct cg_crash_filter filter;	 /* cg_crash_report_set_filter() */
	char *filter_comm, *filter_unit; /* owned copies filter points to */
	size_t nread;			 /* records read, all filters aside */
	size_t nmatched;		 /* records kept (the sum of the items' counts) */
	size_t ntime_unknown;		 /* dropped under since: no usable time */
	size_t nunit_unnamed;		 /* kept under a unit filter, naming no unit */
	size_t nstopped_named;		 /* items stopped whose call and ABI are known */
	size_t nstopped_unnamed;	 /* items stopped that name no call (status=31/SYS,
					  * an unmapped coredump frame, an unknown number) */
	/* Set by cg_crash_report_explain() with a unit: */
	bool have_unit;
	char *unit;		      /* its name, owned */
	struct cg_check_result check; /* the unit checked against the stopped
				       * calls: denials, fix_lines, fix_verified */
};

/* Starts an empty report on table t (borrowed), keeping every record. */
void cg_crash_report_init(struct cg_crash_report *r, const struct cg_table *t);
/* Sets the records r keeps from now on; copies f and its strings. */
void cg_crash_report_set_filter(struct cg_crash_report *r, const struct cg_crash_filter *f);
/* True when rec passes r's filter; *time_unknown (may be NULL) is set when
 * it fails only for want of a usable time. */
bool cg_crash_report_matches(const struct cg_crash_report *r, const struct cg_crash_record *rec,
			     bool *time_unknown);
/* Parses text (len bytes, NUL-terminated) with cg_crash_parse_at() at
 * r->now and adds the records that pass r's filter, each with its groups;
 * a record like an item's (see struct cg_crash_item) adds to its count.
 * fname names the input in the report and in errors (copied). Returns 0
 * (also when nothing was found), or -EINVAL for a malformed record (e
 * names file and line; r unchanged). */
int cg_crash_report_add(struct cg_crash_report *r, const char *text, size_t len, const char *fname,
			struct cg_error *e);
/* Checks unit u (borrowed) against the calls the records show stopped
 * (cg_check_run()) and fills each record's fix (a logged record of a call
 * that was also stopped gets the same fix) and unit_allows. Call once,
 * after the last cg_crash_report_add(). Returns 0, or what cg_check_run()
 * returns for a line of u that cannot be parsed (e names file and line;
 * cg_crash_report_done() still frees everything). */
int cg_crash_report_explain(struct cg_crash_report *r, const struct cg_unit_settings *u,
			    struct cg_error *e);
/* Frees what r owns and leaves it empty (on the same table). */
void cg_crash_report_done(struct cg_crash_report *r);
