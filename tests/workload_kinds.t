#!/bin/bash
# workload_kinds.t: every workload runs every THP kind its operation allows. The split paths
# differ per kind (a PMD-mapped THP: __split_huge_pmd then the folio split; a PTE-mapped
# THP: the folio split alone; an mTHP folio: a smaller order), so a kind a workload lacks is
# a path it never tests. The kinds are read from the cases `splitfail --list` prints
# (workload:FIXTURE.VARIANT.TEST): a variant's name ends in its kind (kind_of below, the
# naming rule of docs/protocol.md). Cases are grouped by workload and variant prefix (the
# name without its kind: thp_pinned's fixed_ and vmsplice_), and each group must have a PMD-
# mapped, a PTE-mapped and an mTHP variant, unless the gap is in ALLOWED_GAPS with its
# reason. A variant whose kind cannot be read, and an allowed gap that is no gap any more,
# fail too. The checker is first run on made-up lists that must fail (a gap, an unknown
# variant, a stale allowed gap).
. "$(dirname "$0")/fixtures/lib.sh"

BUILD=${SPLITFAIL_BUILD:-$TOP/build}

# workload, variant prefix ('' none, * any), kind (pmd, pte, mthp, * all): why it is missing
ALLOWED_GAPS='
hugetlb_hwpoison|*|*|hugetlb pages (MAP_HUGETLB, a hugetlbfs file) are their own kind, not THPs: poisoning one dissolves it or keeps it in the pool, nothing is split (seed 003); a THP hit by memory_failure (try_to_split_thp_page) is not this workload
'

kind_of() {	# VARIANT -> "kind prefix", or nothing when the name says no THP kind
	case $1 in
	*pte_mapped) echo "pte ${1%pte_mapped}" ;;
	*mthp_[0-9]*k) echo "mthp ${1%mthp_*}" ;;
	pmd | *_pmd) echo "pmd ${1%pmd}" ;;
	several | one_thp | two_thps) echo "pmd " ;;
	esac
}

allowed() {	# WORKLOAD PREFIX KIND -> the reason, or nothing
	local w p k why
	while IFS='|' read -r w p k why; do
		[ -n "$w" ] || continue
		[ "$w" = "$1" ] && { [ "$p" = '*' ] || [ "$p" = "$2" ]; } &&
			{ [ "$k" = '*' ] || [ "$k" = "$3" ]; } && { echo "$why"; return; }
	done <<< "$ALLOWED_GAPS"
}

# check_kinds LIST: prints one line per workload group and per problem; exit 1 on a problem
check_kinds() {
	local line w v kp kind prefix bad=0 k why gaps
	declare -A have=() unknown=() groups=()
	while read -r line; do
		w=${line%%:*}
		v=${line#*:}
		v=${v#*.}
		v=${v%.*}
		kp=$(kind_of "$v")
		if [ -z "$kp" ]; then
			unknown[$w]="${unknown[$w]:-} $v"
			groups["$w|"]=1
			continue
		fi
		kind=${kp%% *}
		prefix=${kp#* }
		have["$w|$prefix|$kind"]=1
		groups["$w|$prefix"]=1
	done < "$1"
	for g in "${!groups[@]}"; do
		w=${g%%|*}
		prefix=${g#*|}
		gaps=''
		for k in pmd pte mthp; do
			why=$(allowed "$w" "$prefix" "$k")
			if [ -n "${have[$g|$k]:-}" ]; then
				# a gap the table allows must still be a gap
				if [ -n "$why" ]; then
					echo "stale allowed gap: $w ${prefix:-(no prefix)} has $k now"
					bad=1
				fi
			elif [ -n "$why" ]; then
				gaps="$gaps $k"
			else
				echo "GAP: $w ${prefix:-(no prefix)} has no $k variant"
				bad=1
			fi
		done
		[ -z "$gaps" ] || echo "allowed gap: $w ${prefix:-(no prefix)} has no$gaps: $why"
	done
	for w in "${!unknown[@]}"; do
		if [ -z "$(allowed "$w" '*' '*')" ]; then
			echo "UNKNOWN KIND: $w variants${unknown[$w]}: name them after their kind"
			bad=1
		fi
	done
	return $bad
}

# the checker itself, on made-up lists
printf '%s\n' a:a.pmd.x a:a.pte_mapped.x a:a.mthp_16k.x b:b.one_thp.x b:b.two_thps.x \
	> "$SCRATCH/gap"
check_kinds "$SCRATCH/gap" > "$SCRATCH/out"
rc=$?
[ $rc -eq 1 ] && grep -q '^GAP: b (no prefix) has no pte variant' "$SCRATCH/out" &&
	grep -q '^GAP: b (no prefix) has no mthp variant' "$SCRATCH/out" &&
	! grep -q '^GAP: a ' "$SCRATCH/out"
ok $? "checker: a workload with only PMD-mapped variants (one_thp, two_thps) fails naming its gaps" \
	"$(cat "$SCRATCH/out")"
printf '%s\n' c:c.x_pmd.t c:c.x_pte_mapped.t c:c.x_mthp_64k.t c:c.y_pmd.t c:c.y_pte_mapped.t \
	> "$SCRATCH/prefix"
check_kinds "$SCRATCH/prefix" > "$SCRATCH/out"
[ $? -eq 1 ] && grep -q '^GAP: c y_ has no mthp variant' "$SCRATCH/out" &&
	[ "$(grep -c '^GAP' "$SCRATCH/out")" -eq 1 ]
ok $? "checker: kinds are per variant prefix (y_ lacks mTHP while x_ has it)" "$(cat "$SCRATCH/out")"
printf '%s\n' d:d.pmd.t d:d.pte_mapped.t d:d.mthp_64k.t d:d.odd.t > "$SCRATCH/unknown"
check_kinds "$SCRATCH/unknown" > "$SCRATCH/out"
[ $? -eq 1 ] && grep -q '^UNKNOWN KIND: d variants odd' "$SCRATCH/out"
ok $? "checker: a variant whose name says no kind fails" "$(cat "$SCRATCH/out")"
printf '%s\n' hugetlb_hwpoison:hugetlb_hwpoison.hard.t hugetlb_hwpoison:hugetlb_hwpoison.pmd.t \
	> "$SCRATCH/stale"
check_kinds "$SCRATCH/stale" > "$SCRATCH/out"
[ $? -eq 1 ] && grep -q '^stale allowed gap: hugetlb_hwpoison' "$SCRATCH/out"
ok $? "checker: an allowed gap that is no gap any more fails" "$(cat "$SCRATCH/out")"

# the real workloads
"$SF" --workload-dir "$BUILD/workloads" --list > "$SCRATCH/list" 2> "$SCRATCH/err"
ok $? "--list of the real workloads" "$(cat "$SCRATCH/err")"
check_kinds "$SCRATCH/list" > "$SCRATCH/out"
ok $? "every workload has a PMD-mapped, a PTE-mapped and an mTHP variant, or an allowed gap" \
	"$(grep -v '^allowed' "$SCRATCH/out")"
grep '^allowed' "$SCRATCH/out" | sed 's/^/# /'
nw=$(cut -d: -f1 "$SCRATCH/list" | sort -u | wc -l)
[ "$nw" -eq "$(find "$BUILD/workloads" -maxdepth 1 -type f -executable | wc -l)" ]
ok $? "the list covers every workload binary ($nw)"
for v in pte_mapped mthp_64k; do
	grep -q "^thp_device_migrate:thp_device_migrate\.$v\." "$SCRATCH/list"
	ok $? "thp_device_migrate runs the $v variant (seed 000's split of large folios)"
done
echo "1..$T"
exit $((FAILED > 0))
