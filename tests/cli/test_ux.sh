#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The rough edges a new user meets first: the main help's columns, one
# spelling for machine output (--format=json, --json kept as an alias), and
# `suggest -` telling a terminal user that it waits for input.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS

# The main help: every command's description starts in the same column.
$CG --help >"$TMP/help"
check_eq "main help: one column for the descriptions" \
	"$(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { match($0, /^  [^ ]+ +/); print RLENGTH } /^$/ { on = 0 }' \
		"$TMP/help" | sort -u | wc -l)" 1
check_grep "main help: explain-crash is listed with its description" \
	'^  explain-crash +name the call' "$TMP/help"

# explain: the groups start in one column, whatever the longest table label
# (the local systemd-analyze's is longer than a built-in one's).
$CG explain chown mprotect >"$TMP/explain.txt"
check_eq "explain: one column for the groups" \
	"$(awk '/^  systemd / { match($0, /^  systemd [^)]*\) +/); print RLENGTH }' "$TMP/explain.txt" | sort -u | wc -l)" 1

# --format=json and --json give the same output; a bad format is a usage error.
for cmd in "groups @chown" "explain chown"; do
	# shellcheck disable=SC2086
	$CG $cmd --format=json >"$TMP/f.json"
	# shellcheck disable=SC2086
	$CG $cmd --json >"$TMP/j.json"
	check "$cmd --format=json is JSON" jq -e . "$TMP/f.json"
	check "$cmd: --json is the same as --format=json" cmp "$TMP/f.json" "$TMP/j.json"
	# shellcheck disable=SC2086
	check_status "$cmd --format=xml is a usage error" 2 $CG $cmd --format=xml
	# shellcheck disable=SC2086
	$CG $cmd --format=text >"$TMP/t.txt"
	# shellcheck disable=SC2086
	$CG $cmd >"$TMP/d.txt"
	check "$cmd --format=text is the default" cmp "$TMP/t.txt" "$TMP/d.txt"
done
for cmd in groups explain; do
	$CG $cmd --help >"$TMP/h"
	check_grep "$cmd --help documents --format" '--format=FMT' "$TMP/h"
done

# suggest - on a terminal says it waits for input; from a pipe it says nothing.
if command -v script >/dev/null; then
	printf 'read\nwrite\n' >"$TMP/names"
	(sleep 1; printf 'read\nwrite\n\004') |
		timeout 20 script -qec "$CG suggest -" /dev/null >"$TMP/tty.out" 2>&1
	check_grep "suggest - on a terminal says it is waiting" 'end with Ctrl\+D' "$TMP/tty.out"
	check_grep "... and then reads what was typed" '^2 system calls observed' "$TMP/tty.out"
	$CG suggest - <"$TMP/names" >"$TMP/pipe.out" 2>&1
	check_no_grep "suggest - from a pipe does not" 'Ctrl\+D' "$TMP/pipe.out"
else
	skip "suggest - on a terminal: script(1) is not installed"
fi

# check: --format=json (with --json as its alias), --strict for CI, and
# --systemd=all against the local (else the newest shipped) table.
U="$FIX/units/pitfalls"
$CG check --no-analyze --format=json "$U/fine-groups.service" >"$TMP/cf.json"
$CG check --no-analyze --json "$U/fine-groups.service" >"$TMP/cj.json"
check "check --format=json is JSON" jq -e . "$TMP/cf.json"
check "check: --json is the same as --format=json" cmp "$TMP/cf.json" "$TMP/cj.json"
check_status "check --format=dropin is a usage error" 2 \
	$CG check --no-analyze --format=dropin "$U/fine-groups.service"
check_status "check: a clean unit passes --strict" 0 \
	$CG check --no-analyze --strict "$U/fine-groups.service"
check_status "check: a unit with a pitfall passes without --strict" 0 \
	$CG check --no-analyze "$U/chown-overlap.service"
check_status "... and fails with it" 1 $CG check --no-analyze --strict "$U/chown-overlap.service"
check_grep "... saying why" 'strict: 1 warning or pitfall' "$TMP/err"
$CG check --no-analyze --format=json --systemd=all "$U/fine-groups.service" >"$TMP/all.json"
ref=$($CG groups --format=json >/dev/null 2>&1; $CG check --no-analyze --format=json "$U/fine-groups.service" | jq -r .table)
check_eq "check --systemd=all: the reference is the local table (or the newest shipped)" \
	"$(jq -r .table "$TMP/all.json")" "$ref"
check_eq "... compared with every shipped version" \
	"$(jq -r '[.portability[].version] | sort | join(" ")' "$TMP/all.json")" "247 252 254 257 262"
check_no_grep "... listing only names of this machine's ABIs" 'riscv_|s390_|arm_' \
	<($CG check --no-analyze --systemd=all "$U/fine-groups.service")
check_status "check --filter with a bad --errno is a usage error" 2 \
	$CG check --no-analyze --filter=@system-service --errno=EWHATEVER

# Unknown names: one rule whatever their number. Reported as unknown with
# the names meant, never counted as allowed; exit 1 (a finding, as a
# denied call is for check), never a usage error.
printf 'read\nfrobnicate\nwrite\n' >"$TMP/one-unknown"
printf 'read\nfrobnicate\nchwon\nwrite\n' >"$TMP/two-unknown"
for f in one-unknown two-unknown; do
	check_status "suggest with $f: exit 1" 1 $CG suggest --format=json "$TMP/$f"
	check_eq "... JSON: not verified" "$(jq -r '[.recommended.verified, .tight.verified, .deny_list.verified] | any' "$TMP/out")" false
	check_eq "... frobnicate would be denied" "$(jq -r '.recommended.would_deny | index("frobnicate") != null' "$TMP/out")" true
	check_status "... the text report: exit 1 too" 1 $CG suggest "$TMP/$f"
	check_no_grep "... never 'every observed call is allowed'" 'every observed call is allowed$' "$TMP/out"
	check_grep "... names it as unknown" '^  unknown system call frobnicate$' "$TMP/out"
done
check_grep "a typo gets the name meant" 'unknown system call chwon \(did you mean chown\?\)' "$TMP/out"
check_status "names that are all known: exit 0" 0 $CG suggest - <<<'read write'

# --systemd=all and lists are taken only where versions are compared.
for cmd in "groups @chown" "explain read" "run --filter @system-service -- true"; do
	# shellcheck disable=SC2086
	check_status "${cmd%% *} --systemd=all is a usage error" 2 $CG ${cmd%% *} --systemd=all ${cmd#* }
	check_grep "... saying where it is meant" 'several versions are for suggest, trace and check' "$TMP/err"
done
check_status "suggest --systemd=all is taken" 0 $CG suggest --systemd=all - <<<'read write'

# Singular and plural.
printf 'read\n' | $CG suggest - >"$TMP/one.txt"
check_grep "one call: singular" '^1 system call observed \(counts unknown' "$TMP/one.txt"
printf 'read\nwrite\n' | $CG suggest --format=dropin - >"$TMP/two.txt"
check_grep "two calls: plural" '^# 2 observed system calls;' "$TMP/two.txt"
printf '%s\n' '% time     seconds  usecs/call     calls    errors syscall' \
	'------ ----------- ----------- --------- --------- ----------------' \
	'100.00    0.000001           1         1         1 read' \
	'------ ----------- ----------- --------- --------- ----------------' \
	'100.00    0.000001           1         1         1 total' | $CG suggest - >"$TMP/c.txt"
check_grep "one call, one error: singular" '^1 system call observed \(1 call, 1 error;' "$TMP/c.txt"

done_testing
