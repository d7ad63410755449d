# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2034 # sourced: the variables are read by inside.sh and run.sh
# sqlite3 from the Debian package, run as root by a oneshot unit: one
# transaction that creates a table and inserts a row (a rollback journal is
# written, and as root sqlite fchown()s it: see DESIGN.md). The job is done
# when the row is in the database afterwards.
svc_desc="sqlite3 writing a database"
svc_exe=/usr/bin/sqlite3
svc_take=@chown
# Calls the trace must have seen (fchown: the journal, as root).
svc_expect_calls="openat fchown pwrite64 fdatasync unlink"
svc_eperm=works    # sqlite3 carries on when fchown() fails
# The common hardening pattern @system-service + ~@privileged @resources
# kills it: fchown() is in @privileged.
svc_naive=killed
svc_db=/var/lib/cg-e2e-sqlite/app.db
svc_sql="BEGIN; CREATE TABLE IF NOT EXISTS visits(id INTEGER PRIMARY KEY, who TEXT, at TEXT); INSERT INTO visits(who, at) VALUES('e2e', datetime('now')); COMMIT; SELECT count(*) FROM visits;"
# The command alone, for `callgroups run` to run under the unit's settings.
svc_cmd=(/usr/bin/sqlite3 "$svc_db" "$svc_sql")

svc_unit() {
	cat <<UNIT
[Unit]
Description=callgroups e2e: sqlite3

[Service]
Type=oneshot
StateDirectory=cg-e2e-sqlite
ExecStart=$1/usr/bin/sqlite3 $svc_db "$svc_sql"
UNIT
}

count_rows() {
	[ -e "$svc_db" ] || { echo 0; return; }
	sqlite3 "$svc_db" "SELECT count(*) FROM visits WHERE who='e2e';" 2>/dev/null || echo 0
}

svc_prepare() {
	before=$(count_rows)
}

svc_exercise() {
	systemctl start cg-sqlite.service || { echo "unit failed"; return 1; }
	local after
	after=$(count_rows)
	if [ "$after" -eq $((before + 1)) ]; then
		echo "row written ($before -> $after rows)"
		return 0
	fi
	echo "database not written ($before -> $after rows)"
	return 1
}

svc_finish() {
	wait_inactive cg-sqlite.service 20
}
