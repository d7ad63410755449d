/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ptrace backend, and the check of a command's privileges that tests
 * can call on their own.
 *
 * A command is started with a seccomp filter that returns SECCOMP_RET_TRACE
 * for every call, so a call costs one ptrace stop (two when errors are
 * counted: the exit stop tells the result). Live processes (-p, a cgroup)
 * cannot be given a filter: they are traced with PTRACE_SYSCALL, two stops per
 * call, and so are the children they fork later. Tasks of a command that run
 * under another seccomp filter too (inherited, or installed by the command),
 * whose refusals outrank ours, are stepped with PTRACE_SYSCALL as well, so
 * that refused calls are counted (see trace_ptrace.c, "refused calls"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "trace_common.h"

/* Traces what o names (o->backend is not looked at), adding every call to
 * p (which the caller owns). Fills r. Returns 0 when the trace ran (even if
 * the command failed: see r->exit_status), or a negative errno with
 * r->error saying why (r->cannot_run when the command could not be run). */
int cg_trace_ptrace(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r);

/* True when path is setuid, setgid or has file capabilities: under ptrace it
 * runs without those privileges. why (len bytes) says which. */
bool cg_trace_file_privileged(const char *path, char *why, size_t len);
