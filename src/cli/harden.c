/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups harden: the learning loop for a running service (start,
 * status, apply, watch, reset; record runs inside the unit). The state
 * and the drop-ins are harden.c's; this file parses options and prints. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crash.h"
#include "exposure.h"
#include "harden.h"
#include "trace.h"
#include "trace_bpf.h"
#include "unitfile.h"

/* Exit status of a refusal: not root, no systemd, the unit unknown, not
 * running, Delegate=, a template, bpf unavailable without --restart. */
#define CG_EXIT_REFUSED 4

static void help(FILE *f)
{
	fputs("Usage: callgroups harden start UNIT [--duration=TIME] [--restart]\n"
	      "       callgroups harden status UNIT [--format=text|json]\n"
	      "       callgroups harden apply UNIT [--stage] [--dry-run]\n"
	      "       callgroups harden watch UNIT [--duration=TIME]\n"
	      "       callgroups harden reset UNIT [--dry-run]\n"
	      "\n"
	      "The loop that hardens a running service: watch it for as long as it takes\n"
	      "(start), apply the result in a form that refuses nothing but logs what\n"
	      "the watch missed (apply --stage, then watch), enforce it (apply), and undo\n"
	      "it all (reset).\n"
	      "\n"
	      "  start    profile the running unit through its cgroup with the eBPF\n"
	      "           backend, without a restart (new processes of the unit count\n"
	      "           too), until Ctrl+C or --duration; on a terminal it shows the\n"
	      "           time, calls and new calls live. With --restart (where eBPF cannot\n"
	      "           run) a runtime drop-in under /run/systemd/system/UNIT.d/ wraps\n"
	      "           the unit's commands in the ptrace tracer and the unit is\n"
	      "           restarted, and restarted again without it at the end.\n"
	      "           What systemd does in the unit's cgroup for a process it starts\n"
	      "           there (between fork and exec) is kept apart, not recommended.\n"
	      "  status   how long it was watched, the calls (and systemd's own, kept\n"
	      "           apart), when a call was last new, the drop-in apply would\n"
	      "           write and the exposure (system call rows, options' rows) now\n"
	      "           and after\n"
	      "  apply    write /etc/systemd/system/UNIT.d/" CG_HARDEN_DROPIN
	      " and daemon-reload;\n"
	      "           --stage: SystemCallLog=~ the recommended set (the kernel logs\n"
	      "           every other call, nothing is refused); else SystemCallFilter=\n"
	      "           (calls outside it are killed). A restart makes it active.\n"
	      "  watch    print each call the unit's processes make outside the\n"
	      "           recommendation as the kernel logs it (/dev/kmsg), with its\n"
	      "           groups, and add it to the profile\n"
	      "  reset    remove what callgroups wrote (its drop-ins, and their\n"
	      "           directories when it created them) and daemon-reload\n"
	      "\n"
	      "Profiles are kept in /var/lib/callgroups/UNIT/, one JSON file per session\n"
	      "(suggest reads them too); every step merges them all. Drop-ins callgroups\n"
	      "did not write are never touched; its own say so in their first line.\n"
	      "\n"
	      "Options:\n"
	      "      --duration=TIME   start, watch: stop after TIME (90, 30s, 10min, 2h, 1d)\n"
	      "      --restart         start: trace with ptrace after restarting the unit\n"
	      "      --stage           apply: log, do not refuse\n"
	      "      --dry-run         apply, reset: print the diff against `systemctl cat`\n"
	      "      --input=FILE      watch: read kernel records from FILE, not /dev/kmsg\n"
	      "      --format=FMT      status: text (default) or json\n"
	      "      --systemd=SPEC    systemd group table (as for suggest)\n"
	      "      --root=DIR        every path under DIR (a container's root, such as\n"
	      "                        /proc/PID/root, or a test's)\n"
	      "      --cgroup=DIR      start, watch: the unit's cgroup as this machine sees\n"
	      "                        it (a unit inside a container); systemctl is not asked\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "Examples:\n"
	      "  callgroups harden start nginx.service --duration=1h\n"
	      "  callgroups harden apply nginx.service --stage && systemctl restart nginx\n"
	      "  callgroups harden watch nginx.service\n"
	      "  callgroups harden apply nginx.service --dry-run\n"
	      "  callgroups harden reset nginx.service\n"
	      "\n"
	      "Exit status: 0 done; 2 bad arguments or profiles; 3 a step failed;\n"
	      "4 refused (not root, no systemd as PID 1, unit not found or not running,\n"
	      "Delegate=, a template without instance, eBPF unavailable without --restart).\n"
	      "record (run by the --restart drop-in) returns the command's status.\n",
	      f);
}

struct harden_args {
	const char *verb, *unit, *systemd, *input;
	const char *root;   /* --root: "/" by default */
	const char *cgroup; /* --cgroup: the unit's cgroup as seen here */
	double duration;    /* 0: until Ctrl+C */
	bool restart, stage, dry_run;
	enum cg_output_format fmt;
	char **cmd; /* record: the command */
};

enum {
	OPT_DURATION = 256,
	OPT_RESTART,
	OPT_STAGE,
	OPT_DRY_RUN,
	OPT_INPUT,
	OPT_FORMAT,
	OPT_SYSTEMD,
	OPT_ROOT,
	OPT_CGROUP
};

static const char *const verbs[] = {"start", "status", "apply", "watch", "reset", "record"};

static int parse_args(int argc, char **argv, struct harden_args *a)
{
	static const struct option opts[] = {
		{"duration", required_argument, NULL, OPT_DURATION},
		{"restart", no_argument, NULL, OPT_RESTART},
		{"stage", no_argument, NULL, OPT_STAGE},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"input", required_argument, NULL, OPT_INPUT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"json", no_argument, NULL, 'j'},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"root", required_argument, NULL, OPT_ROOT},
		{"cgroup", required_argument, NULL, OPT_CGROUP},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cg_error e = {0};
	int c;
	/* "+": options stop at the first word that is none (record's command). */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1 ||
	       (optind < argc && !a->verb) || (optind < argc && !a->unit)) {
		if (c == -1) { /* a word: the verb, then the unit */
			if (strcmp(argv[optind], "--") == 0)
				break;
			if (!a->verb)
				a->verb = argv[optind++];
			else
				a->unit = argv[optind++];
			continue;
		}
		switch (c) {
		case OPT_DURATION:
			if (cg_harden_parse_duration(optarg, &a->duration, &e) < 0)
				die_error(CG_EXIT_USAGE, &e);
			break;
		case OPT_RESTART:
			a->restart = true;
			break;
		case OPT_STAGE:
			a->stage = true;
			break;
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case OPT_INPUT:
			a->input = optarg;
			break;
		case OPT_FORMAT:
			a->fmt = cli_parse_format(optarg, false);
			break;
		case 'j':
			a->fmt = CG_FMT_JSON;
			break;
		case OPT_SYSTEMD:
			a->systemd = optarg;
			break;
		case OPT_ROOT:
			a->root = optarg;
			break;
		case OPT_CGROUP:
			a->cgroup = optarg;
			break;
		case 'h':
			help(stdout);
			return CG_EXIT_OK;
		default:
			help(stderr);
			return CG_EXIT_USAGE;
		}
	}
	if (!a->verb || !a->unit)
		die(CG_EXIT_USAGE, "harden: give a step (start, status, apply, watch, reset) and a "
				   "unit (see callgroups harden --help)");
	bool known = false;
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		known |= strcmp(a->verb, verbs[i]) == 0;
	if (!known)
		die(CG_EXIT_USAGE,
		    "harden: unknown step '%s': expected start, status, apply, watch or "
		    "reset",
		    a->verb);
	bool record = strcmp(a->verb, "record") == 0;
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (record != (optind < argc))
		die(CG_EXIT_USAGE,
		    record ? "harden record: give the command after --"
			   : "harden %s: unexpected argument '%s'",
		    a->verb, optind < argc ? argv[optind] : "");
	a->cmd = argv + optind;
	/* Each option belongs to some steps: given to another, it is a mistake. */
	const struct {
		bool given;
		const char *opt, *steps;
	} only[] = {
		{a->restart, "--restart", "start"},
		{a->stage, "--stage", "apply"},
		{a->dry_run, "--dry-run", "apply reset"},
		{a->input, "--input", "watch"},
		{a->fmt != CG_FMT_TEXT, "--format", "status"},
		{a->duration > 0, "--duration", "start watch"},
		{a->cgroup, "--cgroup", "start watch"},
	};
	_cleanup_free_ char *word = xasprintf(" %s ", a->verb);
	for (size_t i = 0; i < ELEMENTSOF(only); i++) {
		_cleanup_free_ char *steps = xasprintf(" %s ", only[i].steps);
		if (only[i].given && !strstr(steps, word))
			die(CG_EXIT_USAGE, "harden %s: %s is for harden %s", a->verb, only[i].opt,
			    only[i].steps);
	}
	if (a->cgroup && a->restart)
		die(CG_EXIT_USAGE, "harden start: --cgroup and --restart exclude each other (a "
				   "restart needs systemctl)");
	return -1;
}

/* The root of every path: "/" unless --root says otherwise. */
static const char *root_dir;

static void refuse_or_fail(int r, const struct cg_error *e)
{
	die_error(r == -EIO ? CG_EXIT_FAILURE : CG_EXIT_REFUSED, e);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void reload(void)
{
	struct cg_error e = {0};
	const char *args[] = {"daemon-reload", NULL};
	if (cg_harden_systemctl(args, NULL, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
}

/* ---- start ---------------------------------------------------------------- */

struct live {
	struct cg_harden_session *s;
	const struct cg_harden_paths *p;
	char *path; /* the session file, once saved */
	double begun, deadline, last_save, last_new;
	bool tty;
	size_t fresh_total;
	const struct cg_profile *before; /* the earlier sessions' calls */
};

/* Calls of s that no earlier session saw. */
static size_t new_calls(const struct live *l)
{
	size_t n = 0;
	for (size_t i = 0; i < cg_profile_count(l->s->calls); i++) {
		const struct cg_profile_entry *x = cg_profile_at(l->s->calls, i);
		n += !cg_profile_find(l->before, x->abi, x->name);
	}
	return n;
}

static void save_session(struct live *l)
{
	struct cg_error e = {0};
	if (cg_harden_session_save(l->p, l->s, &l->path, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	l->last_save = now_s();
}

/* Once a second during a trace: the live line, a save when something
 * is new (or once a minute), the end of --duration. */
static int tick(void *data, const struct cg_profile *counts)
{
	struct live *l = data;
	double t = now_s();
	size_t fresh = cg_harden_session_update(l->s, counts, t);
	if (fresh) {
		l->fresh_total += fresh;
		l->last_new = t;
	}
	if (fresh || t - l->last_save > 60)
		save_session(l);
	if (l->tty) {
		char d1[64], d2[64];
		fprintf(stderr,
			"\r\033[K  %s watched, %zu calls (%llu made), %zu new to the profile, "
			"last new call %s ago",
			cg_harden_format_duration(t - l->begun, d1, sizeof d1),
			cg_profile_count(l->s->calls),
			(unsigned long long)cg_profile_total_calls(l->s->calls), new_calls(l),
			cg_harden_format_duration(t - l->last_new, d2, sizeof d2));
		fflush(stderr);
	}
	return l->deadline > 0 && t >= l->deadline;
}

static void say_next(const struct cg_harden_paths *p)
{
	fprintf(stderr,
		"callgroups: all sessions: 'callgroups harden status %s'; next: 'callgroups "
		"harden apply %s --stage'\n",
		p->unit, p->unit);
}

static int start_bpf(const struct harden_args *a, const struct cg_harden_paths *p,
		     const struct cg_harden_unit *u)
{
	char why[512] = "";
	if (!cg_trace_bpf_available(why, sizeof why))
		die(CG_EXIT_REFUSED,
		    "the eBPF backend cannot run here (%s): 'callgroups harden start %s --restart' "
		    "traces with ptrace after restarting the unit",
		    why, p->unit);
	struct cg_error e = {0};
	_cleanup_free_ char *cgroup = cg_harden_cgroup_dir(u->cgroup, &e);
	if (!cgroup)
		die_error(CG_EXIT_FAILURE, &e);
	struct cg_harden_session s;
	cg_harden_session_init(&s, "start", "bpf");
	s.main_pid = u->main_pid;
	struct cg_harden_state before;
	cg_harden_state_init(&before);
	if (cg_harden_state_load(p, &before, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	struct live l = {.s = &s,
			 .p = p,
			 .begun = now_s(),
			 .tty = isatty(STDERR_FILENO),
			 .before = before.all.calls};
	l.last_new = l.last_save = l.begun;
	if (a->duration > 0)
		l.deadline = l.begun + a->duration;
	struct cg_trace_opts o = {.cgroup = cgroup,
				  .backend = CG_TRACE_BPF,
				  .count_errors = true,
				  .manager = s.manager,
				  .warn = stderr,
				  .tick = tick,
				  .tick_data = &l,
				  .tick_ms = 1000};
	fprintf(stderr, "callgroups: watching %s (MainPID %ld) through %s, no restart; %s\n",
		p->unit, u->main_pid, cgroup,
		a->duration > 0 ? "until the duration ends or Ctrl+C" : "until Ctrl+C");
	_cleanup_profile_ struct cg_profile *counts = cg_profile_new();
	struct cg_trace_result r;
	cg_trace_handle_signals();
	int ret = cg_trace_run(&o, counts, &r, NULL, 0);
	if (l.tty)
		fputc('\n', stderr);
	if (ret < 0)
		die_error(CG_EXIT_FAILURE, &r.error);
	cg_harden_session_update(&s, counts, now_s());
	save_session(&l);
	struct cg_harden_unit after;
	char d[64];
	fprintf(stderr, "callgroups: %s: %zu calls (%zu new to the profile) over %s, saved to %s\n",
		p->unit, cg_profile_count(s.calls), new_calls(&l),
		cg_harden_format_duration(s.ended - s.started, d, sizeof d), l.path);
	if (cg_profile_count(s.manager) > 0)
		fprintf(stderr,
			"callgroups: and %zu distinct calls systemd made for %s between fork and exec, "
			"kept apart (not recommended)\n",
			cg_profile_count(s.manager), p->unit);
	if (!a->cgroup && cg_harden_unit_query(p, &after, &e) == 0 && after.main_pid != u->main_pid)
		fprintf(stderr,
			"callgroups: MainPID changed meanwhile (%ld -> %ld): %s restarted\n",
			u->main_pid, after.main_pid, p->unit);
	say_next(p);
	free(l.path);
	cg_harden_session_done(&s);
	cg_harden_state_done(&before);
	return CG_EXIT_OK;
}

static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		die(CG_EXIT_FAILURE, "cannot tell where callgroups is (/proc/self/exe): %s",
		    strerror(errno));
	buf[n] = 0;
	return xstrdup(buf);
}

static void restart_unit(const struct cg_harden_paths *p)
{
	struct cg_error e = {0};
	const char *args[] = {"restart", "--", p->unit, NULL};
	if (cg_harden_systemctl(args, NULL, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
}

static volatile sig_atomic_t stop_requested;
static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int start_restart(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_error e = {0};
	const char *args[] = {"cat", "--", p->unit, NULL};
	_cleanup_free_ char *cat = NULL, *self = self_path(), *dropin = NULL;
	if (cg_harden_systemctl(args, &cat, &e) < 0 ||
	    cg_harden_render_trace(cat, self, root_dir, p, &dropin, &e) < 0 ||
	    cg_harden_write_dropin(p, p->run_dropin, dropin, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	fprintf(stderr,
		"callgroups: restarting %s with its commands under the ptrace tracer (%s); it is "
		"restarted again without it at the end\n",
		p->unit, p->run_dropin);
	reload();
	restart_unit(p);
	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	double begun = now_s();
	bool tty = isatty(STDERR_FILENO);
	while (!stop_requested && (a->duration <= 0 || now_s() - begun < a->duration)) {
		if (tty) {
			char d[64];
			fprintf(stderr,
				"\r\033[K  %s watched (ptrace: the counts are saved when the unit "
				"stops)",
				cg_harden_format_duration(now_s() - begun, d, sizeof d));
			fflush(stderr);
		}
		poll(NULL, 0, 500);
	}
	if (tty)
		fputc('\n', stderr);
	if (cg_harden_remove(p, p->run_dropin, p->run_dir, NULL, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	reload();
	fprintf(stderr, "callgroups: restarting %s without the tracer\n", p->unit);
	restart_unit(p);
	say_next(p);
	return CG_EXIT_OK;
}

/* The refusals, from systemctl, or for --cgroup from the directory. */
static void refusals(const struct harden_args *a, const struct cg_harden_paths *p,
		     bool need_running, struct cg_harden_unit *u)
{
	struct cg_error e = {0};
	int r = a->cgroup ? cg_harden_refusal_cgroup(a->cgroup, u, &e)
			  : cg_harden_refusal(p, need_running, u, &e);
	if (r < 0)
		refuse_or_fail(r, &e);
}

static int cmd_start(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_harden_unit u;
	refusals(a, p, !a->restart, &u);
	return a->restart ? start_restart(a, p) : start_bpf(a, p, &u);
}

/* ---- record: inside the unit, under --restart --------------------------- */

static int cmd_record(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_harden_session s;
	cg_harden_session_init(&s, "record", "ptrace");
	s.main_pid = getpid();
	/* Ticks give each call the time it was first seen, and save the
	 * session when a call is new (or once a minute), so that a wrapper
	 * killed with the unit loses little. */
	_cleanup_profile_ struct cg_profile *none = cg_profile_new();
	struct live l = {.s = &s, .p = p, .begun = now_s(), .before = none};
	l.last_new = l.last_save = l.begun;
	struct cg_trace_opts o = {.argv = a->cmd,
				  .backend = CG_TRACE_PTRACE,
				  .count_errors = true,
				  .warn = stderr,
				  .tick = tick,
				  .tick_data = &l,
				  .tick_ms = 1000};
	_cleanup_profile_ struct cg_profile *counts = cg_profile_new();
	struct cg_trace_result r;
	cg_trace_handle_signals();
	int ret = cg_trace_run(&o, counts, &r, NULL, 0);
	if (ret < 0)
		die_error(r.cannot_run ? r.cannot_run : CG_EXIT_FAILURE, &r.error);
	cg_harden_session_update(&s, counts, now_s());
	save_session(&l);
	free(l.path);
	cg_harden_session_done(&s);
	return r.exit_status >= 0 ? r.exit_status : CG_EXIT_OK;
}

/* ---- what the sessions say ---------------------------------------------- */

struct view {
	struct cg_harden_state st;
	const struct cg_table *t;
	struct cg_suggestion s;
	bool have_s;
};

static void view_load(struct view *v, const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_error e = {0};
	cg_harden_state_init(&v->st);
	if (cg_harden_state_load(p, &v->st, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	v->t = cli_load_table(a->systemd);
	v->have_s = v->st.nsessions > 0 && cg_profile_count(v->st.all.calls) > 0;
	if (v->have_s && cg_suggest(v->st.all.calls, v->t, &v->s) < 0)
		die(CG_EXIT_FAILURE, "the recommendation for %s failed its own check", p->unit);
}

static void view_done(struct view *v)
{
	if (v->have_s)
		cg_suggestion_done(&v->s);
	cg_table_free(v->t);
	cg_harden_state_done(&v->st);
}

static void need_sessions(const struct view *v, const struct cg_harden_paths *p)
{
	if (!v->have_s)
		die(CG_EXIT_USAGE, "no profile of %s in %s yet: 'callgroups harden start %s' first",
		    p->unit, p->state, p->unit);
}

/* The service manager's calls for the unit, kept apart, and those of them
 * the unit never made. */
static void print_manager(const struct cg_harden_state *st)
{
	if (cg_profile_count(st->all.manager) == 0)
		return;
	const char **only = NULL;
	size_t k = cg_harden_manager_only(st, &only);
	printf("systemd's own calls for the unit (between fork and exec, not recommended): %zu "
	       "distinct",
	       cg_profile_count(st->all.manager));
	if (k) {
		printf(", %zu of them never made by the unit:", k);
		for (size_t i = 0; i < k; i++)
			printf(" %s", only[i]);
	}
	putchar('\n');
	free(only);
}

static int cmd_status(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct view v = {0};
	view_load(&v, a, p);
	double t = now_s();
	_cleanup_free_ char *dropin =
		v.have_s ? cg_harden_render(&v.s, CG_HARDEN_ENFORCE, p, &v.st) : NULL;
	struct cg_harden_exposure before = cg_harden_exposure(p, root_dir, v.t, NULL);
	struct cg_harden_exposure after = dropin ? cg_harden_exposure(p, root_dir, v.t, dropin)
						 : (struct cg_harden_exposure){-1, -1};
	bool applied = access(p->dropin, F_OK) == 0;
	if (a->fmt == CG_FMT_JSON) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "unit", json_object_new_string(p->unit));
		json_object_object_add(j, "sessions",
				       json_object_new_int64((int64_t)v.st.nsessions));
		json_object_object_add(j, "watched_seconds", json_object_new_double(v.st.watched));
		json_object_object_add(j, "first_started",
				       json_object_new_double(v.st.first_started));
		json_object_object_add(j, "last_ended", json_object_new_double(v.st.last_ended));
		json_object_object_add(j, "last_new_call", json_object_new_double(v.st.last_new));
		json_object_object_add(
			j, "distinct_calls",
			json_object_new_int64((int64_t)cg_profile_count(v.st.all.calls)));
		json_object_object_add(
			j, "calls",
			json_object_new_int64((int64_t)cg_profile_total_calls(v.st.all.calls)));
		json_object *names = json_object_new_array();
		if (v.have_s) {
			const char **n = NULL;
			size_t k = cg_set_sorted(v.s.used, &n);
			for (size_t i = 0; i < k; i++)
				json_object_array_add(names, json_object_new_string(n[i]));
			free(n);
		}
		json_object_object_add(j, "observed", names);
		json_object_object_add(
			j, "manager_calls",
			json_object_new_int64((int64_t)cg_profile_count(v.st.all.manager)));
		const char **only = NULL;
		size_t k = cg_harden_manager_only(&v.st, &only);
		json_object *mo = json_object_new_array();
		for (size_t i = 0; i < k; i++)
			json_object_array_add(mo, json_object_new_string(only[i]));
		free(only);
		json_object_object_add(j, "manager_only", mo);
		json_object_object_add(j, "dropin", json_object_new_string(p->dropin));
		json_object_object_add(j, "applied", json_object_new_boolean(applied));
		json_object_object_add(j, "would_apply",
				       dropin ? json_object_new_string(dropin) : NULL);
		json_object_object_add(j, "exposure_now",
				       before.calls >= 0 ? json_object_new_double(before.calls)
							 : NULL);
		json_object_object_add(j, "exposure_after",
				       after.calls >= 0 ? json_object_new_double(after.calls)
							: NULL);
		json_object_object_add(j, "options_exposure_now",
				       before.options >= 0 ? json_object_new_double(before.options)
							   : NULL);
		json_object_object_add(j, "options_exposure_after",
				       after.options >= 0 ? json_object_new_double(after.options)
							  : NULL);
		printf("%s\n",
		       json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
		view_done(&v);
		return CG_EXIT_OK;
	}
	char d1[64], d2[64];
	printf("%s: %zu session%s, watched %s in all\n", p->unit, v.st.nsessions,
	       v.st.nsessions == 1 ? "" : "s",
	       cg_harden_format_duration(v.st.watched, d1, sizeof d1));
	if (!v.have_s) {
		printf("no profile yet: 'callgroups harden start %s'\n", p->unit);
		view_done(&v);
		return CG_EXIT_OK;
	}
	printf("calls: %zu distinct, %llu made (%llu failed)\n", cg_profile_count(v.st.all.calls),
	       (unsigned long long)cg_profile_total_calls(v.st.all.calls),
	       (unsigned long long)cg_profile_total_errors(v.st.all.calls));
	print_manager(&v.st);
	printf("last new call: %s ago (no new call in the last %s watched)\n",
	       cg_harden_format_duration(t - v.st.last_new, d1, sizeof d1),
	       cg_harden_format_duration(v.st.last_ended - v.st.last_new, d2, sizeof d2));
	if (before.calls >= 0 && after.calls >= 0)
		printf("exposure (systemd-analyze security, the system call rows): %.1f now, %.1f "
		       "after apply (of 10)\n",
		       before.calls, after.calls);
	if (before.options >= 0 && after.options >= 0)
		printf("exposure (the rows of the hardening options): %.1f now, %.1f after apply "
		       "(of 10)\n",
		       before.options, after.options);
	printf("%s: %s\n\nthe drop-in 'callgroups harden apply %s' would write:\n\n%s", p->dropin,
	       applied ? "written" : "not written", p->unit, dropin);
	view_done(&v);
	return CG_EXIT_OK;
}

/* ---- apply and reset -------------------------------------------------------- */

static void print_diff(const struct cg_harden_paths *p, const char *path, const char *display,
		       const char *text)
{
	struct cg_error e = {0};
	const char *args[] = {"cat", "--", p->unit, NULL};
	_cleanup_free_ char *cat = NULL;
	if (cg_harden_systemctl(args, &cat, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	_cleanup_free_ char *after = NULL;
	if (text) {
		after = cg_harden_cat_with(cat, display, text);
	} else {
		/* reset: the section of that file goes. */
		after = cg_harden_cat_with(cat, display, "");
		_cleanup_free_ char *hdr = xasprintf("# %s\n", display);
		char *h = strstr(after, hdr);
		if (h) {
			size_t n = strlen(hdr);
			/* and the empty line that separated it */
			if (h > after && h[-1] == '\n' && h - 1 > after && h[-2] == '\n')
				h--, n++;
			memmove(h, h + n, strlen(h + n) + 1);
		}
	}
	(void)path;
	_cleanup_free_ char *la = xasprintf("systemctl cat %s", p->unit);
	_cleanup_free_ char *d = cg_harden_diff(cat, after, la, display);
	fputs(d[0] ? d : "(no change)\n", stdout);
}

static int cmd_apply(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_harden_unit u;
	struct cg_error e = {0};
	refusals(a, p, false, &u);
	struct view v = {0};
	view_load(&v, a, p);
	need_sessions(&v, p);
	enum cg_harden_mode m = a->stage ? CG_HARDEN_STAGE : CG_HARDEN_ENFORCE;
	_cleanup_free_ char *text = cg_harden_render(&v.s, m, p, &v.st);
	if (a->dry_run) {
		print_diff(p, p->dropin, p->display_drop, text);
		view_done(&v);
		return CG_EXIT_OK;
	}
	if (cg_harden_write_dropin(p, p->dropin, text, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	reload();
	printf("wrote %s (%s) and reloaded systemd; 'systemctl restart %s' makes it active\n",
	       p->dropin, cg_harden_mode_name(m), p->unit);
	if (m == CG_HARDEN_STAGE)
		printf("then 'callgroups harden watch %s' reports the calls the profile lacks\n",
		       p->unit);
	view_done(&v);
	return CG_EXIT_OK;
}

static int cmd_reset(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_harden_unit u;
	struct cg_error e = {0};
	refusals(a, p, false, &u);
	if (a->dry_run) {
		if (access(p->dropin, F_OK) == 0)
			print_diff(p, p->dropin, p->display_drop, NULL);
		else
			puts("(no change)");
		return CG_EXIT_OK;
	}
	unsigned n = 0;
	if (cg_harden_reset(p, &n, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	reload();
	printf("removed %u drop-in%s of callgroups for %s and reloaded systemd; the profiles stay "
	       "in %s\n",
	       n, n == 1 ? "" : "s", p->unit, p->state);
	return CG_EXIT_OK;
}

/* ---- watch ------------------------------------------------------------------ */

/* Whether pid runs in the unit's cgroup (or one below it). */
static bool in_unit(long pid, const char *cgroup)
{
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	size_t n = strlen(cgroup);
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		const char *cg = line + 3;
		if (strncmp(cg, cgroup, n) == 0 && (cg[n] == '\n' || cg[n] == '/'))
			return true;
	}
	return false;
}

struct watcher {
	const struct cg_harden_paths *p;
	const struct cg_harden_unit *u;
	struct view *v;
	struct cg_harden_session s;
	char *path;
	size_t reported;
};

static void watch_text(struct watcher *w, const char *text, size_t len)
{
	struct cg_crash_record *recs = NULL;
	size_t n = 0;
	struct cg_error e = {0};
	if (cg_crash_parse(text, len, "/dev/kmsg", &recs, &n, &e) < 0)
		return; /* one malformed record is no reason to stop watching */
	for (size_t i = 0; i < n; i++) {
		const struct cg_crash_record *r = &recs[i];
		if (r->source != CG_CRASH_AUDIT || !r->have_abi || r->name == CG_NAME_NONE ||
		    r->pid < 0 || !in_unit(r->pid, w->u->cgroup))
			continue;
		bool fresh = cg_harden_session_first(&w->s, r->abi, r->name) < 0;
		cg_profile_add(w->s.calls, r->abi, r->name, 1, 0);
		cg_harden_session_note(&w->s, r->abi, r->name, now_s());
		w->s.ended = now_s();
		if (fresh && !cg_set_has(w->v->s.allow.allowed, r->name)) {
			const struct cg_group **g = NULL;
			size_t ng = cg_table_groups_holding(w->v->t, r->name, &g);
			printf("%s (%s) by %s[%ld]: %s; groups:", cg_name_str(r->name),
			       cg_abi_name(r->abi), r->comm, r->pid,
			       r->have_code ? cg_crash_action_name(r->code) : "?");
			for (size_t k = 0; k < ng; k++)
				printf(" %s", g[k]->name);
			printf("%s\n", ng ? "" : " none");
			free(g);
			fflush(stdout);
			w->reported++;
		}
		if (fresh && cg_harden_session_save(w->p, &w->s, &w->path, &e) < 0)
			die_error(CG_EXIT_FAILURE, &e);
	}
	free(recs);
}

static int cmd_watch(const struct harden_args *a, const struct cg_harden_paths *p)
{
	struct cg_harden_unit u;
	struct cg_error e = {0};
	refusals(a, p, false, &u);
	if (!u.cgroup[0])
		die(CG_EXIT_REFUSED, "%s has no cgroup (ControlGroup= is empty): is it running?",
		    p->unit);
	struct view v = {0};
	view_load(&v, a, p);
	need_sessions(&v, p);
	struct watcher w = {.p = p, .u = &u, .v = &v};
	cg_harden_session_init(&w.s, "watch", "kernel log");
	if (a->input) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (cg_read_file(a->input, &text, &len, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		watch_text(&w, text, len);
	} else {
		int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			die(CG_EXIT_FAILURE, "cannot read the kernel log (/dev/kmsg): %s",
			    strerror(errno));
		lseek(fd, 0, SEEK_END);
		struct sigaction sa = {.sa_handler = on_stop};
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		double begun = now_s();
		fprintf(stderr,
			"callgroups: watching the kernel log for calls of %s outside its "
			"profile; Ctrl+C ends\n",
			p->unit);
		while (!stop_requested && (a->duration <= 0 || now_s() - begun < a->duration)) {
			char buf[8192];
			ssize_t k = read(fd, buf, sizeof buf - 1);
			if (k > 0) {
				buf[k] = 0;
				watch_text(&w, buf, (size_t)k);
				continue;
			}
			if (k < 0 && errno == EPIPE)
				continue; /* records were overwritten: go on */
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			poll(&pfd, 1, 200);
		}
		close(fd);
	}
	fprintf(stderr, "callgroups: %zu call%s outside the profile of %s%s\n", w.reported,
		w.reported == 1 ? "" : "s", p->unit, w.path ? "; added to its profile" : "");
	free(w.path);
	cg_harden_session_done(&w.s);
	view_done(&v);
	return CG_EXIT_OK;
}

int cmd_harden(int argc, char **argv)
{
	struct harden_args a = {.fmt = CG_FMT_TEXT};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct cg_harden_paths p;
	struct cg_error e = {0};
	root_dir = a.root ? a.root : "/";
	if (cg_harden_paths_init(&p, root_dir, a.unit, &e) < 0)
		die_error(strchr(a.unit, '@') ? CG_EXIT_REFUSED : CG_EXIT_USAGE, &e);
	if (strcmp(a.verb, "start") == 0)
		rc = cmd_start(&a, &p);
	else if (strcmp(a.verb, "status") == 0)
		rc = cmd_status(&a, &p);
	else if (strcmp(a.verb, "apply") == 0)
		rc = cmd_apply(&a, &p);
	else if (strcmp(a.verb, "watch") == 0)
		rc = cmd_watch(&a, &p);
	else if (strcmp(a.verb, "reset") == 0)
		rc = cmd_reset(&a, &p);
	else
		rc = cmd_record(&a, &p);
	cg_harden_paths_done(&p);
	return rc;
}
