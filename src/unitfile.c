/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unitfile.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

/* The system manager's unit path on Debian 12 (systemd 252, split-usr),
 * as `systemd-analyze unit-paths` prints it, highest priority first. */
static const char *const search_path[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control",
	"/run/systemd/transient",      "/run/systemd/generator.early",
	"/etc/systemd/system",	       "/etc/systemd/system.attached",
	"/run/systemd/system",	       "/run/systemd/system.attached",
	"/run/systemd/generator",      "/usr/local/lib/systemd/system",
	"/lib/systemd/system",	       "/usr/lib/systemd/system",
	"/run/systemd/generator.late", NULL,
};

const char *const *cg_unit_search_path(void)
{
	return search_path;
}

void cg_unit_settings_init(struct cg_unit_settings *s)
{
	*s = (struct cg_unit_settings){0};
	s->errno_action = CG_ERRNO_NONE;
}

static void line_done(struct cg_unit_line *l)
{
	free(l->value);
	free(l->file);
	*l = (struct cg_unit_line){0};
}

void cg_unit_settings_done(struct cg_unit_settings *s)
{
	free(s->name);
	free(s->fragment);
	for (size_t i = 0; i < s->ndropins; i++)
		free(s->dropins[i]);
	free(s->dropins);
	for (size_t i = 0; i < s->nfilter; i++)
		line_done(&s->filter[i]);
	free(s->filter);
	for (size_t i = 0; i < s->nlog; i++)
		line_done(&s->log[i]);
	free(s->log);
	line_done(&s->errno_src);
	line_done(&s->archs_src);
	for (size_t i = 0; i < s->noptions; i++) {
		free(s->options[i].key);
		line_done(&s->options[i].l);
	}
	free(s->options);
	for (size_t i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	free(s->user);
	cg_unit_settings_init(s);
}

static void add_warning(struct cg_unit_settings *s, const char *file, unsigned line, char *msg)
{
	s->warnings = xrealloc(s->warnings, (s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = xasprintf("%s:%u: %s", file, line, msg);
	free(msg);
}

/* Refuses a value (a typo systemd would log and ignore): e and, for a
 * caller that goes on regardless, s->invalid say why. Takes msg. */
static int refuse(struct cg_unit_settings *s, const char *file, unsigned line, char *msg,
		  struct cg_error *e)
{
	cg_error_set(e, file, line, "%s", msg);
	if (!s->invalid.msg[0])
		cg_error_set(&s->invalid, file, line, "%s", msg);
	free(msg);
	return -EINVAL;
}

static void push_line(struct cg_unit_line **v, size_t *n, const char *value, const char *file,
		      unsigned line)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct cg_unit_line){xstrdup(value), xstrdup(file), line};
}

static void set_src(struct cg_unit_line *l, const char *value, const char *file, unsigned line)
{
	line_done(l);
	*l = (struct cg_unit_line){xstrdup(value), xstrdup(file), line};
}

int cg_unit_add_setting(struct cg_unit_settings *s, const char *key, const char *value,
			const char *source, unsigned line, struct cg_error *e)
{
	if (strcmp(key, "SystemCallFilter") == 0) {
		push_line(&s->filter, &s->nfilter, value, source, line);
	} else if (strcmp(key, "SystemCallLog") == 0) {
		push_line(&s->log, &s->nlog, value, source, line);
	} else if (cg_optbook_find(cg_optbook_builtin(), key) >= 0) {
		s->options = xrealloc(s->options, (s->noptions + 1) * sizeof *s->options);
		s->options[s->noptions++] = (struct cg_unit_opt_line){
			.key = xstrdup(cg_optbook_builtin()
					       ->defs[cg_optbook_find(cg_optbook_builtin(), key)]
					       .name),
			.l = {xstrdup(value), xstrdup(source), line},
		};
	} else if (strcmp(key, "SystemCallErrorNumber") == 0) {
		/* systemd: empty resets to killing; a bad value is logged and
		 * the assignment ignored, which leaves denied calls killing
		 * the service: a typo here is an error. */
		if (!*value) {
			s->errno_action = CG_ERRNO_NONE;
			set_src(&s->errno_src, value, source, line);
			return 0;
		}
		int err = cg_errno_parse(value);
		if (err == -EINVAL || err == 0)
			return refuse(s, source, line, cg_errno_explain(value), e);
		s->errno_action = err;
		set_src(&s->errno_src, value, source, line);
	} else if (strcmp(key, "SystemCallArchitectures") == 0) {
		/* Word by word: systemd ignores words it cannot parse; of those,
		 * an architecture it knows outside the x86 family is harmless
		 * here, anything else a typo. */
		const char *p = value + strspn(value, " \t");
		if (!*p) {
			cg_archs_add(&s->archs, "", NULL);
			set_src(&s->archs_src, value, source, line);
			return 0;
		}
		while (*p) {
			size_t n = strcspn(p, " \t");
			_cleanup_free_ char *w = xstrndup(p, n);
			struct cg_error ae = {0};
			int r = cg_archs_add(&s->archs, w, &ae);
			if (r == -EOPNOTSUPP)
				add_warning(s, source, line,
					    xasprintf("SystemCallArchitectures=: %s, ignoring",
						      ae.msg));
			else if (r < 0)
				return refuse(s, source, line, xstrdup(ae.msg), e);
			p += n;
			p += strspn(p, " \t");
		}
		set_src(&s->archs_src, value, source, line);
	} else {
		cg_error_set(e, source, line, "unknown setting %s=", key);
		return -EINVAL;
	}
	return 0;
}

/* The type suffix of a unit name ("service"), or NULL. */
static const char *unit_type_of(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	return dot && dot[1] ? dot + 1 : NULL;
}

/* The section that holds exec settings for a unit type, or NULL when the
 * type takes none. */
static const char *exec_section(const char *type)
{
	static const char *const map[][2] = {
		{"service", "Service"},
		{"socket", "Socket"},
		{"mount", "Mount"},
		{"swap", "Swap"},
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static char *strip(char *s)
{
	s += strspn(s, " \t\r\n");
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = 0;
	return s;
}

/* True when the line ends in an unescaped backslash, as systemd's parser
 * decides it (each backslash escapes the next character). */
static bool ends_escaped(const char *l)
{
	bool escaped = false;
	for (; *l; l++)
		escaped = escaped ? false : *l == '\\';
	return escaped;
}

/* cg_unit_parse_file_text(), counting the section headers and assignments
 * read into *nread. */
static int parse_text(struct cg_unit_settings *s, const char *text, const char *fname,
		      const char *unit_type, size_t *nread, struct cg_error *e)
{
	if (!unit_type)
		unit_type = unit_type_of(s->name);
	if (!unit_type || !exec_section(unit_type))
		unit_type = "service";
	const char *want = exec_section(unit_type);
	bool in_section = false;
	_cleanup_free_ char *cont = NULL; /* the continuation collected so far */
	unsigned cont_line = 0, lineno = 0;

	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *raw = xstrndup(p, n);
		p += n;
		if (*p == '\n')
			p++;
		lineno++;
		/* Comment lines are dropped before continuations are joined,
		 * so they may sit inside a continued value. */
		char *l = raw + strspn(raw, " \t\r");
		if (*l == '#' || *l == ';')
			continue;
		/* Strip a trailing \r so "\\\r" still continues. */
		size_t rl = strlen(raw);
		if (rl && raw[rl - 1] == '\r')
			raw[rl - 1] = 0;
		if (cont) {
			char *j = xasprintf("%s%s", cont, raw);
			free(cont);
			cont = j;
		} else {
			cont = xstrdup(raw);
			cont_line = lineno;
		}
		if (ends_escaped(cont)) {
			cont[strlen(cont) - 1] = ' ';
			if (*p)
				continue;
		}
		char *whole = strip(cont);
		unsigned at = cont_line;
		if (!*whole) {
			free(steal_pointer(&cont));
			continue;
		}
		if (*whole == '[') {
			size_t k = strlen(whole);
			if (whole[k - 1] != ']') {
				cg_error_set(e, fname, at, "invalid section header '%s'", whole);
				return -EINVAL;
			}
			whole[k - 1] = 0;
			in_section = strcmp(whole + 1, want) == 0;
			(*nread)++;
			free(steal_pointer(&cont));
			continue;
		}
		char *eq = strchr(whole, '=');
		if (!eq) {
			/* systemd fails to load a unit with a line lacking '='. */
			cg_error_set(e, fname, at, "missing '=' in '%s'", whole);
			return -EINVAL;
		}
		*eq = 0;
		(*nread)++;
		const char *key = strip(whole), *value = strip(eq + 1);
		if (in_section && strcmp(key, "User") == 0) {
			free(s->user);
			s->user = *value ? xstrdup(value) : NULL;
		} else if (in_section && strcmp(key, "DynamicUser") == 0) {
			s->dynamic_user = strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
					  strcmp(value, "on") == 0 || strcmp(value, "1") == 0;
		}
		if (strncmp(key, "SystemCall", 10) == 0 &&
		    (strcmp(key, "SystemCallFilter") == 0 || strcmp(key, "SystemCallLog") == 0 ||
		     strcmp(key, "SystemCallErrorNumber") == 0 ||
		     strcmp(key, "SystemCallArchitectures") == 0)) {
			int r = in_section ? cg_unit_add_setting(s, key, value, fname, at, e) : 0;
			if (r < 0)
				return r;
			if (!in_section)
				add_warning(s, fname, at,
					    xasprintf("%s= outside [%s], ignored by systemd", key,
						      want));
		} else if (in_section && cg_optbook_find(cg_optbook_builtin(), key) >= 0) {
			int r = cg_unit_add_setting(s, key, value, fname, at, e);
			if (r < 0)
				return r;
		}
		free(steal_pointer(&cont));
	}
	return 0;
}

int cg_unit_parse_file_text(struct cg_unit_settings *s, const char *text, const char *fname,
			    const char *unit_type, struct cg_error *e)
{
	size_t nread = 0;
	return parse_text(s, text, fname, unit_type, &nread, e);
}

/* An error for a unit that held nothing: an empty stdin or file is what a
 * failed `systemctl cat` or a wrong path leaves, and checking it would pass
 * every call. */
static int nothing_read(const char *fname, struct cg_error *e)
{
	cg_error_set(e, fname, 0, "no unit settings read (empty input)");
	return -EINVAL;
}

/* A "# /path" line that systemctl cat prints before each file: at the start
 * or after an empty line, an absolute path without blanks naming a unit
 * file or a .conf drop-in. */
static bool cat_header(const char *l, size_t n, bool after_blank, char **path)
{
	if (!after_blank || n < 4 || strncmp(l, "# /", 3) != 0)
		return false;
	_cleanup_free_ char *p = xstrndup(l + 2, n - 2);
	char *arrow = strstr(p, " -> "); /* newer systemctl marks symlinks */
	if (arrow)
		*arrow = 0;
	size_t len = strlen(p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		p[--len] = 0;
	if (strpbrk(p, " \t"))
		return false;
	const char *dot = strrchr(p, '.');
	const char *slash = strrchr(p, '/');
	if (!dot || dot < slash)
		return false;
	static const char *const suffixes[] = {".conf",	 ".service", ".socket", ".mount",
					       ".swap",	 ".target",  ".timer",	".path",
					       ".slice", ".scope",   ".device", ".automount"};
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (strcmp(dot, suffixes[i]) == 0) {
			*path = steal_pointer(&p);
			return true;
		}
	return false;
}

static void add_dropin_name(struct cg_unit_settings *s, const char *path)
{
	s->dropins = xrealloc(s->dropins, (s->ndropins + 1) * sizeof *s->dropins);
	s->dropins[s->ndropins++] = xstrdup(path);
}

static char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return xstrdup(b ? b + 1 : path);
}

int cg_unit_parse_cat(struct cg_unit_settings *s, const char *text, const char *fname,
		      struct cg_error *e)
{
	/* Split into files at the headers, then parse each on its own: the
	 * section state does not carry over from one file to the next. */
	const char *p = text, *start = text;
	_cleanup_free_ char *cur = NULL; /* header path of the current chunk */
	bool after_blank = true, first = true;
	size_t nread = 0;
	int r;

	for (;;) {
		size_t n = strcspn(p, "\n");
		char *hdr = NULL;
		bool at_end = !*p;
		if (at_end || cat_header(p, n, after_blank, &hdr)) {
			/* Flush the chunk [start, p). */
			_cleanup_free_ char *chunk = xstrndup(start, (size_t)(p - start));
			bool empty = !cur && !*(chunk + strspn(chunk, " \t\r\n"));
			if (!empty) {
				const char *name = cur ? cur : fname;
				if (cur && first && !strstr(cur, ".d/") && !s->fragment) {
					s->fragment = xstrdup(cur);
					if (!s->name)
						s->name = base_name(cur);
				} else if (cur) {
					add_dropin_name(s, cur);
				}
				r = parse_text(s, chunk, name, NULL, &nread, e);
				if (r < 0) {
					free(hdr);
					return r;
				}
				first = false;
			}
			if (at_end)
				break;
			free(cur);
			cur = hdr;
			p += n;
			if (*p)
				p++;
			start = p;
			after_blank = false;
			continue;
		}
		after_blank = strspn(p, " \t\r") == n;
		p += n;
		if (*p)
			p++;
	}
	return nread ? 0 : nothing_read(fname, e);
}

/* Parses the file at path into s, or returns -errno. Adds the headers and
 * assignments read to *nread. */
static int parse_path(struct cg_unit_settings *s, const char *path, const char *shown,
		      size_t *nread, struct cg_error *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = cg_read_file(path, &text, &len, e);
	if (r < 0)
		return r;
	if (strlen(text) != len) {
		cg_error_set(e, shown, 0, "contains a NUL byte; not a unit file");
		return -EINVAL;
	}
	return parse_text(s, text, shown, NULL, nread, e);
}

static char *join_root(const char *root, const char *dir, const char *name)
{
	if (!root || !*root || strcmp(root, "/") == 0)
		return name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	return name ? xasprintf("%.*s%s/%s", (int)rl, root, dir, name)
		    : xasprintf("%.*s%s", (int)rl, root, dir);
}

/* True when path exists (following symlinks) or is a dangling symlink. */
static bool exists(const char *path, bool *masked)
{
	struct stat st;
	char target[PATH_MAX];
	*masked = false;
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n > 0) {
		target[n] = 0;
		if (strcmp(target, "/dev/null") == 0) {
			*masked = true;
			return true;
		}
	}
	if (stat(path, &st) < 0)
		return false;
	if (S_ISREG(st.st_mode) && st.st_size == 0)
		*masked = true;
	return S_ISREG(st.st_mode) || S_ISCHR(st.st_mode);
}

struct dropin {
	char *base; /* file name: what orders and masks */
	char *path;
};

static int cmp_dropin(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->base, ((const struct dropin *)b)->base);
}

struct dropins {
	struct dropin *v;
	size_t n;
};

static void dropins_done(struct dropins *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].base);
		free(d->v[i].path);
	}
	free(d->v);
}

/* Adds the .conf files of dir; a file name already collected (from a directory of
 * higher priority or a more specific name) masks this one. */
static void collect_dir(struct dropins *d, const char *dir)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l <= 5 || strcmp(de->d_name + l - 5, ".conf") != 0 || de->d_name[0] == '.')
			continue;
		bool dup = false;
		for (size_t i = 0; i < d->n && !dup; i++)
			dup = strcmp(d->v[i].base, de->d_name) == 0;
		if (dup)
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, de->d_name);
		bool masked;
		if (!exists(path, &masked))
			continue;
		d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
		d->v[d->n++] = (struct dropin){xstrdup(de->d_name), steal_pointer(&path)};
	}
	closedir(dh);
}

/* The names whose NAME.d directories apply to name, most specific first:
 * the name, its template (for an instance), then the dash prefixes
 * ("foo-bar-baz.service": "foo-bar-.service", "foo-.service"). */
static size_t dropin_names(const char *name, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *dot = strrchr(name, '.');
	const char *at = strchr(name, '@');
	v = xrealloc(v, (n + 1) * sizeof *v);
	v[n++] = xstrdup(name);
	if (at && dot && at + 1 < dot) {
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = xasprintf("%.*s@%s", (int)(at - name), name, dot);
	}
	if (dot) {
		size_t plen = (size_t)((at && at < dot ? at : dot) - name);
		_cleanup_free_ char *prefix = xstrndup(name, plen);
		bool chopped = false;
		for (;;) {
			char *dash = strrchr(prefix, '-');
			if (!dash || dash == prefix)
				break;
			/* A trailing dash names this very unit; skip it the
			 * first time round. */
			if (dash[1] || chopped) {
				v = xrealloc(v, (n + 1) * sizeof *v);
				v[n++] = xasprintf("%.*s-%s", (int)(dash - prefix), prefix, dot);
			}
			*dash = 0;
			chopped = true;
		}
	}
	*out = v;
	return n;
}

static bool valid_unit_name(const char *name)
{
	const char *type = unit_type_of(name);
	if (!type || strchr(name, '/') || name[0] == '.' || strlen(name) > 255)
		return false;
	static const char *const types[] = {"service", "socket", "mount",    "swap",
					    "target",  "timer",	 "path",     "slice",
					    "scope",   "device", "automount"};
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	return false;
}

static int load_by_name(const char *name, const char *root, struct cg_unit_settings *s,
			struct cg_error *e)
{
	if (!valid_unit_name(name)) {
		cg_error_set(e, NULL, 0,
			     "'%s': not a unit name (foo.service) nor a path to a unit file", name);
		return -EINVAL;
	}
	s->name = xstrdup(name);

	/* The unit file: the instance's own file anywhere on the path wins
	 * over the template's. */
	char **names;
	size_t nnames = dropin_names(name, &names);
	size_t nfrag = (nnames > 1 && strchr(name, '@')) ? 2 : 1;
	_cleanup_free_ char *fragment = NULL;
	for (size_t k = 0; k < nfrag && !fragment; k++)
		for (const char *const *d = search_path; *d && !fragment; d++) {
			_cleanup_free_ char *path = join_root(root, *d, names[k]);
			bool masked;
			if (exists(path, &masked)) {
				fragment = steal_pointer(&path);
				s->masked = masked;
			}
		}

	/* An alias (a symlink to a unit of another name): systemd loads the
	 * target under both names, so the target's drop-ins apply too. */
	_cleanup_free_ char *link = fragment ? xstrdup(fragment) : NULL;
	for (int depth = 0; link && depth < 8; depth++) {
		char target[PATH_MAX];
		ssize_t tl = readlink(link, target, sizeof target - 1);
		if (tl <= 0)
			break;
		target[tl] = 0;
		const char *tb = strrchr(target, '/');
		tb = tb ? tb + 1 : target;
		const char *ta = unit_type_of(tb), *na = unit_type_of(name);
		if (!valid_unit_name(tb) || !ta || !na || strcmp(ta, na) != 0)
			break;
		bool known = false;
		for (size_t k = 0; k < nnames && !known; k++)
			known = strcmp(names[k], tb) == 0;
		if (!known) {
			char **more;
			size_t nmore = dropin_names(tb, &more);
			names = xrealloc(names, (nnames + nmore) * sizeof *names);
			memcpy(names + nnames, more, nmore * sizeof *more);
			nnames += nmore;
			free(more);
		}
		/* Follow a chain of aliases; relative targets sit in the
		 * link's own directory. */
		char *next = target[0] == '/'
				     ? join_root(root, target, NULL)
				     : xasprintf("%.*s/%s", (int)(strrchr(link, '/') - link), link,
						 target);
		free(link);
		link = next;
	}

	/* Drop-in directories: each lookup directory in priority order, the
	 * more specific names first within it; the type-wide ones last. */
	struct dropins d = {0};
	for (const char *const *dir = search_path; *dir; dir++)
		for (size_t k = 0; k < nnames; k++) {
			_cleanup_free_ char *sub = xasprintf("%s.d", names[k]);
			_cleanup_free_ char *path = join_root(root, *dir, sub);
			collect_dir(&d, path);
		}
	/* Type-wide drop-ins alone do not make a unit exist. */
	bool found = fragment || d.n > 0;
	const char *type = unit_type_of(name);
	for (const char *const *dir = search_path; *dir; dir++) {
		_cleanup_free_ char *sub = xasprintf("%s.d", type);
		_cleanup_free_ char *path = join_root(root, *dir, sub);
		collect_dir(&d, path);
	}
	for (size_t k = 0; k < nnames; k++)
		free(names[k]);
	free(names);

	if (!found) {
		dropins_done(&d);
		cg_error_set(e, NULL, 0, "unit %s not found under %s (searched %s ... %s)", name,
			     root && *root ? root : "/", search_path[0],
			     search_path[ELEMENTSOF(search_path) - 2]);
		return -ENOENT;
	}
	if (d.n)
		qsort(d.v, d.n, sizeof *d.v, cmp_dropin);

	int r = 0;
	size_t nread = 0; /* an empty file found by name is masked, no error */
	if (fragment) {
		s->fragment = xstrdup(fragment);
		if (!s->masked)
			r = parse_path(s, fragment, fragment, &nread, e);
	}
	for (size_t i = 0; i < d.n && r >= 0; i++) {
		add_dropin_name(s, d.v[i].path);
		if (!s->masked)
			r = parse_path(s, d.v[i].path, d.v[i].path, &nread, e);
	}
	dropins_done(&d);
	return r;
}

int cg_unit_load(const char *name_or_path, const char *root, struct cg_unit_settings *out,
		 struct cg_error *e)
{
	if (!strchr(name_or_path, '/'))
		return load_by_name(name_or_path, root, out, e);

	/* A file given by path: it and the drop-ins next to it. */
	struct stat st;
	if (stat(name_or_path, &st) < 0) {
		int r = -errno;
		cg_error_set(e, name_or_path, 0, "cannot read unit file: %s", strerror(errno));
		return r;
	}
	out->name = base_name(name_or_path);
	out->fragment = xstrdup(name_or_path);
	size_t nread = 0;
	int r = parse_path(out, name_or_path, name_or_path, &nread, e);
	if (r < 0)
		return r;
	_cleanup_free_ char *ddir = xasprintf("%s.d", name_or_path);
	struct dropins d = {0};
	collect_dir(&d, ddir);
	if (d.n)
		qsort(d.v, d.n, sizeof *d.v, cmp_dropin);
	for (size_t i = 0; i < d.n && r >= 0; i++) {
		add_dropin_name(out, d.v[i].path);
		r = parse_path(out, d.v[i].path, d.v[i].path, &nread, e);
	}
	dropins_done(&d);
	if (r >= 0 && !nread)
		r = nothing_read(name_or_path, e);
	return r;
}

/* Fails with the value cg_unit_add_setting() refused, if any. */
static int refused(const struct cg_unit_settings *s, struct cg_error *e)
{
	if (!s->invalid.msg[0])
		return 0;
	if (e)
		*e = s->invalid;
	return -EINVAL;
}

int cg_unit_apply(const struct cg_unit_settings *s, const struct cg_table *t, struct cg_filter *out,
		  struct cg_error *e)
{
	int r = refused(s, e);
	for (size_t i = 0; i < s->nfilter && r >= 0; i++) {
		const struct cg_unit_line *l = &s->filter[i];
		size_t ntypos = out->ntypos;
		r = cg_filter_add(out, t, l->value, e);
		/* systemd would ignore the word and go on with a weaker filter
		 * than the line reads: refuse it. */
		if (r >= 0 && out->ntypos > ntypos) {
			cg_error_set(e, NULL, 0, "%s", out->typos[ntypos]);
			r = -EINVAL;
		}
		if (r < 0 && e) {
			snprintf(e->file, sizeof e->file, "%s", l->file);
			e->line = l->line;
		}
	}
	return r;
}

/* SystemCallLog= parses like SystemCallFilter= (first line fixes the
 * sense, later lines add or take away) but implies nothing. */
int cg_unit_apply_log(const struct cg_unit_settings *s, const struct cg_table *t,
		      struct cg_filter *out, struct cg_error *e)
{
	int r = refused(s, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->nlog; i++) {
		const char *p = s->log[i].value + strspn(s->log[i].value, " \t");
		if (!*p) {
			out->active = false;
			cg_set_clear(out->set);
			continue;
		}
		bool invert = *p == '~';
		if (invert)
			p++;
		if (!out->active) {
			out->active = true;
			out->allow_list = !invert;
		}
		bool add = invert != out->allow_list;
		while (*p) {
			p += strspn(p, " \t");
			size_t n = strcspn(p, " \t");
			if (!n)
				break;
			_cleanup_free_ char *w = xstrndup(p, n);
			p += n;
			/* Words are split as SystemCallFilter='s are (quotes
			 * stay literal); an entry with ':' is ignored. */
			if (strchr(w, ':'))
				continue;
			_cleanup_free_ char *why = NULL;
			if (cg_filter_check_word(t, w, &why) < 0) {
				cg_error_set(e, s->log[i].file, s->log[i].line, "%s", why);
				return -EINVAL;
			}
			_cleanup_set_ struct cg_set *tmp = cg_set_new();
			if (w[0] == '@') {
				if (cg_table_expand(t, w, tmp) < 0)
					continue;
			} else if (cg_syscall_known(w)) {
				cg_set_add(tmp, cg_intern(w));
			}
			if (add)
				cg_set_union(out->set, tmp);
			else
				cg_set_subtract(out->set, tmp);
		}
	}
	return 0;
}

bool cg_unit_logs(const struct cg_filter *log, cg_name syscall)
{
	if (!log->active)
		return false;
	return cg_set_has(log->set, syscall) == log->allow_list;
}

/* Adds msg as a pitfall at the line that set option name, when the unit
 * sets it and when holds. */
static void option_pitfall(struct cg_optunit *out, const char *name, bool when, const char *msg)
{
	int i = cg_optbook_find(out->book, name);
	if (!when || i < 0 || !cg_optunit_active(out, (unsigned)i))
		return;
	const struct cg_opt_state *st = &out->st[i];
	char where[300];
	snprintf(where, sizeof where, "%s:%u", st->file ? st->file : "", st->line);
	cg_optunit_add_pitfall(out, where, msg);
}

int cg_unit_apply_options(const struct cg_unit_settings *s, unsigned version,
			  struct cg_optunit *out, struct cg_error *e)
{
	struct cg_opt_line *lines = xcalloc(s->noptions ? s->noptions : 1, sizeof *lines);
	for (size_t i = 0; i < s->noptions; i++)
		lines[i] = (struct cg_opt_line){s->options[i].key, s->options[i].l.value,
						s->options[i].l.file, s->options[i].l.line};
	int r = cg_optunit_apply(lines, s->noptions, version, out, e);
	free(lines);
	if (r < 0)
		return r;
	bool native_only =
		cg_archs_set(&s->archs) && !(cg_archs_mask(&s->archs) & (1u << CG_ABI_I386));
	option_pitfall(out, "RestrictAddressFamilies", !native_only,
		       "RestrictAddressFamilies= does nothing to x86 (32-bit) programs: they make "
		       "sockets through socketcall(), which systemd does not filter; add "
		       "SystemCallArchitectures=native");
	option_pitfall(out, "MemoryDenyWriteExecute", true,
		       "MemoryDenyWriteExecute= breaks JITs (node, java, LuaJIT, "
		       "PCRE2's JIT, ...): their writable and executable mappings fail "
		       "(EPERM; EACCES where systemd 257 uses PR_SET_MDWE)");
	option_pitfall(out, "RestrictNamespaces", version && version < 252,
		       "RestrictNamespaces= of systemd before 252 does not filter "
		       "clone3(): a program calling it directly creates any namespace");
	return 0;
}

bool cg_unit_runs_privileged(const struct cg_unit_settings *s)
{
	if (s->user && (strcmp(s->user, "root") == 0 || strcmp(s->user, "0") == 0))
		return true;
	if (s->dynamic_user)
		return false;
	return !s->user;
}
