/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Backend names and choice: the backends below do the tracing. */
#include "trace.h"

#include <errno.h>
#include <string.h>

#include "trace_bpf.h"
#include "trace_ptrace.h"

const char *cg_trace_backend_name(enum cg_trace_backend b)
{
	switch (b) {
	case CG_TRACE_AUTO:
		return "auto";
	case CG_TRACE_PTRACE:
		return "ptrace";
	case CG_TRACE_BPF:
		return "bpf";
	}
	return "?";
}

int cg_trace_backend_from_name(const char *s, enum cg_trace_backend *out)
{
	static const enum cg_trace_backend all[] = {CG_TRACE_AUTO, CG_TRACE_PTRACE, CG_TRACE_BPF};
	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		if (strcmp(s, cg_trace_backend_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -EINVAL;
}

int cg_trace_run(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r,
		 char *why_auto, size_t len)
{
	char why[256] = "";
	enum cg_trace_backend b = o->backend;

	if (b == CG_TRACE_AUTO) {
		if (cg_trace_bpf_available(why, sizeof(why))) {
			b = CG_TRACE_BPF;
			if (why_auto)
				snprintf(why_auto, len, "using the bpf backend");
		} else {
			b = CG_TRACE_PTRACE;
			if (why_auto)
				snprintf(why_auto, len, "using the ptrace backend (bpf: %s)",
					 why[0] ? why : "not available");
		}
	} else if (why_auto && len) {
		why_auto[0] = 0;
	}
	if (o->backend == CG_TRACE_AUTO && o->warn && why_auto)
		fprintf(o->warn, "callgroups: %s\n", why_auto);
	struct cg_trace_opts o2 = *o;
	o2.backend = b;
	if (b == CG_TRACE_BPF)
		return cg_trace_bpf(&o2, p, r);
	return cg_trace_ptrace(&o2, p, r);
}
