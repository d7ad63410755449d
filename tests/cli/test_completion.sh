#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shell completion: drives bash's completion function for real (COMP_WORDS,
# COMP_CWORD, COMP_LINE and COMP_POINT as bash sets them, then COMPREPLY)
# and compares what it offers with what the binary under test says: its
# commands and options (--help), the values it takes (its error messages),
# its systemd versions, groups and call names. The zsh completion is parsed
# and, with zsh's zpty module, driven the same way for a few lines.
. "$(dirname "$0")/lib.sh"
COMPLETION="$TOP_SRCDIR/completion"

# The binary under test is the `callgroups` on PATH; a fake systemctl
# lists known unit files.
mkdir -p "$TMP/bin"
if [ "$(basename "$CALLGROUPS")" = callgroups ]; then
	PATH="$(cd "$(dirname "$CALLGROUPS")" && pwd):$PATH"
else
	ln -s "$(cd "$(dirname "$CALLGROUPS")" && pwd)/$(basename "$CALLGROUPS")" "$TMP/bin/callgroups"
fi
cat >"$TMP/bin/systemctl" <<'EOF'
#!/bin/sh
[ "$1" = list-unit-files ] || exit 1
printf '%s\n' 'cgtest-web.service                 enabled   enabled' \
	'cgtest-getty@.service              enabled   enabled' 'cgtest.socket  static -'
EOF
chmod +x "$TMP/bin/systemctl"
PATH="$TMP/bin:$PATH"
export PATH

# shellcheck source=../../completion/callgroups.bash
. "$COMPLETION/callgroups.bash"
complete -p callgroups >/dev/null 2>&1 && ok "callgroups.bash registers a completion" ||
	not_ok "callgroups.bash registers a completion"

# words LINE: COMP_WORDS and COMP_CWORD as bash splits LINE (the cursor at
# its end): at blanks outside quotes, and around runs of the other
# COMP_WORDBREAKS characters ("--systemd=2" is --systemd = 2, "@ba" is @ ba).
words() {
	local line=$1 i c q='' w='' inbrk=0 brk=${COMP_WORDBREAKS//[[:space:]\"\']/}
	COMP_WORDS=()
	local started=0
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [ -n "$q" ]; then
			w+=$c
			[ "$c" = "$q" ] && q=
			continue
		fi
		if [[ $c == [[:blank:]] ]]; then
			((started)) && COMP_WORDS+=("$w")
			w='' started=0 inbrk=0
			continue
		fi
		if [[ -n $brk && $brk == *"$c"* ]]; then
			if ((started && !inbrk)); then COMP_WORDS+=("$w"); w=; fi
			inbrk=1
		elif ((inbrk)); then
			COMP_WORDS+=("$w"); w='' inbrk=0
		fi
		[[ $c == [\"\'] ]] && q=$c
		w+=$c started=1
	done
	COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
}
# comp LINE: what completing at the end of LINE offers, sorted, one line.
comp() {
	words "$1"
	COMP_LINE=$1 COMP_POINT=${#1}
	COMPREPLY=()
	_callgroups callgroups "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
sorted() { tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
# has WORD LIST: LIST (space separated) holds WORD.
has() { [[ " $2 " == *" $1 "* ]]; }

# The splitting above is bash's.
words "callgroups run --filter='@system-service ~@pr"
check_eq "words: a quoted value stays one word" "${COMP_WORDS[*]}" "callgroups run --filter = '@system-service ~@pr"
words "callgroups groups --systemd=2"
check_eq "words: --systemd=2 is three words" "${COMP_WORDS[*]}" "callgroups groups --systemd = 2"

# ---- commands and their options, as --help lists them --------------------
cmds=$("$CALLGROUPS" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' | sorted)
[ -n "$cmds" ] || not_ok "callgroups --help lists its commands"
check_eq "commands: callgroups <TAB>" "$(comp 'callgroups ')" "$cmds"
check_eq "commands: callgroups ex<TAB>" "$(comp 'callgroups ex')" "$(printf '%s\n' $cmds | grep '^ex' | sorted)"
check_eq "top-level options" "$(comp 'callgroups -')" "$(echo -h --help --version | sorted)"
for o in -h --help --version; do
	check "callgroups $o works" "$CALLGROUPS" "$o"
done

# help_opts CMD [long]: the options CMD --help lists; a long one that takes
# a value (--opt=ARG, --opt ARG) as --opt=. With long: the long ones only.
help_opts() {
	# option lines (indented at most 8: deeper ones continue a description)
	"$CALLGROUPS" "$1" --help | sed '/^Examples\{0,1\}:/,$d' | grep -E '^ {1,8}(-[a-zA-Z], +)?--[a-z]' |
		while IFS= read -r l; do
			l=${l#"${l%%[! ]*}"}
			if [[ $l =~ ^(-[a-zA-Z]),\ (.*)$ ]]; then
				[ "${2:-}" = long ] || echo "${BASH_REMATCH[1]}"
				l=${BASH_REMATCH[2]}
			fi
			[[ $l =~ ^(--[a-z][a-z0-9-]*)(=|\ [A-Z])? ]] && echo "${BASH_REMATCH[1]}${BASH_REMATCH[2]:+=}"
		done | sorted
}
for c in $cmds; do
	want=$(help_opts "$c")
	[ -n "$want" ] || not_ok "$c --help lists options"
	check_eq "options: callgroups $c -<TAB> = $c --help" "$(comp "callgroups $c -")" "$want"
	check_eq "options: callgroups $c --<TAB> = $c --help" "$(comp "callgroups $c --")" "$(help_opts "$c" long)"
	# and after an operand, or another option's value
	check_eq "options: callgroups $c --systemd=247 --<TAB>" "$(comp "callgroups $c --systemd=247 --")" "$(help_opts "$c" long)"
done

# ---- --systemd values: auto, the shipped versions, all where taken ---------
versions=$("$CALLGROUPS" groups --systemd=0 2>&1 | sed -n 's/.*shipped: \([0-9, ]*\).*/\1/p' | tr -d , | sorted)
[ -n "$versions" ] && ok "the binary names its shipped versions ($versions)" ||
	not_ok "the binary names its shipped versions"
for v in $versions; do
	check "shipped version $v is accepted" "$CALLGROUPS" groups --systemd="$v" @default
done
for c in $cmds; do
	# "all" where the --systemd paragraph of the help says so
	para=$("$CALLGROUPS" "$c" --help | awk '/^ +--systemd/ { on = 1; print; next }
		on && (/^$/ || (/^ +-/ && match($0, /^ +/) && RLENGTH <= 8)) { on = 0 } on')
	want="auto $versions"
	grep -qw all <<<"$para" && want+=" all"
	want=$(sorted <<<"$want")
	check_eq "values: callgroups $c --systemd=<TAB>" "$(comp "callgroups $c --systemd=")" "$want"
	check_eq "values: callgroups $c --systemd <TAB>" "$(comp "callgroups $c --systemd ")" "$want"
done
has all "$(comp 'callgroups check --systemd=')" && ok "check --systemd= offers all" || not_ok "check --systemd= offers all"
want=$(printf '%s\n' $versions | grep '^2' | sorted)
check_eq "values: --systemd=2<TAB> (= a word break)" "$(comp 'callgroups groups --systemd=2')" "$want"
check_eq "values: --systemd 2<TAB>" "$(comp 'callgroups groups --systemd 2')" "$want"
check_eq "values: suggest -o x --systemd 2<TAB>" "$(comp 'callgroups suggest -o x --systemd 2')" "$want"
want25=$(printf '%s\n' $versions | grep '^25' | sorted)
check_eq "values: --systemd=25<TAB>" "$(comp 'callgroups explain --systemd=25')" "$want25"
check_eq "values: check --systemd=247,25<TAB> completes the list" "$(comp 'callgroups check --systemd=247,25')" \
	"$(printf '247,%s\n' $want25 | sorted)"
# Without = in COMP_WORDBREAKS the word is --systemd=2, and so are the replies.
COMP_WORDBREAKS_SAVED=$COMP_WORDBREAKS
COMP_WORDBREAKS=${COMP_WORDBREAKS//=/}
check_eq "values: --systemd=2<TAB>, = not a word break" "$(comp 'callgroups groups --systemd=2')" \
	"$(printf -- '--systemd=%s\n' $want | sorted)"
COMP_WORDBREAKS=$COMP_WORDBREAKS_SAVED

# ---- other values: what the binary's "expected ..." errors list -------------
# expected CMD ARGS...: the values in CMD's complaint "expected a, b or c".
expected() {
	"$@" </dev/null 2>&1 >/dev/null | sed -n 's/.*: expected \(.*\)$/\1/p' | head -n 1 | sed 's/,/ /g; s/ or / /' | sorted
}
want=$(expected "$CALLGROUPS" suggest --format=x -)
[ -n "$want" ] || not_ok "suggest --format=x names the formats"
check_eq "values: suggest --format=<TAB>" "$(comp 'callgroups suggest --format=')" "$want"
check_eq "values: suggest --format <TAB>" "$(comp 'callgroups suggest --format ')" "$want"
check_eq "values: trace --format=<TAB>" "$(comp 'callgroups trace --format=')" "$(expected "$CALLGROUPS" trace --format=x -- true)"
check_eq "values: suggest --input-format=<TAB>" "$(comp 'callgroups suggest --input-format=')" \
	"$(expected "$CALLGROUPS" suggest --input-format=x -)"
want=$(expected "$CALLGROUPS" trace --backend=x -- true)
check_eq "values: trace --backend=<TAB> ($want)" "$(comp 'callgroups trace --backend=')" "$want"
check_eq "values: trace --backend <TAB>" "$(comp 'callgroups trace --backend ')" "$want"
check_eq "values: run --export=<TAB>" "$(comp 'callgroups run --export=')" "$(expected "$CALLGROUPS" run --export=x /dev/null)"
check_eq "values: run --architectures=<TAB>" "$(comp 'callgroups run --architectures=')" \
	"$(expected "$CALLGROUPS" run --architectures=x -- true)"
errnos=$(comp 'callgroups run --errno=')
has EPERM "$errnos" && has EACCES "$errnos" && has kill "$errnos" &&
	ok "values: run --errno=<TAB> offers errno names and kill" || not_ok "values: run --errno=<TAB> offers errno names and kill ($errnos)"
check_eq "values: check --errno=EPER<TAB>" "$(comp 'callgroups check --errno=EPER')" "EPERM"
# every name offered is one the binary takes (one deny-list line with each)
line="~chmod:$(echo $errnos | sed 's/ / chmod:/g')"
"$CALLGROUPS" check --no-analyze --filter="$line" >"$TMP/errnos" 2>&1
check_no_grep "values: the binary takes every errno name offered" 'expected an errno' "$TMP/errnos"

# ---- groups, system call names, units, files, commands ----------------------
groups=$("$CALLGROUPS" groups | grep '^@' | sorted)
check_eq "groups: callgroups groups <TAB>" "$(comp 'callgroups groups ')" "$groups"
check_eq "groups: callgroups groups @<TAB>" "$(comp 'callgroups groups @')" "$groups"
check_eq "groups: callgroups groups @basic<TAB>" "$(comp 'callgroups groups @basic')" "@basic-io"
check_eq "groups: of --systemd=247" "$(comp 'callgroups groups --systemd=247 ')" \
	"$("$CALLGROUPS" groups --systemd=247 | grep '^@' | sorted)"
sys=$(printf '%s\n' $groups | grep '^@sys' | sorted)
check_eq "groups: run --filter '@sys<TAB>" "$(comp "callgroups run --filter '@sys")" "$sys"
check_eq "groups: run --filter='@sys<TAB>" "$(comp "callgroups run --filter='@sys")" "$sys"
check_eq "groups: check --filter=@sys<TAB> (@ a word break)" "$(comp "callgroups check --filter=@sys")" "$sys"
check_eq "groups: run --filter ~@sys<TAB>" "$(comp "callgroups run --filter ~@sys")" "$sys"
check_eq "groups: run --filter '~@sys<TAB>" "$(comp "callgroups run --filter '~@sys")" "$(printf '~%s\n' $sys | sorted)"
check_eq "groups: the second item of a quoted --filter" "$(comp "callgroups run --filter '@system-service @basic")" \
	"@system-service @basic-io"
check_eq "groups: run --log @sys<TAB>" "$(comp "callgroups run --log @sys")" "$sys"
check_eq "names: run --filter '@system-service chm<TAB>" "$(comp "callgroups run --filter '@system-service chm")" \
	"@system-service chmod"
want=$("$CALLGROUPS" groups @known | sed -n 's/^ *\(chm[a-z0-9_]*\)$/\1/p' | sorted)
check_eq "names: callgroups explain chm<TAB>" "$(comp 'callgroups explain chm')" "$want"
check_eq "names: callgroups explain --json fchm<TAB>" "$(comp 'callgroups explain --json fchm')" \
	"$("$CALLGROUPS" groups @known | sed -n 's/^ *\(fchm[a-z0-9_]*\)$/\1/p' | sorted)"
check_eq "units: callgroups check cgtest<TAB> (systemctl list-unit-files)" "$(comp 'callgroups check cgtest')" \
	"cgtest-getty@.service cgtest-web.service cgtest.socket"
check_eq "units: check cgtest-getty@<TAB> (@ a word break)" "$(comp 'callgroups check cgtest-getty@')" "@.service"
check_eq "units: trace --unit cgtest-w<TAB>" "$(comp 'callgroups trace --unit cgtest-w')" "cgtest-web.service"
check_eq "harden: the steps" "$(comp 'callgroups harden ')" "$(echo apply reset start status watch | sorted)"
check_eq "harden: a unit after the step" "$(comp 'callgroups harden apply cgtest-w')" "cgtest-web.service"
check_eq "harden: --duration=<TAB>" "$(comp 'callgroups harden start x --duration=')" "$(echo 10min 1d 1h 30s | sorted)"
check_eq "units: explain-crash --unit=cgtest-w<TAB>" "$(comp 'callgroups explain-crash --unit=cgtest-w')" "cgtest-web.service"
mkdir -p "$TMP/files/sub"
: >"$TMP/files/trace.txt"
: >"$TMP/files/trace.log"
cd "$TMP/files" || exit 1
check_eq "units: and files after check" "$(comp 'callgroups check tr')" "trace.log trace.txt"
check_eq "files: callgroups suggest tr<TAB>" "$(comp 'callgroups suggest tr')" "trace.log trace.txt"
check_eq "files: callgroups suggest <TAB>" "$(comp 'callgroups suggest ')" "sub trace.log trace.txt"
check_eq "files: suggest -o <TAB>" "$(comp 'callgroups suggest -o ')" "sub trace.log trace.txt"
check_eq "files: suggest --output=trace.t<TAB>" "$(comp 'callgroups suggest --output=trace.t')" "trace.txt"
check_eq "files: check x.service tr<TAB> (profiles)" "$(comp 'callgroups check x.service tr')" "trace.log trace.txt"
check_eq "files: explain-crash <TAB>" "$(comp 'callgroups explain-crash tr')" "trace.log trace.txt"
check_eq "dirs: check --root=<TAB>" "$(comp 'callgroups check --root=')" "sub"
check_eq "files: run --export=oci <TAB>" "$(comp 'callgroups run --export=oci tr')" "trace.log trace.txt"
check_eq "files: --systemd=tr<TAB> (a saved table)" "$(comp 'callgroups suggest --systemd=tr')" "trace.log trace.txt"
cd "$TOP_SRCDIR" || exit 1
out=$(comp 'callgroups trace -- ls')
has ls "$out" && ! has --output= "$out" && ok "commands: trace -- ls<TAB>" || not_ok "commands: trace -- ls<TAB> ($out)"
out=$(comp 'callgroups run --filter @system-service -- ls')
has ls "$out" && ok "commands: run ... -- ls<TAB>" || not_ok "commands: run ... -- ls<TAB> ($out)"
check_eq "commands: nothing of ours after -- (trace -- ls --<TAB>)" "$(comp 'callgroups trace -- ls --')" ""
check_eq "commands: nothing of ours after -- (run -- cat @sys<TAB>)" "$(comp 'callgroups run -- cat @sys')" ""
check_eq "pids: trace -p 1<TAB> offers PID 1" "$(comp 'callgroups trace -p 1' | tr ' ' '\n' | grep -x 1)" "1"

# With bash-completion loaded, the command after -- completes as itself.
: "${BASH_COMPLETION_SCRIPT:=/usr/share/bash-completion/bash_completion}"
if [ -r "$BASH_COMPLETION_SCRIPT" ]; then
	out=$(
		set +u
		# shellcheck source=/dev/null
		. "$BASH_COMPLETION_SCRIPT" >/dev/null 2>&1
		. "$COMPLETION/callgroups.bash"
		comp 'callgroups trace --no-report -- ls --ver'
		echo "|$(comp 'callgroups groups @basic')"
	)
	check_eq "bash-completion: trace -- ls --ver<TAB> is ls's own completion" "${out%%|*}" "--version"
	check_eq "bash-completion: still ours before --" "${out#*|}" "@basic-io"
else
	skip "bash-completion: not installed (command after -- completes as a command, then files)"
fi

# ---- a completion that breaks shows here -----------------------------------
# (a function that offers nothing would pass no check above that wants words)
[ -n "$(comp 'callgroups groups ')" ] && ok "the completion offers something" || not_ok "the completion offers something"

# ---- zsh ----------------------------------------------------------------------
if ! command -v zsh >/dev/null; then
	skip "zsh: not installed"
else
	check "zsh: _callgroups parses (zsh -n)" zsh -n "$COMPLETION/_callgroups"
	head -n 1 "$COMPLETION/_callgroups" | grep -qx '#compdef callgroups' &&
		ok "zsh: _callgroups starts with #compdef callgroups" || not_ok "zsh: _callgroups starts with #compdef callgroups"
	# zcomp LINE...: what zsh's completion system offers at the end of
	# each LINE, one line each (zpty drives an interactive zsh; compadd
	# records the matches it is given).
	cat >"$TMP/zcomp.zsh" <<'EOF'
# zsh -f zcomp.zsh LINE...: for each LINE, the matches zsh's completion
# offers at its end, on one line. An interactive zsh in a zpty loads the
# completion from $COMPLETION; a compadd wrapper writes what is added, each
# match after the line ($BUFFER) it completes, so that a completion that
# ends late is still counted for its own line.
zmodload zsh/zpty || exit 1
out=$TMP/zcomp.out
: >$out
zpty z zsh -f -i || exit 1
zpty -w z "PS1='' PROMPT2=''; unsetopt autolist beep; fpath=(${(q)COMPLETION} \$fpath)"
zpty -w z 'autoload -Uz compinit; compinit -u -D'
zpty -w z 'compadd() { local -a __h; if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; builtin compadd -A __h "$@"; (( $#__h )) && print -rl -- ${BUFFER}$'\''\t'\''${^__h} >>'${(q)out}'; builtin compadd "$@"; }'
# one line at a time: input typed ahead can cut a completion short
integer n=0
zpty -w z "print -r -- __done__ $n >>${(q)out}"
for l in "$@"; do
  for i in {1..100}; do grep -qx "__done__ $n" $out && break; sleep 0.1; done
  zpty -w -n z "$l"$'\t'$'\x15'"print -r -- __done__ $((++n)) >>${(q)out}"$'\n'
done
for i in {1..100}; do grep -qx "__done__ $n" $out && break; sleep 0.1; done
# (inside quotes the completion sees $BUFFER without them)
local -a m
for l in "$@"; do
  l=${l//[\'\"]/}
  m=( ${(f)"$(grep -F -- "$l"$'\t' $out)"} )
  m=( ${(M)m:#${(b)l}$'\t'*} )
  print -r -- ${m#${(b)l}$'\t'}
done
zpty -d z
EOF
	zcomp() {
		env TMP="$TMP" COMPLETION="$COMPLETION" zsh -f "$TMP/zcomp.zsh" "$@" 2>"$TMP/zerr"
	}
	if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		skip "zsh: no zpty module to drive the completion"
	else
		zcomp 'callgroups ' 'callgroups groups --systemd=' 'callgroups check --systemd=' \
			'callgroups groups --systemd 2' 'callgroups groups @sys' 'callgroups suggest --format=' \
			'callgroups trace --backend=' 'callgroups explain chm' 'callgroups groups --' \
			"callgroups run --filter '@system-service @basic" 'callgroups trace -- lsbl' \
			'callgroups harden ' >"$TMP/zout"
		zline() { sed -n "${1}p" "$TMP/zout"; }
		check_eq "zsh: callgroups <TAB>" "$(zline 1 | sorted)" "$cmds"
		check_eq "zsh: groups --systemd=<TAB>" "$(zline 2 | sorted)" "$(sorted <<<"auto $versions")"
		check_eq "zsh: check --systemd=<TAB>" "$(zline 3 | sorted)" "$(sorted <<<"auto all $versions")"
		check_eq "zsh: groups --systemd 2<TAB>" "$(zline 4 | sorted)" "$(printf '%s\n' $versions | grep '^2' | sorted)"
		check_eq "zsh: groups @sys<TAB>" "$(zline 5 | sorted)" "$sys"
		check_eq "zsh: suggest --format=<TAB>" "$(zline 6 | sorted)" "$(expected "$CALLGROUPS" suggest --format=x -)"
		check_eq "zsh: trace --backend=<TAB>" "$(zline 7 | sorted)" "$(expected "$CALLGROUPS" trace --backend=x -- true)"
		check_eq "zsh: explain chm<TAB>" "$(zline 8 | sorted)" "$("$CALLGROUPS" groups @known | sed -n 's/^ *\(chm[a-z0-9_]*\)$/\1/p' | sorted)"
		check_eq "zsh: groups --<TAB>" "$(zline 9 | sorted)" "$(help_opts groups long | sed 's/=//g' | sorted)"
		check_eq "zsh: run --filter '@system-service @basic<TAB>" "$(zline 10)" "@basic-io"
		has lsblk "$(zline 11)" && ok "zsh: trace -- lsbl<TAB> (commands)" || not_ok "zsh: trace -- lsbl<TAB> (commands): $(zline 11)"
		check_eq "zsh: harden <TAB> (the steps)" "$(zline 12 | sorted)" "$(echo apply reset start status watch | sorted)"
		[ -s "$TMP/zerr" ] && sed 's/^/# zsh: /' "$TMP/zerr" | head -10
	fi
fi
done_testing
