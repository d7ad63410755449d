/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eBPF backend: counts calls in the kernel on the raw_syscalls
 * tracepoints, with no stop; see trace_bpf.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "trace_common.h"

/* Traces what o names (o->backend is not looked at), adding every call to
 * p (which the caller owns). Fills r. Returns 0 when the trace ran (even if
 * the command failed: see r->exit_status), or a negative errno with
 * r->error saying why (r->cannot_run when the command could not be run). */
int cg_trace_bpf(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r);
/* True when the bpf backend can run here; otherwise why (len bytes) says
 * what is missing. why may be NULL. The programs loaded to find out are
 * kept for the next cg_trace_bpf(). */
bool cg_trace_bpf_available(char *why, size_t len);
