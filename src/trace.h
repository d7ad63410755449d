/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tracing a workload into a profile, with the backend asked for or the best
 * one here: ptrace (trace_ptrace.h) or eBPF on the raw_syscalls
 * tracepoints (trace_bpf.h). This module only names and picks; what to
 * trace, what came of it, the stop signals and cgroup lookups are in
 * trace_common.h, below the backends, and come with this header. */
#pragma once

#include <stddef.h>

#include "profile.h"
#include "trace_common.h"

/* "auto", "ptrace", "bpf". */
const char *cg_trace_backend_name(enum cg_trace_backend b);
/* Parses a backend name; returns 0 or -EINVAL. */
int cg_trace_backend_from_name(const char *s, enum cg_trace_backend *out);

/* Traces what o names, adding every call to p (which the caller owns and
 * may already hold entries). Fills r. Returns 0 when the trace ran (even if
 * the command failed: see r->exit_status), or a negative errno with
 * r->error saying why (r->cannot_run when the command could not be run).
 * With CG_TRACE_AUTO, bpf is used when cg_trace_bpf_available(), else
 * ptrace; why_auto (may be NULL, len bytes) receives a line telling which
 * was picked and why, also written to o->warn (when set) before the trace
 * starts. */
int cg_trace_run(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r,
		 char *why_auto, size_t len);
