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
export TZ=UTC # times print in local time

check "dmesg records" $CG explain-crash --json "$C/dmesg-6.18.txt"
# nginx's two socket kills are one row: 11 rows of 12 records.
check_eq "dmesg: every record, repeats grouped" "$(jq -c '[(.records | length), .records_read, .records_matched, ([.records[].count] | add)]' "$TMP/out")" \
	'[11,12,12,12]'
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
check_grep "--help: --format" '^  --format=FORMAT +text or json' "$TMP/out"
check_grep "--help: --json is its alias" '^  --json +the same as --format=json' "$TMP/out"
check_grep "--help: --since" '^  --since=TIME' "$TMP/out"

# One spelling for machine output, --json kept as its alias.
check "--format=json" $CG explain-crash --format=json "$C/dmesg-6.18.txt"
cp "$TMP/out" "$TMP/format.json"
check "--json" $CG explain-crash --json "$C/dmesg-6.18.txt"
check_eq "--format=json and --json print the same" "$(cat "$TMP/out")" "$(cat "$TMP/format.json")"
check "--format json (separate argument)" $CG explain-crash --format json "$C/dmesg-6.18.txt"
check_eq "--format json is JSON" "$(cat "$TMP/out")" "$(cat "$TMP/format.json")"
check "--format=text" $CG explain-crash --format=text "$C/dmesg-6.18.txt"
cp "$TMP/out" "$TMP/format.txt"
check "default format" $CG explain-crash "$C/dmesg-6.18.txt"
check_eq "--format=text is the default" "$(cat "$TMP/out")" "$(cat "$TMP/format.txt")"
check "--json --format=text: the last one wins" $CG explain-crash --json --format=text "$C/dmesg-6.18.txt"
check_eq "--json --format=text prints text" "$(cat "$TMP/out")" "$(cat "$TMP/format.txt")"
check_status "--format=xml: exit 2" 2 $CG explain-crash --format=xml "$C/dmesg-6.18.txt"
check_grep "--format=xml: says what is expected" 'expected text, json' "$TMP/err"

# Repeated records: one row with its count, pids and first and last time.
check "grouped, text" $CG explain-crash "$C/dmesg-6.18.txt"
check_grep "grouped: 2x nginx with both pids" \
	'^[^ ]*dmesg-6.18.txt:3: 2× nginx \(pids 29436, 27525\): killed \(kill-process, SIGSYS\) at socket' "$TMP/out"
check_grep "grouped: first and last time" '^  first 2026-11-23 01:48:05, last 2026-11-23 01:49:11$' "$TMP/out"
check_eq "grouped: no second nginx row" "$(grep -c 'at socket' "$TMP/out")" 1
check_eq "grouped: single records have no count" "$(grep -c '×' "$TMP/out")" 1
check "grouped, JSON" $CG explain-crash --format=json "$C/dmesg-6.18.txt"
check_eq "grouped JSON: count, pids, first, last" \
	"$(jq -c '[.records[] | select(.comm=="nginx") | .count, .pids, .clock, .first, .last]' "$TMP/out")" \
	'[2,[29436,27525],"realtime",1795398485.45,1795398551.746]'
check_eq "grouped JSON: a single record" \
	"$(jq -c '[.records[] | select(.comm=="python3") | .count, .pids, .first, .last]' "$TMP/out")" \
	'[1,[28004],1795398482.798,1795398482.798]'
check "grouped: a restart loop in short-iso" $CG explain-crash "$C/repeated-iso.txt"
check_grep "restart loop: the kills" '^[^ ]*:1: 3× app \(pids 700, 712, 725\): killed .* at chown' "$TMP/out"
check_grep "restart loop: the exits" '^[^ ]*:2: 3× \[app.service\]: killed \(SIGSYS\)' "$TMP/out"
check_eq "restart loop: first and last of both" "$(grep -c '^  first 2026-11-29 10:05:11, last 2026-11-29 10:05:31$' "$TMP/out")" 2
check "restart loop, JSON" $CG explain-crash --json "$C/repeated-iso.txt"
check_eq "restart loop JSON: counts" "$(rows '.count, .unit')" '[[3,null],[3,"app.service"],[1,"other.service"]]'
check "journal: kmsg's chown and the journal's are one" $CG explain-crash --json "$C/kmsg-6.18.txt" "$C/journal-short.txt"
check_eq "across files: chown seen twice, first row kept" \
	"$(jq -c '[.records[] | select(.syscall=="chown") | .count, .file, .line]' "$TMP/out")" \
	"[2,\"$C/kmsg-6.18.txt\",2]"

# Filters: what is kept, and the report says so.
check "--pid" $CG explain-crash --pid 27779 "$C/dmesg-6.18.txt"
check_grep "--pid: says what matched" '^1 of 12 records match --pid 27779\.$' "$TMP/out"
check_eq "--pid: only that record" "$(grep -c "^$C/dmesg-6.18.txt:" "$TMP/out")" 1
check_grep "--pid: the record" 'crash_seccomp \(pid 27779\): .* at chown' "$TMP/out"
check "--pid, JSON" $CG explain-crash --json --pid=27779 "$C/dmesg-6.18.txt"
check_eq "--pid JSON: filter and counts" "$(jq -c '[.filter, .records_read, .records_matched, [.records[].pid]]' "$TMP/out")" \
	'[{"pid":27779},12,1,[27779]]'
check_status "--pid of nobody: exit 1" 1 $CG explain-crash --pid 1 "$C/dmesg-6.18.txt"
check_grep "--pid of nobody: says so" '^0 of 12 records match --pid 1\.$' "$TMP/out"
check_grep "--pid of nobody: no match" '^No seccomp record matches\.$' "$TMP/out"
check_status "--pid=abc: exit 2" 2 $CG explain-crash --pid abc "$C/dmesg-6.18.txt"
check_grep "--pid=abc: says what is expected" 'expected a process id' "$TMP/err"
check "--comm" $CG explain-crash --comm nginx "$C/dmesg-6.18.txt"
check_grep "--comm: says what matched" '^2 of 12 records match --comm nginx\.$' "$TMP/out"
check_grep "--comm: one row for both" '2× nginx' "$TMP/out"
check "--comm, JSON" $CG explain-crash --format=json --comm crash_seccomp32 "$C/dmesg-6.18.txt"
check_eq "--comm JSON: the i386 records" "$(rows '.comm, .abi')" '[["crash_seccomp32","x86"],["crash_seccomp32","x86"]]'
check "--unit filters" $CG explain-crash --unit "$C/app.service" "$C/coredumpctl-info.txt"
check_grep "--unit: says what matched" '^1 of 2 records match --unit app.service\.$' "$TMP/out"
check_grep "--unit: app.service's dump" 'sqlite3 \(pid 4242\) \[app.service\]' "$TMP/out"
check_no_grep "--unit: not daemon.service's" 'daemon' "$TMP/out"
check "--unit, JSON" $CG explain-crash --json --unit "$C/app.service" "$C/repeated-iso.txt"
check_eq "--unit JSON: other.service left out" "$(jq -c '[.records_read, .records_matched, [.records[].unit], .filter]' "$TMP/out")" \
	'[7,6,[null,"app.service"],{"unit":"app.service"}]'
check_eq "--unit JSON: its settings checked too" "$(jq -c .fix "$TMP/out")" '["SystemCallFilter=chown"]'
check "--unit keeps records that name no unit" $CG explain-crash --unit "$C/app.service" "$C/dmesg-6.18.txt"
check_grep "--unit: all kept" '^12 of 12 records match --unit app.service\.$' "$TMP/out"
check_grep "--unit: and says why" "^12 of them name no unit .*kept, as they may be app.service's\.$" "$TMP/out"
check "--since YYYY-MM-DD HH:MM:SS" $CG explain-crash --since '2026-11-23 01:50:02' "$C/dmesg-6.18.txt"
check_grep "--since: says what matched" "^6 of 12 records match --since '2026-11-23 01:50:02'\.$" "$TMP/out"
check_no_grep "--since: the earlier ones left out" 'python3|sqlite3|nginx|pid 22843|pid 22891' "$TMP/out"
check "--since epoch, JSON" $CG explain-crash --json --since 1795398602.6 "$C/dmesg-6.18.txt"
check_eq "--since epoch: the two i386 records" "$(jq -c '[.records_matched, .filter.since, [.records[].pid]]' "$TMP/out")" \
	'[2,1795398602.6,[27780,27884]]'
check "--since, a relative time long ago" $CG explain-crash --json --since=-100000d "$C/dmesg-6.18.txt"
check_eq "--since=-100000d: all" "$(jq .records_matched "$TMP/out")" 12
check_status "--since=-1d: the fixture is older: exit 1" 1 $CG explain-crash --since=-1d "$C/dmesg-6.18.txt"
check_grep "--since=-1d: none match" "^0 of 12 records match --since '-1d'\.$" "$TMP/out"
check "--since: records without a time" $CG explain-crash --since 2026-01-01 "$C/coredumpctl-info.txt"
check_grep "--since: the one with a Timestamp:" '^1 of 2 records match' "$TMP/out"
check_grep "--since: says how many had no time" '^1 record left out: its time is unknown, which --since needs\.$' "$TMP/out"
check "--since: records without a time, JSON" $CG explain-crash --json --since 2026-01-01 "$C/coredumpctl-info.txt"
check_eq "--since JSON: time unknown" "$(jq -c '[.records_matched, .records_time_unknown, [.records[].pid]]' "$TMP/out")" '[1,1,[4242]]'
check "no --since: records without a time stay" $CG explain-crash --json "$C/coredumpctl-info.txt"
check_eq "no --since: both" "$(jq -c '[.records_matched, .records_time_unknown]' "$TMP/out")" '[2,0]'
check_status "--since=soon: exit 2" 2 $CG explain-crash --since soon "$C/dmesg-6.18.txt"
check_grep "--since=soon: says what is expected" "since: 'soon': expected epoch seconds" "$TMP/err"
check "filters together" $CG explain-crash --json --comm crash_seccomp --since '2026-11-23 01:50:02' "$C/dmesg-6.18.txt"
check_eq "filters together: both hold" "$(jq -c '[.records[].pid]' "$TMP/out")" '[27750,27776,27778,27779]'
check "no filter: no filter line" $CG explain-crash "$C/audit-log.txt"
check_no_grep "no filter: no count line" 'match' "$TMP/out"

# A status=31/SYS line names the unit, not the call: no "already allows
# every call named here" (true of nothing), but how to find the call.
check "status=31/SYS with --unit" $CG explain-crash --unit "$C/app.service" "$C/status-31.txt"
check_no_grep "status=31/SYS: no vacuous 'allows every call'" 'already allows' "$TMP/out"
check_grep "status=31/SYS: says no call is named" '^No record here names the call that stopped app.service' "$TMP/out"
check_grep "status=31/SYS: the kernel's audit record" 'journalctl -k \| callgroups explain-crash --unit app.service' "$TMP/out"
check_grep "status=31/SYS: auditd" 'ausearch -m SECCOMP' "$TMP/out"
check_grep "status=31/SYS: coredumpctl" 'coredumpctl info COREDUMP_UNIT=app.service' "$TMP/out"
check_grep "status=31/SYS: run --complain" 'callgroups run --unit app.service --complain -- CMD' "$TMP/out"
check "status=31/SYS with --unit, JSON" $CG explain-crash --format=json --unit "$C/app.service" "$C/status-31.txt"
check_eq "status=31/SYS JSON: no call, no fix" "$(jq -c '[.records_without_call, .fix, (.records[0] | .source, .syscall, .unit)]' "$TMP/out")" \
	'[1,[],"exit-status",null,"app.service"]'
check_status "status=31/SYS: a record was found: exit 0" 0 $CG explain-crash --unit "$C/app.service" "$C/status-31.txt"
mkdir -p "$TMP/allows" && printf '[Service]\nSystemCallFilter=@system-service\n' >"$TMP/allows/app.service"
check "a unit that allows the named call" $CG explain-crash --unit "$TMP/allows/app.service" "$C/coredumpctl-info.txt" "$C/status-31.txt"
check_grep "a call is named and allowed: still said" '^app.service already allows every call named here' "$TMP/out"
check_no_grep "a call is named: no hint to find one" 'No record here names' "$TMP/out"
check_status "status=31/SYS of another unit is left out: exit 1" 1 $CG explain-crash --unit "$U/chown-overlap.service" "$C/status-31.txt"
check_grep "another unit: 0 of 1" '^0 of 1 record matches --unit chown-overlap.service\.$' "$TMP/out"

# Live: get killed by a filter, then find the record in the kernel log.
prog="$PROGS/crash_seccomp"
if [ ! -x "$prog" ]; then
	skip "crash_seccomp not built (make progs)"
elif ! dd if=/dev/kmsg iflag=nonblock count=1 of=/dev/null 2>/dev/null; then
	skip "/dev/kmsg not readable here: live record not read back"
else
	# --since: pids are reused (pid_max 32768), and the kernel log keeps
	# the records of earlier processes that had this one's pid.
	since=$(date +%s)
	"$prog" kill-process fchown >/dev/null 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	check_eq "live: killed by SIGSYS (128+31)" "$rc" 159
	sleep 0.2
	# --pid: earlier runs of the same kill would be grouped with this one.
	$CG explain-crash --json --since=$since --pid $pid /dev/kmsg >"$TMP/live.json" 2>"$TMP/err"
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
	since=$(date +%s)
	"$prog" log getppid >/dev/null 2>&1 &
	pid=$!
	wait $pid
	sleep 0.2
	got=$($CG explain-crash --json --since=$since --pid $pid /dev/kmsg | jq -c "[.records[] | select(.pid==$pid) | .syscall, .action]")
	if [ "$got" == "[]" ] || [ -z "$got" ]; then
		skip "no SECCOMP_RET_LOG record for pid $pid in /dev/kmsg"
	else
		check_eq "live: SystemCallLog-style record read back" "$got" '["getppid","log"]'
	fi
fi
done_testing
