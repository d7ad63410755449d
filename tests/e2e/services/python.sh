# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2034 # sourced: the variables are read by inside.sh and run.sh
# A Python program (files/job.py) on Debian's python3, run by a oneshot
# unit: counts, hashes, runs a subprocess through pipes, writes JSON.
svc_desc="python3 batch job"
svc_exe=/usr/bin/python3.  # the exe of the audit record is the versioned binary
svc_take=@ipc
# Calls the trace must have seen (pipe2 and wait4: the subprocess).
svc_expect_calls="pipe2 wait4 execve rename"
svc_eperm=fails    # with SystemCallErrorNumber=EPERM instead of SIGSYS
svc_out=/var/lib/cg-e2e-python/result.json
# The command alone, for `callgroups run` to run under the unit's settings.
svc_cmd=(/usr/bin/python3 /e2e/files/job.py "$svc_out")

svc_unit() {
	cat <<UNIT
[Unit]
Description=callgroups e2e: python3 job

[Service]
Type=oneshot
StateDirectory=cg-e2e-python
ExecStart=$1/usr/bin/python3 /e2e/files/job.py $svc_out
UNIT
}

svc_prepare() {
	rm -f "$svc_out"
}

svc_exercise() {
	systemctl start cg-python.service || { echo "unit failed"; return 1; }
	if grep -q '"ok": true' "$svc_out" 2>/dev/null && grep -q '"uname": "Linux"' "$svc_out"; then
		echo "JSON result correct"
		return 0
	fi
	echo "no correct result in $svc_out"
	return 1
}

svc_finish() {
	wait_inactive cg-python.service 20
}
