#!/bin/bash
# harness_profile_schema.t: profiles and options come from one table (harness/control/).
# A directory or binary file as --profile, an unknown [vm] key, a bad [vm] value, a value
# longer than its field and an include loop are usage errors (exit 2) naming file and true
# line, with no results folder; lines of any length are read whole (a long comment is fine,
# a key past byte 2,047 of a comment is not applied); `include = smoke.ini` inherits and
# overrides; yes/no values are the same for profile keys and options; --print SECTION.KEY
# answers what run.sh asks (vm.memory, vm.timeout, run.timeout); run.sh refuses a directory
# profile and a bad [vm] value with 128 before any kernel is built or booted.
. "$(dirname "$0")/fixtures/lib.sh"

bad_profile() {	# bad_profile EXPECTED-TEXT: $SCRATCH/p.ini refused, exit 2, no results folder
	new_tree
	sf --profile "$SCRATCH/p.ini" --case fake.head.munmap
	local rc=$?
	[ $rc -eq 2 ] && grep -qF -- "$1" "$SCRATCH/err" && [ ! -e "$OUT" ]
	ok $? "profile refused: '$1', exit 2, no results folder (got $rc)" "$(cat "$SCRATCH/err")"
}
long=$(head -c 5000 /dev/zero | tr '\0' x)

mkdir -p "$SCRATCH/dir.ini"
new_tree
sf --profile "$SCRATCH/dir.ini" --case fake.head.munmap
rc=$?
[ $rc -eq 2 ] && grep -q 'dir.ini: not a profile: a directory' "$SCRATCH/err" && [ ! -e "$OUT" ]
ok $? "a directory as --profile: exit 2 (got $rc)" "$(cat "$SCRATCH/err")"

printf '[run]\nseed = 1\x00\n' > "$SCRATCH/p.ini"
bad_profile "p.ini:2: not a text file (NUL byte)"
printf '# %s\n[run]\nseed = abc\n' "$long" > "$SCRATCH/p.ini"
bad_profile "p.ini:3: seed: bad value 'abc'"
printf '[vm]\nmemroy = 2G\n' > "$SCRATCH/p.ini"
bad_profile "p.ini:2: unknown key 'memroy' in section [vm]"
printf '[vm]\nmemory = abc\n' > "$SCRATCH/p.ini"
bad_profile "p.ini:2: memory: bad value 'abc'"
printf '[vm]\ntimeout = 5\n' > "$SCRATCH/p.ini"
bad_profile "p.ini:2: timeout: bad value '5' (want an integer 60..604800)"
printf '[pressure]\nstress_ng = %s\n' "$long" > "$SCRATCH/p.ini"
bad_profile "p.ini:2: stress_ng: bad value"
printf '[vm]\naccel = fast\n' > "$SCRATCH/p.ini"
bad_profile "p.ini:2: accel: bad value 'fast' (want one of auto,kvm,tcg)"
printf 'include = p.ini\n' > "$SCRATCH/p.ini"
bad_profile "more than 8 levels (a loop?)"

printf '[run]\n# %s seed = 5\n' "$long" > "$SCRATCH/p.ini"
v=$("$SF" --profile "$SCRATCH/p.ini" --print run.seed 2> "$SCRATCH/err")
[ "$v" = 1 ]
ok $? "a key past byte 2,047 of a comment is not applied (run.seed = $v)" "$(cat "$SCRATCH/err")"

printf 'include = smoke.ini\n[run]\nseed = 9\n[vm]\nmemory = 2G\n' > "$SCRATCH/inc.ini"
got=$(for k in run.seed run.sweep_cap vm.memory vm.timeout fault.ignore_gfp_wait vm.accel; do
	"$SF" --profile "$SCRATCH/inc.ini" --print $k; done | paste -sd' ')
[ "$got" = "9 12 2G 1200 no auto" ]
ok $? "include = smoke.ini: inherited and overridden (got '$got')"
got=$("$SF" --profile smoke --timeout 300 --ignore-gfp-wait yes --print run.timeout)
got="$got $("$SF" --profile smoke --ignore-gfp-wait no --print fault.ignore_gfp_wait)"
[ "$got" = "300 no" ]
ok $? "options override the profile with the profile's own values: yes/no (got '$got')"
"$SF" --print vm.nosuch > /dev/null 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown tunable 'vm.nosuch'" "$SCRATCH/err"
ok $? "--print of an unknown tunable: exit 2 (got $rc)" "$(cat "$SCRATCH/err")"
for p in smoke nightly strict pressure guest-panic; do
	"$SF" --profile "$p" --print vm.memory > /dev/null 2> "$SCRATCH/err"
	ok $? "configs/$p.ini: valid, [vm] included" "$(cat "$SCRATCH/err")"
done

sed -n '/^<!-- splitfail --help -->$/,/^<!-- end splitfail --help -->$/p' \
	"$TOP/docs/protocol.md" | sed '1,2d;$d' | sed '$d' > "$SCRATCH/doc-help"
"$SF" --help | diff "$SCRATCH/doc-help" - > "$SCRATCH/diff"
ok $? "docs/protocol.md lists every option and profile key as --help prints them" \
	"$(cat "$SCRATCH/diff")"

# run.sh asks the harness: refused before any kernel is built or booted
export SPLITFAIL_RESULTS=$SCRATCH/results
for bad in dir memory; do
	case $bad in
	dir) p=$SCRATCH/dir.ini want="not a readable file" ;;
	memory) printf '[vm]\nmemory = abc\n' > "$SCRATCH/vm.ini"; p=$SCRATCH/vm.ini
		want="memory: bad value 'abc'" ;;
	esac
	start=$(date +%s)
	"$TOP/run.sh" --vm --profile "$p" > /dev/null 2> "$SCRATCH/err"
	rc=$?
	[ $rc -eq 128 ] && grep -qF "$want" "$SCRATCH/err" && [ ! -e "$SPLITFAIL_RESULTS" ] &&
		! grep -q 'build-kernel\|boot-guest\|QEMU' "$SCRATCH/err"
	ok $? "run.sh --vm --profile ($bad): 128 in $(( $(date +%s) - start )) s, nothing built or booted (got $rc)" \
		"$(cat "$SCRATCH/err")"
done

finish
