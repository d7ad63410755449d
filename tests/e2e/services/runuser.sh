# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2034 # sourced: the variables are read by inside.sh and run.sh
# runuser from util-linux (in every root), run as root by a oneshot unit, the
# way units drop to another user for one command: it opens a PAM session
# (Debian's /etc/pam.d/runuser: pam_keyinit, pam_limits, pam_unix), drops
# to nobody (setgroups, setgid, setuid) and runs `id -un`. The job is done
# when the unit's output says "nobody".
#
# The container's own seccomp filter: pam_keyinit's keyctl (it asks for the
# session keyring) is refused by systemd-nspawn's filter with EPERM (nspawn
# does not allow @keyring), so a tracer built on SECCOMP_RET_TRACE never
# stops on it; both backends must still count it, and the recommendation
# must allow it (the unit's filter would kill at it: kill outranks errno).
# Found without adding a package: openssh-server's sshd (the issue's
# example) would mean rebuilding every cached root; runuser is in all.
svc_desc="runuser dropping to nobody through PAM (pam_keyinit)"
svc_exe=/usr/sbin/runuser
svc_take=@setuid
# Calls the trace must have seen: keyctl (refused by nspawn's filter, still
# counted), the privilege drop, and the exec of id.
svc_expect_calls="keyctl setgroups setuid execve"
# Calls the container's own filter refuses: the table's "# refused by an
# inherited seccomp filter: ..." line of both backends must name them.
# Besides keyctl, nspawn answers socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)
# with EAFNOSUPPORT (runuser and pam_unix log to the audit subsystem).
svc_refused_calls="keyctl socket"
svc_eperm=fails    # runuser: "cannot set groups: Operation not permitted"
# The common pattern @system-service + ~@privileged @resources kills it at
# setgroups (in @privileged), as it does nginx's workers.
svc_naive=killed
svc_out=/run/cg-e2e-runuser.out
# The job's output alone goes to the file (the tracer's notes go to the
# journal). The command alone, for `callgroups run` to run under the
# unit's settings.
svc_cmd=(/usr/sbin/runuser -u nobody -- /usr/bin/id -un)

svc_unit() {
	cat <<UNIT
[Unit]
Description=callgroups e2e: runuser

[Service]
Type=oneshot
StandardOutput=file:$svc_out
StandardError=journal
ExecStart=$1/usr/sbin/runuser -u nobody -- /usr/bin/id -un
UNIT
}

svc_prepare() {
	rm -f "$svc_out"
}

svc_exercise() {
	systemctl start cg-runuser.service || { echo "unit failed"; return 1; }
	if [ "$(cat "$svc_out" 2>/dev/null)" = nobody ]; then
		echo "ran id as nobody"
		return 0
	fi
	echo "no 'nobody' in $svc_out: $(head -c 100 "$svc_out" 2>/dev/null)"
	return 1
}

svc_finish() {
	wait_inactive cg-runuser.service 20
}
