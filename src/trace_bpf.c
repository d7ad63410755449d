/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eBPF tracer backend: loads src/bpf/trace.bpf.c (through the skeleton
 * `bpftool gen skeleton` made of it), says which tasks to count, waits, and
 * turns the per-CPU counters into a profile. See trace_bpf.h for the
 * contract.
 *
 * Scope: a command, live process trees (-p) and their future children are
 * thread groups marked in a bitmap the fork/exit programs keep up to date; a
 * cgroup is matched in the kernel with bpf_current_task_under_cgroup() (the
 * cgroup and every cgroup below it, now and later). PIDs are those of the
 * initial PID namespace, so the backend refuses to run from another one. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/types.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace_bpf.h"

#include "abi.h"
#include "bpf/trace_bpf_shared.h"
#include "evidence.h"
#include "spawn.h"
#include "trace.skel.h"
#include "util.h"

_Static_assert(CG_BPF_ABI_X86_64 == CG_ABI_X86_64 && CG_BPF_ABI_I386 == CG_ABI_I386 &&
		       CG_BPF_ABI_X32 == CG_ABI_X32 && CG_BPF_ABIS == CG_ABI_COUNT,
	       "trace_bpf_shared.h ABI indices follow enum cg_abi");
_Static_assert(CG_BPF_X32_BIT == CG_X32_SYSCALL_BIT, "one x32 bit");

_Static_assert(CG_BPF_FACT_SOCKET_FAMILY == CG_FACT_SOCKET_FAMILY &&
		       CG_BPF_FACT_SOCKETPAIR_FAMILY == CG_FACT_SOCKETPAIR_FAMILY &&
		       CG_BPF_FACT_NAMESPACE == CG_FACT_NAMESPACE &&
		       CG_BPF_FACT_WX_MEMORY == CG_FACT_WX_MEMORY &&
		       CG_BPF_FACT_PERSONALITY == CG_FACT_PERSONALITY &&
		       CG_BPF_FACT_SCHED_POLICY == CG_FACT_SCHED_POLICY &&
		       CG_BPF_FACT_SETID_MODE == CG_FACT_SETID_MODE &&
		       CG_BPF_FACT_OPENAT2 == CG_FACT_OPENAT2 &&
		       CG_BPF_FACT_CLOCK == CG_FACT_CLOCK &&
		       CG_BPF_FACT_HOSTNAME == CG_FACT_HOSTNAME &&
		       CG_BPF_FACT_SYSLOG == CG_FACT_SYSLOG &&
		       CG_BPF_FACT_SYSCTL == CG_FACT_SYSCTL && CG_BPF_FACT_PATH == CG_FACT_PATH &&
		       CG_FACT_KIND_COUNT == 13,
	       "trace_bpf_shared.h fact kinds follow enum cg_fact_kind");
_Static_assert(CG_BPF_PATH_DEV_KMSG == CG_PATH_DEV_KMSG &&
		       CG_BPF_PATH_PROC_KMSG == CG_PATH_PROC_KMSG &&
		       CG_BPF_PATH_DEV_RTC_READ == CG_PATH_DEV_RTC_READ &&
		       CG_BPF_PATH_DEV_RTC_WRITE == CG_PATH_DEV_RTC_WRITE &&
		       CG_BPF_PATH_PROC_SYS_WRITE == CG_PATH_PROC_SYS_WRITE &&
		       CG_BPF_PATH_SYS_WRITE == CG_PATH_SYS_WRITE && CG_PATH_COUNT == 7,
	       "trace_bpf_shared.h path classes follow enum cg_fact_path");
_Static_assert(CG_BPF_PROT_WRITE == PROT_WRITE && CG_BPF_PROT_EXEC == PROT_EXEC &&
		       CG_BPF_SHM_EXEC == SHM_EXEC && CG_BPF_O_ACCMODE == O_ACCMODE &&
		       CG_BPF_O_CREAT == O_CREAT && CG_BPF_O_TRUNC == O_TRUNC &&
		       CG_BPF_S_ISUID == S_ISUID && CG_BPF_S_ISGID == S_ISGID,
	       "trace_bpf_shared.h flags are the libc's");
_Static_assert(CG_BPF_CLONE_NEWNS == CLONE_NEWNS && CG_BPF_CLONE_NEWCGROUP == CLONE_NEWCGROUP &&
		       CG_BPF_CLONE_NEWUTS == CLONE_NEWUTS && CG_BPF_CLONE_NEWIPC == CLONE_NEWIPC &&
		       CG_BPF_CLONE_NEWUSER == CLONE_NEWUSER &&
		       CG_BPF_CLONE_NEWPID == CLONE_NEWPID && CG_BPF_CLONE_NEWNET == CLONE_NEWNET,
	       "trace_bpf_shared.h namespace flags are the libc's");

/* How often the waits look at stop requests and at the live count. */
#define POLL_MS 50

/* libbpf's messages: the first warning since the last reset is kept to
 * explain a failed load (the later ones only say that the load failed);
 * CALLGROUPS_BPF_DEBUG=1 shows them all on stderr. */
static char libbpf_msg[1024];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static bool debug = false, debug_read = false;
	if (!debug_read) {
		const char *d = getenv("CALLGROUPS_BPF_DEBUG");
		debug = d && *d && strcmp(d, "0") != 0;
		debug_read = true;
	}
	if (debug) {
		va_list aq;
		va_copy(aq, ap);
		vfprintf(stderr, fmt, aq);
		va_end(aq);
	}
	if (level == LIBBPF_WARN && !libbpf_msg[0]) {
		char line[sizeof(libbpf_msg)];
		vsnprintf(line, sizeof(line), fmt, ap);
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(libbpf_msg, sizeof(libbpf_msg), "%s", line);
	}
	return 0;
}

static void trace_bpf_destroyp(struct trace_bpf **s)
{
	if (*s)
		trace_bpf__destroy(*s);
}
#define _cleanup_skel_ _cleanup_(trace_bpf_destroyp)

/* ---- a minimal BTF for our object, made once per kernel ----------------
 *
 * Loading with the kernel's BTF (/sys/kernel/btf/vmlinux, megabytes) costs
 * more than all the rest of a short trace: libbpf reads and parses it whole
 * for the few CO-RE relocations of the object (fields of task_struct and
 * pt_regs). `bpftool gen min_core_btf` keeps only the types those
 * relocations touch (under a kilobyte). It is made after the first trace on
 * a kernel, when bpftool is installed, and kept in BTF_CACHE_DIR under the
 * kernel's build id and a hash of the object, so that another kernel or
 * another build of callgroups makes its own; every later load reads it
 * instead. Without it (no build id, no bpftool, an unwritable directory, a
 * file that does not load) the full BTF serves, as before. */

#define BTF_CACHE_DIR "/var/cache/callgroups/btf"
#define KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* The kernel's GNU build id (an ELF note in /sys/kernel/notes) in hex, or
 * false when it has none. */
static bool kernel_build_id(char *hex, size_t len)
{
	unsigned char buf[4096];
	_cleanup_close_ int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	for (size_t off = 0; n > 0 && off + 12 <= (size_t)n;) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, buf + off, 4);
		memcpy(&descsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		size_t name = off + 12, desc = name + ((namesz + 3u) & ~3u);
		size_t next = desc + ((descsz + 3u) & ~3u);
		if (namesz > 64 || descsz > 64 || next > (size_t)n)
			return false;
		if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
		    memcmp(buf + name, "GNU", 4) == 0 && descsz > 0 && descsz * 2 < len) {
			for (uint32_t i = 0; i < descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", buf[desc + i]);
			return true;
		}
		off = next;
	}
	return false;
}

/* The cache file for this kernel and this object, or NULL when there is
 * none to have. CALLGROUPS_BTF_CACHE names another directory; set empty, it
 * turns the cache off (to measure, or to rule it out). */
static char *btf_cache_path(void)
{
	const char *dir = getenv("CALLGROUPS_BTF_CACHE");
	char id[129];
	if (!dir)
		dir = BTF_CACHE_DIR;
	if (!*dir || !kernel_build_id(id, sizeof(id)))
		return NULL;
	size_t sz;
	const unsigned char *obj = trace_bpf__elf_bytes(&sz);
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (size_t i = 0; i < sz; i++)
		h = (h ^ obj[i]) * 0x100000001b3ULL;
	return xasprintf("%s/%s-%016llx.btf", dir, id, (unsigned long long)h);
}

/* Whether the cached file may be used: a regular file that only root (or
 * we) can have written, as a directory anyone writes to could hold one
 * that misplaces every field. */
static bool btf_cache_trusted(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_uid == 0 || st.st_uid == geteuid()) && !(st.st_mode & 022);
}

/* Where the next trace's BTF is to be made (set by a load that had to read
 * the full BTF). */
static char *btf_cache_wanted;

static void btf_cache_wanted_free(void)
{
	free(btf_cache_wanted);
	btf_cache_wanted = NULL;
}

static void mkdir_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

/* Makes the cache file with bpftool; any failure leaves no file behind and
 * only means the full BTF is read again next time. */
static void btf_cache_make(void)
{
	_cleanup_free_ char *path = steal_pointer(&btf_cache_wanted);
	if (!path)
		return;
	mkdir_parents(path);
	_cleanup_free_ char *obj = xasprintf("%s.o.XXXXXX", path);
	_cleanup_free_ char *out = xasprintf("%s.XXXXXX", path);
	int ofd = mkostemp(obj, O_CLOEXEC);
	if (ofd < 0)
		return;
	size_t sz;
	const void *bytes = trace_bpf__elf_bytes(&sz);
	bool ok = write(ofd, bytes, sz) == (ssize_t)sz;
	close(ofd);
	int tfd = ok ? mkostemp(out, O_CLOEXEC) : -1;
	if (tfd >= 0)
		close(tfd);
	ok = tfd >= 0;
	if (ok) {
		/* /usr/sbin first: a root shell's PATH may lack it (env -i). */
		char *argv[] = {access("/usr/sbin/bpftool", X_OK) == 0 ? "/usr/sbin/bpftool"
								       : "bpftool",
				"gen",
				"min_core_btf",
				KERNEL_BTF,
				out,
				obj,
				NULL};
		size_t n;
		int code = 127;
		char *said = cg_spawn_capture(argv, NULL, &n, &code);
		ok = said && code == 0;
		free(said);
	}
	if (!(ok && chmod(out, 0644) == 0 && rename(out, path) == 0) && tfd >= 0)
		unlink(out);
	unlink(obj);
}

/* Opens and loads the programs, with the BTF file btf for CO-RE (NULL:
 * the kernel's). Returns the skeleton (caller destroys) or NULL with errno
 * set and why filled. */
static struct trace_bpf *skel_open_load(const char *btf, char *why, size_t len)
{
	libbpf_msg[0] = '\0';
	struct bpf_object_open_opts oo = {.sz = sizeof(oo), .btf_custom_path = btf};
	struct trace_bpf *s = trace_bpf__open_opts(&oo);
	if (!s) {
		int err = errno;
		snprintf(why, len, "cannot open the eBPF object: %s%s%s", strerror(err),
			 libbpf_msg[0] ? ": " : "", libbpf_msg);
		errno = err;
		return NULL;
	}
	int r = trace_bpf__load(s);
	if (r < 0) {
		snprintf(why, len, "cannot load the eBPF programs: %s%s%s%s", strerror(-r),
			 libbpf_msg[0] ? " (libbpf: " : "", libbpf_msg, libbpf_msg[0] ? ")" : "");
		trace_bpf__destroy(s);
		errno = -r;
		return NULL;
	}
	return s;
}

/* Loads with the cached minimal BTF when there is one, else (or when it
 * does not load) with the kernel's, and then asks for the cache file. */
static struct trace_bpf *skel_load(char *why, size_t len)
{
	libbpf_set_print(libbpf_print);
	_cleanup_free_ char *cache = btf_cache_path();
	struct trace_bpf *s = NULL;
	bool had = cache && btf_cache_trusted(cache);
	if (had && (s = skel_open_load(cache, why, len)))
		return s;
	s = skel_open_load(NULL, why, len);
	if (s && cache) {
		/* A file that did not load is made again. */
		if (had)
			unlink(cache);
		static bool registered;
		if (!registered)
			atexit(btf_cache_wanted_free);
		registered = true;
		free(btf_cache_wanted);
		btf_cache_wanted = steal_pointer(&cache);
	}
	return s;
}

/* The programs loaded by the availability check, kept for the trace that
 * usually follows: loading (parsing the kernel's BTF) is the larger part
 * of the cost of a short trace. */
static struct trace_bpf *preloaded;

static void preloaded_free(void)
{
	if (preloaded)
		trace_bpf__destroy(preloaded);
	preloaded = NULL;
}

/* 1 when a capability bit is set in /proc/self/status's CapEff. */
static bool cap_effective(unsigned cap)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v;
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			return cap < 64 && (v >> cap) & 1;
	}
	return false;
}

/* True when this process sees PIDs as the kernel (and BPF) does, i.e. runs
 * in the initial PID namespace, whose nsfs inode number is fixed
 * (PROC_PID_INIT_INO). NSpid would not do: in a container with its own
 * /proc it has one field too. */
static bool initial_pid_ns(void)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) < 0)
		return true; /* kernels without /proc/PID/ns: no PID namespaces */
	return st.st_ino == 0xEFFFFFFCu;
}

#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

static bool check_available(char *why, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux: %s)",
			 strerror(errno));
		return false;
	}
	bool admin = cap_effective(CAP_SYS_ADMIN_BIT);
	if (!(admin || cap_effective(CAP_BPF_BIT)) || !(admin || cap_effective(CAP_PERFMON_BIT))) {
		snprintf(why, len,
			 "loading eBPF tracing programs needs root (or CAP_BPF "
			 "and CAP_PERFMON)");
		return false;
	}
	if (!initial_pid_ns()) {
		snprintf(why, len,
			 "this process runs in a PID namespace other than the "
			 "initial one, where eBPF sees other PIDs");
		return false;
	}
	struct trace_bpf *s = skel_load(why, len);
	if (!s)
		return false;
	preloaded = s;
	atexit(preloaded_free);
	snprintf(why, len, "eBPF tracing available (kernel BTF, may load programs)");
	return true;
}

bool cg_trace_bpf_available(char *why, size_t len)
{
	/* Loading takes a few milliseconds; the answer does not change. */
	static int cached = -1;
	static char cached_why[512];
	if (cached < 0)
		cached = check_available(cached_why, sizeof(cached_why));
	if (why && len)
		snprintf(why, len, "%s", cached_why);
	return cached;
}

/* ---- the set of traced thread groups ---------------------------------- */

/* Marks tgid as traced; true when it was not yet. The bitmap and the live
 * count are shared with programs running on other CPUs: atomics only. */
static bool mark(struct trace_bpf *s, pid_t tgid)
{
	if (tgid <= 0 || (uint32_t)tgid >= CG_BPF_PID_MAX)
		return false;
	uint64_t bit = 1ULL << (tgid % 64);
	uint64_t old = __atomic_fetch_or(&s->bss->tracked[tgid / 64], bit, __ATOMIC_SEQ_CST);
	if (old & bit)
		return false;
	__atomic_fetch_add(&s->bss->live, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* Whoever clears a bit (this or the exit program) takes it off the count. */
static void unmark(struct trace_bpf *s, pid_t tgid)
{
	uint64_t bit = 1ULL << (tgid % 64);
	uint64_t old = __atomic_fetch_and(&s->bss->tracked[tgid / 64], ~bit, __ATOMIC_SEQ_CST);
	if (old & bit)
		__atomic_fetch_sub(&s->bss->live, 1, __ATOMIC_SEQ_CST);
}

static bool marked(struct trace_bpf *s, pid_t tgid)
{
	if (tgid <= 0 || (uint32_t)tgid >= CG_BPF_PID_MAX)
		return false;
	uint64_t w = __atomic_load_n(&s->bss->tracked[tgid / 64], __ATOMIC_SEQ_CST);
	return (w >> (tgid % 64)) & 1;
}

/* State and parent of a process from /proc/PID/stat; false when gone. */
static bool proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The command name may hold anything, ')' included: the last one ends it. */
	char *p = strrchr(buf, ')');
	int pp;
	char st;
	if (!p || sscanf(p + 1, " %c %d", &st, &pp) != 2)
		return false;
	*state = st;
	*ppid = pp;
	return true;
}

static bool proc_alive(pid_t pid)
{
	char st;
	pid_t pp;
	return proc_stat(pid, &st, &pp) && st != 'Z' && st != 'X' && st != 'x';
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static unsigned long count_dir_entries(const char *path)
{
	_cleanup_(closedirp) DIR *d = opendir(path);
	unsigned long n = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		if (de->d_name[0] != '.')
			n++;
	return n;
}

static unsigned long proc_threads(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	return count_dir_entries(path);
}

/* Marks the descendants of marked processes that exist now. A process that
 * forks after its parent is marked is caught by the fork program; one forked
 * by a not yet marked parent during the scan is found by the next round. */
static unsigned long mark_descendants(struct trace_bpf *s)
{
	unsigned long tasks = 0;
	for (bool changed = true; changed;) {
		changed = false;
		_cleanup_(closedirp) DIR *d = opendir("/proc");
		for (struct dirent *de; d && (de = readdir(d));) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			pid_t pid = (pid_t)strtol(de->d_name, NULL, 10), ppid;
			char st;
			if (marked(s, pid) || !proc_stat(pid, &st, &ppid) || !marked(s, ppid))
				continue;
			if (mark(s, pid)) {
				changed = true;
				if (!proc_alive(pid))
					unmark(s, pid);
				else
					tasks += proc_threads(pid);
			}
		}
	}
	return tasks;
}

/* ---- waiting ------------------------------------------------------------ */

static void wait_ms(int ms)
{
	poll(NULL, 0, ms); /* EINTR on a stop signal is what we want */
}

static int read_counts(struct trace_bpf *s, __u32 base, struct cg_profile *p,
		       struct cg_profile *refused, struct cg_error *e);

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* o->tick with the counts so far, when one is due: true when it asks the
 * trace to end. A snapshot that cannot be read is skipped, not fatal. */
static bool tick_due(const struct cg_trace_opts *o, struct trace_bpf *s, double *last)
{
	unsigned every = o->tick_ms ? o->tick_ms : 1000;
	if (!o->tick || mono_ms() - *last < every)
		return false;
	*last = mono_ms();
	_cleanup_profile_ struct cg_profile *now = cg_profile_new();
	struct cg_error e = {0};
	if (read_counts(s, 0, now, NULL, &e) < 0)
		return false;
	return o->tick(o->tick_data, now) != 0;
}

/* Polls until a stop request, until done(arg) says the traced tasks are
 * gone, or until o's tick asks to end. Returns the stop signal or 0. */
static int wait_until(bool (*done)(struct trace_bpf *, const char *), struct trace_bpf *s,
		      const char *arg, unsigned base, const struct cg_trace_opts *o)
{
	double last = mono_ms();
	for (;;) {
		if (cg_trace_stop_count() != base)
			return cg_trace_stop_signal();
		if (done(s, arg) || tick_due(o, s, &last))
			return 0;
		wait_ms(POLL_MS);
	}
}

static bool none_live(struct trace_bpf *s, const char *arg)
{
	(void)arg;
	return __atomic_load_n(&s->bss->live, __ATOMIC_SEQ_CST) <= 0;
}

static bool cgroup_gone(struct trace_bpf *s, const char *dir)
{
	(void)s;
	struct stat st;
	return stat(dir, &st) < 0;
}

/* ---- the command ---------------------------------------------------------- */

/* In the command, just before execve: it marks itself, so the execve is
 * its first call counted, as with the ptrace backend. Marking from here
 * rather than from the parent leaves nothing of the start (the wait at a
 * start gate, closing its pipe) in the counts; the map is shared with the
 * child (MAP_SHARED survives fork), and the mark is an atomic operation on
 * it: async-signal-safe. */
static int mark_self(void *data, struct cg_error *e)
{
	(void)e;
	mark(data, getpid());
	return 0;
}

/* Starts the command at path. Returns 0 with sp filled, or a negative
 * errno with e set. */
static int start_command(struct trace_bpf *s, const char *path, char *const *argv,
			 struct cg_spawn *sp, struct cg_error *e)
{
	struct cg_spawn_opts so = {.path = path, .argv = argv, .prepare = mark_self, .data = s};
	return cg_spawn_start(&so, sp, e);
}

/* Kills every traced process: the answer to a second stop request. */
static void kill_traced(struct trace_bpf *s)
{
	for (uint32_t w = 0; w < CG_BPF_PID_MAX / 64; w++) {
		uint64_t bits = __atomic_load_n(&s->bss->tracked[w], __ATOMIC_SEQ_CST);
		for (; bits; bits &= bits - 1)
			kill((pid_t)(w * 64 + (uint32_t)__builtin_ctzll(bits)), SIGKILL);
	}
}

/* Waits for the command and what it left running (as ptrace -f does),
 * passing on the stop signals another process sent us; a second request
 * kills them all (the terminal's reached them already). Returns the stop
 * signal or 0. */
static int wait_command(struct trace_bpf *s, pid_t pid, unsigned base, int *exit_status, FILE *warn,
			const char *name)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool running = true, killed = false;
	unsigned handled = base;
	int stop = 0;
	while (running || !none_live(s, NULL)) {
		unsigned n = cg_trace_stop_count();
		if (n != handled) {
			stop = cg_trace_stop_signal();
			for (int sig; (sig = cg_trace_take_forward());)
				if (running)
					kill(pid, sig);
			if (n - base >= 2 && !killed) {
				kill_traced(s);
				killed = true;
			}
			handled = n;
		}
		if (running) {
			int st;
			pid_t w = waitpid(pid, &st, WNOHANG);
			if (w == pid || (w < 0 && errno == ECHILD)) {
				if (w == pid)
					*exit_status = cg_spawn_exit_code(st);
				running = false;
				if (pidfd >= 0)
					close(pidfd);
				pidfd = -1;
				if (warn && !none_live(s, NULL))
					fprintf(warn,
						"callgroups: %s ended; tracing the processes "
						"it left until they end\n",
						name);
				continue;
			}
		}
		if (pidfd >= 0) {
			struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
			poll(&pfd, 1, POLL_MS);
		} else {
			wait_ms(POLL_MS);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return stop;
}

/* ---- results -------------------------------------------------------------- */

/* The name of nr on abi; numbers no table knows get strace's name for them
 * ("syscall_0x3e7"), so they are kept and reported, not lost. */
static cg_name syscall_name(enum cg_abi abi, long nr)
{
	cg_name n = cg_abi_syscall_name(abi, nr);
	if (n != CG_NAME_NONE)
		return n;
	char buf[64];
	snprintf(buf, sizeof(buf), "syscall_%#lx", (unsigned long)nr);
	return cg_intern(buf);
}

static void add_counts(struct cg_profile *p, struct cg_profile *refused, enum cg_abi abi, long nr,
		       const struct cg_bpf_count *c)
{
	uint64_t calls = c->calls, errors = c->errors;
	/* A call that was under way when tracing began, and failed after, has
	 * an error and no entry: it was made all the same. */
	if (calls < errors)
		calls = errors;
	cg_profile_add(p, abi, syscall_name(abi, nr), calls, errors);
	if (refused && c->refused)
		cg_profile_add(refused, abi, syscall_name(abi, nr), c->refused, c->refused);
}

/* The counts from slot base (0: the traced tasks'; CG_BPF_MANAGER_BASE:
 * the service manager's) into p, and the refused ones into refused too. */
static int read_counts(struct trace_bpf *s, __u32 base, struct cg_profile *p,
		       struct cg_profile *refused, struct cg_error *e)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		cg_error_set(e, "", 0, "cannot tell the number of CPUs: %s", strerror(-ncpu));
		return ncpu < 0 ? ncpu : -EINVAL;
	}
	/* All slots, each with one value per CPU: one batched lookup (3072
	 * lookups had made a trace 10 ms longer), slot by slot on kernels
	 * without batch operations for arrays (before 5.6). */
	_cleanup_free_ struct cg_bpf_count *v =
		xcalloc((size_t)CG_BPF_SLOTS * (size_t)ncpu, sizeof(*v));
	_cleanup_free_ __u32 *keys = xcalloc(CG_BPF_SLOTS, sizeof(*keys));
	int fd = bpf_map__fd(s->maps.counts);
	__u32 n = CG_BPF_SLOTS, in_batch = base, out_batch = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, batch_opts);
	bool batched = bpf_map_lookup_batch(fd, base ? &in_batch : NULL, &out_batch, keys, v, &n,
					    &batch_opts) == 0 ||
		       (errno == ENOENT && n == CG_BPF_SLOTS);
	for (__u32 key = 0; key < CG_BPF_SLOTS; key++) {
		const struct cg_bpf_count *cpu = v + (size_t)key * (size_t)ncpu;
		__u32 slot = base + key;
		if (batched) {
			if (keys[key] != slot) {
				cg_error_set(e, "", 0,
					     "reading the eBPF counters: slot %u came back as %u",
					     slot, keys[key]);
				return -EIO;
			}
		} else if (bpf_map_lookup_elem(fd, &slot, v) < 0) {
			int err = errno;
			cg_error_set(e, "", 0, "reading the eBPF counters: %s", strerror(err));
			return -err;
		} else {
			cpu = v;
		}
		struct cg_bpf_count sum = {0};
		for (int c = 0; c < ncpu; c++) {
			sum.calls += cpu[c].calls;
			sum.errors += cpu[c].errors;
			sum.refused += cpu[c].refused;
		}
		if (!sum.calls && !sum.errors)
			continue;
		enum cg_abi abi = (enum cg_abi)(key / CG_BPF_NR_SLOTS);
		long nr = key % CG_BPF_NR_SLOTS;
		if (abi == CG_ABI_X32)
			nr |= CG_X32_SYSCALL_BIT;
		add_counts(p, refused, abi, nr, &sum);
	}
	fd = bpf_map__fd(s->maps.other);
	struct cg_bpf_other_key k, next;
	struct cg_bpf_count c;
	for (int r = bpf_map_get_next_key(fd, NULL, &next); r == 0;
	     r = bpf_map_get_next_key(fd, &k, &next)) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &c) == 0 && k.abi < CG_BPF_ABIS &&
		    k.manager == (base != 0))
			add_counts(p, refused, (enum cg_abi)k.abi, k.nr, &c);
	}
	return 0;
}

/* ---- scopes ---------------------------------------------------------------- */

/* Tasks in the cgroup and the cgroups below it now: the lines of each
 * cgroup.threads. Only a count for the report, so errors count nothing. */
static unsigned long cgroup_threads(const char *dir, unsigned depth)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.threads", dir);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long n = 0;
	int c;
	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	_cleanup_(closedirp) DIR *d = depth < 64 ? opendir(dir) : NULL;
	for (struct dirent *de; d && (de = readdir(d));) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
		n += cgroup_threads(sub, depth + 1);
	}
	return n;
}

static int set_cgroup(struct trace_bpf *s, const char *dir, unsigned long *tasks,
		      struct cg_error *e)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	if (fd < 0) {
		int err = errno;
		cg_error_set(e, dir, 0, "cannot open the cgroup: %s", strerror(err));
		return -err;
	}
	if (fstatfs(fd, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		cg_error_set(e, dir, 0,
			     "not a cgroup v2 directory (the eBPF backend "
			     "matches tasks by their cgroup v2)");
		return -EINVAL;
	}
	__u32 key = 0, val = (__u32)fd;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.cgroup), &key, &val, BPF_ANY) < 0) {
		int err = errno;
		cg_error_set(e, dir, 0, "cannot hand the cgroup to eBPF: %s", strerror(err));
		return -err;
	}
	*tasks += cgroup_threads(dir, 0);
	return 0;
}

/* The thread group of a thread id (-p may name any thread, as with ptrace),
 * or -1 when there is no such task. */
static pid_t proc_tgid(pid_t pid)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		int tgid;
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			return tgid;
	}
	return -1;
}

static int set_pids(struct trace_bpf *s, const pid_t *pids, size_t n, unsigned long *tasks,
		    struct cg_error *e)
{
	_cleanup_free_ pid_t *tgids = xcalloc(n, sizeof(*tgids));
	for (size_t i = 0; i < n; i++) {
		tgids[i] = proc_tgid(pids[i]);
		if (tgids[i] <= 0 || !proc_alive(tgids[i])) {
			cg_error_set(e, "", 0, "no such process: %d", (int)pids[i]);
			return -ESRCH;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (mark(s, tgids[i])) {
			/* It may have ended between the check and the mark. */
			if (!proc_alive(tgids[i]))
				unmark(s, tgids[i]);
			else
				*tasks += proc_threads(tgids[i]);
		}
	}
	*tasks += mark_descendants(s);
	return 0;
}

/* ---- argument evidence ------------------------------------------------------ */

/* The bpf decoder of each call (evidence.h's, renumbered for the program). */
static __u8 bpf_decoder(enum cg_call_decoder d)
{
	switch (d) {
	case CG_DEC_NONE:
		return CG_BPF_EV_NONE;
	case CG_DEC_SOCKET:
		return CG_BPF_EV_SOCKET;
	case CG_DEC_SOCKETPAIR:
		return CG_BPF_EV_SOCKETPAIR;
	case CG_DEC_CLONE:
		return CG_BPF_EV_CLONE;
	case CG_DEC_CLONE3:
		return CG_BPF_EV_CLONE3;
	case CG_DEC_UNSHARE:
		return CG_BPF_EV_UNSHARE;
	case CG_DEC_SETNS:
		return CG_BPF_EV_SETNS;
	case CG_DEC_MMAP:
		return CG_BPF_EV_MMAP;
	case CG_DEC_MPROTECT:
		return CG_BPF_EV_MPROTECT;
	case CG_DEC_SHMAT:
		return CG_BPF_EV_SHMAT;
	case CG_DEC_PERSONALITY:
		return CG_BPF_EV_PERSONALITY;
	case CG_DEC_SCHED_SETSCHEDULER:
		return CG_BPF_EV_SCHED_SETSCHEDULER;
	case CG_DEC_SCHED_SETATTR:
		return CG_BPF_EV_SCHED_SETATTR;
	case CG_DEC_MODE1:
		return CG_BPF_EV_MODE1;
	case CG_DEC_MODE2:
		return CG_BPF_EV_MODE2;
	case CG_DEC_CREAT:
		return CG_BPF_EV_CREAT;
	case CG_DEC_OPEN:
		return CG_BPF_EV_OPEN;
	case CG_DEC_OPENAT:
		return CG_BPF_EV_OPENAT;
	case CG_DEC_OPENAT2:
		return CG_BPF_EV_OPENAT2;
	case CG_DEC_CLOCK:
		return CG_BPF_EV_CLOCK;
	case CG_DEC_HOSTNAME:
		return CG_BPF_EV_HOSTNAME;
	case CG_DEC_SYSLOG:
		return CG_BPF_EV_SYSLOG;
	case CG_DEC_SYSCTL:
		return CG_BPF_EV_SYSCTL;
	}
	return CG_BPF_EV_NONE;
}

/* Tells the program which (ABI, number) shows which facts. */
static void set_decoders(struct trace_bpf *s)
{
	for (unsigned abi = 0; abi < CG_ABI_COUNT; abi++)
		for (long nr = 0; nr < CG_BPF_NR_SLOTS; nr++) {
			long raw = abi == CG_ABI_X32 ? nr | CG_X32_SYSCALL_BIT : nr;
			cg_name n = cg_abi_syscall_name((enum cg_abi)abi, raw);
			const char *str = n == CG_NAME_NONE ? NULL : cg_name_str(n);
			__u8 d = str ? bpf_decoder(cg_evidence_call_decoder(str, strlen(str))) : 0;
			s->bss->ev_decoder[abi * CG_BPF_NR_SLOTS + nr] = d;
			if (d)
				s->bss->ev_any[nr] = 1;
		}
}

/* Adds the facts the program recorded to ev. */
static void read_facts(struct trace_bpf *s, struct cg_evidence *ev)
{
	int fd = bpf_map__fd(s->maps.facts);
	struct cg_bpf_fact_key k, next;
	struct cg_bpf_fact f;
	for (int r = bpf_map_get_next_key(fd, NULL, &next); r == 0;
	     r = bpf_map_get_next_key(fd, &k, &next)) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &f) < 0 || k.abi >= CG_BPF_ABIS ||
		    k.kind >= CG_FACT_KIND_COUNT || k.nr >= CG_BPF_NR_SLOTS)
			continue;
		long raw = k.abi == CG_ABI_X32 ? (long)k.nr | CG_X32_SYSCALL_BIT : (long)k.nr;
		cg_name n = cg_abi_syscall_name((enum cg_abi)k.abi, raw);
		if (n == CG_NAME_NONE)
			continue;
		char comm[17];
		memcpy(comm, f.comm, 16);
		comm[16] = '\0';
		cg_evidence_add(ev, (enum cg_abi)k.abi, (enum cg_fact_kind)k.kind, n, k.value,
				f.count, (int32_t)f.pid, comm);
	}
}

/* The exit program is attached without errors counted too: calls that a
 * seccomp filter refuses never reach sys_enter, only sys_exit. */
static int attach(struct trace_bpf *s, bool count_errors, struct cg_error *e)
{
	s->bss->count_errors = count_errors;
	bool manager = s->bss->manager_apart;
	/* Follow the tree first, count after: no fork between the two is
	 * missed. */
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} order[] = {
		{s->progs.cg_fork, &s->links.cg_fork},
		{s->progs.cg_exit, &s->links.cg_exit},
		{manager ? s->progs.cg_exec : NULL, &s->links.cg_exec},
		{s->progs.cg_sys_exit, &s->links.cg_sys_exit},
		{s->progs.cg_sys_enter, &s->links.cg_sys_enter},
	};
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		if (!order[i].prog)
			continue;
		struct bpf_link *l = bpf_program__attach(order[i].prog);
		if (!l) {
			int err = errno;
			cg_error_set(e, "", 0, "cannot attach %s: %s",
				     bpf_program__name(order[i].prog), strerror(err));
			return -err;
		}
		*order[i].link = l;
	}
	return 0;
}

static void detach(struct trace_bpf *s)
{
	struct bpf_link **links[] = {&s->links.cg_sys_enter, &s->links.cg_sys_exit,
				     &s->links.cg_fork, &s->links.cg_exit, &s->links.cg_exec};
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		bpf_link__destroy(*links[i]);
		*links[i] = NULL;
	}
}

/* Said once every program is attached: from here on no call is missed
 * (tests wait for this line). */
static void attached_note(FILE *warn, unsigned long tasks, const char *which)
{
	if (warn)
		fprintf(warn,
			"callgroups: attached to %lu task%s %s (bpf: counted in the "
			"kernel, no stops), and to the processes they start later\n",
			tasks, tasks == 1 ? "" : "s", which);
}

int cg_trace_bpf(const struct cg_trace_opts *o, struct cg_profile *p, struct cg_trace_result *r)
{
	cg_trace_result_init(r, CG_TRACE_BPF);

	int scopes = !!o->argv + !!o->n_pids + !!o->cgroup;
	if (scopes != 1 || (o->argv && !o->argv[0])) {
		cg_error_set(&r->error, "", 0, "trace exactly one of: a command, PIDs, a cgroup");
		return -EINVAL;
	}
	char why[512];
	if (!cg_trace_bpf_available(why, sizeof(why))) {
		cg_error_set(&r->error, "", 0, "eBPF backend unavailable: %s", why);
		return -EOPNOTSUPP;
	}
	_cleanup_skel_ struct trace_bpf *s =
		preloaded ? steal_pointer(&preloaded) : skel_load(why, sizeof(why));
	if (!s) {
		int err = errno ? errno : EINVAL;
		cg_error_set(&r->error, "", 0, "%s", why);
		return -err;
	}
	unsigned long tasks = 0;
	unsigned base = cg_trace_stop_count();
	int ret;
	_cleanup_free_ char *path = NULL; /* the command's; sp points to it */
	if (o->argv && (ret = cg_trace_find_command(o, &path, r)) < 0)
		return ret;
	s->bss->scope = o->cgroup ? CG_BPF_SCOPE_CGROUP : CG_BPF_SCOPE_PIDS;
	s->bss->all_seen = o->argv != NULL;
	s->bss->manager_apart = o->cgroup && o->manager;
	/* Live processes and cgroups may hold tasks under a filter already; a
	 * command only when we run under one (it inherits it). */
	s->bss->filters_seen = !o->argv || cg_trace_seccomp_filters(0) != 0;
	if (o->cgroup && (ret = set_cgroup(s, o->cgroup, &tasks, &r->error)) < 0)
		return ret;
	if (o->cgroup && tasks == 0 && o->warn)
		fprintf(o->warn,
			"callgroups: no process in %s yet; tracing those that "
			"start there\n",
			o->cgroup);
	set_decoders(s);
	if ((ret = attach(s, o->count_errors, &r->error)) < 0)
		return ret;
	_cleanup_(cg_spawn_done) struct cg_spawn sp = {.pid = -1, .gate_fd = -1, .fail_fd = -1};
	if (o->argv && (ret = start_command(s, path, o->argv, &sp, &r->error)) < 0)
		return ret;

	if (o->argv) {
		tasks = 1;
		if (o->warn && cg_trace_seccomp_filters(0) > 0)
			fprintf(o->warn,
				"callgroups: the command runs under a seccomp filter it "
				"inherited: refused calls are counted at their sys_exit\n");
		r->stop_signal =
			wait_command(s, sp.pid, base, &r->exit_status, o->warn, o->argv[0]);
		/* wait_command() reaped it: its failure report is there to read. */
		if ((ret = cg_trace_command_failure(&sp, r)) < 0)
			return ret;
	} else if (o->n_pids) {
		if ((ret = set_pids(s, o->pids, o->n_pids, &tasks, &r->error)) < 0)
			return ret;
		attached_note(o->warn, tasks, "and their descendants");
		r->stop_signal = wait_until(none_live, s, NULL, base, o);
	} else {
		attached_note(o->warn, tasks, "of the cgroup");
		r->stop_signal = wait_until(cgroup_gone, s, o->cgroup, base, o);
	}
	detach(s);
	btf_cache_make();

	r->tasks = tasks + __atomic_load_n(&s->bss->forks, __ATOMIC_SEQ_CST);
	r->lost = __atomic_load_n(&s->bss->lost, __ATOMIC_SEQ_CST) +
		  __atomic_load_n(&s->bss->ev_lost, __ATOMIC_SEQ_CST);
	struct cg_evidence *ev = cg_profile_evidence(p);
	read_facts(s, ev);
	/* sys_enter saw every argument it decodes (calls another seccomp
	 * filter refuses never reach it: see DESIGN.md). */
	cg_evidence_input(ev, CG_FACT_ALL);
	if (s->bss->manager_apart &&
	    (ret = read_counts(s, CG_BPF_MANAGER_BASE, o->manager, NULL, &r->error)) < 0)
		return ret;
	return read_counts(s, 0, p, o->refused, &r->error);
}
