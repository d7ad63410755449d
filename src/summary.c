/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "summary.h"

#include "evidence.h"

#include <inttypes.h>
#include <string.h>

#include "util.h"

/* strace's layout for `strace -c -U calls,errors,name` (count.c): the
 * tracers measure no time, so the time columns are left out rather than
 * filled with zeros, as strace itself can. */
static const char header[] = "    calls    errors syscall\n";
static const char dashes[] = "--------- --------- ----------------\n";

static int by_calls(const void *a, const void *b)
{
	const struct cg_profile_entry *x = *(const struct cg_profile_entry *const *)a;
	const struct cg_profile_entry *y = *(const struct cg_profile_entry *const *)b;
	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return strcmp(cg_name_str(x->name), cg_name_str(y->name));
}

static void put_table(FILE *f, const struct cg_profile *p, enum cg_abi abi)
{
	size_t n = cg_profile_count(p), k = 0;
	_cleanup_free_ const struct cg_profile_entry **rows = xcalloc(n ? n : 1, sizeof(*rows));
	uint64_t calls = 0, errors = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cg_profile_entry *e = cg_profile_at(p, i);
		if (e->abi != abi)
			continue;
		rows[k++] = e;
		calls += e->calls;
		errors += e->errors;
	}
	qsort(rows, k, sizeof(*rows), by_calls);
	fputs(header, f);
	fputs(dashes, f);
	for (size_t i = 0; i < k; i++) {
		char err[32] = "";
		if (rows[i]->errors)
			snprintf(err, sizeof(err), "%" PRIu64, rows[i]->errors);
		fprintf(f, "%9" PRIu64 " %9s %s\n", rows[i]->calls, err,
			cg_name_str(rows[i]->name));
	}
	fputs(dashes, f);
	char err[32] = "";
	if (errors)
		snprintf(err, sizeof(err), "%" PRIu64, errors);
	fprintf(f, "%9" PRIu64 " %9s %s\n", calls, err, "total");
}

static int by_name(const void *a, const void *b)
{
	const struct cg_profile_entry *x = *(const struct cg_profile_entry *const *)a;
	const struct cg_profile_entry *y = *(const struct cg_profile_entry *const *)b;
	return strcmp(cg_name_str(x->name), cg_name_str(y->name));
}

/* "# WHAT: NAME N, NAME N" for abi's entries of calls. */
static void put_named(FILE *f, const char *what, const struct cg_profile *calls, enum cg_abi abi)
{
	size_t n = cg_profile_count(calls), k = 0;
	_cleanup_free_ const struct cg_profile_entry **rows = xcalloc(n ? n : 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		const struct cg_profile_entry *e = cg_profile_at(calls, i);
		if (e->abi == abi && e->calls)
			rows[k++] = e;
	}
	if (!k)
		return;
	qsort(rows, k, sizeof(*rows), by_name);
	fprintf(f, "# %s", what);
	if (abi != cg_abi_native())
		fprintf(f, " (%s mode)",
			abi == CG_ABI_I386  ? "32 bit"
			: abi == CG_ABI_X32 ? "x32"
					    : "64 bit");
	for (size_t i = 0; i < k; i++)
		fprintf(f, "%s %s %" PRIu64, i ? "," : ":", cg_name_str(rows[i]->name),
			rows[i]->calls);
	fputc('\n', f);
}

char *cg_summary_format(const struct cg_profile *p)
{
	return cg_summary_format_refused(p, NULL);
}

char *cg_summary_format_refused(const struct cg_profile *p, const struct cg_profile *refused)
{
	return cg_summary_format_notes(p, refused, NULL);
}

/* put_named() of calls for each ABI, the native one first. */
static void put_notes(FILE *f, const char *what, const struct cg_profile *calls)
{
	static const enum cg_abi others[] = {CG_ABI_I386, CG_ABI_X32, CG_ABI_X86_64};
	enum cg_abi native = cg_abi_native();
	if (!calls)
		return;
	put_named(f, what, calls, native);
	for (size_t i = 0; i < ELEMENTSOF(others); i++)
		if (others[i] != native)
			put_named(f, what, calls, others[i]);
}

char *cg_summary_format_notes(const struct cg_profile *p, const struct cg_profile *refused,
			      const struct cg_profile *manager)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort(); /* out of memory, as xmalloc would */
	unsigned abis = cg_profile_abis(p);
	enum cg_abi native = cg_abi_native();
	if ((abis & (1u << native)) || !abis)
		put_table(f, p, native);
	static const enum cg_abi others[] = {CG_ABI_I386, CG_ABI_X32, CG_ABI_X86_64};
	for (size_t i = 0; i < ELEMENTSOF(others); i++) {
		enum cg_abi abi = others[i];
		if (abi == native || !(abis & (1u << abi)))
			continue;
		/* strace's personality names on x86-64. */
		fprintf(f, "System call usage summary for %s mode:\n",
			abi == CG_ABI_I386  ? "32 bit"
			: abi == CG_ABI_X32 ? "x32"
					    : "64 bit");
		put_table(f, p, abi);
	}
	put_notes(f, "refused by an inherited seccomp filter", refused);
	put_notes(f, "left out, made by the service manager before the exec", manager);
	/* The argument evidence, as comment lines strace's readers skip. */
	_cleanup_free_ char *ev = cg_evidence_format(cg_profile_evidence_c(p));
	fputs(ev, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}
