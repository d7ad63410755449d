/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a command under a policy, as `callgroups run` does: start it
 * (cg_spawn_start) with the policy loaded just before execve, forward
 * SIGTERM and SIGHUP to it and ignore SIGINT and SIGQUIT while it runs,
 * serve complain mode, and read the kernel's seccomp records after it.
 * Everything the run found comes back in one struct cg_run_result; nothing
 * here prints.
 *
 * Signals: the command gets the dispositions and mask the process had at
 * cg_spawn_save_signals() (taken here if nobody took it before, so call it
 * before changing any disposition yourself). While the command runs, a
 * SIGTERM or SIGHUP sent to this process is passed on to the command
 * (unless it was ignored here: under nohup, SIGHUP stays ignored). Until
 * cg_run() returns, SIGINT and SIGQUIT (which a terminal sends to the whole
 * process group, the command included) are ignored, so that the run lives
 * to report on the command. cg_run() puts the dispositions and mask back
 * before it returns. It installs process-wide handlers: one cg_run() at a
 * time per process, called from a process without other threads (complain
 * mode starts a thread in the child after fork). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "enforce.h"
#include "groups.h"
#include "util.h"

struct cg_run_opts {
	const struct cg_policy *policy; /* not owned */
	const struct cg_table *table;	/* names the fixes; not owned */
	char *const *argv; /* the command, NULL-terminated; argv[0] is looked up as a shell
			    * does (cg_spawn_find); not owned */
	bool complain;	   /* deny nothing: report what the policy would deny */
	/* The hardening options whose rules are policy->options (names the
	 * facts and fixes of their refusals); not owned; may be NULL. */
	const struct cg_optunit *options;
};

/* A call a hardening option would have refused (complain mode): the call,
 * the option, the errno, the fact (struct cg_complaint's option, err,
 * fact), and the unit line that lets it through. */
struct cg_run_refusal {
	struct cg_complaint call;
	char fact[128]; /* "AF_INET", "user", "PROT_WRITE|PROT_EXEC" or "" */
	char fix[160];	/* "RestrictAddressFamilies=AF_INET" */
};

/* What the policy does with a call, and the smallest change that would
 * allow it: a group ("@chown"), the call itself when no group would do
 * (cg_fix_for(): "sethostname"), an architecture
 * ("SystemCallArchitectures=x86"), or "-" for a call without a name. */
struct cg_run_verdict {
	struct cg_verdict verdict;
	char fix[128];
};

/* A call the policy would have denied (complain mode). */
struct cg_run_denial {
	struct cg_complaint call;
	struct cg_run_verdict v;
};

/* What to add after the policy's own settings so that it allows every call
 * of a run: the per-call fixes merged into one line per setting, ready to
 * paste into a drop-in. The values only, without "Key=". */
struct cg_run_fix {
	/* SystemCallFilter=: each call's fix by the rulebook (cg_fix_for(),
	 * groups.h) once, the groups in the order the calls (sorted by ABI,
	 * then name) first need them, then the calls alphabetically: the order
	 * `check` writes its fix line in. NULL when the filter denies none of
	 * the calls. Owned. */
	char *filter;
	/* SystemCallArchitectures=: the ABIs the policy leaves out that a
	 * call was made on, in ABI order; NULL when none. Owned. */
	char *archs;
	/* With filter appended as the last SystemCallFilter= line of the
	 * policy and archs added to its SystemCallArchitectures=, every call
	 * is allowed, by the rules filter.h models. False when a call cannot be
	 * allowed by a line: one without a name (the kernel's number unknown to
	 * libseccomp) under an allow-list, or a name the filter ignores. */
	bool verified;
};

/* A kill record of the kernel's. */
struct cg_run_kill {
	struct cg_seccomp_record rec; /* pid, comm, ABI, number and name of the call */
	bool whole; /* the whole process died of it (else only the calling thread did:
		     * SystemCallArchitectures= kills the thread) */
	struct cg_run_verdict v;
};

struct cg_run_result {
	/* The command's exit code as a shell reports it: its status, 128 + N
	 * when signal N killed it (128 + SIGSYS when the filter did); 126 or
	 * 127 when it could not be started. */
	int exit_code;
	/* 0: the command ran. 126 or 127: it could not be found or executed
	 * (start_error: "NAME: command not found", "cannot run PATH: ...").
	 * A negative errno: setting it up failed, the policy was not loaded
	 * and the command did not run (start_error says why). */
	int start_failure;
	struct cg_error start_error;
	pid_t pid;   /* the command's; -1 when it was not started */
	bool sigsys; /* the command was killed by SIGSYS */

	/* Complain mode: every call the policy would have denied, made by the
	 * command or any process it started, sorted by ABI, then name. */
	struct cg_run_denial *denied;
	size_t ndenied;
	/* Complain mode: the lines that allow every call of denied
	 * (cg_run_fix_make()); all NULL and verified when none was denied. */
	struct cg_run_fix fix;
	/* Complain mode: the calls the hardening options would have refused,
	 * one per (ABI, call, option, fact), sorted as denied. */
	struct cg_run_refusal *refused;
	size_t nrefused;
	/* Enforce mode: the command started (execve worked) and exited 127
	 * while the policy refuses calls with an errno: what the dynamic
	 * loader does when it cannot load a library because openat or mmap
	 * failed, or the command's own 127 (nothing here tells them apart). */
	bool exited_127;

	/* Enforce mode: the kernel's seccomp records. records_err is 0 when
	 * they could be read, else why not (a negative errno; neither the audit
	 * log group nor /dev/kmsg is readable). */
	int records_err;
	bool records_netlink; /* read from the audit log group, else from /dev/kmsg */
	/* The command's own kill record: of its SIGSYS death, or of a thread
	 * SystemCallArchitectures= killed. */
	bool has_kill;
	struct cg_run_kill kill;
	/* A kill of another process that the policy would kill for that very
	 * call: one the command started (a shell reports its SIGSYS death as
	 * 159; the pids of descendants are not known here). */
	bool has_descendant_kill;
	struct cg_run_kill descendant_kill;
	/* SystemCallLog= was in effect; logged holds the calls of the command
	 * it logged, sorted by ABI, then name. */
	bool logging;
	struct cg_complaints logged;
};

/* Frees what r owns (denied, fix, refused, logged). r may be zeroed or partly
 * filled. */
void cg_run_result_done(struct cg_run_result *r);

/* The fix (see struct cg_run_fix) for the n calls of d that p denies, named
 * from t; out is filled (free it with cg_run_fix_done()). Only d[i].call is
 * read. Borrows p, t and d. */
void cg_run_fix_make(const struct cg_policy *p, const struct cg_table *t,
		     const struct cg_run_denial *d, size_t n, struct cg_run_fix *out);
/* Frees what f owns and zeroes it. */
void cg_run_fix_done(struct cg_run_fix *f);

/* Runs o->argv under o->policy (loaded by cg_policy_load(), or in complain
 * mode by cg_policy_load_complain() with the listener handed over to this
 * process and served by cg_complain_serve()) and waits until it is gone
 * (complain mode: until every process it started is gone too). Fills r
 * (free it with cg_run_result_done() in every case). Returns 0 when the
 * command ran or could not be started (r->start_failure), or a negative
 * errno when running it failed here (a pipe, fork, supervising it), with
 * e set; when supervising it failed, the command (r->pid) may still run,
 * its denied calls failing with ENOSYS. */
int cg_run(const struct cg_run_opts *o, struct cg_run_result *r, struct cg_error *e);
