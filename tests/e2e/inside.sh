#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC1091,SC2154 # sourced at run time; svc_* come from services/*.sh
# The test driver inside a booted container (run by cg-e2e.service, see
# boot.sh). For each service in /e2e/services: trace it as a real unit, ask
# for the recommended drop-in, run it under the drop-in, then take away one
# group it needs and see it die (and with SystemCallErrorNumber=EPERM, see
# the call fail); after each phase `callgroups run` runs the same command
# under the same settings for comparison. Results go to /results:
#   rows.tsv              service, systemd version, expectation, pass|fail, detail
#   SERVICE/profile       what the trace recorded
#   SERVICE/dropin.conf   what suggest recommended
#   SERVICE/PHASE.*       per phase: unit (systemctl cat), props, journal,
#                         window (time at start and end, for the host to
#                         find the kernel's audit records of SIGSYS kills)
# The host adds the rows that need the kernel log (explain-crash) or all
# three versions (check).
set -uo pipefail
# Settings the host passed (CG_E2E_SERVICES, CG_E2E_HANDWRITTEN).
[ -e /e2e/env ] && . /e2e/env
export CG=/e2e/bin/callgroups
. /e2e/lib-cg.sh
R=/results
# trace: the services' phases (the first boot of each version); matrix: run
# each service under the drop-ins the host computed after the first round
# (/e2e/matrix/VERSION/SERVICE/NAME.conf), one phase NAME each, judged on
# the host.
MODE=$(cat "$R/mode" 2>/dev/null || echo trace)
V=$(systemctl --version | awk 'NR==1 {print $2}')
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
echo "$V" >"$R/systemd-version"
now() { cut -d' ' -f1 /proc/uptime; }
now >"$R/inside-start"

row() { # SERVICE EXPECTATION pass|fail DETAIL
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$V" "$2" "$3" "${4//$'\t'/ }" >>"$R/rows.tsv"
	echo "e2e: $1 systemd $V: $2: $3 ($4)"
}

# The harden round (tests/e2e/harden.sh): its own file, nothing else here.
if [ "$MODE" = harden ]; then
	. /e2e/harden-inside.sh
	now >"$R/inside-end"
	echo finished >"$R/done"
	exit 0
fi

wait_inactive() { # UNIT SECS
	local i
	for i in $(seq $(($2 * 5))); do
		case $(systemctl show -p ActiveState --value "$1") in
		inactive | failed) return 0 ;;
		esac
		sleep 0.2
	done
	echo "still active after $2s, stopping it"
	systemctl stop "$1"
	return 1
}

# install_unit SERVICE PREFIX [DROPIN...]: the unit with its drop-ins,
# replacing what an earlier phase installed.
install_unit() {
	local s=$1 prefix=$2 f i=0
	shift 2
	rm -rf "/etc/systemd/system/cg-$s.service.d"
	svc_unit "$prefix" >"/etc/systemd/system/cg-$s.service"
	for f in "$@"; do
		mkdir -p "/etc/systemd/system/cg-$s.service.d"
		cp "$f" "/etc/systemd/system/cg-$s.service.d/$((i += 1))-$(basename "$f")"
	done
	systemctl daemon-reload
}

# phase SERVICE NAME: runs the job once as the unit now stands. Sets
# job_ok, stop_ok, result, main_code, main_status and keeps the records.
phase() {
	local s=$1 p=$2 d=$R/$1 props
	systemctl cat "cg-$s.service" >"$d/$p.unit" 2>&1
	svc_prepare
	local t0 t1 cursor
	cursor=$(journalctl -q -n 0 --show-cursor 2>/dev/null | sed -n 's/^-- cursor: //p')
	t0=$(date +%s.%3N)
	job_msg=$(svc_exercise 2>&1) && job_ok=1 || job_ok=0
	stop_msg=$(svc_finish 2>&1) && stop_ok=1 || stop_ok=0
	t1=$(date +%s.%3N)
	echo "$t0 $t1" >"$d/$p.window"
	props=$(systemctl show -p Result -p ExecMainCode -p ExecMainStatus "cg-$s.service")
	echo "$props" >"$d/$p.props"
	result=$(sed -n 's/^Result=//p' <<<"$props")
	main_code=$(sed -n 's/^ExecMainCode=//p' <<<"$props")
	main_status=$(sed -n 's/^ExecMainStatus=//p' <<<"$props")
	journalctl -q --no-pager -o short-monotonic -u "cg-$s.service" \
		${cursor:+--after-cursor="$cursor"} >"$d/$p.journal" 2>&1
	echo "$job_msg" >"$d/$p.job"
	printf 'job_ok=%s\nstop_ok=%s\n' "$job_ok" "$stop_ok" >"$d/$p.status"
	echo "e2e: $s $p: job=$job_ok ($job_msg) stop=$stop_ok ($stop_msg) result=$result code=$main_code status=$main_status"
	systemctl reset-failed "cg-$s.service" 2>/dev/null
	[ "$p" = trace ] || [ "$p" = bpf ] || [ "$MODE" = matrix ] || run_agrees "$s" "$p"
	return 0
}

# What `callgroups run --unit` does with the command under the settings
# systemd just applied, next to what systemd really did: ok, killed or
# other. Kept in run-agrees.txt for one row per service.
run_agrees() { # SERVICE PHASE
	[ "${#svc_cmd[@]}" -gt 0 ] || return 0
	local real=other rc=0 got
	if [ "$job_ok" = 1 ] && [ "$result" = success ]; then
		real=ok
	elif [ "$main_status" = 31 ]; then
		real=killed
	fi
	svc_prepare
	timeout 60 "$CG" run --unit="cg-$1.service" --systemd="$V" -- "${svc_cmd[@]}" \
		>"$R/$1/$2.run-out" 2>&1 </dev/null || rc=$?
	case $rc in
	0) got=ok ;;
	159) got=killed ;;
	*) got="other" ;;
	esac
	echo "$2 $real $got $rc" >>"$R/$1/run-agrees.txt"
	echo "e2e: $1 $2: systemd: $real; callgroups run: $got (exit $rc)"
}

# Is the recorder callgroups trace, or the strace fallback?
if trace_err=$(cg_trace_works); then
	recorder=trace
else
	recorder=strace
	echo "e2e: $trace_err; recording with strace instead"
fi

run_service() {
	local s=$1 d=$R/$1
	mkdir -p "$d"
	local svc_cmd=() svc_naive='' svc_first_start_calls=''
	# shellcheck disable=SC1090
	. "/e2e/services/$s.sh"

	# 1. Trace the service as a real unit, doing its job.
	local prefix
	if [ "$recorder" = trace ]; then
		prefix=$(cg_trace_prefix "$d/profile")
	else
		prefix=$(strace_prefix "$d/profile")
	fi
	install_unit "$s" "$prefix "
	phase "$s" trace
	if [ "$recorder" != trace ]; then
		row "$s" trace fail "$trace_err (strace fallback recorded the profile: job=$job_ok)"
	elif [ "$job_ok" = 1 ] && [ "$result" = success ] && [ -s "$d/profile" ]; then
		local c missing=""
		for c in $svc_expect_calls ${svc_first_start_calls:-}; do
			awk -v c="$c" '$NF == c { found = 1 } END { exit !found }' "$d/profile" ||
				missing="$missing $c"
		done
		if [ -z "$missing" ]; then
			row "$s" trace pass "recorded it doing its job ($job_msg), $(grep -c '^ *[0-9]' "$d/profile") calls incl. $svc_expect_calls ${svc_first_start_calls:-}"
		else
			row "$s" trace fail "the profile lacks$missing (job: $job_msg)"
		fi
	else
		row "$s" trace fail "job=$job_ok ($job_msg) result=$result profile=$(stat -c %s "$d/profile" 2>/dev/null || echo none)"
	fi

	# 1b. The same job traced from the host by the eBPF backend, through the
	# cgroup of a slice the unit runs in (the host answers bpf.request
	# with bpf.ready once its tracer is attached; see run.sh).
	local slice="cgtraced$s.slice"
	printf '[Slice]\n' >"/etc/systemd/system/$slice"
	printf '[Service]\nSlice=%s\n' "$slice" >"$d/bpf-slice.conf"
	install_unit "$s" "" "$d/bpf-slice.conf"
	systemctl start "$slice"
	echo "$slice" >"$d/bpf.request"
	local i
	for i in $(seq 100); do
		[ -e "$d/bpf.ready" ] && break
		sleep 0.1
	done
	phase "$s" bpf
	systemctl stop "$slice"
	touch "$d/bpf.finished"
	rm -f "/etc/systemd/system/$slice"

	# 2. The recommendation for this systemd version.
	local dropin=$d/dropin.conf err
	if [ -s "$d/profile" ] && err=$(cg_suggest "$V" "$d/profile" 2>&1 >"$dropin") &&
		grep -q '^SystemCallFilter=' "$dropin"; then
		row "$s" suggest pass "$(grep -c '^SystemCallFilter=' "$dropin") SystemCallFilter= lines: $(grep '^SystemCallFilter=' "$dropin" | cut -d= -f2- | tr '\n' ' ' | cut -c1-120)"
	else
		row "$s" suggest fail "no drop-in: $(echo "$err" | head -c 200 | tr '\n' ' ')"
		rm -f "$dropin"
		if [ -n "${CG_E2E_HANDWRITTEN:-}" ] && [ -e "/e2e/services/$s.handwritten" ]; then
			# Development only: exercise the container side before suggest exists.
			cp "/e2e/services/$s.handwritten" "$dropin"
			echo "e2e: $s: using the HAND-WRITTEN filter (development mode)"
			touch "$d/handwritten"
		fi
	fi

	# 3. Run it under the recommended lines.
	if [ -s "$dropin" ]; then
		install_unit "$s" "" "$dropin"
		phase "$s" run
		if [ "$job_ok" = 1 ] && [ "$stop_ok" = 1 ] && [ "$result" = success ]; then
			row "$s" runs pass "$job_msg"
		else
			row "$s" runs fail "job=$job_ok ($job_msg) result=$result code=$main_code status=$main_status"
		fi

		# 4. Take away one group it needs: SIGSYS.
		printf '[Service]\nSystemCallFilter=~%s\n' "$svc_take" >"$d/zz-minus.conf"
		install_unit "$s" "" "$dropin" "$d/zz-minus.conf"
		phase "$s" minus
		if [ "$job_ok" = 0 ] && [ "$main_status" = 31 ] && [[ $result == signal || $result == core-dump ]]; then
			row "$s" "sigsys-without-$svc_take" pass "killed by SIGSYS (Result=$result): $job_msg"
		else
			row "$s" "sigsys-without-$svc_take" fail "job=$job_ok result=$result code=$main_code status=$main_status"
		fi

		# 4b. The same with SystemCallErrorNumber=EPERM: no kill, the call
		# fails; whether the job survives that is the program's business.
		printf '[Service]\nSystemCallFilter=~%s\nSystemCallErrorNumber=EPERM\n' \
			"$svc_take" >"$d/zz-eperm.conf"
		install_unit "$s" "" "$dropin" "$d/zz-eperm.conf"
		phase "$s" eperm
		if [ "$svc_eperm" = fails ]; then
			if [ "$job_ok" = 0 ] && [ "$main_status" != 31 ] && [ "$result" = exit-code ]; then
				row "$s" "eperm-without-$svc_take-fails" pass "exits with status $main_status, no kill: $job_msg"
			else
				row "$s" "eperm-without-$svc_take-fails" fail "job=$job_ok result=$result code=$main_code status=$main_status"
			fi
		elif [ "$job_ok" = 1 ] && [ "$result" = success ]; then
			row "$s" "eperm-without-$svc_take-works" pass "the refused calls did not stop it: $job_msg"
		else
			row "$s" "eperm-without-$svc_take-works" fail "job=$job_ok result=$result code=$main_code status=$main_status"
		fi

		# 4d. SystemCallLog= (systemd >= 247): the group's calls are logged
		# by the kernel, not refused; the job must not notice.
		printf '[Service]\nSystemCallLog=%s\n' "$svc_take" >"$d/zz-log.conf"
		install_unit "$s" "" "$dropin" "$d/zz-log.conf"
		phase "$s" log
		if [ "$job_ok" = 1 ] && [ "$result" = success ]; then
			row "$s" "syscalllog-$svc_take-runs" pass "$job_msg"
		else
			row "$s" "syscalllog-$svc_take-runs" fail "job=$job_ok ($job_msg) result=$result status=$main_status"
		fi
	else
		row "$s" runs fail "no drop-in to run with"
		row "$s" "sigsys-without-$svc_take" fail "no drop-in to take a group from"
		row "$s" "eperm-without-$svc_take-$svc_eperm" fail "no drop-in to take a group from"
	fi

	# 4c. The pitfall of DESIGN.md: the common pattern, without the calls
	# suggest adds back.
	if [ -n "${svc_naive:-}" ]; then
		printf '[Service]\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\n' \
			>"$d/naive.conf"
		install_unit "$s" "" "$d/naive.conf"
		phase "$s" naive # judged on the host, with the kernel's records
	fi

	# 5. The version case of DESIGN.md: a fixed allow-list of finer groups.
	if [ -n "${fine_filter:-}" ]; then
		printf '[Service]\nSystemCallFilter=%s\n' "$fine_filter" >"$d/fine.conf"
		install_unit "$s" "" "$d/fine.conf"
		phase "$s" fine
		local got
		if [ "$job_ok" = 1 ] && [ "$result" = success ]; then
			got=runs
		elif [ "$main_status" = 31 ]; then
			got=killed
		else
			got="fails otherwise (result=$result status=$main_status)"
		fi
		echo "$got" >"$d/fine.outcome"
		local want=runs
		[ "$V" -lt 248 ] && want=killed
		if [ "$got" = "$want" ]; then
			row "$s" "fine-groups-$want" pass "$fine_filter: $got"
		else
			row "$s" "fine-groups-$want" fail "$fine_filter: $got"
		fi
	fi
	if [ "${#svc_cmd[@]}" -gt 0 ]; then
		if [ ! -s "$d/run-agrees.txt" ]; then
			row "$s" run-agrees fail "nothing compared"
		elif awk '$2 != $3 { bad = 1 } END { exit bad }' "$d/run-agrees.txt"; then
			row "$s" run-agrees pass "$(awk '{ printf "%s: %s; ", $1, $2 }' "$d/run-agrees.txt")"
		else
			row "$s" run-agrees fail "$(awk '{ printf "%s: systemd %s, run %s (exit %s); ", $1, $2, $3, $4 }' "$d/run-agrees.txt")"
		fi
	fi
	rm -f "/etc/systemd/system/cg-$s.service"
	rm -rf "/etc/systemd/system/cg-$s.service.d"
	systemctl daemon-reload
}

# The second round: the cross-version matrix and the upgrade margin. Every
# drop-in the host put here for this version is run once, as it stands.
matrix_service() {
	local s=$1 d=$R/$1 f p
	mkdir -p "$d"
	local svc_cmd=() svc_naive='' svc_first_start_calls=''
	# shellcheck disable=SC1090
	. "/e2e/services/$s.sh"
	for f in "/e2e/matrix/$V/$s"/*.conf; do
		[ -e "$f" ] || continue
		p=$(basename "$f" .conf)
		install_unit "$s" "" "$f"
		phase "$s" "$p"
	done
	rm -f "/etc/systemd/system/cg-$s.service"
	rm -rf "/etc/systemd/system/cg-$s.service.d"
	systemctl daemon-reload
}

for s in ${CG_E2E_SERVICES:-worker python sqlite nginx runuser}; do
	start=$(now)
	if [ "$MODE" = matrix ]; then
		(matrix_service "$s")
	else
		(run_service "$s")
	fi
	echo "e2e: $s took $(awk "BEGIN {print $(now) - $start}")s"
	echo "$s $start $(now)" >>"$R/timing"
done
# The hardening options (options.sh, issue 14).
[ "$MODE" = trace ] && [ -e /e2e/options.sh ] && . /e2e/options.sh
now >"$R/inside-end"
echo finished >"$R/done"
