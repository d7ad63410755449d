/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder so the dispatcher in trace.c links until the bpf helper
 * commits the real backend over this file (it owns it). */
#include <errno.h>
#include <stdio.h>

#include "trace.h"

bool cg_trace_bpf_available(char *why, size_t len)
{
	if (why && len)
		snprintf(why, len, "the bpf backend is not built yet");
	return false;
}

int cg_trace_bpf(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r)
{
	(void)o;
	(void)p;
	cg_error_set(&r->error, "", 0, "the bpf backend is not built yet");
	return -ENOSYS;
}
