/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What both tracer backends share, below them: what to trace and what came
 * of it (options and result), the stop signals they honour, the processes
 * of a cgroup, and starting a command through spawn with the same answers
 * (126/127, "cannot run PATH") in both. The backends (trace_ptrace.h,
 * trace_bpf.h) include this header and never trace.h, which sits above
 * them and picks one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "spawn.h"
#include "util.h"

struct cg_profile;

enum cg_trace_backend {
	CG_TRACE_AUTO,	 /* bpf when available, else ptrace */
	CG_TRACE_PTRACE, /* ptrace (+ seccomp SECCOMP_RET_TRACE for a command) */
	CG_TRACE_BPF,	 /* eBPF on raw_syscalls:sys_enter/sys_exit */
};

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
	/* Warnings (setuid command, attach limits, an inherited seccomp
	 * filter) go to this stream; NULL keeps quiet. */
	FILE *warn;
	/* Calls that a seccomp filter other than ours refused (answered with
	 * an error without running them: a container's filter, one the command
	 * installed) are counted in the profile as calls with errors, whatever
	 * count_errors says, and also added here (calls and errors) when this
	 * is set. Owned by the caller, may be NULL. The ptrace backend tells
	 * them apart only for a command it started (its own filter shows which
	 * calls passed); calls of processes attached to are counted, not
	 * marked. */
	struct cg_profile *refused;
	/* A cgroup traced with the bpf backend: the calls the service manager
	 * makes there for the unit, from its fork of a process (outside the
	 * cgroup, or by CLONE_INTO_CGROUP into it) to that process's exec of
	 * the unit's command (the exec of systemd-executor does not count),
	 * go here instead of the profile, with their errors, and show no
	 * evidence. Children of such a process are the manager's too until
	 * they execute something (PAM's session process); execve and
	 * execveat stay the unit's (the last one runs under the unit's
	 * filter). Owned by the caller, may be NULL: everything is counted in
	 * the profile. Processes that were past their exec when the trace
	 * began are the unit's whatever they run. */
	struct cg_profile *manager;
	/* A live view: about every tick_ms (default 1000), tick(tick_data,
	 * counts) is called with the counts so far (a profile the backend
	 * owns; read it, do not keep it). A nonzero return ends a trace of a
	 * cgroup or PIDs as a stop request would, with no stop signal
	 * recorded; a command's trace goes on until the command ends. With
	 * ptrace a tick comes at the tracer's next wake-up (a SIGALRM every
	 * tick_ms interrupts its wait); bpf ticks for a cgroup or PIDs only.
	 * NULL: no ticks. */
	int (*tick)(void *tick_data, const struct cg_profile *counts);
	void *tick_data;
	unsigned tick_ms;
};

struct cg_trace_result {
	/* The command's status as a shell reports it: the exit code, or
	 * 128 + N when signal N killed it. -1 when no command was run, or
	 * it had not ended when the trace stopped. */
	int exit_status;
	/* When the command could not be run: 127 (not found) or 126 (found
	 * but not executable, or execve refused it), the code a shell gives,
	 * also in exit_status, with error saying why. Not found or not
	 * executable ("NAME: command not found", "NAME: permission denied"):
	 * the trace returns -ENOENT or -EACCES, having traced nothing. Refused
	 * by execve ("cannot run PATH: reason"): the trace ran (the attempt
	 * and the child's end are counted) and returns 0. Else 0. */
	int cannot_run;
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

/* Empties r for a trace by backend b: no command status yet (-1). */
void cg_trace_result_init(struct cg_trace_result *r, enum cg_trace_backend b);

/* ---- the command ------------------------------------------------------------ */

/* Finds o->argv[0] as a shell would. Returns 0 with *path (caller frees),
 * or -ENOENT (127) / -EACCES (126) with r->cannot_run and r->exit_status
 * set to that code and r->error saying why. */
int cg_trace_find_command(const struct cg_trace_opts *o, char **path, struct cg_trace_result *r);
/* Once the command's first process is gone (reaped): whether it ran.
 * Returns 0 when it did, and when execve failed (r->cannot_run and
 * r->exit_status set to 127 or 126, r->error "cannot run PATH: reason");
 * a negative errno with its message in r->error when the backend's
 * prepare callback failed. Reads s's failure report (cg_spawn_failure()). */
int cg_trace_command_failure(struct cg_spawn *s, struct cg_trace_result *r);

/* How many seccomp filters pid (0: this process) runs under, from the
 * Seccomp_filters line of /proc/PID/status (Linux 5.9 and later): 0 when
 * none, a negative errno when it cannot tell (-ENODATA: no such line). */
int cg_trace_seccomp_filters(pid_t pid);

/* ---- stop requests ---------------------------------------------------------- */

/* cg_trace_handle_signals() installs handlers for SIGINT, SIGTERM and
 * SIGHUP (without SA_RESTART, so a backend blocked in a wait wakes up) that
 * record the signal; backends poll cg_trace_stop_signal(). With a command,
 * a signal sent by another process (kill) is forwarded to the command and
 * the trace goes on until it ends; a signal from the terminal already
 * reached the command (same process group). A second request, or any
 * request while tracing live processes, stops the trace. Commands started
 * later get back the dispositions we inherited (cg_spawn_restore_signals()). */
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

/* ---- cgroups ---------------------------------------------------------------- */

/* Reads the pids listed in <cgroup>/cgroup.procs into a new array (*out,
 * caller frees) and returns their count, or a negative errno with e set. */
int cg_trace_cgroup_pids(const char *cgroup, pid_t **out, struct cg_error *e);
/* The cgroup directory of a systemd unit: ControlGroup from `systemctl show`
 * when systemd runs, else /sys/fs/cgroup/system.slice/NAME. Returns a new
 * string (caller frees) or NULL with e set when no such directory exists. */
char *cg_trace_unit_cgroup(const char *unit, struct cg_error *e);
