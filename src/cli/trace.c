/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups trace: run or attach, count calls, write an strace -c table and
 * the report of `suggest`. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "summary.h"
#include "trace.h"

static void help(FILE *f)
{
	fputs("Usage: callgroups trace [OPTIONS] -- COMMAND [ARGS...]\n"
	      "       callgroups trace [OPTIONS] -p PID [-p PID...]\n"
	      "       callgroups trace [OPTIONS] --unit NAME.service | --cgroup DIR\n"
	      "\n"
	      "Records the system calls of a command (and every process and thread it\n"
	      "starts), of running processes (every thread, and the children they fork\n"
	      "later), or of every process of a unit's cgroup. Then writes a table as\n"
	      "`strace -f -c` does (`callgroups suggest` reads it back) and prints the\n"
	      "report and recommendation of `callgroups suggest`.\n"
	      "\n"
	      "Where things go: the command's stdin, stdout and stderr are its own and\n"
	      "nothing of ours is written to its stdout. The table goes to FILE with -o\n"
	      "(written whole, then renamed into place), else to stderr as strace -c\n"
	      "does. The report goes to FILE with --report; without it, to stderr when\n"
	      "a command is traced, to stdout with -p, --unit or --cgroup.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output=FILE     write the strace -c table to FILE\n"
	      "      --report=FILE     write the report (in --format) to FILE\n"
	      "  -p, --pid=PID         attach to a running process (repeat, or PID,PID)\n"
	      "      --unit=NAME       trace the processes of a systemd unit's cgroup\n"
	      "                        (systemctl's ControlGroup, else\n"
	      "                        /sys/fs/cgroup[/unified]/system.slice/NAME)\n"
	      "      --cgroup=DIR      trace the processes listed in DIR/cgroup.procs\n"
	      "                        (ptrace, as for --unit: processes that join\n"
	      "                        later are found within 0.5 s; the trace ends\n"
	      "                        when the cgroup is empty, or on Ctrl+C)\n"
	      "      --backend=NAME    auto (default: bpf when it can run, else ptrace),\n"
	      "                        bpf or ptrace; with auto, stderr tells which ran\n"
	      "      --no-errors       do not count failed calls (ptrace: one stop per\n"
	      "                        call instead of two; the errors column stays empty)\n"
	      "      --no-report       write the table only\n"
	      "      --format=FMT      report as text (default), json or dropin\n"
	      "      --systemd=SPEC    systemd group tables to use (as for suggest: a version,\n"
	      "                        a list such as 247,252,257, or all)\n"
	      "      --no-margin       no upgrade margin in the report (as for suggest)\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "Exit status: the command's (128+N when signal N killed it); 127 when it\n"
	      "was not found, 126 when it could not be run; with -p, --unit or --cgroup\n"
	      "that of the report; 2 for bad arguments, 3 when the trace could not start.\n"
	      "\n"
	      "Signals: Ctrl+C reaches the command itself (same process group) and the\n"
	      "trace ends when it does; SIGINT, SIGTERM or SIGHUP sent to callgroups alone\n"
	      "are passed on to the command; a second one kills it. With -p, --unit or\n"
	      "--cgroup any of them detaches from every process, which keeps running.\n"
	      "Either way the table and report are still written.\n"
	      "\n"
	      "ptrace notes: a command runs under a seccomp filter that stops it once\n"
	      "per call (twice when errors are counted, the default). Running processes\n"
	      "get no filter: two stops per call. While calls keep coming, the tracer\n"
	      "polls for the next stop (up to 0.1 ms) instead of sleeping, which makes\n"
	      "a stop several times cheaper when it runs on more than one CPU.\n"
	      "Set-user-ID, set-group-ID and file capabilities do not apply to a\n"
	      "traced program (a warning says so).\n"
	      "Calls are counted when they start, so exit and exit_group (which never\n"
	      "return) are in the table, unlike strace -c's.\n"
	      "\n"
	      "Refused calls: a call that another seccomp filter answers with an error\n"
	      "(a container's, inherited; one the command installs, as `callgroups run`\n"
	      "does) never reaches the tracer's filter. Tasks under such a filter are\n"
	      "traced from syscall-entry stops, which come before seccomp (ptrace: three\n"
	      "stops per call for them, two for a refused one; stderr says so), or at\n"
	      "the call's exit (bpf, with --no-errors too). Either way every attempt is\n"
	      "counted, a refused call as a call with its error even with --no-errors,\n"
	      "and a line after the table names them (\"# refused by an inherited\n"
	      "seccomp filter: keyctl 1\"); suggest reads the table back. Under ptrace,\n"
	      "calls of processes attached with -p or a cgroup are counted (errors only\n"
	      "when errors are counted), not marked.\n"
	      "\n"
	      "The service manager's calls: with --unit or --cgroup (bpf), what a process\n"
	      "does in the cgroup from entering it (systemd's child for ExecStart=,\n"
	      "ExecReload=, ...) until it executes the unit's command (after\n"
	      "systemd-executor on 255 and later) is systemd's setup, not the unit's: it\n"
	      "is left out of the table and named in a line after it (\"# left out, made\n"
	      "by the service manager before the exec: setsid 1\"). The execve itself\n"
	      "is the unit's. ptrace counts such a process from when it attaches.\n"
	      "\n"
	      "Examples:\n"
	      "  callgroups trace -- make -j2\n"
	      "  callgroups trace -o calls.txt --no-report -- ./server --selftest\n"
	      "  callgroups trace --format=dropin --report=filter.conf -- ./server --selftest\n"
	      "  callgroups trace -p $(pidof nginx | tr ' ' ,)\n"
	      "  callgroups trace --unit nginx.service --format=dropin > filter.conf\n",
	      f);
}

static void add_pids(const char *arg, pid_t **pids, size_t *n, size_t *cap)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	char *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *end;
		errno = 0;
		long v = strtol(w, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX)
			die(CG_EXIT_USAGE, "-p %s: expected a process id", w);
		xgrow((void **)pids, cap, *n + 1, sizeof(**pids));
		(*pids)[(*n)++] = (pid_t)v;
	}
}

/* What the command line asks for. */
struct trace_args {
	struct cg_trace_opts o;
	const char *output, *report_path, *unit, *systemd;
	pid_t *pids;
	size_t n_pids, cap;
	bool report, command;
	enum cg_output_format fmt;
	struct cg_suggest_opts so;
};

/* Parses argv into a. Returns -1 to go on, else the exit code (--help, or
 * a bad option). */
static int parse_args(int argc, char **argv, struct trace_args *a)
{
	enum {
		OPT_UNIT = 256,
		OPT_CGROUP,
		OPT_BACKEND,
		OPT_NO_ERRORS,
		OPT_NO_REPORT,
		OPT_FORMAT,
		OPT_SYSTEMD,
		OPT_NO_MARGIN,
		OPT_REPORT
	};
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"report", required_argument, NULL, OPT_REPORT},
		{"pid", required_argument, NULL, 'p'},
		{"unit", required_argument, NULL, OPT_UNIT},
		{"cgroup", required_argument, NULL, OPT_CGROUP},
		{"backend", required_argument, NULL, OPT_BACKEND},
		{"no-errors", no_argument, NULL, OPT_NO_ERRORS},
		{"no-report", no_argument, NULL, OPT_NO_REPORT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"no-margin", no_argument, NULL, OPT_NO_MARGIN},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	optind = 0;
	/* '+': options end at the command's name, so `trace ls -l` works. */
	while ((c = getopt_long(argc, argv, "+o:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case OPT_REPORT:
			a->report_path = optarg;
			break;
		case 'p':
			add_pids(optarg, &a->pids, &a->n_pids, &a->cap);
			break;
		case OPT_UNIT:
			a->unit = optarg;
			break;
		case OPT_CGROUP:
			a->o.cgroup = optarg;
			break;
		case OPT_BACKEND:
			if (cg_trace_backend_from_name(optarg, &a->o.backend) < 0)
				die(CG_EXIT_USAGE, "--backend=%s: expected auto, bpf or ptrace",
				    optarg);
			break;
		case OPT_NO_ERRORS:
			a->o.count_errors = false;
			break;
		case OPT_NO_REPORT:
			a->report = false;
			break;
		case OPT_FORMAT:
			a->fmt = cli_parse_format(optarg, true);
			break;
		case OPT_SYSTEMD:
			a->systemd = optarg;
			break;
		case OPT_NO_MARGIN:
			a->so.no_margin = true;
			break;
		case 'h':
			help(stdout);
			return CG_EXIT_OK;
		default:
			help(stderr);
			return CG_EXIT_USAGE;
		}
	}
	a->command = optind < argc;
	int targets = a->command + (a->n_pids > 0) + (a->unit != NULL) + (a->o.cgroup != NULL);
	if (targets != 1)
		die(CG_EXIT_USAGE, "trace: give exactly one of -- COMMAND, -p PID, --unit or "
				   "--cgroup (see callgroups trace --help)");
	if (a->report_path && !a->report)
		die(CG_EXIT_USAGE, "--report and --no-report exclude each other");
	if (a->command)
		a->o.argv = argv + optind;
	a->o.pids = a->pids;
	a->o.n_pids = a->n_pids;
	return -1;
}

/* Outputs that cannot be written are found before the work, not after the
 * command ran. */
static void check_outputs(const struct trace_args *a)
{
	const char *paths[] = {a->output, a->report_path};
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		struct cg_error e = {0};
		if (paths[i] && cg_output_check(paths[i], &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
}

/* What the report says it was made from. Returns a new string. */
static char *source_of(const struct trace_args *a, char **argv)
{
	if (a->command)
		return xasprintf("a trace of %s", argv[optind]);
	if (a->unit)
		return xasprintf("a trace of %s", a->unit);
	if (a->o.cgroup)
		return xasprintf("a trace of cgroup %s", a->o.cgroup);
	return xasprintf("a trace of pid %d%s", (int)a->pids[0], a->n_pids > 1 ? " ..." : "");
}

/* Says what became of the trace, on stderr: a command that could not be
 * run, a detach, lost events. */
static void tell_outcome(const struct trace_args *a, const struct cg_trace_result *r)
{
	if (r->cannot_run) {
		char buf[1024];
		fprintf(stderr, "callgroups: %s\n", cg_error_format(&r->error, buf, sizeof buf));
	}
	if (r->stop_signal && !a->command)
		fprintf(stderr, "callgroups: %s: detached from %lu task%s\n",
			strsignal(r->stop_signal), r->tasks, r->tasks == 1 ? "" : "s");
	if (r->lost)
		warnx_("%lu event%s lost: the counts are low", r->lost,
		       r->lost == 1 ? " was" : "s were");
}

/* The table to -o FILE, else to stderr as strace -c does. */
static void write_table(const struct trace_args *a, const struct cg_profile *p)
{
	_cleanup_free_ char *text = cg_summary_format_notes(p, a->o.refused, a->o.manager);
	if (a->output) {
		struct cg_error e = {0};
		if (cg_write_file_atomic(a->output, text, strlen(text), &e) < 0)
			die_error(CG_EXIT_FAILURE, &e);
	} else {
		fputs(text, stderr);
		fflush(stderr);
	}
}

/* The report: to --report FILE; else stdout, unless that is the command's. */
static int write_report(const struct trace_args *a, const struct cg_profile *p,
			const struct cg_table *table, const char *src, double seconds)
{
	const char *sources[] = {src};
	struct cli_report_where w = {.sources = sources, .nsources = 1, .seconds = seconds};
	if (a->report_path || !a->command)
		return cli_report_to(p, table, &a->so, a->fmt, a->report_path, &w);
	fflush(stdout);
	return cli_report(p, table, &a->so, a->fmt, stderr, &w);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = {
		.o = {.backend = CG_TRACE_AUTO, .count_errors = true, .warn = stderr},
		.report = true,
		.fmt = CG_FMT_TEXT};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0) {
		free(a.pids);
		return rc;
	}
	check_outputs(&a);
	_cleanup_free_ const struct cg_table **versions = NULL;
	const struct cg_table *table =
		a.report ? cli_load_targets(a.systemd, &versions, &a.so.ntargets) : NULL;
	a.so.targets = versions;
	_cleanup_free_ char *unit_cg = NULL;
	if (a.unit) {
		struct cg_error e = {0};
		unit_cg = cg_trace_unit_cgroup(a.unit, &e);
		if (!unit_cg)
			die_error(CG_EXIT_FAILURE, &e);
		a.o.cgroup = unit_cg;
	}

	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	_cleanup_profile_ struct cg_profile *refused = cg_profile_new();
	a.o.refused = refused;
	_cleanup_profile_ struct cg_profile *manager = cg_profile_new();
	if (a.o.cgroup)
		a.o.manager = manager;
	struct cg_trace_result r = {0};
	char why[512] = "";
	cg_trace_handle_signals();
	double start = now();
	int ret = cg_trace_run(&a.o, p, &r, why, sizeof(why));
	double seconds = now() - start;
	/* A command that could not be run: 127 or 126, as `run` says. */
	if (ret < 0)
		die_error(r.cannot_run ? r.cannot_run : CG_EXIT_FAILURE, &r.error);
	tell_outcome(&a, &r);
	if (cg_profile_count(manager) > 0)
		fprintf(stderr,
			"callgroups: %zu distinct calls the service manager made in the cgroup "
			"before the exec of the unit's command are left out (named after the "
			"table)\n",
			cg_profile_count(manager));
	write_table(&a, p);
	rc = CG_EXIT_OK;
	if (a.report) {
		_cleanup_free_ char *src = source_of(&a, argv);
		rc = write_report(&a, p, table, src, seconds);
		cli_free_tables(versions, a.so.ntargets);
		versions = NULL;
		cg_table_free(table);
	}
	free(a.pids);
	if (a.command && r.exit_status >= 0)
		return r.exit_status != 0 ? r.exit_status : rc;
	return rc;
}
