#!/bin/bash
# hugetlb_fs.t: hugetlb_hwpoison's hugetlbfs discovery on this machine (tests/hugetlb_fs.c),
# without poisoning anything: a file on a hugetlbfs found with libhugetlbfs or mounted in the
# child's own mount namespace (and then never visible here, nothing left behind in /tmp), a
# forced private mount, and a MAP_SHARED mapping of the file taking a page from the pool when
# the pool has one free (SKIP otherwise: the host's pool is not changed).
B=${SPLITFAIL_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=tests/tap_helpers.bash
. "$(dirname "$0")/tap_helpers.bash"

echo "1..5"
if [ "$(id -u)" -ne 0 ]; then
	for i in 1 2 3 4 5; do ok 0 "# SKIP needs root (mount namespace, hugetlbfs mount)"; done
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
left_before=$(find /tmp -maxdepth 1 -name 'splitfail-hugetlbfs.*' 2>/dev/null | wc -l)
mounts_before=$(grep -c ' hugetlbfs ' /proc/self/mounts)

"$B/tests/hugetlb_fs" > "$out" 2>&1
rc=$?
ok $rc "hugetlb_fs: every case as asserted (exit $rc)" "$(grep -E '^(not ok|#.*(Expected|worker|hugetlbfs_))' "$out")"

mode=$(sed -nE '/RUN +hugetlb_fs.found_or_mounted/,/OK|FAIL/ s/^# hugetlb_fs: (private|found) mount (\/[^,]+), file magic 0x958458f6$/\1 \2/p' "$out")
[ -n "$mode" ]
ok $? "default discovery: a file on hugetlbfs ($mode)"
if [ "$mounts_before" -eq 0 ]; then
	[ "${mode%% *}" = private ]
	ok $? "no hugetlbfs mounted here, so the child mounted its own"
else
	[ "${mode%% *}" = found ] && grep -q " ${mode#* } hugetlbfs " /proc/self/mounts
	ok $? "a hugetlbfs is mounted here ($mounts_before), so libhugetlbfs found it"
fi
has "$out" '^# hugetlb_fs: private mount /tmp/splitfail-hugetlbfs\.[A-Za-z0-9]{6}, file magic 0x958458f6$' &&
	has "$out" '^# hugetlb_fs: /tmp/splitfail-hugetlbfs\.[A-Za-z0-9]{6} removed, not in this namespace.s mounts$'
ok $? "forced private mount: hugetlbfs file, mount never visible here, directory removed"
left_after=$(find /tmp -maxdepth 1 -name 'splitfail-hugetlbfs.*' 2>/dev/null | wc -l)
[ "$left_after" -eq "$left_before" ] && [ "$(grep -c ' hugetlbfs ' /proc/self/mounts)" -eq "$mounts_before" ]
ok $? "nothing left: $left_after private mount directories in /tmp (was $left_before), $mounts_before hugetlbfs mounts here"
exit $((fails > 0))
