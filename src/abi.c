/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "abi.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct {
	const char *name;
	uint32_t scmp;
	uint32_t audit;
} abis[CG_ABI_COUNT] = {
	[CG_ABI_X86_64] = {"x86-64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64},
	[CG_ABI_I386] = {"x86", SCMP_ARCH_X86, AUDIT_ARCH_I386},
	[CG_ABI_X32] = {"x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64},
};

const char *cg_abi_name(enum cg_abi abi)
{
	return (unsigned)abi < CG_ABI_COUNT ? abis[abi].name : "unknown";
}

int cg_abi_from_name(const char *name, enum cg_abi *out)
{
	static const struct {
		const char *s;
		enum cg_abi abi;
	} alias[] = {
		{"x86-64", CG_ABI_X86_64}, {"x86_64", CG_ABI_X86_64}, {"amd64", CG_ABI_X86_64},
		{"x86", CG_ABI_I386},	   {"i386", CG_ABI_I386},     {"i686", CG_ABI_I386},
		{"x32", CG_ABI_X32},
	};
	for (size_t i = 0; i < ELEMENTSOF(alias); i++)
		if (strcmp(name, alias[i].s) == 0) {
			*out = alias[i].abi;
			return 0;
		}
	return -EINVAL;
}

uint32_t cg_abi_scmp_arch(enum cg_abi abi)
{
	return abis[abi].scmp;
}

uint32_t cg_abi_audit_arch(enum cg_abi abi)
{
	return abis[abi].audit;
}

int cg_abi_from_audit(uint32_t audit_arch, long nr, enum cg_abi *out)
{
	if (audit_arch == AUDIT_ARCH_X86_64)
		*out = (nr & CG_X32_SYSCALL_BIT) ? CG_ABI_X32 : CG_ABI_X86_64;
	else if (audit_arch == AUDIT_ARCH_I386)
		*out = CG_ABI_I386;
	else
		return -EINVAL;
	return 0;
}

enum cg_abi cg_abi_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return CG_ABI_X32;
#elif defined(__x86_64__)
	return CG_ABI_X86_64;
#elif defined(__i386__)
	return CG_ABI_I386;
#else
#error "callgroups knows the x86 family of ABIs only"
#endif
}

int cg_abi_resolve(enum cg_abi abi, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(abis[abi].scmp, name);
	/* Negative numbers are libseccomp's pseudo-syscalls: not on this ABI. */
	return nr < 0 ? -1 : nr;
}

/* nr -> name caches, filled on first use from libseccomp. */
#define MAX_NR 1024
static cg_name *nr_cache[CG_ABI_COUNT];

cg_name cg_abi_syscall_name(enum cg_abi abi, long nr)
{
	if ((unsigned)abi >= CG_ABI_COUNT)
		return CG_NAME_NONE;
	long idx = abi == CG_ABI_X32 ? nr & ~(long)CG_X32_SYSCALL_BIT : nr;
	if (idx < 0 || idx >= MAX_NR)
		return CG_NAME_NONE;
	if (!nr_cache[abi]) {
		nr_cache[abi] = xmalloc(MAX_NR * sizeof(cg_name));
		for (int i = 0; i < MAX_NR; i++) {
			int n = abi == CG_ABI_X32 ? i | CG_X32_SYSCALL_BIT : i;
			char *s = seccomp_syscall_resolve_num_arch(abis[abi].scmp, n);
			nr_cache[abi][i] = s ? cg_intern(s) : CG_NAME_NONE;
			free(s);
		}
	}
	return nr_cache[abi][idx];
}

__attribute__((destructor)) static void abi_free_caches(void)
{
	for (int i = 0; i < CG_ABI_COUNT; i++) {
		free(nr_cache[i]);
		nr_cache[i] = NULL;
	}
}

void cg_abi_names(enum cg_abi abi, struct cg_set *out)
{
	(void)cg_abi_syscall_name(abi, 0); /* fills the cache */
	if ((unsigned)abi >= CG_ABI_COUNT || !nr_cache[abi])
		return;
	for (int i = 0; i < MAX_NR; i++)
		if (nr_cache[abi][i] != CG_NAME_NONE)
			cg_set_add(out, nr_cache[abi][i]);
}

bool cg_syscall_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

bool cg_syscall_on_abi(enum cg_abi abi, const char *name)
{
	return cg_abi_resolve(abi, name) >= 0;
}

/* systemd's seccomp_arch_from_string() names of the architectures outside
 * the x86 family (systemd 257, man systemd.exec): valid in a unit, without
 * effect on an x86 machine, so no typo. */
static const char *const foreign_archs[] = {
	"arm",	   "arm64",	"loongarch64",	 "mips",   "mips64",   "mips64-n32",
	"mips-le", "mips64-le", "mips64-le-n32", "parisc", "parisc64", "ppc",
	"ppc64",   "ppc64-le",	"riscv64",	 "s390",   "s390x",
};

/* Why w is not an architecture systemd knows: a spelling of another tool
 * (x86_64, i386), or a typo with the nearest names. */
static void arch_typo(const char *w, struct cg_error *e)
{
	static const char *const ours[] = {"native", "x86-64", "x86", "x32"};
	enum cg_abi abi;
	if (cg_abi_from_name(w, &abi) == 0) {
		cg_error_set(e, NULL, 0, "unknown architecture %s (systemd calls it %s)", w,
			     cg_abi_name(abi));
		return;
	}
	_cleanup_free_ char *dym = cg_names_did_you_mean(w, ours, ELEMENTSOF(ours));
	if (!*dym) {
		free(dym);
		dym = cg_names_did_you_mean(w, foreign_archs, ELEMENTSOF(foreign_archs));
	}
	if (*dym)
		cg_error_set(e, NULL, 0, "unknown architecture %s%s", w, dym);
	else
		cg_error_set(e, NULL, 0,
			     "unknown architecture %s: expected native, x86-64, x86 or x32", w);
}

int cg_archs_add(struct cg_archs *a, const char *value, struct cg_error *e)
{
	/* systemd's seccomp_arch_from_string() names, words unquoted as its
	 * config_parse_syscall_archs() does. x86_64, amd64 or i386 are not
	 * among them. */
	static const struct {
		const char *s;
		enum cg_abi abi;
	} names[] = {{"x86-64", CG_ABI_X86_64}, {"x86", CG_ABI_I386}, {"x32", CG_ABI_X32}};
	const char *p = value;
	bool any = false;
	for (;;) {
		p += strspn(p, " \t\n");
		if (!*p)
			break;
		char w[64];
		size_t n = 0;
		char q = 0;
		for (; *p && (q || !strchr(" \t\n", *p)); p++) {
			if (q && *p == q)
				q = 0;
			else if (!q && (*p == '"' || *p == '\''))
				q = *p;
			else if (n + 1 < sizeof w)
				w[n++] = *p;
		}
		w[n] = 0;
		size_t i;
		for (i = 0; i < ELEMENTSOF(names) && strcmp(w, names[i].s) != 0; i++)
			;
		if (strcmp(w, "native") == 0) {
			a->native = true;
		} else if (i < ELEMENTSOF(names)) {
			a->mask |= 1u << names[i].abi;
		} else {
			for (i = 0; i < ELEMENTSOF(foreign_archs); i++)
				if (strcmp(w, foreign_archs[i]) == 0) {
					cg_error_set(
						e, NULL, 0,
						"architecture %s is not of the x86 family this "
						"tool knows (native, x86-64, x86, x32)",
						w);
					return -EOPNOTSUPP;
				}
			arch_typo(w, e);
			return -EINVAL;
		}
		any = true;
	}
	if (!any)
		*a = (struct cg_archs){0};
	return 0;
}

bool cg_archs_set(const struct cg_archs *a)
{
	return a->native || a->mask;
}

unsigned cg_archs_mask(const struct cg_archs *a)
{
	if (!cg_archs_set(a))
		return (1u << CG_ABI_COUNT) - 1;
	return a->mask | (a->native ? 1u << cg_abi_native() : 0);
}

const char *cg_archs_format(const struct cg_archs *a, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	if (a->native)
		o += (size_t)snprintf(buf + o, len - o, "native");
	for (int i = 0; i < CG_ABI_COUNT && o < len; i++)
		if (a->mask & (1u << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "",
					      cg_abi_name(i));
	return buf;
}
