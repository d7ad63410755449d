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
	fprintf(f,
		"Usage: callgroups explain-crash [OPTIONS] [FILE...|-]\n\n"
		"Read seccomp records and name the system call each is about: kernel audit\n"
		"records (type=1326 / type=SECCOMP, from dmesg, /dev/kmsg, journalctl -k or\n"
		"audit.log), systemd-coredump stack traces (coredumpctl info, Signal: 31) and\n"
		"\"status=31/SYS\" lines. For each: the call, its ABI, the seccomp action, the\n"
		"groups that hold it, and with --unit the SystemCallFilter= line to add.\n"
		"Without FILE, standard input is read when it is not a terminal, else the\n"
		"kernel log (/dev/kmsg, also readable as FILE). Exit 1 when no record is found.\n\n"
		"  --unit=UNIT       the unit (name or file) whose filter killed it\n"
		"  --root=DIR        look the unit up under DIR\n"
		"  --systemd=SPEC    group table: auto, VERSION or FILE (default auto)\n"
		"  --json            print JSON\n"
		"  -h, --help        show this help\n\n"
		"Examples:\n"
		"  dmesg | callgroups explain-crash --unit nginx.service\n"
		"  callgroups explain-crash /dev/kmsg\n"
		"  coredumpctl info nginx | callgroups explain-crash -\n");
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
			snprintf(buf, len, "failed with %s", cg_errno_name((int)(r->code & 0xffff)));
			return buf;
		}
		snprintf(buf, len, "%s (%s%s)", cg_crash_action_kills(r->code) ? "killed" : "stopped",
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
				die(CG_EXIT_FAILURE, "cannot read /dev/kmsg (%s); give a file or - for stdin",
				    strerror(errno));
		} else if (cg_read_file(path, &text, &len, &e) < 0) {
			die_error(CG_EXIT_USAGE, &e);
		}
		const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
		if (cg_crash_report_add(r, text, len, shown, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
	}
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
	if (r->comm[0])
		printf("%s", r->comm);
	if (r->pid >= 0)
		printf("%s(pid %ld)", r->comm[0] ? " " : "", r->pid);
	if (r->unit[0])
		printf(" [%s]", r->unit);
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
	if (r->function[0] && r->name != CG_NAME_NONE)
		printf("  libc function %s() makes %s\n", r->function, cg_name_str(r->name));
	if (r->name == CG_NAME_NONE)
		return;
	printf("  groups (%s):", cg_table_label(t, buf, sizeof buf));
	for (size_t g = 0; g < it->ngroups; g++)
		printf(" %s", it->groups[g]->name);
	printf("%s\n", it->ngroups ? "" : " none");
}

static void print_text(const struct cg_crash_report *r)
{
	if (!r->nitems)
		printf("No seccomp record found (kernel audit type=1326, coredump with "
		       "Signal: 31, or status=31/SYS).\n");
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
	} else if (r->nitems) {
		printf("\n%s already allows every call named here: the crash came from "
		       "another filter or an older version of the unit.\n", r->unit);
	}
}

int cmd_explain_crash(int argc, char **argv)
{
	enum { OPT_UNIT = 256, OPT_ROOT, OPT_SYSTEMD, OPT_JSON };
	static const struct option longopts[] = {
		{"unit", required_argument, NULL, OPT_UNIT},
		{"root", required_argument, NULL, OPT_ROOT},
		{"systemd", required_argument, NULL, OPT_SYSTEMD},
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *unit = NULL, *root = NULL, *spec = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_UNIT:
			unit = optarg;
			break;
		case OPT_ROOT:
			root = optarg;
			break;
		case OPT_SYSTEMD:
			spec = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			usage(stdout);
			return CG_EXIT_OK;
		default:
			usage(stderr);
			return CG_EXIT_USAGE;
		}
	}
	const struct cg_table *t = cli_load_table(spec);
	struct cg_crash_report r;
	cg_crash_report_init(&r, t);
	read_inputs(&r, argc - optind, argv + optind);

	/* The fix: every call that was stopped (not merely logged), checked
	 * against the unit's settings. */
	if (unit) {
		struct cg_error e = {0};
		struct cg_unit_settings u;
		cg_unit_settings_init(&u);
		if (cg_unit_load(unit, root, &u, &e) < 0 || cg_crash_report_explain(&r, &u, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		cg_unit_settings_done(&u);
	}
	if (json)
		print_json(&r);
	else
		print_text(&r);
	int rc = r.nitems ? CG_EXIT_OK : CG_EXIT_DENIED;
	cg_crash_report_done(&r);
	cg_table_free(t);
	return rc;
}
