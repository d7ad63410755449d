/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upgrade margin: families of system calls that newer or older libcs,
 * kernels and runtimes use for the same job (open/openat/openat2,
 * clone/clone3, ...), so a recommendation made from one trace survives the
 * next glibc, kernel or daemon release. The families are data
 * (data/families.txt, each with its source), compiled in at build time by
 * tools/gen-families.c. */
#pragma once

#include <stddef.h>

#include "names.h"

struct cg_family {
	const char *name;	  /* "open" */
	const char *const *calls; /* its members, as systemd names them */
	size_t ncalls;
	const char *source; /* why they are relatives, with versions */
};

/* The shipped families, in data order. Static; never freed. */
size_t cg_family_count(void);
const struct cg_family *cg_family_get(size_t i);

/* Adds to out every call that shares a family with a member of used and is
 * not in used itself. */
void cg_margin_relatives(const struct cg_set *used, struct cg_set *out);
/* The first family (in data order) that holds name and a member of used
 * other than name: why name is a relative of what was observed. NULL when
 * there is none. */
const struct cg_family *cg_margin_family(cg_name name, const struct cg_set *used);
/* One member of used that f holds (the relative's reason), or
 * CG_NAME_NONE. */
cg_name cg_margin_reason(const struct cg_family *f, cg_name name, const struct cg_set *used);
