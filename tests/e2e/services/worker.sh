# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2034 # sourced: the variables are read by inside.sh and run.sh
# The project's own test program (progs/worker.c, linked statically on the
# host so one binary runs on every Debian release), run by a oneshot unit.
# It is also the program of DESIGN.md's version case: see fine_filter.
svc_desc="static C worker"
svc_exe=/e2e/bin/worker
svc_take=@network-io
# Calls the trace must have seen.
svc_expect_calls="mprotect pipe2 poll wait4 socketpair kill rename"
svc_eperm=fails    # with SystemCallErrorNumber=EPERM instead of SIGSYS
svc_out=/run/cg-e2e-worker.out
# The command alone, for `callgroups run` to run under the unit's settings.
svc_cmd=(/e2e/bin/worker "$svc_out")

# An allow-list of finer groups that suffices on 252 and 257; on 247
# mprotect (and getrandom) were not yet in @default, so it kills the worker.
fine_filter="@basic-io @file-system @process @signal @network-io @io-event @ipc"

svc_unit() {
	cat <<UNIT
[Unit]
Description=callgroups e2e: static C worker

[Service]
Type=oneshot
ExecStart=$1/e2e/bin/worker $svc_out
UNIT
}

svc_prepare() {
	rm -f "$svc_out"
}

svc_exercise() {
	systemctl start cg-worker.service || { echo "unit failed"; return 1; }
	if grep -q ' ok$' "$svc_out" 2>/dev/null; then
		echo "result written: $(cat "$svc_out")"
		return 0
	fi
	echo "no result in $svc_out"
	return 1
}

svc_finish() {
	wait_inactive cg-worker.service 20
}
