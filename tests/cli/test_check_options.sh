# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups check and the hardening options: for every option, a profile
# of tests/progs/optprobe making the call the option refuses (recorded by
# `trace --backend=ptrace`, which keeps the argument evidence): check says
# the unit with the option on refuses it (the call, the fact, the errno of
# that systemd version, the process, the fix, exit 1), and the unit with
# the relaxed value does not (exit 0); and what `run` with the same lines
# does agrees. Without a profile: the effective values as each version
# merges the lines, the rows, the pitfalls.
. "$(dirname "$0")/lib.sh"

P="$PROGS/optprobe"
unit() { # NAME LINE...: a unit file with these [Service] lines
	local f="$TMP/$1.service"; shift
	{ printf '[Service]\nExecStart=/bin/true\n'; printf '%s\n' "$@"; } >"$f"
	echo "$f"
}

# PROBE | ON | RELAXED | errno on 247 252 257 ("-": not refused)
while IFS='|' read -r probe on relaxed e247 e252 e257; do
	[ -n "$probe" ] || continue
	prof="$TMP/prof-${probe// /-}.txt"
	# shellcheck disable=SC2086
	"$CALLGROUPS" trace --backend=ptrace -o "$prof" -- "$P" $probe >/dev/null 2>&1
	on_unit=$(unit "on-${probe// /-}" "$on")
	relaxed_unit=$(unit "relaxed-${probe// /-}" "$on" "$relaxed")
	for v in 247 252 257; do
		case $v in 247) want=$e247 ;; 252) want=$e252 ;; 257) want=$e257 ;; esac
		if [ "$want" = - ]; then
			check_status "$v: '$on' lets '$probe' through" 0 \
				"$CALLGROUPS" check --no-analyze --systemd=$v "$on_unit" "$prof"
		else
			check_status "$v: '$on' refuses '$probe'" 1 \
				"$CALLGROUPS" check --no-analyze --systemd=$v "$on_unit" "$prof"
			check_grep "... fails with $want, named with the option and process" \
				"fails with $want +${on%%=*} +first pid [0-9]+ \\(optprobe\\)" "$TMP/out"
			# run with the same line: the same errno
			line=${on#*=}
			# shellcheck disable=SC2086
			"$CALLGROUPS" run --systemd=$v "--${on%%=*}=$line" -- "$P" $probe >"$TMP/run.out" 2>/dev/null
			check_eq "... and run agrees" "$(sed 's/^[^:]*: //' "$TMP/run.out")" "$want"
		fi
		check_status "$v: '$relaxed' after it lets '$probe' through" 0 \
			"$CALLGROUPS" check --no-analyze --systemd=$v "$relaxed_unit" "$prof"
	done
done <<'TABLE'
socket inet|RestrictAddressFamilies=AF_UNIX|RestrictAddressFamilies=AF_INET|EAFNOSUPPORT|EAFNOSUPPORT|EAFNOSUPPORT
socket netlink|RestrictAddressFamilies=~AF_NETLINK AF_PACKET|RestrictAddressFamilies=AF_NETLINK|EAFNOSUPPORT|EAFNOSUPPORT|EAFNOSUPPORT
unshare user|RestrictNamespaces=yes|RestrictNamespaces=user|EPERM|EPERM|EPERM
unshare net|RestrictNamespaces=~net|RestrictNamespaces=net|EPERM|EPERM|EPERM
wx|MemoryDenyWriteExecute=yes|MemoryDenyWriteExecute=no|EPERM|EPERM|EACCES
mprotect-exec|MemoryDenyWriteExecute=yes|MemoryDenyWriteExecute=no|EPERM|EPERM|EACCES
personality|LockPersonality=yes|LockPersonality=no|EPERM|EPERM|EPERM
realtime|RestrictRealtime=yes|RestrictRealtime=no|EPERM|EPERM|EPERM
suid|RestrictSUIDSGID=yes|RestrictSUIDSGID=no|EPERM|EPERM|EPERM
clock|ProtectClock=yes|ProtectClock=no|EPERM|EPERM|EPERM
hostname|ProtectHostname=yes|ProtectHostname=no|EPERM|EPERM|EPERM
syslog|ProtectKernelLogs=yes|ProtectKernelLogs=no|EPERM|EPERM|EPERM
TABLE

# clone3 from 252 on: ENOSYS, harmless when clone() would pass.
prof="$TMP/prof-clone3.txt"
"$CALLGROUPS" trace --backend=ptrace -o "$prof" -- "$P" clone3 >/dev/null 2>&1
u=$(unit clone3 RestrictNamespaces=yes)
check_status "252: clone3 under RestrictNamespaces=yes is no break" 0 \
	"$CALLGROUPS" check --no-analyze --systemd=252 "$u" "$prof"
check_grep "... but named, with ENOSYS and the fallback" \
	'clone3 .*fails with ENOSYS .*falls back to clone' "$TMP/out"
check_status "247 leaves clone3 alone" 0 "$CALLGROUPS" check --no-analyze --systemd=247 "$u" "$prof"
check_no_grep "... not named" 'clone3 .*fails with' "$TMP/out"

# ---- versions at once -------------------------------------------------------
u=$(unit wx MemoryDenyWriteExecute=yes)
check_status "--systemd=247,252,257: the W+X mapping breaks on each" 1 \
	"$CALLGROUPS" check --no-analyze --systemd=252,247,257 "$u" "$TMP/prof-wx.txt"
check_grep "247: EPERM" '^  247: BREAKS, refuses mmap\(.*\) \(EPERM, MemoryDenyWriteExecute=\)' "$TMP/out"
check_grep "257: EACCES (PR_SET_MDWE)" '^  257: BREAKS, refuses mmap\(.*\) \(EACCES, MemoryDenyWriteExecute=\)' "$TMP/out"

# ---- the fix ------------------------------------------------------------------
"$CALLGROUPS" trace --backend=ptrace -o "$TMP/all.txt" -- sh -c \
	"'$P' socket inet; '$P' unshare user; '$P' wx; '$P' suid '$TMP'" >/dev/null 2>&1
u=$(unit all RestrictAddressFamilies=AF_UNIX RestrictNamespaces=yes MemoryDenyWriteExecute=yes \
	RestrictSUIDSGID=yes)
check_status "four options, four refusals" 1 "$CALLGROUPS" check --no-analyze --systemd=252 "$u" "$TMP/all.txt"
check_grep "... the fix is checked" 'checked: with these lines no observed call is refused' "$TMP/out"
sed -n '/^Fix (options/,/^(checked/p' "$TMP/out" | grep '=' >"$TMP/fix.conf"
check_eq "... and is the smallest per option" "$(cat "$TMP/fix.conf")" "$(printf '%s\n' \
	RestrictAddressFamilies=AF_INET MemoryDenyWriteExecute=no RestrictSUIDSGID=no RestrictNamespaces=user)"
mkdir -p "$TMP/all.service.d"
{ echo '[Service]'; cat "$TMP/fix.conf"; } >"$TMP/all.service.d/fix.conf"
check_status "with the fix as a drop-in nothing is refused" 0 \
	"$CALLGROUPS" check --no-analyze --systemd=252 "$u" "$TMP/all.txt"
check_status "JSON carries the refusals" 1 \
	"$CALLGROUPS" check --no-analyze --json --systemd=252 "$(unit j RestrictAddressFamilies=AF_UNIX)" "$TMP/all.txt"
check_grep "... socket AF_INET EAFNOSUPPORT" '"fact":"AF_INET","value":2,"errno":"EAFNOSUPPORT"' <(tr -d ' \n' <"$TMP/out")

# ---- a profile without arguments: not known, never guessed ---------------
printf 'socket\nadjtimex\n' >"$TMP/list.txt"
u=$(unit list RestrictAddressFamilies=AF_UNIX ProtectClock=yes)
check_status "a list of names: ProtectClock= still refuses adjtimex" 1 \
	"$CALLGROUPS" check --no-analyze --systemd=252 "$u" "$TMP/list.txt"
check_grep "... refused by name" 'adjtimex .*fails with EPERM +ProtectClock' "$TMP/out"
check_grep "... the families are not known from it" \
	'RestrictAddressFamilies=: not known from this input' "$TMP/out"

# ---- without a profile: the merge, rows, pitfalls --------------------------
u=$(unit merge 'RestrictAddressFamilies=none' 'RestrictAddressFamilies=~AF_PACKET' \
	'RestrictNamespaces=user net' 'RestrictNamespaces=~net' 'LockPersonality=maybe')
check_status "no profile: exit 0" 0 "$CALLGROUPS" check --no-analyze --systemd=252 "$u"
check_grep "252: none then ~AF_PACKET starts a deny-list" '^  RestrictAddressFamilies=~AF_PACKET ' "$TMP/out"
check_grep "a ~ line after a list takes a kind out" '^  RestrictNamespaces=user ' "$TMP/out"
check_grep "a bad boolean is ignored, as systemd does" 'ignored by systemd: .*LockPersonality=maybe' "$TMP/out"
check_grep "the socketcall() pitfall" 'does nothing to x86 \(32-bit\) programs' "$TMP/out"
check_grep "the rows" 'BAD  RestrictAddressFamilies=~AF_\(INET\|INET6\) +1500' "$TMP/out"
"$CALLGROUPS" check --no-analyze --systemd=247 "$u" >"$TMP/out" 2>&1
check_grep "247: none is an unknown family, the allow-list stays" '^  RestrictAddressFamilies=none ' "$TMP/out"
u=$(unit mdwe MemoryDenyWriteExecute=yes SystemCallArchitectures=native)
"$CALLGROUPS" check --no-analyze --systemd=252 "$u" >"$TMP/out" 2>&1
check_grep "MemoryDenyWriteExecute= warns about JITs" 'JIT' "$TMP/out"

done_testing
