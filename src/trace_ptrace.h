/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ptrace backend (cg_trace_ptrace() is declared in trace.h) and the
 * helpers around starting a command that tests can call on their own.
 *
 * A command is started with a seccomp filter that returns SECCOMP_RET_TRACE
 * for every call, so a call costs one ptrace stop (two when errors are
 * counted: the exit stop tells the result). Live processes (-p, a cgroup)
 * cannot be given a filter: they are traced with PTRACE_SYSCALL, two stops per
 * call, and so are the children they fork later. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* True when path is setuid, setgid or has file capabilities: under ptrace it
 * runs without those privileges. why (len bytes) says which. */
bool cg_trace_file_privileged(const char *path, char *why, size_t len);
