/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the cmocka unit tests. TOP_SRCDIR and BUILD_DIR come from the
 * Makefile. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"

/* Path of a file under the source tree, in a static buffer. */
static inline const char *srcpath(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", TOP_SRCDIR, rel);
	return buf;
}

/* Path of a test program built under BUILD_DIR/progs (name may be
 * "m32/..."), in a static buffer; fails the test when it is not built. */
static inline const char *progpath(const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/progs/%s", BUILD_DIR, name);
	if (access(buf, X_OK) < 0)
		fail_msg("%s is not built: make BUILD=... progs", buf);
	return buf;
}

/* Reads a source-tree file or fails the test. Caller frees. */
static inline char *slurp(const char *rel, size_t *len)
{
	char *text = NULL;
	struct cg_error e = {0};
	size_t l = 0;
	if (cg_read_file(srcpath(rel), &text, &l, &e) < 0)
		fail_msg("cannot read %s: %s", rel, e.msg);
	if (len)
		*len = l;
	return text;
}

/* Calls and errors the profile holds for (abi, name); 0 when absent. */
static inline uint64_t calls(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *e = cg_profile_find(p, abi, cg_intern(name));
	return e ? e->calls : 0;
}

static inline uint64_t errors(const struct cg_profile *p, enum cg_abi abi, const char *name)
{
	const struct cg_profile_entry *e = cg_profile_find(p, abi, cg_intern(name));
	return e ? e->errors : 0;
}
