/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strace -c table reader (formats: see input.h): headers with any -U
 * columns in any order, the per-ABI headings, rows, the total, and lines
 * starting with '#' after a table: callgroups trace's note of refused
 * calls (skipped) and its evidence section (evidence.h: checked here, read
 * by the caller). */
#include "input_readers.h"

#include <stdio.h>

#include "evidence.h"

/* ---- strace -c tables: header recognition ---------------------------------- */

enum col {
	COL_PERCENT,
	COL_SECONDS,
	COL_USECS,
	COL_CALLS,
	COL_ERRORS,
	COL_NAME,
	COL_MIN,
	COL_MAX,
	COL_WALL_TOTAL,
	COL_WALL_MIN,
	COL_WALL_MAX,
	COL_WALL_AVG,
	COL_COUNT,
};

/* The labels strace prints over each -U column (src/count.c). */
static const char *const col_labels[COL_COUNT] = {
	[COL_PERCENT] = "% time",    [COL_SECONDS] = "seconds",	  [COL_USECS] = "usecs/call",
	[COL_CALLS] = "calls",	     [COL_ERRORS] = "errors",	  [COL_NAME] = "syscall",
	[COL_MIN] = "shortest",	     [COL_MAX] = "longest",	  [COL_WALL_TOTAL] = "wall-total",
	[COL_WALL_MIN] = "wall-min", [COL_WALL_MAX] = "wall-max", [COL_WALL_AVG] = "wall-avg",
};

struct table_cols {
	enum col c[COL_COUNT];
	unsigned n;
};

/* Parses a table header line into its columns. */
static bool parse_header(const char *l, const char *e, struct table_cols *tc)
{
	unsigned have = 0;
	tc->n = 0;
	const char *p = skip_spaces(l, e);
	while (p < e) {
		bool found = false;
		for (unsigned c = 0; c < COL_COUNT; c++) {
			size_t n = strlen(col_labels[c]);
			if (starts(p, e, col_labels[c], n) &&
			    (p + n == e || p[n] == ' ' || p[n] == '\t')) {
				if (have & (1u << c))
					return false;
				have |= 1u << c;
				tc->c[tc->n++] = (enum col)c;
				p = skip_spaces(p + n, e);
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return (have & (1u << COL_NAME)) != 0; /* `-U name` prints names only */
}

/* A line of dash groups separated by spaces; returns the group count. */
static unsigned dash_groups(const char *l, const char *e)
{
	unsigned groups = 0;
	const char *p = l;
	while (p < e) {
		if (*p != '-')
			return 0;
		while (p < e && *p == '-')
			p++;
		groups++;
		if (p < e) {
			if (*p != ' ')
				return 0;
			p++;
		}
	}
	return groups;
}

/* A table header at line [l, e) followed by its dash line. */
static bool table_header_at(const char *l, const char *e, const char *end, struct table_cols *tc)
{
	if (!parse_header(l, e, tc))
		return false;
	const char *next, *nn;
	line_end(l, end, &next);
	const char *ne = chomp(next, line_end(next, end, &nn));
	return dash_groups(next, ne) == tc->n;
}

/* "System call usage summary for 32 bit mode:" and the like. */
static bool table_heading(const char *l, const char *e, enum cg_abi *abi)
{
	static const char pre[] = "System call usage summary for ";
	if (!STARTS(l, e, pre))
		return false;
	const char *m = l + sizeof pre - 1;
	if (STARTS(m, e, "32 bit mode:"))
		*abi = CG_ABI_I386;
	else if (STARTS(m, e, "x32 mode:"))
		*abi = CG_ABI_X32;
	else if (STARTS(m, e, "64 bit mode:"))
		*abi = CG_ABI_X86_64;
	else
		return false;
	return true;
}

bool input_table_start(const char *l, const char *e, const char *end)
{
	struct table_cols tc;
	enum cg_abi abi;
	return table_heading(l, e, &abi) || table_header_at(l, e, end, &tc);
}

/* ---- strace -c tables: rows ------------------------------------------------ */

static bool parse_u64(const char *p, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	if (p == e)
		return false;
	for (; p < e; p++) {
		if (!is_digit(*p) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

static bool time_token(const char *p, const char *e)
{
	if (p == e)
		return false;
	for (; p < e; p++)
		if (!is_digit(*p) && *p != '.' && *p != ',')
			return false;
	return true;
}

struct tok {
	const char *p, *e;
};

static unsigned tokens(const char *l, const char *e, struct tok *t, unsigned max)
{
	unsigned n = 0;
	const char *p = skip_spaces(l, e);
	while (p < e) {
		const char *q = p;
		while (q < e && *q != ' ' && *q != '\t')
			q++;
		if (n == max)
			return max + 1;
		t[n++] = (struct tok){p, q};
		p = skip_spaces(q, e);
	}
	return n;
}

/* Parses the tables from start (a table header or heading) to the end. */
int input_parse_tables(const char *text, const char *start, const char *end, enum cg_abi native,
		       const char *fname, struct table_result *tr, struct cg_error *e)
{
	enum { OUTSIDE, ROWS, TOTAL } state = OUTSIDE;
	struct table_cols tc = {0};
	enum cg_abi abi = native;
	bool heading = false;
	const char *next, *hdr = NULL, *hdr_e = NULL;
	for (const char *l = start; l < end; l = next) {
		const char *le = chomp(l, line_end(l, end, &next));
		tr->lines++;
		if (state == ROWS) {
			if (dash_groups(l, le) == tc.n) {
				state = TOTAL;
				continue;
			}
			struct tok t[COL_COUNT];
			unsigned n = tokens(l, le, t, COL_COUNT);
			bool has_err = false;
			for (unsigned i = 0; i < tc.n; i++)
				has_err |= tc.c[i] == COL_ERRORS;
			/* strace leaves the errors cell blank when it is 0. */
			bool no_err = n + 1 == tc.n && has_err;
			if (n != tc.n && !no_err)
				return input_line_error(
					e, fname, text, l, le,
					"expected a table row with one value per column");
			uint64_t calls = 0, errors = 0;
			const struct tok *name = NULL;
			unsigned ti = 0;
			for (unsigned i = 0; i < tc.n; i++) {
				if (tc.c[i] == COL_ERRORS && no_err)
					continue;
				const struct tok *x = &t[ti++];
				bool ok = true;
				switch (tc.c[i]) {
				case COL_CALLS:
					ok = parse_u64(x->p, x->e, &calls);
					break;
				case COL_ERRORS:
					ok = parse_u64(x->p, x->e, &errors);
					break;
				case COL_NAME: {
					uint32_t h;
					ok = x->e - x->p <= NAME_MAX_LEN && is_lower_or_(*x->p) &&
					     scan_name(x->p, x->e, &h) == x->e;
					name = x;
					break;
				}
				default:
					ok = time_token(x->p, x->e);
					break;
				}
				if (!ok) {
					char what[128];
					snprintf(what, sizeof what, "expected %s in column '%s'",
						 tc.c[i] == COL_NAME ? "a system call name"
								     : "a number",
						 col_labels[tc.c[i]]);
					return input_line_error(e, fname, text, l, le, what);
				}
			}
			if (!name) /* cannot happen: parse_header() wants a name column */
				return input_line_error(e, fname, text, l, le,
							"expected a name column");
			uint32_t h;
			scan_name(name->p, name->e, &h);
			ltab_count(&tr->rows,
				   ltab_get(&tr->rows, name->p, (size_t)(name->e - name->p), h),
				   abi, calls, errors);
			continue;
		}
		if (state == TOTAL) {
			state = OUTSIDE;
			abi = native;
			struct tok t[COL_COUNT];
			unsigned n = tokens(l, le, t, COL_COUNT);
			bool total = false;
			for (unsigned i = 0; i < n && i < COL_COUNT; i++)
				total |= t[i].e - t[i].p == 5 && memcmp(t[i].p, "total", 5) == 0;
			if (total || blank(l, le))
				continue;
			return input_line_error(
				e, fname, text, l, le,
				"expected the 'total' row after the table's closing dashes");
		}
		if (blank(l, le))
			continue;
		/* A comment after a table: callgroups trace's line naming the
		 * calls a seccomp filter refused (they are in the rows). */
		if (tr->tables > 0 && !heading && *l == '#') {
			const char *why;
			int k = cg_evidence_parse_line(NULL, l, le, &why);
			if (k < 0) {
				char what[160];
				snprintf(what, sizeof what, "malformed evidence line: expected %s",
					 why);
				return input_line_error(e, fname, text, l, le, what);
			}
			if (k > 0) {
				xgrow((void **)&tr->evl, &tr->evl_cap, tr->nevl + 1,
				      sizeof *tr->evl);
				tr->evl[tr->nevl].p = l;
				tr->evl[tr->nevl++].e = le;
			}
			continue;
		}
		enum cg_abi habi;
		if (table_heading(l, le, &habi)) {
			if (heading)
				return input_line_error(
					e, fname, text, l, le,
					"expected a table header after the summary heading");
			abi = habi;
			heading = true;
			hdr = l;
			hdr_e = le;
			continue;
		}
		if (table_header_at(l, le, end, &tc)) {
			state = ROWS;
			heading = false;
			hdr = l;
			hdr_e = le;
			tr->tables++;
			/* the dash line */
			l = next;
			line_end(l, end, &next);
			tr->lines++;
			continue;
		}
		return input_line_error(e, fname, text, l, le,
					"expected a strace -c table header or 'System call usage "
					"summary for ... mode:'");
	}
	if (state == ROWS)
		return input_line_error(e, fname, text, hdr, hdr_e,
					"truncated table: expected rows ending in a dash line and "
					"the 'total' row");
	if (heading)
		return input_line_error(
			e, fname, text, hdr, hdr_e,
			"truncated input: expected a table after the summary heading");
	return 0;
}
