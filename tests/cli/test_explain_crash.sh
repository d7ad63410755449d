#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups explain-crash: records captured on a real kernel, the other
# record forms, the fix for a unit, and a live run: a program killed by its
# own filter, its record read back from the kernel log.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
C="$FIX/crash"
U="$FIX/units/pitfalls"
rows() { jq -c "[.records[] | [$1]]" "$TMP/out"; }

check "dmesg records" $CG explain-crash --json "$C/dmesg-6.18.txt"
check_eq "dmesg: every record" "$(jq '.records | length' "$TMP/out")" 12
check_eq "dmesg: sqlite3's fchown kill" "$(jq -c '[.records[] | select(.comm=="sqlite3") | .syscall, .abi, .action, .sig]' "$TMP/out")" \
	'["fchown","x86-64","kill-process",31]'
check_eq "dmesg: x32 bit read as the x32 ABI" "$(jq -c '[.records[] | select(.abi=="x32") | .syscall, .nr]' "$TMP/out")" \
	'["getppid",1073741934]'
check_eq "dmesg: i386 records" "$(jq -c '[.records[] | select(.abi=="x86") | [.syscall, .action]]' "$TMP/out")" \
	'[["fchown","kill-process"],["getppid","log"]]'
check_eq "dmesg: kill-thread (code 0x0)" "$(jq -c '[.records[] | select(.action=="kill-thread") | .syscall]' "$TMP/out")" '["getppid"]'
check_eq "dmesg: SystemCallLog= records" "$(jq -c '[.records[] | select(.action=="log") | .sig] | unique' "$TMP/out")" '[0]'
check_eq "dmesg: groups of fchown" "$(jq -c '[.records[] | select(.comm=="sqlite3") | .groups][0]' "$TMP/out")" \
	'["@chown","@privileged","@system-service"]'

check "kmsg records" $CG explain-crash "$C/kmsg-6.18.txt"
check_grep "kmsg: chown named" 'crash_seccomp \(pid 27779\): killed \(kill-process, SIGSYS\) at chown \(x86-64, nr 92\)' "$TMP/out"
check_grep "kmsg: log record" 'logged, allowed .* at mprotect' "$TMP/out"

check "journal lines" $CG explain-crash --json "$C/journal-short.txt"
check_eq "journal: audit, exit status, coredump" "$(rows '.source, .syscall, .unit, .function')" \
	'[["audit","chown",null,null],["exit-status",null,"app.service",null],["coredump",null,null,"syscall"]]'
check "audit.log" $CG explain-crash --json "$C/audit-log.txt"
check_eq "audit.log: type=SECCOMP records, hex comm" "$(rows '.syscall, .comm')" \
	'[["chown","crash_seccomp"],["setuid","nginx master"]]'
check "coredumpctl info" $CG explain-crash --json "$C/coredumpctl-info.txt"
check_eq "coredump: SIGSYS dumps only, wrappers mapped" "$(rows '.syscall, .function, .unit')" \
	'[["fchown","fchown","app.service"],["openat","__libc_open64","daemon.service"]]'

# The fix for a unit: chown-overlap takes chown and fchown back, and is
# native-only, so the i386 fchown needs the ABI and the call.
check "fix for a unit" $CG explain-crash --json --unit "$U/chown-overlap.service" "$C/kmsg-6.18.txt"
check_eq "fix lines" "$(jq -c .fix "$TMP/out")" '["SystemCallFilter=chown fchown","SystemCallArchitectures=x86"]'
check_eq "fix verified" "$(jq .fix_verified "$TMP/out")" true
check "fix for a unit, text" $CG explain-crash --unit "$U/chown-overlap.service" "$C/dmesg-6.18.txt"
check_grep "text fix" '^SystemCallFilter=' "$TMP/out"
check "stdin" bash -c "$CG explain-crash - <'$C/audit-log.txt'"
check_grep "stdin: setuid" 'at setuid' "$TMP/out"
check "no FILE, piped input" bash -c "cat '$C/audit-log.txt' | $CG explain-crash"
check_grep "stdin: setuid" 'at setuid' "$TMP/out"
check_status "no record: exit 1" 1 $CG explain-crash /etc/hostname
check_status "malformed record: exit 2" 2 bash -c "echo 'audit: type=1326 audit(1.2:3): pid=1 sig=31' | $CG explain-crash -"
check_status "missing file: exit 2" 2 $CG explain-crash /nonexistent
check "--help" $CG explain-crash --help

# Live: get killed by a filter, then find the record in the kernel log.
prog="$PROGS/crash_seccomp"
if [ ! -x "$prog" ]; then
	skip "crash_seccomp not built (make progs)"
elif ! dd if=/dev/kmsg iflag=nonblock count=1 of=/dev/null 2>/dev/null; then
	skip "/dev/kmsg not readable here: live record not read back"
else
	"$prog" kill-process fchown >/dev/null 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	check_eq "live: killed by SIGSYS (128+31)" "$rc" 159
	sleep 0.2
	$CG explain-crash --json /dev/kmsg >"$TMP/live.json" 2>"$TMP/err"
	got=$(jq -c "[.records[] | select(.pid==$pid) | .syscall, .abi, .action]" "$TMP/live.json" 2>/dev/null)
	if [ -z "$got" ] || [ "$got" == "[]" ]; then
		if [ "$(cat /proc/sys/kernel/seccomp/actions_logged 2>/dev/null)" == "" ] ||
		   ! grep -q kill_process /proc/sys/kernel/seccomp/actions_logged; then
			skip "the kernel does not log seccomp kills here (actions_logged)"
		else
			skip "no audit record for pid $pid in /dev/kmsg (audit disabled?)"
		fi
	else
		check_eq "live: record of the kill read back from /dev/kmsg" "$got" '["fchown","x86-64","kill-process"]'
	fi
	"$prog" log getppid >/dev/null 2>&1 &
	pid=$!
	wait $pid
	sleep 0.2
	got=$($CG explain-crash --json /dev/kmsg | jq -c "[.records[] | select(.pid==$pid) | .syscall, .action]")
	if [ "$got" == "[]" ] || [ -z "$got" ]; then
		skip "no SECCOMP_RET_LOG record for pid $pid in /dev/kmsg"
	else
		check_eq "live: SystemCallLog-style record read back" "$got" '["getppid","log"]'
	fi
fi
done_testing
