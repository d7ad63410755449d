/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups trace: run or attach, count calls, write an strace -c table and
 * the report of `suggest`. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

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
	      "Where things go: the table goes to FILE with -o (written whole, then\n"
	      "renamed into place), else to stderr as strace -c does; the report goes\n"
	      "to stdout. The command's stdin, stdout and stderr are left as they are.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output=FILE     write the strace -c table to FILE\n"
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
	      "return) are in the table, unlike strace -c's. A call that the command's\n"
	      "own seccomp filter refuses never reaches the tracer's filter: under the\n"
	      "ptrace backend it is not seen (the bpf backend sees it).\n"
	      "\n"
	      "Examples:\n"
	      "  callgroups trace -- make -j2\n"
	      "  callgroups trace -o calls.txt --no-report -- ./server --selftest\n"
	      "  callgroups trace -p $(pidof nginx | tr ' ' ,)\n"
	      "  callgroups trace --unit nginx.service --format=dropin\n",
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

int cmd_trace(int argc, char **argv)
{
	enum { OPT_UNIT = 256, OPT_CGROUP, OPT_BACKEND, OPT_NO_ERRORS, OPT_NO_REPORT,
	       OPT_FORMAT, OPT_SYSTEMD, OPT_NO_MARGIN };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "no-errors", no_argument, NULL, OPT_NO_ERRORS },
		{ "no-report", no_argument, NULL, OPT_NO_REPORT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "systemd", required_argument, NULL, OPT_SYSTEMD },
		{ "no-margin", no_argument, NULL, OPT_NO_MARGIN },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *output = NULL, *unit = NULL, *cgroup = NULL, *systemd = NULL;
	struct cg_suggest_opts so = { 0 };
	_cleanup_free_ const struct cg_table **versions = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n_pids = 0, cap = 0;
	bool report = true;
	enum cg_output_format fmt = CG_FMT_TEXT;
	struct cg_trace_opts o = { .backend = CG_TRACE_AUTO, .count_errors = true,
				   .warn = stderr };
	int c;

	optind = 0;
	/* '+': options end at the command's name, so `trace ls -l` works. */
	while ((c = getopt_long(argc, argv, "+o:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'p':
			add_pids(optarg, &pids, &n_pids, &cap);
			break;
		case OPT_UNIT:
			unit = optarg;
			break;
		case OPT_CGROUP:
			cgroup = optarg;
			break;
		case OPT_BACKEND:
			if (cg_trace_backend_from_name(optarg, &o.backend) < 0)
				die(CG_EXIT_USAGE, "--backend=%s: expected auto, bpf or ptrace",
				    optarg);
			break;
		case OPT_NO_ERRORS:
			o.count_errors = false;
			break;
		case OPT_NO_REPORT:
			report = false;
			break;
		case OPT_FORMAT:
			fmt = cli_parse_format(optarg, true);
			break;
		case OPT_SYSTEMD:
			systemd = optarg;
			break;
		case OPT_NO_MARGIN:
			so.no_margin = true;
			break;
		case 'h':
			help(stdout);
			return CG_EXIT_OK;
		default:
			help(stderr);
			return CG_EXIT_USAGE;
		}
	}
	bool command = optind < argc;
	int targets = command + (n_pids > 0) + (unit != NULL) + (cgroup != NULL);
	if (targets != 1)
		die(CG_EXIT_USAGE, "trace: give exactly one of -- COMMAND, -p PID, --unit or "
				   "--cgroup (see callgroups trace --help)");

	/* An output that cannot be written is found before the work, not
	 * after the command ran. */
	if (output) {
		struct cg_error e = { 0 };
		if (cg_output_check(output, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	const struct cg_table *table =
		report ? cli_load_targets(systemd, &versions, &so.ntargets) : NULL;
	so.targets = versions;
	_cleanup_free_ char *unit_cg = NULL;
	if (unit) {
		struct cg_error e = { 0 };
		unit_cg = cg_trace_unit_cgroup(unit, &e);
		if (!unit_cg)
			die_error(CG_EXIT_FAILURE, &e);
		cgroup = unit_cg;
	}
	if (command)
		o.argv = argv + optind;
	o.pids = pids;
	o.n_pids = n_pids;
	o.cgroup = cgroup;

	_cleanup_profile_ struct cg_profile *p = cg_profile_new();
	struct cg_trace_result r = { 0 };
	char why[512] = "";
	cg_trace_handle_signals();
	int ret = cg_trace_run(&o, p, &r, why, sizeof(why));
	/* A command that could not be run: 127 or 126, as `run` says. */
	if (ret < 0)
		die_error(r.cannot_run ? r.cannot_run : CG_EXIT_FAILURE, &r.error);
	if (r.cannot_run) {
		char buf[1024];
		fprintf(stderr, "callgroups: %s\n", cg_error_format(&r.error, buf, sizeof buf));
	}
	if (r.stop_signal && !command)
		fprintf(stderr, "callgroups: %s: detached from %lu task%s\n",
			strsignal(r.stop_signal), r.tasks, r.tasks == 1 ? "" : "s");
	if (r.lost)
		warnx_("%lu event%s lost: the counts are low", r.lost,
		       r.lost == 1 ? " was" : "s were");

	_cleanup_free_ char *text = cg_summary_format(p);
	if (output) {
		struct cg_error e = { 0 };
		if (cg_write_file_atomic(output, text, strlen(text), &e) < 0)
			die_error(CG_EXIT_FAILURE, &e);
	} else {
		fputs(text, stderr);
		fflush(stderr);
	}
	int rc = CG_EXIT_OK;
	if (report) {
		fflush(stdout);
		/* What the report says it was made from. */
		_cleanup_free_ char *src = NULL;
		if (command)
			src = xasprintf("a trace of %s", argv[optind]);
		else if (unit)
			src = xasprintf("a trace of %s", unit);
		else if (cgroup)
			src = xasprintf("a trace of cgroup %s", cgroup);
		else
			src = xasprintf("a trace of pid %d%s", (int)pids[0], n_pids > 1 ? " ..." : "");
		const char *sources[] = { src };
		rc = cli_report_to(p, table, &so, fmt, NULL, sources, 1);
		for (size_t i = 0; i < so.ntargets; i++)
			cg_table_free(versions[i]);
		cg_table_free(table);
	}
	if (command && r.exit_status >= 0)
		return r.exit_status != 0 ? r.exit_status : rc;
	return rc;
}
