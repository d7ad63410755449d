/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The profile: which system calls a workload made, keyed by (ABI, name),
 * with call and error counts. Every reader produces one, every later stage
 * consumes one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "names.h"

struct cg_profile_entry {
	enum cg_abi abi;
	cg_name name;
	uint64_t calls;
	uint64_t errors;
};

struct cg_profile;

struct cg_profile *cg_profile_new(void);
void cg_profile_free(struct cg_profile *p);
void cg_profile_freep(struct cg_profile **p);
#define _cleanup_profile_ __attribute__((cleanup(cg_profile_freep)))

/* Adds calls and errors to (abi, name), creating the entry. A call with
 * zero counts still records that the name was seen. */
void cg_profile_add(struct cg_profile *p, enum cg_abi abi, cg_name name, uint64_t calls,
		    uint64_t errors);
/* Adds every entry of src to dst (union, counts added), and src's argument
 * evidence to dst's. */
void cg_profile_merge(struct cg_profile *dst, const struct cg_profile *src);

struct cg_evidence;
/* The argument evidence of p (evidence.h): what the calls asked for, and
 * which kinds of it the inputs could see. Owned by p, valid while p is. */
struct cg_evidence *cg_profile_evidence(struct cg_profile *p);
const struct cg_evidence *cg_profile_evidence_c(const struct cg_profile *p);

size_t cg_profile_count(const struct cg_profile *p);
/* Entries in insertion order, until cg_profile_sort() reorders them. The
 * pointer is valid until the profile is next modified. */
const struct cg_profile_entry *cg_profile_at(const struct cg_profile *p, size_t i);
const struct cg_profile_entry *cg_profile_find(const struct cg_profile *p, enum cg_abi abi,
					       cg_name name);

enum cg_profile_order {
	CG_ORDER_NAME,	/* by ABI, then name */
	CG_ORDER_CALLS, /* by ABI, then calls descending, then name */
};
void cg_profile_sort(struct cg_profile *p, enum cg_profile_order order);

/* Bit (1 << abi) for every ABI with at least one entry. */
unsigned cg_profile_abis(const struct cg_profile *p);
/* Adds every name seen (of any ABI, or of one ABI) to out. */
void cg_profile_names(const struct cg_profile *p, struct cg_set *out);
void cg_profile_names_abi(const struct cg_profile *p, enum cg_abi abi, struct cg_set *out);
/* Totals over all entries. */
uint64_t cg_profile_total_calls(const struct cg_profile *p);
uint64_t cg_profile_total_errors(const struct cg_profile *p);
