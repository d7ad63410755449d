/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What both backends share: results, starting a command's answers, stop
 * signals, and finding the processes of a cgroup. */
#include "trace_common.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t stop_count;
/* Bit (1 << n) for each signal n sent by another process, not forwarded yet. */
static volatile sig_atomic_t forward_mask;

void cg_trace_result_init(struct cg_trace_result *r, enum cg_trace_backend b)
{
	memset(r, 0, sizeof(*r));
	r->exit_status = -1;
	r->used = b;
}

/* ---- the command ------------------------------------------------------------ */

int cg_trace_find_command(const struct cg_trace_opts *o, char **path, struct cg_trace_result *r)
{
	int code = cg_spawn_find(o->argv[0], path, &r->error);
	if (code == 0)
		return 0;
	r->cannot_run = r->exit_status = code;
	return code == 127 ? -ENOENT : -EACCES;
}

int cg_trace_command_failure(struct cg_spawn *s, struct cg_trace_result *r)
{
	int code = cg_spawn_failure(s, &r->error);
	if (code <= 0)
		return code;
	r->cannot_run = r->exit_status = code;
	return 0;
}

int cg_trace_seccomp_filters(pid_t pid)
{
	char path[64], line[256];
	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int n;
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			return n;
	}
	return -ENODATA;
}

/* ---- stop requests ---------------------------------------------------------- */

void cg_trace_request_stop(int sig, bool from_user)
{
	stop_sig = sig;
	stop_count = stop_count + 1;
	if (from_user && sig > 0 && sig < 31)
		forward_mask = forward_mask | (1 << sig);
	/* A backend may have checked for requests just before blocking in a
	 * wait; the alarm wakes it within a second in that unlucky case. */
	alarm(1);
}

int cg_trace_stop_signal(void)
{
	return stop_sig;
}

unsigned cg_trace_stop_count(void)
{
	return (unsigned)stop_count;
}

int cg_trace_take_forward(void)
{
	for (int sig = 1; sig < 31; sig++)
		if (forward_mask & (1 << sig)) {
			forward_mask = forward_mask & ~(1 << sig);
			return sig;
		}
	return 0;
}

static void on_stop_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	/* Signals from the terminal come from the kernel (SI_KERNEL) and reach
	 * the whole foreground process group, so the command has them too;
	 * kill(1) and friends (si_code <= 0) reach only us. */
	cg_trace_request_stop(sig, si && si->si_code <= 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

void cg_trace_handle_signals(void)
{
	cg_spawn_save_signals();
	struct sigaction sa = {0};
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: interrupt waits */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(stop_signals); i++)
		sigaction(stop_signals[i], &sa, NULL);
	struct sigaction al = {0};
	al.sa_handler = on_alarm;
	sigemptyset(&al.sa_mask);
	sigaction(SIGALRM, &al, NULL);
}

/* ---- cgroups ---------------------------------------------------------------- */

int cg_trace_cgroup_pids(const char *cgroup, pid_t **out, struct cg_error *e)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.procs", cgroup);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = cg_read_file(path, &text, &len, e);
	if (r < 0)
		return r;
	pid_t *pids = NULL;
	size_t n = 0, cap = 0;
	for (char *s = text; *s;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s) {
			if (*s != '\n' && !isspace((unsigned char)*s)) {
				free(pids);
				cg_error_set(e, path, 0, "expected one pid per line");
				return -EINVAL;
			}
			s++;
			continue;
		}
		if (v > 0) {
			xgrow((void **)&pids, &cap, n + 1, sizeof(*pids));
			pids[n++] = (pid_t)v;
		}
		s = end;
	}
	*out = pids;
	return (int)n;
}

static bool valid_unit_name(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":-_.@\\", *s))
			return false;
	return true;
}

/* ControlGroup= of unit from systemctl, or NULL. */
static char *systemctl_control_group(const char *unit)
{
	if (access("/run/systemd/system", F_OK) < 0)
		return NULL; /* systemd does not run */
	_cleanup_free_ char *cmd =
		xasprintf("systemctl show -p ControlGroup --value '%s' 2>/dev/null", unit);
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	char buf[4096] = "";
	char *line = fgets(buf, sizeof(buf), f);
	pclose(f);
	if (!line)
		return NULL;
	buf[strcspn(buf, "\n")] = 0;
	return buf[0] == '/' ? xstrdup(buf) : NULL;
}

static bool has_procs(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.procs", dir);
	return access(p, R_OK) == 0;
}

char *cg_trace_unit_cgroup(const char *unit, struct cg_error *e)
{
	/* Where cgroup v2 (unified or hybrid) and the v1 name=systemd tree sit. */
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
					    "/sys/fs/cgroup/systemd"};
	if (!valid_unit_name(unit)) {
		cg_error_set(e, "", 0, "'%s' is not a unit name", unit);
		return NULL;
	}
	_cleanup_free_ char *name =
		strchr(unit, '.') ? xstrdup(unit) : xasprintf("%s.service", unit);
	_cleanup_free_ char *cg = systemctl_control_group(name);
	if (!cg)
		cg = xasprintf("/system.slice/%s", name);
	for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
		char *dir = xasprintf("%s%s", roots[i], cg);
		if (has_procs(dir))
			return dir;
		free(dir);
	}
	cg_error_set(e, "", 0, "no cgroup for unit %s: looked for %s under /sys/fs/cgroup", name,
		     cg);
	return NULL;
}
