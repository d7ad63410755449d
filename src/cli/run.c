/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups run: run a command under the filter systemd would build, or
 * only report what it would deny (--complain); export the filter. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "cli.h"
#include "spawn.h"
#include "enforce.h"
#include "recommend.h"
#include "unitfile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: callgroups run [OPTIONS] -- COMMAND [ARGS...]\n"
		"       callgroups run [OPTIONS] --export=bpf|oci FILE [-- COMMAND [ARGS...]]\n\n"
		"Run COMMAND under the seccomp filters systemd would load for these settings\n"
		"(SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=), with\n"
		"no_new_privs set. A call the filter kills is named with its groups, from the\n"
		"kernel's seccomp audit record (audit netlink group, else /dev/kmsg).\n\n"
		"  --filter LINE          a SystemCallFilter= value; repeat for more lines, in order\n"
		"  --errno=NAME           SystemCallErrorNumber= (EPERM, a number, or kill)\n"
		"  --architectures=LIST   SystemCallArchitectures= (native, x86-64, x86, x32)\n"
		"  --log LINE             a SystemCallLog= value: calls the filter lets through\n"
		"                         are logged by the kernel; the command's own are counted\n"
		"  --unit UNIT            take the settings from a unit (name on the search path,\n"
		"                         or a file path); --filter and friends are applied after\n"
		"  --systemd=SPEC         group table: auto, a version (%s) or a file\n"
		"  --complain             deny nothing: stop only the calls the filter would deny,\n"
		"                         let them go on, and report them with counts at the end;\n"
		"                         covers every process the command starts, and returns\n"
		"                         when all of them are gone\n"
		"  --report=FILE          write the --complain report to FILE (default stderr)\n"
		"  --export=bpf FILE      write the filter as one raw BPF program\n"
		"  --export=oci FILE      write it as OCI seccomp JSON (podman, docker, runc, crun)\n"
		"  -h, --help             show this help\n\n"
		"Exit status: the command's own; 128+N when a signal N killed it, so 159\n"
		"(128+SIGSYS) when the filter killed it; 127 when it could not be started; 2 for\n"
		"usage errors; 3 when the filter could not be set up.\n\n"
		"Examples:\n"
		"  callgroups run --filter '@system-service' --filter '~@privileged @resources' \\\n"
		"      --architectures=native -- nginx -g 'daemon off;'\n"
		"  callgroups run --unit nginx.service --complain -- /usr/sbin/nginx\n"
		"  callgroups run --filter '@system-service' --export=oci seccomp.json\n",
		cg_table_builtin_list());
}

/* ---- the command ---------------------------------------------------------- */

/* What the child reports through its close-on-exec pipe when it fails
 * before the command runs. */
struct child_failure {
	int exec_failed; /* 1: execve() itself failed */
	int err;
	char msg[600];
};

_noreturn_ static void child_fail(int pipe_fd, int exec_failed, int err, const char *msg)
{
	struct child_failure cf = {.exec_failed = exec_failed, .err = err};
	snprintf(cf.msg, sizeof cf.msg, "%s", msg);
	ssize_t w = write(pipe_fd, &cf, sizeof cf);
	(void)w;
	_exit(127);
}

/* complain mode: the listener reaches the parent through a thread of the
 * child that runs without the filter. The filter is loaded by the main
 * thread only (no TSYNC), so the helper's own calls are never stopped; the
 * main thread's next calls may be stopped, but the helper hands the
 * listener over regardless, and the supervisor then answers them. */
static atomic_int listener = -1;
static int listener_sock = -1;

/* One byte plus room for one file descriptor: the message that carries
 * the listener fd from the child to the parent (SCM_RIGHTS). */
struct fd_msg {
	char byte;
	struct iovec iov;
	struct msghdr msg;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u; /* last: clang sees CMSG_SPACE as not constant */
};

static void fd_msg_init(struct fd_msg *m)
{
	*m = (struct fd_msg){.byte = 'L'};
	m->iov = (struct iovec){.iov_base = &m->byte, .iov_len = 1};
	m->msg = (struct msghdr){
		.msg_iov = &m->iov,
		.msg_iovlen = 1,
		.msg_control = m->u.buf,
		.msg_controllen = sizeof m->u.buf,
	};
}

static void *hand_over(void *arg)
{
	(void)arg;
	while (atomic_load(&listener) < 0) {
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
	int fd = atomic_load(&listener);
	struct fd_msg m;
	fd_msg_init(&m);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(listener_sock, &m.msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	return NULL;
}

static int recv_fd(int sock)
{
	struct fd_msg m;
	fd_msg_init(&m);
	ssize_t n;
	while ((n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m.msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

_noreturn_ static void child_run(const struct cg_policy *p, bool complain, int sock,
				 int fail_fd, const char *path, char **argv)
{
	struct cg_error e = {0};
	char buf[1024];
	/* The parent ignores SIGINT and SIGQUIT while the command runs; the
	 * command gets what we inherited instead. */
	cg_spawn_restore_signals();
	if (complain) {
		listener_sock = sock;
		pthread_t th;
		if (pthread_create(&th, NULL, hand_over, NULL) != 0)
			child_fail(fail_fd, 0, EAGAIN, "cannot start the hand-over thread");
		int fd = -1;
		if (cg_policy_load_complain(p, &fd, &e) < 0) {
			atomic_store(&listener, 0); /* lets the helper finish; the parent sees no fd */
			child_fail(fail_fd, 0, EINVAL, cg_error_format(&e, buf, sizeof buf));
		}
		atomic_store(&listener, fd);
		pthread_join(th, NULL);
	} else if (cg_policy_active(p) && cg_policy_load(p, &e) < 0) {
		child_fail(fail_fd, 0, EINVAL, cg_error_format(&e, buf, sizeof buf));
	}
	execv(path, argv);
	int err = errno;
	child_fail(fail_fd, 1, err, strerror(err));
}

/* A filter kill shows as what a shell shows for it, and systemd's
 * "status=31/SYS": 128 + SIGSYS. The report on stderr tells it apart from
 * a command that exits 159 by itself. */
_Static_assert(CG_EXIT_SECCOMP == 128 + SIGSYS, "CG_EXIT_SECCOMP is 128 + SIGSYS");

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/* ---- reports ---------------------------------------------------------------- */

static const char *fix_for(const struct cg_policy *p, const struct cg_table *t, enum cg_abi abi,
			   cg_name name, char *buf, size_t len)
{
	struct cg_verdict v = cg_policy_verdict(p, abi, name);
	if (v.kind == CG_VERDICT_KILL_THREAD) {
		snprintf(buf, len, "SystemCallArchitectures=%s", cg_abi_name(abi));
		return buf;
	}
	/* The rulebook's fix, as check and explain-crash print it. */
	const char *fix = cg_fix_for(t, p->filter, name);
	snprintf(buf, len, "%s", fix ? fix : "-");
	return buf;
}

static void print_complaints(FILE *out, const struct cg_complaints *c, const struct cg_policy *p,
			     const struct cg_table *t)
{
	if (!c->n) {
		fprintf(out, "callgroups run --complain: the filter would have denied no call.\n");
		return;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < c->n; i++)
		total += c->v[i].count;
	fprintf(out,
		"callgroups run --complain: the filter would have denied %zu system call%s "
		"(%llu call%s):\n",
		c->n, c->n == 1 ? "" : "s", (unsigned long long)total, total == 1 ? "" : "s");
	fprintf(out, "%10s  %-6s  %-24s  %-12s  %s\n", "CALLS", "ABI", "SYSCALL", "WOULD", "ALLOWED BY");
	for (size_t i = 0; i < c->n; i++) {
		const struct cg_complaint *x = &c->v[i];
		char name[64], fix[128];
		if (x->name != CG_NAME_NONE)
			snprintf(name, sizeof name, "%s", cg_name_str(x->name));
		else
			snprintf(name, sizeof name, "#%ld", x->nr & ~(long)CG_X32_SYSCALL_BIT);
		fprintf(out, "%10llu  %-6s  %-24s  %-12s  %s\n", (unsigned long long)x->count,
			cg_abi_name(x->abi), name, cg_verdict_name(cg_policy_verdict(p, x->abi, x->name)),
			fix_for(p, t, x->abi, x->name, fix, sizeof fix));
	}
}

/* pid: the command's, or another process's (whole must be true then). */
static void print_kill(const struct cg_seccomp_record *rec, bool whole, pid_t pid,
		       const struct cg_policy *p, const struct cg_table *t)
{
	char fix[128];
	const char *name = rec->name != CG_NAME_NONE ? cg_name_str(rec->name) : "?";
	long nr = rec->nr & ~(long)CG_X32_SYSCALL_BIT;
	struct cg_verdict v = cg_policy_verdict(p, rec->abi, rec->name);
	if (v.kind == CG_VERDICT_KILL_THREAD)
		fprintf(stderr,
			"callgroups: the filter killed %s%s (pid %d) for its %s call %s (#%ld): not of "
			"an allowed architecture; SystemCallArchitectures=%s would allow it\n",
			whole ? "" : "a thread of ", rec->comm, (int)pid, cg_abi_name(rec->abi), name,
			nr, cg_abi_name(rec->abi));
	else
		fprintf(stderr,
			"callgroups: the filter killed %s%s (pid %d) for calling %s (%s, #%ld); the "
			"smallest group holding it: %s\n",
			whole ? "" : "a thread of ", rec->comm, (int)pid, name, cg_abi_name(rec->abi),
			nr, fix_for(p, t, rec->abi, rec->name, fix, sizeof fix));
}

static void print_logged(const struct cg_complaints *c)
{
	uint64_t total = 0;
	for (size_t i = 0; i < c->n; i++)
		total += c->v[i].count;
	fprintf(stderr, "callgroups run: SystemCallLog= logged %zu system call%s (%llu call%s)%s\n",
		c->n, c->n == 1 ? "" : "s", (unsigned long long)total, total == 1 ? "" : "s",
		c->n ? ":" : ".");
	for (size_t i = 0; i < c->n; i++) {
		const struct cg_complaint *x = &c->v[i];
		fprintf(stderr, "%10llu  %-6s  %s\n", (unsigned long long)x->count, cg_abi_name(x->abi),
			x->name != CG_NAME_NONE ? cg_name_str(x->name) : "?");
	}
}

/* After the command: the kernel's seccomp records of it. A SIGSYS death is
 * named by its kill record; a thread killed by SystemCallArchitectures=
 * (libseccomp's bad-arch action kills the thread only) leaves the process
 * running and is reported from the records already queued; SystemCallLog=
 * records are counted. Records of the command's children are not matched
 * (their pids are not known here). */
static void report_records(const struct cg_seccomp_watch *w, int watch_err, pid_t pid, int status,
			   const struct cg_policy *p, const struct cg_table *t)
{
	bool sigsys = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
	/* A shell reports its child's SIGSYS death as 159: then a process
	 * the command started was killed. */
	bool child_sigsys = WIFEXITED(status) && WEXITSTATUS(status) == CG_EXIT_SECCOMP;
	bool logging = p->log && p->log->active;
	if (w->fd < 0) {
		if (sigsys || logging)
			warnx_("%s: neither the audit log group nor /dev/kmsg can be read (%s)%s",
			       sigsys ? "the command was killed by SIGSYS; which call did it is unknown"
				      : "SystemCallLog= records cannot be read",
			       strerror(-watch_err),
			       sigsys ? ". Run again with --complain to list every call the filter "
					"would deny."
				      : "");
		return;
	}
	struct cg_complaints logged = {0};
	struct cg_seccomp_record rec, kill, other;
	bool found = false, found_other = false;
	for (;;) {
		/* The kill record of a SIGSYS death surely comes: wait for it.
		 * Logged calls stream in: wait until they stop. */
		int wait_ms = (sigsys && !found) || (child_sigsys && !found_other) ? 1000
			      : logging					  ? 100
									  : 0;
		if (cg_seccomp_watch_next(w, child_sigsys ? 0 : pid, wait_ms, &rec) < 0)
			break;
		if (rec.pid != pid) {
			/* Another process: a descendant if our filter would
			 * kill that very call (the pids of descendants are
			 * not known here). */
			struct cg_verdict v = cg_policy_verdict(p, rec.abi, rec.name);
			if (rec.sig == SIGSYS && !found_other &&
			    (v.kind == CG_VERDICT_KILL_PROCESS || v.kind == CG_VERDICT_KILL_THREAD)) {
				other = rec;
				found_other = true;
			}
		} else if (rec.sig == SIGSYS && !found) {
			kill = rec;
			found = true;
		} else if (rec.sig == 0) {
			cg_complaints_add(&logged, cg_abi_audit_arch(rec.abi), rec.nr, pid);
		}
	}
	if (found_other)
		print_kill(&other, true, other.pid, p, t);
	if (found)
		print_kill(&kill, sigsys, pid, p, t);
	else if (sigsys)
		warnx_("the command was killed by SIGSYS, but no seccomp record of pid %d came "
		       "through %s. Run again with --complain to list every call the filter would "
		       "deny.",
		       (int)pid,
		       w->netlink ? "the audit log group"
				  : "/dev/kmsg (an audit daemon may have taken it: see 'ausearch -m "
				    "SECCOMP'; or printk's rate limit dropped it)");
	if (logging) {
		cg_complaints_sort(&logged);
		print_logged(&logged);
	}
	cg_complaints_done(&logged);
}

/* ---- main ------------------------------------------------------------------- */

enum { OPT_FILTER = 256, OPT_ERRNO, OPT_ARCHS, OPT_UNIT, OPT_SYSTEMD, OPT_COMPLAIN, OPT_EXPORT,
       OPT_REPORT, OPT_LOG };

static int export_policy(const struct cg_policy *p, const char *format, const char *file)
{
	struct cg_error e = {0};
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;
	if (strcmp(format, "bpf") == 0) {
		r = cg_policy_export_bpf(p, &data, &len, &e);
	} else {
		r = cg_policy_export_oci(p, &data, &e);
		if (r >= 0)
			len = strlen(data);
	}
	if (r < 0) {
		if (!e.msg[0])
			cg_error_set(&e, NULL, 0, "cannot build the filter: %s", strerror(-r));
		die_error(CG_EXIT_FAILURE, &e);
	}
	if (cg_write_file_atomic(file, data, len, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	return 0;
}

static const char *option_of(const char *key)
{
	if (strcmp(key, "SystemCallFilter") == 0)
		return "filter";
	if (strcmp(key, "SystemCallErrorNumber") == 0)
		return "errno";
	if (strcmp(key, "SystemCallLog") == 0)
		return "log";
	return "architectures";
}

static void check_archs(const char *value)
{
	struct cg_archs scratch = {0};
	struct cg_error e = {0};
	if (cg_archs_add(&scratch, value, &e) < 0)
		die(CG_EXIT_USAGE, "--architectures=%s: %s", value, e.msg);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, OPT_FILTER},
		{"errno", required_argument, NULL, OPT_ERRNO},
		{"architectures", required_argument, NULL, OPT_ARCHS},
		{"unit", required_argument, NULL, OPT_UNIT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"complain", no_argument, NULL, OPT_COMPLAIN},
		{"export", required_argument, NULL, OPT_EXPORT},
		{"report", required_argument, NULL, OPT_REPORT},
		{"log", required_argument, NULL, OPT_LOG},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	/* Settings are applied after the unit's, in the order given. */
	struct setting {
		const char *key, *value;
	};
	_cleanup_free_ struct setting *settings = xcalloc((size_t)argc + 1, sizeof *settings);
	size_t nsettings = 0;
	const char *unit = NULL, *systemd = NULL, *export_fmt = NULL, *export_file = NULL;
	const char *report = NULL;
	bool complain = false;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FILTER:
			settings[nsettings++] = (struct setting){"SystemCallFilter", optarg};
			break;
		case OPT_ERRNO:
			/* A unit file's bad value is ignored with a warning;
			 * a bad option is the user's typo. */
			if (cg_errno_parse(optarg) == -EINVAL)
				die(CG_EXIT_USAGE, "--errno=%s: expected an errno name (EPERM), number or kill",
				    optarg);
			settings[nsettings++] = (struct setting){"SystemCallErrorNumber", optarg};
			break;
		case OPT_ARCHS:
			check_archs(optarg);
			settings[nsettings++] = (struct setting){"SystemCallArchitectures", optarg};
			break;
		case OPT_LOG:
			settings[nsettings++] = (struct setting){"SystemCallLog", optarg};
			break;
		case OPT_UNIT:
			unit = optarg;
			break;
		case OPT_SYSTEMD:
			systemd = optarg;
			break;
		case OPT_COMPLAIN:
			complain = true;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_EXPORT:
			if (strcmp(optarg, "bpf") != 0 && strcmp(optarg, "oci") != 0)
				die(CG_EXIT_USAGE, "--export=%s: expected bpf or oci", optarg);
			if (optind >= argc || strcmp(argv[optind], "--") == 0)
				die(CG_EXIT_USAGE, "--export=%s needs a FILE after it", optarg);
			export_fmt = optarg;
			export_file = argv[optind++];
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	char **cmd = argv + optind;
	int ncmd = argc - optind;
	if (ncmd == 0 && !export_fmt) {
		usage(stderr);
		return CG_EXIT_USAGE;
	}

	const struct cg_table *t = cli_load_table(systemd);
	struct cg_error e = {0};
	struct cg_unit_settings us;
	cg_unit_settings_init(&us);
	if (unit && cg_unit_load(unit, NULL, &us, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	for (size_t i = 0; i < nsettings; i++) {
		char src[32];
		snprintf(src, sizeof src, "--%s", option_of(settings[i].key));
		if (cg_unit_add_setting(&us, settings[i].key, settings[i].value, src,
					(unsigned)i + 1, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	for (size_t i = 0; i < us.nwarnings; i++)
		warnx_("%s", us.warnings[i]);
	struct cg_filter f;
	cg_filter_init(&f);
	if (cg_unit_apply(&us, t, &f, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	for (size_t i = 0; i < f.nwarnings; i++)
		warnx_("%s", f.warnings[i]);
	struct cg_filter logf;
	cg_filter_init(&logf);
	if (cg_unit_apply_log(&us, t, &logf, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	struct cg_policy p = {
		.filter = &f, .errno_action = us.errno_action, .archs = us.archs, .log = &logf};
	if (logf.active && (complain || export_fmt))
		warnx_("SystemCallLog= is applied when enforcing only; %s leaves it out",
		       complain ? "--complain" : "--export");

	if (export_fmt)
		export_policy(&p, export_fmt, export_file);
	if (ncmd == 0) {
		cg_filter_done(&logf);
		cg_filter_done(&f);
		cg_unit_settings_done(&us);
		cg_table_free(t);
		return CG_EXIT_OK;
	}

	/* Looked up before any filter is loaded: the lookup makes calls the
	 * filter may deny. */
	_cleanup_free_ char *path = cg_find_command(cmd[0]);
	if (!path) {
		if (errno == EACCES)
			die(126, "%s: permission denied", cmd[0]);
		die(127, "%s: command not found", cmd[0]);
	}
	_cleanup_fclose_ FILE *report_f = NULL;
	if (complain && report && strcmp(report, "-") != 0) {
		report_f = fopen(report, "we");
		if (!report_f)
			die(CG_EXIT_FAILURE, "cannot write %s: %s", report, strerror(errno));
	}

	struct cg_seccomp_watch watch = {.fd = -1};
	int watch_err = 0;
	if (!complain)
		watch_err = cg_seccomp_watch_open(&watch);
	int sv[2] = {-1, -1}, fail[2];
	if (complain && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die(CG_EXIT_FAILURE, "socketpair: %s", strerror(errno));
	if (pipe2(fail, O_CLOEXEC) < 0)
		die(CG_EXIT_FAILURE, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		die(CG_EXIT_FAILURE, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fail[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		cg_seccomp_watch_close(&watch);
		child_run(&p, complain, sv[1], fail[1], path, cmd);
	}
	child_pid = pid;
	close(fail[1]);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);

	int status = 0;
	struct cg_complaints comp = {0};
	if (complain) {
		close(sv[1]);
		int nfd = recv_fd(sv[0]);
		close(sv[0]);
		if (nfd >= 0) {
			int r = cg_complain_serve(nfd, pid, &status, &comp);
			close(nfd);
			if (r < 0)
				die(CG_EXIT_FAILURE, "supervising the command: %s", strerror(-r));
		} else {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	struct child_failure cf;
	ssize_t n = read(fail[0], &cf, sizeof cf);
	close(fail[0]);
	if (n == (ssize_t)sizeof cf) {
		cf.msg[sizeof cf.msg - 1] = 0;
		if (cf.exec_failed)
			die(cf.err == EACCES || cf.err == ENOEXEC ? 126 : 127, "cannot run %s: %s",
			    path, cf.msg);
		die(CG_EXIT_FAILURE, "%s", cf.msg);
	}

	int code;
	if (!complain)
		report_records(&watch, watch_err, pid, status, &p, t);
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		code = 128 + WTERMSIG(status);
	else
		code = CG_EXIT_FAILURE;
	if (complain) {
		cg_complaints_sort(&comp);
		print_complaints(report_f ? report_f : stderr, &comp, &p, t);
		cg_complaints_done(&comp);
	}
	cg_seccomp_watch_close(&watch);
	cg_filter_done(&logf);
	cg_filter_done(&f);
	cg_unit_settings_done(&us);
	cg_table_free(t);
	return code;
}
