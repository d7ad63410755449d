#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups harden without systemd: the refusals and their exit codes,
# sessions merged across files, the drop-ins (stage and enforce), the diff
# against `systemctl cat`, reset removing exactly what was written, and watch
# on kernel records. The configuration lives under a fake root
# (--root) and systemctl is tests/fixtures/harden/fake-systemctl.
# Under real systemd: tests/e2e (harden rows).
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
H="$FIX/harden"
R=$TMP/root
export FAKE_ROOT=$R FAKE_SHOW=$TMP/show FAKE_LOG=$TMP/systemctl.log
mkdir -p "$TMP/bin" "$R/run/systemd/system" "$R/etc/systemd/system"
cp "$H/fake-systemctl" "$TMP/bin/systemctl"
export PATH="$TMP/bin:$PATH"
cp "$H/app.service" "$R/etc/systemd/system/app.service"
show() { printf 'LoadState=%s\nActiveState=%s\nType=simple\nMainPID=4242\nControlGroup=%s\nDelegate=%s\n' \
	"$1" "$2" "${4:-/system.slice/app.service}" "${3:-no}" >"$FAKE_SHOW"; }
show loaded active
state=$R/var/lib/callgroups/app.service
drop=$R/etc/systemd/system/app.service.d

# --- refusals: each with exit 4 and a message naming the reason -------------
check_status "not root: refused" 4 setpriv --reuid=65534 --regid=65534 --clear-groups $CG harden --root="$R" apply app.service
check_grep "not root: says so" 'must run as root' "$TMP/err"
mv "$R/run/systemd/system" "$R/run/systemd/off"
check_status "no systemd as PID 1: refused" 4 $CG harden --root="$R" apply app.service
check_grep "no systemd: says so" 'systemd does not run as PID 1' "$TMP/err"
mv "$R/run/systemd/off" "$R/run/systemd/system"
check_status "template without instance: refused" 4 $CG harden --root="$R" status app@.service
check_grep "template: names the instance form" 'template: name an instance of it \(app@INSTANCE.service\)' "$TMP/err"
check_status "not a unit name: usage error" 2 $CG harden --root="$R" status 'a/b'
show not-found inactive
check_status "unit not found: refused" 4 $CG harden --root="$R" apply nope.service
check_grep "not found: says so" 'unit nope.service not found' "$TMP/err"
show loaded inactive
check_status "not running: start refused" 4 $CG harden --root="$R" start app.service
check_grep "not running: says so" 'app.service is not running \(ActiveState=inactive\)' "$TMP/err"
show loaded active yes
check_status "Delegate=yes: refused" 4 $CG harden --root="$R" start app.service
check_grep "Delegate: says so" 'Delegate=yes' "$TMP/err"
show loaded active
check_status "unknown step: usage" 2 $CG harden --root="$R" begin app.service
check_status "--stage outside apply: usage" 2 $CG harden --root="$R" status app.service --stage
check_status "bad --duration: usage" 2 $CG harden --root="$R" start app.service --duration=5 parsecs
check_status "bad --duration value: usage" 2 $CG harden --root="$R" start app.service --duration=forever
check_grep "bad --duration: says what is expected" 'expected a time such as 90, 30s, 10min' "$TMP/err"

# --- no profile yet ------------------------------------------------------------
check "status without sessions" $CG harden --root="$R" status app.service
check_grep "status: no profile yet" '^no profile yet' "$TMP/out"
check_status "apply without sessions: exit 2" 2 $CG harden --root="$R" apply app.service
check_grep "apply without sessions: says to start" "harden start app.service' first" "$TMP/err"
[ ! -e "$drop" ] && ok "apply without sessions wrote nothing" || not_ok "apply without sessions wrote nothing"

# --- sessions accumulate: two files, merged ------------------------------------
mkdir -p "$state"
cp "$H/session-a.json" "$state/20261129T000000Z-start-1.json"
check "status with one session" $CG harden --root="$R" status app.service
check_grep "one session: 1 h watched" '^app.service: 1 session, watched 1 h 0 min in all' "$TMP/out"
check_grep "one session: 4 calls" '^calls: 4 distinct, 167 made \(3 failed\)' "$TMP/out"
cp "$H/session-b.json" "$state/20261130T000000Z-start-2.json"
check "status with two sessions" $CG harden --root="$R" status app.service
check_grep "two sessions: 3 h watched" '^app.service: 2 sessions, watched 3 h 0 min in all' "$TMP/out"
check_grep "two sessions: union of calls, counts added" '^calls: 5 distinct, 173 made \(3 failed\)' "$TMP/out"
check_grep "two sessions: no new call since chown (1 h 50 min)" 'no new call in the last 1 h 50 min watched' "$TMP/out"
check_grep "status: shows the drop-in" '^SystemCallFilter=' "$TMP/out"
check_grep "status: exposure now and after" 'exposure .*: [0-9.]+ now, [0-9.]+ after apply' "$TMP/out"
check_grep "status: the options' rows' exposure too" '^exposure \(the rows of the hardening options\): [0-9.]+ now, [0-9.]+ after apply' "$TMP/out"
check "status --format=json" $CG harden --root="$R" status app.service --format=json
check_eq "json: sessions, distinct calls, calls" "$(jq -c '[.sessions, .distinct_calls, .calls, .watched_seconds, .applied]' "$TMP/out")" '[2,5,173,10800,false]'
check_eq "json: observed names" "$(jq -c '.observed' "$TMP/out")" '["chown","epoll_wait","openat","read","write"]'
check_eq "json: exposure drops" "$(jq '.exposure_after < .exposure_now' "$TMP/out")" true
check_eq "json: the options' rows too, unchanged (these sessions saw no call arguments)" \
	"$(jq '.options_exposure_now > 0 and .options_exposure_after == .options_exposure_now' "$TMP/out")" true
check "suggest reads the session files" $CG suggest --format=json "$state/20261129T000000Z-start-1.json" "$state/20261130T000000Z-start-2.json"
check_eq "suggest: same calls and errors" "$(jq -c "[.observed[] | [.name, .calls, .errors]] | sort" "$TMP/out")" '[["chown",1,0],["epoll_wait",7,0],["openat",10,1],["read",105,2],["write",50,0]]'
echo '{"callgroups_profile": 1, "session": "start", "backend": "bpf", "started": 1, "ended": 2, "calls": [{"abi": "x86-64"}]}' >"$state/zz-bad.json"
check_status "a broken session: exit 2 naming the file" 2 $CG harden --root="$R" status app.service
check_grep "broken session: file named" 'zz-bad.json: .*calls\[0\]' "$TMP/err"
rm "$state/zz-bad.json"

# --- apply --dry-run: a diff, nothing written ---------------------------------
mkdir -p "$drop"
cp "$H/10-admin.conf" "$drop/10-admin.conf"
systemctl cat app.service >"$TMP/cat-before"
: >"$FAKE_LOG"
check "apply --dry-run" $CG harden --root="$R" apply app.service --dry-run
check_grep "dry-run: diff header" '^\+\+\+ /etc/systemd/system/app.service.d/zz-callgroups.conf' "$TMP/out"
check_grep "dry-run: adds the file's header line" '^\+# /etc/systemd/system/app.service.d/zz-callgroups.conf$' "$TMP/out"
check_grep "dry-run: adds the mark" '^\+# Written by callgroups harden \(enforce\)' "$TMP/out"
check_grep "dry-run: adds the filter" '^\+SystemCallFilter=' "$TMP/out"
check_grep "dry-run: context from the admin's drop-in" '^ Environment=MODE=prod$' "$TMP/out"
check_no_grep "dry-run: nothing removed" '^-[^-]' "$TMP/out"
[ ! -e "$drop/zz-callgroups.conf" ] && ok "dry-run wrote nothing" || not_ok "dry-run wrote nothing"
check_no_grep "dry-run: no daemon-reload" 'daemon-reload' "$FAKE_LOG"
# The diff applies: patch the old cat into the new one.
sed -n '/^---/,$p' "$TMP/out" >"$TMP/d.patch"
cp "$TMP/cat-before" "$TMP/cat-patched"
check "dry-run: the diff applies with patch" patch -s "$TMP/cat-patched" "$TMP/d.patch"

# --- apply (enforce), then stage, then reset --------------------------------
admin_sum=$(md5sum <"$drop/10-admin.conf")
check "apply" $CG harden --root="$R" apply app.service
check_grep "apply: says a restart makes it active" "systemctl restart app.service' makes it active" "$TMP/out"
check_grep "apply: daemon-reload run" '^daemon-reload$' "$FAKE_LOG"
check_eq "apply: first line is the mark" "$(head -c 30 "$drop/zz-callgroups.conf")" "# Written by callgroups harden"
check_grep "apply: the filter" '^SystemCallFilter=' "$drop/zz-callgroups.conf"
check_eq "apply: admin's drop-in untouched" "$(md5sum <"$drop/10-admin.conf")" "$admin_sum"
check "the unit with the drop-in allows every observed call" $CG check --no-analyze "$R/etc/systemd/system/app.service" "$state/20261129T000000Z-start-1.json" "$state/20261130T000000Z-start-2.json"
check "apply --stage replaces it" $CG harden --root="$R" apply app.service --stage
check_grep "stage: the mark says stage" '^# Written by callgroups harden \(stage\)' "$drop/zz-callgroups.conf"
check_no_grep "stage: no SystemCallFilter=" '^SystemCallFilter=' "$drop/zz-callgroups.conf"
check_grep "stage: SystemCallLog= reset first" '^SystemCallLog=$' "$drop/zz-callgroups.conf"
check_grep "stage: SystemCallLog=~ the allowed set" '^SystemCallLog=~' "$drop/zz-callgroups.conf"
words=$(sed -n '/^SystemCallLog=~/,/[^\\]$/p' "$drop/zz-callgroups.conf" | tr -d '\\' | sed 's/^SystemCallLog=~//' | tr -s ' \t' '\n\n')
for c in read write openat epoll_wait chown execve; do
	grep -qx "$c" <<<"$words" && ok "stage: $c is not logged" || not_ok "stage: $c is not logged"
done
grep -qx mount <<<"$words" && not_ok "stage: mount is logged" || ok "stage: mount is logged"
check "check reads the staged unit (SystemCallLog=)" $CG check --no-analyze "$R/etc/systemd/system/app.service"
check "reset --dry-run" $CG harden --root="$R" reset app.service --dry-run
check_grep "reset --dry-run: removes our section" '^-# Written by callgroups harden \(stage\)' "$TMP/out"
check_no_grep "reset --dry-run: adds nothing" '^\+[^+]' "$TMP/out"
check "reset" $CG harden --root="$R" reset app.service
check_grep "reset: says what it removed" 'removed 1 drop-in of callgroups' "$TMP/out"
systemctl cat app.service >"$TMP/cat-after"
check "reset: systemctl cat byte-identical to before" cmp "$TMP/cat-before" "$TMP/cat-after"
[ -d "$drop" ] && ok "reset: the admin's directory stays" || not_ok "reset: the admin's directory stays"
check_eq "reset: the admin's drop-in untouched" "$(md5sum <"$drop/10-admin.conf")" "$admin_sum"
[ "$(ls "$state"/*.json | wc -l)" = 2 ] && ok "reset: the profiles stay" || not_ok "reset: the profiles stay"

# A unit without a drop-in directory: apply creates it, reset removes it.
rm -r "$drop"
systemctl cat app.service >"$TMP/cat-before"
check "apply into a new directory" $CG harden --root="$R" apply app.service
[ -f "$drop/zz-callgroups.conf" ] && ok "apply created the directory" || not_ok "apply created the directory"
check "reset after it" $CG harden --root="$R" reset app.service
[ ! -e "$drop" ] && ok "reset removed the directory it created" || not_ok "reset removed the directory it created"
systemctl cat app.service >"$TMP/cat-after"
check "reset: cat identical (new directory case)" cmp "$TMP/cat-before" "$TMP/cat-after"
# A file of our name that callgroups did not write is never touched.
mkdir -p "$drop"
printf '[Service]\nSystemCallFilter=@system-service\n' >"$drop/zz-callgroups.conf"
check_status "apply refuses a foreign file of its name" 3 $CG harden --root="$R" apply app.service
check_grep "foreign file: says why" 'not written by callgroups' "$TMP/err"
check_status "reset leaves a foreign file alone" 3 $CG harden --root="$R" reset app.service
check_grep "reset: foreign file still there" '^SystemCallFilter=@system-service$' "$drop/zz-callgroups.conf"
rm -r "$drop"

# --- the hardening options, from the call arguments the sessions saw ---------
check "apply --dry-run, sessions that saw no call arguments" $CG harden --root="$R" apply app.service --dry-run
check_grep "no arguments seen: the options left out, and said" '^\+# No session saw call arguments' "$TMP/out"
check_no_grep "no arguments seen: no option set" '^\+(RestrictAddressFamilies|LockPersonality)=' "$TMP/out"
cp "$H/session-c.json" "$state/20261201T000000Z-start-3.json"
check "apply with a session that saw call arguments" $CG harden --root="$R" apply app.service
check_grep "options: the families seen" '^RestrictAddressFamilies=AF_UNIX AF_INET$' "$drop/zz-callgroups.conf"
check_grep "options: nothing needs LockPersonality= relaxed" '^LockPersonality=yes$' "$drop/zz-callgroups.conf"
check_grep "options: nothing needs RestrictNamespaces= relaxed" '^RestrictNamespaces=yes$' "$drop/zz-callgroups.conf"
check_grep "options: a W+X mapping keeps MemoryDenyWriteExecute= off, naming the call" \
	'^# MemoryDenyWriteExecute= not set: mmap\(PROT_[A-Z_|]*PROT_EXEC\) [0-9]+x.*: ' "$drop/zz-callgroups.conf"
check_no_grep "options: MemoryDenyWriteExecute= not set" '^MemoryDenyWriteExecute=' "$drop/zz-callgroups.conf"
check "check: the drop-in with the options refuses no observed call" \
	$CG check --no-analyze "$R/etc/systemd/system/app.service" "$state/20261201T000000Z-start-3.json"
check "apply --stage with that session" $CG harden --root="$R" apply app.service --stage
check_grep "stage: the options named, not set (they refuse, never log)" '^#   RestrictAddressFamilies=AF_UNIX AF_INET$' "$drop/zz-callgroups.conf"
check_no_grep "stage: no option line" '^(RestrictAddressFamilies|LockPersonality|RestrictNamespaces)=' "$drop/zz-callgroups.conf"
check "reset after the options" $CG harden --root="$R" reset app.service
# A session whose evidence is damaged is refused, naming the file.
sed 's/socket-family 0x2/socket-family zz/' "$H/session-c.json" >"$state/20261202T000000Z-start-4.json"
check_status "a malformed evidence line: refused" 2 $CG harden --root="$R" status app.service
check_grep "malformed evidence: names the file and the line" '20261202T000000Z-start-4.json.*evidence\[2\]' "$TMP/err"
rm -f "$state/20261201T000000Z-start-3.json" "$state/20261202T000000Z-start-4.json"
[ -d "$drop" ] && rm -r "$drop"

# --- start --restart: the runtime drop-in wraps ExecStart= in harden record ----
rm -f "$state"/*.json
show loaded inactive
: >"$FAKE_LOG"
check "start --restart --duration=1 (unit not running)" $CG harden --root="$R" start app.service --restart --duration=1
check_grep "restart: says so before" '^callgroups: restarting app.service with its commands under the ptrace tracer' "$TMP/err"
check_eq "restart: reload, restart, reload, restart" "$(grep -cE '^(daemon-reload|restart -- app.service)$' "$FAKE_LOG")" 4
check_grep "restart: the drop-in resets ExecStart=" '^ExecStart=$' "$FAKE_LOG.restart"
check_grep "restart: the first command wrapped" "^ExecStart=/.*callgroups harden --root=$R record app.service -- /usr/bin/app --serve\$" "$FAKE_LOG.restart"
check_grep "restart: the '-' prefix kept" "^ExecStart=-/.*callgroups harden --root=$R record app.service -- /usr/bin/app --second\$" "$FAKE_LOG.restart"
check_grep "restart: the mark" '^# Written by callgroups harden \(trace\)' "$FAKE_LOG.restart"
[ ! -e "$R/run/systemd/system/app.service.d" ] && ok "restart: the runtime drop-in and its directory gone after" || not_ok "restart: the runtime drop-in and its directory gone after"
show loaded active
# What the wrapped ExecStart= runs: the command under ptrace, a session saved.
check_status "record: the command's exit status" 3 $CG harden --root="$R" record app.service -- sh -c 'cat /etc/hostname >/dev/null; exit 3'
f=$(ls "$state"/*-record-*.json 2>/dev/null | head -1)
check_eq "record: a ptrace session with the command's calls" "$(jq -c '[.session, .backend, ([.calls[].syscall] | (index("openat") != null) and (index("execve") != null))]' "$f" 2>/dev/null)" '["record","ptrace",true]'
# Each call's first sighting is its own time, to the tick (a second):
# sched_getscheduler comes 3.5 s after the start.
mkdir -p "$TMP/keep" && mv "$f" "$TMP/keep/"
check "record: a command that makes a call late" $CG harden --root="$R" record app.service -- \
	sh -c "sleep 3.5; exec '$PROGS/manager_spawn' exec 3 /bin/true"
f2=$(ls "$state"/*-record-*.json 2>/dev/null | head -1)
check_eq "record: first seen when made, not when the session ended" \
	"$(jq '([.calls[] | select(.syscall == "sched_getscheduler") | .first_seen] | min) - ([.calls[] | select(.syscall == "execve") | .first_seen] | min) >= 2' "$f2" 2>/dev/null)" true
rm -f "$f2" && mv "$TMP/keep/"* "$state/"
check_status "record without a command: usage" 2 $CG harden --root="$R" record app.service
printf '[Service]\nExecStart=@/usr/bin/app app-name\n' >"$R/etc/systemd/system/at.service"
check_status "restart: an '@' prefix cannot be wrapped" 3 $CG harden --root="$R" start at.service --restart --duration=1
check_grep "restart: '@' says why" "argv\[0\] of its own" "$TMP/err"
rm "$R/etc/systemd/system/at.service"

# --- watch: the unit's records only, calls outside the profile reported ----------
cg2=$(awk -F' ' '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$cg2" ]; then begin_skip ""; else begin_skip "no cgroup v2 mount"; fi
if ! skipping; then
	grp=$cg2/cg-harden-test-$$
	mkdir "$grp"
	sleep 60 &
	inpid=$!
	echo "$inpid" >"$grp/cgroup.procs"
	rel=${grp#"$cg2"}
	show loaded active no "$rel"
	rec() { echo "[ 1.0] audit: type=1326 audit(1795398482.798:8): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=$1 comm=\"app\" exe=\"/usr/bin/app\" sig=0 arch=c000003e syscall=$2 compat=0 ip=0x7f280ec33de7 code=0x7ffc0000"; }
	{ rec "$inpid" 165; rec "$inpid" 0; rec $$ 169; rec "$inpid" 165; } >"$TMP/kmsg.txt"
fi
check "watch --input" $CG harden --root="$R" watch app.service --input="$TMP/kmsg.txt"
check_grep "watch: reports mount (not in the profile) with its group" '^mount \(x86-64\) by app\[[0-9]+\]: log; groups: .*@mount' "$TMP/out"
check_no_grep "watch: not read (in the profile)" '^read ' "$TMP/out"
check_no_grep "watch: not reboot (another cgroup's process)" '^reboot ' "$TMP/out"
check_eq "watch: mount once" "$(grep -c '^mount ' "$TMP/out")" 1
check_status "watch: added to the profile" 0 $CG harden --root="$R" status app.service --format=json
check_eq "watch: mount in the profile now" "$(jq -c '[.observed[] | select(. == "mount")]' "$TMP/out")" '["mount"]'
end_skip

# --- start: the bpf backend on the unit's cgroup, no restart, --duration ---------
bpf_why=
if [ -z "$cg2" ]; then bpf_why="no cgroup v2 mount"; else
	$CG trace --no-report -o /dev/null -- true 2>"$TMP/auto.err"
	grep -q '^callgroups: using the bpf backend' "$TMP/auto.err" ||
		bpf_why="eBPF backend not possible here: $(head -1 "$TMP/auto.err")"
fi
begin_skip "$bpf_why"
if ! skipping; then
	# The unit's job: a loop that reads a file, in the unit's cgroup.
	bash -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.2; done' &
	job=$!
	echo "$job" >"$grp/cgroup.procs"
	rm -f "$state"/*.json
fi
: >"$FAKE_LOG"
t0=$(date +%s)
check "start --duration=2 (bpf)" $CG harden --root="$R" start app.service --duration=2
t1=$(date +%s)
check_grep "start: watches without a restart" '^callgroups: watching app.service \(MainPID 4242\) through .*cg-harden-test' "$TMP/err"
check_no_grep "start: no restart" 'restart' "$FAKE_LOG"
check_grep "start: the first session's calls are all new to the profile" 'app.service: ([0-9]+) calls \(\1 new to the profile\) over' "$TMP/err"
check_eq "start: ended after the duration" "$(((t1 - t0) >= 2 && (t1 - t0) <= 6))" 1
skipping || kill -0 "$job" 2>/dev/null && ok "start: the job still runs" || not_ok "start: the job still runs"
f=$(ls "$state"/*-start-*.json 2>/dev/null | head -1)
check_eq "start: one session file" "$(ls "$state"/*.json 2>/dev/null | wc -l)" 1
check_eq "start: bpf session with the job's calls" "$(jq -c '[.backend, ([.calls[].syscall] | (index("openat") != null) and (index("read") != null) and (index("execve") != null))]' "$f" 2>/dev/null)" '["bpf",true]'
check_eq "start: the bpf session keeps the call arguments it saw (evidence section)" \
	"$(jq -r '.evidence[0]' "$f" 2>/dev/null | cut -d' ' -f2)" callgroups-evidence
check "suggest reads a session file" $CG suggest --format=json "$f"
check_eq "suggest: the session's call arguments decide the options (none unknown)" \
	"$(jq -r '[.options.advice[].state | select(. == "unknown")] | length' "$TMP/out" 2>/dev/null)" 0
# On a terminal: the live line (time, calls, new calls) once a second.
if ! skipping; then
	script -qec "$CG harden --root='$R' start app.service --duration=3" /dev/null >"$TMP/tty.out" 2>&1
fi
check_grep "start on a terminal: the live line" '[0-9] s watched, [0-9]+ calls \([0-9]+ made\), 0 new to the profile, last new call' "$TMP/tty.out"
check_grep "start: says how many calls were new to the profile" 'calls \(0 new to the profile\) over' "$TMP/tty.out"
rm -f "$(ls -t "$state"/*.json | head -1)"
check "start: a second session" $CG harden --root="$R" start app.service --duration=1
check "status after two bpf sessions" $CG harden --root="$R" status app.service --format=json
check_eq "status: the options the bpf sessions' arguments allow lower their rows' exposure" \
	"$(jq '.options_exposure_after < .options_exposure_now' "$TMP/out")" true
check_eq "status: two sessions merged" "$(jq '.sessions' "$TMP/out")" 2
# --cgroup: a unit seen from outside (inside a container): systemctl is not asked.
: >"$FAKE_LOG"
check "start --cgroup (no systemctl)" $CG harden --root="$R" start app.service --cgroup="$grp" --duration=1
check_eq "start --cgroup: systemctl not asked" "$(wc -c <"$FAKE_LOG")" 0
check_eq "start --cgroup: a third session" "$(ls "$state"/*.json | wc -l)" 3
# The calls systemd makes in the unit's cgroup between its fork and the exec
# of the unit's command are kept apart. manager_spawn plays systemd: up to
# 254 its child moves itself into the cgroup, from 255 it is born there
# (CLONE_INTO_CGROUP) and runs systemd-executor first; each makes calls the
# unit's programs never make (getpriority; sched_getscheduler in the
# executor). The unit's own programs and their children are the unit's.
mstate=$R/var/lib/callgroups/mgr.service
if ! skipping; then
	mgrp=$cg2/cg-harden-mgr-$$
	mkdir "$mgrp"
	mkdir -p "$TMP/x"
	cp "$PROGS/manager_spawn" "$TMP/x/systemd-executor"
	$CG harden --root="$R" start mgr.service --cgroup="$mgrp" --duration=3 2>"$TMP/mgr.err" &
	mpid=$!
	for _ in $(seq 100); do grep -q attached "$TMP/mgr.err" && break; sleep 0.1; done
	"$PROGS/manager_spawn" "$mgrp" attach 3 "$PROGS/trace_fork"
	check_eq "manager: the unit's command ran (forked and placed itself, up to 254)" "$?" 4
	"$PROGS/manager_spawn" "$mgrp" into 2 "$TMP/x/systemd-executor" exec 4 \
		"$PROGS/manager_spawn" exec 6 "$PROGS/trace_loop" 5
	check_eq "manager: the unit's command ran (CLONE_INTO_CGROUP, executor)" "$?" 0
	wait "$mpid"
	check_eq "manager: start ended well" "$?" 0
fi
mf=$(ls "$mstate"/*.json 2>/dev/null | head -1)
calls_of() { jq -c "[.$1[] | select(.syscall == \"$2\") | .calls] | add" "$mf" 2>/dev/null; }
check_eq "manager: getpriority (children of systemd before exec, PAM's helper too) kept apart" "$(calls_of manager_calls getpriority)" 7
check_eq "manager: sched_getscheduler (in systemd-executor) kept apart" "$(calls_of manager_calls sched_getscheduler)" 4
check_eq "manager: getpriority is not the unit's" "$(calls_of calls getpriority)" null
check_eq "manager: after the executor, the unit's program's calls are the unit's" "$(calls_of calls sched_getscheduler)" 6
check_eq "manager: the unit's own children are the unit's (getppid)" "$(calls_of calls getppid)" 15
check_eq "manager: ... and vfork children too (getpid, getuid)" "$(calls_of calls getpid)/$(calls_of calls getuid)" 3/5
check_eq "manager: every execve is the unit's (the last one runs under its filter)" "$(calls_of manager_calls execve)" null
check_grep "manager: start says how many it kept apart" 'calls systemd made for mgr.service between fork and exec, kept apart' "$TMP/mgr.err"
check "manager: status" $CG harden --root="$R" status mgr.service
check_grep "manager: status names the calls only systemd made" "^systemd's own calls for the unit \(between fork and exec, not recommended\): [0-9]+ distinct, [0-9]+ of them never made by the unit:.* getpriority" "$TMP/out"
check_no_grep "manager: the drop-in does not name getpriority" 'getpriority' <(sed -n '/^SystemCallFilter=/,$p' "$TMP/out")
check "manager: status --format=json" $CG harden --root="$R" status mgr.service --format=json
check_eq "manager: JSON manager_only has getpriority, observed has not" \
	"$(jq -c '[(.manager_only | index("getpriority") != null), (.observed | index("getpriority") != null)]' "$TMP/out")" '[true,false]'
if ! skipping; then rmdir "$mgrp"; fi
if ! skipping; then
	kill "$job"; wait "$job" 2>/dev/null
fi
end_skip
check_status "--cgroup that is no cgroup: refused" 4 $CG harden --root="$R" start app.service --cgroup="$TMP" --duration=1
check_grep "--cgroup: says why" 'not a cgroup v2 directory' "$TMP/err"
check_status "--cgroup with --restart: usage" 2 $CG harden --root="$R" start app.service --cgroup="$TMP" --restart
if [ -n "$cg2" ]; then
	# Everything left in the test's cgroup (the loop's sleep too), then it.
	echo 1 >"$grp/cgroup.kill" 2>/dev/null || xargs -r kill -9 <"$grp/cgroup.procs"
	wait 2>/dev/null
	for _ in $(seq 50); do [ -s "$grp/cgroup.procs" ] || break; sleep 0.1; done
	rmdir "$grp"
fi
done_testing
