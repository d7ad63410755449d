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

#include "check.h"
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

struct rec {
	struct cg_crash_record r;
	const char *file;
};

static json_object *groups_json(const struct cg_table *t, cg_name name)
{
	json_object *a = json_object_new_array();
	for (size_t g = 0; name != CG_NAME_NONE && g < t->ngroups; g++)
		if (strcmp(t->groups[g].name, "@known") != 0 &&
		    cg_group_has(t, &t->groups[g], name))
			json_object_array_add(a, json_object_new_string(t->groups[g].name));
	return a;
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
	struct cg_error e = {0};

	struct rec *recs = NULL;
	size_t nrecs = 0;
	int nfiles = argc - optind;
	/* No FILE: what is piped in, else the kernel log. */
	const char *dflt = isatty(0) ? "/dev/kmsg" : "-";
	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? argv[optind + i] : dflt;
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
		struct cg_crash_record *v;
		size_t n;
		const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
		if (cg_crash_parse(text, len, shown, &v, &n, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		recs = xrealloc(recs, (nrecs + n + 1) * sizeof *recs);
		for (size_t k = 0; k < n; k++)
			recs[nrecs++] = (struct rec){v[k], shown};
		free(v);
	}

	/* The fix: every call that was stopped (not merely logged), checked
	 * against the unit's settings. */
	struct cg_unit_settings u;
	cg_unit_settings_init(&u);
	struct cg_check_result cr;
	cg_check_result_init(&cr);
	bool have_unit = false;
	if (unit) {
		if (cg_unit_load(unit, root, &u, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		_cleanup_profile_ struct cg_profile *p = cg_profile_new();
		for (size_t i = 0; i < nrecs; i++) {
			const struct cg_crash_record *r = &recs[i].r;
			bool logged = r->have_code &&
				      (r->code & CG_SECCOMP_RET_ACTION_FULL) == CG_SECCOMP_RET_LOG;
			if (r->name != CG_NAME_NONE && r->have_abi && !logged)
				cg_profile_add(p, r->abi, r->name, 1, 0);
		}
		if (cg_check_run(&u, t, p, &cr, &e) < 0)
			die_error(CG_EXIT_USAGE, &e);
		have_unit = true;
	}

	char buf[128];
	if (json) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "table", json_object_new_string(cg_table_label(t, buf, sizeof buf)));
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < nrecs; i++) {
			const struct cg_crash_record *r = &recs[i].r;
			json_object *o = json_object_new_object();
			static const char *const src[] = {"audit", "coredump", "exit-status"};
			json_object_object_add(o, "source", json_object_new_string(src[r->source]));
			json_object_object_add(o, "file", json_object_new_string(recs[i].file));
			json_object_object_add(o, "line", json_object_new_int((int)r->line));
			json_object_object_add(o, "syscall", r->name != CG_NAME_NONE
					? json_object_new_string(cg_name_str(r->name)) : NULL);
			json_object_object_add(o, "abi", r->have_abi ? json_object_new_string(cg_abi_name(r->abi)) : NULL);
			json_object_object_add(o, "nr", r->nr >= 0 ? json_object_new_int64(r->nr) : NULL);
			if (r->arch) {
				snprintf(buf, sizeof buf, "%x", r->arch);
				json_object_object_add(o, "arch", json_object_new_string(buf));
			}
			json_object_object_add(o, "action", r->have_code
					? json_object_new_string(cg_crash_action_name(r->code)) : NULL);
			json_object_object_add(o, "sig", r->sig >= 0 ? json_object_new_int(r->sig) : NULL);
			json_object_object_add(o, "pid", r->pid >= 0 ? json_object_new_int64(r->pid) : NULL);
			json_object_object_add(o, "comm", r->comm[0] ? json_object_new_string(r->comm) : NULL);
			json_object_object_add(o, "exe", r->exe[0] ? json_object_new_string(r->exe) : NULL);
			json_object_object_add(o, "unit", r->unit[0] ? json_object_new_string(r->unit) : NULL);
			json_object_object_add(o, "function", r->function[0] ? json_object_new_string(r->function) : NULL);
			json_object_object_add(o, "groups", groups_json(t, r->name));
			const char *fix = NULL;
			for (size_t k = 0; have_unit && k < cr.ndenials; k++)
				if (cr.denials[k].name == r->name && cr.denials[k].abi == r->abi)
					fix = cr.denials[k].fix;
			json_object_object_add(o, "fix", fix ? json_object_new_string(fix) : NULL);
			json_object_array_add(arr, o);
		}
		json_object_object_add(j, "records", arr);
		if (have_unit) {
			json_object_object_add(j, "unit", json_object_new_string(u.name));
			json_object *fx = json_object_new_array();
			for (size_t i = 0; i < cr.nfix; i++)
				json_object_array_add(fx, json_object_new_string(cr.fix_lines[i]));
			json_object_object_add(j, "fix", fx);
			json_object_object_add(j, "fix_verified", json_object_new_boolean(cr.fix_verified));
		}
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		if (!nrecs)
			printf("No seccomp record found (kernel audit type=1326, coredump with "
			       "Signal: 31, or status=31/SYS).\n");
		for (size_t i = 0; i < nrecs; i++) {
			const struct cg_crash_record *r = &recs[i].r;
			char wb[128];
			printf("%s:%u: ", recs[i].file, r->line);
			if (r->comm[0])
				printf("%s", r->comm);
			if (r->pid >= 0)
				printf("%s(pid %ld)", r->comm[0] ? " " : "", r->pid);
			if (r->unit[0])
				printf(" [%s]", r->unit);
			printf(": %s", what(r, wb, sizeof wb));
			if (r->name != CG_NAME_NONE)
				printf(" at %s (%s, nr %ld)\n", cg_name_str(r->name),
				       r->have_abi ? cg_abi_name(r->abi) : "?", r->nr);
			else if (r->source == CG_CRASH_AUDIT)
				printf(" at syscall %ld of arch %x, unknown to the local libseccomp\n",
				       r->nr, r->arch);
			else if (r->function[0])
				printf(" in %s(), which this tool cannot map to a system call\n",
				       r->function);
			else
				printf("; the record does not name the call: look for the kernel's "
				       "type=1326 record (dmesg, journalctl -k)\n");
			if (r->function[0] && r->name != CG_NAME_NONE)
				printf("  libc function %s() makes %s\n", r->function, cg_name_str(r->name));
			if (r->name != CG_NAME_NONE) {
				printf("  groups (%s):", cg_table_label(t, buf, sizeof buf));
				size_t ng = 0;
				for (size_t g = 0; g < t->ngroups; g++)
					if (strcmp(t->groups[g].name, "@known") != 0 &&
					    cg_group_has(t, &t->groups[g], r->name)) {
						printf(" %s", t->groups[g].name);
						ng++;
					}
				printf("%s\n", ng ? "" : " none");
			}
		}
		if (have_unit) {
			if (cr.nfix) {
				printf("\nTo let %s through in %s, add (e.g. systemctl edit %s):\n[Service]\n",
				       cr.ndenials == 1 ? "it" : "them", u.name, u.name);
				for (size_t i = 0; i < cr.nfix; i++)
					printf("%s\n", cr.fix_lines[i]);
				if (!cr.fix_verified)
					printf("(warning: some calls stay denied even with these lines)\n");
			} else if (nrecs) {
				printf("\n%s already allows every call named here: the crash came from "
				       "another filter or an older version of the unit.\n", u.name);
			}
		}
	}
	int rc = nrecs ? CG_EXIT_OK : CG_EXIT_DENIED;
	cg_check_result_done(&cr);
	cg_unit_settings_done(&u);
	free(recs);
	cg_table_free(t);
	return rc;
}
