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

/* A bit per task id, whose meaning depends on the scope. PIDS: bit tgid
 * set: that thread group is traced, written by user space (the start set)
 * and by the fork/exit programs. CGROUP, with manager_apart (below): bit
 * pid set: a task of the service manager (from_manager). One array for
 * both, since a trace has one scope: 512 KiB less of the kernel's memory
 * that a loaded object pins. */
__u64 tracked[CG_BPF_PID_MAX / 64];
#define from_manager tracked

/* Set by the loader for a cgroup whose calls of the service manager are
 * to be told apart. systemd starts every process of a unit (ExecStart=,
 * ExecReload=, ...) from outside the unit's cgroup: it forks, the child
 * moves itself into the cgroup (up to 254) or is born there by
 * CLONE_INTO_CGROUP (255 and later, which then executes systemd-executor),
 * sets up credentials, namespaces and the unit's seccomp filter, and
 * executes the unit's command. Those calls are systemd's, not the unit's:
 * they are counted from CG_BPF_MANAGER_BASE, and show no evidence. */
__u32 manager_apart;
/* With manager_apart, from_manager (tracked) bit pid set: a task made by a
 * task outside the cgroup, or by a task so marked, that has not executed a
 * program other than systemd-executor since. Set and cleared for tasks
 * anywhere (a child of PID 1 joins the cgroup only later), by the fork,
 * exec and exit programs. */
/* Traced thread groups alive (PIDS scope), tasks that joined by fork or
 * clone, and calls of unusual numbers that did not fit the "other" hash. */
__s64 live;
__u64 forks;
__u64 lost;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_BPF_COUNT_SLOTS);
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

static __always_inline bool bit_set(const __u64 *bits, __u32 id)
{
	if (id >= CG_BPF_PID_MAX)
		return false;
	return bits[id / 64] & (1ULL << (id % 64));
}

static __always_inline bool tgid_tracked(__u32 tgid)
{
	return bit_set(tracked, tgid);
}

/* The call numbers of execve and execveat (x86-64, x32 with the x32 bit;
 * i386). */
#define CG_NR_EXECVE 59
#define CG_NR_EXECVEAT 322
#define CG_NR_EXECVE_X32 520
#define CG_NR_EXECVEAT_X32 545
#define CG_NR_EXECVE_I386 11
#define CG_NR_EXECVEAT_I386 358

/* Whether task t (in scope) makes call nr for the service manager. Its
 * execve and execveat stay the unit's: the last one runs under the unit's
 * seccomp filter, which systemd installs before it. */
static __always_inline bool manager_call(struct task_struct *t, long nr)
{
	long n;

	if (!manager_apart || !bit_set(from_manager, t->pid))
		return false;
	n = nr & ~(long)CG_BPF_X32_BIT;
	if (t->thread_info.status & CG_TS_COMPAT)
		return n != CG_NR_EXECVE_I386 && n != CG_NR_EXECVEAT_I386;
	return n != CG_NR_EXECVE && n != CG_NR_EXECVEAT && n != CG_NR_EXECVE_X32 &&
	       n != CG_NR_EXECVEAT_X32;
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

static __noinline void count_other(__u32 abi, long nr, enum cg_what what, bool manager)
{
	struct cg_bpf_other_key k = {.abi = abi, .nr = (__s32)nr, .manager = manager};
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

static __always_inline void count(struct task_struct *t, long nr, enum cg_what what, bool manager)
{
	__u32 abi = task_abi(t, nr);
	long slot = abi == CG_BPF_ABI_X32 ? nr - CG_BPF_X32_BIT : nr;
	struct cg_bpf_count *c;
	__u32 key;

	if (slot < 0 || slot >= CG_BPF_NR_SLOTS) {
		count_other(abi, nr, what, manager);
		return;
	}
	key = abi * CG_BPF_NR_SLOTS + (__u32)slot + (manager ? CG_BPF_MANAGER_BASE : 0);
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
		x.a[0] = (__u32)BPF_CORE_READ(regs, bx);
		x.a[1] = (__u32)BPF_CORE_READ(regs, cx);
		x.a[2] = (__u32)BPF_CORE_READ(regs, dx);
		x.a[3] = (__u32)BPF_CORE_READ(regs, si);
		x.a[4] = (__u32)BPF_CORE_READ(regs, di);
		x.a[5] = (__u32)BPF_CORE_READ(regs, bp);
	} else {
		/* A raw_tp argument is a plain pointer: read through the helper. */
		x.a[0] = BPF_CORE_READ(regs, di);
		x.a[1] = BPF_CORE_READ(regs, si);
		x.a[2] = BPF_CORE_READ(regs, dx);
		x.a[3] = BPF_CORE_READ(regs, r10);
		x.a[4] = BPF_CORE_READ(regs, r8);
		x.a[5] = BPF_CORE_READ(regs, r9);
	}
	evidence(&x, abi, (__u32)slot, dec);
}

/* Per call of every task while attached: the scope test, then, for a
 * traced task, one per-CPU counter. Work on a call's arguments goes after
 * count(), in functions of its own. */
SEC("raw_tp/sys_enter")
int BPF_PROG(cg_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	bool manager;
	__u32 *e;

	if (!in_scope(t))
		return 0;
	manager = manager_call(t, (int)id);
	count(t, (int)id, CG_CALL, manager);
	if (!manager)
		maybe_evidence(t, regs, (int)id);
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
			count(t, CG_NR_RT_SIGRETURN_X86_64, CG_ERROR,
			      manager_call(t, CG_NR_RT_SIGRETURN_X86_64));
		return 0;
	}
	/* Refused; or, for a task not seen entering a call yet, possibly a
	 * call under way when tracing began: counted alike, marked only when
	 * it is sure. */
	if (!was_entered)
		count(t, nr, seen || all_seen ? CG_REFUSED : CG_UNSEEN, manager_call(t, nr));
	else if (count_errors)
		count(t, nr, CG_ERROR, manager_call(t, nr));
	return 0;
}

/* A task made by a traced one is traced: threads share the tgid, a new
 * process gets its bit. Runs before the child can run. */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(cg_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid;

	if (scope == CG_BPF_SCOPE_CGROUP) {
		bool inside = in_scope(parent); /* the parent is the current task */

		if (inside)
			__sync_fetch_and_add(&forks, 1);
		if (manager_apart) {
			__u32 cpid = BPF_CORE_READ(child, pid);

			if ((!inside || bit_set(from_manager, BPF_CORE_READ(parent, pid))) &&
			    cpid < CG_BPF_PID_MAX)
				__sync_fetch_and_or(&from_manager[cpid / 64], 1ULL << (cpid % 64));
		}
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

	if (scope == CG_BPF_SCOPE_CGROUP) {
		tgid = BPF_CORE_READ(task, pid); /* a task's own id here */
		if (manager_apart && bit_set(from_manager, tgid))
			__sync_fetch_and_and(&from_manager[tgid / 64], ~(1ULL << (tgid % 64)));
		return 0;
	}
	tgid = BPF_CORE_READ(task, tgid);
	if (!tgid_tracked(tgid))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	__sync_fetch_and_and(&tracked[tgid / 64], ~(1ULL << (tgid % 64)));
	__sync_fetch_and_sub(&live, 1);
	return 0;
}

/* With manager_apart: a marked task that executes a program is the
 * unit's from now on, unless the program is systemd-executor (255 and
 * later: the manager's code for the unit, which then executes the unit's
 * command). The name is the executed file's own (its dentry), whatever
 * path or descriptor named it. A thread other than the leader that
 * executes takes the leader's id (old_pid is its own). */
static __always_inline bool is_executor(struct linux_binprm *bprm)
{
	static const char want[] = "systemd-executor";
	const unsigned char *name = BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name);
	char got[sizeof(want)] = {};

	if (bpf_probe_read_kernel_str(got, sizeof(got), name) != sizeof(want))
		return false;
	for (int i = 0; i < (int)sizeof(want); i++)
		if (got[i] != want[i])
			return false;
	return true;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(cg_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 pid, old = (__u32)old_pid;

	if (!manager_apart)
		return 0;
	pid = BPF_CORE_READ(p, pid);
	if (!bit_set(from_manager, old) && !bit_set(from_manager, pid))
		return 0;
	if (old != pid && old < CG_BPF_PID_MAX)
		__sync_fetch_and_and(&from_manager[old / 64], ~(1ULL << (old % 64)));
	if (pid >= CG_BPF_PID_MAX)
		return 0;
	if (is_executor(bprm))
		__sync_fetch_and_or(&from_manager[pid / 64], 1ULL << (pid % 64));
	else
		__sync_fetch_and_and(&from_manager[pid / 64], ~(1ULL << (pid % 64)));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
