/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One way to start a command, for the tracers and `run` alike: find it as a
 * shell does (127 not found, 126 not executable), fork, hold the child at a
 * start gate until the caller is ready (seized by ptrace, marked for bpf),
 * give it back the signal dispositions and mask the tool inherited (SIGHUP
 * ignored under nohup, SIGINT ignored under `trap "" INT` stay so), let the
 * caller prepare it (load a filter), execve, and turn a wait status into
 * the exit code a shell reports. Also: run a helper program and capture its
 * output (systemd-analyze).
 *
 * Nothing here prints; a failure in the child before or at execve is
 * reported back through a close-on-exec pipe and read with
 * cg_spawn_failure() once the child is gone. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Records the signal dispositions (which signals are ignored) and the
 * signal mask of the process as they are now, for children to get back.
 * Only the first call records: call it before the tool changes any
 * disposition (main() does; so do the library functions that install
 * handlers, and cg_spawn_start()). */
void cg_spawn_save_signals(void);
/* In a child between fork and execve: every signal ignored at the
 * snapshot is ignored again, every other one back at its default, and the
 * mask is the snapshot's. Async-signal-safe. */
void cg_spawn_restore_signals(void);

/* Finds name as execvp(3) would (a name with a slash is taken as it is;
 * otherwise each PATH directory, "/usr/local/bin:/usr/bin:/bin" when PATH
 * is unset) and returns a new string with the path of an executable
 * regular file (caller frees), or NULL with errno set (ENOENT, EACCES). */
char *cg_find_command(const char *name);
/* The same with a shell's answer: returns 0 and *path (caller frees), or
 * 127 ("NAME: command not found") or 126 ("NAME: permission denied") with
 * e set. */
int cg_spawn_find(const char *name, char **path, struct cg_error *e);

/* The shell's exit code for a wait status: the exit code, or 128 + N when
 * signal N killed it; -1 for a status that is neither (stopped). */
int cg_spawn_exit_code(int wait_status);

/* Runs in the child after the gate opened, just before execve. Returns 0,
 * or a negative errno with e saying what failed (the child then exits
 * 127 without running the command). Only async-signal-safe work is sure
 * to be safe here when the parent has threads. */
typedef int (*cg_spawn_prepare_fn)(void *data, struct cg_error *e);

struct cg_spawn_opts {
	const char *path;	     /* found with cg_spawn_find(); not owned */
	char *const *argv;	     /* NULL-terminated; not owned */
	bool gate;		     /* hold the child until cg_spawn_release() */
	cg_spawn_prepare_fn prepare; /* may be NULL */
	void *data;		     /* passed to prepare */
};

/* A started child. */
struct cg_spawn {
	pid_t pid;
	int gate_fd;	  /* write end of the start gate, -1 when released */
	int fail_fd;	  /* read end of the failure report, -1 when read */
	const char *path; /* o->path, for messages; not owned */
};

/* Forks and starts the command of o in the child (stdin, stdout, stderr,
 * environment, process group: the caller's). With o->gate the child waits
 * until cg_spawn_release() (or exits 127 quietly when the gate is closed
 * unopened: cg_spawn_done() before release). Returns 0 with s filled, or a
 * negative errno with e set. */
int cg_spawn_start(const struct cg_spawn_opts *o, struct cg_spawn *s, struct cg_error *e);
/* Opens the gate. Returns 0 or a negative errno. */
int cg_spawn_release(struct cg_spawn *s);
/* After the child is gone (reaped, or known dead): what went wrong before
 * the command ran. Returns 0 when nothing did (the command ran); 126 or 127
 * when execve failed, the code a shell reports (127 for ENOENT, else 126),
 * with e "cannot run PATH: reason"; a negative errno when o->prepare
 * failed, with its message in e. The child's own exit code is 127 then. */
int cg_spawn_failure(struct cg_spawn *s, struct cg_error *e);
/* Closes what s still holds. */
void cg_spawn_done(struct cg_spawn *s);

/* Runs argv (looked up in PATH) with stdout into a new NUL-terminated
 * buffer (caller frees; *len its length) and stderr to /dev/null; env
 * entries ("NAME=VALUE", NULL-terminated, may be NULL) are set in the
 * child. *exit_code receives cg_spawn_exit_code() of its status (127 when
 * it could not be run). Returns the buffer, or NULL when it could not be
 * started at all. */
char *cg_spawn_capture(char *const argv[], char *const env[], size_t *len, int *exit_code);
