/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers: strace -c/-C tables, strace -f logs, -ff file sets, plain lists,
 * callgroups' own JSON profiles.
 * The format is detected from the content. Every reader adds to a profile,
 * so several inputs merge into one.
 *
 * What each format gives:
 * - strace -c / -C tables (strace 5.10 .. 7.x, -w, -S, -U with any columns in
 *   any order, comma decimals): calls and errors per name. The first table
 *   is of the native ABI; a table after "System call usage summary for 32
 *   bit mode:" / "for x32 mode:" is of i386 / x32. The "total" row is
 *   ignored. Lines before the first table that are not a strace log (the
 *   traced program's own stderr, as in `strace -c prog 2>FILE`) are skipped.
 * - strace logs (-f, -o, -ff files, -t/-tt/-ttt/-r, -T, -k, -y): one call per
 *   call line; an <unfinished ...> call counts once, its error is read from
 *   the "<... NAME resumed>" line. A result of -1..-4095 (`-1 ENOENT (...)`)
 *   or `? ERESTART...` is an error, as strace -c counts it. Calls that never
 *   return (exit, exit_group, `= ?`, an <unfinished ...> call of a killed
 *   process) count as calls: strace -c leaves them out. Otherwise a log's
 *   counts equal strace -c's for the same run (checked on strace 5.10, 6.1
 *   and 6.13 output). "[ Process PID=N runs in 32 bit mode. ]" (strace writes it to
 *   stderr only, never into -o files) switches that pid to i386; new pids
 *   start in the ABI of the previous call line, as strace's own do.
 * - -C (a log, then the tables): the tables' counts win; names of the log
 *   that no table has (exit_group ...) are added with the log's counts and
 *   ABI (an -o log has no ABI marks: they are native there).
 * - -ff sets: see cg_input_read().
 * - lists: names separated by newlines, spaces or commas; '#' starts a
 *   comment. Each name is recorded with calls = 0, which means "seen, count
 *   unknown". Every word must look like a system call name ([a-z_][a-z0-9_]*)
 *   and more than half of them must be known to libseccomp on some ABI, so
 *   prose or other text files are rejected instead of read as a list.
 * - JSON profiles, as `callgroups run --complain --format=json` writes them:
 *   one JSON object with "callgroups_profile": 1 (the version; any other is
 *   refused) and "denied": [{"abi": "x86-64", "syscall": "chown",
 *   "calls": 3, ...}, ...] and/or (as `harden` writes its sessions)
 *   "calls": [{"abi": ..., "syscall": ..., "calls": N, "errors": N}, ...];
 *   each entry adds its calls (and errors, when given) to (abi, syscall); an entry with "syscall":
 *   null (a number libseccomp could not name) is skipped; "evidence" (a
 *   session's call arguments: the lines of evidence.h's section) is read
 *   as a trace table's section is; other members are ignored. Recognised
 *   before the other formats, by the "callgroups_profile" member of a text
 *   that is one JSON object. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "input_types.h"
#include "profile.h"
#include "util.h"

/* Detects the format of text (need not be NUL-terminated). Returns
 * CG_INPUT_AUTO when nothing matches (binary data, empty input, other text). */
enum cg_input_format cg_input_detect(const char *text, size_t len);
/* "auto", "summary", "log", "list", "json". Static string. */
const char *cg_input_format_name(enum cg_input_format f);

/* Parses len bytes of text (need not be NUL-terminated; not kept) into p.
 * o may be NULL; st may be NULL (else it is added to). fname names the input
 * in errors. On unrecognised or malformed input returns -EINVAL with e naming
 * fname, the line and what was expected; p is then left unchanged. */
int cg_input_parse(const char *text, size_t len, const struct cg_input_opts *o, const char *fname,
		   struct cg_profile *p, struct cg_input_stats *st, struct cg_error *e);

/* Reads path ("-" for stdin; regular files are mmap'ed) and parses it as
 * cg_input_parse() does. A path that does not exist but is the PREFIX of a
 * `strace -ff -o PREFIX` set reads every PREFIX.PID file (PID all digits),
 * in pid order. Returns -errno (e says which file) when a file cannot be
 * read, -ENOENT when neither path nor a PREFIX.PID file exists. */
int cg_input_read(const char *path, const struct cg_input_opts *o, struct cg_profile *p,
		  struct cg_input_stats *st, struct cg_error *e);

/* How long the traced run took, in seconds, from the timestamps of the
 * logs st was filled from: the sum of the -r deltas when there are any,
 * else the latest absolute timestamp minus the earliest. Negative when
 * no line had a timestamp (strace -c tables, logs without -t/-tt/-ttt/-r,
 * lists). */
double cg_input_seconds(const struct cg_input_stats *st);

/* Adds to out the names of p that the local libseccomp does not know on the
 * ABI they were recorded for (they stay in the profile: systemd would
 * ignore them in a filter, the user should hear about them). */
void cg_input_unknown_names(const struct cg_profile *p, struct cg_set *out);
