#!/bin/bash
# reproduce.sh: `./run.sh --reproduce RESULTS_DIR TEST_NAME`, sourced by run.sh. The harness
# reads the run record: `splitfail results reproduce DIR NAME` prints the result's verdict and
# then its reproduce line, one word per line; `splitfail results kernel DIR` the bzImage's path
# and key. This clone's run.sh (a guest run) or harness (a host run) takes the place of the
# recorded one, the line runs as printed, and its exit code becomes run.sh's. Then the bisect
# command for the same case. A bzImage at the recorded path that is not the one that ran (its
# sha256, or its build-cache folder, differs: a rebuilt kernel) is said loudly, not refused.

# kernel_matches BZIMAGE KEY: 0 when the bzImage is the one KEY names (sha256:HEX of the file,
# or the build-cache key that is the name of its folder).
kernel_matches() {
	case $2 in
	'') return 0 ;;
	sha256:*) [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "${2#sha256:}" ] ;;
	*) [ "$(basename "$(dirname "$1")")" = "$2" ] ;;
	esac
}

# quoted WORDS...: the words as one shell line (quoted only where a word needs it).
quoted() {
	local w out=''
	for w in "$@"; do
		[[ $w =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]] || w=$(printf '%q' "$w")
		out+="${out:+ }$w"
	done
	echo "$out"
}

reproduce_main() {
	local dir=$1 name=$2 tmp verdict words=() kernel kpath kkey i rc=0 bisect=() recorded skip
	tmp=$(mktemp)
	if ! "$HARNESS" results reproduce "$dir" "$name" > "$tmp"; then
		rm -f "$tmp"
		die "$EXIT_USAGE" "no reproduce line for '$name' in $dir (above)"
	fi
	mapfile -t words < "$tmp"
	rm -f "$tmp"
	verdict=${words[0]}
	words=("${words[@]:1}")
	[ ${#words[@]} -gt 1 ] || die "$EXIT_USAGE" "the reproduce line of '$name' is empty"
	recorded=${words[0]}
	case $(basename "$recorded") in
	run.sh)
		words[0]=$ROOT/run.sh
		mapfile -t kernel < <("$HARNESS" results kernel "$dir")
		kpath=${kernel[0]:-}
		kkey=${kernel[1]:-}
		for i in "${!words[@]}"; do
			[ "${words[i]}" = -- ] && break
			[ "${words[i]}" = --kernel ] && kpath=${words[i + 1]:-}
		done
		[ -r "$kpath" ] || die "$EXIT_USAGE" "the kernel that ran, $kpath, is not here" \
			"(a results folder of another machine? build that kernel, or run the line" \
			"with your own --kernel)"
		if ! kernel_matches "$kpath" "$kkey"; then
			say "WARNING: $kpath is not the kernel that ran (recorded key $kkey): it was" \
				"rebuilt or replaced since; the verdict may differ"
		fi
		bisect=(git bisect run "$ROOT/run.sh")
		skip=0
		for i in "${!words[@]}"; do
			[ "$i" = 0 ] && continue
			if [ "$skip" = 1 ]; then skip=0; continue; fi
			if [ "$skip" = 0 ] && [ "${words[i]}" = --kernel ]; then
				bisect+=(--kernel-tree .)
				skip=1
				continue
			fi
			[ "${words[i]}" = -- ] && skip=2	# the harness's options: as they are
			bisect+=("${words[i]}")
		done ;;
	splitfail)
		words[0]=$HARNESS
		bisect=(git bisect run "$ROOT/run.sh" --kernel-tree . -- "${words[@]:1}") ;;
	*) die "$EXIT_USAGE" "the reproduce line of '$name' runs neither run.sh nor the harness:" \
		"$(quoted "${words[@]}")" ;;
	esac
	[ "$recorded" = "${words[0]}" ] || say "the line recorded $recorded; running this clone's"
	say "reproducing $name (recorded $verdict): $(quoted "${words[@]}")"
	local start=$SECONDS
	run_child "${words[@]}" || rc=$?
	if [ "$(basename "$recorded")" = splitfail ]; then
		harness_exit "$rc" && rc=0 || rc=$?
	fi
	say "reproduced $name in $(( SECONDS - start ))s: exit $rc (recorded $verdict)"
	say "bisect, from the kernel tree (clean: make mrproper once): $(quoted "${bisect[@]}")"
	return "$rc"
}
