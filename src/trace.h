/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tracing a workload into a profile: what to trace (a command to start, live
 * processes, or every process of a cgroup), with which backend (ptrace, or
 * eBPF on the raw_syscalls tracepoints), and what came of it (the command's
 * exit status). The backends live in trace_ptrace.c and trace_bpf.c; this
 * module picks one and handles the stop signals both of them honour. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "profile.h"
#include "util.h"

enum cg_trace_backend {
	CG_TRACE_AUTO,   /* bpf when available, else ptrace */
	CG_TRACE_PTRACE, /* ptrace (+ seccomp SECCOMP_RET_TRACE for a command) */
	CG_TRACE_BPF,    /* eBPF on raw_syscalls:sys_enter/sys_exit */
};

/* "auto", "ptrace", "bpf". */
const char *cg_trace_backend_name(enum cg_trace_backend b);
/* Parses a backend name; returns 0 or -EINVAL. */
int cg_trace_backend_from_name(const char *s, enum cg_trace_backend *out);

/* What to trace: exactly one of argv, pids or cgroup is set. Nothing here is
 * owned by the options; the caller keeps it alive during the trace. */
struct cg_trace_opts {
	/* A command to start (argv[0] is looked up in PATH), NULL-terminated.
	 * Its stdin/stdout/stderr are ours, untouched. */
	char *const *argv;
	/* Live processes: every thread of each, and their future children. */
	const pid_t *pids;
	size_t n_pids;
	/* A cgroup v2 directory (with cgroup.procs): every process in it at the
	 * start, and their future children. */
	const char *cgroup;

	enum cg_trace_backend backend;
	/* Count failed calls too (costs the ptrace backend one more stop per
	 * call; see trace_ptrace.c). */
	bool count_errors;
	/* Warnings (setuid command, attach limits) go to this stream; NULL
	 * keeps quiet. */
	FILE *warn;
};

struct cg_trace_result {
	/* The command's status as a shell reports it: the exit code, or
	 * 128 + N when signal N killed it. -1 when no command was run, or
	 * it had not ended when the trace stopped. */
	int exit_status;
	/* The signal (SIGINT, SIGTERM, SIGHUP) that stopped the trace early,
	 * or 0. */
	int stop_signal;
	/* The backend that ran (never CG_TRACE_AUTO after a trace). */
	enum cg_trace_backend used;
	/* How many processes/threads were traced in all. */
	unsigned long tasks;
	/* Events the backend could not account for (0 for ptrace). */
	unsigned long lost;
	/* Set when a backend returns a negative errno. */
	struct cg_error error;
};

/* Traces what o names, adding every call to p (which the caller owns and
 * may already hold entries). Fills r. Returns 0 when the trace ran (even if
 * the command failed: see r->exit_status), or a negative errno with
 * r->error saying why. With CG_TRACE_AUTO, bpf is used when
 * cg_trace_bpf_available(), else ptrace; why_auto (may be NULL, len bytes)
 * receives a line telling which was picked and why, also written to o->warn
 * (when set) before the trace starts. */
int cg_trace_run(const struct cg_trace_opts *o, struct cg_profile *p,
		 struct cg_trace_result *r, char *why_auto, size_t len);

/* The backends, callable directly. Same contract as cg_trace_run(). */
int cg_trace_ptrace(const struct cg_trace_opts *o, struct cg_profile *p,
		    struct cg_trace_result *r);
int cg_trace_bpf(const struct cg_trace_opts *o, struct cg_profile *p,
		 struct cg_trace_result *r);
/* True when the bpf backend can run here; otherwise why (len bytes) says
 * what is missing. why may be NULL. */
bool cg_trace_bpf_available(char *why, size_t len);

/* Stop requests. cg_trace_handle_signals() installs handlers for SIGINT,
 * SIGTERM and SIGHUP (without SA_RESTART, so a backend blocked in a wait
 * wakes up) that record the signal; backends poll cg_trace_stop_signal().
 * With a command, a signal sent by another process (kill) is forwarded to
 * the command and the trace goes on until it ends; a signal from the
 * terminal already reached the command (same process group). A second
 * request, or any request while tracing live processes, stops the trace.
 * Commands started later get back the dispositions we inherited
 * (cg_spawn_restore_signals()). */
void cg_trace_handle_signals(void);
/* Async-signal-safe: records sig as if it had arrived from another process
 * (from_user) or from the terminal. */
void cg_trace_request_stop(int sig, bool from_user);
/* The last stop signal recorded, or 0. */
int cg_trace_stop_signal(void);
/* How many stop requests were recorded. */
unsigned cg_trace_stop_count(void);
/* Signals recorded as sent by another process and not yet forwarded: returns
 * one (and clears it) or 0. For backends running a command. */
int cg_trace_take_forward(void);

/* Reads the pids listed in <cgroup>/cgroup.procs into a new array (*out,
 * caller frees) and returns their count, or a negative errno with e set. */
int cg_trace_cgroup_pids(const char *cgroup, pid_t **out, struct cg_error *e);
/* The cgroup directory of a systemd unit: ControlGroup from `systemctl show`
 * when systemd runs, else /sys/fs/cgroup/system.slice/NAME. Returns a new
 * string (caller frees) or NULL with e set when no such directory exists. */
char *cg_trace_unit_cgroup(const char *unit, struct cg_error *e);
