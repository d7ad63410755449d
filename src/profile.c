/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "profile.h"

#include <string.h>

#include "evidence.h"
#include "util.h"

struct cg_profile {
	struct cg_profile_entry *e;
	size_t n, cap;
	/* (abi, name) -> index + 1, open addressing */
	uint32_t *slots;
	size_t nslots;
	struct cg_evidence *ev; /* argument evidence, merged with the calls */
};

struct cg_profile *cg_profile_new(void)
{
	struct cg_profile *p = xcalloc(1, sizeof(struct cg_profile));
	p->ev = cg_evidence_new();
	return p;
}

void cg_profile_free(struct cg_profile *p)
{
	if (!p)
		return;
	free(p->e);
	free(p->slots);
	cg_evidence_free(p->ev);
	free(p);
}

void cg_profile_freep(struct cg_profile **p)
{
	cg_profile_free(*p);
}

static size_t slot_of(const struct cg_profile *p, enum cg_abi abi, cg_name name)
{
	uint64_t k = ((uint64_t)abi << 32 | name) * 0x9E3779B97F4A7C15ULL;
	size_t j = (size_t)(k >> 20) & (p->nslots - 1);
	while (p->slots[j]) {
		const struct cg_profile_entry *x = &p->e[p->slots[j] - 1];
		if (x->abi == abi && x->name == name)
			break;
		j = (j + 1) & (p->nslots - 1);
	}
	return j;
}

static void reindex(struct cg_profile *p)
{
	size_t ns = p->nslots ? p->nslots : 64;
	while (ns < p->n * 2 + 2)
		ns *= 2;
	free(p->slots);
	p->slots = xcalloc(ns, sizeof *p->slots);
	p->nslots = ns;
	for (size_t i = 0; i < p->n; i++)
		p->slots[slot_of(p, p->e[i].abi, p->e[i].name)] = (uint32_t)i + 1;
}

void cg_profile_add(struct cg_profile *p, enum cg_abi abi, cg_name name, uint64_t calls,
		    uint64_t errors)
{
	if (p->n * 2 + 2 > p->nslots)
		reindex(p);
	size_t j = slot_of(p, abi, name);
	if (!p->slots[j]) {
		xgrow((void **)&p->e, &p->cap, p->n + 1, sizeof *p->e);
		p->e[p->n] = (struct cg_profile_entry){.abi = abi, .name = name};
		p->slots[j] = (uint32_t)++p->n;
	}
	struct cg_profile_entry *x = &p->e[p->slots[j] - 1];
	x->calls += calls;
	x->errors += errors;
}

void cg_profile_merge(struct cg_profile *dst, const struct cg_profile *src)
{
	for (size_t i = 0; i < src->n; i++)
		cg_profile_add(dst, src->e[i].abi, src->e[i].name, src->e[i].calls,
			       src->e[i].errors);
	cg_evidence_merge(dst->ev, src->ev);
}

struct cg_evidence *cg_profile_evidence(struct cg_profile *p)
{
	return p->ev;
}

const struct cg_evidence *cg_profile_evidence_c(const struct cg_profile *p)
{
	return p->ev;
}

size_t cg_profile_count(const struct cg_profile *p)
{
	return p->n;
}

const struct cg_profile_entry *cg_profile_at(const struct cg_profile *p, size_t i)
{
	return i < p->n ? &p->e[i] : NULL;
}

const struct cg_profile_entry *cg_profile_find(const struct cg_profile *p, enum cg_abi abi,
					       cg_name name)
{
	if (!p->n)
		return NULL;
	size_t j = slot_of(p, abi, name);
	return p->slots[j] ? &p->e[p->slots[j] - 1] : NULL;
}

static int cmp_name(const void *a, const void *b)
{
	const struct cg_profile_entry *x = a, *y = b;
	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	return strcmp(cg_name_str(x->name), cg_name_str(y->name));
}

static int cmp_calls(const void *a, const void *b)
{
	const struct cg_profile_entry *x = a, *y = b;
	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return strcmp(cg_name_str(x->name), cg_name_str(y->name));
}

void cg_profile_sort(struct cg_profile *p, enum cg_profile_order order)
{
	qsort(p->e, p->n, sizeof *p->e, order == CG_ORDER_CALLS ? cmp_calls : cmp_name);
	reindex(p);
}

unsigned cg_profile_abis(const struct cg_profile *p)
{
	unsigned m = 0;
	for (size_t i = 0; i < p->n; i++)
		m |= 1u << p->e[i].abi;
	return m;
}

void cg_profile_names(const struct cg_profile *p, struct cg_set *out)
{
	for (size_t i = 0; i < p->n; i++)
		cg_set_add(out, p->e[i].name);
}

void cg_profile_names_abi(const struct cg_profile *p, enum cg_abi abi, struct cg_set *out)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].abi == abi)
			cg_set_add(out, p->e[i].name);
}

uint64_t cg_profile_total_calls(const struct cg_profile *p)
{
	uint64_t t = 0;
	for (size_t i = 0; i < p->n; i++)
		t += p->e[i].calls;
	return t;
}

uint64_t cg_profile_total_errors(const struct cg_profile *p)
{
	uint64_t t = 0;
	for (size_t i = 0; i < p->n; i++)
		t += p->e[i].errors;
	return t;
}
