/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "exposure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIV_ROUND_UP(x, y) (((x) + (y)-1) / (y))

/* Summed weights of all rows per version, and of the two rows that do not
 * apply to a root service (SupplementaryGroups= 200, RemoveIPC= 100).
 * 252: the oracle's 81 rows. The table of a 253..256 source has the same 81
 * rows and weights. A 249/250-era source lacks CapabilityBoundingSet=~CAP_BPF
 * (25), which is what 247 gets; 257 and 262 were not verified. */
static const struct {
	unsigned version;
	uint64_t total;
	bool exact;
} weights[] = {
	{247, 56435, false},
	{252, 56460, true},
	{254, 56460, false},
};
#define ROOT_NA_WEIGHT 300

uint64_t cg_exposure_weight_total(const char *version, bool privileged, bool *exact)
{
	unsigned v = cg_version_number(version);
	size_t best = 1; /* 252, the one verified */
	bool is_exact = false;
	for (size_t i = 0; i < ELEMENTSOF(weights); i++)
		if (weights[i].version <= v) {
			best = i;
			is_exact = weights[i].version == v && weights[i].exact;
		}
	if (exact)
		*exact = is_exact;
	return weights[best].total - (privileged ? ROOT_NA_WEIGHT : 0);
}

/* Walks g's members in table order, nested groups in place, as systemd's
 * syscall_names_in_filter() does; returns the first member the filter
 * allows, skipping names without a number on the native ABI. */
static const char *find_offender(const struct cg_table *t, const struct cg_group *g,
				 const struct cg_filter *f, int depth)
{
	for (size_t i = 0; i < g->nmembers; i++) {
		const char *m = g->members[i];
		if (m[0] == '@') {
			const struct cg_group *sub = cg_table_find(t, m);
			const char *o =
				sub && depth < 16 ? find_offender(t, sub, f, depth + 1) : NULL;
			if (o)
				return o;
			continue;
		}
		if (!cg_syscall_on_abi(cg_abi_native(), m))
			continue;
		if (cg_filter_allows(f, cg_intern(m)))
			return m;
	}
	return NULL;
}

static void assess_filter(const struct cg_table *t, const struct cg_group *g,
			  const struct cg_filter *f, struct cg_exposure_row *r)
{
	if (!f || !f->active || (!f->allow_list && cg_set_empty(f->set))) {
		r->badness = 10;
		snprintf(r->description, sizeof r->description,
			 "Service does not filter system calls");
		return;
	}
	r->offender = find_offender(t, g, f, 0);
	const char *list = f->allow_list ? "allow" : "deny";
	if (r->offender) {
		r->badness = f->allow_list ? 9 : 10;
		snprintf(
			r->description, sizeof r->description,
			"System call %s list defined for service, and %s is %s (e.g. %s is allowed)",
			list, g->name, f->allow_list ? "included" : "not included", r->offender);
	} else {
		r->badness = 0;
		snprintf(r->description, sizeof r->description,
			 "System call %s list defined for service, and %s is %s", list, g->name,
			 f->allow_list ? "not included" : "included");
	}
}

static void assess_archs(const struct cg_archs *a, unsigned version, struct cg_exposure_row *r)
{
	const char *d;
	if (!a || !cg_archs_set(a)) {
		r->badness = 10;
		d = "Service may execute system calls with all ABIs";
	} else if (a->native && (a->mask == 0 || (version && version < 252))) {
		/* systemd keeps "native" as its own entry (SCMP_ARCH_NATIVE);
		 * from 252 on it must be the only one. */
		r->badness = 0;
		d = "Service may execute system calls only with native ABI";
	} else {
		r->badness = 8;
		d = "Service may execute system calls with multiple ABIs";
	}
	snprintf(r->description, sizeof r->description, "%s", d);
}

/* systemd sorts its table on column 3, reversed, then on the name. Since
 * the json_field column went in at index 2 (v250) column 3 is the
 * description; before, it was the weight. */
static int row_cmp_description(const void *pa, const void *pb)
{
	const struct cg_exposure_row *a = pa, *b = pb;
	int c = strcmp(b->description, a->description);
	return c ? c : strcmp(a->name, b->name);
}

static int row_cmp_weight(const void *pa, const void *pb)
{
	const struct cg_exposure_row *a = pa, *b = pb;
	if (a->weight != b->weight)
		return a->weight < b->weight ? 1 : -1;
	return strcmp(a->name, b->name);
}

int cg_exposure_compute(const struct cg_table *t, const struct cg_filter *f,
			const struct cg_archs *archs, uint64_t weight_total,
			struct cg_exposure *out)
{
	*out = (struct cg_exposure){0};
	unsigned version = cg_version_number(t->version);
	if (!weight_total)
		weight_total = cg_exposure_weight_total(t->version, true, NULL);

	/* The rows and their weights are the rulebook's (data/rulebook.txt). */
	for (size_t i = 0; i < cg_nscored_rows && i < CG_EXPOSURE_MAX_ROWS; i++) {
		const struct cg_scored_row *row = &cg_scored_rows[i];
		struct cg_exposure_row *r = &out->rows[out->nrows++];
		*r = (struct cg_exposure_row){
			.name = row->name,
			.json_field = row->json_field,
			.group = row->group,
			.weight = row->weight,
			.range = row->range,
		};
		if (!r->group) {
			assess_archs(archs, version, r);
		} else {
			const struct cg_group *g = cg_table_find(t, r->group);
			if (!g) {
				*out = (struct cg_exposure){0};
				return -EINVAL;
			}
			assess_filter(t, g, f, r);
		}
		r->set = r->badness == 0;
		r->exposure = DIV_ROUND_UP((uint64_t)r->badness * r->weight, r->range);
		if (r->badness) {
			uint64_t x = DIV_ROUND_UP(
				DIV_ROUND_UP((uint64_t)r->badness * r->weight * 100u, r->range),
				weight_total);
			snprintf(r->exposure_str, sizeof r->exposure_str, "%llu.%llu",
				 (unsigned long long)(x / 10), (unsigned long long)(x % 10));
		}
		out->sum_exposure += r->exposure;
		out->sum_weight += r->weight;
	}
	qsort(out->rows, out->nrows, sizeof out->rows[0],
	      version && version < 250 ? row_cmp_weight : row_cmp_description);
	out->weight_total = weight_total;
	out->share = (double)out->sum_exposure * 10.0 / (double)weight_total;
	return 0;
}

unsigned cg_exposure_overall(const struct cg_exposure *x, uint64_t other_badness,
			     uint64_t other_weight)
{
	uint64_t w = other_weight + x->sum_weight;
	if (!w)
		return 0;
	return (unsigned)DIV_ROUND_UP((other_badness + x->sum_exposure) * 100u, w);
}

const struct cg_exposure_row *cg_exposure_find(const struct cg_exposure *x, const char *name)
{
	for (size_t i = 0; i < x->nrows; i++)
		if (strcmp(x->rows[i].name, name) == 0 || strcmp(x->rows[i].json_field, name) == 0)
			return &x->rows[i];
	return NULL;
}
