/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ABIs ("personalities"): a system call is (abi, nr) or (abi, name), never a
 * bare number. Numbers come from the local libseccomp. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "names.h"
#include "util.h"

enum cg_abi {
	CG_ABI_X86_64,
	CG_ABI_I386,
	CG_ABI_X32,
	CG_ABI_COUNT,
};

/* x32 calls carry this bit in their number (rax), as the kernel sees them. */
#define CG_X32_SYSCALL_BIT 0x40000000

/* systemd's name for SystemCallArchitectures= ("x86-64", "x86", "x32"). */
const char *cg_abi_name(enum cg_abi abi);
/* Accepts systemd's and strace's/uname's spellings: x86-64, x86_64, x86,
 * i386, i686, x32. Returns 0 or -EINVAL. */
int cg_abi_from_name(const char *name, enum cg_abi *out);
/* SCMP_ARCH_* and AUDIT_ARCH_* tokens. x32 shares AUDIT_ARCH_X86_64. */
uint32_t cg_abi_scmp_arch(enum cg_abi abi);
uint32_t cg_abi_audit_arch(enum cg_abi abi);
/* Maps an audit arch token and syscall number (as in a seccomp audit
 * record) to the ABI; x32 is told apart by CG_X32_SYSCALL_BIT. */
int cg_abi_from_audit(uint32_t audit_arch, long nr, enum cg_abi *out);
/* The ABI this program is built for. */
enum cg_abi cg_abi_native(void);

/* The number of name on abi as the kernel sees it (x32 numbers include
 * CG_X32_SYSCALL_BIT), or -1 when that ABI has no such call. */
int cg_abi_resolve(enum cg_abi abi, const char *name);
/* The interned name of nr on abi, or CG_NAME_NONE. Cached per ABI. */
cg_name cg_abi_syscall_name(enum cg_abi abi, long nr);
/* Adds every name libseccomp resolves on abi to out. */
void cg_abi_names(enum cg_abi abi, struct cg_set *out);
/* True when the local libseccomp knows name on some ABI (systemd ignores
 * names it cannot resolve). */
bool cg_syscall_known(const char *name);
/* True when name resolves on abi. */
bool cg_syscall_on_abi(enum cg_abi abi, const char *name);

/* SystemCallArchitectures=: the ABIs a unit allows. "native" is kept apart
 * from the ABI it stands for, because systemd keeps it apart too (it stores
 * SCMP_ARCH_NATIVE, and `systemd-analyze security` scores only the literal
 * "native" as native-only). Zero-initialised means not set: every ABI. */
struct cg_archs {
	bool native;   /* "native" was named */
	unsigned mask; /* bit (1 << abi) for each ABI named explicitly */
};

/* Applies one SystemCallArchitectures= assignment: words are native, x86-64,
 * x86, x32 (systemd's names only; quotes are removed); an empty value resets.
 * A word systemd knows for an architecture outside the x86 family (arm64) is
 * -EOPNOTSUPP; any other word is -EINVAL, a typo: e says which word and the
 * names nearest to it ("unknown architecture nativ (did you mean native?)").
 * Words before a failing one stay applied. */
int cg_archs_add(struct cg_archs *a, const char *value, struct cg_error *e);
/* True when anything is set. */
bool cg_archs_set(const struct cg_archs *a);
/* The ABIs allowed: native resolved to cg_abi_native(); all ABIs when unset. */
unsigned cg_archs_mask(const struct cg_archs *a);
/* Formats the setting as it would be written ("native", "x86-64 x86"). */
const char *cg_archs_format(const struct cg_archs *a, char *buf, size_t len);
