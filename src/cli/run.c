/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups run: run a command under the filter systemd would build, or
 * only report what it would deny (--complain); export the filter. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "enforce.h"
#include "optbook.h"
#include "optunit.h"
#include "profile_json.h"
#include "runner.h"
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
		"  --restrict-address-families=LIST\n"
		"  --restrict-namespaces=LIST\n"
		"  --memory-deny-write-execute[=BOOL]\n"
		"  --lock-personality[=BOOL]\n"
		"  --restrict-realtime[=BOOL]\n"
		"  --restrict-suidsgid[=BOOL]\n"
		"  --protect-clock[=BOOL]\n"
		"  --protect-hostname[=BOOL]\n"
		"  --protect-kernel-logs[=BOOL]\n"
		"  --protect-kernel-tunables[=BOOL]\n"
		"                         the hardening option of that name (also spelt as the\n"
		"                         setting: --LockPersonality=), a unit line (BOOL: yes\n"
		"                         when left out): the seccomp rules the --systemd version\n"
		"                         loads for it (257's MemoryDenyWriteExecute=: the\n"
		"                         kernel's PR_SET_MDWE); a refused call fails with\n"
		"                         systemd's errno (EAFNOSUPPORT, EPERM, ENOSYS, EACCES)\n"
		"  --unit UNIT            take the settings from a unit (name on the search path,\n"
		"                         or a file path); --filter and friends are applied after\n"
		"  --systemd=SPEC         group table: auto, a version (%s) or a file\n"
		"  --complain             deny nothing: stop only the calls the filter would deny\n"
		"                         (and those an option would refuse, with their fact and\n"
		"                         process), let them go on, and report them at the end;\n"
		"                         covers every process the command starts, and returns\n"
		"                         when all of them are gone\n"
		"  --report=FILE          write the --complain report to FILE (default stderr);\n"
		"                         checked before the command starts, written at the end\n"
		"  --format=FMT           the --complain report as text (default) or json: a\n"
		"                         profile that suggest and check read back\n"
		"  --json                 same as --format=json\n"
		"  --export=bpf FILE      write the filter as one raw BPF program\n"
		"  --export=oci FILE      write it as OCI seccomp JSON (podman, docker, runc, crun)\n"
		"  -h, --help             show this help\n\n"
		"The --complain report ends with the SystemCallFilter= line (and, for calls of\n"
		"another ABI, the SystemCallArchitectures= line) that, added after the unit's\n"
		"own lines, allows every call it lists; it is checked against the filter.\n"
		"Without any filter setting the command runs unfiltered, with a warning.\n\n"
		"Exit status: the command's own; 128+N when a signal N killed it, so 159\n"
		"(128+SIGSYS) when the filter killed it; 127 when it could not be started (or\n"
		"when, under a filter that refuses calls with an errno, the dynamic loader could\n"
		"not load it: a warning says so); 2 for usage errors and unwritable --report or\n"
		"--export files (the command does not run); 3 when the filter could not be set up.\n\n"
		"Examples:\n"
		"  callgroups run --filter '@system-service' --filter '~@privileged @resources' \\\n"
		"      --architectures=native -- nginx -g 'daemon off;'\n"
		"  callgroups run --unit nginx.service --complain -- /usr/sbin/nginx\n"
		"  callgroups run --unit app.service --complain --json --report=app.json -- ./app\n"
		"  callgroups check app.service app.json\n"
		"  callgroups run --restrict-address-families=AF_UNIX --complain -- ./app\n"
		"  callgroups run --filter '@system-service' --export=oci seccomp.json\n",
		cg_table_builtin_list());
}

/* A filter kill shows as what a shell shows for it, and systemd's
 * "status=31/SYS": 128 + SIGSYS. The report on stderr tells it apart from
 * a command that exits 159 by itself. */
_Static_assert(CG_EXIT_SECCOMP == 128 + SIGSYS, "CG_EXIT_SECCOMP is 128 + SIGSYS");

/* ---- reports ---------------------------------------------------------------- */

/* The name of a denied call: "#NR" when libseccomp has none. */
static const char *denied_name(const struct cg_complaint *x, char *buf, size_t len)
{
	if (x->name != CG_NAME_NONE)
		return cg_name_str(x->name);
	snprintf(buf, len, "#%ld", x->nr & ~(long)CG_X32_SYSCALL_BIT);
	return buf;
}

/* The lines that allow every call of the report, ready to paste. */
static void print_fix(FILE *out, const struct cg_run_fix *fix)
{
	if (!fix->filter && !fix->archs)
		return;
	bool two = fix->filter && fix->archs;
	if (fix->verified)
		fprintf(out, "# Added after the unit's own lines, %s every call above:\n",
			two ? "these allow" : "this allows");
	else
		fprintf(out,
			"# Added after the unit's own lines, %s the calls above that a line can name; "
			"the filter still denies the others (calls without a name cannot be allowed "
			"by name):\n",
			two ? "these allow" : "this allows");
	if (fix->filter)
		fprintf(out, "SystemCallFilter=%s\n", fix->filter);
	if (fix->archs)
		fprintf(out, "SystemCallArchitectures=%s\n", fix->archs);
}

/* The calls the hardening options would have refused, and the lines that
 * let them through. */
static void print_refusals(FILE *out, const struct cg_run_result *r)
{
	fprintf(out,
		"callgroups run --complain: the hardening options would have refused %zu "
		"call%s:\n",
		r->nrefused, r->nrefused == 1 ? "" : "s");
	fprintf(out, "%10s  %-6s  %-18s  %-22s  %-13s  %-26s  %s\n", "CALLS", "ABI", "SYSCALL",
		"FACT", "WOULD FAIL", "OPTION", "FIRST PROCESS");
	const struct cg_optbook *b = cg_optbook_builtin();
	for (size_t i = 0; i < r->nrefused; i++) {
		const struct cg_complaint *x = &r->refused[i].call;
		char name[64], opt[64], proc[64];
		snprintf(opt, sizeof opt, "%s=", b->defs[x->option].name);
		snprintf(proc, sizeof proc, "%d%s%s%s", (int)x->first_pid, x->comm[0] ? " (" : "",
			 x->comm, x->comm[0] ? ")" : "");
		fprintf(out, "%10llu  %-6s  %-18s  %-22s  %-13s  %-26s  %s\n",
			(unsigned long long)x->count, cg_abi_name(x->abi),
			denied_name(x, name, sizeof name),
			r->refused[i].fact[0] ? r->refused[i].fact : "-", strerrorname_np(x->err),
			opt, proc);
	}
	fprintf(out, "# Added after the unit's own lines, these let them through:\n");
	for (size_t i = 0; i < r->nrefused; i++) {
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(r->refused[k].fix, r->refused[i].fix) == 0;
		if (!dup && r->refused[i].fix[0])
			fprintf(out, "%s\n", r->refused[i].fix);
	}
}

static void print_complaints(FILE *out, const struct cg_run_result *r)
{
	if (r->nrefused)
		print_refusals(out, r);
	if (!r->ndenied) {
		fprintf(out, "callgroups run --complain: the filter would have denied no call.\n");
		return;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < r->ndenied; i++)
		total += r->denied[i].call.count;
	fprintf(out,
		"callgroups run --complain: the filter would have denied %zu system call%s "
		"(%llu call%s):\n",
		r->ndenied, r->ndenied == 1 ? "" : "s", (unsigned long long)total,
		total == 1 ? "" : "s");
	fprintf(out, "%10s  %-6s  %-24s  %-12s  %s\n", "CALLS", "ABI", "SYSCALL", "WOULD",
		"ALLOWED BY");
	for (size_t i = 0; i < r->ndenied; i++) {
		const struct cg_complaint *x = &r->denied[i].call;
		char name[64];
		fprintf(out, "%10llu  %-6s  %-24s  %-12s  %s\n", (unsigned long long)x->count,
			cg_abi_name(x->abi), denied_name(x, name, sizeof name),
			cg_verdict_name(r->denied[i].v.verdict), r->denied[i].v.fix);
	}
	print_fix(out, &r->fix);
}

static void print_kill(const struct cg_run_kill *k)
{
	const struct cg_seccomp_record *rec = &k->rec;
	const char *name = rec->name != CG_NAME_NONE ? cg_name_str(rec->name) : "?";
	long nr = rec->nr & ~(long)CG_X32_SYSCALL_BIT;
	if (k->v.verdict.kind == CG_VERDICT_KILL_THREAD)
		fprintf(stderr,
			"callgroups: the filter killed %s%s (pid %d) for its %s call %s (#%ld): not of "
			"an allowed architecture; SystemCallArchitectures=%s would allow it\n",
			k->whole ? "" : "a thread of ", rec->comm, (int)rec->pid,
			cg_abi_name(rec->abi), name, nr, cg_abi_name(rec->abi));
	else
		fprintf(stderr,
			"callgroups: the filter killed %s%s (pid %d) for calling %s (%s, #%ld); "
			"allowed by adding: %s\n",
			k->whole ? "" : "a thread of ", rec->comm, (int)rec->pid, name,
			cg_abi_name(rec->abi), nr, k->v.fix);
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
		fprintf(stderr, "%10llu  %-6s  %s\n", (unsigned long long)x->count,
			cg_abi_name(x->abi), x->name != CG_NAME_NONE ? cg_name_str(x->name) : "?");
	}
}

/* After an enforcing run: what the kernel's seccomp records said. */
static void print_records(const struct cg_run_result *r)
{
	if (r->records_err) {
		if (r->sigsys || r->logging)
			warnx_("%s: neither the audit log group nor /dev/kmsg can be read (%s)%s",
			       r->sigsys
				       ? "the command was killed by SIGSYS; which call did it is unknown"
				       : "SystemCallLog= records cannot be read",
			       strerror(-r->records_err),
			       r->sigsys
				       ? ". Run again with --complain to list every call the filter "
					 "would deny."
				       : "");
		return;
	}
	if (r->has_descendant_kill)
		print_kill(&r->descendant_kill);
	if (r->has_kill)
		print_kill(&r->kill);
	else if (r->sigsys)
		warnx_("the command was killed by SIGSYS, but no seccomp record of pid %d came "
		       "through %s. Run again with --complain to list every call the filter would "
		       "deny.",
		       (int)r->pid,
		       r->records_netlink
			       ? "the audit log group"
			       : "/dev/kmsg (an audit daemon may have taken it: see 'ausearch -m "
				 "SECCOMP'; or printk's rate limit dropped it)");
	if (r->logging)
		print_logged(&r->logged);
}

/* ---- main ------------------------------------------------------------------- */

enum {
	OPT_FILTER = 256,
	OPT_ERRNO,
	OPT_ARCHS,
	OPT_UNIT,
	OPT_SYSTEMD,
	OPT_COMPLAIN,
	OPT_EXPORT,
	OPT_REPORT,
	OPT_LOG,
	OPT_FORMAT,
	OPT_JSON,
	OPT_HARDEN, /* OPT_HARDEN + 2 * i (kebab-case) and + 1 (the setting's
		     * own spelling): option i of the option rulebook */
};

/* "restrict-address-families" for "RestrictAddressFamilies", into buf. */
static const char *kebab(const char *name, char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; name[i] && n + 2 < len; i++) {
		bool upper = name[i] >= 'A' && name[i] <= 'Z';
		if (upper && i && name[i - 1] >= 'a' && name[i - 1] <= 'z')
			buf[n++] = '-';
		buf[n++] = upper ? (char)(name[i] - 'A' + 'a') : name[i];
	}
	buf[n] = 0;
	return buf;
}

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
	static char buf[64];
	if (cg_optbook_find(cg_optbook_builtin(), key) >= 0)
		return kebab(key, buf, sizeof buf);
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

/* The command line, parsed. */
struct run_args {
	/* Settings are applied after the unit's, in the order given. */
	struct setting {
		const char *key, *value;
	} * settings;
	size_t nsettings;
	const char *unit, *systemd, *export_fmt, *export_file, *report;
	enum cg_output_format fmt; /* of the --complain report */
	bool complain;
	char **cmd; /* NULL-terminated (argv's own end) */
	int ncmd;
};

/* Fills a (a->settings: caller frees). Returns -1 to go on, else the exit
 * code to return (--help, a bad option). Dies on a bad value. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option base[] = {
		{"filter", required_argument, NULL, OPT_FILTER},
		{"errno", required_argument, NULL, OPT_ERRNO},
		{"architectures", required_argument, NULL, OPT_ARCHS},
		{"unit", required_argument, NULL, OPT_UNIT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"complain", no_argument, NULL, OPT_COMPLAIN},
		{"export", required_argument, NULL, OPT_EXPORT},
		{"report", required_argument, NULL, OPT_REPORT},
		{"log", required_argument, NULL, OPT_LOG},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, 'h'},
	};
	/* The hardening options, named after the rulebook's settings. */
	const struct cg_optbook *book = cg_optbook_builtin();
	static char names[CG_OPT_MAX][64];
	struct option opts[ELEMENTSOF(base) + 2 * CG_OPT_MAX + 1];
	size_t nopts = 0;
	for (size_t i = 0; i < ELEMENTSOF(base); i++)
		opts[nopts++] = base[i];
	for (size_t i = 0; i < book->ndefs; i++) {
		int has = book->defs[i].kind == CG_OPT_BOOL ? optional_argument : required_argument;
		opts[nopts++] =
			(struct option){kebab(book->defs[i].name, names[i], sizeof names[i]), has,
					NULL, OPT_HARDEN + 2 * (int)i};
		opts[nopts++] =
			(struct option){book->defs[i].name, has, NULL, OPT_HARDEN + 2 * (int)i + 1};
	}
	opts[nopts] = (struct option){0};
	*a = (struct run_args){.settings = xcalloc((size_t)argc + 1, sizeof *a->settings)};
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c >= OPT_HARDEN && c < OPT_HARDEN + 2 * (int)book->ndefs) {
			a->settings[a->nsettings++] = (struct setting){
				book->defs[(c - OPT_HARDEN) / 2].name, optarg ? optarg : "yes"};
			continue;
		}
		switch (c) {
		case OPT_FILTER:
			a->settings[a->nsettings++] = (struct setting){"SystemCallFilter", optarg};
			break;
		case OPT_ERRNO:
			/* A unit file's bad value is ignored with a warning;
			 * a bad option is the user's typo. */
			if (cg_errno_parse(optarg) == -EINVAL)
				die(CG_EXIT_USAGE,
				    "--errno=%s: expected an errno name (EPERM), number or kill",
				    optarg);
			a->settings[a->nsettings++] =
				(struct setting){"SystemCallErrorNumber", optarg};
			break;
		case OPT_ARCHS:
			check_archs(optarg);
			a->settings[a->nsettings++] =
				(struct setting){"SystemCallArchitectures", optarg};
			break;
		case OPT_LOG:
			a->settings[a->nsettings++] = (struct setting){"SystemCallLog", optarg};
			break;
		case OPT_UNIT:
			a->unit = optarg;
			break;
		case OPT_SYSTEMD:
			a->systemd = optarg;
			break;
		case OPT_COMPLAIN:
			a->complain = true;
			break;
		case OPT_REPORT:
			a->report = optarg;
			break;
		case OPT_FORMAT:
			a->fmt = cli_parse_format(optarg, false);
			break;
		case OPT_JSON:
			a->fmt = CG_FMT_JSON;
			break;
		case OPT_EXPORT:
			if (strcmp(optarg, "bpf") != 0 && strcmp(optarg, "oci") != 0)
				die(CG_EXIT_USAGE, "--export=%s: expected bpf or oci", optarg);
			if (optind >= argc || strcmp(argv[optind], "--") == 0)
				die(CG_EXIT_USAGE, "--export=%s needs a FILE after it", optarg);
			a->export_fmt = optarg;
			a->export_file = argv[optind++];
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	a->cmd = argv + optind;
	a->ncmd = argc - optind;
	if (a->ncmd == 0 && !a->export_fmt) {
		usage(stderr);
		return CG_EXIT_USAGE;
	}
	/* Only --complain writes a report: anything else is a mistake. */
	if (!a->complain && a->report)
		die(CG_EXIT_USAGE, "--report=%s: only --complain writes a report", a->report);
	if (!a->complain && a->fmt == CG_FMT_JSON)
		die(CG_EXIT_USAGE, "--format=json: only the --complain report has a JSON form");
	return -1;
}

/* Before anything runs: the files written at the end can be written. */
static void check_outputs(const struct run_args *a)
{
	struct cg_error e = {0};
	if (a->report && cg_output_check(a->report, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	if (a->export_file && cg_output_check(a->export_file, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
}

/* The policy of the unit and the options, and what it is made of. p
 * points into the rest: set up in place with build_policy(). */
struct run_policy {
	const struct cg_table *t;
	struct cg_unit_settings us;
	struct cg_filter f, logf;
	struct cg_optunit opts;	   /* the hardening options */
	struct cg_opt_rules rules; /* their seccomp rules */
	struct cg_policy p;
};

/* Dies on a bad unit or setting (usage error); prints the warnings
 * systemd would log. */
static void build_policy(const struct run_args *a, struct run_policy *rp)
{
	struct cg_error e = {0};
	rp->t = cli_load_table(a->systemd);
	cg_unit_settings_init(&rp->us);
	if (a->unit && cg_unit_load(a->unit, NULL, &rp->us, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	for (size_t i = 0; i < a->nsettings; i++) {
		char src[32];
		snprintf(src, sizeof src, "--%s", option_of(a->settings[i].key));
		if (cg_unit_add_setting(&rp->us, a->settings[i].key, a->settings[i].value, src,
					(unsigned)i + 1, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	for (size_t i = 0; i < rp->us.nwarnings; i++)
		warnx_("%s", rp->us.warnings[i]);
	cg_filter_init(&rp->f);
	if (cg_unit_apply(&rp->us, rp->t, &rp->f, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	for (size_t i = 0; i < rp->f.nwarnings; i++)
		warnx_("%s", rp->f.warnings[i]);
	cg_filter_init(&rp->logf);
	if (cg_unit_apply_log(&rp->us, rp->t, &rp->logf, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	if (cg_unit_apply_options(&rp->us, cg_version_number(rp->t->version), &rp->opts, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	for (size_t i = 0; i < rp->opts.nignored; i++)
		warnx_("%s: %s", rp->opts.ignored[i].where, rp->opts.ignored[i].msg);
	cg_optunit_rules(&rp->opts, rp->t, &rp->rules);
	rp->p = (struct cg_policy){.filter = &rp->f,
				   .errno_action = rp->us.errno_action,
				   .archs = rp->us.archs,
				   .log = &rp->logf,
				   .options = &rp->rules};
	if (cg_optunit_any(&rp->opts) && a->export_fmt)
		warnx_("the hardening options are loaded by run only; --export leaves them out");
	if (rp->logf.active && (a->complain || a->export_fmt))
		warnx_("SystemCallLog= is applied when enforcing only; %s leaves it out",
		       a->complain ? "--complain" : "--export");
}

static void run_policy_done(struct run_policy *rp)
{
	cg_opt_rules_done(&rp->rules);
	cg_optunit_done(&rp->opts);
	cg_filter_done(&rp->logf);
	cg_filter_done(&rp->f);
	cg_unit_settings_done(&rp->us);
	cg_table_free(rp->t);
}

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* The --complain report as JSON: a callgroups profile (profile_json.h)
 * that the input readers take back (input_json.c reads each "denied"
 * entry's abi, syscall and calls; the rest is for people and scripts). A
 * new string the caller frees. */
static char *complain_json(const struct run_args *a, const struct run_policy *rp,
			   const struct cg_run_result *r)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, CG_PROFILE_JSON_KEY,
			       json_object_new_int(CG_PROFILE_JSON_VERSION));
	json_object_object_add(j, "source", json_object_new_string("run --complain"));
	json_object_object_add(j, "systemd", json_object_new_string(rp->t->version));
	json_object *cmd = json_object_new_array();
	for (int i = 0; i < a->ncmd; i++)
		json_object_array_add(cmd, json_object_new_string(a->cmd[i]));
	json_object_object_add(j, "command", cmd);
	json_object_object_add(j, "exit_status", json_object_new_int(r->exit_code));
	json_object *den = json_object_new_array();
	for (size_t i = 0; i < r->ndenied; i++) {
		const struct cg_run_denial *d = &r->denied[i];
		json_object *dj = cg_profile_json_call(d->call.abi, d->call.name);
		json_object_object_add(
			dj, "nr", json_object_new_int64(d->call.nr & ~(long)CG_X32_SYSCALL_BIT));
		json_object_object_add(dj, "calls", json_object_new_int64((int64_t)d->call.count));
		json_object_object_add(dj, "would",
				       json_object_new_string(cg_verdict_name(d->v.verdict)));
		json_object_object_add(dj, "fix", json_object_new_string(d->v.fix));
		json_object_object_add(dj, "first_pid", json_object_new_int(d->call.first_pid));
		json_object_array_add(den, dj);
	}
	json_object_object_add(j, "denied", den);
	json_object *ref = json_object_new_array();
	json_object *fixes = json_object_new_array();
	for (size_t i = 0; i < r->nrefused; i++) {
		const struct cg_run_refusal *f = &r->refused[i];
		json_object *fj = cg_profile_json_call(f->call.abi, f->call.name);
		json_object_object_add(fj, "calls", json_object_new_int64((int64_t)f->call.count));
		json_object_object_add(
			fj, "option",
			json_object_new_string(cg_optbook_builtin()->defs[f->call.option].name));
		json_object_object_add(fj, "fact", json_object_new_string(f->fact));
		json_object_object_add(fj, "value", json_object_new_int64((int64_t)f->call.fact));
		json_object_object_add(fj, "would_fail",
				       json_object_new_string(strerrorname_np(f->call.err)));
		json_object_object_add(fj, "fix", json_object_new_string(f->fix));
		json_object_object_add(fj, "first_pid", json_object_new_int(f->call.first_pid));
		json_object_object_add(fj, "first_comm", json_object_new_string(f->call.comm));
		json_object_array_add(ref, fj);
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(r->refused[k].fix, f->fix) == 0;
		if (!dup)
			json_object_array_add(fixes, json_object_new_string(f->fix));
	}
	json_object_object_add(j, "refused", ref);
	json_object_object_add(j, "option_fix", fixes);
	json_object_object_add(j, "SystemCallFilter", jstr_or_null(r->fix.filter));
	json_object_object_add(j, "SystemCallArchitectures", jstr_or_null(r->fix.archs));
	json_object_object_add(j, "fix_verified", json_object_new_boolean(r->fix.verified));
	char *out = xasprintf("%s\n",
			      json_object_to_json_string_ext(
				      j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return out;
}

/* Says so when nothing would be loaded: a run that was meant to test a
 * filter and tests nothing. */
static void warn_unfiltered(const struct run_args *a, const struct run_policy *rp)
{
	if (a->ncmd == 0 || cg_policy_active(&rp->p))
		return;
	if (a->unit)
		fprintf(stderr,
			"callgroups run: %s sets no SystemCallFilter=, SystemCallArchitectures=, "
			"SystemCallLog= nor hardening option: the command runs unfiltered\n",
			a->unit);
	else
		fprintf(stderr,
			"callgroups run: no filter given (--filter, --unit, --architectures): "
			"the command runs unfiltered\n");
}

/* Writes the --complain report in a->fmt: to a->report when given (checked
 * before the command ran; replaced whole, never left half-written), else to
 * stderr, beside the command's own output. Dies when it cannot. */
static void write_report(const struct run_args *a, const struct run_policy *rp,
			 const struct cg_run_result *r)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (a->fmt == CG_FMT_JSON) {
		text = complain_json(a, rp, r);
		len = strlen(text);
	} else {
		FILE *m = open_memstream(&text, &len);
		if (!m)
			die(CG_EXIT_FAILURE, "cannot format the report: %s", strerror(errno));
		print_complaints(m, r);
		if (fclose(m) != 0)
			die(CG_EXIT_FAILURE, "cannot format the report: %s", strerror(errno));
	}
	if (!a->report || strcmp(a->report, "-") == 0) {
		fwrite(text, 1, len, stderr);
		return;
	}
	struct cg_error e = {0};
	if (cg_write_file_atomic(a->report, text, len, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
}

/* After an enforcing run that ended in 127: tells a loader that the filter
 * stopped from a start failure (which has its own message). */
static void warn_exited_127(const struct cg_run_result *r)
{
	if (r->exited_127)
		fprintf(stderr,
			"callgroups run: the command exited 127 after it started: the dynamic loader "
			"could not load it under the filter, or the command itself returned 127; try "
			"--complain to see which calls the filter refuses\n");
}

/* Runs the command under rp's policy and reports; returns its exit code. */
static int run_command(const struct run_args *a, const struct run_policy *rp)
{
	struct cg_run_opts o = {.policy = &rp->p,
				.table = rp->t,
				.argv = a->cmd,
				.complain = a->complain,
				.options = &rp->opts};
	struct cg_run_result r;
	struct cg_error e = {0};
	if (cg_run(&o, &r, &e) < 0)
		die_error(CG_EXIT_FAILURE, &e);
	if (r.start_failure)
		die_error(r.start_failure > 0 ? r.start_failure : CG_EXIT_FAILURE, &r.start_error);
	if (a->complain) {
		write_report(a, rp, &r);
	} else {
		print_records(&r);
		warn_exited_127(&r);
		if (r.exit_code != 0 && cg_optunit_any(&rp->opts))
			fprintf(stderr,
				"callgroups run: the command failed under hardening options, which "
				"refuse calls with an errno and leave no kernel record: run again with "
				"--complain to list what they refuse (or strace -f to see the failing "
				"call)\n");
	}
	int code = r.exit_code >= 0 ? r.exit_code : CG_EXIT_FAILURE;
	cg_run_result_done(&r);
	return code;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	int code = parse_args(argc, argv, &a);
	if (code >= 0) {
		free(a.settings);
		return code;
	}
	check_outputs(&a);
	struct run_policy rp;
	build_policy(&a, &rp);
	warn_unfiltered(&a, &rp);
	if (a.export_fmt)
		export_policy(&rp.p, a.export_fmt, a.export_file);
	code = a.ncmd > 0 ? run_command(&a, &rp) : CG_EXIT_OK;
	run_policy_done(&rp);
	free(a.settings);
	return code;
}
