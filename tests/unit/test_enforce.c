/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The enforcing side: verdicts, exports, kernel log records, and the loaded
 * filters checked call by call against cg_filter_allows() with sysprobe. */
#include "testutil.h"

#include <errno.h>
#include <json-c/json.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdlib.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "enforce.h"
#include "filter.h"

static const struct cg_table *tab;

static void policy_from(struct cg_filter *f, const char *const *lines)
{
	cg_filter_init(f);
	struct cg_error e = {0};
	for (size_t i = 0; lines[i]; i++)
		assert_int_equal(cg_filter_add(f, tab, lines[i], &e), 0);
}

static struct cg_verdict verdict(const struct cg_policy *p, enum cg_abi abi, const char *call)
{
	return cg_policy_verdict(p, abi, cg_intern(call));
}

static void test_verdicts(void **state)
{
	(void)state;
	struct cg_filter f;
	policy_from(&f, (const char *[]){"@basic-io @file-system @process @signal", NULL});
	struct cg_policy p = {.filter = &f, .errno_action = CG_ERRNO_NONE};
	assert_int_equal(verdict(&p, CG_ABI_X86_64, "chown").kind, CG_VERDICT_KILL_PROCESS);
	assert_int_equal(verdict(&p, CG_ABI_I386, "chown32").kind, CG_VERDICT_KILL_PROCESS);
	assert_int_equal(verdict(&p, CG_ABI_X86_64, "openat").kind, CG_VERDICT_ALLOW);
	assert_int_equal(verdict(&p, CG_ABI_I386, "openat").kind, CG_VERDICT_ALLOW);
	/* Numbers libseccomp cannot name: denied by an allow-list. */
	assert_int_equal(cg_policy_verdict(&p, CG_ABI_X86_64, CG_NAME_NONE).kind,
			 CG_VERDICT_KILL_PROCESS);
	p.errno_action = EPERM;
	struct cg_verdict v = verdict(&p, CG_ABI_X86_64, "chown");
	assert_int_equal(v.kind, CG_VERDICT_ERRNO);
	assert_int_equal(v.err, EPERM);
	assert_string_equal(cg_verdict_name(v), "EPERM");
	/* SystemCallArchitectures=native: other ABIs' calls kill the thread,
	 * even calls the filter allows. */
	assert_int_equal(cg_archs_add(&p.archs, "native", &(struct cg_error){0}), 0);
	assert_int_equal(cg_policy_abis(&p), 1u << CG_ABI_X86_64);
	assert_int_equal(verdict(&p, CG_ABI_I386, "read").kind, CG_VERDICT_KILL_THREAD);
	assert_int_equal(verdict(&p, CG_ABI_X32, "read").kind, CG_VERDICT_KILL_THREAD);
	assert_int_equal(verdict(&p, CG_ABI_X86_64, "read").kind, CG_VERDICT_ALLOW);
	/* systemd never blocks the native ABI, even when it is not listed. */
	p.archs = (struct cg_archs){0};
	assert_int_equal(cg_archs_add(&p.archs, "x86", &(struct cg_error){0}), 0);
	assert_int_equal(cg_policy_abis(&p), (1u << CG_ABI_X86_64) | (1u << CG_ABI_I386));
	cg_filter_done(&f);

	/* A deny-list: the entry's own errno wins over SystemCallErrorNumber=. */
	policy_from(&f, (const char *[]){"~@chown", "~fchown:EACCES", "~lchown:kill", NULL});
	p = (struct cg_policy){.filter = &f, .errno_action = EPERM};
	v = verdict(&p, CG_ABI_X86_64, "chown");
	assert_int_equal(v.kind, CG_VERDICT_ERRNO);
	assert_int_equal(v.err, EPERM);
	v = verdict(&p, CG_ABI_X86_64, "fchown");
	assert_int_equal(v.err, EACCES);
	assert_int_equal(verdict(&p, CG_ABI_X86_64, "lchown").kind, CG_VERDICT_KILL_PROCESS);
	assert_int_equal(verdict(&p, CG_ABI_X86_64, "read").kind, CG_VERDICT_ALLOW);
	assert_int_equal(cg_policy_verdict(&p, CG_ABI_X86_64, CG_NAME_NONE).kind, CG_VERDICT_ALLOW);

	/* SystemCallLog=: logs only what the filter lets through. */
	struct cg_filter logf;
	cg_filter_init(&logf);
	logf.active = true;
	logf.allow_list = true;
	cg_set_add(logf.set, cg_intern("mlock"));
	cg_set_add(logf.set, cg_intern("fchown"));
	p.log = &logf;
	assert_true(cg_policy_logs(&p, CG_ABI_X86_64, cg_intern("mlock")));
	assert_false(cg_policy_logs(&p, CG_ABI_X86_64, cg_intern("fchown"))); /* denied */
	assert_false(cg_policy_logs(&p, CG_ABI_X86_64, cg_intern("read")));
	logf.allow_list = false; /* "~mlock fchown": log all but these */
	assert_false(cg_policy_logs(&p, CG_ABI_X86_64, cg_intern("mlock")));
	assert_true(cg_policy_logs(&p, CG_ABI_X86_64, cg_intern("read")));
	p.log = NULL;
	cg_filter_done(&logf);
	cg_filter_done(&f);

	/* A deny-list that denies nothing loads nothing. */
	policy_from(&f, (const char *[]){"~@chown", "@chown", NULL});
	p = (struct cg_policy){.filter = &f, .errno_action = CG_ERRNO_NONE};
	assert_false(cg_policy_active(&p));
	cg_filter_done(&f);
}

static void test_record_parse(void **state)
{
	(void)state;
	struct cg_seccomp_record r;
	/* As printed to /dev/kmsg by this kernel (6.18) when no audit daemon
	 * runs; and as auditd writes it. */
	const char *kmsg =
		"audit: type=1326 audit(1795398141.786:2): auid=4294967295 uid=0 gid=0 "
		"ses=4294967295 pid=12488 comm=\"k\" exe=\"/tmp/k\" sig=31 arch=c000003e "
		"syscall=92 compat=0 ip=0x7f4f45c284f7 code=0x80000000";
	assert_int_equal(cg_seccomp_record_parse(kmsg, &r), 0);
	assert_int_equal(r.pid, 12488);
	assert_int_equal(r.sig, 31);
	assert_int_equal(r.abi, CG_ABI_X86_64);
	assert_int_equal(r.nr, 92);
	assert_string_equal(cg_name_str(r.name), "chown");
	assert_string_equal(r.comm, "k");
	const char *audit =
		"type=SECCOMP msg=audit(1700000000.123:45): auid=1000 uid=1000 gid=1000 "
		"ses=3 subj=unconfined pid=777 comm=\"nginx\" exe=\"/usr/sbin/nginx\" "
		"sig=31 arch=40000003 syscall=212 compat=1 ip=0xf7f0 code=0x80000000";
	assert_int_equal(cg_seccomp_record_parse(audit, &r), 0);
	assert_int_equal(r.abi, CG_ABI_I386);
	assert_string_equal(cg_name_str(r.name), "chown32");
	const char *x32 = "audit: type=1326 audit(1.2:3): pid=9 comm=\"a\" sig=31 "
			  "arch=c000003e syscall=1073741916 compat=0";
	assert_int_equal(cg_seccomp_record_parse(x32, &r), 0);
	assert_int_equal(r.abi, CG_ABI_X32);
	assert_string_equal(cg_name_str(r.name), "chown");
	assert_int_equal(cg_seccomp_record_parse("audit: type=1400 apparmor=\"DENIED\"", &r),
			 -EINVAL);
	assert_int_equal(cg_seccomp_record_parse("audit: type=1326 pid=1 sig=31", &r), -EINVAL);
}

static void test_export_oci(void **state)
{
	(void)state;
	struct cg_filter f;
	policy_from(&f, (const char *[]){"@basic-io", NULL});
	struct cg_policy p = {.filter = &f, .errno_action = EPERM};
	assert_int_equal(cg_archs_add(&p.archs, "native", &(struct cg_error){0}), 0);
	char *s = NULL;
	assert_int_equal(cg_policy_export_oci(&p, &s, &(struct cg_error){0}), 0);
	json_object *o = json_tokener_parse(s);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(json_object_object_get(o, "defaultAction")),
			    "SCMP_ACT_ERRNO");
	assert_int_equal(json_object_get_int(json_object_object_get(o, "defaultErrnoRet")), EPERM);
	json_object *arches = json_object_object_get(o, "architectures");
	assert_int_equal(json_object_array_length(arches), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(arches, 0)),
			    "SCMP_ARCH_X86_64");
	json_object *rules = json_object_object_get(o, "syscalls");
	assert_int_equal(json_object_array_length(rules), 1);
	json_object *rule = json_object_array_get_idx(rules, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(rule, "action")),
			    "SCMP_ACT_ALLOW");
	/* The names are exactly the allowed set: @basic-io plus @default. */
	json_object *names = json_object_object_get(rule, "names");
	_cleanup_set_ struct cg_set *got = cg_set_new();
	for (size_t i = 0; i < json_object_array_length(names); i++)
		cg_set_add(got,
			   cg_intern(json_object_get_string(json_object_array_get_idx(names, i))));
	assert_true(cg_set_equal(got, f.set));
	assert_true(cg_set_has(got, cg_intern("read")));
	assert_true(cg_set_has(got, cg_intern("execve")));
	assert_false(cg_set_has(got, cg_intern("openat")));
	json_object_put(o);
	free(s);
	cg_filter_done(&f);

	/* Deny-list: one rule per action. */
	policy_from(&f, (const char *[]){"~@chown", "~fchown:EACCES", NULL});
	p = (struct cg_policy){.filter = &f, .errno_action = CG_ERRNO_NONE};
	assert_int_equal(cg_policy_export_oci(&p, &s, &(struct cg_error){0}), 0);
	o = json_tokener_parse(s);
	assert_string_equal(json_object_get_string(json_object_object_get(o, "defaultAction")),
			    "SCMP_ACT_ALLOW");
	assert_int_equal(json_object_array_length(json_object_object_get(o, "architectures")), 3);
	rules = json_object_object_get(o, "syscalls");
	assert_int_equal(json_object_array_length(rules), 2);
	bool seen_kill = false, seen_eacces = false;
	for (size_t i = 0; i < 2; i++) {
		rule = json_object_array_get_idx(rules, i);
		const char *act = json_object_get_string(json_object_object_get(rule, "action"));
		names = json_object_object_get(rule, "names");
		if (strcmp(act, "SCMP_ACT_ERRNO") == 0) {
			seen_eacces = true;
			assert_int_equal(
				json_object_get_int(json_object_object_get(rule, "errnoRet")),
				EACCES);
			assert_int_equal(json_object_array_length(names), 1);
			assert_string_equal(
				json_object_get_string(json_object_array_get_idx(names, 0)),
				"fchown");
		} else {
			seen_kill = true;
			assert_string_equal(act, "SCMP_ACT_KILL_PROCESS");
			assert_int_equal(json_object_array_length(names), cg_set_size(f.set) - 1);
		}
	}
	assert_true(seen_kill && seen_eacces);
	json_object_put(o);
	free(s);
	cg_filter_done(&f);
}

static void test_export_bpf(void **state)
{
	(void)state;
	struct cg_filter f;
	policy_from(&f, (const char *[]){"@basic-io", NULL});
	struct cg_policy p = {.filter = &f, .errno_action = CG_ERRNO_NONE};
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(cg_policy_export_bpf(&p, &buf, &len, &(struct cg_error){0}), 0);
	assert_true(len >= 4 * sizeof(struct sock_filter));
	assert_int_equal(len % sizeof(struct sock_filter), 0);
	/* Arch first: the program starts by loading seccomp_data.arch. */
	struct sock_filter first;
	memcpy(&first, buf, sizeof first);
	assert_int_equal(first.code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(first.k, 4);
	/* The last instruction returns the kill action of an allow-list
	 * somewhere: look for SECCOMP_RET_KILL_PROCESS among the returns. */
	bool kill = false;
	for (size_t i = 0; i < len / sizeof first; i++) {
		struct sock_filter ins;
		memcpy(&ins, buf + i * sizeof ins, sizeof ins);
		if (ins.code == (BPF_RET | BPF_K) && ins.k == 0x80000000u)
			kill = true;
	}
	assert_true(kill);
	free(buf);
	cg_filter_done(&f);
}

/* A filter kill is found among the kernel's audit records, with its call. */
static void test_watch_finds_kill(void **state)
{
	(void)state;
	struct cg_seccomp_watch w;
	int r = cg_seccomp_watch_open(&w);
	if (r < 0) {
		print_message("# neither the audit group nor /dev/kmsg is readable: %s\n",
			      strerror(-r));
		skip();
	}
	struct cg_filter f;
	policy_from(&f, (const char *[]){"~@chown", NULL});
	struct cg_policy p = {.filter = &f, .errno_action = CG_ERRNO_NONE};
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (cg_policy_load(&p, &(struct cg_error){0}) < 0)
			_exit(1);
		/* the raw call: libc's chown() might be fchownat() */
		syscall(cg_abi_resolve(CG_ABI_X86_64, "fchown"), -1, 0, 0);
		_exit(2);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	struct cg_seccomp_record rec;
	assert_int_equal(cg_seccomp_watch_find_kill(&w, pid, 2000, &rec), 0);
	assert_int_equal(rec.pid, pid);
	assert_int_equal(rec.abi, CG_ABI_X86_64);
	assert_string_equal(cg_name_str(rec.name), "fchown");
	/* Nothing for a pid that was not killed. */
	assert_int_equal(cg_seccomp_watch_find_kill(&w, getpid(), 100, &rec), -ENOENT);
	cg_seccomp_watch_close(&w);
	cg_filter_done(&f);
}

/* ---- call by call against the loaded filter ------------------------------ */

/* Calls that are harmless with every argument -1 (bad fd, bad pointer, huge
 * length): checked by hand on kernel 6.18 as root, where they fail with
 * EBADF/EFAULT/EINVAL/ENOSYS or succeed without changing anything (getpid,
 * setresuid(-1,...), flock(-1, ...)). Left out: anything that forks, kills,
 * exits, waits forever, reboots, or that sysprobe's own start needs (the
 * loader's mmap, openat, read, close, ...: kept allowed by every test
 * filter, see SURVIVE). */
static const char *const vetted[] = {
	"pread64",
	"readv",
	"preadv",
	"preadv2",
	"pwrite64",
	"writev",
	"pwritev",
	"pwritev2",
	"lseek",
	"_llseek",
	"dup",
	"dup2",
	"dup3",
	"fstat",
	"fstat64",
	"fstatat64",
	"statx",
	"fstatfs",
	"fstatfs64",
	"statfs",
	"statfs64",
	"getdents",
	"getdents64",
	"fchdir",
	"chdir",
	"chmod",
	"fchmod",
	"fchmodat",
	"chown",
	"chown32",
	"fchown",
	"fchown32",
	"lchown",
	"lchown32",
	"fchownat",
	"fcntl",
	"fcntl64",
	"ioctl",
	"flock",
	"fsync",
	"fdatasync",
	"ftruncate",
	"ftruncate64",
	"truncate",
	"truncate64",
	"mkdir",
	"mkdirat",
	"rmdir",
	"unlink",
	"unlinkat",
	"rename",
	"renameat",
	"renameat2",
	"link",
	"linkat",
	"symlink",
	"symlinkat",
	"readlink",
	"readlinkat",
	"faccessat",
	"faccessat2",
	"open",
	"creat",
	"utimensat",
	"utimes",
	"utime",
	"futimesat",
	"getcwd",
	"socket",
	"connect",
	"bind",
	"listen",
	"accept",
	"accept4",
	"sendto",
	"recvfrom",
	"sendmsg",
	"recvmsg",
	"sendmmsg",
	"recvmmsg",
	"shutdown",
	"getsockname",
	"getpeername",
	"setsockopt",
	"getsockopt",
	"socketpair",
	"socketcall",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"poll",
	"ppoll",
	"select",
	"_newselect",
	"pselect6",
	"timerfd_create",
	"timerfd_settime",
	"timerfd_gettime",
	"signalfd",
	"signalfd4",
	"inotify_init1",
	"inotify_add_watch",
	"inotify_rm_watch",
	"pipe",
	"pipe2",
	"setxattr",
	"lsetxattr",
	"fsetxattr",
	"getxattr",
	"lgetxattr",
	"fgetxattr",
	"listxattr",
	"flistxattr",
	"removexattr",
	"fremovexattr",
	"mount",
	"umount2",
	"umount",
	"swapon",
	"swapoff",
	"sethostname",
	"setdomainname",
	"settimeofday",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"init_module",
	"finit_module",
	"delete_module",
	"ptrace",
	"perf_event_open",
	"bpf",
	"setuid",
	"setuid32",
	"setgid",
	"setgid32",
	"setreuid",
	"setregid",
	"setresuid",
	"setresgid",
	"setgroups",
	"setgroups32",
	"setfsuid",
	"setfsgid",
	"capset",
	"capget",
	"chroot",
	"pivot_root",
	"unshare",
	"setns",
	"personality",
	"prctl",
	"getpriority",
	"setpriority",
	"sched_setscheduler",
	"sched_getscheduler",
	"sched_setparam",
	"sched_getparam",
	"sched_setaffinity",
	"sched_getaffinity",
	"sched_get_priority_max",
	"sched_rr_get_interval",
	"mlock",
	"mlock2",
	"munlock",
	"mlockall",
	"madvise",
	"msync",
	"mremap",
	"mincore",
	"nanosleep",
	"clock_nanosleep",
	"clock_gettime",
	"clock_getres",
	"sigaltstack",
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigpending",
	"rt_sigtimedwait",
	"uname",
	"sysinfo",
	"times",
	"getrusage",
	"getrlimit",
	"setrlimit",
	"ugetrlimit",
	"memfd_create",
	"keyctl",
	"add_key",
	"request_key",
	"io_setup",
	"io_destroy",
	"io_submit",
	"io_cancel",
	"io_getevents",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"msgctl",
	"msgsnd",
	"msgrcv",
	"semctl",
	"semop",
	"semtimedop",
	"shmat",
	"shmdt",
	"shmctl",
	"ipc",
	"mq_open",
	"mq_unlink",
	"mq_timedsend",
	"mq_timedreceive",
	"mq_notify",
	"mq_getsetattr",
	"kcmp",
	"process_vm_readv",
	"process_vm_writev",
	"name_to_handle_at",
	"open_by_handle_at",
	"quotactl",
	"fanotify_init",
	"fanotify_mark",
	"acct",
	"iopl",
	"ioperm",
	"mknod",
	"mknodat",
	"fallocate",
	"copy_file_range",
	"sendfile",
	"sendfile64",
	"splice",
	"tee",
	"vmsplice",
	"readahead",
	"fadvise64",
	"fadvise64_64",
	"sync_file_range",
	"syncfs",
	"timer_create",
	"timer_settime",
	"timer_gettime",
	"timer_getoverrun",
	"timer_delete",
	"getitimer",
	"setitimer",
	"waitid",
	"wait4",
	"futex",
	"getpgid",
	"setpgid",
	"getsid",
	"getpid",
	"getppid",
	"gettid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getresuid",
	"getresgid",
	"getgroups",
	"getpgrp",
	"sched_yield",
	"time",
	"gettimeofday",
	"seccomp",
	"pidfd_open",
	"pidfd_send_signal",
	"pidfd_getfd",
	"process_madvise",
	"close_range",
	"landlock_create_ruleset",
	"landlock_add_rule",
	"landlock_restrict_self",
	"membarrier",
	"userfaultfd",
	"migrate_pages",
	"move_pages",
	"mbind",
	"set_mempolicy",
	"get_mempolicy",
	"syslog",
	"getcpu",
	"sysfs",
	"fsopen",
	"fsconfig",
	"fsmount",
	"fspick",
	"move_mount",
	"open_tree",
	"mount_setattr",
	"epoll_pwait2",
	"futex_waitv",
	"quotactl_fd",
	"openat2",
};

/* What sysprobe's own start needs (dynamic loader, libc, write for its
 * output); every test filter ends with this line, which allows them in
 * either mode (a line without '~' adds to an allow-list and takes out of a
 * deny-list). */
#define SURVIVE                                                                                    \
	"execve exit_group exit write read openat open close mmap mprotect munmap newfstatat "     \
	"fstat brk arch_prctl set_tid_address set_robust_list rseq prlimit64 pread64 access "      \
	"getrandom"

/* errnos no vetted call returns by itself with these arguments. */
static const int odd_errnos[] = {EHWPOISON, ERFKILL, ENOTRECOVERABLE, EOWNERDEAD, EKEYREJECTED};

static bool abi_works(enum cg_abi abi)
{
	/* getpid through the ABI, without a filter: x32 may be disabled. */
	char prog[4096], arg[32];
	snprintf(prog, sizeof prog, "%s/progs/sysprobe", BUILD_DIR);
	snprintf(arg, sizeof arg, "getpid=%d", cg_abi_resolve(abi, "getpid") & ~CG_X32_SYSCALL_BIT);
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		execl(prog, prog, "-a", cg_abi_name(abi), arg, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char out[256] = {0};
	ssize_t n = read(fd[0], out, sizeof out - 1);
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return n > 0 && strstr(out, "allowed") != NULL;
}

/* Runs sysprobe for abi under p (loaded by the library in the child) and
 * returns its output (caller frees); *status gets the wait status. */
static char *probe(const struct cg_policy *p, enum cg_abi abi, bool merged, struct cg_set *probed,
		   int *status)
{
	/* merged: the one program of --export=bpf (and, with notifications
	 * for actions, of --complain) instead of systemd's stack. */
	char *prog_buf = NULL;
	size_t prog_len = 0;
	if (merged)
		assert_int_equal(
			cg_policy_export_bpf(p, &prog_buf, &prog_len, &(struct cg_error){0}), 0);
	char prog[4096];
	snprintf(prog, sizeof prog, "%s/progs/sysprobe", BUILD_DIR);
	char **argv = xcalloc(ELEMENTSOF(vetted) + 32, sizeof *argv);
	size_t n = 0;
	argv[n++] = xstrdup(prog);
	argv[n++] = xstrdup("-a");
	argv[n++] = xstrdup(cg_abi_name(abi));
	for (size_t i = 0; i < ELEMENTSOF(odd_errnos); i++)
		argv[n++] = xasprintf("-f%d", odd_errnos[i]);
	for (size_t i = 0; i < ELEMENTSOF(vetted); i++) {
		int nr = cg_abi_resolve(abi, vetted[i]);
		if (nr < 0)
			continue;
		argv[n++] = xasprintf("%s=%d", vetted[i], nr & ~CG_X32_SYSCALL_BIT);
		cg_set_add(probed, cg_intern(vetted[i]));
	}
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		struct cg_error e = {0};
		if (merged) {
			struct sock_fprog fp = {
				.len = (unsigned short)(prog_len / sizeof(struct sock_filter)),
				.filter = (struct sock_filter *)(void *)prog_buf,
			};
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
			    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
				_exit(125);
		} else if (cg_policy_load(p, &e) < 0) {
			_exit(126);
		}
		execv(prog, argv);
		_exit(127);
	}
	close(fd[1]);
	size_t cap = 65536, len = 0;
	char *out = xmalloc(cap);
	ssize_t r;
	while ((r = read(fd[0], out + len, cap - len - 1)) > 0)
		len += (size_t)r;
	out[len] = 0;
	close(fd[0]);
	waitpid(pid, status, 0);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	free(prog_buf);
	return out;
}

/* Checks every line of sysprobe's output against the verdict. */
static size_t check_output(const struct cg_policy *p, enum cg_abi abi, const char *out,
			   const struct cg_set *probed, const char *desc)
{
	size_t lines = 0;
	_cleanup_set_ struct cg_set *seen = cg_set_new();
	for (const char *l = out; *l;) {
		const char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		char name[64], kind[16], val[32];
		_cleanup_free_ char *line = xstrndup(l, ll);
		if (sscanf(line, "%63s %15s %31s", name, kind, val) != 3)
			fail_msg("%s: bad sysprobe line '%s'", desc, line);
		cg_name n = cg_intern(name);
		cg_set_add(seen, n);
		struct cg_verdict v = cg_policy_verdict(p, abi, n);
		if (v.kind == CG_VERDICT_ALLOW) {
			if (strcmp(kind, "filtered") == 0)
				fail_msg("%s: %s %s was filtered (%s) but the semantics allow it",
					 desc, cg_abi_name(abi), name, val);
		} else {
			assert_int_equal(v.kind, CG_VERDICT_ERRNO);
			if (strcmp(kind, "filtered") != 0 || strcmp(val, cg_errno_name(v.err)) != 0)
				fail_msg("%s: %s %s gave '%s %s', the semantics deny it with %s",
					 desc, cg_abi_name(abi), name, kind, val,
					 cg_errno_name(v.err));
		}
		lines++;
		l += ll + (nl ? 1 : 0);
	}
	if (!cg_set_equal(seen, probed))
		fail_msg("%s: sysprobe on %s stopped early after %zu calls", desc, cg_abi_name(abi),
			 lines);
	return lines;
}

static const char *random_word(const struct cg_table *t, unsigned *seed)
{
	if (rand_r(seed) % 10 < 4) {
		const struct cg_group *g = &t->groups[(size_t)rand_r(seed) % t->ngroups];
		return g->name;
	}
	return vetted[(size_t)rand_r(seed) % ELEMENTSOF(vetted)];
}

/* Random filters (seeded): groups and calls, '~' lines, ':errno' entries,
 * resets; the semantics must predict every probed call on every ABI. */
static void test_random_filters_call_by_call(void **state)
{
	(void)state;
	const unsigned seed0 = getenv("CG_SEED") ? (unsigned)atoi(getenv("CG_SEED")) : 20261123u;
	unsigned seed = seed0;
	print_message("# seed %u (set CG_SEED to repeat another)\n", seed0);
	enum cg_abi abis[CG_ABI_COUNT];
	size_t nabis = 0;
	for (int a = 0; a < CG_ABI_COUNT; a++) {
		if (abi_works(a))
			abis[nabis++] = a;
		else
			print_message("# %s system calls do not work on this kernel: not probed\n",
				      cg_abi_name(a));
	}
	assert_true(nabis >= 1);
	size_t total = 0, denied = 0;
	for (int iter = 0; iter < 40; iter++) {
		struct cg_filter f;
		cg_filter_init(&f);
		char desc[2048];
		size_t dl =
			(size_t)snprintf(desc, sizeof desc, "seed %u iteration %d:", seed0, iter);
		int nlines = 1 + rand_r(&seed) % 4;
		for (int li = 0; li < nlines; li++) {
			char line[512];
			size_t o = 0;
			bool invert = rand_r(&seed) % 2;
			if (li > 0 && rand_r(&seed) % 10 == 0) {
				line[0] = 0; /* reset */
			} else {
				if (invert)
					line[o++] = '~';
				int nw = 1 + rand_r(&seed) % 4;
				for (int w = 0; w < nw; w++) {
					o += (size_t)snprintf(line + o, sizeof line - o, "%s%s",
							      w ? " " : "",
							      random_word(tab, &seed));
					if (invert && rand_r(&seed) % 3 == 0)
						o += (size_t)snprintf(
							line + o, sizeof line - o, ":%s",
							cg_errno_name(
								odd_errnos[(size_t)rand_r(&seed) %
									   ELEMENTSOF(
										   odd_errnos)]));
				}
			}
			assert_int_equal(cg_filter_add(&f, tab, line, &(struct cg_error){0}), 0);
			dl += (size_t)snprintf(desc + dl, sizeof desc - dl, " '%s'", line);
		}
		assert_int_equal(cg_filter_add(&f, tab, SURVIVE, &(struct cg_error){0}), 0);
		struct cg_policy p = {
			.filter = &f,
			.errno_action = odd_errnos[(size_t)rand_r(&seed) % ELEMENTSOF(odd_errnos)],
		};
		for (size_t a = 0; a < 2 * nabis; a++) {
			enum cg_abi abi = abis[a / 2];
			bool merged = a % 2;
			_cleanup_set_ struct cg_set *probed = cg_set_new();
			int status;
			_cleanup_free_ char *out = probe(&p, abi, merged, probed, &status);
			char what[2200];
			snprintf(what, sizeof what, "%s (%s)", desc,
				 merged ? "the merged program" : "systemd's stack");
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				fail_msg("%s: sysprobe on %s ended with status 0x%x", what,
					 cg_abi_name(abi), status);
			total += check_output(&p, abi, out, probed, what);
			for (cg_name n = 0; cg_set_next(probed, &n); n++)
				denied += cg_policy_verdict(&p, abi, n).kind != CG_VERDICT_ALLOW;
		}
		cg_filter_done(&f);
	}
	print_message("# %zu calls probed, %zu of them denied\n", total, denied);
	/* The test means something only if both outcomes happened a lot. */
	assert_true(denied > total / 10);
	assert_true(denied < total - total / 10);
}

int main(void)
{
	tab = cg_table_builtin_newest();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_export_oci),
		cmocka_unit_test(test_export_bpf),
		cmocka_unit_test(test_watch_finds_kill),
		cmocka_unit_test(test_random_filters_call_by_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
