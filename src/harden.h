/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The learning loop for a running service (`callgroups harden`): where its
 * profiles and the drop-ins callgroups owns live, the sessions (one JSON
 * profile per watch, merged), the refusals, the drop-ins for staging
 * (SystemCallLog=), enforcing (SystemCallFilter=) and tracing after a
 * restart (ExecStart= wrapped in `callgroups harden record`), the diff
 * against `systemctl cat`, and removing exactly what was written.
 *
 * Every path is under a root ("/" on a live system; tests give another).
 * systemctl is run from PATH. Nothing here prints or exits. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "abi.h"
#include "names.h"
#include "profile.h"
#include "recommend.h"
#include "util.h"

/* The first line of every file callgroups writes into a unit's
 * configuration: reset removes a file only when it starts so. */
#define CG_HARDEN_MARK "# Written by callgroups harden"
/* The drop-in names: "zz-" sorts them after the administrator's own. */
#define CG_HARDEN_DROPIN "zz-callgroups.conf"
#define CG_HARDEN_TRACE_DROPIN "zz-callgroups-trace.conf"

struct cg_harden_paths {
	char *unit;	    /* "nginx.service" */
	char *state;	    /* ROOT/var/lib/callgroups/UNIT */
	char *dropin_dir;   /* ROOT/etc/systemd/system/UNIT.d */
	char *dropin;	    /* .../UNIT.d/zz-callgroups.conf */
	char *run_dir;	    /* ROOT/run/systemd/system/UNIT.d */
	char *run_dropin;   /* .../UNIT.d/zz-callgroups-trace.conf */
	char *systemd_run;  /* ROOT/run/systemd/system: exists when systemd is PID 1 */
	char *display_drop; /* the drop-in's path without the root, as systemctl shows it */
};

/* Checks unit (a name; ".service" is added when it has no type suffix)
 * and fills p (caller frees with cg_harden_paths_done()). root NULL or ""
 * means "/". -EINVAL with e: not a unit name, or a template without
 * instance ("foo@.service"). */
int cg_harden_paths_init(struct cg_harden_paths *p, const char *root, const char *unit,
			 struct cg_error *e);
void cg_harden_paths_done(struct cg_harden_paths *p);

/* ---- the unit, as systemctl shows it ------------------------------------ */

struct cg_harden_unit {
	char load_state[32];   /* "loaded", "not-found", "masked" */
	char active_state[32]; /* "active", "inactive", "failed", ... */
	char type[32];	       /* "simple", "notify", "forking", ... */
	long main_pid;	       /* 0 when none */
	bool delegate;	       /* Delegate=yes */
	char cgroup[512];      /* ControlGroup=, "" when none */
};

/* Parses `systemctl show -p ...` output (KEY=VALUE lines) into u. */
void cg_harden_unit_parse_show(const char *text, struct cg_harden_unit *u);
/* Runs `systemctl show` for p->unit. -EIO with e when systemctl fails. */
int cg_harden_unit_query(const struct cg_harden_paths *p, struct cg_harden_unit *u,
			 struct cg_error *e);

/* The directory of ControlGroup= cg in this machine's cgroup v2 tree (the
 * unified mount or its hybrid place, /sys/fs/cgroup/unified), or NULL
 * with e set. A new string. */
char *cg_harden_cgroup_dir(const char *cg, struct cg_error *e);

/* Why harden must not go on, in the order they are checked: not root
 * (-EPERM), no systemd as PID 1 (-ENOMEDIUM), the unit unknown (-ENOENT),
 * Delegate= (-EBUSY: it manages its own cgroups, a container manager
 * perhaps), not running while running is needed (-ESRCH). 0 when none;
 * u is filled when the unit was asked about. */
int cg_harden_refusal(const struct cg_harden_paths *p, bool need_running, struct cg_harden_unit *u,
		      struct cg_error *e);

/* The same for a unit named by its cgroup directory as this machine sees
 * it (dir, under /sys/fs/cgroup; a unit inside a container): not root
 * (-EPERM), not a cgroup v2 directory (-ENOENT). systemctl is not asked:
 * u gets the cgroup (relative to the cgroup v2 mount, as /proc/PID/cgroup
 * shows it), "loaded", "active" and no MainPID. */
int cg_harden_refusal_cgroup(const char *dir, struct cg_harden_unit *u, struct cg_error *e);

/* ---- sessions: what each watch saw ------------------------------------- */

/* When each call was first seen (seconds since the epoch). */
struct cg_harden_seen {
	enum cg_abi abi;
	cg_name name;
	double first;
};

struct cg_harden_session {
	char source[32];  /* "start", "record", "watch" */
	char backend[16]; /* "bpf", "ptrace", "kernel log" */
	double started, ended;
	long main_pid; /* the unit's MainPID when it started, 0 unknown */
	struct cg_profile *calls;
	/* The calls the service manager made in the unit's cgroup for it,
	 * between a fork and the exec of the unit's command (bpf sessions:
	 * trace_common.h, cg_trace_opts.manager): kept apart, and never
	 * recommended. Saved as "manager_calls". */
	struct cg_profile *manager;
	struct cg_harden_seen *seen;
	size_t nseen, seen_cap;
};

/* An empty session of source and backend started now (time(NULL)); free
 * with cg_harden_session_done(). */
void cg_harden_session_init(struct cg_harden_session *s, const char *source, const char *backend);
void cg_harden_session_done(struct cg_harden_session *s);
/* Records that (abi, name) was seen at t, once: the first time wins. */
void cg_harden_session_note(struct cg_harden_session *s, enum cg_abi abi, cg_name name, double t);
/* The first time (abi, name) was seen, or a negative number when never. */
double cg_harden_session_first(const struct cg_harden_session *s, enum cg_abi abi, cg_name name);
/* Takes the counts of now (a whole trace so far) as s's calls, noting
 * calls new since the last update at t. Returns how many are new. */
size_t cg_harden_session_update(struct cg_harden_session *s, const struct cg_profile *now,
				double t);

/* The session as a JSON profile ("callgroups_profile": 1 with "calls",
 * which suggest reads too). A new string the caller frees. */
char *cg_harden_session_format(const struct cg_harden_session *s, const char *unit);
/* Parses what cg_harden_session_format() wrote into s (initialised by the
 * caller). -EINVAL with e naming fname for anything else. */
int cg_harden_session_parse(const char *text, size_t len, const char *fname,
			    struct cg_harden_session *s, struct cg_error *e);
/* Writes s into p->state (created as needed) under a new name, atomically;
 * *path (may be NULL; caller frees) gets it. Writing the same session
 * again (a longer watch) replaces the file named by *path when set. */
int cg_harden_session_save(const struct cg_harden_paths *p, const struct cg_harden_session *s,
			   char **path, struct cg_error *e);

/* Every session of a unit merged. */
struct cg_harden_state {
	size_t nsessions;
	double watched;			  /* seconds, summed over sessions */
	double first_started, last_ended; /* 0 when no session */
	double last_new;		  /* when the newest call was first seen; 0 none */
	struct cg_harden_session all;	  /* merged calls and first-seen times */
};

void cg_harden_state_init(struct cg_harden_state *st);
void cg_harden_state_done(struct cg_harden_state *st);
/* Reads every *.json of p->state (a missing directory is no session).
 * -EINVAL with e naming the file that is no session. */
int cg_harden_state_load(const struct cg_harden_paths *p, struct cg_harden_state *st,
			 struct cg_error *e);
/* The names of the calls the service manager made for the unit
 * (st->all.manager) that the unit itself never made (in no ABI of
 * st->all.calls): what a profile that counted them would have recommended
 * wrongly. Sorted, each once; *out (caller frees the array, not the
 * names) gets them, the count is returned. */
size_t cg_harden_manager_only(const struct cg_harden_state *st, const char ***out);

/* The shares of the 10-point score of `systemd-analyze security` that the
 * system call rows and the hardening options' rows hold with the unit's
 * settings (read under root, as systemd would), with extra (a drop-in's
 * text, may be NULL) added; -1 each when the unit's files cannot be read. */
struct cg_harden_exposure {
	double calls, options;
};
struct cg_table;
struct cg_harden_exposure cg_harden_exposure(const struct cg_harden_paths *p, const char *root,
					     const struct cg_table *t, const char *extra);

/* ---- the drop-ins ---------------------------------------------------------- */

enum cg_harden_mode {
	CG_HARDEN_STAGE,   /* SystemCallLog=~ALLOWED: refuses nothing, logs the rest */
	CG_HARDEN_ENFORCE, /* SystemCallFilter= lines and SystemCallArchitectures= */
};

/* "stage", "enforce". */
const char *cg_harden_mode_name(enum cg_harden_mode m);
/* The drop-in for s (the suggestion for the merged profile) in mode m: its
 * first line is CG_HARDEN_MARK. A new string the caller frees. */
char *cg_harden_render(const struct cg_suggestion *s, enum cg_harden_mode m,
		       const struct cg_harden_paths *p, const struct cg_harden_state *st);

/* The drop-in that makes systemd start the unit under `callgroups harden
 * record` (self: the path of callgroups): every ExecStart= of cat (the
 * text of `systemctl cat UNIT`) wrapped, with its prefixes kept; root
 * (NULL or "/" for none) is passed on as --root. -EINVAL
 * with e for a unit without ExecStart= or with an '@' prefix (argv[0] of
 * its own, which a wrapper cannot pass on). A new string in *out. */
int cg_harden_render_trace(const char *cat, const char *self, const char *root,
			   const struct cg_harden_paths *p, char **out, struct cg_error *e);

/* Writes text as path (a drop-in of ours) atomically, creating its
 * directory, recording in p->state when the directory was created by us so
 * that reset removes it too. A file at path that does not start with
 * CG_HARDEN_MARK is refused (-EEXIST). */
int cg_harden_write_dropin(const struct cg_harden_paths *p, const char *path, const char *text,
			   struct cg_error *e);

/* Removes the drop-ins callgroups wrote for the unit (and their
 * directories when callgroups created them and they are empty), nothing
 * else. *removed (may be NULL) counts the files. A file of that name
 * without CG_HARDEN_MARK is left alone and reported (-EEXIST). */
int cg_harden_reset(const struct cg_harden_paths *p, unsigned *removed, struct cg_error *e);

/* Removes one drop-in of ours (path, in dir): as cg_harden_reset(). */
int cg_harden_remove(const struct cg_harden_paths *p, const char *path, const char *dir,
		     unsigned *removed, struct cg_error *e);

/* Parses a duration: seconds ("90"), or a number with s, min, h or d
 * ("30s", "10min", "2h", "1d"). -EINVAL with e (file "--duration"). */
int cg_harden_parse_duration(const char *s, double *out, struct cg_error *e);

/* `systemctl ARGS...` for the unit: 0, or -EIO with e saying what failed
 * and systemctl's exit code. */
int cg_harden_systemctl(const char *const *args, char **out, struct cg_error *e);

/* What `systemctl cat` would show after the drop-in at path (shown as
 * display) holds text: cat with that file's section replaced, or inserted
 * after the last drop-in whose name sorts before it. A new string. */
char *cg_harden_cat_with(const char *cat, const char *display, const char *text);
/* A unified diff (one hunk with 3 lines of context) from a to b, labelled;
 * "" when they are equal. A new string. */
char *cg_harden_diff(const char *a, const char *b, const char *label_a, const char *label_b);

/* "3 h 12 min", "45 s": a duration for people. Static buffer of the
 * caller (len bytes). */
const char *cg_harden_format_duration(double seconds, char *buf, size_t len);
