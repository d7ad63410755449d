/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The overall exposure `systemd-analyze security --offline=true` prints for
 * a unit, before and after a fix: the oracle for every exposure score we
 * print (exposure.h computes the system call rows ourselves).
 *
 * systemd-analyze reads a unit file by path, with the drop-ins of PATH.d/
 * next to it, so a copy of the unit is written into a new directory under
 * /tmp (the unit file and its drop-ins as read, in order; or, for settings
 * given by hand or read from nowhere, a [Service] section holding them), it
 * is scored, the fix is added as the last drop-in, it is scored again, and
 * the directory is removed. Only services are scored: systemd-analyze
 * security knows no other unit type. */
#pragma once

#include <stddef.h>

#include "unitfile.h"
#include "util.h"

/* Overall exposure levels in tenths: 78 for "7.8 EXPOSED". */
struct cg_analyze_exposure {
	int before; /* the unit as read; -1 when unknown */
	int after;  /* with the fix lines as a last drop-in; -1 when unknown or
		     * there is no fix */
};

/* Scores unit u and then u with fix_lines (nfix "Key=value" lines for a
 * [Service] section; may be NULL when nfix is 0) added as a last drop-in.
 * Borrows u and fix_lines; copies the unit file and drop-ins u names
 * (u->fragment, u->dropins) when u->fragment is readable, else writes
 * u's system call settings (and User=, DynamicUser=) as a unit of its own.
 * A unit without a name is scored as "callgroups-check.service".
 * Fills *out (both -1 on failure) and returns 0 when the unit was scored
 * (out->before >= 0; out->after < 0 when the second run printed no score),
 * or a negative errno with e saying why not:
 *   -ENOENT      systemd-analyze is not installed (not found in PATH),
 *   -EOPNOTSUPP  the unit is not a service,
 *   -EIO         it ran but printed no overall exposure,
 *   other        the copy could not be written (errno of the failing call). */
int cg_analyze_exposure(const struct cg_unit_settings *u, char *const *fix_lines, size_t nfix,
			struct cg_analyze_exposure *out, struct cg_error *e);

/* "Overall exposure level for NAME: 8.0 EXPOSED" in text -> 80; -1 when
 * text (may be NULL) holds no such line. */
int cg_analyze_parse_overall(const char *text);
