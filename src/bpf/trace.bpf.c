// SPDX-License-Identifier: LGPL-2.1-or-later
/* The eBPF side of `callgroups trace --backend=bpf`: counts every system
 * call (and every failed one) of the traced tasks per (ABI, number), in
 * per-CPU maps that user space reads once at the end. No event leaves the
 * kernel per call, so a traced program runs at nearly native speed.
 *
 * Programs run on the BTF-typed raw tracepoints raw_syscalls:sys_enter and
 * sys_exit (tp_btf: arguments in registers, no trace buffer is filled),
 * sched_process_fork and sched_process_exit (to follow the process tree). */
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

/* ---- argument evidence ------------------------------------------------------
 * Kept apart from the counting above: sys_enter calls evidence() only for
 * calls whose ev_decoder byte is set (socket, clone, mmap, open ...), so a
 * call that shows no fact pays one byte load. Facts go to a hash keyed by
 * (ABI, call, kind, value): never one event per call. */

/* Set by the loader: the decoder of each (ABI, slot), 0 for none; and per
 * slot number (nr % CG_BPF_NR_SLOTS), whether any ABI has one there, the
 * first test, made before the ABI is known. */
__u8 ev_decoder[CG_BPF_SLOTS];
__u8 ev_any[CG_BPF_NR_SLOTS];
/* Facts that did not fit the hash. */
__u64 ev_lost;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_BPF_FACTS_MAX);
	__type(key, struct cg_bpf_fact_key);
	__type(value, struct cg_bpf_fact);
} facts SEC(".maps");

struct ev_args {
	__u64 a[6];
};

static __noinline void ev_add(__u32 abi, __u32 slot, __u32 kind, __u64 value)
{
	struct cg_bpf_fact_key k = {.abi = abi, .nr = slot, .kind = kind, .value = value};
	struct cg_bpf_fact *f, n = {.count = 1};

	f = bpf_map_lookup_elem(&facts, &k);
	if (!f) {
		n.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(n.comm, sizeof(n.comm));
		if (bpf_map_update_elem(&facts, &k, &n, BPF_NOEXIST) == 0)
			return;
		f = bpf_map_lookup_elem(&facts, &k); /* another CPU was first */
		if (!f) {
			__sync_fetch_and_add(&ev_lost, 1);
			return;
		}
	}
	__sync_fetch_and_add(&f->count, 1);
}

static __always_inline void ev_namespaces(__u32 abi, __u32 slot, __u64 flags)
{
	static const __u64 kinds[] = {CG_BPF_CLONE_NEWCGROUP, CG_BPF_CLONE_NEWIPC,
				      CG_BPF_CLONE_NEWNET,    CG_BPF_CLONE_NEWNS,
				      CG_BPF_CLONE_NEWPID,    CG_BPF_CLONE_NEWUSER,
				      CG_BPF_CLONE_NEWUTS};
	for (int i = 0; i < 7; i++)
		if (flags & kinds[i])
			ev_add(abi, slot, CG_BPF_FACT_NAMESPACE, kinds[i]);
}

static __always_inline void ev_mode(__u32 abi, __u32 slot, __u64 mode)
{
	mode &= CG_BPF_S_ISUID | CG_BPF_S_ISGID;
	if (mode)
		ev_add(abi, slot, CG_BPF_FACT_SETID_MODE, mode);
}

/* The path classes of evidence.c's cg_evidence_classify_path(), on the
 * first 16 bytes of the path (the longest prefix tested is 10). */
static __noinline void ev_path(__u32 abi, __u32 slot, __u64 uptr, __u64 flags)
{
	char p[16] = {};
	long n = bpf_probe_read_user_str(p, sizeof(p), (const void *)uptr);
	bool write = (flags & CG_BPF_O_ACCMODE) || (flags & (CG_BPF_O_CREAT | CG_BPF_O_TRUNC));
	__u64 c = 0;

	if (n <= 0 || p[0] != '/')
		return;
	if (p[1] == 'd' && p[2] == 'e' && p[3] == 'v' && p[4] == '/') {
		if (n == 10 && p[5] == 'k' && p[6] == 'm' && p[7] == 's' && p[8] == 'g')
			c = CG_BPF_PATH_DEV_KMSG;
		else if (p[5] == 'r' && p[6] == 't' && p[7] == 'c')
			c = write ? CG_BPF_PATH_DEV_RTC_WRITE : CG_BPF_PATH_DEV_RTC_READ;
	} else if (p[1] == 'p' && p[2] == 'r' && p[3] == 'o' && p[4] == 'c' && p[5] == '/') {
		if (n == 11 && p[6] == 'k' && p[7] == 'm' && p[8] == 's' && p[9] == 'g')
			c = CG_BPF_PATH_PROC_KMSG;
		else if (write && p[6] == 's' && p[7] == 'y' && p[8] == 's' &&
			 (p[9] == '/' || p[9] == 0))
			c = CG_BPF_PATH_PROC_SYS_WRITE;
	} else if (write && p[1] == 's' && p[2] == 'y' && p[3] == 's' &&
		   (p[4] == '/' || p[4] == 0)) {
		c = CG_BPF_PATH_SYS_WRITE;
	}
	if (c)
		ev_add(abi, slot, CG_BPF_FACT_PATH, c);
}

static __noinline void evidence(struct ev_args *x, __u32 abi, __u32 slot, __u32 dec)
{
	__u64 *a = x->a, v = 0;

	switch (dec) {
	case CG_BPF_EV_SOCKET:
		ev_add(abi, slot, CG_BPF_FACT_SOCKET_FAMILY, (__u32)a[0]);
		break;
	case CG_BPF_EV_SOCKETPAIR:
		ev_add(abi, slot, CG_BPF_FACT_SOCKETPAIR_FAMILY, (__u32)a[0]);
		break;
	case CG_BPF_EV_CLONE:
		ev_namespaces(abi, slot, a[0] & ~0xffULL); /* low byte: exit signal */
		break;
	case CG_BPF_EV_CLONE3:
		if (bpf_probe_read_user(&v, sizeof(v), (const void *)a[0]) == 0)
			ev_namespaces(abi, slot, v);
		break;
	case CG_BPF_EV_UNSHARE:
		ev_namespaces(abi, slot, a[0]);
		break;
	case CG_BPF_EV_SETNS:
		if ((__u32)a[1] == 0)
			ev_add(abi, slot, CG_BPF_FACT_NAMESPACE, 0);
		else
			ev_namespaces(abi, slot, (__u32)a[1]);
		break;
	case CG_BPF_EV_MMAP:
		if ((a[2] & (CG_BPF_PROT_WRITE | CG_BPF_PROT_EXEC)) ==
		    (CG_BPF_PROT_WRITE | CG_BPF_PROT_EXEC))
			ev_add(abi, slot, CG_BPF_FACT_WX_MEMORY, (__u32)a[2]);
		break;
	case CG_BPF_EV_MPROTECT:
		if (a[2] & CG_BPF_PROT_EXEC)
			ev_add(abi, slot, CG_BPF_FACT_WX_MEMORY, (__u32)a[2]);
		break;
	case CG_BPF_EV_SHMAT:
		if (a[2] & CG_BPF_SHM_EXEC)
			ev_add(abi, slot, CG_BPF_FACT_WX_MEMORY, CG_BPF_SHM_EXEC);
		break;
	case CG_BPF_EV_PERSONALITY:
		ev_add(abi, slot, CG_BPF_FACT_PERSONALITY, (__u32)a[0]);
		break;
	case CG_BPF_EV_SCHED_SETSCHEDULER:
		ev_add(abi, slot, CG_BPF_FACT_SCHED_POLICY, (__u32)a[1]);
		break;
	case CG_BPF_EV_SCHED_SETATTR: {
		__u32 policy; /* struct sched_attr: size, then sched_policy */
		if (bpf_probe_read_user(&policy, sizeof(policy), (const void *)(a[0] + 4)) == 0)
			ev_add(abi, slot, CG_BPF_FACT_SCHED_POLICY, policy);
		break;
	}
	case CG_BPF_EV_MODE1:
		ev_mode(abi, slot, a[1]);
		break;
	case CG_BPF_EV_MODE2:
		ev_mode(abi, slot, a[2]);
		break;
	case CG_BPF_EV_CREAT:
		ev_mode(abi, slot, a[1]);
		ev_path(abi, slot, a[0], CG_BPF_O_CREAT | CG_BPF_O_TRUNC | 1);
		break;
	case CG_BPF_EV_OPEN:
		if (a[1] & CG_BPF_O_CREAT)
			ev_mode(abi, slot, a[2]);
		ev_path(abi, slot, a[0], a[1]);
		break;
	case CG_BPF_EV_OPENAT:
		if (a[2] & CG_BPF_O_CREAT)
			ev_mode(abi, slot, a[3]);
		ev_path(abi, slot, a[1], a[2]);
		break;
	case CG_BPF_EV_OPENAT2:
		if (bpf_probe_read_user(&v, sizeof(v), (const void *)a[2]) == 0) {
			ev_add(abi, slot, CG_BPF_FACT_OPENAT2, v);
			ev_path(abi, slot, a[1], v);
		} else {
			ev_add(abi, slot, CG_BPF_FACT_OPENAT2, 0);
		}
		break;
	case CG_BPF_EV_CLOCK:
		ev_add(abi, slot, CG_BPF_FACT_CLOCK, 0);
		break;
	case CG_BPF_EV_HOSTNAME:
		ev_add(abi, slot, CG_BPF_FACT_HOSTNAME, 0);
		break;
	case CG_BPF_EV_SYSLOG:
		ev_add(abi, slot, CG_BPF_FACT_SYSLOG, (__u32)a[0]);
		break;
	case CG_BPF_EV_SYSCTL:
		ev_add(abi, slot, CG_BPF_FACT_SYSCTL, 0);
		break;
	}
}

/* The decoder of the call, or 0: the only cost for calls without facts. */
static __always_inline void maybe_evidence(struct task_struct *t, struct pt_regs *regs, long nr)
{
	__u32 abi;
	long slot;
	struct ev_args x;
	__u32 dec;

	if (!ev_any[nr & (CG_BPF_NR_SLOTS - 1)])
		return;
	abi = task_abi(t, nr);
	slot = abi == CG_BPF_ABI_X32 ? nr - CG_BPF_X32_BIT : nr;
	if (slot < 0 || slot >= CG_BPF_NR_SLOTS)
		return;
	dec = ev_decoder[abi * CG_BPF_NR_SLOTS + (__u32)slot];
	if (!dec)
		return;
	if (abi == CG_BPF_ABI_I386) {
		x.a[0] = (__u32)regs->bx;
		x.a[1] = (__u32)regs->cx;
		x.a[2] = (__u32)regs->dx;
		x.a[3] = (__u32)regs->si;
		x.a[4] = (__u32)regs->di;
		x.a[5] = (__u32)regs->bp;
	} else {
		x.a[0] = regs->di;
		x.a[1] = regs->si;
		x.a[2] = regs->dx;
		x.a[3] = regs->r10;
		x.a[4] = regs->r8;
		x.a[5] = regs->r9;
	}
	evidence(&x, abi, (__u32)slot, dec);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(cg_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 *e;

	if (!in_scope(t))
		return 0;
	count(t, (int)id, CG_CALL);
	maybe_evidence(t, regs, (int)id);
	if (t->seccomp.mode == CG_SECCOMP_MODE_FILTER) {
		e = bpf_task_storage_get(&entered, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (e)
			*e = 1;
	}
	return 0;
}

/* Without errors counted, a task under no seccomp filter returns after
 * one test: only tasks under a filter have calls sys_enter cannot see.
 * With errors, the common case (success, no filter) returns after two
 * tests. An error is what the kernel's
 * syscall_get_error() calls one: -4095..-1, taken as 32 bits for an i386
 * call. The number is the one the call entered with (orig_ax, as
 * syscall_get_nr() reads it). */
#define CG_NR_RT_SIGRETURN_X86_64 15

SEC("tp_btf/sys_exit")
int BPF_PROG(cg_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	bool filtered, error, was_entered = true, seen = false;
	__u32 *e;

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
	 * rt_sigreturn, so its error goes uncounted. */
	if ((int)regs->orig_ax < 0) {
		if (!(t->thread_info.status & CG_TS_COMPAT) && count_errors)
			count(t, CG_NR_RT_SIGRETURN_X86_64, CG_ERROR);
		return 0;
	}
	/* Refused; or, for a task not seen entering a call yet, possibly a
	 * call under way when tracing began: counted alike, marked only when
	 * it is sure. */
	if (!was_entered)
		count(t, (int)regs->orig_ax, seen || all_seen ? CG_REFUSED : CG_UNSEEN);
	else if (count_errors)
		count(t, (int)regs->orig_ax, CG_ERROR);
	return 0;
}

/* A task made by a traced one is traced: threads share the tgid, a new
 * process gets its bit. Runs before the child can run. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(cg_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid;

	if (scope == CG_BPF_SCOPE_CGROUP) {
		if (in_scope(parent))
			__sync_fetch_and_add(&forks, 1);
		return 0;
	}
	ptgid = parent->tgid;
	ctgid = child->tgid;
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
SEC("tp_btf/sched_process_exit")
int BPF_PROG(cg_exit, struct task_struct *task)
{
	__u32 tgid;

	if (scope == CG_BPF_SCOPE_CGROUP)
		return 0;
	tgid = task->tgid;
	if (!tgid_tracked(tgid))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	__sync_fetch_and_and(&tracked[tgid / 64], ~(1ULL << (tgid % 64)));
	__sync_fetch_and_sub(&live, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
