/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The learning loop's state: see harden.h. */
#include "harden.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "exposure.h"
#include "optcheck.h"
#include "options.h"
#include "profile_json.h"
#include "spawn.h"
#include "unitfile.h"

/* Where the profiles go, below the root. */
#define STATE_DIR "/var/lib/callgroups"
/* A file in the state directory that says callgroups created UNIT.d. */
#define MADE_DIR_MARK "dropin-dir-created"
#define MADE_RUN_DIR_MARK "run-dropin-dir-created"

/* ---- names and paths ------------------------------------------------------ */

static bool unit_char(char c)
{
	return isalnum((unsigned char)c) || strchr(":-_.@\\", c);
}

static const char *const unit_types[] = {".service", ".socket", ".mount", ".swap"};

static bool has_type_suffix(const char *u)
{
	const char *dot = strrchr(u, '.');
	for (size_t i = 0; dot && i < ELEMENTSOF(unit_types); i++)
		if (strcmp(dot, unit_types[i]) == 0)
			return true;
	return false;
}

int cg_harden_paths_init(struct cg_harden_paths *p, const char *root, const char *unit,
			 struct cg_error *e)
{
	memset(p, 0, sizeof(*p));
	if (!*unit || strlen(unit) > 200 || unit[0] == '.' || unit[0] == '-') {
		cg_error_set(e, "", 0, "'%s' is not a unit name", unit);
		return -EINVAL;
	}
	for (const char *c = unit; *c; c++)
		if (!unit_char(*c)) {
			cg_error_set(e, "", 0, "'%s' is not a unit name (character '%c')", unit,
				     *c);
			return -EINVAL;
		}
	_cleanup_free_ char *name =
		has_type_suffix(unit) ? xstrdup(unit) : xasprintf("%s.service", unit);
	const char *at = strchr(name, '@');
	if (at && at[1] == '.') {
		cg_error_set(e, "", 0, "%s is a template: name an instance of it (%.*s@INSTANCE%s)",
			     name, (int)(at - name), name, strrchr(name, '.'));
		return -EINVAL;
	}
	if (!root || !*root || strcmp(root, "/") == 0)
		root = "";
	p->unit = steal_pointer(&name);
	p->state = xasprintf("%s" STATE_DIR "/%s", root, p->unit);
	p->dropin_dir = xasprintf("%s/etc/systemd/system/%s.d", root, p->unit);
	p->dropin = xasprintf("%s/" CG_HARDEN_DROPIN, p->dropin_dir);
	p->run_dir = xasprintf("%s/run/systemd/system/%s.d", root, p->unit);
	p->run_dropin = xasprintf("%s/" CG_HARDEN_TRACE_DROPIN, p->run_dir);
	p->systemd_run = xasprintf("%s/run/systemd/system", root);
	p->display_drop = xasprintf("/etc/systemd/system/%s.d/" CG_HARDEN_DROPIN, p->unit);
	return 0;
}

void cg_harden_paths_done(struct cg_harden_paths *p)
{
	free(p->unit);
	free(p->state);
	free(p->dropin_dir);
	free(p->dropin);
	free(p->run_dir);
	free(p->run_dropin);
	free(p->systemd_run);
	free(p->display_drop);
	memset(p, 0, sizeof(*p));
}

static void copy_str(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
}

/* ---- systemctl ------------------------------------------------------------ */

int cg_harden_systemctl(const char *const *args, char **out, struct cg_error *e)
{
	const char *argv[16] = {"systemctl"};
	size_t n = 1;
	for (; args[n - 1] && n < ELEMENTSOF(argv) - 1; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	size_t len;
	int code;
	char *text = cg_spawn_capture((char *const *)argv, NULL, &len, &code);
	if (!text || code != 0) {
		char cmd[256] = "systemctl";
		for (size_t i = 1; i < n; i++) {
			size_t l = strlen(cmd);
			snprintf(cmd + l, sizeof(cmd) - l, " %s", argv[i]);
		}
		cg_error_set(e, "", 0, "'%s' failed (%s %d)", cmd,
			     text ? "exit status" : "could not run it, status", code);
		free(text);
		return -EIO;
	}
	if (out)
		*out = text;
	else
		free(text);
	return 0;
}

static void copy_value(char *dst, size_t len, const char *v, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

void cg_harden_unit_parse_show(const char *text, struct cg_harden_unit *u)
{
	memset(u, 0, sizeof(*u));
	for (const char *l = text; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		const char *eq = memchr(l, '=', n);
		if (eq) {
			size_t k = (size_t)(eq - l), vn = n - k - 1;
			const char *v = eq + 1;
#define KEY(s) (k == strlen(s) && strncmp(l, s, k) == 0)
			if (KEY("LoadState"))
				copy_value(u->load_state, sizeof(u->load_state), v, vn);
			else if (KEY("ActiveState"))
				copy_value(u->active_state, sizeof(u->active_state), v, vn);
			else if (KEY("Type"))
				copy_value(u->type, sizeof(u->type), v, vn);
			else if (KEY("ControlGroup"))
				copy_value(u->cgroup, sizeof(u->cgroup), v, vn);
			else if (KEY("MainPID"))
				u->main_pid = strtol(v, NULL, 10);
			else if (KEY("Delegate"))
				u->delegate = vn == 3 && strncmp(v, "yes", 3) == 0;
#undef KEY
		}
		l = end ? end + 1 : NULL;
	}
}

int cg_harden_unit_query(const struct cg_harden_paths *p, struct cg_harden_unit *u,
			 struct cg_error *e)
{
	const char *args[] = {
		"show", "-p",	 "LoadState,ActiveState,Type,ControlGroup,MainPID,Delegate",
		"--",	p->unit, NULL};
	_cleanup_free_ char *out = NULL;
	int r = cg_harden_systemctl(args, &out, e);
	if (r < 0)
		return r;
	cg_harden_unit_parse_show(out, u);
	return 0;
}

char *cg_harden_cgroup_dir(const char *cg, struct cg_error *e)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	for (size_t i = 0; cg[0] == '/' && i < ELEMENTSOF(roots); i++) {
		_cleanup_free_ char *dir = xasprintf("%s%s", roots[i], strcmp(cg, "/") ? cg : "");
		_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir);
		_cleanup_free_ char *ctl = xasprintf("%s/cgroup.controllers", dir);
		/* cgroup.controllers exists in cgroup v2 directories only */
		if (access(procs, R_OK) == 0 && access(ctl, F_OK) == 0)
			return steal_pointer(&dir);
	}
	cg_error_set(e, "", 0, "no cgroup v2 directory for ControlGroup=%s under /sys/fs/cgroup",
		     cg);
	return NULL;
}

int cg_harden_refusal(const struct cg_harden_paths *p, bool need_running, struct cg_harden_unit *u,
		      struct cg_error *e)
{
	if (geteuid() != 0) {
		cg_error_set(e, "", 0,
			     "must run as root (it traces %s and writes its configuration)",
			     p->unit);
		return -EPERM;
	}
	struct stat st;
	if (stat(p->systemd_run, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cg_error_set(e, "", 0,
			     "systemd does not run as PID 1 here (no %s): there is no unit to "
			     "harden; 'callgroups trace -- COMMAND' records a program",
			     p->systemd_run);
		return -ENOMEDIUM;
	}
	int r = cg_harden_unit_query(p, u, e);
	if (r < 0)
		return r;
	if (strcmp(u->load_state, "loaded") != 0) {
		cg_error_set(e, "", 0, "unit %s not found (LoadState=%s)", p->unit,
			     u->load_state[0] ? u->load_state : "unknown");
		return -ENOENT;
	}
	if (u->delegate) {
		cg_error_set(e, "", 0,
			     "%s has Delegate=yes: it manages cgroups of its own (a container "
			     "manager?), whose processes a unit filter does not describe",
			     p->unit);
		return -EBUSY;
	}
	if (need_running && strcmp(u->active_state, "active") != 0) {
		cg_error_set(e, "", 0, "%s is not running (ActiveState=%s): start it first",
			     p->unit, u->active_state[0] ? u->active_state : "unknown");
		return -ESRCH;
	}
	return 0;
}

int cg_harden_refusal_cgroup(const char *dir, struct cg_harden_unit *u, struct cg_error *e)
{
	static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	memset(u, 0, sizeof(*u));
	if (geteuid() != 0) {
		cg_error_set(e, "", 0, "must run as root (it traces the cgroup %s)", dir);
		return -EPERM;
	}
	char real[PATH_MAX];
	_cleanup_free_ char *ctl = xasprintf("%s/cgroup.controllers", dir);
	if (!realpath(dir, real) || access(ctl, F_OK) < 0) {
		cg_error_set(e, dir, 0, "not a cgroup v2 directory");
		return -ENOENT;
	}
	for (size_t i = 0; i < ELEMENTSOF(mounts); i++) {
		size_t n = strlen(mounts[i]);
		if (strncmp(real, mounts[i], n) == 0 && (real[n] == '/' || !real[n])) {
			copy_str(u->cgroup, sizeof u->cgroup, real[n] ? real + n : "/");
			copy_str(u->load_state, sizeof u->load_state, "loaded");
			copy_str(u->active_state, sizeof u->active_state, "active");
			return 0;
		}
	}
	cg_error_set(e, dir, 0, "not under /sys/fs/cgroup");
	return -ENOENT;
}

/* ---- sessions ------------------------------------------------------------- */

static double now_epoch(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cg_harden_session_init(struct cg_harden_session *s, const char *source, const char *backend)
{
	memset(s, 0, sizeof(*s));
	copy_str(s->source, sizeof(s->source), source);
	copy_str(s->backend, sizeof(s->backend), backend);
	s->started = s->ended = now_epoch();
	s->calls = cg_profile_new();
	s->manager = cg_profile_new();
}

void cg_harden_session_done(struct cg_harden_session *s)
{
	cg_profile_free(s->calls);
	cg_profile_free(s->manager);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

static struct cg_harden_seen *find_seen(const struct cg_harden_session *s, enum cg_abi abi,
					cg_name name)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen[i].abi == abi && s->seen[i].name == name)
			return &s->seen[i];
	return NULL;
}

void cg_harden_session_note(struct cg_harden_session *s, enum cg_abi abi, cg_name name, double t)
{
	struct cg_harden_seen *x = find_seen(s, abi, name);
	if (x) {
		if (t < x->first)
			x->first = t;
		return;
	}
	xgrow((void **)&s->seen, &s->seen_cap, s->nseen + 1, sizeof(*s->seen));
	s->seen[s->nseen++] = (struct cg_harden_seen){.abi = abi, .name = name, .first = t};
}

double cg_harden_session_first(const struct cg_harden_session *s, enum cg_abi abi, cg_name name)
{
	const struct cg_harden_seen *x = find_seen(s, abi, name);
	return x ? x->first : -1;
}

size_t cg_harden_session_update(struct cg_harden_session *s, const struct cg_profile *now, double t)
{
	size_t fresh = 0;
	struct cg_profile *p = cg_profile_new();
	for (size_t i = 0; i < cg_profile_count(now); i++) {
		const struct cg_profile_entry *x = cg_profile_at(now, i);
		cg_profile_add(p, x->abi, x->name, x->calls, x->errors);
		if (!find_seen(s, x->abi, x->name)) {
			cg_harden_session_note(s, x->abi, x->name, t);
			fresh++;
		}
	}
	/* The argument evidence (what the hardening options turn on) comes
	 * along: the bpf backend reads it when the trace ends. */
	cg_evidence_merge(cg_profile_evidence(p), cg_profile_evidence_c(now));
	cg_profile_free(s->calls);
	s->calls = p;
	s->ended = t;
	return fresh;
}

static void json_putp(json_object **j)
{
	if (*j)
		json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_putp)

/* The entries of p as {"abi", "syscall", "calls", "errors"}, with
 * "first_seen" from s when s is given. */
static json_object *calls_json(const struct cg_profile *p, const struct cg_harden_session *s)
{
	json_object *calls = json_object_new_array();
	for (size_t i = 0; i < cg_profile_count(p); i++) {
		const struct cg_profile_entry *x = cg_profile_at(p, i);
		json_object *c = cg_profile_json_call(x->abi, x->name);
		json_object_object_add(c, "calls", json_object_new_int64((int64_t)x->calls));
		json_object_object_add(c, "errors", json_object_new_int64((int64_t)x->errors));
		if (s) {
			double first = cg_harden_session_first(s, x->abi, x->name);
			json_object_object_add(
				c, "first_seen",
				json_object_new_double(first >= 0 ? first : s->ended));
		}
		json_object_array_add(calls, c);
	}
	return calls;
}

char *cg_harden_session_format(const struct cg_harden_session *s, const char *unit)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, CG_PROFILE_JSON_KEY,
			       json_object_new_int(CG_PROFILE_JSON_VERSION));
	json_object_object_add(j, "source", json_object_new_string("harden"));
	json_object_object_add(j, "unit", json_object_new_string(unit));
	json_object_object_add(j, "session", json_object_new_string(s->source));
	json_object_object_add(j, "backend", json_object_new_string(s->backend));
	json_object_object_add(j, "started", json_object_new_double(s->started));
	json_object_object_add(j, "ended", json_object_new_double(s->ended));
	json_object_object_add(j, "main_pid", json_object_new_int64(s->main_pid));
	json_object_object_add(j, "calls", calls_json(s->calls, s));
	if (s->manager && cg_profile_count(s->manager) > 0)
		json_object_object_add(j, "manager_calls", calls_json(s->manager, NULL));
	/* The evidence section of a trace table (evidence.h), one string per
	 * line, when the session's tracer saw call arguments. */
	json_object *ev = cg_profile_json_evidence(cg_profile_evidence_c(s->calls));
	if (ev)
		json_object_object_add(j, "evidence", ev);
	char *out = xasprintf("%s\n",
			      json_object_to_json_string_ext(
				      j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return out;
}

static bool get_time(json_object *o, const char *key, double *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return false;
	*out = json_object_get_double(v);
	return isfinite(*out) && *out >= 0;
}

static bool get_string(json_object *o, const char *key, char *dst, size_t len)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	copy_str(dst, len, json_object_get_string(v));
	return true;
}

/* One entry of "calls" (with "first_seen", noted in s) or of
 * "manager_calls" (without: manager is true) into the profile it names. */
static int parse_entry(json_object *c, size_t i, const char *fname, bool manager,
		       struct cg_harden_session *s, struct cg_error *e)
{
	const char *key = manager ? "manager_calls" : "calls";
	struct cg_profile_json_entry x;
	double first = 0;
	int r = cg_profile_json_entry(c, key, i, fname, false, &x, e);
	if (r < 0)
		return r;
	if (!manager && !get_time(c, "first_seen", &first)) {
		cg_error_set(e, fname, 0,
			     "%s[%zu].first_seen: expected a time (seconds since 1970)", key, i);
		return -EINVAL;
	}
	cg_name n = cg_intern(x.name);
	cg_profile_add(manager ? s->manager : s->calls, x.abi, n, x.calls, x.errors);
	if (!manager)
		cg_harden_session_note(s, x.abi, n, first);
	return 0;
}

/* The entries of the array of key ("calls" or "manager_calls"). */
static int parse_entries(json_object *list, const char *fname, bool manager,
			 struct cg_harden_session *s, struct cg_error *e)
{
	if (!json_object_is_type(list, json_type_array)) {
		cg_error_set(e, fname, 0, "\"%s\": expected an array",
			     manager ? "manager_calls" : "calls");
		return -EINVAL;
	}
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		int r = parse_entry(json_object_array_get_idx(list, i), i, fname, manager, s, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int cg_harden_session_parse(const char *text, size_t len, const char *fname,
			    struct cg_harden_session *s, struct cg_error *e)
{
	if (len > (1u << 26)) {
		cg_error_set(e, fname, 0, "too large for a harden session");
		return -EINVAL;
	}
	const char *err;
	size_t off;
	_cleanup_json_ json_object *j = cg_profile_json_parse(text, len, &err, &off);
	json_object *v, *calls;
	if (!j || !json_object_is_type(j, json_type_object) ||
	    !json_object_object_get_ex(j, CG_PROFILE_JSON_KEY, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != CG_PROFILE_JSON_VERSION ||
	    !json_object_object_get_ex(j, "calls", &calls) ||
	    !json_object_is_type(calls, json_type_array)) {
		cg_error_set(e, fname, 0,
			     "expected a session of callgroups harden (a JSON object with "
			     "\"callgroups_profile\": 1 and \"calls\")");
		return -EINVAL;
	}
	if (!s->calls)
		s->calls = cg_profile_new();
	if (!s->manager)
		s->manager = cg_profile_new();
	if (!get_string(j, "session", s->source, sizeof s->source) ||
	    !get_string(j, "backend", s->backend, sizeof s->backend) ||
	    !get_time(j, "started", &s->started) || !get_time(j, "ended", &s->ended) ||
	    s->ended < s->started) {
		cg_error_set(e, fname, 0,
			     "expected \"session\", \"backend\", \"started\" and \"ended\" (ended "
			     "not before started)");
		return -EINVAL;
	}
	if (json_object_object_get_ex(j, "main_pid", &v) && json_object_is_type(v, json_type_int))
		s->main_pid = (long)json_object_get_int64(v);
	if (json_object_object_get_ex(j, "evidence", &v)) {
		int r = cg_profile_json_read_evidence(v, fname, cg_profile_evidence(s->calls), e);
		if (r < 0)
			return r;
	}
	int r = parse_entries(calls, fname, false, s, e);
	if (r == 0 && json_object_object_get_ex(j, "manager_calls", &v))
		r = parse_entries(v, fname, true, s, e);
	return r;
}

/* mkdir -p, mode 0755. */
static int make_dirs(const char *path, struct cg_error *e)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *c = p + 1;; c++) {
		if (*c != '/' && *c)
			continue;
		char keep = *c;
		*c = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int err = errno;
			cg_error_set(e, p, 0, "cannot create the directory: %s", strerror(err));
			return -err;
		}
		*c = keep;
		if (!keep)
			return 0;
	}
}

int cg_harden_session_save(const struct cg_harden_paths *p, const struct cg_harden_session *s,
			   char **path, struct cg_error *e)
{
	int r = make_dirs(p->state, e);
	if (r < 0)
		return r;
	_cleanup_free_ char *text = cg_harden_session_format(s, p->unit);
	_cleanup_free_ char *name = NULL;
	if (path && *path) {
		name = xstrdup(*path);
	} else {
		char stamp[32];
		time_t t = (time_t)s->started;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		name = xasprintf("%s/%s-%s-%ld.json", p->state, stamp, s->source, (long)getpid());
	}
	r = cg_write_file_atomic(name, text, strlen(text), e);
	if (r < 0)
		return r;
	if (path && !*path)
		*path = steal_pointer(&name);
	return 0;
}

void cg_harden_state_init(struct cg_harden_state *st)
{
	memset(st, 0, sizeof(*st));
	cg_harden_session_init(&st->all, "all", "");
	st->all.started = st->all.ended = 0;
}

void cg_harden_state_done(struct cg_harden_state *st)
{
	cg_harden_session_done(&st->all);
	memset(st, 0, sizeof(*st));
}

static int is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static void merge_session(struct cg_harden_state *st, const struct cg_harden_session *s)
{
	st->nsessions++;
	st->watched += s->ended - s->started;
	if (!st->first_started || s->started < st->first_started)
		st->first_started = s->started;
	if (s->ended > st->last_ended)
		st->last_ended = s->ended;
	cg_profile_merge(st->all.calls, s->calls);
	cg_profile_merge(st->all.manager, s->manager);
	for (size_t i = 0; i < s->nseen; i++)
		cg_harden_session_note(&st->all, s->seen[i].abi, s->seen[i].name, s->seen[i].first);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool made_in_any_abi(const struct cg_profile *p, cg_name n)
{
	for (unsigned abi = 0; abi < CG_ABI_COUNT; abi++)
		if (cg_profile_find(p, (enum cg_abi)abi, n))
			return true;
	return false;
}

size_t cg_harden_manager_only(const struct cg_harden_state *st, const char ***out)
{
	size_t n = 0, cap = 0;
	const char **names = NULL;
	for (size_t i = 0; i < cg_profile_count(st->all.manager); i++) {
		cg_name name = cg_profile_at(st->all.manager, i)->name;
		if (made_in_any_abi(st->all.calls, name))
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = cg_name_str(name);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	size_t k = 0; /* each name once, whatever its ABIs */
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(names[k - 1], names[i]) != 0)
			names[k++] = names[i];
	*out = names;
	return k;
}

int cg_harden_state_load(const struct cg_harden_paths *p, struct cg_harden_state *st,
			 struct cg_error *e)
{
	struct dirent **list = NULL;
	int n = scandir(p->state, &list, is_json, alphasort);
	if (n < 0) {
		int err = errno;
		if (err == ENOENT)
			return 0; /* never watched: no session */
		cg_error_set(e, p->state, 0, "cannot read: %s", strerror(err));
		return -err;
	}
	int ret = 0;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", p->state, list[i]->d_name);
		_cleanup_free_ char *text = NULL;
		size_t len;
		struct cg_harden_session s = {0};
		if (ret == 0 && (ret = cg_read_file(path, &text, &len, e)) == 0 &&
		    (ret = cg_harden_session_parse(text, len, path, &s, e)) == 0)
			merge_session(st, &s);
		cg_harden_session_done(&s);
		free(list[i]);
	}
	free(list);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < st->all.nseen; i++)
		if (st->all.seen[i].first > st->last_new)
			st->last_new = st->all.seen[i].first;
	return 0;
}

/* ---- exposure ------------------------------------------------------------- */

struct cg_harden_exposure cg_harden_exposure(const struct cg_harden_paths *p, const char *root,
					     const struct cg_table *t, const char *extra)
{
	struct cg_unit_settings us;
	cg_unit_settings_init(&us);
	struct cg_error e = {0};
	struct cg_filter f;
	cg_filter_init(&f);
	struct cg_harden_exposure x = {-1, -1};
	struct cg_exposure rows;
	struct cg_optcheck oc;
	if (cg_unit_load(p->unit, root, &us, &e) == 0 &&
	    (!extra || cg_unit_parse_file_text(&us, extra, p->display_drop, NULL, &e) == 0) &&
	    cg_unit_apply(&us, t, &f, &e) == 0 &&
	    cg_exposure_compute(t, &f, &us.archs, 0, &rows) == 0) {
		x.calls = rows.share;
		/* The same denominator as the system call rows' (0 above). */
		uint64_t total = cg_exposure_weight_total(t->version, true, NULL);
		if (total && cg_optcheck_run(&us, t, NULL, &oc, &e) == 0) {
			x.options = (double)oc.exposure * 10.0 / (double)total;
			cg_optcheck_done(&oc);
		}
	}
	cg_filter_done(&f);
	cg_unit_settings_done(&us);
	return x;
}

/* ---- drop-ins --------------------------------------------------------------- */

const char *cg_harden_mode_name(enum cg_harden_mode m)
{
	return m == CG_HARDEN_STAGE ? "stage" : "enforce";
}

const char *cg_harden_format_duration(double seconds, char *buf, size_t len)
{
	unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;
	if (s < 60)
		snprintf(buf, len, "%lu s", s);
	else if (s < 3600)
		snprintf(buf, len, "%lu min %lu s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lu h %lu min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lu d %lu h", s / 86400, s % 86400 / 3600);
	return buf;
}

/* Writes "KEY=FIRSTword word ...", wrapped with backslash continuations
 * (systemd joins them with a space). */
static void put_wrapped(FILE *f, const char *key, const char *first, const char *const *words,
			size_t n)
{
	size_t col = strlen(key) + 1 + strlen(first);
	fprintf(f, "%s=%s", key, first);
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(words[i]);
		if (i > 0 && col + 1 + w > 88) {
			fputs(" \\\n\t", f);
			col = 8;
		} else if (i > 0) {
			fputc(' ', f);
			col++;
		}
		fputs(words[i], f);
		col += w;
	}
	fputc('\n', f);
}

/* The hardening options the sessions' argument evidence allows (issue
 * "Evidence": options.h), for the table's systemd version: set when
 * enforcing; when staging only named, since they refuse (with an errno) and
 * cannot log. An option the evidence keeps off says which call needs it. */
static void put_options(FILE *f, const struct cg_suggestion *s, const struct cg_harden_state *st,
			bool enforce)
{
	const struct cg_evidence *ev = cg_profile_evidence_c(st->all.calls);
	if (!cg_evidence_inputs(ev)) {
		fputs("# No session saw call arguments: the hardening options (RestrictAddressFamilies=\n"
		      "# and the others) are left out; a 'harden start' session records them.\n",
		      f);
		return;
	}
	size_t n = cg_option_count();
	struct cg_option_advice *adv = xcalloc(n, sizeof *adv);
	cg_options_advise(ev, cg_options_rules_version(s->table->version), adv);
	if (!enforce)
		fputs("# 'callgroups harden apply' also sets, from the call arguments seen:\n", f);
	cg_options_write_dropin(f, adv, n, !enforce, "not known from these sessions");
	free(adv);
}

char *cg_harden_render(const struct cg_suggestion *s, enum cg_harden_mode m,
		       const struct cg_harden_paths *p, const struct cg_harden_state *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char dur[64];
	fprintf(f,
		CG_HARDEN_MARK " (%s); 'callgroups harden reset %s' removes it.\n"
			       "# From %zu observed calls in %zu session%s, %s watched; systemd "
			       "%s groups.\n",
		cg_harden_mode_name(m), p->unit, cg_set_size(s->used), st->nsessions,
		st->nsessions == 1 ? "" : "s",
		cg_harden_format_duration(st->watched, dur, sizeof dur), s->table->version);
	fputs("[Service]\n", f);
	if (m == CG_HARDEN_STAGE) {
		fputs("# Refuses nothing: the kernel logs every call outside the recommended set\n"
		      "# ('callgroups harden watch' reports them). Active after a restart.\n",
		      f);
		const char **names = NULL;
		size_t n = cg_set_sorted(s->allow.allowed, &names);
		fputs("SystemCallLog=\n", f);
		put_wrapped(f, "SystemCallLog", "~", names, n);
		free(names);
		put_options(f, s, st, false);
	} else {
		fputs("# Denied calls kill the process with SIGSYS ('callgroups explain-crash'\n"
		      "# names them). Active after a restart.\n",
		      f);
		for (size_t i = 0; i < s->allow.nlines; i++)
			fprintf(f, "SystemCallFilter=%s\n", s->allow.lines[i]);
		if (cg_archs_set(&s->archs)) {
			char a[64];
			fprintf(f, "SystemCallArchitectures=%s\n",
				cg_archs_format(&s->archs, a, sizeof a));
		}
		put_options(f, s, st, true);
	}
	fclose(f);
	return buf;
}

/* The value of "KEY=" on line l (n bytes) of a [Service] section, or NULL. */
static const char *exec_value(const char *l, size_t n, const char *key)
{
	size_t k = strlen(key);
	while (n && (*l == ' ' || *l == '\t'))
		l++, n--;
	if (n <= k || strncmp(l, key, k) != 0)
		return NULL;
	const char *c = l + k;
	while (*c == ' ' || *c == '\t')
		c++;
	return *c == '=' ? c + 1 : NULL;
}

int cg_harden_render_trace(const char *cat, const char *self, const char *root,
			   const struct cg_harden_paths *p, char **out, struct cg_error *e)
{
	/* The ExecStart= lines in effect: an empty one resets. */
	char **lines = NULL;
	size_t n = 0, cap = 0;
	bool service = false;
	for (const char *l = cat; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		if (len && l[0] == '[')
			service = len >= 9 && strncmp(l, "[Service]", 9) == 0;
		const char *v = service ? exec_value(l, len, "ExecStart") : NULL;
		if (v) {
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vn = len - (size_t)(v - l);
			while (vn && isspace((unsigned char)v[vn - 1]))
				vn--;
			if (vn && v[vn - 1] == '\\') {
				cg_error_set(e, p->unit, 0,
					     "ExecStart= continues on the next line: not handled; "
					     "write it on one line to trace %s after a restart",
					     p->unit);
				goto fail;
			}
			if (vn == 0) {
				for (size_t i = 0; i < n; i++)
					free(lines[i]);
				n = 0;
			} else {
				xgrow((void **)&lines, &cap, n + 1, sizeof(*lines));
				lines[n++] = xstrndup(v, vn);
			}
		}
		l = end ? end + 1 : l + len;
	}
	if (n == 0) {
		cg_error_set(e, p->unit, 0, "no ExecStart= in 'systemctl cat %s': nothing to wrap",
			     p->unit);
		goto fail;
	}
	bool rootopt = root && *root && strcmp(root, "/") != 0;
	if (rootopt && strpbrk(root, " \t\n\"'\\%$")) {
		cg_error_set(e, root, 0,
			     "a root with spaces, quotes or specifiers cannot be passed in "
			     "ExecStart=");
		goto fail;
	}
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	fprintf(f,
		CG_HARDEN_MARK
		" (trace); 'callgroups harden reset %s' removes it.\n"
		"# Runs the unit's commands under the ptrace tracer; the profiles go "
		"to /var/lib/callgroups/%s/.\n[Service]\nExecStart=\n",
		p->unit, p->unit);
	for (size_t i = 0; i < n; i++) {
		const char *c = lines[i];
		size_t pre = strspn(c, "-@:+!");
		if (memchr(c, '@', pre)) {
			fclose(f);
			free(buf);
			cg_error_set(e, p->unit, 0,
				     "ExecStart=%s: the '@' prefix gives the command an argv[0] of "
				     "its own, which the tracer cannot pass on",
				     c);
			goto fail;
		}
		fprintf(f, "ExecStart=%.*s%s harden%s%s record %s -- %s\n", (int)pre, c, self,
			rootopt ? " --root=" : "", rootopt ? root : "", p->unit, c + pre);
	}
	/* The tracer is the main process now: notifications come from its child. */
	fputs("NotifyAccess=all\n", f);
	fclose(f);
	*out = buf;
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return -EINVAL;
}

static bool starts_with_mark(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[128] = "";
	return f && fgets(line, sizeof line, f) &&
	       strncmp(line, CG_HARDEN_MARK, strlen(CG_HARDEN_MARK)) == 0;
}

/* The name of the mark file that records that dir was created by us. */
static char *made_mark(const struct cg_harden_paths *p, const char *dir)
{
	return xasprintf("%s/%s", p->state,
			 strcmp(dir, p->run_dir) == 0 ? MADE_RUN_DIR_MARK : MADE_DIR_MARK);
}

int cg_harden_write_dropin(const struct cg_harden_paths *p, const char *path, const char *text,
			   struct cg_error *e)
{
	if (access(path, F_OK) == 0 && !starts_with_mark(path)) {
		cg_error_set(
			e, path, 0,
			"exists and was not written by callgroups (its first line is not '%s'): "
			"left alone",
			CG_HARDEN_MARK);
		return -EEXIST;
	}
	_cleanup_free_ char *dir = xstrdup(path);
	*strrchr(dir, '/') = 0;
	struct stat st;
	int r;
	if (stat(dir, &st) < 0) {
		if ((r = make_dirs(p->state, e)) < 0 || (r = make_dirs(dir, e)) < 0)
			return r;
		_cleanup_free_ char *mark = made_mark(p, dir);
		static const char note[] = "callgroups harden created this unit's drop-in "
					   "directory; reset removes it when empty\n";
		if ((r = cg_write_file_atomic(mark, note, sizeof(note) - 1, e)) < 0)
			return r;
	}
	return cg_write_file_atomic(path, text, strlen(text), e);
}

int cg_harden_remove(const struct cg_harden_paths *p, const char *path, const char *dir,
		     unsigned *removed, struct cg_error *e)
{
	if (access(path, F_OK) == 0) {
		if (!starts_with_mark(path)) {
			cg_error_set(e, path, 0,
				     "not written by callgroups (its first line is not '%s'): left "
				     "alone",
				     CG_HARDEN_MARK);
			return -EEXIST;
		}
		if (unlink(path) < 0) {
			int err = errno;
			cg_error_set(e, path, 0, "cannot remove: %s", strerror(err));
			return -err;
		}
		if (removed)
			(*removed)++;
	}
	_cleanup_free_ char *mark = made_mark(p, dir);
	if (access(mark, F_OK) == 0) {
		/* Only an empty directory goes: someone else's files stay. */
		if (rmdir(dir) == 0 || errno == ENOENT)
			unlink(mark);
	}
	return 0;
}

int cg_harden_reset(const struct cg_harden_paths *p, unsigned *removed, struct cg_error *e)
{
	if (removed)
		*removed = 0;
	int r = cg_harden_remove(p, p->dropin, p->dropin_dir, removed, e);
	struct cg_error e2 = {0};
	int r2 = cg_harden_remove(p, p->run_dropin, p->run_dir, removed, r < 0 ? &e2 : e);
	return r < 0 ? r : r2;
}

/* ---- what would change ---------------------------------------------------- */

/* Splits text into lines (pointers into a copy, *buf, the caller frees). */
static size_t split_lines(const char *text, char **buf, char ***out)
{
	*buf = xstrdup(text);
	size_t n = 0, cap = 0;
	char **v = NULL;
	for (char *l = *buf; *l;) {
		char *end = strchr(l, '\n');
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n++] = l;
		if (!end)
			break;
		*end = 0;
		l = end + 1;
	}
	*out = v;
	return n;
}

static bool is_header(const char *l)
{
	return strncmp(l, "# /", 3) == 0;
}

char *cg_harden_cat_with(const char *cat, const char *display, const char *text)
{
	char *buf, **v;
	size_t n = split_lines(cat, &buf, &v);
	const char *base = strrchr(display, '/') + 1;
	/* Where ours goes: in place of the section of that name, else after the
	 * last drop-in section whose file name sorts before ours. */
	size_t cut_from = n, cut_to = n, after = n, nheaders = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_header(v[i]))
			continue;
		size_t end = i + 1;
		while (end < n && !is_header(v[end]))
			end++;
		if (strcmp(v[i] + 2, display) == 0) {
			cut_from = i;
			cut_to = end;
		} else if (nheaders > 0 && strcmp(strrchr(v[i], '/') + 1, base) > 0 && after == n) {
			after = i;
		}
		nheaders++;
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	size_t at = cut_from < n ? cut_from : after;
	for (size_t i = 0; i < n; i++) {
		if (i == at) {
			/* systemctl cat separates files by an empty line. */
			if (i > 0 && v[i - 1][0])
				fputc('\n', f);
			fprintf(f, "# %s\n%s", display, text);
			if (cut_from == n)
				fputc('\n', f);
		}
		if (i >= cut_from && i < cut_to)
			continue;
		fprintf(f, "%s\n", v[i]);
	}
	if (at == n) {
		if (n > 0 && v[n - 1][0])
			fputc('\n', f);
		fprintf(f, "# %s\n%s", display, text);
	}
	fclose(f);
	free(v);
	free(buf);
	return out;
}

char *cg_harden_diff(const char *a, const char *b, const char *label_a, const char *label_b)
{
	char *ba, *bb, **va, **vb;
	size_t na = split_lines(a, &ba, &va), nb = split_lines(b, &bb, &vb);
	size_t pre = 0, suf = 0;
	while (pre < na && pre < nb && strcmp(va[pre], vb[pre]) == 0)
		pre++;
	while (suf < na - pre && suf < nb - pre && strcmp(va[na - 1 - suf], vb[nb - 1 - suf]) == 0)
		suf++;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (pre != na || pre != nb) {
		size_t ctx = 3, from = pre > ctx ? pre - ctx : 0;
		size_t tail = suf > ctx ? ctx : suf;
		size_t ea = na - suf + tail, eb = nb - suf + tail;
		fprintf(f, "--- %s\n+++ %s\n@@ -%zu,%zu +%zu,%zu @@\n", label_a, label_b,
			ea - from ? from + 1 : from, ea - from, eb - from ? from + 1 : from,
			eb - from);
		for (size_t i = from; i < pre; i++)
			fprintf(f, " %s\n", va[i]);
		for (size_t i = pre; i < na - suf; i++)
			fprintf(f, "-%s\n", va[i]);
		for (size_t i = pre; i < nb - suf; i++)
			fprintf(f, "+%s\n", vb[i]);
		for (size_t i = na - suf; i < ea; i++)
			fprintf(f, " %s\n", va[i]);
	}
	fclose(f);
	free(va);
	free(vb);
	free(ba);
	free(bb);
	return out;
}

int cg_harden_parse_duration(const char *s, double *out, struct cg_error *e)
{
	static const struct {
		const char *unit;
		double factor;
	} units[] = {{"", 1},	{"s", 1},    {"sec", 1},  {"min", 60},
		     {"m", 60}, {"h", 3600}, {"d", 86400}};
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && errno == 0 && isfinite(v) && v > 0 && isdigit((unsigned char)*s))
		for (size_t i = 0; i < ELEMENTSOF(units); i++)
			if (strcmp(end, units[i].unit) == 0) {
				*out = v * units[i].factor;
				return 0;
			}
	cg_error_set(e, "--duration", 0, "'%s': expected a time such as 90, 30s, 10min, 2h or 1d",
		     s);
	return -EINVAL;
}
