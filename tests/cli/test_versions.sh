#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One set of lines for several systemd versions, the report of where the
# lines would break, and the upgrade margin (data/families.txt).
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS
IN="$TOP_SRCDIR/data/demo/backup-job-strace-f-c.txt"

# Lines of a recommendation ("recommended", "tight" or "deny_list") in JSON.
lines() { jq -r ".$1.SystemCallFilter[]" "$2"; }
# Every observed call passes LINES under systemd VERSION, by `check`.
passes_on() { # JSON REC VERSION
	local args=() l
	while IFS= read -r l; do args+=(--filter "$l"); done < <(lines "$2" "$1")
	$CG check --systemd="$3" "${args[@]}" "$IN" >/dev/null 2>&1
}

# Aimed at 257 alone: the tight cover leans on 257's @default, and the
# report says it would break on 247 (DESIGN.md: mprotect, getrandom).
check "suggest --systemd=257 exits 0" $CG suggest --format=json --systemd=257 "$IN"
cp "$TMP/out" "$TMP/257.json"
check_eq "aimed at 257: the tight list would break on 247" \
	"$(jq -r '.tight.versions[] | select(.systemd == "247") | .would_deny | join(" ")' "$TMP/257.json")" \
	"getrandom mprotect"
check_eq "... 257 is the target and loses nothing" \
	"$(jq -r '.tight.versions[0] | "\(.systemd) \(.target) \(.would_deny | length)"' "$TMP/257.json")" \
	"257 true 0"
if passes_on "$TMP/257.json" tight 247; then not_ok "... and check --systemd=247 agrees"
else ok "... and check --systemd=247 agrees"; fi
$CG suggest --systemd=257 "$IN" >"$TMP/257.txt"
check_grep "the text report says so" '# would break on systemd 247, denying: getrandom mprotect' "$TMP/257.txt"

# Aimed at 247, 252 and 257 at once: one set of lines that every version
# accepts, checked by `check` under each.
check "suggest --systemd=247,252,257 exits 0" $CG suggest --format=json --systemd=247,252,257 "$IN"
cp "$TMP/out" "$TMP/multi.json"
check_eq "the newest listed builds the lines" "$(jq -r .systemd "$TMP/multi.json")" 257
for rec in recommended tight deny_list; do
	for v in 247 252 257; do
		if passes_on "$TMP/multi.json" "$rec" "$v"; then ok "$rec works on $v"
		else not_ok "$rec works on $v"; fi
	done
	check_eq "$rec: every target loses nothing" \
		"$(jq -r "[.$rec.versions[] | select(.target) | .would_deny | length] | add" "$TMP/multi.json")" 0
done
check_eq "the tight list names what 247's @default lacks" \
	"$(jq -r '.tight.named_for_versions | join(" ")' "$TMP/multi.json")" "getrandom mprotect"
check "all: every shipped version" $CG suggest --format=json --systemd=all "$IN"
check_eq "... targets every shipped version" \
	"$(jq -r '[.recommended.versions[] | select(.target)] | length' "$TMP/out")" \
	"$(jq -r '.recommended.versions | length' "$TMP/out")"
check_status "a bad version in the list is a usage error" 2 $CG suggest --systemd=247,999 "$IN"

# Upgrade margin: fchownat is named alone (re-added after ~@privileged), so
# its relatives come along; --no-margin leaves them out.
$CG suggest --format=json --systemd=252 "$IN" >"$TMP/m.json"
check_eq "margin: fchownat brings chown fchown lchown" \
	"$(jq -r '.recommended.upgrade_margin | join(" ")' "$TMP/m.json")" "chown fchown lchown"
check_grep "... on a line of their own" '^chown fchown lchown$' <(lines recommended "$TMP/m.json")
$CG suggest --format=json --systemd=252 --no-margin "$IN" >"$TMP/n.json"
check_eq "--no-margin: none" "$(jq -r '.recommended.upgrade_margin | length' "$TMP/n.json")" 0
check_no_grep "... and no such line" '^chown fchown lchown$' <(lines recommended "$TMP/n.json")
$CG suggest --systemd=252 "$IN" >"$TMP/m.txt"
check_grep "the text report names the margin" '# upgrade margin \(relatives of calls named above\): chown fchown lchown' "$TMP/m.txt"
$CG suggest --format=dropin --systemd=252 "$IN" >"$TMP/m.conf"
check_grep "the drop-in says so too" '^# Upgrade margin' "$TMP/m.conf"
# The same through trace.
check "trace --systemd=247,257 --no-margin runs" \
	$CG trace --backend=ptrace --format=json --systemd=247,257 --no-margin -o /dev/null \
	--report="$TMP/t.json" -- true
check_eq "... and aims at both" \
	"$(jq -r '[.recommended.versions[] | select(.target) | .systemd] | sort | join(" ")' "$TMP/t.json")" "247 257"

done_testing
