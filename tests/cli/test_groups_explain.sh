#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups groups and explain.
. "$(dirname "$0")/lib.sh"
CG=$CALLGROUPS

# groups prints the shipped table exactly as systemd-analyze syscall-filter
# printed it (data/v252.txt is that output).
check "groups --systemd=252" $CG groups --systemd=252
if diff -q <(grep -v '^#' "$TOP_SRCDIR/data/v252.txt" | sed '/^$/d') <(sed '/^$/d' "$TMP/out") >/dev/null; then
	ok "groups --systemd=252 reproduces systemd-analyze syscall-filter"
else
	not_ok "groups --systemd=252 reproduces systemd-analyze syscall-filter"
	diff <(grep -v '^#' "$TOP_SRCDIR/data/v252.txt" | sed '/^$/d') <(sed '/^$/d' "$TMP/out") | head -10 | sed 's/^/# /'
fi
check "groups @chown" $CG groups --systemd=257 @chown
check_eq "@chown members" "$(grep -c '^    [a-z]' "$TMP/out")" 7
check_status "unknown group: exit 2" 2 $CG groups @nope
check_grep "unknown group: named" '@nope' "$TMP/err"
check "groups --json" $CG groups --json --systemd=254 @sandbox
check_eq "json expands members" "$(jq -r '.[0].expanded | join(" ")' "$TMP/out")" \
	"$(jq -r '.[0].members | sort | join(" ")' "$TMP/out")"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze syscall-filter >"$TMP/local.txt" 2>/dev/null
	check "groups --systemd=FILE reads a saved output" $CG groups --systemd="$TMP/local.txt" @basic-io
	check_grep "saved output: read is in @basic-io" '^    read$' "$TMP/out"
else
	skip "systemd-analyze not installed"
fi
check_status "groups --systemd=garbage file: exit 2" 2 $CG groups --systemd=/etc/hostname

# explain: the 247 -> 252 @default change and the chown overlap.
check "explain mprotect chown" $CG explain --json mprotect chown
check_eq "mprotect not in @default of 247" \
	"$(jq -r '.[0].versions[] | select(.systemd == "247") | .in_default' "$TMP/out")" false
check_eq "mprotect in @default of 252" \
	"$(jq -r '[.[0].versions[] | select(.systemd == "252") | .in_default] | first' "$TMP/out")" true
check_eq "chown in @chown and @privileged" \
	"$(jq -r '[.[1].versions[0].groups[] | select(. == "@chown" or . == "@privileged")] | join(" ")' "$TMP/out")" \
	"@chown @privileged"
check_eq "chown's x86-64 number" "$(jq -r '.[1].numbers["x86-64"]' "$TMP/out")" 92
check "explain umount2 fchown" $CG explain --json umount2 fchown
check_eq "groups holding umount2 on 257: @mount, @known left out" \
	"$(jq -r '.[0].versions[] | select(.systemd == "257") | .groups | join(" ")' "$TMP/out")" "@mount"
check_eq "groups holding fchown on 257, in table order" \
	"$(jq -r '.[1].versions[] | select(.systemd == "257") | .groups | join(" ")' "$TMP/out")" \
	"@chown @privileged @system-service"
check "explain text" $CG explain open_tree
check_grep "open_tree moved to @file-system in 262" 'systemd 262.*@file-system' "$TMP/out"
check_grep "open_tree in @mount in 257" 'systemd 257.*@mount' "$TMP/out"
check_status "explain a group: exit 2" 2 $CG explain @basic-io
check_status "explain nothing: exit 2" 2 $CG explain
check_status "top-level unknown command: exit 2" 2 $CG frobnicate
check "--version" $CG --version
check "--help" $CG --help
done_testing
