/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Enforcing a unit's system call settings as systemd does, or only
 * complaining about what they would deny.
 *
 * systemd (src/shared/seccomp-util.c, src/core/exec-invoke.c) loads, in the
 * service's process just before execve():
 *  - for SystemCallArchitectures=, one filter with no rules whose arches are
 *    the listed ones plus the native one (systemd never blocks native); a
 *    call of any other ABI hits libseccomp's bad-arch action, which systemd
 *    leaves at the default SCMP_ACT_KILL: the calling THREAD is killed with
 *    SIGSYS (for a single-threaded process: the process). It does not fail.
 *  - for SystemCallFilter=, one filter per ABI of the machine (x86, x32,
 *    x86-64; those blocked by SystemCallArchitectures= skipped), each
 *    covering its own ABI only and allowing the others' calls. An allow-list
 *    filter has the deny action as default and ALLOW rules; a deny-list has
 *    ALLOW as default and a rule per denied call. The deny action is
 *    SCMP_ACT_KILL_PROCESS, or SCMP_ACT_ERRNO(n) with SystemCallErrorNumber=;
 *    a deny entry's own ":errno" (or ":kill") wins. Each name is resolved on
 *    each ABI, so an i386 (int 0x80) or x32 call of a denied name is denied
 *    too; names an ABI lacks are skipped there.
 * The filter sees only numbers and arches (no argument is read), so the
 * kernel's per-number cache makes allowed calls cheap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "abi.h"
#include "filter.h"
#include "groups.h"
#include "optunit.h"
#include "util.h"

/* The settings systemd would apply. */
struct cg_policy {
	const struct cg_filter *filter; /* SystemCallFilter=; not owned; NULL or inactive: none */
	int errno_action; /* SystemCallErrorNumber=: an errno; CG_ERRNO_KILL or CG_ERRNO_NONE: kill
			   */
	struct cg_archs archs; /* SystemCallArchitectures=; zero: not set */
	/* SystemCallLog= (cg_unit_apply_log()); not owned; NULL or inactive:
	 * none. Applied by cg_policy_load() only. */
	const struct cg_filter *log;
	/* The hardening options' rules (cg_optunit_rules()); not owned; NULL
	 * or empty: none. Loaded first, one filter per option and ABI, as
	 * systemd's exec_child() does, for every ABI whatever
	 * SystemCallArchitectures= says. */
	const struct cg_opt_rules *options;
};

enum cg_verdict_kind {
	CG_VERDICT_ALLOW,
	CG_VERDICT_ERRNO,	 /* the call fails with .err */
	CG_VERDICT_KILL_PROCESS, /* SystemCallFilter= kills the process with SIGSYS */
	CG_VERDICT_KILL_THREAD,	 /* SystemCallArchitectures= kills the calling thread */
};

struct cg_verdict {
	enum cg_verdict_kind kind;
	int err; /* for CG_VERDICT_ERRNO */
};

/* The ABIs whose calls pass SystemCallArchitectures=: every ABI when unset,
 * else the listed ones plus the native one. Bit (1 << abi). */
unsigned cg_policy_abis(const struct cg_policy *p);
/* What the kernel does with a call of name on abi under p: the semantics
 * the loaded filters implement, computed from cg_filter_allows(). */
struct cg_verdict cg_policy_verdict(const struct cg_policy *p, enum cg_abi abi, cg_name name);
/* True when SystemCallLog= logs a call the filter lets through. */
bool cg_policy_logs(const struct cg_policy *p, enum cg_abi abi, cg_name name);
/* "allow", "kill", "kill-thread", "EPERM": a static string. */
const char *cg_verdict_name(struct cg_verdict v);
/* True when p loads anything (a filter, an arch restriction, logging,
 * an option). */
bool cg_policy_active(const struct cg_policy *p);

/* Loads p into the calling thread as systemd does (the arch filter, the
 * SystemCallLog= filters, then one SystemCallFilter= filter per ABI),
 * after setting no_new_privs. Meant for a child just
 * before execve(). Returns 0 or a negative errno (e says which step). */
int cg_policy_load(const struct cg_policy *p, struct cg_error *e);

/* Loads one filter into the calling thread that lets allowed calls through
 * and stops every call p would deny (foreign ABIs included) with
 * SECCOMP_RET_USER_NOTIF, and every call an option rule names (the
 * supervisor tells from its arguments whether the option refuses it). *notify_fd receives the
 * listener (O_CLOEXEC). After the filter is loaded it makes no system call and frees nothing (a
 * call could block until a supervisor listens): meant for a child that
 * hands the listener over from another thread and then calls execve().
 * Sets no_new_privs. Returns 0 or a negative errno. */
int cg_policy_load_complain(const struct cg_policy *p, int *notify_fd, struct cg_error *e);

/* p as one classic BPF program (struct sock_filter array, the native byte
 * order) equivalent to systemd's stack of filters: arch checks first, each
 * ABI's rules, the arch restriction as the bad-arch action. For loaders
 * that take one program (bwrap --seccomp, prctl). *out is a new buffer the
 * caller frees. */
int cg_policy_export_bpf(const struct cg_policy *p, char **out, size_t *len, struct cg_error *e);

/* p as the seccomp section of an OCI runtime config (what podman, docker,
 * runc and crun read): defaultAction, defaultErrnoRet, architectures,
 * syscalls[{names, action, errnoRet}]. *out is a new NUL-terminated string
 * the caller frees. */
int cg_policy_export_oci(const struct cg_policy *p, char **out, struct cg_error *e);

/* ---- complain mode: the supervisor -------------------------------------- */

/* One call the filter (or an option) would have refused. */
struct cg_complaint {
	enum cg_abi abi;
	long nr;      /* as the kernel saw it (x32 with CG_X32_SYSCALL_BIT) */
	cg_name name; /* CG_NAME_NONE when libseccomp has no name for nr */
	uint64_t count;
	pid_t first_pid;
	/* -1: SystemCallFilter= or SystemCallArchitectures= denies it. Else
	 * the option (optbook index) that would refuse it with err, for the
	 * argument fact (cg_optunit_verdict()); one entry per fact. */
	int option;
	int err;
	uint64_t fact;
	char comm[16]; /* of first_pid, when known ("" otherwise) */
};

struct cg_complaints {
	struct cg_complaint *v;
	size_t n, cap;
};

void cg_complaints_done(struct cg_complaints *c);
/* Counts one call of (the audit arch token, nr) by pid. */
void cg_complaints_add(struct cg_complaints *c, uint32_t audit_arch, long nr, pid_t pid);
/* Counts one call an option would refuse (see struct cg_complaint). */
void cg_complaints_add_option(struct cg_complaints *c, enum cg_abi abi, long nr, int option,
			      int err, uint64_t fact, pid_t pid);
/* Sorts by ABI, then name (then option and fact). */
void cg_complaints_sort(struct cg_complaints *c);

/* Runs the supervisor: answers every notification on notify_fd with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (the call goes on as if unfiltered) and
 * records it in out: with p (may be NULL: every notification is a denial)
 * a call p's filter denies, or one p's options refuse for its arguments;
 * others (an option's call with harmless arguments) go on unrecorded. child is the direct child
 * (its pidfd is polled and it is reaped); *status receives its wait status. Returns when the child
 * is reaped and no process uses the filter any more (the whole tree is gone). Does not close
 * notify_fd. Returns 0 or a negative errno. */
int cg_complain_serve(int notify_fd, pid_t child, const struct cg_policy *p, int *status,
		      struct cg_complaints *out);

/* ---- enforce mode: naming the call behind a SIGSYS ---------------------- */

/* A seccomp record of the kernel log (audit type 1326), as printed to
 * /dev/kmsg when no audit daemon takes it. */
struct cg_seccomp_record {
	pid_t pid;
	int sig; /* 31 for a kill; 0 for a logged call */
	enum cg_abi abi;
	long nr;
	cg_name name; /* CG_NAME_NONE when unknown */
	char comm[64];
};

/* Parses one kmsg or audit line holding "type=1326" (or "type=SECCOMP").
 * Returns 0, or -EINVAL when the line is not such a record. */
int cg_seccomp_record_parse(const char *line, struct cg_seccomp_record *out);

/* Where seccomp kill records are read from: the audit netlink multicast
 * group (AUDIT_NLGRP_READLOG: every record, read-only, needs
 * CAP_AUDIT_READ) or, failing that, /dev/kmsg (needs CAP_SYSLOG or
 * dmesg_restrict=0; loses records to printk's rate limit, 10 per 5 s, and
 * sees none when an audit daemon takes them). */
struct cg_seccomp_watch {
	int fd;
	bool netlink;
};

/* Starts watching: only records that arrive later are read. Returns 0, or
 * a negative errno when neither source can be read (w->fd is then -1). */
int cg_seccomp_watch_open(struct cg_seccomp_watch *w);
void cg_seccomp_watch_close(struct cg_seccomp_watch *w);
/* Returns in *out the next seccomp record of pid (any pid when pid <= 0;
 * a kill, or a call that SystemCallLog= logged) among the records that
 * arrived; waits up to
 * timeout_ms for one, since the kernel sends audit records from a thread of
 * its own. Returns 0, or -ENOENT when none came. */
int cg_seccomp_watch_next(const struct cg_seccomp_watch *w, pid_t pid, int timeout_ms,
			  struct cg_seccomp_record *out);
/* The same for the SIGSYS kill record of pid, skipping others. */
int cg_seccomp_watch_find_kill(const struct cg_seccomp_watch *w, pid_t pid, int timeout_ms,
			       struct cg_seccomp_record *out);
