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
/* The counts array holds two such sets: the traced tasks' calls from 0,
 * and from CG_BPF_SLOTS the calls the service manager made in a traced
 * cgroup for the unit (between its fork and the exec of the unit's
 * command; see manager_apart in trace.bpf.c). */
#define CG_BPF_MANAGER_BASE CG_BPF_SLOTS
#define CG_BPF_COUNT_SLOTS (2 * CG_BPF_SLOTS)
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
	__u32 manager; /* 1: a call of the service manager (see above) */
};

/* ---- argument evidence (evidence.h) ------------------------------------------
 * The loader sets ev_decoder[abi * CG_BPF_NR_SLOTS + nr] to the decoder of
 * each call that can show a fact (0 for every other call, which then costs
 * one byte load); sys_enter adds the facts to the "facts" hash, one entry
 * per (ABI, call, kind, value) with a count and the first process. The
 * numbers below are checked against evidence.h and the libc headers by
 * trace_bpf.c at compile time. */
#define CG_BPF_EV_NONE 0
#define CG_BPF_EV_SOCKET 1
#define CG_BPF_EV_SOCKETPAIR 2
#define CG_BPF_EV_CLONE 3
#define CG_BPF_EV_CLONE3 4
#define CG_BPF_EV_UNSHARE 5
#define CG_BPF_EV_SETNS 6
#define CG_BPF_EV_MMAP 7
#define CG_BPF_EV_MPROTECT 8
#define CG_BPF_EV_SHMAT 9
#define CG_BPF_EV_PERSONALITY 10
#define CG_BPF_EV_SCHED_SETSCHEDULER 11
#define CG_BPF_EV_SCHED_SETATTR 12
#define CG_BPF_EV_MODE1 13
#define CG_BPF_EV_MODE2 14
#define CG_BPF_EV_CREAT 15
#define CG_BPF_EV_OPEN 16
#define CG_BPF_EV_OPENAT 17
#define CG_BPF_EV_OPENAT2 18
#define CG_BPF_EV_CLOCK 19
#define CG_BPF_EV_HOSTNAME 20
#define CG_BPF_EV_SYSLOG 21
#define CG_BPF_EV_SYSCTL 22

/* Fact kinds (enum cg_fact_kind) and path classes (enum cg_fact_path). */
#define CG_BPF_FACT_SOCKET_FAMILY 0
#define CG_BPF_FACT_SOCKETPAIR_FAMILY 1
#define CG_BPF_FACT_NAMESPACE 2
#define CG_BPF_FACT_WX_MEMORY 3
#define CG_BPF_FACT_PERSONALITY 4
#define CG_BPF_FACT_SCHED_POLICY 5
#define CG_BPF_FACT_SETID_MODE 6
#define CG_BPF_FACT_OPENAT2 7
#define CG_BPF_FACT_CLOCK 8
#define CG_BPF_FACT_HOSTNAME 9
#define CG_BPF_FACT_SYSLOG 10
#define CG_BPF_FACT_SYSCTL 11
#define CG_BPF_FACT_PATH 12
#define CG_BPF_PATH_DEV_KMSG 1
#define CG_BPF_PATH_PROC_KMSG 2
#define CG_BPF_PATH_DEV_RTC_READ 3
#define CG_BPF_PATH_DEV_RTC_WRITE 4
#define CG_BPF_PATH_PROC_SYS_WRITE 5
#define CG_BPF_PATH_SYS_WRITE 6

/* uapi flag values the decoders test (x86). */
#define CG_BPF_PROT_WRITE 0x2
#define CG_BPF_PROT_EXEC 0x4
#define CG_BPF_SHM_EXEC 0100000
#define CG_BPF_O_ACCMODE 03
#define CG_BPF_O_CREAT 0100
#define CG_BPF_O_TRUNC 01000
#define CG_BPF_S_ISUID 04000
#define CG_BPF_S_ISGID 02000
#define CG_BPF_CLONE_NEWNS 0x00020000
#define CG_BPF_CLONE_NEWCGROUP 0x02000000
#define CG_BPF_CLONE_NEWUTS 0x04000000
#define CG_BPF_CLONE_NEWIPC 0x08000000
#define CG_BPF_CLONE_NEWUSER 0x10000000
#define CG_BPF_CLONE_NEWPID 0x20000000
#define CG_BPF_CLONE_NEWNET 0x40000000

#define CG_BPF_FACTS_MAX 4096

struct cg_bpf_fact_key {
	__u32 abi;
	__u32 nr; /* as the slot: x32 without CG_BPF_X32_BIT */
	__u32 kind;
	__u32 pad;
	__u64 value;
};

struct cg_bpf_fact {
	__u64 count;
	__u32 pid; /* tgid of the first task that showed it */
	char comm[16];
};
