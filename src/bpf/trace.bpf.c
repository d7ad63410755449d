// SPDX-License-Identifier: LGPL-2.1-or-later
/* The eBPF side of `callgroups trace --backend=bpf`: counts every system
 * call (and every failed one) of the traced tasks per (ABI, number), in
 * per-CPU maps that user space reads once at the end. No event leaves the
 * kernel per call, so a traced program runs at nearly native speed.
 *
 * Programs run on the raw tracepoints raw_syscalls:sys_enter and sys_exit
 * (arguments in registers, no trace buffer is filled), sched_process_fork
 * and sched_process_exit (to follow the process tree). raw_tp rather than
 * tp_btf: the same call per event, but a tp_btf program makes libbpf parse
 * the kernel's whole BTF (megabytes) to find its attach point, where a
 * raw_tp program needs BTF for its CO-RE relocations only, which a
 * minimal BTF made for this object serves (trace_bpf.c). */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "trace_bpf_shared.h"

/* thread_info.status bit set on entry of an i386 system call (int 0x80,
 * sysenter, 32-bit syscall) and cleared on return to user space; the
 * kernel's own syscall_get_arch() and in_ia32_syscall() test it. A macro
 * (arch/x86/include/asm/thread_info.h), so not in BTF; unchanged since 2.6. */
#define CG_TS_COMPAT 0x0002
#define CG_MAX_ERRNO 4095
/* task->seccomp.mode of a task with a seccomp filter (uapi linux/seccomp.h). */
#define CG_SECCOMP_MODE_FILTER 2
#define CG_SIGKILL 9

/* Set by the loader before it attaches: one loaded object serves every
 * scope (loading costs more than all the rest of a short trace). */
__u32 scope;
/* Set by the loader: count failed calls (else only refused ones, which
 * are calls the entry program cannot see). */
__u32 count_errors;
/* Set when a traced task may be under a seccomp filter: by the loader
 * (for -p and cgroups, whose tasks may have one already; for a command
 * when we run under one, which it inherits), and by sys_enter when a traced
 * task calls seccomp() or prctl(PR_SET_SECCOMP) (every filter a task gets
 * later comes by such a call of a traced task, TSYNC ones too). While it
 * is 0, no traced call can be refused, and sys_exit returns at once for a
 * call whose result is no error. */
__u32 filters_seen;
/* Set by the loader for a command: every traced task started under
 * tracing, so a failed call without an entry is a refused one even in a
 * task not seen entering a call yet (one a TSYNC filter reached). */
__u32 all_seen;

/* Bit tgid set: that thread group is traced. Written by user space (the
 * start set) and by the fork/exit programs. */
__u64 tracked[CG_BPF_PID_MAX / 64];
/* Traced thread groups alive (PIDS scope), tasks that joined by fork or
 * clone, and calls of unusual numbers that did not fit the "other" hash. */
__s64 live;
__u64 forks;
__u64 lost;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_BPF_SLOTS);
	__type(key, __u32);
	__type(value, struct cg_bpf_count);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_BPF_OTHER_MAX);
	__type(key, struct cg_bpf_other_key);
	__type(value, struct cg_bpf_count);
} other SEC(".maps");

/* Tasks under a seccomp filter only: set while a call that passed sys_enter
 * runs. A call the filter refused (SECCOMP_RET_ERRNO, _TRAP, _USER_NOTIF)
 * never reaches sys_enter but does reach sys_exit; it is counted there, as
 * a call and an error, as ptrace's entry stop (before seccomp) counts it. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} entered SEC(".maps");

/* CGROUP scope: index 0 holds the traced cgroup v2 directory. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup SEC(".maps");

static __always_inline bool tgid_tracked(__u32 tgid)
{
	if (tgid >= CG_BPF_PID_MAX)
		return false;
	return tracked[tgid / 64] & (1ULL << (tgid % 64));
}

static __always_inline bool in_scope(struct task_struct *t)
{
	if (scope == CG_BPF_SCOPE_CGROUP)
		return bpf_current_task_under_cgroup(&cgroup, 0) == 1;
	return tgid_tracked(t->tgid);
}

/* The ABI of the call task is in: i386 when the kernel marked the task as
 * in a compat call, x32 when the number carries the x32 bit (an x32 call
 * enters through the 64-bit path), else x86-64. */
static __always_inline __u32 task_abi(struct task_struct *t, long nr)
{
	if (t->thread_info.status & CG_TS_COMPAT)
		return CG_BPF_ABI_I386;
	if (nr & CG_BPF_X32_BIT)
		return CG_BPF_ABI_X32;
	return CG_BPF_ABI_X86_64;
}

/* A call (at sys_enter), an error, a refused call (a call and an error
 * at sys_exit), or a failed call whose entry was not seen (counted as a
 * call and an error, not as refused: see cg_sys_exit). */
enum cg_what { CG_CALL, CG_ERROR, CG_REFUSED, CG_UNSEEN };

static __noinline void count_other(__u32 abi, long nr, enum cg_what what)
{
	struct cg_bpf_other_key k = {.abi = abi, .nr = (__s32)nr};
	struct cg_bpf_count zero = {}, *c;

	c = bpf_map_lookup_elem(&other, &k);
	if (!c) {
		bpf_map_update_elem(&other, &k, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&other, &k);
		if (!c) {
			__sync_fetch_and_add(&lost, 1);
			return;
		}
	}
	if (what == CG_REFUSED || what == CG_UNSEEN) {
		__sync_fetch_and_add(&c->calls, 1);
		__sync_fetch_and_add(&c->errors, 1);
		if (what == CG_REFUSED)
			__sync_fetch_and_add(&c->refused, 1);
	} else if (what == CG_ERROR) {
		__sync_fetch_and_add(&c->errors, 1);
	} else {
		__sync_fetch_and_add(&c->calls, 1);
	}
}

static __always_inline void count(struct task_struct *t, long nr, enum cg_what what)
{
	__u32 abi = task_abi(t, nr);
	long slot = abi == CG_BPF_ABI_X32 ? nr - CG_BPF_X32_BIT : nr;
	struct cg_bpf_count *c;
	__u32 key;

	if (slot < 0 || slot >= CG_BPF_NR_SLOTS) {
		count_other(abi, nr, what);
		return;
	}
	key = abi * CG_BPF_NR_SLOTS + (__u32)slot;
	c = bpf_map_lookup_elem(&counts, &key);
	if (!c)
		return;
	/* Per-CPU: no other program touches this copy meanwhile. */
	if (what == CG_REFUSED || what == CG_UNSEEN) {
		c->calls++;
		c->errors++;
		if (what == CG_REFUSED)
			c->refused++;
	} else if (what == CG_ERROR) {
		c->errors++;
	} else {
		c->calls++;
	}
}

/* The call numbers of seccomp() and prctl() (x86-64 and x32; i386), and
 * prctl's option that sets a filter (uapi linux/prctl.h). */
#define CG_NR_SECCOMP 317
#define CG_NR_PRCTL 157
#define CG_NR_SECCOMP_I386 354
#define CG_NR_PRCTL_I386 172
#define CG_PR_SET_SECCOMP 22

/* Whether the call entering may put the task (or its thread group) under a
 * seccomp filter. Four compares for every other call. */
static __always_inline bool may_add_filter(struct task_struct *t, long nr, struct pt_regs *regs)
{
	long n = nr & ~(long)CG_BPF_X32_BIT;
	bool i386;

	if (n != CG_NR_SECCOMP && n != CG_NR_PRCTL && n != CG_NR_SECCOMP_I386 &&
	    n != CG_NR_PRCTL_I386)
		return false;
	i386 = t->thread_info.status & CG_TS_COMPAT;
	if (n == (i386 ? CG_NR_SECCOMP_I386 : CG_NR_SECCOMP))
		return true;
	if (n != (i386 ? CG_NR_PRCTL_I386 : CG_NR_PRCTL))
		return false;
	/* A raw_tp argument is a plain pointer: read through the helper. */
	return (i386 ? BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, di)) == CG_PR_SET_SECCOMP;
}

/* Per call of every task while attached: the scope test, then, for a
 * traced task, one per-CPU counter. Work on a call's arguments goes after
 * count(), in functions of its own. */
SEC("raw_tp/sys_enter")
int BPF_PROG(cg_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 *e;

	if (!in_scope(t))
		return 0;
	count(t, (int)id, CG_CALL);
	if (!filters_seen && may_add_filter(t, (int)id, regs))
		filters_seen = 1;
	if (filters_seen && t->seccomp.mode == CG_SECCOMP_MODE_FILTER) {
		e = bpf_task_storage_get(&entered, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (e)
			*e = 1;
	}
	return 0;
}

/* While no traced task can be under a seccomp filter (filters_seen), a
 * call returns at once without errors counted, and with them unless its
 * result is an error for some ABI (the low 32 bits in -4095..-1): no task
 * is looked at. Else, a task under no filter returns after two tests: only
 * tasks under a filter have calls sys_enter cannot see. An error is what
 * the kernel's syscall_get_error() calls one: -4095..-1, taken as 32 bits
 * for an i386 call. The number is the one the call entered with (orig_ax, as
 * syscall_get_nr() reads it). */
#define CG_NR_RT_SIGRETURN_X86_64 15

SEC("raw_tp/sys_exit")
int BPF_PROG(cg_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t;
	bool filtered, error, was_entered = true, seen = false;
	__u32 *e;
	int nr;

	if (!filters_seen && (!count_errors || (__u32)ret < (__u32)-CG_MAX_ERRNO))
		return 0;
	t = bpf_get_current_task_btf();
	filtered = t->seccomp.mode == CG_SECCOMP_MODE_FILTER;
	if (!filtered && !count_errors)
		return 0;
	if (t->thread_info.status & CG_TS_COMPAT)
		ret = (int)ret;
	error = ret < 0 && ret >= -CG_MAX_ERRNO;
	/* A call cut short by SIGKILL (kill -9, another thread's exit_group
	 * or execve) returns to no one: ptrace sees no exit, strace prints
	 * "= ?". Not an error then. */
	if (error && (t->pending.signal.sig[0] & (1ULL << (CG_SIGKILL - 1))))
		error = false;
	if (!error && !filtered)
		return 0;
	if (!in_scope(t))
		return 0;
	if (filtered) {
		e = bpf_task_storage_get(&entered, t, 0, 0);
		was_entered = e && *e;
		seen = e != NULL;
		if (e)
			*e = 0;
	}
	if (!error)
		return 0;
	/* orig_ax is -1 after rt_sigreturn/sigreturn restored the frame of a
	 * call a signal handler interrupted, and ret is that call's -EINTR:
	 * strace and ptrace count it as an error of rt_sigreturn (found by
	 * the e2e nginx trace, which had counted it for a call "-1" of x32).
	 * A 64-bit task's sigreturn is rt_sigreturn (15; an x32 task's
	 * number is lost by now); an i386 task may have used sigreturn or
	 * rt_sigreturn, so its error goes uncounted. (regs, a raw_tp
	 * argument, is a plain pointer: read through the helper.) */
	nr = (int)BPF_CORE_READ(regs, orig_ax);
	if (nr < 0) {
		if (!(t->thread_info.status & CG_TS_COMPAT) && count_errors)
			count(t, CG_NR_RT_SIGRETURN_X86_64, CG_ERROR);
		return 0;
	}
	/* Refused; or, for a task not seen entering a call yet, possibly a
	 * call under way when tracing began: counted alike, marked only when
	 * it is sure. */
	if (!was_entered)
		count(t, nr, seen || all_seen ? CG_REFUSED : CG_UNSEEN);
	else if (count_errors)
		count(t, nr, CG_ERROR);
	return 0;
}

/* A task made by a traced one is traced: threads share the tgid, a new
 * process gets its bit. Runs before the child can run. */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(cg_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid;

	if (scope == CG_BPF_SCOPE_CGROUP) {
		if (in_scope(parent))
			__sync_fetch_and_add(&forks, 1);
		return 0;
	}
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	if (!tgid_tracked(ptgid))
		return 0;
	__sync_fetch_and_add(&forks, 1);
	if (ctgid == ptgid || ctgid >= CG_BPF_PID_MAX)
		return 0;
	__sync_fetch_and_or(&tracked[ctgid / 64], 1ULL << (ctgid % 64));
	__sync_fetch_and_add(&live, 1);
	return 0;
}

/* When the last thread of a traced group exits, its bit is cleared, so a
 * new process that gets the PID later is not counted. */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(cg_exit, struct task_struct *task)
{
	__u32 tgid;

	if (scope == CG_BPF_SCOPE_CGROUP)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	if (!tgid_tracked(tgid))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	__sync_fetch_and_and(&tracked[tgid / 64], ~(1ULL << (tgid % 64)));
	__sync_fetch_and_sub(&live, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
