# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups run with the hardening options: for every option a call of
# tests/progs/optprobe that needs it relaxed fails under the option with the
# errno systemd's filter (or, on 257, the kernel's PR_SET_MDWE) gives, and
# works with the relaxed value; --complain names the fact, the process and
# the option, and the line that lets it through.
. "$(dirname "$0")/lib.sh"

P="$PROGS/optprobe"
run() { "$CALLGROUPS" run "$@"; }

# OPTION-ON RELAXED PROBE... : the errno per version (247 252 257)
while IFS='|' read -r on relaxed probe e247 e252 e257; do
	[ -n "$on" ] || continue
	name=${probe%% *}
	# shellcheck disable=SC2086
	"$P" $probe >"$TMP/native" 2>&1
	if [ "$(cat "$TMP/native")" = "$(head -1 "$TMP/native" | sed 's/: .*//'): ok" ] ||
		[ "$probe" = sysctl ]; then native=1; else native=; fi
	for v in 247 252 257; do
		case $v in 247) want=$e247 ;; 252) want=$e252 ;; 257) want=$e257 ;; esac
		# shellcheck disable=SC2086
		run --systemd=$v $on -- "$P" $probe >"$TMP/out" 2>"$TMP/err"
		check_eq "$v: $on refuses '$probe' with $want" "$(sed 's/^[^:]*: //' "$TMP/out")" "$want"
		begin_skip "$([ -n "$native" ] || echo "'$probe' fails here without any option: $(cat "$TMP/native")")"
		# shellcheck disable=SC2086
		run --systemd=$v $relaxed -- "$P" $probe >"$TMP/out" 2>"$TMP/err"
		if [ "$probe" = sysctl ]; then relaxed_want=$(sed 's/^[^:]*: //' "$TMP/native"); else relaxed_want=ok; fi
		check_eq "$v: $relaxed lets '$probe' through" "$(sed 's/^[^:]*: //' "$TMP/out")" "$relaxed_want"
		end_skip
	done
done <<'TABLE'
--restrict-address-families=AF_UNIX|--restrict-address-families=AF_INET|socket inet|EAFNOSUPPORT|EAFNOSUPPORT|EAFNOSUPPORT
--restrict-address-families=~AF_NETLINK|--restrict-address-families=~AF_PACKET|socket netlink|EAFNOSUPPORT|EAFNOSUPPORT|EAFNOSUPPORT
--restrict-address-families=none|--restrict-address-families=AF_INET6|socket inet6|EAFNOSUPPORT|EAFNOSUPPORT|EAFNOSUPPORT
--restrict-namespaces=yes|--restrict-namespaces=user|unshare user|EPERM|EPERM|EPERM
--restrict-namespaces=~net|--restrict-namespaces=~user|unshare net|EPERM|EPERM|EPERM
--restrict-namespaces=yes|--restrict-namespaces=no|clone3|ok|ENOSYS|ENOSYS
--memory-deny-write-execute|--memory-deny-write-execute=no|wx|EPERM|EPERM|EACCES
--memory-deny-write-execute=yes|--memory-deny-write-execute=false|mprotect-exec|EPERM|EPERM|EACCES
--lock-personality|--lock-personality=no|personality|EPERM|EPERM|EPERM
--restrict-realtime|--restrict-realtime=no|realtime|EPERM|EPERM|EPERM
--restrict-suidsgid|--restrict-suidsgid=no|suid|EPERM|EPERM|EPERM
--ProtectClock=yes|--ProtectClock=no|clock|EPERM|EPERM|EPERM
--protect-hostname|--protect-hostname=no|hostname|EPERM|EPERM|EPERM
--protect-kernel-logs|--protect-kernel-logs=no|syslog|EPERM|EPERM|EPERM
--protect-kernel-tunables|--protect-kernel-tunables=no|sysctl|EPERM|EPERM|EPERM
TABLE

# ---- --unit: the options from a unit file and its drop-in ------------------
mkdir -p "$TMP/u.service.d"
printf '[Service]\nExecStart=/bin/true\nRestrictAddressFamilies=AF_UNIX\nRestrictNamespaces=yes\n' >"$TMP/u.service"
printf '[Service]\nRestrictAddressFamilies=AF_INET\n' >"$TMP/u.service.d/net.conf"
check_status "--unit: the drop-in adds AF_INET to the allow-list" 0 \
	run --systemd=252 --unit "$TMP/u.service" -- "$P" socket inet
check_status "--unit: AF_INET6 is still refused" 1 \
	run --systemd=252 --unit "$TMP/u.service" -- "$P" socket inet6
check_eq "... with EAFNOSUPPORT" "$(cat "$TMP/out")" "socket: EAFNOSUPPORT"
check_grep "... and the failure points at --complain" 'run again with --complain' "$TMP/err"

# ---- --complain ------------------------------------------------------------
check_status "--complain refuses nothing" 0 \
	run --systemd=252 --restrict-address-families=AF_UNIX --restrict-namespaces=yes \
	--memory-deny-write-execute --restrict-suidsgid --complain \
	-- sh -c "'$P' socket inet && '$P' unshare user && '$P' wx && '$P' suid '$TMP'"
check_eq "... every call worked" "$(cut -d' ' -f2 "$TMP/out" | sort -u)" "ok"
check_grep "socket(AF_INET) named with its errno, option and process" \
	'socket +AF_INET +EAFNOSUPPORT +RestrictAddressFamilies= +[0-9]+ \(optprobe\)' "$TMP/err"
check_grep "unshare(user)" 'unshare +user +EPERM +RestrictNamespaces=' "$TMP/err"
check_grep "the W+X mapping" 'mmap +PROT_WRITE\|PROT_EXEC +EPERM +MemoryDenyWriteExecute=' "$TMP/err"
check_grep "chmod u+s" 'chmod +04000 +EPERM +RestrictSUIDSGID=' "$TMP/err"
for line in RestrictAddressFamilies=AF_INET RestrictNamespaces=user MemoryDenyWriteExecute=no \
	RestrictSUIDSGID=no; do
	check_grep "the fix has $line" "^$line\$" "$TMP/err"
done
check_status "the fix lines let every call through" 0 \
	run --systemd=252 --restrict-address-families=AF_UNIX --restrict-namespaces=yes \
	--memory-deny-write-execute --restrict-suidsgid \
	$(sed -n 's/^\(RestrictAddressFamilies\|RestrictNamespaces\|MemoryDenyWriteExecute\|RestrictSUIDSGID\)=\(.*\)$/--\1=\2/p' "$TMP/err") \
	-- sh -c "'$P' socket inet && '$P' unshare user && '$P' wx && '$P' suid '$TMP'"

# Calls the filter allows are still judged by their arguments.
check_status "--complain beside an allow-list" 0 \
	run --systemd=252 --filter @system-service --restrict-address-families=AF_UNIX --complain \
	--json --report="$TMP/r.json" -- "$P" socket inet
check_grep "JSON: refused socket AF_INET" '"fact":"AF_INET"' <(tr -d ' \n' <"$TMP/r.json")
check_grep "JSON: the fix" '"option_fix":\["RestrictAddressFamilies=AF_INET"\]' <(tr -d ' \n' <"$TMP/r.json")
check_status "a socket the option allows is not reported" 0 \
	run --systemd=252 --restrict-address-families=AF_UNIX --complain -- "$P" socket unix
check_no_grep "... nothing refused" 'hardening options would have refused' "$TMP/err"

# ---- bad values ------------------------------------------------------------
check_status "a value systemd ignores is a warning" 0 \
	run --systemd=252 --lock-personality=maybe -- "$P" personality
check_grep "... naming it" 'LockPersonality=maybe: not a boolean' "$TMP/err"
check_status "none is unknown to 247: warned" 1 \
	run --systemd=247 --restrict-address-families=none -- "$P" socket unix
check_grep "... as such" 'none is not known to systemd 247' "$TMP/err"

# ---- explain-crash: errno refusals leave no record ---------------------------
printf 'nothing here\n' >"$TMP/empty.log"
check_status "explain-crash without a record" 1 "$CALLGROUPS" explain-crash "$TMP/empty.log"
check_grep "... says how to find an errno refusal" 'callgroups run --unit UNIT --complain -- CMD' "$TMP/out"
check_grep "... and strace" 'strace -f -e trace=socket' "$TMP/out"

done_testing
