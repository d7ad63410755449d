#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups check: denials and what happens to them, the fix (and that it
# works), pitfalls, portability across systemd versions, input forms, and
# the exposure rows compared with systemd-analyze security itself.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
U="$FIX/units"
P="$U/pitfalls"
list() { printf '%s\n' "$@" >"$TMP/list.txt"; echo "$TMP/list.txt"; }

# --- chown overlap: @system-service then ~@privileged @resources -------------
L=$(list read write openat chown fchown)
check_status "chown overlap: exit 1 (denied)" 1 $CG check --no-analyze "$P/chown-overlap.service" "$L"
check_grep "chown overlap: chown killed" '^  chown +x86-64 +killed \(SIGSYS\) +taken back by .~@privileged @resources.' "$TMP/out"
check_grep "chown overlap: fix re-adds chown and fchown alone" '^SystemCallFilter=chown fchown$' "$TMP/out"
check_grep "chown overlap: fix verified" 'checked: with these lines nothing observed is denied' "$TMP/out"
check_grep "chown overlap: taken-back pitfall" 'takes back [0-9]+ calls .*chown' "$TMP/out"
$CG check --json --no-analyze "$P/chown-overlap.service" "$L" >"$TMP/j.json"
check_eq "chown overlap: json denied" "$(jq -c '[.denied[] | [.syscall, .action, .fix]]' "$TMP/j.json")" \
	'[["chown","kill","chown"],["fchown","kill","fchown"]]'
# Applying the fix really helps: check again with the fix as --filter lines.
check_status "chown overlap: fixed lines deny nothing" 0 $CG check --no-analyze \
	--filter=@system-service --filter='~@privileged @resources' --filter='chown fchown' "$L"

# --- a denied call outside any allowed group: the smallest safe group -------
L=$(list read timerfd_create)
check_status "allow-list: exit 1" 1 $CG check --no-analyze --systemd=252 --filter='@basic-io' "$L"
check_grep "allow-list: smallest group @timer" '^SystemCallFilter=@timer$' "$TMP/out"

# --- the first line decides the mode ----------------------------------------
$CG check --json --no-analyze "$P/mode-first-line.service" >"$TMP/j.json"
check_eq "mode pitfall found, at the drop-in" \
	"$(jq -r '.pitfalls[] | select(.kind=="mode") | .where' "$TMP/j.json" | sed 's|.*/||')" "50-allow.conf:2"
check_eq "mode: still a deny-list" "$(jq -r .settings.mode "$TMP/j.json")" "deny-list"
check_status "mode: reboot still denied" 1 $CG check --no-analyze "$P/mode-first-line.service" "$(list reboot)"
check_status "mode: init_module is not (no allow-list was made)" 0 $CG check --no-analyze "$P/mode-first-line.service" "$(list init_module)"

# --- mprotect: in @default from 252 on, not in 247 --------------------------
L=$(list read write openat mprotect)
check_status "fine groups on 252: nothing denied" 0 $CG check --no-analyze --systemd=252 "$P/fine-groups.service" "$L"
check_status "fine groups on 247: mprotect denied" 1 $CG check --no-analyze --systemd=247 "$P/fine-groups.service" "$L"
check_grep "247: mprotect named" '^  mprotect ' "$TMP/out"
check_status "--systemd=247,252: exit 1 (breaks on 247)" 1 $CG check --no-analyze --systemd=247,252 "$P/fine-groups.service" "$L"
check_grep "247,252: 247 breaks on mprotect" '247: BREAKS, denies observed 1 call: mprotect' "$TMP/out"
check_grep "247,252: the reason" 'mprotect: in @default of 252, not of 247' "$TMP/out"
check_status "--systemd=all without a profile: exit 0" 0 $CG check --no-analyze --systemd=all "$P/fine-groups.service"
check_grep "all: 247 loses mprotect" '247: denies .*mprotect' "$TMP/out"
check_status "bad version list: exit 2" 2 $CG check --systemd=247,199 "$P/fine-groups.service"

# --- without a profile: the allowed set by group ---------------------------
check_status "no profile: exit 0" 0 $CG check --no-analyze --systemd=252 "$P/chown-overlap.service"
check_grep "no profile: fully allowed groups" '^  fully: @default .*@basic-io' "$TMP/out"
check_grep "no profile: @system-service partly, chown missing" '^  partly: @system-service [0-9]+/[0-9]+, denied: .*chown' "$TMP/out"
check_no_grep "no profile: @privileged not fully allowed" '^  fully: .*@privileged' "$TMP/out"
check_grep "no profile: exposure rows" 'SystemCallFilter=~@privileged +System call allow list defined' "$TMP/out"

# --- other pitfalls -----------------------------------------------------------
kinds() { $CG check --json --no-analyze "$1" | jq -r '[.pitfalls[].kind] | unique | join(",")'; }
check_eq "~execve: execve pitfall" "$(kinds "$P/deny-execve.service")" "execve"
check_eq "allow-listed :errno pitfall" "$(kinds "$P/allow-errno.service")" "allow-errno,ignored"
check_eq "no SystemCallArchitectures=native" "$(kinds "$P/no-archs.service")" "architectures"
check_eq "chown overlap pitfalls" "$(kinds "$P/chown-overlap.service")" "taken-back"

# --- what happens to a denied call: entry errno, SystemCallErrorNumber=, kill -
$CG check --json --no-analyze "$P/no-archs.service" "$(list mount reboot swapon read)" >"$TMP/j.json"
check_eq "deny-list actions" "$(jq -c '[.denied[] | [.syscall, .action, .errno]]' "$TMP/j.json")" \
	'[["mount","errno","EACCES"],["reboot","kill",null],["swapon","errno","EPERM"]]'
check_eq "deny-list fix takes the calls out" "$(jq -r '.fix[0]' "$TMP/j.json")" "SystemCallFilter=mount reboot swapon"

# --- ABIs: SystemCallArchitectures=native kills i386 calls -----------------
M32="$FIX/strace/strace-6.13-f-c-m32.txt"
$CG check --json --no-analyze "$P/chown-overlap.service" "$M32" >"$TMP/j.json"
check_eq "i386 calls: arch-kill" "$(jq -r '[.denied[] | select(.abi=="x86") | .action] | unique | join(",")' "$TMP/j.json")" "arch-kill"
check_grep "i386 calls: fix adds the ABI" '"SystemCallArchitectures=x86"' "$TMP/j.json"
check_eq "x86-64 execve passes" "$(jq '[.denied[] | select(.abi=="x86-64")] | length' "$TMP/j.json")" "0"

# --- SystemCallLog= -----------------------------------------------------------
$CG check --json --no-analyze "$P/log.service" "$(list chown access openat read)" >"$TMP/j.json"
check_eq "log: denied chown fails with EPERM" "$(jq -c '[.denied[] | [.syscall, .errno]]' "$TMP/j.json")" '[["chown","EPERM"]]'
check_eq "log: passing calls that are logged" "$(jq -c .logged "$TMP/j.json")" '["access"]'

# --- input forms ----------------------------------------------------------------
check "continuation unit" $CG check --json --no-analyze "$P/continuation.service"
check_eq "continuation: values as systemd joins them" "$(jq -c '[.settings.lines[].value]' "$TMP/out")" \
	'["@obsolete","","@system-service      ioprio_get      @timer","~@privileged"]'
{ echo "# /etc/systemd/system/x.service"; cat "$P/chown-overlap.service"; echo
  echo "# /etc/systemd/system/x.service.d/fix.conf"; printf '[Service]\nSystemCallFilter=chown\n'; } >"$TMP/cat.txt"
check_status "systemctl cat on stdin: fchown still denied" 1 bash -c "$CG check --no-analyze - '$(list chown fchown)' <'$TMP/cat.txt'"
check_grep "stdin: unit name from the header" '^Unit: x.service' "$TMP/out"
check_grep "stdin: drop-in listed" 'drop-in: /etc/systemd/system/x.service.d/fix.conf' "$TMP/out"
if systemctl cat systemd-logind.service >"$TMP/logind.txt" 2>/dev/null; then
	check "real systemctl cat output" bash -c "$CG check --no-analyze - <'$TMP/logind.txt'"
	check_grep "real systemctl cat: filter read" 'SystemCallFilter=@system-service' "$TMP/out"
else
	skip "systemctl cat does not work here"
fi
check "--root: instance of a template" $CG check --no-analyze --json --root="$U/root" tmpl@inst.service
check_eq "--root: template lines then instance drop-in" "$(jq -c '[.settings.lines[].value]' "$TMP/out")" \
	'["@system-service @mount @raw-io","~@resources","~@mount","@clock"]'
check_status "unknown unit: exit 2" 2 $CG check --root="$U/root" nosuch.service
check_status "no unit: exit 2" 2 $CG check
check_status "bad profile: exit 2" 2 $CG check "$P/chown-overlap.service" /etc/services

# --- systemd-analyze security: the oracle for every row we print -------------
if command -v systemd-analyze >/dev/null && command -v jq >/dev/null; then
	sa_rows='[.[] | select(.name | startswith("SystemCall")) | select(.name != "SystemCallErrorNumber=") | {name, set, exposure, description}] | sort_by(.name)'
	our_rows='[.exposure.rows[] | {name, set, exposure, description}] | sort_by(.name)'
	n=0
	for f in "$U"/debian12/*.service "$P"/*.service; do
		want=$(systemd-analyze security --offline=true --json=short "$f" 2>/dev/null | jq -c "$sa_rows")
		got=$($CG check --json --no-analyze --systemd=252 "$f" | jq -c "$our_rows")
		check_eq "$(basename "$f"): rows equal systemd-analyze security" "$got" "$want"
		n=$((n + 1))
	done
	check "at least ten unit files compared" test "$n" -ge 10
	for u in demo.service foo-bar-baz.service tmpl@inst.service dbus-org.example.service; do
		want=$(systemd-analyze security --offline=true --root="$U/root" --json=short "$u" 2>/dev/null | jq -c "$sa_rows")
		got=$($CG check --json --no-analyze --systemd=252 --root="$U/root" "$u" | jq -c "$our_rows")
		check_eq "--root $u (drop-in order, masking, template, prefix, alias): rows equal" "$got" "$want"
	done
	# Units under --root are copied (file and drop-ins, in order) for
	# systemd-analyze: the overall score equals its own on the root.
	for u in demo.service foo-bar-baz.service tmpl@inst.service; do
		want=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=true --root="$U/root" "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		got=$($CG check --json --root="$U/root" "$u" | jq -r .exposure.analyze_before)
		check_eq "--root $u: overall exposure of the copy equals systemd-analyze's" "$got" "$want"
	done
	# Units of this machine by name (unit search path from /): rows and
	# overall exposure equal systemd-analyze's for the same name.
	for u in systemd-logind.service systemd-timesyncd.service systemd-journald.service; do
		if ! systemd-analyze security --offline=true "$u" >/dev/null 2>&1; then
			skip "$u not installed here"
			continue
		fi
		want=$(systemd-analyze security --offline=true --json=short "$u" 2>/dev/null | jq -c "$sa_rows")
		$CG check --json --systemd=252 "$u" >"$TMP/live.json"
		check_eq "$u by name: rows equal" "$(jq -c "$our_rows" "$TMP/live.json")" "$want"
		a=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=true "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		check_eq "$u by name: overall exposure equal" "$(jq ".exposure.analyze_before == $a" "$TMP/live.json")" true
	done
	# Overall exposure before and after the fix, as systemd-analyze prints it.
	$CG check --json "$P/chown-overlap.service" "$(list chown)" >"$TMP/j.json"
	want=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=true "$P/chown-overlap.service" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check_eq "overall exposure before" "$(jq -r .exposure.analyze_before "$TMP/j.json")" "$want"
	check_grep "overall exposure after the fix is a number" '^[0-9]+\.[0-9]$' <(jq -r .exposure.analyze_after "$TMP/j.json")
	# Settings given by hand are scored as a unit of their own holding
	# them: the same score as that unit file written out.
	$CG check --json --filter=@system-service --filter='~@privileged' --errno=EPERM \
		--architectures=native "$(list read chown)" >"$TMP/j.json"
	printf '[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=native\n' >"$TMP/hand.service"
	want=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=true "$TMP/hand.service" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check_eq "--filter lines: overall exposure equals systemd-analyze's for them" \
		"$(jq ".exposure.analyze_before == $want" "$TMP/j.json")" true
	printf 'SystemCallFilter=chown\n' >>"$TMP/hand.service"
	want=$(SYSTEMD_COLORS=0 systemd-analyze security --offline=true "$TMP/hand.service" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check_eq "--filter lines: with the fix, equals systemd-analyze's with the fix line" \
		"$(jq -c '[.fix, .exposure.analyze_after == '"$want"']' "$TMP/j.json")" '[["SystemCallFilter=chown"],true]'
else
	skip "systemd-analyze or jq missing: rows not compared with systemd-analyze security"
fi
check "--help" $CG check --help
done_testing
