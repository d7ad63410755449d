/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a command under a policy: starting it, the signals while it
 * runs, complain mode, the kernel's records after it, and the change that
 * would allow each call the policy denies. */
#include "runner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "groups.h"
#include "spawn.h"

/* ---- what would allow a denied call ------------------------------------ */

/* The one place that says which change would allow a call p denies. */
static const char *fix_for(const struct cg_policy *p, const struct cg_table *t, enum cg_abi abi,
			   cg_name name, char *buf, size_t len)
{
	struct cg_verdict v = cg_policy_verdict(p, abi, name);
	if (v.kind == CG_VERDICT_KILL_THREAD) {
		snprintf(buf, len, "SystemCallArchitectures=%s", cg_abi_name(abi));
		return buf;
	}
	/* The rulebook's fix, as check and explain-crash print it. */
	const char *fix = name != CG_NAME_NONE ? cg_fix_for(t, p->filter, name) : NULL;
	snprintf(buf, len, "%s", fix ? fix : "-");
	return buf;
}

static struct cg_run_verdict judge(const struct cg_run_opts *o, enum cg_abi abi, cg_name name)
{
	struct cg_run_verdict v = {.verdict = cg_policy_verdict(o->policy, abi, name)};
	fix_for(o->policy, o->table, abi, name, v.fix, sizeof v.fix);
	return v;
}

/* ---- what would allow every denied call -------------------------------- */

/* Applies the fix to a copy of p as a unit's drop-in would, and asks the
 * copy about every call. */
static bool fix_allows_all(const struct cg_policy *p, const struct cg_table *t,
			   const struct cg_run_fix *fix, const struct cg_run_denial *d, size_t n)
{
	struct cg_filter f;
	cg_filter_copy(&f, p->filter);
	struct cg_policy q = *p;
	q.filter = &f;
	struct cg_error e = {0};
	bool ok = true;
	if (fix->filter)
		ok = cg_filter_add(&f, t, fix->filter, &e) == 0;
	if (ok && fix->archs)
		ok = cg_archs_add(&q.archs, fix->archs, &e) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = cg_policy_verdict(&q, d[i].call.abi, d[i].call.name).kind == CG_VERDICT_ALLOW;
	cg_filter_done(&f);
	return ok;
}

/* Appends word to the space-separated *line. */
static void line_add(char **line, const char *word)
{
	char *l = *line ? xasprintf("%s %s", *line, word) : xstrdup(word);
	free(*line);
	*line = l;
}

void cg_run_fix_make(const struct cg_policy *p, const struct cg_table *t,
		     const struct cg_run_denial *d, size_t n, struct cg_run_fix *out)
{
	*out = (struct cg_run_fix){0};
	unsigned abis = cg_policy_abis(p), missing_abis = 0;
	_cleanup_free_ const char **groups = xcalloc(n + 1, sizeof *groups);
	size_t ngroups = 0;
	_cleanup_set_ struct cg_set *calls = cg_set_new();
	for (size_t i = 0; i < n; i++) {
		const struct cg_complaint *c = &d[i].call;
		if (!(abis & (1u << c->abi)))
			missing_abis |= 1u << c->abi;
		/* Past the architecture, the filter judges the call too. */
		const char *fix = cg_fix_for(t, p->filter, c->name);
		if (!fix)
			continue;
		if (fix[0] != '@') {
			cg_set_add(calls, c->name);
			continue;
		}
		size_t g = 0;
		while (g < ngroups && strcmp(groups[g], fix) != 0)
			g++;
		if (g == ngroups)
			groups[ngroups++] = fix;
	}
	for (size_t g = 0; g < ngroups; g++)
		line_add(&out->filter, groups[g]);
	_cleanup_free_ const char **v = NULL;
	size_t nv = cg_set_sorted(calls, &v);
	for (size_t k = 0; k < nv; k++)
		line_add(&out->filter, v[k]);
	for (int a = 0; a < CG_ABI_COUNT; a++)
		if (missing_abis & (1u << a))
			line_add(&out->archs, cg_abi_name((enum cg_abi)a));
	out->verified = fix_allows_all(p, t, out, d, n);
}

void cg_run_fix_done(struct cg_run_fix *f)
{
	free(f->filter);
	free(f->archs);
	*f = (struct cg_run_fix){0};
}

/* ---- signals while the command runs ----------------------------------- */

static const int forwarded_signals[] = {SIGTERM, SIGHUP};
static const int ignored_signals[] = {SIGINT, SIGQUIT};

/* Where forward_signal() sends: a pidfd of the command where the kernel
 * has them, so that a signal that comes after the command was reaped
 * cannot reach a process that reused its pid; else its pid. */
static volatile sig_atomic_t fwd_pidfd = -1;
static volatile sig_atomic_t fwd_pid;

static void forward_signal(int sig)
{
	int saved_errno = errno;
	if (fwd_pidfd >= 0)
		(void)syscall(SYS_pidfd_send_signal, (int)fwd_pidfd, sig, NULL, 0);
	else if (fwd_pid > 0)
		(void)kill((pid_t)fwd_pid, sig);
	errno = saved_errno;
}

/* What cg_run() changed, to put back. */
struct run_signals {
	struct sigaction old_fwd[ELEMENTSOF(forwarded_signals)];
	struct sigaction old_ign[ELEMENTSOF(ignored_signals)];
	sigset_t old_mask;
};

static void block_forwarded(sigset_t *old)
{
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
		sigaddset(&block, forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &block, old);
}

/* Before the command starts. The forwarded signals stay blocked until
 * there is a command to forward them to: one that comes meanwhile waits
 * and is passed on by signals_forward_to(). The child gets the snapshot's
 * dispositions and mask back (cg_spawn_start()). */
static void signals_take(struct run_signals *s)
{
	cg_spawn_save_signals();
	block_forwarded(&s->old_mask);
	fwd_pid = 0;
	fwd_pidfd = -1;
	struct sigaction fwd = {.sa_handler = forward_signal, .sa_flags = SA_RESTART};
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigemptyset(&fwd.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++) {
		sigaction(forwarded_signals[i], NULL, &s->old_fwd[i]);
		/* Ignored here (nohup): the command ignores it too, and so
		 * do we, as the command alone would. */
		if (s->old_fwd[i].sa_handler != SIG_IGN)
			sigaction(forwarded_signals[i], &fwd, NULL);
	}
	for (size_t i = 0; i < ELEMENTSOF(ignored_signals); i++)
		sigaction(ignored_signals[i], &ign, &s->old_ign[i]);
}

static void signals_forward_to(const struct run_signals *s, pid_t pid)
{
	fwd_pid = pid;
	fwd_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

static void forward_to_none(void)
{
	int fd = fwd_pidfd;
	fwd_pidfd = -1;
	fwd_pid = 0;
	if (fd >= 0)
		close(fd);
}

/* Once the command is reaped: a SIGTERM or SIGHUP that comes while its
 * records are read goes nowhere, as one that reached it just too late. */
static void signals_forward_none(const struct run_signals *s)
{
	block_forwarded(NULL);
	forward_to_none();
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

/* At the end of the run: what the caller had. A signal still blocked
 * (the command never started) then meets the caller's disposition. */
static void signals_give_back(const struct run_signals *s)
{
	block_forwarded(NULL);
	forward_to_none();
	for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
		sigaction(forwarded_signals[i], &s->old_fwd[i], NULL);
	for (size_t i = 0; i < ELEMENTSOF(ignored_signals); i++)
		sigaction(ignored_signals[i], &s->old_ign[i], NULL);
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

/* ---- complain mode: handing the listener over -------------------------- */

/* The listener reaches this process through a thread of the child that
 * runs without the filter. The filter is loaded by the child's main thread
 * only (no TSYNC), so the helper's own calls are never stopped; the main
 * thread's next calls may be stopped, but the helper hands the listener
 * over regardless, and the supervisor then answers them. */
enum { LISTENER_WAITING = -1, LISTENER_FAILED = -2 };

struct hand_over {
	atomic_int fd; /* the listener, or LISTENER_WAITING, or LISTENER_FAILED */
	int sock;
};

/* One byte plus room for one file descriptor: the message that carries
 * the listener from the child to this process (SCM_RIGHTS). */
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

static void *hand_over_thread(void *arg)
{
	struct hand_over *h = arg;
	int fd;
	while ((fd = atomic_load(&h->fd)) == LISTENER_WAITING) {
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
	if (fd < 0)
		return NULL; /* no filter: the parent sees the socket close */
	struct fd_msg m;
	fd_msg_init(&m);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(h->sock, &m.msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	return NULL;
}

/* The listener, or -1 when the child closed the socket without sending
 * one (it failed before the filter was loaded). */
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

/* ---- the child, just before execve ------------------------------------- */

struct child_setup {
	const struct cg_policy *policy;
	bool complain;
	int sock; /* complain mode: where the listener goes */
};

/* Loads the complain filter, and hands the listener over from a thread
 * that the filter does not cover (it is loaded without TSYNC). */
static int load_complain(const struct child_setup *c, struct cg_error *e)
{
	struct hand_over h = {.sock = c->sock};
	atomic_init(&h.fd, LISTENER_WAITING);
	pthread_t th;
	int r = pthread_create(&th, NULL, hand_over_thread, &h);
	if (r != 0) {
		cg_error_set(e, NULL, 0, "cannot start the hand-over thread");
		return -r;
	}
	int fd = -1;
	r = cg_policy_load_complain(c->policy, &fd, e);
	atomic_store(&h.fd, r < 0 ? LISTENER_FAILED : fd);
	pthread_join(th, NULL);
	return r < 0 ? r : 0;
}

/* cg_spawn_opts.prepare: loads the policy in the child. */
static int setup_child(void *data, struct cg_error *e)
{
	const struct child_setup *c = data;
	int r = 0;
	if (c->complain)
		r = load_complain(c, e);
	else if (cg_policy_active(c->policy))
		r = cg_policy_load(c->policy, e);
	/* libseccomp's own failures come without a message. */
	if (r < 0 && !e->msg[0])
		cg_error_set(e, NULL, 0, "cannot load the filter: %s", strerror(-r));
	return r;
}

/* ---- this process, while the command runs ------------------------------ */

static int wait_for(pid_t pid, int *status, struct cg_error *e)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			int err = errno;
			cg_error_set(e, NULL, 0, "waiting for the command: %s", strerror(err));
			return -err;
		}
	return 0;
}

/* Complain mode: answers the listener the child hands over until every
 * process under the filter is gone. */
static int supervise(int sock, pid_t pid, const struct cg_policy *p, int *status,
		     struct cg_complaints *out, struct cg_error *e)
{
	int fd = recv_fd(sock);
	if (fd < 0) /* the child failed first: cg_spawn_failure() says why */
		return wait_for(pid, status, e);
	int r = cg_complain_serve(fd, pid, p, status, out);
	close(fd);
	if (r < 0)
		cg_error_set(e, NULL, 0, "supervising the command: %s", strerror(-r));
	return r;
}

/* ---- after the command: the kernel's records --------------------------- */

static struct cg_run_kill kill_of(const struct cg_run_opts *o, const struct cg_seccomp_record *rec,
				  bool whole)
{
	return (struct cg_run_kill){
		.rec = *rec, .whole = whole, .v = judge(o, rec->abi, rec->name)};
}

/* A SIGSYS death is named by its kill record; a thread killed by
 * SystemCallArchitectures= (libseccomp's bad-arch action kills the thread
 * only) leaves the process running and is found among the records already
 * queued; SystemCallLog= records are counted. Records of the command's
 * children are not matched by pid (their pids are not known here). */
static void read_records(const struct cg_seccomp_watch *w, const struct cg_run_opts *o, int status,
			 struct cg_run_result *r)
{
	pid_t pid = r->pid;
	/* A shell reports its child's SIGSYS death as 159: then a process
	 * the command started was killed. */
	bool child_sigsys = WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGSYS;
	struct cg_seccomp_record rec;
	for (;;) {
		/* The kill record of a SIGSYS death surely comes: wait for it.
		 * Logged calls stream in: wait until they stop. */
		int wait_ms =
			(r->sigsys && !r->has_kill) || (child_sigsys && !r->has_descendant_kill)
				? 1000
			: r->logging ? 100
				     : 0;
		if (cg_seccomp_watch_next(w, child_sigsys ? 0 : pid, wait_ms, &rec) < 0)
			break;
		if (rec.pid != pid) {
			/* Another process: a descendant if our filter would
			 * kill that very call. */
			if (rec.sig != SIGSYS || r->has_descendant_kill)
				continue;
			struct cg_run_kill k = kill_of(o, &rec, true);
			if (k.v.verdict.kind == CG_VERDICT_KILL_PROCESS ||
			    k.v.verdict.kind == CG_VERDICT_KILL_THREAD) {
				r->descendant_kill = k;
				r->has_descendant_kill = true;
			}
		} else if (rec.sig == SIGSYS && !r->has_kill) {
			r->kill = kill_of(o, &rec, r->sigsys);
			r->has_kill = true;
		} else if (rec.sig == 0) {
			cg_complaints_add(&r->logged, cg_abi_audit_arch(rec.abi), rec.nr, pid);
		}
	}
	cg_complaints_sort(&r->logged);
}

static void judge_complaints(const struct cg_run_opts *o, struct cg_complaints *c,
			     struct cg_run_result *r)
{
	cg_complaints_sort(c);
	r->denied = c->n ? xcalloc(c->n, sizeof *r->denied) : NULL;
	r->refused = c->n ? xcalloc(c->n, sizeof *r->refused) : NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct cg_complaint *x = &c->v[i];
		if (x->option < 0) {
			r->denied[r->ndenied++] =
				(struct cg_run_denial){.call = *x, .v = judge(o, x->abi, x->name)};
			continue;
		}
		struct cg_run_refusal *f = &r->refused[r->nrefused++];
		*f = (struct cg_run_refusal){.call = *x};
		if (o->options) {
			cg_optunit_fact_str(o->options, (unsigned)x->option, x->name, x->fact,
					    f->fact, sizeof f->fact);
			cg_optunit_fix(o->options, (unsigned)x->option, x->name, x->fact, f->fix,
				       sizeof f->fix);
		}
	}
	cg_run_fix_done(&r->fix);
	cg_run_fix_make(o->policy, o->table, r->denied, r->ndenied, &r->fix);
}

/* True when p makes some call fail with an errno rather than kill: its
 * SystemCallErrorNumber=, or a deny entry's own ":ERRNO". */
static bool refuses_with_errno(const struct cg_policy *p)
{
	const struct cg_filter *f = p->filter;
	if (!f || !f->active)
		return false;
	if (p->errno_action >= 0)
		return true;
	for (size_t i = 0; i < f->nerrnos; i++)
		if (f->errnos[i].err >= 0)
			return true;
	return false;
}

/* ---- the run ----------------------------------------------------------- */

static void watch_closep(struct cg_seccomp_watch *w)
{
	cg_seccomp_watch_close(w);
}

static void complaints_donep(struct cg_complaints *c)
{
	cg_complaints_done(c);
}

void cg_run_result_done(struct cg_run_result *r)
{
	free(r->denied);
	r->denied = NULL;
	r->ndenied = 0;
	free(r->refused);
	r->refused = NULL;
	r->nrefused = 0;
	cg_run_fix_done(&r->fix);
	cg_complaints_done(&r->logged);
}

/* Starts the command and waits until it (complain mode: its whole tree)
 * is gone, forwarding signals to it meanwhile. Returns 0 or a negative
 * errno with e set. */
static int start_and_wait(const struct cg_run_opts *o, const char *path,
			  const struct run_signals *sig, struct cg_spawn *s, int *status,
			  struct cg_complaints *comp, struct cg_error *e)
{
	int sv[2] = {-1, -1};
	if (o->complain && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		int err = errno;
		cg_error_set(e, NULL, 0, "socketpair: %s", strerror(err));
		return -err;
	}
	_cleanup_close_ int sock = sv[0];
	struct child_setup setup = {.policy = o->policy, .complain = o->complain, .sock = sv[1]};
	struct cg_spawn_opts so = {
		.path = path, .argv = o->argv, .prepare = setup_child, .data = &setup};
	int r = cg_spawn_start(&so, s, e);
	if (sv[1] >= 0)
		close(sv[1]); /* the child's end: recv_fd() sees it close */
	if (r < 0)
		return r;
	signals_forward_to(sig, s->pid);
	if (o->complain)
		r = supervise(sock, s->pid, o->policy, status, comp, e);
	else
		r = wait_for(s->pid, status, e);
	signals_forward_none(sig);
	return r;
}

/* cg_run() with the signals taken. */
static int run_taken(const struct cg_run_opts *o, const struct run_signals *sig,
		     struct cg_run_result *r, struct cg_error *e)
{
	/* Looked up before any filter is loaded: the lookup makes calls the
	 * filter may deny. */
	_cleanup_free_ char *path = NULL;
	int failure = cg_spawn_find(o->argv[0], &path, &r->start_error);
	if (failure > 0) {
		r->start_failure = r->exit_code = failure;
		return 0;
	}
	/* Opened first: only records that arrive later are read. */
	_cleanup_(watch_closep) struct cg_seccomp_watch watch = {.fd = -1};
	if (!o->complain) {
		r->records_err = cg_seccomp_watch_open(&watch);
		r->records_netlink = watch.netlink;
	}
	_cleanup_(complaints_donep) struct cg_complaints comp = {0};
	struct cg_spawn s = {.pid = -1, .gate_fd = -1, .fail_fd = -1};
	int status = 0;
	int ret = start_and_wait(o, path, sig, &s, &status, &comp, e);
	if (s.pid > 0)
		r->pid = s.pid;
	if (ret < 0) {
		cg_spawn_done(&s);
		return ret;
	}
	failure = cg_spawn_failure(&s, &r->start_error);
	cg_spawn_done(&s);
	r->exit_code = cg_spawn_exit_code(status);
	if (failure != 0) {
		r->start_failure = failure;
		if (failure > 0)
			r->exit_code = failure;
		return 0;
	}
	r->sigsys = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
	r->exited_127 = !o->complain && r->exit_code == 127 && refuses_with_errno(o->policy);
	if (o->complain)
		judge_complaints(o, &comp, r);
	else if (watch.fd >= 0)
		read_records(&watch, o, status, r);
	return 0;
}

int cg_run(const struct cg_run_opts *o, struct cg_run_result *r, struct cg_error *e)
{
	*r = (struct cg_run_result){.pid = -1, .fix.verified = true};
	r->logging = !o->complain && o->policy->log && o->policy->log->active;
	/* Until the records are read too: a ^C that stopped the command
	 * leaves the report. */
	struct run_signals sig;
	signals_take(&sig);
	int ret = run_taken(o, &sig, r, e);
	signals_give_back(&sig);
	return ret;
}
