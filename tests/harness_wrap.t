#!/bin/bash
# harness_wrap.t: `splitfail --wrap CMD` runs any program as the test case wrap:<name>:run with
# the harness's checks: exit 0 PASS, exit 1 FAIL quoting its output, a signal FAIL naming
# the signal, exit 4 SKIP, a missing command a usage error; injection is armed on the program
# itself (in the fake tree /proc/PID/make-it-fail is absent: ERROR naming it). Knobs come
# back byte for byte. All against a fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

wrap_case() {	# wrap_case WANT-RC TAP-LINE-REGEX EVIDENCE-REGEX DESCRIPTION HARNESS-ARGS...
	local want=$1 line=$2 re=$3 what=$4
	shift 4
	new_tree
	sf "$@"
	local rc=$?
	[ $rc -eq "$want" ] && grep -Eq -- "$line" "$OUT/tap.txt" && grep -Eq -- "$re" "$OUT/tap.txt"
	ok $? "$what -> exit $want, tap matches '$re' (got $rc)" \
		"$(cat "$OUT/tap.txt" "$SCRATCH/err" 2> /dev/null)"
	knobs_same
	ok $? "$what: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"
}

wrap_case 0 '^ok 1 - wrap:true:run$' '^1\.\.1$' "wrap /bin/true" --strategy off --wrap /bin/true
wrap_case 1 '^not ok 1 - wrap:false:run # FAIL$' \
	'evidence: wrapped program exit: expected 0 \(or 4 = skip\), actual 1 with 0 injected' \
	"wrap /bin/false" --strategy off --wrap /bin/false
wrap_case 1 '^not ok 1 - wrap:sh:run # FAIL$' 'output tail: wrapped says: pattern mismatch at 0x10; ' \
	"wrap exit 1: its output is the evidence" \
	--strategy off --wrap -- /bin/sh -c 'echo "wrapped says: pattern mismatch at 0x10"; exit 1'
wrap_case 1 '^not ok 1 - wrap:sh:run # FAIL$' \
	'evidence: unexpected signal: expected exit status, actual killed by signal 11 .*output tail: about to crash; ' \
	"wrap a crashing program" --strategy off --wrap -- sh -c 'echo about to crash; kill -SEGV $$'
grep -qF -- "--wrap -- sh -c 'echo about to crash; kill -SEGV \$\$'" "$OUT/tap.txt"
ok $? "reproduce line shell-quotes the arguments" "$(grep reproduce "$OUT/tap.txt")"
wrap_case 4 '^ok 1 - wrap:sh:run # SKIP no THP here$' '^1\.\.1$' "wrap a kselftest skip (exit 4)" \
	--strategy off --wrap sh -c 'echo "# SKIP no THP here"; exit 4'
wrap_case 3 '^not ok 1 - wrap:true:run@random # ERROR$' \
	'evidence: harness error: cannot arm the wrapped program: write 1 to .*/proc/[0-9]+/make-it-fail' \
	"random: arming the program itself (absent in the fake tree)" --strategy random --wrap /bin/true
wrap_case 3 '^not ok 1 - wrap:true:run@nth=1 # ERROR$' \
	'evidence: harness error: cannot arm the wrapped program: write 1 to .*/proc/[0-9]+/fail-nth' \
	"sweep: fail-nth of the program itself" --strategy sweep --wrap /bin/true
printf '[fault]\nattrs = failslab, fail_page_alloc\n' > "$SCRATCH/attrs.ini"
wrap_case 3 'reproduce: .* --strategy random .*--attrs failslab,fail_page_alloc ' '^1\.\.1$' \
	"a profile's 'a, b' attrs are one word in the reproduce line" --profile "$SCRATCH/attrs.ini" \
	--strategy random --wrap /bin/true
wrap_case 4 '^ok 1 - wrap:true:run@targeted # SKIP a wrapped program names no kernel functions' \
	'^1\.\.1$' \
	"targeted without --target" --strategy targeted --wrap /bin/true

new_tree
sf --strategy off --wrap -- /bin/echo a b
grep -q '"reproduce": ".* --strategy off --seed [0-9]* --timeout [0-9]* --root [^ ]* --wrap -- /bin/echo a b"' \
	"$OUT/summary.json" && grep -qx 'a b' "$OUT/logs/wrap.echo.run.log"
ok $? "reproduce line ends with --wrap -- CMD ARGS; the program got its arguments" \
	"$(cat "$OUT/summary.json" "$OUT/logs/"* 2> /dev/null)"

new_tree
sf --strategy off --wrap /no/such/program
rc=$?
[ $rc -eq 2 ] && grep -qF -- "--wrap: bad value '/no/such/program'" "$SCRATCH/err"
ok $? "missing command: usage error exit 2 (got $rc)" "$(cat "$SCRATCH/err")"
sf --strategy off --wrap
rc=$?
[ $rc -eq 2 ] && grep -qF -- "--wrap: no command given" "$SCRATCH/err"
ok $? "--wrap without a command: usage error exit 2 (got $rc)" "$(cat "$SCRATCH/err")"
"$SF" --list --wrap /bin/true > "$SCRATCH/out" 2>&1
grep -qx 'wrap:true:run' "$SCRATCH/out"
ok $? "--list --wrap CMD lists the one case" "$(cat "$SCRATCH/out")"

finish
