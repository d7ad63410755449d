/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Types and constants shared by the eBPF tracer (trace.bpf.c, compiled for
 * the bpf target) and its loader (trace_bpf.c). Only plain C here: the BPF
 * side includes it after vmlinux.h, the user side after <linux/types.h>. */
#pragma once

/* ABI indices: the same values as enum cg_abi (trace_bpf.c checks). */
#define CG_BPF_ABI_X86_64 0
#define CG_BPF_ABI_I386 1
#define CG_BPF_ABI_X32 2
#define CG_BPF_ABIS 3

/* Calls are counted in a per-CPU array at abi * CG_BPF_NR_SLOTS + nr (for
 * x32, nr without CG_BPF_X32_BIT). Every ABI has fewer than 1024 calls;
 * numbers outside go to the "other" hash. */
#define CG_BPF_NR_SLOTS 1024
#define CG_BPF_SLOTS (CG_BPF_ABIS * CG_BPF_NR_SLOTS)
#define CG_BPF_OTHER_MAX 1024
#define CG_BPF_X32_BIT 0x40000000

/* Tracked thread groups are bits of a bitmap indexed by tgid (global PID
 * namespace): PID_MAX_LIMIT on 64-bit kernels is 4 Mi. */
#define CG_BPF_PID_MAX (1u << 22)

/* What is traced: thread groups marked in the bitmap (and what they fork),
 * or every task of a cgroup v2 subtree. */
#define CG_BPF_SCOPE_PIDS 0
#define CG_BPF_SCOPE_CGROUP 1

struct cg_bpf_count {
	__u64 calls;
	__u64 errors;
	/* Of those, refused by a seccomp filter: counted at sys_exit without
	 * a sys_enter (each is also a call and an error). */
	__u64 refused;
};

/* Key of the "other" hash: numbers that do not fit a slot (syscall(-1),
 * syscall(5000)). */
struct cg_bpf_other_key {
	__u32 abi;
	__s32 nr;
};
