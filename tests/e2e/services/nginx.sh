# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2034 # sourced: the variables are read by inside.sh and run.sh
# nginx from the Debian package, with Debian's own configuration: the master
# runs as root, binds port 80 and drops its workers to www-data (setuid,
# setgroups, chown: see DESIGN.md). The job: answer an HTTP request from
# curl in the same container. Stopped gracefully with `nginx -s quit`, so a
# tracer wrapped around it sees every process end.
svc_desc="nginx serving HTTP to curl"
svc_exe=/usr/sbin/nginx
svc_take=@network-io
# Calls the trace must have seen: setuid and setgroups are made by the
# workers as they drop to www-data, so they show that forks were followed.
svc_expect_calls="socket bind listen setuid setgroups accept4"
# chown: only the very first start, when the master creates its temporary
# directories (the trace phase comes first on a fresh root).
svc_first_start_calls="chown"
svc_eperm=fails    # with SystemCallErrorNumber=EPERM instead of SIGSYS
# The common hardening pattern @system-service + ~@privileged @resources
# breaks it: the workers die at setgroups() as they drop to www-data (the
# master lives on and forks new ones), so nothing answers.
svc_naive=killed
# Debian 13's packaged nginx.conf sets `worker_cpu_affinity auto`, so the
# workers of nginx on trixie call sched_setaffinity (@resources), which
# nginx on bullseye and bookworm never makes: no trace there sees it. The
# recommended @system-service-based lines keep @resources (suggest allows
# the risky groups @system-service holds whole), so every cell of the
# cross-version matrix runs; bullseye's tight alternative leaves @resources
# out and is killed there (run.sh's margin row names the call).

svc_unit() { # PREFIX
	cat <<UNIT
[Unit]
Description=callgroups e2e: nginx

[Service]
Type=simple
ExecStart=$1/usr/sbin/nginx -g 'daemon off; master_process on;'
TimeoutStopSec=20
UNIT
}

svc_prepare() {
	rm -f /run/nginx.pid
}

# Whether workers keep dying: the master forks new ones as fast as they die
# (no point in waiting for an answer then). Counts the processes the unit's
# cgroup has had since the start: a master and one worker per CPU, as
# Debian's worker_processes auto says, and then some.
seen_pids=" "
workers_dying() {
	local cg p
	cg=$(systemctl show -p ControlGroup --value cg-nginx.service)
	while read -r p; do
		[[ $seen_pids == *" $p "* ]] || seen_pids="$seen_pids$p "
	done 2>/dev/null <"/sys/fs/cgroup$cg/cgroup.procs"
	[ "$(wc -w <<<"$seen_pids")" -gt $((2 * ($(nproc) + 1) + 8)) ]
}

svc_exercise() { # prints what happened; returns 0 when the job was done
	systemctl start cg-nginx.service || { echo "start failed"; return 1; }
	local body i
	seen_pids=" "
	for i in $(seq 50); do
		if body=$(curl -sS -m 1 http://127.0.0.1/ 2>/dev/null) && [[ $body == *"Welcome to nginx"* ]]; then
			echo "HTTP answer received (try $i)"
			return 0
		fi
		systemctl -q is-failed cg-nginx.service && break
		for _ in 1 2 3 4 5; do
			if workers_dying; then
				echo "no HTTP answer, workers keep dying: $(wc -w <<<"$seen_pids") processes so far"
				return 1
			fi
			sleep 0.05
		done
		systemctl -q is-active cg-nginx.service || [ "$i" -lt 5 ] || break
		sleep 0.2
	done
	echo "no HTTP answer"
	return 1
}

svc_finish() { # stops the service the way an admin would
	if systemctl -q is-active cg-nginx.service; then
		/usr/sbin/nginx -s quit 2>/dev/null || systemctl stop cg-nginx.service
	fi
	wait_inactive cg-nginx.service 20
}
