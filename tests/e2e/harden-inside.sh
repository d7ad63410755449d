#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2154 # R, V, CG, row come from inside.sh, which sources this file
# The harden rows, inside a booted container (inside.sh sources this file
# when the host asked for the harden round; run by tests/e2e/harden.sh).
# A long-running service (progs/hardend.c) goes through the loop of
# `callgroups harden`: profiled while it runs (from the host with eBPF,
# without a restart; here with --restart and ptrace, since eBPF cannot load
# in the container's PID namespace), staged with SystemCallLog= (an extra
# code path runs unharmed, and the host's `harden watch` reports its call),
# enforced (the job runs, a forbidden call is killed as `check` predicts),
# and reset (`systemctl cat` byte-identical to before).
#
# The host does what needs the kernel (eBPF, /dev/kmsg): the container writes
# $H/req.KIND (bpfstart, watch), the host answers KIND.ready once its
# command watches, this side writes KIND.done when it has made the calls,
# and the host leaves KIND.out, KIND.err and KIND.rc.

U=cg-hardend.service
H=$R/harden
D=/run/hardend
STATE=/var/lib/callgroups/$U
mkdir -p "$H"

# ask KIND NAME: one request to the service; prints its answer, fails
# without one in 10 s.
ask() {
	rm -f "$D/$2.out"
	echo "$1" >"$D/.req.$2" && mv "$D/.req.$2" "$D/req.$2"
	local i
	for i in $(seq 100); do
		[ -s "$D/$2.out" ] && { cat "$D/$2.out"; return 0; }
		sleep 0.1
	done
	echo "no answer to $1 in 10 s"
	return 1
}
mainpid() { systemctl show -p MainPID --value "$U"; }
wait_file() { # FILE SECS
	local i
	for i in $(seq $(($2 * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# host KIND SECS: asks the host for KIND and waits until its command watches.
host_begin() {
	touch "$H/req.$1"
	wait_file "$H/$1.ready" "$2"
}
host_end() { # KIND SECS
	touch "$H/$1.done"
	wait_file "$H/$1.rc" "$2"
}
jobs_ok() { # N PREFIX: N job requests, all answered ok
	local i out
	for i in $(seq "$1"); do
		out=$(ask job "$2$i") || { echo "$out"; return 1; }
		[[ $out == "job ok"* ]] || { echo "$out"; return 1; }
	done
	echo "$1 jobs ok"
}
active() { [ "$(systemctl show -p ActiveState --value "$U")" = active ]; }
wait_active() {
	local i
	for i in $(seq 50); do
		active && [ -d "$D" ] && return 0
		sleep 0.2
	done
	return 1
}

cat >"/etc/systemd/system/$U" <<'UNIT'
[Unit]
Description=callgroups e2e: a long-running service to harden

[Service]
ExecStart=/e2e/bin/hardend /run/hardend
ExecReload=/bin/true
UNIT
systemctl daemon-reload
systemctl start "$U"
wait_active
systemctl cat "$U" >"$H/cat-before" 2>&1
pid0=$(mainpid)

# 0. eBPF inside the container: refused, and says to use --restart.
rc=0
"$CG" harden start "$U" --duration=2 >"$H/bpf-here.out" 2>&1 || rc=$?
if [ "$rc" = 4 ] && grep -q 'eBPF backend cannot run here' "$H/bpf-here.out"; then
	row harden harden-bpf-in-container-refused pass "exit 4: $(head -c 160 "$H/bpf-here.out")"
else
	row harden harden-bpf-in-container-refused fail "exit $rc: $(head -c 200 "$H/bpf-here.out")"
fi

# 1. From the host, eBPF on the unit's cgroup, no restart, while it works;
# a reload makes systemd start a process in the unit's cgroup meanwhile.
reload_rc=none
if host_begin bpfstart 20; then
	job=$(jobs_ok 5 b)
	reload_rc=0
	systemctl reload "$U" >"$H/reload.out" 2>&1 || reload_rc=$?
	host_end bpfstart 30
	pid1=$(mainpid)
	f=$(grep -l '"backend": *"bpf"' "$STATE"/*.json 2>/dev/null | head -1)
	if [ "$pid1" = "$pid0" ] && [[ $job == "5 jobs ok" ]] && [ -n "$f" ] &&
		grep -q '"syscall": *"rename"' "$f"; then
		row harden harden-start-bpf-no-restart pass "MainPID $pid0 unchanged, $job, $(grep -c "\"syscall\"" "$f") calls in $(basename "$f")"
	else
		row harden harden-start-bpf-no-restart fail "MainPID $pid0 -> $pid1, $job, session ${f:-none}; host: $(tr '\n' ' ' <"$H/bpfstart.err" | head -c 200)"
	fi
else
	row harden harden-start-bpf-no-restart fail "the host's harden start did not begin: $(tr '\n' ' ' <"$H/bpfstart.err" 2>/dev/null | head -c 200)"
fi
# 1b. What systemd did in the unit's cgroup for the reload, between its fork
# and the exec of /bin/true (on 257 through systemd-executor), is kept apart:
# calls the unit never makes, absent from the drop-in that apply would write
# (the reload still works under that filter: row harden-enforce-job-works).
f=$(grep -l '"backend": *"bpf"' "$STATE"/*.json 2>/dev/null | head -1)
names() { # KEY FILE: the call names of a session's list KEY (no jq in the roots)
	python3 -c 'import json, sys; print(" ".join(sorted({c["syscall"] for c in json.load(open(sys.argv[2])).get(sys.argv[1], [])})))' "$1" "$2" 2>/dev/null
}
mgr=$(names manager_calls "$f")
own=$(names calls "$f")
only=""
for c in $mgr; do [[ " $own " == *" $c "* ]] || only="$only $c"; done
"$CG" harden status "$U" >"$H/manager-status.txt" 2>&1
sed -n '/^\[Service\]/,$p' "$H/manager-status.txt" >"$H/manager-dropin.txt"
leaked=""
for c in $only; do grep -qw -- "$c" "$H/manager-dropin.txt" && leaked="$leaked $c"; done
echo "manager: [$mgr]; unit: [$own]; only the manager's: [$only]" >"$H/manager.txt"
# systemd connects the new process's stdout to the journal (socket,
# connect) before the exec; hardend and /bin/true use no socket.
if [ "$reload_rc" = 0 ] && [[ " $only " == *" socket "* && " $only " == *" connect "* ]] && [ -z "$leaked" ] &&
	grep -q "^systemd's own calls for the unit (between fork and exec, not recommended)" "$H/manager-status.txt"; then
	row harden harden-start-manager-calls-apart pass "reload ok; $(wc -w <<<"$mgr") calls of systemd kept apart, never made by the unit:${only:0:200}"
else
	row harden harden-start-manager-calls-apart fail "reload exit $reload_rc; manager [${mgr:0:120}]; only [${only:0:80}]; in the drop-in anyway [$leaked]"
fi

# 2. Here, --restart: ptrace wraps the unit's command, restarted twice.
"$CG" harden start "$U" --restart --duration=8 >"$H/restart.out" 2>&1 &
sp=$!
sleep 1
wait_active
job=$(jobs_ok 5 r)
wait "$sp"
rc=$?
wait_active
f=$(grep -l '"backend": *"ptrace"' "$STATE"/*.json 2>/dev/null | head -1)
left=$(ls /run/systemd/system/"$U".d 2>/dev/null)
if [ "$rc" = 0 ] && [[ $job == "5 jobs ok" ]] && [ -n "$f" ] && grep -q '"syscall": *"execve"' "$f" &&
	grep -q '"syscall": *"rename"' "$f" && [ -z "$left" ] && active; then
	row harden harden-start-restart-ptrace pass "$job under ptrace; $(grep -c "\"syscall\"" "$f") calls incl. execve; runtime drop-in gone, unit active again"
else
	row harden harden-start-restart-ptrace fail "exit $rc, $job, session ${f:-none}, left: ${left:-nothing}; $(tr '\n' ' ' <"$H/restart.out" | head -c 200)"
fi

# 3. status, text and JSON.
"$CG" harden status "$U" >"$H/status.txt" 2>&1
"$CG" harden status "$U" --format=json >"$H/status.json" 2>&1
if grep -q "^$U: 2 sessions" "$H/status.txt" && grep -q '^SystemCallFilter=' "$H/status.txt" &&
	grep -q '"sessions": *2' "$H/status.json"; then
	row harden harden-status pass "$(head -3 "$H/status.txt" | tr '\n' ' ')"
else
	row harden harden-status fail "$(head -c 300 "$H/status.txt" | tr '\n' ' ')"
fi

# 4. Staging: SystemCallLog=~ the recommended set. Accepted by this systemd
# (the property holds the set, PID 1 logged nothing about the file), the
# extra code path runs unharmed, and the host's watch reports its call.
"$CG" harden apply "$U" --stage >"$H/stage.out" 2>&1
cp "/etc/systemd/system/$U.d/zz-callgroups.conf" "$H/stage.conf" 2>/dev/null
systemctl restart "$U"
wait_active
prop=$(systemctl show -p SystemCallLog "$U" 2>&1)
complaints=$(journalctl -q -b _PID=1 2>/dev/null | grep -i 'zz-callgroups' | head -3)
if [ -s "$H/stage.conf" ] && [[ $prop == SystemCallLog=~* ]] && [[ $prop == *" read"* || $prop == *"~read"* ]] &&
	[ -z "$complaints" ]; then
	row harden harden-stage-form-accepted pass "SystemCallLog= then SystemCallLog=~NAMES (backslash-continued, $(wc -l <"$H/stage.conf") lines): $(echo "$prop" | cut -c1-60)..."
else
	row harden harden-stage-form-accepted fail "prop: $(echo "$prop" | cut -c1-100); PID 1: ${complaints:-nothing}"
fi
pid2=$(mainpid)
if host_begin watch 20; then
	extra=$(ask extra s1)
	job=$(jobs_ok 3 s)
	sleep 1
	host_end watch 30
	if [[ $extra == "extra ok"* ]] && [[ $job == "3 jobs ok" ]] && [ "$(mainpid)" = "$pid2" ]; then
		row harden harden-stage-extra-unharmed pass "extra path: $extra; $job; MainPID $pid2 unchanged"
	else
		row harden harden-stage-extra-unharmed fail "extra: $extra; $job; MainPID $pid2 -> $(mainpid)"
	fi
	if grep -qE '^chroot \(x86-64\) by hardend\[[0-9]+\]: log; groups: .*@privileged' "$H/watch.out"; then
		row harden harden-watch-reports-extra pass "$(grep '^chroot' "$H/watch.out" | head -1)"
	else
		row harden harden-watch-reports-extra fail "watch said: $(tr '\n' ' ' <"$H/watch.out" | head -c 150) / $(tr '\n' ' ' <"$H/watch.err" | head -c 150)"
	fi
else
	row harden harden-stage-extra-unharmed fail "the host's harden watch did not begin"
	row harden harden-watch-reports-extra fail "the host's harden watch did not begin"
fi

# 5. Enforcing: the job works, the forbidden call is killed, as check says.
"$CG" harden apply "$U" >"$H/enforce.out" 2>&1
cp "/etc/systemd/system/$U.d/zz-callgroups.conf" "$H/enforce.conf" 2>/dev/null
systemctl restart "$U"
wait_active
job=$(jobs_ok 3 e)
extra=$(ask extra e9)
reload_rc=0
systemctl reload "$U" >"$H/enforce-reload.out" 2>&1 || reload_rc=$?
systemctl cat "$U" >"$H/enforce.unit" 2>&1
printf 'umount2\n' >"$H/forbidden.list"
prc=0
"$CG" check --no-analyze - "$H/forbidden.list" <"$H/enforce.unit" >"$H/check.out" 2>&1 || prc=$?
forb=$(ask forbidden e10)
sleep 1
props=$(systemctl show -p ExecMainStatus -p Result "$U" | tr '\n' ' ')
if [[ $job == "3 jobs ok" ]] && [[ $extra == "extra ok"* ]] && [ "$reload_rc" = 0 ]; then
	row harden harden-enforce-job-works pass "$job, the call watch added works too ($extra), reload ok"
else
	row harden harden-enforce-job-works fail "$job; extra: $extra; reload exit $reload_rc: $(head -c 100 "$H/enforce-reload.out")"
fi
if [ "$prc" = 1 ] && grep -qE 'umount2 .*killed' "$H/check.out" && [[ $props == *ExecMainStatus=31* ]] &&
	[[ $forb != "forbidden ran"* ]]; then
	row harden harden-enforce-forbidden-killed-as-check-predicts pass "check: $(grep -m1 umount2 "$H/check.out" | tr -s ' '); real: $props"
else
	row harden harden-enforce-forbidden-killed-as-check-predicts fail "check exit $prc: $(grep -m1 umount2 "$H/check.out"); real: $props; answer: $forb"
fi

# 6. Reset: systemctl cat byte-identical to before harden began.
systemctl reset-failed "$U" 2>/dev/null
"$CG" harden reset "$U" >"$H/reset.out" 2>&1
rc=$?
systemctl cat "$U" >"$H/cat-after" 2>&1
if [ "$rc" = 0 ] && cmp -s "$H/cat-before" "$H/cat-after" && [ ! -e "/etc/systemd/system/$U.d" ]; then
	row harden harden-reset-cat-identical pass "$(head -1 "$H/reset.out")"
else
	row harden harden-reset-cat-identical fail "exit $rc: $(head -c 150 "$H/reset.out" | tr '\n' ' '); $(diff "$H/cat-before" "$H/cat-after" | head -5 | tr '\n' ' ')"
fi
# 7. How SystemCallLog= lines merge on this systemd, next to callgroups'
# model of them (check --json's "logged"): forms with groups, ~ and plain
# lines mixed, an empty reset. systemd's resolved set is
# `systemctl show -p SystemCallLog` ("~" first: all but these are logged).
printf 'setpriority\nread\nmount\numount2\nsched_setaffinity\n' >"$H/forms.list"
forms=("~@system-service|setpriority" "@resources|~setpriority" "~read||@resources"
	"@mount|@resources" "~@system-service|~@resources")
agree=1 detail=""
mkdir -p "/etc/systemd/system/$U.d"
for f in "${forms[@]}"; do
	IFS='|' read -r -a lines <<<"$f"
	{
		echo '[Service]'
		for l in "${lines[@]}"; do echo "SystemCallLog=$l"; done
	} >"/etc/systemd/system/$U.d/forms.conf"
	systemctl daemon-reload
	prop=$(systemctl show -p SystemCallLog --value "$U")
	real=""
	while read -r c; do
		if [[ $prop == "~"* ]]; then
			[[ " ${prop#\~} " == *" $c "* ]] || real="$real $c"
		else
			[[ " $prop " == *" $c "* ]] && real="$real $c"
		fi
	done <"$H/forms.list"
	model=$(systemctl cat "$U" | "$CG" check --no-analyze --json - "$H/forms.list" 2>/dev/null |
		tr -d ' \n' | sed -n 's/.*"logged":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' '\n' |
		sed '/^$/d' | sort | paste -sd' ')
	real=$(tr ' ' '\n' <<<"$real" | sed '/^$/d' | sort | paste -sd' ')
	echo "SystemCallLog=${f//|/ then }: systemd: ${prop:0:40}...; logs [$real]; check models [$model]" >>"$H/forms.txt"
	if [ -z "$prop" ] && [ -n "$real$model" ]; then
		agree=0 detail="$detail [$f]: no SystemCallLog property;"
	elif [ "$real" != "$model" ]; then
		agree=0 detail="$detail [$f]: systemd logs [$real], check models [$model];"
	else
		detail="$detail [$f]: [$real];"
	fi
done
rm -rf "/etc/systemd/system/$U.d"
systemctl daemon-reload
if [ "$agree" = 1 ]; then
	row harden harden-syscalllog-forms-as-check-models pass "${detail:0:300}"
else
	row harden harden-syscalllog-forms-as-check-models fail "${detail:0:300}"
fi
systemctl stop "$U"
rm -f "/etc/systemd/system/$U"
systemctl daemon-reload
