/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups explain-crash: name the call behind a SIGSYS death (or a
 * SystemCallLog= record) from the kernel's audit record or a
 * systemd-coredump trace, its groups, and the line that lets it through. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crash.h"
#include "unitfile.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: callgroups explain-crash [OPTIONS] [FILE...|-]\n\n"
		   "Read seccomp records and name the system call each is about: kernel audit\n"
		   "records (type=1326 / type=SECCOMP, from dmesg, /dev/kmsg, journalctl -k or\n"
		   "audit.log), systemd-coredump stack traces (coredumpctl info, Signal: 31) and\n"
		   "\"status=31/SYS\" lines. For each: the call, its ABI, the seccomp action, the\n"
		   "groups that hold it, and with --unit the SystemCallFilter= line to add.\n"
		   "Without FILE, standard input is read when it is not a terminal, else the\n"
		   "kernel log (/dev/kmsg, also readable as FILE). Records of the same unit (or\n"
		   "command), ABI, call and action are one line with their count and first and\n"
		   "last time. Exit 1 when no record is found (or none matches the filters).\n\n"
		   "  --unit=UNIT       the unit (name or file) whose filter killed it: keeps the\n"
		   "                    records that name it or no unit, and checks its settings\n"
		   "  --root=DIR        look the unit up under DIR\n"
		   "  --pid=PID         keep the records of that process\n"
		   "  --comm=NAME       keep the records of that command name\n"
		   "  --since=TIME      keep the records at or after TIME: epoch seconds,\n"
		   "                    \"YYYY-MM-DD HH:MM:SS\" (local) or -10min, -2h, -1d;\n"
		   "                    records without a usable time are left out\n"
		   "  --systemd=SPEC    group table: auto, VERSION or FILE (default auto)\n"
		   "  --format=FORMAT   text or json (default text)\n"
		   "  --json            the same as --format=json\n"
		   "  -h, --help        show this help\n\n"
		   "Examples:\n"
		   "  dmesg | callgroups explain-crash --unit nginx.service\n"
		   "  callgroups explain-crash --since=-1h --comm=nginx /dev/kmsg\n"
		   "  coredumpctl info nginx | callgroups explain-crash --format=json -\n");
}

/* Reads every record of /dev/kmsg without blocking, as "prefix;message"
 * lines. NULL when it cannot be opened. */
static char *read_kmsg(size_t *len)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	char rec[8192];
	for (;;) {
		ssize_t r = read(fd, rec, sizeof rec - 1);
		if (r < 0 && errno == EPIPE)
			continue; /* overwritten records: go on */
		if (r <= 0)
			break;
		xgrow((void **)&buf, &cap, n + (size_t)r + 2, 1);
		memcpy(buf + n, rec, (size_t)r);
		n += (size_t)r;
		if (buf[n - 1] != '\n')
			buf[n++] = '\n';
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

static const char *what(const struct cg_crash_record *r, char *buf, size_t len)
{
	if (r->source == CG_CRASH_AUDIT && r->have_code) {
		uint32_t a = r->code & CG_SECCOMP_RET_ACTION_FULL;
		if (a == CG_SECCOMP_RET_LOG)
			return "logged, allowed (SECCOMP_RET_LOG: SystemCallLog=)";
		if (a == CG_SECCOMP_RET_ERRNO) {
			snprintf(buf, len, "failed with %s",
				 cg_errno_name((int)(r->code & 0xffff)));
			return buf;
		}
		snprintf(buf, len, "%s (%s%s)",
			 cg_crash_action_kills(r->code) ? "killed" : "stopped",
			 cg_crash_action_name(r->code), r->sig == 31 ? ", SIGSYS" : "");
		return buf;
	}
	if (r->sig == 31)
		return "killed (SIGSYS)";
	return "dumped core (signal not in the record)";
}

/* Reads every FILE (none: what is piped in, else the kernel log) into r. */
static void read_inputs(struct cg_crash_report *r, int nfiles, char **files)
{
	struct cg_error e = {0};
	const char *dflt = isatty(0) ? "/dev/kmsg" : "-";
	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? files[i] : dflt;
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		if (strcmp(path, "/dev/kmsg") == 0) {
			text = read_kmsg(&len);
			if (!text)
				die(CG_EXIT_FAILURE,
				    "cannot read /dev/kmsg (%s); give a file or - for stdin",
				    strerror(errno));
		} else if (cg_read_file(path, &text, &len, &e) < 0) {
			die_error(CG_EXIT_USAGE, &e);
		}
		const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
		if (cg_crash_report_add(r, text, len, shown, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
}

/* A time as text: local time for the epoch's clock, else since boot. */
static const char *time_str(const struct cg_crash_time *t, char *buf, size_t len)
{
	if (t->clock == CG_CRASH_CLOCK_BOOT) {
		snprintf(buf, len, "%.3fs after boot", t->sec);
		return buf;
	}
	time_t s = (time_t)t->sec;
	struct tm tm;
	if (!localtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "@%.0f", t->sec);
	return buf;
}

/* Seconds as the record gave them (at most microseconds), not as the
 * nearest binary double prints. */
static json_object *time_json(const struct cg_crash_time *t)
{
	if (!t->known)
		return NULL;
	char buf[64];
	snprintf(buf, sizeof buf, "%.6f", t->sec);
	size_t l = strlen(buf);
	while (buf[l - 1] == '0')
		buf[--l] = 0;
	if (buf[l - 1] == '.')
		buf[--l] = 0;
	return json_object_new_double_s(t->sec, buf);
}

static json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *record_json(const struct cg_crash_item *it)
{
	static const char *const src[] = {"audit", "coredump", "exit-status"};
	const struct cg_crash_record *r = &it->rec;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "source", json_object_new_string(src[r->source]));
	json_object_object_add(o, "file", json_object_new_string(it->file));
	json_object_object_add(o, "line", json_object_new_int((int)r->line));
	json_object_object_add(o, "syscall",
			       str_or_null(r->name != CG_NAME_NONE ? cg_name_str(r->name) : NULL));
	json_object_object_add(o, "abi", str_or_null(r->have_abi ? cg_abi_name(r->abi) : NULL));
	json_object_object_add(o, "nr", r->nr >= 0 ? json_object_new_int64(r->nr) : NULL);
	if (r->arch) {
		char buf[16];
		snprintf(buf, sizeof buf, "%x", r->arch);
		json_object_object_add(o, "arch", json_object_new_string(buf));
	}
	json_object_object_add(o, "action",
			       str_or_null(r->have_code ? cg_crash_action_name(r->code) : NULL));
	json_object_object_add(o, "sig", r->sig >= 0 ? json_object_new_int(r->sig) : NULL);
	json_object_object_add(o, "pid", r->pid >= 0 ? json_object_new_int64(r->pid) : NULL);
	json_object_object_add(o, "count", json_object_new_int64((int64_t)it->count));
	json_object *pids = json_object_new_array();
	for (size_t i = 0; i < it->npids; i++)
		json_object_array_add(pids, json_object_new_int64(it->pids[i]));
	json_object_object_add(o, "pids", pids);
	const char *clock = it->first.clock == CG_CRASH_CLOCK_BOOT ? "boot" : "realtime";
	json_object_object_add(o, "clock", it->first.known ? json_object_new_string(clock) : NULL);
	json_object_object_add(o, "first", time_json(&it->first));
	json_object_object_add(o, "last", time_json(&it->last));
	json_object_object_add(o, "comm", str_or_null(r->comm));
	json_object_object_add(o, "exe", str_or_null(r->exe));
	json_object_object_add(o, "unit", str_or_null(r->unit));
	json_object_object_add(o, "function", str_or_null(r->function));
	json_object *groups = json_object_new_array();
	for (size_t g = 0; g < it->ngroups; g++)
		json_object_array_add(groups, json_object_new_string(it->groups[g]->name));
	json_object_object_add(o, "groups", groups);
	json_object_object_add(o, "fix", str_or_null(it->fix));
	return o;
}

static void print_json(const struct cg_crash_report *r)
{
	char buf[128];
	json_object *j = json_object_new_object();
	json_object_object_add(j, "table",
			       json_object_new_string(cg_table_label(r->table, buf, sizeof buf)));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < r->nitems; i++)
		json_object_array_add(arr, record_json(&r->items[i]));
	json_object_object_add(j, "records", arr);
	json_object_object_add(j, "records_read", json_object_new_int64((int64_t)r->nread));
	json_object_object_add(j, "records_matched", json_object_new_int64((int64_t)r->nmatched));
	json_object_object_add(j, "records_time_unknown",
			       json_object_new_int64((int64_t)r->ntime_unknown));
	json_object_object_add(j, "records_without_call",
			       json_object_new_int64((int64_t)r->nstopped_unnamed));
	const struct cg_crash_filter *f = &r->filter;
	json_object *fo = json_object_new_object();
	if (f->pid >= 0)
		json_object_object_add(fo, "pid", json_object_new_int64(f->pid));
	if (f->comm)
		json_object_object_add(fo, "comm", json_object_new_string(f->comm));
	if (f->unit)
		json_object_object_add(fo, "unit", json_object_new_string(f->unit));
	if (f->have_since)
		json_object_object_add(fo, "since", json_object_new_double(f->since));
	json_object_object_add(j, "filter", fo);
	if (r->have_unit) {
		json_object_object_add(j, "unit", json_object_new_string(r->unit));
		json_object *fx = json_object_new_array();
		for (size_t i = 0; i < r->check.nfix; i++)
			json_object_array_add(fx, json_object_new_string(r->check.fix_lines[i]));
		json_object_object_add(j, "fix", fx);
		json_object_object_add(j, "fix_verified",
				       json_object_new_boolean(r->check.fix_verified));
	}
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static void print_record(const struct cg_crash_item *it, const struct cg_table *t)
{
	const struct cg_crash_record *r = &it->rec;
	char buf[128];
	printf("%s:%u: ", it->file, r->line);
	if (it->count > 1)
		printf("%zu\u00d7 ", it->count);
	if (r->comm[0])
		printf("%s", r->comm);
	if (it->npids == 1) {
		printf("%s(pid %ld)", r->comm[0] ? " " : "", it->pids[0]);
	} else if (it->npids > 1) {
		printf("%s(pids", r->comm[0] ? " " : "");
		for (size_t i = 0; i < it->npids && i < 5; i++)
			printf("%s %ld", i ? "," : "", it->pids[i]);
		printf("%s)", it->npids > 5 ? ", ..." : "");
	}
	if (r->unit[0])
		printf("%s[%s]", r->comm[0] || it->npids ? " " : "", r->unit);
	printf(": %s", what(r, buf, sizeof buf));
	if (r->name != CG_NAME_NONE)
		printf(" at %s (%s, nr %ld)\n", cg_name_str(r->name),
		       r->have_abi ? cg_abi_name(r->abi) : "?", r->nr);
	else if (r->source == CG_CRASH_AUDIT)
		printf(" at syscall %ld of arch %x, unknown to the local libseccomp\n", r->nr,
		       r->arch);
	else if (r->function[0])
		printf(" in %s(), which this tool cannot map to a system call\n", r->function);
	else
		printf("; the record does not name the call: look for the kernel's "
		       "type=1326 record (dmesg, journalctl -k)\n");
	if (it->count > 1 && it->first.known) {
		char b2[64];
		time_str(&it->first, buf, sizeof buf);
		time_str(&it->last, b2, sizeof b2);
		if (strcmp(buf, b2) == 0)
			printf("  all at %s\n", buf);
		else
			printf("  first %s, last %s\n", buf, b2);
	}
	if (r->function[0] && r->name != CG_NAME_NONE)
		printf("  libc function %s() makes %s\n", r->function, cg_name_str(r->name));
	if (r->name == CG_NAME_NONE)
		return;
	printf("  groups (%s):", cg_table_label(t, buf, sizeof buf));
	for (size_t g = 0; g < it->ngroups; g++)
		printf(" %s", it->groups[g]->name);
	printf("%s\n", it->ngroups ? "" : " none");
}

/* " --pid 1234 --comm nginx": the filters given, as the user gave them. */
struct crash_opts {
	const char *unit, *root, *spec, *since, *comm, *pid;
	bool json;
};

static void print_filter(const struct cg_crash_report *r, const struct crash_opts *o)
{
	if (!o->pid && !o->comm && !o->unit && !o->since)
		return;
	printf("%zu of %zu %s", r->nmatched, r->nread,
	       r->nread == 1 ? "record matches" : "records match");
	if (o->pid)
		printf(" --pid %s", o->pid);
	if (o->comm)
		printf(" --comm %s", o->comm);
	if (o->unit)
		printf(" --unit %s", r->filter.unit);
	if (o->since)
		printf(" --since '%s'", o->since);
	printf(".\n");
	if (r->ntime_unknown)
		printf("%zu record%s left out: %s time is unknown, which --since needs.\n",
		       r->ntime_unknown, r->ntime_unknown == 1 ? "" : "s",
		       r->ntime_unknown == 1 ? "its" : "their");
	if (r->nunit_unnamed)
		printf("%zu of them name%s no unit (the kernel's records never do): kept, as they "
		       "may be %s's.\n",
		       r->nunit_unnamed, r->nunit_unnamed == 1 ? "s" : "", r->filter.unit);
	printf("\n");
}

/* What to do when the records say that the unit was killed, not by which
 * call. */
static void print_find_the_call(const struct cg_crash_report *r)
{
	const char *u = r->unit;
	printf("\nNo record here names the call that stopped %s: they say that it was killed "
	       "(status=31/SYS), not by which call. To find the call:\n"
	       "  journalctl -k | callgroups explain-crash --unit %s\n"
	       "      the kernel's audit record (type=1326; with auditd: ausearch -m SECCOMP)\n"
	       "  coredumpctl info COREDUMP_UNIT=%s | callgroups explain-crash --unit %s\n"
	       "      the core dump's stack trace\n"
	       "  callgroups run --unit %s --complain -- CMD\n"
	       "      every call the unit's filter would deny, without killing CMD\n",
	       u, u, u, u, u);
}

/* The hardening options refuse with an errno and leave no record at all. */
static void print_errno_refusals(void)
{
	printf("\nA call that fails with an errno (EPERM, EAFNOSUPPORT, ENOSYS, EACCES) under\n"
	       "RestrictAddressFamilies=, RestrictNamespaces=, MemoryDenyWriteExecute= and the\n"
	       "other hardening options leaves no kernel record. To find it:\n"
	       "  callgroups run --unit UNIT --complain -- CMD\n"
	       "      every call the unit's options (and filter) would refuse, with its fact,\n"
	       "      process and the line that lets it through\n"
	       "  strace -f -e trace=socket,unshare,clone,clone3,setns,mmap,mprotect,chmod CMD\n"
	       "      the failing call and its errno\n"
	       "  callgroups check UNIT PROFILE\n"
	       "      with a trace of CMD: which observed call the options would refuse\n");
}

static void print_text(const struct cg_crash_report *r, const struct crash_opts *o)
{
	print_filter(r, o);
	if (!r->nread) {
		printf("No seccomp record found (kernel audit type=1326, coredump with "
		       "Signal: 31, or status=31/SYS).\n");
		print_errno_refusals();
	} else if (!r->nitems)
		printf("No seccomp record matches.\n");
	for (size_t i = 0; i < r->nitems; i++)
		print_record(&r->items[i], r->table);
	if (!r->have_unit)
		return;
	const struct cg_check_result *cr = &r->check;
	if (cr->nfix) {
		printf("\nTo let %s through in %s, add (e.g. systemctl edit %s):\n[Service]\n",
		       cr->ndenials == 1 ? "it" : "them", r->unit, r->unit);
		for (size_t i = 0; i < cr->nfix; i++)
			printf("%s\n", cr->fix_lines[i]);
		if (!cr->fix_verified)
			printf("(warning: some calls stay denied even with these lines)\n");
	} else if (r->nstopped_unnamed && !r->nstopped_named) {
		/* Not "allows every call named here": no call is named, and
		 * that would be true of nothing. */
		print_find_the_call(r);
	} else if (r->nitems) {
		printf("\n%s already allows every call named here: the crash came from "
		       "another filter or an older version of the unit.\n",
		       r->unit);
	}
}

static long parse_pid(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die(CG_EXIT_USAGE, "--pid=%s: expected a process id", s);
	return v;
}

/* The epoch time of boot (/proc/stat btime), for dmesg's since-boot
 * times; 0 when unknown. */
static double boot_time(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/stat", "re");
	char line[256];
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "btime ", 6) == 0)
			return strtod(line + 6, NULL);
	return 0;
}

static int parse_options(int argc, char **argv, struct crash_opts *o)
{
	enum {
		OPT_UNIT = 256,
		OPT_ROOT,
		OPT_SYSTEMD,
		OPT_JSON,
		OPT_FORMAT,
		OPT_SINCE,
		OPT_PID,
		OPT_COMM
	};
	static const struct option longopts[] = {
		{"unit", required_argument, NULL, OPT_UNIT},
		{"root", required_argument, NULL, OPT_ROOT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"json", no_argument, NULL, OPT_JSON},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"since", required_argument, NULL, OPT_SINCE},
		{"pid", required_argument, NULL, OPT_PID},
		{"comm", required_argument, NULL, OPT_COMM},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_UNIT:
			o->unit = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_SYSTEMD:
			o->spec = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_FORMAT:
			o->json = cli_parse_format(optarg, false) == CG_FMT_JSON;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_PID:
			o->pid = optarg;
			break;
		case OPT_COMM:
			o->comm = optarg;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	return -1;
}

int cmd_explain_crash(int argc, char **argv)
{
	struct crash_opts o = {0};
	int rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	struct cg_error e = {0};
	struct cg_crash_filter f = {.pid = o.pid ? parse_pid(o.pid) : -1, .comm = o.comm};
	if (o.since) {
		f.have_since = true;
		f.boot_time = boot_time();
		if (cg_crash_parse_since(o.since, time(NULL), &f.since, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
	/* The unit first: its name filters the records. */
	struct cg_unit_settings u;
	cg_unit_settings_init(&u);
	if (o.unit) {
		if (cg_unit_load(o.unit, o.root, &u, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		f.unit = u.name ? u.name : o.unit;
	}
	const struct cg_table *t = cli_load_table(o.spec);
	struct cg_crash_report r;
	cg_crash_report_init(&r, t);
	cg_crash_report_set_filter(&r, &f);
	read_inputs(&r, argc - optind, argv + optind);

	/* The fix: every call that was stopped (not merely logged), checked
	 * against the unit's settings. */
	if (o.unit && cg_crash_report_explain(&r, &u, &e) < 0)
		die_error(CG_EXIT_USAGE, &e);
	cg_unit_settings_done(&u);
	if (o.json)
		print_json(&r);
	else
		print_text(&r, &o);
	rc = r.nitems ? CG_EXIT_OK : CG_EXIT_DENIED;
	cg_crash_report_done(&r);
	cg_table_free(t);
	return rc;
}
