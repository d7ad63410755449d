#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC1090,SC2154 # svc_* come from services/*.sh, sourced per service
# `make check-e2e`: callgroups against real systemd 247, 252 and 257.
#
#   tests/e2e/run.sh BUILD
#
# Builds (or reuses) a Debian root per systemd version (mkroot.sh), boots
# each once in systemd-nspawn (boot.sh) where inside.sh traces real services
# as units, runs them under the recommended drop-in and without one group
# they need; then, on the host, hands the kernel's record of each SIGSYS
# kill to `callgroups explain-crash` and asks `callgroups check` what each
# version would do with each unit, comparing with what really happened.
# Prints a table (service x systemd version x expectation: pass/fail) and a
# closing "N passed, N failed"; exits 1 when anything failed.
#
# Environment: CG_E2E_SUITES (default "bullseye bookworm trixie"),
# CG_E2E_SERVICES (default "worker python sqlite nginx runuser"), CG_E2E_CACHE (root
# cache, default /var/cache/callgroups-e2e), CG_E2E_MIRROR (Debian mirror),
# CG_E2E_BOOT_TIMEOUT (seconds per boot, default 600), CG_E2E_HANDWRITTEN=1
# (develop the container side with services/*.handwritten filters when
# suggest fails; the suggest rows still fail).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-build}")
out=$build/e2e
export CG=$build/callgroups
suites=${CG_E2E_SUITES:-bullseye bookworm trixie}
services=${CG_E2E_SERVICES:-worker python sqlite nginx runuser}
declare -A version=([bullseye]=247 [bookworm]=252 [trixie]=257)
. "$here/lib-cg.sh"
. "$here/options-host.sh"

log() { echo "e2e: $*" >&2; }
die() { echo "e2e: $*" >&2; exit 1; }
ms() { date +%s%3N; }
secs() { awk "BEGIN {printf \"%.1f\", ($2 - $1) / 1000}"; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mount, systemd-nspawn)"
if [ ! -x "$CG" ] || [ ! -x "$out/bin/callgroups" ] || [ ! -x "$out/bin/worker" ]; then
	die "build first: make BUILD=$build check-e2e"
fi

# Host tools: debootstrap, systemd-nspawn and jq (reads suggest's and check's JSON).
missing=""
for p in debootstrap systemd-container jq; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Everything started here is ended here, whatever happens.
bg_pids=()
children_of() { # PID: from /proc/*/stat (the field after the ")" of comm)
	local f st
	for f in /proc/[0-9]*/stat; do
		st=$(cat "$f" 2>/dev/null) || continue
		st=${st##*) }
		# shellcheck disable=SC2086 # split the fields
		set -- "$1" $st
		[ "$3" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}
kill_tree() { # PID: its descendants first, then itself
	local c
	for c in $(children_of "$1"); do
		kill_tree "$c"
	done
	kill -TERM "$1" 2>/dev/null || true
}
old_ratelimit=
cleanup() {
	local p
	for p in "${bg_pids[@]}"; do
		[ -n "$p" ] && kill_tree "$p"
	done
	wait 2>/dev/null || true
	[ -z "$old_ratelimit" ] || echo "$old_ratelimit" >/proc/sys/kernel/printk_ratelimit || true
}
trap cleanup EXIT
trap 'echo "e2e: run.sh failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

rm -rf "$out/results" "$out/stage"
mkdir -p "$out/results" "$out/stage/bin"
timing=$out/results/timing.txt
: >"$timing"

# 1. The roots, in parallel: downloads dominate and overlap well.
t0=$(ms)
declare -A root
for s in $suites; do
	(
		t=$(ms)
		r=$("$here/mkroot.sh" "$s")
		echo "$r" >"$out/results/$s.root"
		echo "root $s: $(secs "$t" "$(ms)")s" >>"$timing"
	) >"$out/results/$s.mkroot.log" 2>&1 &
	bg_pids+=($!)
done
roots_ok=1
for i in "${!bg_pids[@]}"; do
	wait "${bg_pids[$i]}" || roots_ok=0
done
bg_pids=()
for s in $suites; do
	if [ -s "$out/results/$s.root" ]; then
		root[$s]=$(cat "$out/results/$s.root")
	else
		log "no root for $s:"
		tail -n 20 "$out/results/$s.mkroot.log" >&2
	fi
done
echo "roots (all, in parallel): $(secs "$t0" "$(ms)")s" >>"$timing"
[ "$roots_ok" = 1 ] || log "some roots could not be built; their rows will fail"

# 2. What the containers see at /e2e.
cp "$here/inside.sh" "$here/lib-cg.sh" "$out/stage/"
cp -r "$here/services" "$here/files" "$out/stage/"
cp "$out/bin/callgroups" "$out/bin/worker" "$out/stage/bin/"
options_stage "$out/stage" "$out/bin"
{
	echo "CG_E2E_SERVICES='$services'"
	[ -n "${CG_E2E_HANDWRITTEN:-}" ] && echo "CG_E2E_HANDWRITTEN=1"
	true
} >"$out/stage/env"

# The kernel's audit records of seccomp kills name the call: auditlog reads
# them from the audit netlink multicast group while the containers run.
# Without it, dmesg is read after each boot; the kernel prints the records
# (no auditd here) through printk's rate limit, 10 per 5 s, and the tests
# kill more than that, so then the limit is off while the containers run.
auditlog=$out/results/audit.log
exes=()
for svc in $services; do
	exes+=("$(svc_exe='' && . "$here/services/$svc.sh" && echo "$svc_exe")")
done
"$out/bin/auditlog" "${exes[@]}" >"$auditlog" 2>"$out/results/auditlog.err" &
auditlog_pid=$!
bg_pids+=("$auditlog_pid")
for _ in $(seq 50); do
	grep -q '^ready' "$out/results/auditlog.err" 2>/dev/null && break
	kill -0 "$auditlog_pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q '^ready' "$out/results/auditlog.err" 2>/dev/null; then
	log "auditlog: $(cat "$out/results/auditlog.err"); reading dmesg after each boot instead"
	auditlog=
	old_ratelimit=$(cat /proc/sys/kernel/printk_ratelimit 2>/dev/null || true)
	[ -z "$old_ratelimit" ] || echo 0 >/proc/sys/kernel/printk_ratelimit || old_ratelimit=
fi

# The host's eBPF tracer for the containers' bpf phases: when a service's
# bpf.request names a slice, trace that slice's cgroup (the unit runs in it)
# from here with `callgroups trace --backend=bpf --cgroup`, say bpf.ready,
# and end the trace once bpf.finished appears (the cgroup goes away with the
# slice; SIGINT if it lingers).
bpf_watch() { # RESULTSDIR
	local svc d slice cg tp i
	set +e
	trap - ERR
	while :; do
		for svc in $services; do
			d=$1/$svc
			if [ ! -e "$d/bpf.request" ] || [ -e "$d/bpf.handled" ]; then
				continue
			fi
			touch "$d/bpf.handled"
			slice=$(cat "$d/bpf.request")
			cg=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$slice" 2>/dev/null | head -n 1)
			if [ -z "$cg" ]; then
				echo "no cgroup named $slice on the host" >"$d/bpf.err"
				touch "$d/bpf.ready"
				continue
			fi
			"$CG" trace --backend=bpf --no-report -o "$d/bpf.profile" --cgroup="$cg" \
				2>"$d/bpf.err" &
			tp=$!
			for i in $(seq 50); do
				grep -q 'attached' "$d/bpf.err" 2>/dev/null && break
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			touch "$d/bpf.ready"
			for i in $(seq 600); do
				[ -e "$d/bpf.finished" ] && break
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			for i in $(seq 30); do
				kill -0 "$tp" 2>/dev/null || break
				sleep 0.1
			done
			kill -INT "$tp" 2>/dev/null
			wait "$tp"
			echo "exit $?" >>"$d/bpf.err"
		done
		sleep 0.1
	done
}

# 3. One boot per version; the containers run one after the other so the
# kernel's audit records of SIGSYS kills can be told apart by time.
# boot_round MODE: trace (the services' phases, results in results/SUITE) or
# matrix (the drop-ins of stage/matrix/VERSION, results in
# results/SUITE-matrix).
boot_round() {
	local mode=$1 s res t up0 rc boot_pid watch_pid up1 suffix=
	[ "$mode" = trace ] || suffix=-$mode
	for s in $suites; do
		[ -n "${root[$s]:-}" ] || continue
		res=$out/results/$s$suffix
		mkdir -p "$res"
		echo "$mode" >"$res/mode"
		t=$(ms)
		up0=$(cut -d' ' -f1 /proc/uptime)
		rc=0
		# In the background so that a signal to us is acted on at once: boot.sh
		# stops its container and unmounts on SIGTERM.
		"$here/boot.sh" "${root[$s]}" "$out/stage" "$res" "${CG_E2E_BOOT_TIMEOUT:-600}" \
			>"$res/console.log" 2>&1 &
		boot_pid=$!
		bg_pids+=("$boot_pid")
		bpf_watch "$res" &
		watch_pid=$!
		bg_pids+=("$watch_pid")
		wait "$boot_pid" || rc=$?
		kill_tree "$watch_pid"
		wait "$watch_pid" 2>/dev/null || true
		bg_pids=("${bg_pids[@]/$boot_pid/}")
		bg_pids=("${bg_pids[@]/$watch_pid/}")
		up1=$(cut -d' ' -f1 /proc/uptime)
		echo "boot+tests $s$suffix (systemd ${version[$s]}): $(secs "$t" "$(ms)")s" >>"$timing"
		if [ -s "$res/inside-start" ] && [ -s "$res/inside-end" ]; then
			awk -v a="$up0" -v b="$(cat "$res/inside-start")" -v c="$(cat "$res/inside-end")" \
				-v d="$up1" -v s="$s$suffix" 'BEGIN { printf "  %s: boot %.1fs, tests %.1fs, poweroff %.1fs\n",
				s, b - a, c - b, d - c }' >>"$timing"
		fi
		# The kernel's audit records of seccomp kills, each with its time:
		# "audit(EPOCH.MS:SERIAL)".
		if [ -n "$auditlog" ]; then
			sleep 0.2 # the last records on their way
			cp "$auditlog" "$res/audit.all"
		else
			dmesg 2>/dev/null | grep 'type=1326' >"$res/audit.all" || true
		fi
		if [ "$rc" -ne 0 ] || [ ! -e "$res/done" ]; then
			log "$s: the container did not finish its tests (boot.sh exit $rc); last lines:"
			grep -v '^\s*$' "$res/console.log" | tail -n 15 >&2
		fi
	done
}
boot_round trace

# 3b. The cross-version matrix and the upgrade margin, a second round of
# boots. From each version's profile of each service, `suggest
# --systemd=247,252,257` gives one set of lines meant for all three; every
# version runs every such set (phase fromTRACEDVERSION). Trixie also runs
# the tight alternative of bullseye's profile made with --systemd=247,257
# (phase tight247). The drop-ins and reports stay in results/matrix/SERVICE;
# the containers find theirs at /e2e/matrix/VERSION/SERVICE/PHASE.conf.
matrix_vs=$(printf '%s\n' "${version[@]}" | sort -n | paste -sd,)
t=$(ms)
rm -rf "$out/stage/matrix" "$out/results/matrix"
for tr in $suites; do
	tv=${version[$tr]}
	for svc in $services; do
		md=$out/results/matrix/$svc
		mkdir -p "$md"
		p=$out/results/$tr/$svc/profile
		if [ ! -s "$p" ]; then
			echo "no profile of $svc traced on $tr" >"$md/from$tv.err"
			continue
		fi
		rc=0
		cg_suggest "$matrix_vs" "$p" >"$md/from$tv.conf" 2>"$md/from$tv.err" || rc=$?
		if [ "$rc" -ne 0 ] || ! grep -q '^SystemCallFilter=' "$md/from$tv.conf"; then
			echo "suggest --systemd=$matrix_vs exit $rc: $(head -c 200 "$md/from$tv.err" | tr '\n' ' ')" >"$md/from$tv.err"
			rm -f "$md/from$tv.conf"
			continue
		fi
		for s in $suites; do
			mkdir -p "$out/stage/matrix/${version[$s]}/$svc"
			cp "$md/from$tv.conf" "$out/stage/matrix/${version[$s]}/$svc/from$tv.conf"
		done
		# The upgrade margin: bullseye's tight alternative, run on trixie.
		if [ "$tr" != bullseye ] || [[ " $suites " != *" trixie "* ]]; then
			continue
		fi
		rc=0
		cg_suggest_json 247,257 "$p" >"$md/tight247.json" 2>"$md/tight247.err" || rc=$?
		if [ "$rc" -ne 0 ] || ! jq -e '.tight.SystemCallFilter | length > 0' "$md/tight247.json" >/dev/null 2>&1; then
			echo "suggest --format=json --systemd=247,257 exit $rc: $(head -c 200 "$md/tight247.err" | tr '\n' ' ')" >"$md/tight247.err"
			continue
		fi
		{
			echo '[Service]'
			jq -r '.tight.SystemCallFilter[] | "SystemCallFilter=" + .' "$md/tight247.json"
			jq -r 'if .SystemCallArchitectures then "SystemCallArchitectures=" + .SystemCallArchitectures else empty end' "$md/tight247.json"
		} >"$md/tight247.conf"
		mkdir -p "$out/stage/matrix/257/$svc"
		cp "$md/tight247.conf" "$out/stage/matrix/257/$svc/"
	done
done
echo "matrix drop-ins (host): $(secs "$t" "$(ms)")s" >>"$timing"
t=$(ms)
boot_round matrix
echo "matrix round (all versions): $(secs "$t" "$(ms)")s" >>"$timing"

# 3c. The harden rows: one more boot per version (tests/e2e/harden.sh).
t=$(ms)
"$here/harden.sh" "$build" || log "harden.sh failed: its rows fail"
echo "harden round (all versions): $(secs "$t" "$(ms)")s" >>"$timing"

[ -z "$old_ratelimit" ] || echo "$old_ratelimit" >/proc/sys/kernel/printk_ratelimit || true
old_ratelimit=
if [ -n "$auditlog" ]; then
	kill -TERM "$auditlog_pid" 2>/dev/null
	wait "$auditlog_pid" 2>/dev/null || true
	bg_pids=("${bg_pids[@]/$auditlog_pid/}")
	grep -v '^ready' "$out/results/auditlog.err" >&2 || true
fi

# From here on a failing command must not stop the table from being
# printed: each row decides for itself.
set +e
trap - ERR

# 4. Host side: explain-crash on the kernel's records, check against all
# versions. Rows go to host-rows.tsv like the container's.
hostrows=$out/results/host-rows.tsv
: >"$hostrows"
hrow() { # SERVICE VERSION EXPECTATION pass|fail DETAIL
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5//$'\t'/ }" >>"$hostrows"
}

# Audit records of a kill of EXE within the time window of a phase (the
# containers share the host's clock; records carry milliseconds).
audit_in_window() { # AUDITFILE WINDOWFILE EXE
	[ -s "$2" ] || return 0
	local a b
	read -r a b <"$2"
	awk -v a="$a" -v b="$b" -v exe="exe=\"$3" '
		match($0, /audit\([0-9.]+:/) {
			t = substr($0, RSTART + 6, RLENGTH - 7)
			if (t + 0 >= a - 0.01 && t + 0 <= b + 0.01 && index($0, exe)) print
		}' "$1"
}

# What really happened in a phase: ok (job done, unit succeeded, nothing
# killed), killed (the main process died of SIGSYS, or the kernel recorded
# a seccomp kill of the service's executable, such as an nginx worker) or
# other.
outcome() { # DIR PHASE AUDITFILE EXE
	local props=$1/$2.props
	[ -e "$props" ] || { echo missing; return; }
	if grep -q '^ExecMainStatus=31$' "$props" ||
		[ -n "$(audit_in_window "$3" "$1/$2.window" "$4")" ]; then
		echo killed
	elif grep -q '^Result=success' "$props" && grep -q '^job_ok=1' "$1/$2.status" 2>/dev/null; then
		echo ok
	else
		echo other
	fi
}

# check's prediction for version V on a phase's unit, as ok/killed.
predict() { # V UNITFILE PROFILE
	local ans
	ans=$(cg_check_versions "$1" "$2" "$3") || { echo "error: $ans"; return; }
	case $ans in
	"$1 ok") echo ok ;;
	"$1 denied") echo killed ;;
	*) echo "error: $ans" ;;
	esac
}

for s in $suites; do
	v=${version[$s]}
	res=$out/results/$s
	[ -e "$res/systemd-version" ] || continue
	real_v=$(cat "$res/systemd-version")
	[ "$real_v" = "$v" ] || log "$s runs systemd $real_v, expected $v"
	for svc in $services; do
		d=$res/$svc
		[ -d "$d" ] || continue
		svc_take='' svc_naive='' svc_exe='' svc_expect_calls=''
		. "$here/services/$svc.sh"
		# Under the recommended lines nothing may be killed, not even a
		# child (an nginx worker) the job could do without.
		if [ -e "$d/run.window" ]; then
			audit_in_window "$res/audit.all" "$d/run.window" "$svc_exe" >"$d/run.audit"
			if [ -s "$d/run.audit" ]; then
				hrow "$svc" "$v" no-kill-logged-in-run fail "$(wc -l <"$d/run.audit") kill(s): $(head -n1 "$d/run.audit" | grep -o 'exe=.*syscall=[0-9]*')"
			else
				hrow "$svc" "$v" no-kill-logged-in-run pass "no audit record of a kill of $svc_exe while it ran"
			fi
		else
			hrow "$svc" "$v" no-kill-logged-in-run fail "the run under the drop-in did not happen"
		fi
		# explain-crash on the record of the kill without one group.
		exp="explain-crash-names-$svc_take"
		if [ -e "$d/minus.window" ]; then
			audit_in_window "$res/audit.all" "$d/minus.window" "$svc_exe" >"$d/minus.audit"
			if [ ! -s "$d/minus.audit" ]; then
				hrow "$svc" "$v" "$exp" fail "no audit record of a kill of $svc_exe in the kernel log"
			elif ans=$(cg_explain_crash "$v" "$d/minus.audit" 2>&1); then
				echo "$ans" >"$d/minus.explained"
				if grep -q -- "$svc_take\b" <<<"$ans"; then
					hrow "$svc" "$v" "$exp" pass "$(grep -m1 -- "$svc_take" <<<"$ans" | cut -c1-110)"
				else
					hrow "$svc" "$v" "$exp" fail "answer does not name $svc_take: $(head -c 150 <<<"$ans" | tr '\n' ' ')"
				fi
			else
				hrow "$svc" "$v" "$exp" fail "explain-crash failed: $(head -c 150 <<<"$ans" | tr '\n' ' ')"
			fi
		else
			hrow "$svc" "$v" "$exp" fail "no kill to explain (the minus phase did not run)"
		fi
		# SystemCallLog=: the kernel's records (action log) of the group's
		# calls, explained.
		exp="syscalllog-records-name-$svc_take"
		if [ -e "$d/log.window" ]; then
			audit_in_window "$res/audit.all" "$d/log.window" "$svc_exe" >"$d/log.audit"
			if [ ! -s "$d/log.audit" ]; then
				hrow "$svc" "$v" "$exp" fail "no audit record of a logged call of $svc_exe"
			elif ! grep -q 'code=0x7ffc0000' "$d/log.audit"; then
				hrow "$svc" "$v" "$exp" fail "records, but not of SECCOMP_RET_LOG: $(head -n 1 "$d/log.audit" | grep -o 'code=.*')"
			elif ans=$(cg_explain_crash "$v" "$d/log.audit" 2>&1) && grep -q -- "$svc_take\b" <<<"$ans"; then
				echo "$ans" >"$d/log.explained"
				hrow "$svc" "$v" "$exp" pass "$(wc -l <"$d/log.audit") records; $(grep -m1 ' at ' <<<"$ans" | sed 's/^[^:]*:[0-9]*: //' | cut -c1-90)"
			else
				hrow "$svc" "$v" "$exp" fail "explain-crash: $(head -c 200 <<<"$ans" | tr '\n' ' ')"
			fi
		else
			hrow "$svc" "$v" "$exp" fail "the SystemCallLog= phase did not run"
		fi
		# The eBPF trace from the host: the job done while traced, the
		# service's own calls seen; what it saw beyond the ptrace trace
		# shown (systemd's own calls in the unit's cgroup before the exec
		# are left out of the table and counted apart).
		if [ ! -e "$d/bpf.status" ]; then
			hrow "$svc" "$v" trace-bpf-unit fail "the bpf phase did not run"
		elif [ ! -s "$d/bpf.profile" ]; then
			hrow "$svc" "$v" trace-bpf-unit fail "no profile: $(tr '\n' ' ' <"$d/bpf.err" | cut -c1-200)"
		else
			missing=""
			for c in $svc_expect_calls; do
				awk -v c="$c" '$NF == c { f = 1 } END { exit !f }' "$d/bpf.profile" ||
					missing="$missing $c"
			done
			# Names of the native table (before any "System call usage
			# summary for 32 bit|x32 mode:" section).
			native_names() {
				awk '/^System call usage summary for/ { exit }
					/^#/ { next }
					NR > 2 && $NF != "total" && $NF !~ /^-/ { print $NF }' "$1" | sort -u
			}
			extra=$(comm -13 <(native_names "$d/profile") <(native_names "$d/bpf.profile") | tr '\n' ' ')
			# The services make no calls of other ABIs (the ptrace trace
			# shows none): a section for one is a mistake of the trace.
			other_abi=$(awk '/^System call usage summary for/ {
					s = $0; sub(/^System call usage summary for /, "", s); sub(/ mode:.*/, "", s)
				}
				s && $1 ~ /^[0-9]/ && $NF != "total" { print s ": " $NF " (" $4 " calls)" }' \
				"$d/bpf.profile" | sort -u | tr '\n' ' ')
			if [ "$(outcome "$d" bpf "$res/audit.all" "$svc_exe")" != ok ]; then
				hrow "$svc" "$v" trace-bpf-unit fail "the job failed while traced: $(cat "$d/bpf.job")"
			elif [ -n "$missing" ]; then
				hrow "$svc" "$v" trace-bpf-unit fail "the profile lacks$missing"
			elif [ -n "$other_abi" ] && ! grep -q '^System call usage summary for' "$d/profile"; then
				hrow "$svc" "$v" trace-bpf-unit fail "calls of another ABI that ptrace did not see: $other_abi(suggest then allows that ABI in SystemCallArchitectures=)"
			elif ! mgr=$(sed -n 's/^# left out, made by the service manager before the exec: //p' "$d/bpf.profile" | tr ',' '\n' | grep -c .); then
				# The unit was started under the trace: systemd's setup
				# before the exec is always there to leave out.
				hrow "$svc" "$v" trace-bpf-unit fail "nothing left out as systemd's setup before the exec; beyond ptrace's: ${extra:-none}"
			else
				hrow "$svc" "$v" trace-bpf-unit pass "$(grep -c '^ *[0-9]' "$d/bpf.profile") calls incl. $svc_expect_calls; beyond ptrace's: ${extra:-none}; left out as systemd's setup: $mgr"
			fi
		fi
		# The common pattern of DESIGN.md's pitfall breaks the service, and
		# the kernel says which calls it killed.
		if [ -n "$svc_naive" ]; then
			if [ ! -e "$d/naive.window" ]; then
				hrow "$svc" "$v" naive-pattern-killed fail "the phase did not run"
			else
				audit_in_window "$res/audit.all" "$d/naive.window" "$svc_exe" >"$d/naive.audit"
				calls=$(cg_explain_crash "$v" "$d/naive.audit" 2>/dev/null |
					sed -n 's/.* at \([a-z0-9_]*\) (.*/\1/p' | sort -u | tr '\n' ' ')
				if grep -q '^job_ok=0' "$d/naive.status" && [ -s "$d/naive.audit" ]; then
					hrow "$svc" "$v" naive-pattern-killed pass "@system-service ~@privileged @resources: job failed, killed at: ${calls:-?} ($(cat "$d/naive.job"))"
				else
					hrow "$svc" "$v" naive-pattern-killed fail "$(tr '\n' ' ' <"$d/naive.status") $(wc -l <"$d/naive.audit") kill records"
				fi
			fi
		fi
		# check against what really happened, under the recommended lines
		# and without the group.
		if [ -e "$d/run.unit" ] && [ -e "$d/minus.unit" ] && [ -s "$d/profile" ]; then
			detail="" agree=1
			for ph in run minus naive; do
				[ -e "$d/$ph.unit" ] || continue
				real=$(outcome "$d" "$ph" "$res/audit.all" "$svc_exe")
				pred=$(predict "$v" "$d/$ph.unit" "$d/profile")
				detail="$detail$ph: check predicts ${pred:0:80}, real $real; "
				[ "$pred" = "$real" ] || agree=0
			done
			if [ "$agree" = 1 ]; then
				hrow "$svc" "$v" check-agrees pass "$detail"
			else
				hrow "$svc" "$v" check-agrees fail "$detail"
			fi
		else
			hrow "$svc" "$v" check-agrees fail "no runs to compare with (no drop-in or no profile)"
		fi
	done
done

# The version case: check the fine-group allow-list of each version's run
# under all three versions' tables, and compare with the real runs.
if [[ " $services " == *" worker "* ]]; then
	for s in $suites; do
		v=${version[$s]}
		d=$out/results/$s/worker
		if [ -e "$d/fine.unit" ] && [ -s "$d/profile" ]; then
			real=$(outcome "$d" fine "$out/results/$s/audit.all" /e2e/bin/worker)
			pred=$(predict "$v" "$d/fine.unit" "$d/profile")
			all=$(cg_check_across "$(echo "${version[@]}" | tr ' ' '\n' | sort -n | paste -sd,)" \
				"$d/fine.unit" "$d/profile")
			if [ "$pred" = "$real" ]; then
				hrow worker "$v" fine-groups-check-agrees pass "check predicts $pred, real $real (check --systemd=247,252,257: $all)"
			else
				hrow worker "$v" fine-groups-check-agrees fail "check predicts ${pred:0:100}, real $real"
			fi
		else
			hrow worker "$v" fine-groups-check-agrees fail "no fine-group run or no profile"
		fi
	done
fi

# Calls the container's own seccomp filter refuses (nspawn's: keyctl): both
# backends count them and name them after the table, and the recommended
# lines allow them (the unit's filter would kill at them: kill outranks the
# container's errno).
refused_names() { # PROFILE: "name count" of its "# refused by ..." line
	sed -n 's/^# refused by an inherited seccomp filter: //p' "$1" | tr ',' '\n' |
		awk 'NF == 2 { print $1, $2 }'
}
for s in $suites; do
	v=${version[$s]}
	for svc in $services; do
		svc_refused_calls=''
		. "$here/services/$svc.sh"
		[ -n "$svc_refused_calls" ] || continue
		d=$out/results/$s/$svc
		problems="" seen=""
		for c in $svc_refused_calls; do
			for b in profile bpf.profile; do
				n=$(refused_names "$d/$b" 2>/dev/null | awk -v c="$c" '$1 == c { print $2 }')
				if [ -n "$n" ] && [ "$n" -gt 0 ]; then
					seen="$seen $([ "$b" = profile ] && echo ptrace || echo bpf):$c=$n"
				else
					problems="$problems $b does not name $c as refused;"
				fi
			done
		done
		if [ -e "$d/run.unit" ] && denied=$(cg_check_denied "$v" "$d/run.unit" "$d/profile"); then
			for c in $svc_refused_calls; do
				grep -qx "$c" <<<"$denied" && problems="$problems the recommended lines deny $c;"
			done
		else
			problems="$problems no recommended unit to check;"
		fi
		if [ -z "$problems" ]; then
			hrow "$svc" "$v" refused-by-container-counted pass "counted as refused by nspawn's filter:$seen; the recommended lines allow $svc_refused_calls"
		else
			hrow "$svc" "$v" refused-by-container-counted fail "$problems$seen"
		fi
	done
done

# The matrix and the margin: every cell's expectation.
matrix_exp() { # KIND TRACEDV
	case $1 in
	from) echo "matrix-$2-runs" ;;
	tight) echo "margin-tight-$2-as-reported" ;;
	esac
}
# The native call names of a trace's table.
profile_names() { # PROFILE
	awk '/^System call usage summary for/ { exit }
		NR > 2 && $1 ~ /^[0-9]/ && $NF != "total" { print $NF }' "$1" | sort -u
}
# The calls the kernel recorded killing in a phase, by name (explain-crash).
killed_calls() { # V AUDITFILE
	[ -s "$2" ] || return 0
	cg_explain_crash "$1" "$2" 2>/dev/null | sed -n 's/.* at \([a-z0-9_]*\) (.*/\1/p' | sort -u | paste -sd,
}
# judge_cell SVC KIND TRACEDSUITE RUNSUITE: one row for a matrix cell (KIND
# from) or the margin (KIND tight). A matrix cell passes only when the job
# is done, no kill is logged and check (with the run-on version's own
# trace) denies nothing. The margin row passes that way too, or, when the
# tight lines fail on the newer release, only if every kill is at a call
# the report's would_deny names or at a call the newer release's own trace
# holds and the older one lacks (made only by the newer release: no trace
# of the older can see it, and no report made from one can name it), and
# check with the newer trace denies exactly such calls. The detail names
# them: they are what keeps the tight alternative from running there.
judge_cell() {
	local svc=$1 kind=$2 tr=$3 rs=$4 tv=${version[$3]} rv=${version[$4]}
	local ph=$kind$tv md=$out/results/matrix/$svc d=$out/results/$4-matrix/$svc
	local exp real kills denied pred="" job what
	exp=$(matrix_exp "$kind" "$tv")
	if [ ! -e "$md/$ph.conf" ]; then
		hrow "$svc" "$rv" "$exp" fail "no drop-in: $(head -c 150 "$md/$ph.err" 2>/dev/null)"
		return
	fi
	what="$(grep '^SystemCallFilter=' "$md/$ph.conf" | cut -d= -f2- | paste -sd'|' | cut -c1-70)"
	if [ ! -e "$d/$ph.props" ]; then
		hrow "$svc" "$rv" "$exp" fail "the phase did not run on $rs (see $rs-matrix/console.log)"
		return
	fi
	real=$(outcome "$d" "$ph" "$out/results/$rs-matrix/audit.all" "$svc_exe")
	audit_in_window "$out/results/$rs-matrix/audit.all" "$d/$ph.window" "$svc_exe" >"$d/$ph.audit"
	kills=$(killed_calls "$rv" "$d/$ph.audit")
	[ -s "$d/$ph.audit" ] && [ -z "$kills" ] && kills="?"
	if denied=$(cg_check_denied "$rv" "$d/$ph.unit" "$out/results/$rs/$svc/profile"); then
		denied=$(paste -sd, <<<"$denied")
	else
		hrow "$svc" "$rv" "$exp" fail "check could not answer: ${denied:0:150}"
		return
	fi
	job=$(head -c 60 "$d/$ph.job")
	if [ "$kind" = tight ]; then
		pred=$(jq -r --arg v "$rv" '[.tight.versions[] | select(.systemd == $v) | .would_deny[] |
			if type == "string" then . else (.name // .syscall // tostring) end] | unique | join(",")' \
			"$md/$ph.json" 2>/dev/null) || pred="(unreadable report)"
	fi
	local facts
	facts="real $real (${job}); $(wc -l <"$d/$ph.audit") kill records${kills:+ at $kills}; check --systemd=$rv with the $rv trace denies: ${denied:-nothing}"
	[ "$kind" = tight ] && facts="report's would_deny for $rv: ${pred:-none}; $facts"
	if [ "$real" = ok ] && [ ! -s "$d/$ph.audit" ] && [ -z "$denied" ]; then
		hrow "$svc" "$rv" "$exp" pass "job done, no kill logged, check agrees: $what"
	elif [ "$kind" = tight ] && [ "$real" != ok ] && [ -n "$kills" ] && [ "$kills" != "?" ]; then
		local newer unexplained wrong
		newer=$(comm -13 <(profile_names "$out/results/$tr/$svc/profile") \
			<(profile_names "$out/results/$rs/$svc/profile") | paste -sd,)
		unexplained=$(comm -23 <(tr , '\n' <<<"$kills" | sort -u) \
			<(tr , '\n' <<<"$pred,$newer" | sort -u) | paste -sd,)
		wrong=$(comm -23 <(tr , '\n' <<<"$denied" | grep . | sort -u) \
			<(tr , '\n' <<<"$pred,$newer" | sort -u) | paste -sd,)
		if [ -z "$unexplained" ] && [ -z "$wrong" ]; then
			hrow "$svc" "$rv" "$exp" pass "kept from running on $rv by $kills only${pred:+ (the report named $pred)}; ${newer:+calls made by $svc on $rv and absent from its $tv trace, which no $tv report can name: $newer; }$facts"
		else
			hrow "$svc" "$rv" "$exp" fail "${unexplained:+killed at $unexplained, which the report does not name and the $tv trace holds; }${wrong:+check denies $wrong; }$facts"
		fi
	else
		hrow "$svc" "$rv" "$exp" fail "$facts; lines: $what"
	fi
}
for rs in $suites; do
	for svc in $services; do
		svc_exe=''
		. "$here/services/$svc.sh"
		for tr in $suites; do
			judge_cell "$svc" from "$tr" "$rs"
		done
		if [ "$rs" = trixie ] && [[ " $suites " == *" bullseye "* ]]; then
			judge_cell "$svc" tight bullseye trixie
		fi
	done
done

# 5. The table: every expected row, with what was found (or a failure
# saying nothing was).
declare -A got detail
while IFS=$'\t' read -r svc v exp res det; do
	got["$svc|$v|$exp"]=$res
	detail["$svc|$v|$exp"]=$det
done < <(cat "$out"/results/*/rows.tsv "$hostrows" 2>/dev/null)

pass=0 fail=0
printf '\n%-7s %-7s %-42s %-5s %s\n' service systemd expectation result detail
printf '%s\n' "-------------------------------------------------------------------------------"
for s in $suites; do
	v=${version[$s]}
	why="no result: the container did not get this far (see $s/console.log)"
	[ -n "${root[$s]:-}" ] || why="no root file system for $s (see $s.mkroot.log)"
	for svc in $services; do
		svc_take='' svc_eperm='' fine_filter='' svc_cmd=() svc_naive='' svc_refused_calls=''
		. "$here/services/$svc.sh"
		exps="trace trace-bpf-unit suggest runs no-kill-logged-in-run sigsys-without-$svc_take"
		exps="$exps eperm-without-$svc_take-$svc_eperm syscalllog-$svc_take-runs"
		exps="$exps syscalllog-records-name-$svc_take"
		exps="$exps explain-crash-names-$svc_take check-agrees"
		[ -n "$svc_naive" ] && exps="$exps naive-pattern-killed"
		[ "${#svc_cmd[@]}" -gt 0 ] && exps="$exps run-agrees"
		if [ -n "$fine_filter" ]; then
			if [ "$v" -lt 248 ]; then exps="$exps fine-groups-killed"; else exps="$exps fine-groups-runs"; fi
			exps="$exps fine-groups-check-agrees"
		fi
		[ -n "$svc_refused_calls" ] && exps="$exps refused-by-container-counted"
		for t in $suites; do
			exps="$exps $(matrix_exp from "${version[$t]}")"
		done
		if [ "$s" = trixie ] && [[ " $suites " == *" bullseye "* ]]; then
			exps="$exps $(matrix_exp tight 247)"
		fi
		for e in $exps; do
			k="$svc|$v|$e"
			r=${got[$k]:-fail}
			dt=${detail[$k]:-$why}
			[ "$r" = pass ] && pass=$((pass + 1)) || fail=$((fail + 1))
			printf '%-7s %-7s %-42s %-5s %s\n' "$svc" "$v" "$e" "$r" "${dt:0:160}"
		done
	done
	# The hardening options (options.sh, options-host.sh).
	while read -r svc e; do
		k="$svc|$v|$e"
		r=${got[$k]:-fail}
		dt=${detail[$k]:-$why}
		[ "$r" = pass ] && pass=$((pass + 1)) || fail=$((fail + 1))
		printf '%-7s %-7s %-42s %-5s %s\n' "$svc" "$v" "$e" "$r" "${dt:0:160}"
	done < <(options_expected "$out/results/$s" $services)
done
# The harden rows, per version (harden.sh lists them).
for s in $suites; do
	v=${version[$s]}
	for e in $(cat "$out/results/harden-expected" 2>/dev/null || echo harden-round-ran); do
		k="harden|$v|$e"
		r=${got[$k]:-fail}
		dt=${detail[$k]:-no result (see $s-harden/console.log)}
		[ "$r" = pass ] && pass=$((pass + 1)) || fail=$((fail + 1))
		printf '%-7s %-7s %-42s %-5s %s\n' harden "$v" "$e" "$r" "${dt:0:160}"
	done
done
echo
echo "timing:"
sed 's/^/  /' "$timing"
for s in $suites; do
	for r in "$s" "$s-matrix"; do
		[ -e "$out/results/$r/timing" ] || continue
		awk -v s="$r" '{printf "  %s %s: %.1fs\n", s, $1, $3 - $2}' "$out/results/$r/timing"
	done
done
echo "details: $out/results"
echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
