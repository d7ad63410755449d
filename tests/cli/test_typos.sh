#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# No false passes: a typo in a unit or an option (a group, a system call,
# an errno, an architecture) is an error with "did you mean", exit 2, in
# check, run and run --export alike; so is an empty unit. What systemd
# ignores that is no typo stays a warning.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
T="$FIX/units/typos"
printf '%s\n' read write openat chown fchown execve >"$TMP/calls.txt"

# ---- check, unit files ---------------------------------------------------------
check_status "check: group typo: exit 2" 2 $CG check --no-analyze "$T/group.service" "$TMP/calls.txt"
check_grep "... names file, line and the group meant" \
	'group\.service:5: unknown group @system-servce \(did you mean @system-service\?\)' "$TMP/err"
check_no_grep "... no verdict on stdout" 'would be denied' "$TMP/out"
check_status "check: call typo: exit 2" 2 $CG check --no-analyze "$T/call.service" "$TMP/calls.txt"
check_grep "... did you mean chown" \
	'call\.service:5: unknown system call chwon \(did you mean chown\?\)' "$TMP/err"
check_status "check: errno typo: exit 2" 2 $CG check --no-analyze "$T/errno.service" "$TMP/calls.txt"
check_grep "... names the errno and what is expected" \
	'errno\.service:6: unknown errno name EWHATEVER \(expected an errno name such as EPERM' "$TMP/err"
check_status "check: errno with two letters swapped: exit 2" 2 \
	$CG check --no-analyze "$T/errno-near.service" "$TMP/calls.txt"
check_grep "... did you mean EPERM" \
	'errno-near\.service:5: unknown errno name EPREM \(did you mean EPERM\?\)' "$TMP/err"
check_status "check: architecture typo: exit 2" 2 $CG check --no-analyze "$T/archs.service"
check_grep "... did you mean native" \
	'archs\.service:6: unknown architecture nativ \(did you mean native\?\)' "$TMP/err"
check_status "check: quoted names (systemd keeps the quotes): exit 2" 2 \
	$CG check --no-analyze "$T/quoted.service" "$TMP/calls.txt"
check_grep "... the first word of the continued line, and the name meant" \
	'quoted\.service:6: unknown system call "@system-service" \(systemd does not remove quotes: did you mean @system-service\?\)' \
	"$TMP/err"
check_status "check --json: group typo: exit 2 too" 2 \
	$CG check --json --no-analyze "$T/group.service" "$TMP/calls.txt"
check_grep "... did you mean" 'did you mean @system-service\?' "$TMP/err"

# The same typo piped in as `systemctl cat` output.
check_status "check -: typo on stdin: exit 2" 2 \
	$CG check --no-analyze - "$TMP/calls.txt" <"$T/group.service"
check_grep "... named <stdin>" '<stdin>:5: unknown group @system-servce' "$TMP/err"

# ---- check, settings given by hand ---------------------------------------------
check_status "check --filter typo: exit 2" 2 $CG check --no-analyze --filter=@system-servce "$TMP/calls.txt"
check_grep "... did you mean" 'unknown group @system-servce \(did you mean @system-service\?\)' "$TMP/err"
check_status "check --errno typo: exit 2" 2 \
	$CG check --no-analyze --filter=@system-service --errno=EPREM "$TMP/calls.txt"
check_grep "... did you mean EPERM" 'unknown errno name EPREM \(did you mean EPERM\?\)' "$TMP/err"
check_status "check --architectures typo: exit 2" 2 \
	$CG check --no-analyze --filter=@system-service --architectures=nativ "$TMP/calls.txt"
check_grep "... did you mean native" 'did you mean native\?' "$TMP/err"

# ---- empty unit input ------------------------------------------------------------
check_status "check - with an empty stdin (a failed systemctl cat): exit 2" 2 \
	$CG check --no-analyze - "$TMP/calls.txt" </dev/null
check_grep "... says nothing was read" '<stdin>: no unit settings read \(empty input\)' "$TMP/err"
check_no_grep "... and no verdict" 'would be denied' "$TMP/out"
: >"$TMP/empty.service"
check_status "check on an empty unit file: exit 2" 2 $CG check --no-analyze "$TMP/empty.service" "$TMP/calls.txt"
check_grep "... names the file" 'empty\.service: no unit settings read \(empty input\)' "$TMP/err"

# ---- not typos: warnings, as systemd ignores them ---------------------------------
check_status "check: what systemd ignores that is no typo: exit 0" 0 \
	$CG check --no-analyze --systemd=252 "$T/not-typos.service" "$TMP/calls.txt"
check_grep "... @sandbox (systemd 254) warned about" '@sandbox is unknown to systemd 252' "$TMP/out"
check_grep "... arm64 warned about" 'arm64 is not of the x86 family' "$TMP/out"
check_grep "... the allow-listed errno is a pitfall" 'cannot take .:ERRNO' "$TMP/out"

# ---- run --------------------------------------------------------------------------
check_status "run --export=oci with a group typo: exit 2" 2 \
	$CG run --filter @bogus --export=oci "$TMP/out.json"
check_grep "... names the option and its position" '^callgroups: --filter:1: unknown group @bogus$' "$TMP/err"
check_eq "... and writes no file" "$(test -e "$TMP/out.json" && echo written || echo absent)" absent
check_status "run --export=bpf with a call typo: exit 2" 2 \
	$CG run --filter @system-service --filter 'chwon' --export=bpf "$TMP/out.bpf"
check_grep "... the second --filter" \
	'^callgroups: --filter:2: unknown system call chwon \(did you mean chown\?\)' "$TMP/err"
check_eq "... and writes no file" "$(test -e "$TMP/out.bpf" && echo written || echo absent)" absent
check_status "run with a group typo: exit 2" 2 \
	$CG run --filter @system-servce -- sh -c "echo ran >'$TMP/ran'"
check_grep "... did you mean" 'unknown group @system-servce \(did you mean @system-service\?\)' "$TMP/err"
check_eq "... and the command does not run" "$(test -e "$TMP/ran" && echo ran || echo 'not run')" 'not run'
check_status "run --log with a typo: exit 2" 2 $CG run --filter @system-service --log '@chwon' -- true
check_grep "... did you mean @chown" '^callgroups: --log:2: unknown group @chwon \(did you mean @chown\?\)' "$TMP/err"
check_status "run --unit with a typo: exit 2" 2 $CG run --unit "$T/call.service" -- true
check_grep "... names the unit's line" 'call\.service:5: unknown system call chwon' "$TMP/err"
check_status "run --unit on an empty file: exit 2" 2 $CG run --unit "$TMP/empty.service" -- true
check_grep "... says nothing was read" 'no unit settings read \(empty input\)' "$TMP/err"

done_testing
