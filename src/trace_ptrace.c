/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ptrace backend.
 *
 * One tracer loop waits for every tracee (__WALL) and resumes it at once.
 * Calls are counted in per-ABI arrays indexed by number and turned into
 * names once, at the end. The ABI of each call comes from
 * PTRACE_GET_SYSCALL_INFO (arch, and the x32 bit of the number), which tells
 * `int 0x80` from a 64-bit program apart from a `syscall` next to it.
 *
 * Stops and what they mean with PTRACE_SEIZE:
 *  - PTRACE_EVENT_SECCOMP: a call of a command started under our filter;
 *  - SIGTRAP|0x80: syscall entry or exit (PTRACE_SYSCALL: live processes,
 *    tasks under another seccomp filter; or the exit stop asked for after a
 *    seccomp stop when errors are counted);
 *  - PTRACE_EVENT_FORK/VFORK/CLONE/EXEC: bookkeeping; a new task starts
 *    with a PTRACE_EVENT_STOP of its own;
 *  - PTRACE_EVENT_STOP with a stopping signal: group-stop, left with
 *    PTRACE_LISTEN so the task stays stopped until SIGCONT as it would
 *    untraced; with SIGTRAP: our PTRACE_INTERRUPT or a new task's first stop;
 *  - anything else: a signal on its way, passed on when resuming. */
#include "trace_ptrace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "evidence.h"
#include "spawn.h"

/* Numbers at or above this are counted by name directly (none exist on
 * x86 today; the slot arrays stay small and flat). */
#define NR_SLOTS 1024

struct tracee {
	pid_t tid;	 /* 0: free slot */
	bool started;	 /* first stop seen (or attached by us) */
	bool in_syscall; /* between a counted entry and its exit stop */
	bool nr_known;	 /* abi/nr hold the call in progress */
	uint8_t abi;
	uint16_t nr; /* slot index (x32 bit stripped) */
	/* Under a seccomp filter other than ours: stepped with PTRACE_SYSCALL,
	 * whose entry stop comes before seccomp and sees every attempt (see
	 * "Refused calls" below). */
	bool entry_mode;
	bool mode_known; /* entry_mode set from the parent, not to be looked up */
	/* The call in progress was counted at its entry stop and our filter's
	 * stop has not come yet: if it ends in an error without that stop, a
	 * filter before ours refused it. */
	bool entry_counted;
	/* While another thread installs a filter for the thread group (see
	 * t->installer): interrupted, its stop not seen yet (awaited); to be
	 * kept stopped at its next resume (park); kept stopped, to be resumed
	 * with park_sig (parked). */
	bool awaited, park, parked;
	int park_sig;
};

struct tracer {
	const struct cg_trace_opts *o;
	struct cg_profile *p;
	struct cg_trace_result *r;
	bool command;	       /* started a command under the seccomp filter */
	struct cg_spawn spawn; /* the command's start, while command */
	bool syscall_mode;     /* PTRACE_SYSCALL stops (live processes) */
	bool spin;	       /* poll before sleeping in waitpid (see wait_any) */
	pid_t main_pid;
	unsigned handled_requests;
	unsigned base_requests; /* stop requests recorded before we started */
	/* Signals (bit 1 << sig) the command got since the loop last found
	 * no stop request: tells a group-wide kill from one sent to us alone. */
	unsigned delivered_mask;

	int64_t last_scan; /* CLOCK_MONOTONIC ns of the last cgroup.procs read */
	int64_t last_tick; /* ... of the last o->tick */
	pid_t *failed;	   /* cgroup processes we could not attach to */
	size_t n_failed, failed_cap;

	struct tracee *tab; /* open addressing, linear probing */
	size_t cap, used;

	uint64_t calls[CG_ABI_COUNT][NR_SLOTS];
	uint64_t errors[CG_ABI_COUNT][NR_SLOTS];
	uint64_t refused[CG_ABI_COUNT][NR_SLOTS];
	/* Slot numbers of seccomp and prctl per ABI (-1: none), to see a task
	 * install a filter of its own. */
	int nr_seccomp[CG_ABI_COUNT], nr_prctl[CG_ABI_COUNT];
	bool told_own_filter; /* the note about it was written */
	/* A task installing a filter for its whole thread group (TSYNC), from
	 * its seccomp stop to its exit stop. It is held at the seccomp stop
	 * until the other threads stopped (awaiting of them), which stay
	 * stopped until the exit stop: none of them makes a call while the
	 * filters change, whose refusal we could not tell. */
	pid_t installer;
	bool installer_held;
	unsigned awaiting;
	/* Calls that cannot return an error: no exit stop needed for them. */
	bool cannot_fail[CG_ABI_COUNT][NR_SLOTS];
	/* Per call, what its argument evidence needs (see record_evidence):
	 * 0 = not looked up, 1 = nothing, else 2 + (needs | path_arg << 4). */
	uint8_t ev_need[CG_ABI_COUNT][NR_SLOTS];
};

/* ---- tracee table -------------------------------------------------------- */

static size_t slot_of(const struct tracer *t, pid_t tid)
{
	return ((size_t)tid * 2654435761u) & (t->cap - 1);
}

static struct tracee *tracee_find(struct tracer *t, pid_t tid)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(t, tid);; i = (i + 1) & (t->cap - 1)) {
		if (t->tab[i].tid == tid)
			return &t->tab[i];
		if (t->tab[i].tid == 0)
			return NULL;
	}
}

static struct tracee *tracee_add(struct tracer *t, pid_t tid)
{
	struct tracee *e = tracee_find(t, tid);
	if (e)
		return e;
	if ((t->used + 1) * 2 > t->cap) {
		struct tracee *old = t->tab;
		size_t oldcap = t->cap;
		t->cap = oldcap ? oldcap * 2 : 64;
		t->tab = xcalloc(t->cap, sizeof(*t->tab));
		t->used = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].tid)
				*tracee_add(t, old[i].tid) = old[i];
		free(old);
	}
	size_t i = slot_of(t, tid);
	while (t->tab[i].tid)
		i = (i + 1) & (t->cap - 1);
	t->tab[i] = (struct tracee){.tid = tid};
	t->used++;
	t->r->tasks++;
	return &t->tab[i];
}

static void tracee_remove(struct tracer *t, pid_t tid)
{
	struct tracee *e = tracee_find(t, tid);
	if (!e)
		return;
	size_t i = (size_t)(e - t->tab);
	t->tab[i].tid = 0;
	t->used--;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	for (size_t j = (i + 1) & (t->cap - 1); t->tab[j].tid; j = (j + 1) & (t->cap - 1)) {
		size_t home = slot_of(t, t->tab[j].tid);
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			t->tab[i] = t->tab[j];
			t->tab[j].tid = 0;
			i = j;
		}
	}
}

/* ---- counting ------------------------------------------------------------ */

static void count_call(struct tracer *t, struct tracee *e, uint32_t arch, uint64_t nr)
{
	enum cg_abi abi;
	e->nr_known = false;
	if (cg_abi_from_audit(arch, (long)nr, &abi) < 0)
		return; /* not an x86 ABI: cannot happen on x86-64 */
	uint64_t idx = abi == CG_ABI_X32 ? nr & ~(uint64_t)CG_X32_SYSCALL_BIT : nr;
	e->abi = (uint8_t)abi;
	if (idx < NR_SLOTS) {
		t->calls[abi][idx]++;
		e->nr = (uint16_t)idx;
		e->nr_known = true;
	} else {
		char buf[64];
		snprintf(buf, sizeof(buf), "syscall_%#lx", (unsigned long)nr);
		cg_profile_add(t->p, abi, cg_intern(buf), 1, 0);
	}
}

static void count_error(struct tracer *t, struct tracee *e, bool refused)
{
	if (e->nr_known) {
		t->errors[e->abi][e->nr]++;
		if (refused)
			t->refused[e->abi][e->nr]++;
	}
	e->nr_known = false;
}

/* The counts so far into p, and the refused ones into refused (may be
 * NULL). */
static void counts_into(const struct tracer *t, struct cg_profile *p, struct cg_profile *refused)
{
	for (int abi = 0; abi < CG_ABI_COUNT; abi++)
		for (long nr = 0; nr < NR_SLOTS; nr++) {
			if (!t->calls[abi][nr])
				continue;
			long raw = abi == CG_ABI_X32 ? nr | CG_X32_SYSCALL_BIT : nr;
			cg_name n = cg_abi_syscall_name(abi, raw);
			if (n == CG_NAME_NONE) {
				char buf[64];
				snprintf(buf, sizeof(buf), "syscall_%#lx", (unsigned long)raw);
				n = cg_intern(buf);
			}
			cg_profile_add(p, abi, n, t->calls[abi][nr], t->errors[abi][nr]);
			if (refused && t->refused[abi][nr])
				cg_profile_add(refused, abi, n, t->refused[abi][nr],
					       t->refused[abi][nr]);
		}
}

/* Calls whose result is never an error value, whatever the arguments: the
 * getters of ids, umask, alarm, sched_yield, sync, and brk (which answers the
 * current break when it cannot move it). Not rt_sigreturn: it returns the
 * interrupted call's result, which may be -EINTR, and strace counts that. */
static const char *const never_fail[] = {
	"getpid", "getppid", "gettid",	    "getpgrp",	 "getuid",   "geteuid",
	"getgid", "getegid", "getuid32",    "geteuid32", "getgid32", "getegid32",
	"umask",  "alarm",   "sched_yield", "sync",	 "brk",
};

static int slot_of_name(enum cg_abi abi, const char *name)
{
	int nr = cg_abi_resolve(abi, name);
	if (nr < 0)
		return -1;
	nr &= ~CG_X32_SYSCALL_BIT;
	return nr < NR_SLOTS ? nr : -1;
}

static void init_cannot_fail(struct tracer *t)
{
	/* Not x32: a kernel built without it fails every x32 call (ENOSYS). */
	static const enum cg_abi abis[] = {CG_ABI_X86_64, CG_ABI_I386};
	for (size_t a = 0; a < ELEMENTSOF(abis); a++)
		for (size_t i = 0; i < ELEMENTSOF(never_fail); i++) {
			enum cg_abi abi = abis[a];
			int nr = cg_abi_resolve(abi, never_fail[i]);
			if (nr >= 0 && nr < NR_SLOTS)
				t->cannot_fail[abi][nr] = true;
		}
	for (int abi = 0; abi < CG_ABI_COUNT; abi++) {
		t->nr_seccomp[abi] = slot_of_name((enum cg_abi)abi, "seccomp");
		t->nr_prctl[abi] = slot_of_name((enum cg_abi)abi, "prctl");
	}
}

/* ---- argument evidence ----------------------------------------------------
 *
 * Read at the stop that counts a call (entry or seccomp stop: the arguments
 * are there, nothing ran yet), so a call a filter refuses shows its facts
 * too. Words behind pointers (clone_args.flags of clone3, open_how.flags,
 * the policy in sched_setattr's struct, a path) come through
 * process_vm_readv; a call that makes no fact costs one table lookup. */

/* Reads up to len bytes at addr of tid, stopping at the first unmapped page
 * (a path may end just before one). Returns the bytes read. */
static size_t read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (!addr)
		return 0;
	size_t first = 4096 - (size_t)(addr & 4095);
	if (first > len)
		first = len;
	struct iovec local = {buf, len};
	struct iovec remote[2] = {{(void *)(uintptr_t)addr, first},
				  {(void *)(uintptr_t)(addr + first), len - first}};
	ssize_t n = process_vm_readv(tid, &local, 1, remote, len > first ? 2 : 1, 0);
	return n > 0 ? (size_t)n : 0;
}

/* The thread group and comm of tid, for the first process of a fact. */
static void task_identity(pid_t tid, int32_t *pid, char comm[16])
{
	char path[64], buf[512];
	*pid = tid;
	comm[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	const char *name = strncmp(buf, "Name:\t", 6) == 0 ? buf + 6 : NULL;
	if (name) {
		size_t k = strcspn(name, "\n");
		snprintf(comm, 16, "%.*s", (int)(k < 15 ? k : 15), name);
	}
	const char *tg = strstr(buf, "\nTgid:\t");
	if (tg)
		*pid = (int32_t)atoi(tg + 7);
}

static void record_evidence(struct tracer *t, struct tracee *e, const uint64_t args[6])
{
	if (!e->nr_known)
		return;
	uint8_t *need = &t->ev_need[e->abi][e->nr];
	if (!*need) {
		long raw = e->abi == CG_ABI_X32 ? e->nr | CG_X32_SYSCALL_BIT : e->nr;
		cg_name n = cg_abi_syscall_name((enum cg_abi)e->abi, raw);
		unsigned pa = 0;
		unsigned k =
			n == CG_NAME_NONE ? 0 : cg_evidence_call_needs((enum cg_abi)e->abi, n, &pa);
		*need = (uint8_t)(k ? 2 + (k | pa << 4) : 1);
	}
	if (*need == 1)
		return;
	unsigned needs = (*need - 2u) & 0xf, path_arg = (*need - 2u) >> 4;
	long raw = e->abi == CG_ABI_X32 ? e->nr | CG_X32_SYSCALL_BIT : e->nr;
	struct cg_call_args a = {.abi = (enum cg_abi)e->abi,
				 .call = cg_abi_syscall_name((enum cg_abi)e->abi, raw)};
	memcpy(a.arg, args, sizeof a.arg);
	if (e->abi == CG_ABI_I386) /* 32-bit registers */
		for (int i = 0; i < 6; i++)
			a.arg[i] &= 0xffffffffu;
	uint64_t word = 0;
	if (needs & CG_NEED_CLONE_ARGS)
		a.have_mem = read_mem(e->tid, a.arg[0], &word, sizeof word) == sizeof word;
	else if (needs & CG_NEED_OPEN_HOW)
		a.have_mem = read_mem(e->tid, a.arg[2], &word, sizeof word) == sizeof word;
	a.mem_flags = word;
	char path[72];
	if (needs & CG_NEED_PATH) {
		size_t n = read_mem(e->tid, a.arg[path_arg], path, sizeof path - 1);
		path[n] = '\0';
		if (n && memchr(path, '\0', n) == NULL && n < sizeof path - 1)
			path[0] = '\0'; /* cut by an unmapped page without its end */
		a.path = n ? path : NULL;
	}
	struct cg_evidence *ev = cg_profile_evidence(t->p);
	/* The first process of a fact is looked up only when the fact is new. */
	struct cg_fact_raw rf[CG_CALL_FACTS_MAX];
	const char *s = cg_name_str(a.call);
	size_t k = cg_evidence_decode_call(s, strlen(s), &a, rf);
	int32_t pid = 0;
	char comm[16] = "";
	for (size_t i = 0; i < k; i++) {
		if (!pid && !cg_evidence_find(ev, a.abi, rf[i].kind, a.call, rf[i].value))
			task_identity(e->tid, &pid, comm);
		cg_evidence_add(ev, a.abi, rf[i].kind, a.call, rf[i].value, 1, pid, comm);
	}
}

/* ---- stops --------------------------------------------------------------- */

static void resume(struct tracer *t, struct tracee *e, int sig)
{
	if (e->park && t->installer) {
		e->parked = true;
		e->park_sig = sig;
		return;
	}
	long req =
		(t->syscall_mode || e->in_syscall || e->entry_mode) ? PTRACE_SYSCALL : PTRACE_CONT;
	/* ESRCH: killed meanwhile; its exit is reported by the next wait. */
	ptrace(req, e->tid, 0L, (long)sig);
}

static bool is_stopping_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_syscall_stop(struct tracer *t, struct tracee *e)
{
	struct __ptrace_syscall_info info;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof(info), &info) <= 0) {
		resume(t, e, 0);
		return;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		count_call(t, e, info.arch, info.entry.nr);
		record_evidence(t, e, (const uint64_t *)info.entry.args);
		e->in_syscall = true;
		/* Our filter's stop follows unless a filter refuses the call. */
		e->entry_counted = t->command;
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		bool refused = info.exit.is_error && e->entry_counted;
		if (info.exit.is_error && (t->o->count_errors || refused))
			count_error(t, e, refused);
		e->nr_known = false;
		e->in_syscall = false;
		e->entry_counted = false;
	}
	resume(t, e, 0);
}

/* ---- refused calls --------------------------------------------------------
 *
 * A seccomp filter other than ours that answers a call with an errno (or
 * SIGSYS, or a supervisor's answer) outranks our SECCOMP_RET_TRACE: the call
 * never stops at our filter. Such a filter is there when we run under one
 * ourselves (a container's: the command inherits it), or when a task of the
 * command installs one (as `callgroups run` does before its exec). Tasks
 * under one are stepped with PTRACE_SYSCALL: the entry stop comes before
 * seccomp and counts every attempt; our filter's stop that follows says the
 * call passed every filter; an error at the exit stop without it is a
 * refusal. Three stops for a call that passes (entry, ours, exit), two for
 * a refused one; tasks without such a filter keep their one or two.
 *
 * A filter installed with SECCOMP_FILTER_FLAG_TSYNC reaches every thread of
 * the group at once. The installer is held at its seccomp stop until the
 * other threads have stopped, and they stay stopped until its exit stop:
 * none makes a call while the filters change. A thread caught at our
 * filter's stop is let go to its next stop first, as leaving that stop
 * runs the filters again (which may then refuse a call we counted as
 * passed). */

/* True when tid runs under a filter besides the one we gave the command
 * (seen from its first stop, before it runs). */
static bool under_other_filter(pid_t tid)
{
	return cg_trace_seccomp_filters(tid) > 1;
}

/* Whether the call at this seccomp stop installs a filter for the calling
 * thread (and with TSYNC for its whole thread group). */
static bool installs_filter(const struct tracer *t, const struct tracee *e,
			    const struct __ptrace_syscall_info *info, bool *tsync)
{
	*tsync = false;
	if (!e->nr_known)
		return false;
	const uint64_t *a = info->seccomp.args;
	if (e->nr == t->nr_seccomp[e->abi] && a[0] == SECCOMP_SET_MODE_FILTER) {
		*tsync = (a[1] & SECCOMP_FILTER_FLAG_TSYNC) != 0;
		return true;
	}
	return e->nr == t->nr_prctl[e->abi] && a[0] == PR_SET_SECCOMP &&
	       a[1] == SECCOMP_MODE_FILTER;
}

/* Moves the other threads of e's thread group to entry stops: each is
 * interrupted, and resumed with PTRACE_SYSCALL; returns how many stops are
 * awaited. */
static unsigned other_threads_to_entry_mode(struct tracer *t, const struct tracee *e)
{
	unsigned n = 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)e->tid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));) {
		pid_t tid = (pid_t)atoi(de->d_name);
		struct tracee *o = tid > 0 && tid != e->tid ? tracee_find(t, tid) : NULL;
		if (!o || o->entry_mode)
			continue;
		o->entry_mode = o->mode_known = true;
		/* One not started yet stops first anyway. */
		if (o->started && !o->awaited && ptrace(PTRACE_INTERRUPT, tid, 0L, 0L) == 0) {
			o->awaited = true;
			n++;
		}
	}
	closedir(d);
	return n;
}

/* A stop or the end of an awaited thread: it stays stopped, and the
 * installer goes on after the last one. */
static void awaited_stopped(struct tracer *t, struct tracee *e)
{
	e->awaited = false;
	e->park = true;
	if (--t->awaiting > 0 || !t->installer_held)
		return;
	t->installer_held = false;
	struct tracee *h = tracee_find(t, t->installer);
	if (h)
		resume(t, h, 0);
}

/* The install is over (the installer's exit stop, or its end): the
 * threads kept stopped go on, under entry stops. */
static void install_done(struct tracer *t)
{
	t->installer = 0;
	t->installer_held = false;
	t->awaiting = 0;
	for (size_t i = 0; i < t->cap; i++) {
		struct tracee *e = &t->tab[i];
		if (!e->tid)
			continue;
		bool parked = e->parked;
		e->awaited = e->park = e->parked = false;
		if (parked)
			resume(t, e, e->park_sig);
	}
}

static void to_entry_mode(struct tracer *t, struct tracee *e, bool tsync)
{
	if (!e->entry_mode && t->o->warn && !t->told_own_filter) {
		fprintf(t->o->warn,
			"callgroups: process %d installs a seccomp filter: using syscall-entry "
			"stops for it from now on so calls its filter refuses are counted\n",
			(int)e->tid);
		t->told_own_filter = true;
	}
	e->entry_mode = e->mode_known = true;
	if (tsync && !t->installer) {
		t->installer = e->tid;
		t->awaiting = other_threads_to_entry_mode(t, e);
		t->installer_held = t->awaiting > 0;
	}
}

static void on_seccomp_stop(struct tracer *t, struct tracee *e)
{
	struct __ptrace_syscall_info info;
	if (e->entry_counted) {
		/* Counted at its entry stop; it passed every filter. */
		e->entry_counted = false;
		resume(t, e, 0);
		return;
	}
	bool tsync;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof(info), &info) > 0 &&
	    info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		count_call(t, e, info.arch, info.seccomp.nr);
		record_evidence(t, e, (const uint64_t *)info.seccomp.args);
		/* The exit stop is only worth its cost when errors are counted,
		 * and for calls that can fail. */
		e->in_syscall =
			t->o->count_errors && !(e->nr_known && t->cannot_fail[e->abi][e->nr]);
		/* The new filter is not there yet: from the next call on, the
		 * task is stepped from entry stops. */
		if (installs_filter(t, e, &info, &tsync)) {
			to_entry_mode(t, e, tsync);
			if (t->installer == e->tid && t->installer_held)
				return; /* resumed by awaited_stopped() */
		}
	}
	resume(t, e, 0);
}

static void on_exec(struct tracer *t, struct tracee *e)
{
	unsigned long former = 0;
	if (ptrace(PTRACE_GETEVENTMSG, e->tid, 0L, &former) == 0 && (pid_t)former != e->tid) {
		/* A thread other than the leader called execve: it now has the
		 * leader's tid, and the call in progress is its own. */
		struct tracee *f = tracee_find(t, (pid_t)former);
		if (f) {
			struct tracee moved = *f;
			pid_t tid = e->tid;
			tracee_remove(t, (pid_t)former);
			e = tracee_find(t, tid);
			moved.tid = tid;
			*e = moved;
		}
	}
	resume(t, e, 0);
}

static void on_stop(struct tracer *t, pid_t tid, int status)
{
	struct tracee *e = tracee_find(t, tid);
	if (!e)
		e = tracee_add(t, tid); /* a new task reported before its parent's event */
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	/* Not at our filter's stop: when a task leaves that stop the kernel
	 * runs the filters again (the tracer may have changed the call), and
	 * the new one must not be there yet; its next stop will do. */
	if (e->awaited && event != PTRACE_EVENT_SECCOMP)
		awaited_stopped(t, e);
	if (tid == t->installer && sig == (SIGTRAP | 0x80) && !t->installer_held) {
		on_syscall_stop(t, e); /* the install's exit stop */
		install_done(t);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		e->started = true;
		on_syscall_stop(t, e);
		return;
	}
	switch (event) {
	case 0:
		e->started = true;
		if (tid == t->main_pid && sig > 0 && sig < 32)
			t->delivered_mask |= 1u << sig;
		resume(t, e, sig); /* a signal on its way: pass it on */
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(t, e);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		unsigned long child = 0;
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0L, &child) == 0 && child > 0) {
			struct tracee *c = tracee_add(t, (pid_t)child);
			if (!c->started) {
				/* Filters are inherited, and it has not run yet. */
				c->entry_mode = tracee_find(t, tid)->entry_mode;
				c->mode_known = true;
			}
			e = tracee_find(t, tid); /* the table may have grown */
		}
		resume(t, e, 0);
		return;
	}
	case PTRACE_EVENT_EXEC:
		on_exec(t, e);
		return;
	case PTRACE_EVENT_STOP:
		if (!e->started) {
			e->started = true; /* a new task's first stop */
			/* While a thread group is being moved to entry stops, a
			 * new thread may be one of it: entry stops count exactly
			 * in any case, only at a higher cost. */
			if (t->command && !e->mode_known)
				e->entry_mode = t->installer || under_other_filter(tid);
			resume(t, e, 0);
		} else if (is_stopping_signal(sig)) {
			ptrace(PTRACE_LISTEN, tid, 0L, 0L); /* group-stop */
		} else {
			resume(t, e, 0);
		}
		return;
	default:
		resume(t, e, 0);
		return;
	}
}

static void on_exit_status(struct tracer *t, pid_t tid, int status)
{
	if (t->command && tid == t->main_pid)
		t->r->exit_status = cg_spawn_exit_code(status);
	struct tracee *e = tracee_find(t, tid);
	if (e && e->awaited)
		awaited_stopped(t, e);
	if (tid == t->installer)
		install_done(t);
	tracee_remove(t, tid);
}

/* ---- attaching and detaching --------------------------------------------- */

static const long SEIZE_OPTS = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;

/* Seizes every thread of pid, again until no new thread shows up (threads
 * may be created while we attach; their creator then reports them to us
 * anyway once it is seized). */
static int attach_process(struct tracer *t, pid_t pid)
{
	char path[64];
	bool any = true;
	size_t attached = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	while (any) {
		any = false;
		DIR *d = opendir(path);
		if (!d)
			return attached ? 0 : -errno;
		struct dirent *de;
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)atoi(de->d_name);
			if (tid <= 0 || tracee_find(t, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0L, SEIZE_OPTS) < 0) {
				if (errno == ESRCH)
					continue; /* thread ended meanwhile */
				int err = -errno;
				closedir(d);
				return err;
			}
			struct tracee *e = tracee_add(t, tid);
			e->started = true;
			ptrace(PTRACE_INTERRUPT, tid, 0L, 0L);
			attached++;
			any = true;
		}
		closedir(d);
	}
	return attached ? 0 : -ESRCH;
}

/* Lets go of every tracee, which keeps running as if never traced: each
 * is interrupted, and detached at its next stop with any signal it was
 * about to get. Tasks forked meanwhile are detached too. */
static void detach_all(struct tracer *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		pid_t tid = t->tab[i].tid;
		if (tid && ptrace(PTRACE_INTERRUPT, tid, 0L, 0L) < 0 && errno == ESRCH) {
			tracee_remove(t, tid);
			i--; /* backward shift may have moved another entry here */
		}
	}
	while (t->used > 0) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left to wait for */
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			tracee_remove(t, tid);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		int sig = WSTOPSIG(status);
		int event = (unsigned)status >> 16;
		if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
		    event == PTRACE_EVENT_CLONE) {
			unsigned long child = 0;
			if (ptrace(PTRACE_GETEVENTMSG, tid, 0L, &child) == 0 && child > 0)
				tracee_add(t, (pid_t)child)->started = false;
		}
		int pass = (event == 0 && sig != (SIGTRAP | 0x80)) ? sig : 0;
		ptrace(PTRACE_DETACH, tid, 0L, (long)pass);
		tracee_remove(t, tid);
	}
}

/* ---- starting a command -------------------------------------------------- */

bool cg_trace_file_privileged(const char *path, char *why, size_t len)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return false;
	const char *what = NULL;
	if ((st.st_mode & S_ISUID) && (st.st_mode & S_ISGID))
		what = "setuid and setgid";
	else if (st.st_mode & S_ISUID)
		what = "setuid";
	else if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP))
		what = "setgid";
	else if (getxattr(path, "security.capability", NULL, 0) > 0)
		what = "given file capabilities";
	if (what && why && len)
		snprintf(why, len, "%s is %s", path, what);
	return what != NULL;
}

static int install_trace_filter(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = {.len = ELEMENTSOF(insn), .filter = insn};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
		return 0;
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs, which changes
	 * nothing here: under ptrace, set-user-ID bits are ignored anyway. */
	if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0 ? 0 : -errno;
}

/* In the command, after the gate opened: the filter that makes each call
 * a ptrace stop. The execve that follows is the first call traced. */
static int prepare_traced(void *data, struct cg_error *e)
{
	(void)data;
	int r = install_trace_filter();
	if (r < 0)
		cg_error_set(e, NULL, 0, "cannot install the seccomp filter: %s", strerror(-r));
	return r;
}

/* Starts the command, held at the gate until seized. Nothing of ours it
 * could notice: same stdin/stdout/stderr, same environment, same process
 * group, the signal dispositions we inherited. Returns 0, or a negative
 * errno with e set. */
static int start_command(struct tracer *t, const char *path, struct cg_error *e)
{
	struct cg_spawn_opts so = {
		.path = path, .argv = t->o->argv, .gate = true, .prepare = prepare_traced};
	int r = cg_spawn_start(&so, &t->spawn, e);
	if (r < 0)
		return r;
	pid_t pid = t->spawn.pid;
	if (ptrace(PTRACE_SEIZE, pid, 0L, SEIZE_OPTS | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) <
	    0) {
		int err = errno;
		cg_spawn_done(&t->spawn); /* the gate closes unopened: the child exits */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		cg_error_set(e, "", 0, "cannot trace %s: %s", path, strerror(err));
		return -err;
	}
	struct tracee *te = tracee_add(t, pid);
	te->started = true;
	/* Our filters are the command's: under one, so is the command. */
	te->entry_mode = cg_trace_seccomp_filters(0) > 0;
	te->mode_known = true;
	if (te->entry_mode && t->o->warn)
		fprintf(t->o->warn,
			"callgroups: the command runs under a seccomp filter it inherited: "
			"using syscall-entry stops so refused calls are counted\n");
	t->main_pid = pid;
	r = cg_spawn_release(&t->spawn);
	if (r < 0) {
		cg_error_set(e, "", 0, "cannot start %s: %s", path, strerror(-r));
		kill(pid, SIGKILL);
		int st;
		while (waitpid(pid, &st, __WALL) >= 0 || errno == EINTR)
			; /* its stops, then its end (ECHILD once reaped) */
		tracee_remove(t, pid);
		return r;
	}
	return 0;
}

/* ---- stop requests ------------------------------------------------------- */

static void kill_all(struct tracer *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->tab[i].tid)
			kill(t->tab[i].tid, SIGKILL);
}

/* Returns true when the trace should end now (live processes detached). */
/* True when sig is pending for pid (SigPnd: its own, ShdPnd: its process's). */
static bool signal_pending(pid_t pid, int sig)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long mask;
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		     sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
		    (mask & (1ULL << (sig - 1))))
			return true;
	}
	return false;
}

/* True when pid sits in a stop, not yet reaped by us, that delivers sig. */
static bool stopped_delivering(pid_t pid, int sig)
{
	siginfo_t si = {0};
	if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG | WNOWAIT | __WALL) < 0)
		return false;
	return si.si_pid == pid && si.si_code == CLD_TRAPPED && si.si_status == sig;
}

/* Passes a signal sent to us alone on to the command, unless the command
 * got it too (kill -SIG -PGID reaches the whole process group): then it is
 * pending there, waiting to be reaped by us, or was just delivered. */
static void forward_signal(struct tracer *t, int sig)
{
	if ((t->delivered_mask & (1u << sig)) || signal_pending(t->main_pid, sig) ||
	    stopped_delivering(t->main_pid, sig))
		return;
	kill(t->main_pid, sig);
}

static bool handle_stop_requests(struct tracer *t)
{
	unsigned n = cg_trace_stop_count();
	if (n == t->handled_requests) {
		t->delivered_mask = 0;
		return false;
	}
	t->r->stop_signal = cg_trace_stop_signal();
	if (!t->command) {
		detach_all(t);
		return true;
	}
	/* A command: let it see the signal and end on its own terms (the
	 * terminal's signals reached it already, kill(1)'s are passed on); a
	 * second request ends it. */
	int sig;
	while ((sig = cg_trace_take_forward()) > 0)
		forward_signal(t, sig);
	t->delivered_mask = 0;
	if (n - t->base_requests >= 2)
		kill_all(t);
	t->handled_requests = n;
	return false;
}

/* ---- a cgroup: processes that join it later ------------------------------ */

/* How often cgroup.procs is read again for processes that entered the
 * cgroup without being forked by a tracee (a service manager starting
 * ExecReload=, a process moved in). */
#define RESCAN_NS 500000000LL

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool pid_failed(const struct tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->n_failed; i++)
		if (t->failed[i] == pid)
			return true;
	return false;
}

/* Attaches to the cgroup's processes we do not trace yet; returns how many
 * tasks that added. */
static unsigned long rescan_cgroup(struct tracer *t)
{
	t->last_scan = now_ns();
	_cleanup_free_ pid_t *pids = NULL;
	struct cg_error e = {0};
	int n = cg_trace_cgroup_pids(t->o->cgroup, &pids, &e);
	unsigned long before = t->r->tasks;
	for (int i = 0; i < n; i++) {
		if (tracee_find(t, pids[i]) || pid_failed(t, pids[i]))
			continue;
		int k = attach_process(t, pids[i]);
		if (k < 0 && k != -ESRCH) {
			if (t->o->warn)
				fprintf(t->o->warn, "callgroups: cannot attach to process %d: %s\n",
					(int)pids[i], strerror(-k));
			xgrow((void **)&t->failed, &t->failed_cap, t->n_failed + 1,
			      sizeof(*t->failed));
			t->failed[t->n_failed++] = pids[i];
		} else if (k == 0 && t->o->warn) {
			fprintf(t->o->warn,
				"callgroups: process %d joined the cgroup: tracing it\n",
				(int)pids[i]);
		}
	}
	return t->r->tasks - before;
}

static void on_tick(int sig)
{
	(void)sig;
}

/* ---- the loop ------------------------------------------------------------ */

/* How long the tracer polls for the next stop before it sleeps in waitpid.
 *
 * A stop costs little in the kernel; what costs is waking the other side on
 * another CPU. When the tracer sleeps, every call pays two cross-CPU
 * wake-ups, and a virtual machine's idle CPU has to be woken from halt (VM
 * exit) for each. Polling for a short while after each stop keeps the
 * tracer awake through a busy program's next call: on the 2-CPU test VM,
 * `find /usr -xdev` under the default mode went from ~25 s to ~10 s and a
 * getppid loop from ~11 s to ~4 s (bench/trace-overhead). 50 to 1000 us all
 * gave the same; a quiet program costs this much CPU per call, no more.
 * The poll yields the CPU each round, so a tracee waiting on our CPU runs. */
#define SPIN_NS 100000LL

/* True when this process may run on more than one CPU: polling on the only
 * CPU would only keep the tracee from running. */
static bool several_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return false;
	return CPU_COUNT(&set) > 1;
}

/* waitpid(-1, status, __WALL), polling first for up to SPIN_NS when t->spin.
 * Returns as waitpid does (-1 with EINTR when a signal interrupted it). */
static pid_t wait_any(struct tracer *t, int *status)
{
	if (t->spin) {
		unsigned requests = cg_trace_stop_count();
		int64_t until = now_ns() + SPIN_NS;
		do {
			pid_t tid = waitpid(-1, status, __WALL | WNOHANG);
			if (tid != 0)
				return tid;
			sched_yield();
		} while (now_ns() < until && cg_trace_stop_count() == requests);
		if (cg_trace_stop_count() != requests) {
			errno = EINTR;
			return -1;
		}
	}
	return waitpid(-1, status, __WALL);
}

static int64_t tick_ns(const struct tracer *t)
{
	return (int64_t)(t->o->tick_ms ? t->o->tick_ms : 1000) * 1000000LL;
}

/* o->tick with the counts so far, when one is due. True when it asks a
 * trace of live processes to end (a command's trace goes on to its end). */
static bool tick_due(struct tracer *t)
{
	if (!t->o->tick || now_ns() - t->last_tick < tick_ns(t))
		return false;
	t->last_tick = now_ns();
	_cleanup_profile_ struct cg_profile *now = cg_profile_new();
	counts_into(t, now, NULL);
	if (t->o->tick(t->o->tick_data, now) == 0 || t->command)
		return false;
	detach_all(t);
	return true;
}

static void trace_loop(struct tracer *t)
{
	for (;;) {
		if (handle_stop_requests(t) || tick_due(t))
			return;
		if (t->o->cgroup && now_ns() - t->last_scan >= RESCAN_NS)
			rescan_cgroup(t);
		int status;
		pid_t tid = wait_any(t, &status);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			/* ECHILD: every tracee is gone; a cgroup's trace ends
			 * when nothing is left in it either. */
			if (t->o->cgroup && rescan_cgroup(t) > 0)
				continue;
			return;
		}
		if (WIFSTOPPED(status))
			on_stop(t, tid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			on_exit_status(t, tid, status);
	}
}

/* Runs the loop; for a cgroup or with o->tick, with a periodic SIGALRM
 * that wakes the wait for the next look at cgroup.procs or the next tick. */
static void run_loop(struct tracer *t)
{
	if (!t->o->cgroup && !t->o->tick) {
		trace_loop(t);
		return;
	}
	struct sigaction tick = {0}, old;
	tick.sa_handler = on_tick; /* no SA_RESTART: interrupt the wait */
	sigemptyset(&tick.sa_mask);
	sigaction(SIGALRM, &tick, &old);
	int64_t every_ns = t->o->cgroup ? RESCAN_NS : tick_ns(t);
	if (t->o->tick && tick_ns(t) < every_ns)
		every_ns = tick_ns(t);
	struct itimerval every = {
		{(time_t)(every_ns / 1000000000LL), (suseconds_t)(every_ns % 1000000000LL / 1000)},
		{(time_t)(every_ns / 1000000000LL), (suseconds_t)(every_ns % 1000000000LL / 1000)}};
	setitimer(ITIMER_REAL, &every, NULL);
	t->last_scan = t->last_tick = now_ns();
	trace_loop(t);
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
}

int cg_trace_ptrace(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r)
{
	struct tracer *t = xcalloc(1, sizeof(*t));
	_cleanup_free_ char *path = NULL; /* the command's; t->spawn points to it */
	int ret = 0;
	t->o = o;
	t->p = p;
	t->r = r;
	t->spawn = (struct cg_spawn){.pid = -1, .gate_fd = -1, .fail_fd = -1};
	cg_trace_result_init(r, CG_TRACE_PTRACE);
	t->handled_requests = t->base_requests = cg_trace_stop_count();
	t->spin = several_cpus();
	init_cannot_fail(t);
	/* Every call's arguments are read at the stop that counts it. */
	cg_evidence_input(cg_profile_evidence(p), CG_FACT_ALL);

	if (o->argv && o->argv[0]) {
		ret = cg_trace_find_command(o, &path, r);
		if (ret < 0)
			goto out;
		char why[512];
		if (o->warn && cg_trace_file_privileged(path, why, sizeof(why)))
			fprintf(o->warn,
				"callgroups: warning: %s; under ptrace it runs without those "
				"privileges (as under strace), so it may fail or act "
				"differently\n",
				why);
		t->command = true;
		ret = start_command(t, path, &r->error);
		if (ret < 0)
			goto out;
	} else {
		_cleanup_free_ pid_t *cg_pids = NULL;
		const pid_t *pids = o->pids;
		size_t n = o->n_pids;
		if (o->cgroup) {
			int k = cg_trace_cgroup_pids(o->cgroup, &cg_pids, &r->error);
			if (k < 0) {
				ret = k;
				goto out;
			}
			if (k == 0) {
				ret = -ESRCH;
				cg_error_set(&r->error, o->cgroup, 0,
					     "no process in this cgroup to trace");
				goto out;
			}
			pids = cg_pids;
			n = (size_t)k;
		}
		if (n == 0) {
			ret = -EINVAL;
			cg_error_set(&r->error, "", 0, "nothing to trace");
			goto out;
		}
		t->syscall_mode = true;
		for (size_t i = 0; i < n; i++) {
			int k = attach_process(t, pids[i]);
			/* A cgroup's process may end before we get to it. */
			if (k == -ESRCH && o->cgroup)
				continue;
			if (k < 0) {
				ret = k;
				cg_error_set(&r->error, "", 0, "cannot attach to process %d: %s",
					     (int)pids[i], strerror(-k));
				detach_all(t);
				goto out;
			}
		}
		if (o->warn)
			fprintf(o->warn,
				"callgroups: attached to %lu task%s; live processes are "
				"traced with two stops per call (no seccomp filter can be "
				"added to them), children they fork later too\n",
				r->tasks, r->tasks == 1 ? "" : "s");
		for (size_t i = 0; o->warn && i < n; i++)
			if (cg_trace_seccomp_filters(pids[i]) > 0) {
				fprintf(o->warn,
					"callgroups: process %d runs under a seccomp filter: "
					"calls it refuses are counted at their entry stops "
					"(as calls with errors when errors are counted), but "
					"not marked as refused\n",
					(int)pids[i]);
				break;
			}
	}
	run_loop(t);
	if (cg_trace_stop_count() != t->base_requests)
		alarm(0); /* the wake-up set by a stop request is no longer needed */
	/* The loop ended with every tracee reaped, the command's first
	 * process too: its failure report, if any, is there to read. */
	if (t->command && (ret = cg_trace_command_failure(&t->spawn, r)) < 0)
		goto out;
	counts_into(t, t->p, o->refused);
out:
	cg_spawn_done(&t->spawn);
	free(t->failed);
	free(t->tab);
	free(t);
	return ret;
}
