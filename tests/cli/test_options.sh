#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The seccomp-backed options from argument evidence (issue 13), end to end:
# the rows of every recommended drop-in against systemd-analyze security
# itself (fixtures recorded from real systemd 252 and 257), inputs without
# arguments, the round trip trace -> file -> suggest, merging, bad files.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
EV="$FIX/evidence"
OPTS='^(RestrictAddressFamilies|RestrictNamespaces|MemoryDenyWriteExecute|LockPersonality|RestrictRealtime|RestrictSUIDSGID|ProtectClock|ProtectHostname|ProtectKernelLogs|ProtectKernelTunables)='

# Row by row against systemd-analyze security --offline=true: each case of
# a fixture names an evidence file, the lines we recommended when it was
# recorded, and systemd's rows for a unit holding them.
for fx in "$FIX"/options-exposure/v*.txt; do
	v=$(basename "$fx" .txt); v=${v#v}
	awk -v dir="$TMP" '/^case\t/ { f = dir "/case." $2 } f { print > f }' "$fx"
	for cf in "$TMP"/case.*; do
		name=${cf##*/case.}
		$CG suggest --systemd="$v" --format=dropin "$EV/$name.txt" | grep -E "$OPTS" >"$TMP/got.lines"
		sed -n 's/^line\t//p' "$cf" >"$TMP/want.lines"
		check_eq "$v $name: the recommended lines are those recorded" \
			"$(cat "$TMP/got.lines")" "$(cat "$TMP/want.lines")"
		$CG suggest --systemd="$v" --format=json "$EV/$name.txt" >"$TMP/s.json"
		jq -r '.options.advice[].rows[] | "row\t\(.name)\t\(if .set_after then 1 else 0 end)\t\(.exposure_after // "-")"' \
			"$TMP/s.json" | sort >"$TMP/got.rows"
		grep '^row' "$cf" | sort >"$TMP/want.rows"
		check_eq "$v $name: every row equals systemd-analyze security's" \
			"$(cat "$TMP/got.rows")" "$(cat "$TMP/want.rows")"
	done
	rm -f "$TMP"/case.*
done

# Inputs without arguments: every option is "not known", with the command
# that would tell, and the drop-in sets none of them.
T="$FIX/strace/strace-6.13-f-c.txt"
$CG suggest --systemd=252 "$T" >"$TMP/t.txt"
check_eq "strace -c table: all ten options not known" \
	"$(grep -c 'not known from this input' "$TMP/t.txt")" 10
check_grep "strace -c table: names the strace command that would tell" 'strace -f -o FILE -- COMMAND' "$TMP/t.txt"
$CG suggest --systemd=252 --format=dropin "$T" >"$TMP/t.conf"
check_no_grep "strace -c table: the drop-in sets no option" "$OPTS" "$TMP/t.conf"
printf 'read\nwrite\nsocket\n' | $CG suggest --systemd=252 --format=json - >"$TMP/l.json"
check_eq "a list: every option unknown" \
	"$(jq -r '[.options.advice[].state] | unique | join(",")' "$TMP/l.json")" unknown
# A log and a table merged: the table saw no arguments, so nothing is known.
$CG suggest --systemd=252 --format=json "$EV/perl.txt" "$T" >"$TMP/m.json"
check_eq "evidence merged with a table without it: unknown" \
	"$(jq -r '[.options.advice[].state] | unique | join(",")' "$TMP/m.json")" unknown

# Versions: 247 refuses openat2 with EPERM (blocks RestrictSUIDSGID=), 252
# and later with ENOSYS (a note).
$CG suggest --systemd=247 --format=json "$EV/evidence_calls-ptrace.txt" >"$TMP/247.json"
check_eq "247: openat2 blocks RestrictSUIDSGID=" \
	"$(jq -r '.options.advice[] | select(.option == "RestrictSUIDSGID=") | [.evidence[] | select(.call == "openat2") | .rule] | join(",")' "$TMP/247.json")" block
$CG suggest --systemd=257 --format=json "$EV/evidence_calls-ptrace.txt" >"$TMP/257.json"
check_eq "257: openat2 is a note for RestrictSUIDSGID=" \
	"$(jq -r '.options.advice[] | select(.option == "RestrictSUIDSGID=") | [.evidence[] | select(.call == "openat2") | .rule] | join(",")' "$TMP/257.json")" note
check_eq "247 rows carry 247's names" \
	"$(jq -r '[.options.advice[].rows[].name | select(startswith("RestrictNamespaces=~CLONE_NEWUSER"))] | length' "$TMP/247.json")" 1

# Merging: two profiles' facts add up; the first process stays the first's.
$CG suggest --format=json "$EV/curl.txt" "$EV/curl.txt" >"$TMP/cc.json"
check_eq "merging two profiles adds the counts" \
	"$(jq -r '[.options.facts[] | select(.call == "socket" and .value_text == "AF_UNIX") | .count] | join(",")' "$TMP/cc.json")" 8
check_eq "merging keeps the inputs of both" "$(jq -r '.options.inputs' "$TMP/cc.json")" 2

# The profile file keeps the evidence: suggest on a file written by trace
# -o reports what trace reported (trace -> file -> suggest loses nothing).
P="$PROGS/evidence_calls"
if [ -x "$P" ]; then
	$CG trace --backend=ptrace --systemd=252 -o "$TMP/p.txt" --format=json --report="$TMP/tr.json" -- "$P" 2>/dev/null
	$CG suggest --systemd=252 --format=json "$TMP/p.txt" >"$TMP/su.json"
	check_eq "round trip: the same facts" "$(jq -S '.options.facts' "$TMP/tr.json")" "$(jq -S '.options.facts' "$TMP/su.json")"
	check_eq "round trip: the same advice" "$(jq -S '.options.advice' "$TMP/tr.json")" "$(jq -S '.options.advice' "$TMP/su.json")"
	# Written again from what was read: the same evidence section.
	$CG trace --backend=ptrace -o "$TMP/p2.txt" --report=/dev/null -- "$P" 2>/dev/null
	check_eq "the file's evidence section is stable" \
		"$(grep '^# fact' "$TMP/p.txt" | sed 's/pid=[0-9]*//' | sort)" \
		"$(grep '^# fact' "$TMP/p2.txt" | sed 's/pid=[0-9]*//' | sort)"
else
	skip "round trip: $P not built"
fi

# A malformed evidence line is an error naming the file and line, and
# nothing is half-read.
{ cat "$EV/perl.txt"; echo '# fact x86-64 socket socket-family zz count=1 pid=1 comm=x'; } >"$TMP/bad.txt"
check_status "a malformed evidence line: exit 2" 2 $CG suggest "$TMP/bad.txt"
check_grep "a malformed evidence line: file, line and what was expected" \
	"bad.txt:[0-9]+: .*hexadecimal value" "$TMP/err"
{ cat "$EV/perl.txt" | sed 's/callgroups-evidence 1/callgroups-evidence 9/'; } >"$TMP/new.txt"
check_status "a newer evidence format: refused" 2 $CG suggest "$TMP/new.txt"
check_grep "a newer evidence format: says so" "newer callgroups" "$TMP/err"

done_testing
