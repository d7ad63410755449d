#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One denial, three commands, one fix: `check` (a unit and a profile),
# `explain-crash` (the kernel's audit record of the kill) and `run
# --complain` (the call made for real by tests/progs/sysprobe) print the
# same smallest change, the rulebook's (groups.h cg_fix_for()).
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
V=257

# NAME: "unit lines|call|x86-64 number|fix"; sysprobe calls each with every
# argument -1, which fails harmlessly (EFAULT, EBADF, EINVAL).
cases=(
	# @mount is risky: the call itself, not the group (run --complain used to say @mount).
	"@system-service|umount2|166|umount2"
	# Taken back by a ~ line: the call alone, the rest of the line stays.
	"@system-service;~@privileged @resources|chown|92|chown"
	# Never allowed: the smallest group that is neither risky nor an umbrella.
	"@basic-io @file-system @process @signal|timerfd_create|283|@timer"
	# Only @system-service holds it: the call (check used to say @system-service).
	"@basic-io @file-system @process @signal|ioctl|16|ioctl"
	# A deny-list: the call, on a line without ~ (run --complain used to say @chown).
	"~@chown|fchown|93|fchown"
)
for c in "${cases[@]}"; do
	IFS='|' read -r lines call nr want <<<"$c"
	unit="$TMP/$call.service"
	{ echo "[Service]"; tr ';' '\n' <<<"$lines" | sed 's/^/SystemCallFilter=/'; } >"$unit"
	what="$call under '${lines//;/' then '}'"

	echo "$call" >"$TMP/profile.txt"
	check_status "check: $what is denied" 1 \
		$CG check --json --no-analyze --systemd=$V "$unit" "$TMP/profile.txt"
	check_eq "check: $what: fix $want" "$(jq -r '.denied[0].fix' "$TMP/out")" "$want"
	check_eq "check: the fix line" "$(jq -r '.fix[0]' "$TMP/out")" "SystemCallFilter=$want"

	printf 'audit: type=1326 audit(1795398602.530:37): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=4242 comm="app" exe="/usr/bin/app" sig=31 arch=c000003e syscall=%s compat=0 ip=0x7f4d426fe829 code=0x80000000\n' \
		"$nr" >"$TMP/record.txt"
	check "explain-crash: $what" \
		$CG explain-crash --json --systemd=$V --unit "$unit" "$TMP/record.txt"
	check_eq "explain-crash: the record is $call" "$(jq -r '.records[0].syscall' "$TMP/out")" "$call"
	check_eq "explain-crash: $what: fix $want" "$(jq -r '.records[0].fix' "$TMP/out")" "$want"
	check_eq "explain-crash: the fix line" "$(jq -r '.fix[0]' "$TMP/out")" "SystemCallFilter=$want"

	check "run --complain: $what" $CG run --systemd=$V --unit "$unit" --complain \
		--report="$TMP/report" -- "$PROGS/sysprobe" "$call=$nr"
	check_grep "run --complain: the call ran" "^$call allowed" "$TMP/out"
	check_eq "run --complain: $what: fix $want" \
		"$(awk -v c="$call" '$2 == "x86-64" && $3 == c { print $5 }' "$TMP/report")" "$want"
done
done_testing
