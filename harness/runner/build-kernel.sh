#!/bin/bash
# build-kernel.sh: find or build the splitfail guest kernel (fault injection, THP, NUMA, 9p root).
# Source: --kernel-tree DIR (built out of tree with O=, the tree is left untouched) or by default
# the newest installed linux-source-* Debian package, unpacked into the cache. Config: tinyconfig
# + kvm_guest.config + configs/kernel/splitfail.config, olddefconfig, then every fragment line is
# checked. The result is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/splitfail/kernels/<key>/
# keyed by source identity, fragment and compiler, so a second run (and the rest of the team)
# reuses it. Prints the bzImage path as the last line on stdout; progress goes to stderr.
# Exit: 0 ok, 2 usage, 3 runner error, 125 the kernel could not be configured or built.
set -euo pipefail

readonly ME=build-kernel
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/splitfail
FRAGMENT=$ROOT/configs/kernel/splitfail.config
TREE=
JOBS=$(( $(nproc) + 1 ))
PROGRESS_SECONDS=30
PRINT_KEY=0

say() { echo "$ME: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
usage: $ME.sh [--kernel-tree DIR] [--fragment FILE] [--jobs N] [--print-key]
  --kernel-tree DIR  build this kernel tree out of tree (default: newest linux-source-* package)
  --fragment FILE    config fragment (default: configs/kernel/splitfail.config)
  --jobs N           make -jN (default: nproc + 1 = $JOBS)
  --print-key        print the cache key and the bzImage path it would use, build nothing
Prints the bzImage path on stdout. Cache: $CACHE/kernels/<key>/
Exit: 0 ok, 2 usage, 3 runner error, 125 kernel could not be configured or built.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel-tree) [ $# -ge 2 ] || { usage >&2; exit 2; }; TREE=$2; shift 2 ;;
	--fragment) [ $# -ge 2 ] || { usage >&2; exit 2; }; FRAGMENT=$2; shift 2 ;;
	--jobs) [ $# -ge 2 ] || { usage >&2; exit 2; }; JOBS=$2; shift 2 ;;
	--print-key) PRINT_KEY=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -r "$FRAGMENT" ] || die 2 "fragment $FRAGMENT not readable"
case $JOBS in ''|*[!0-9]*) die 2 "--jobs wants a number, got '$JOBS'" ;; esac

# shellcheck source=harness/runner/kconfig-check.sh
. "$ROOT/harness/runner/kconfig-check.sh"

sha() { sha256sum | cut -c1-"${1:-64}"; }

# Identity of a user tree: commit plus a hash of uncommitted changes, or for a tree that is
# not a git checkout (an unpacked source package), a hash of every file's path, size and mtime.
tree_identity() {
	local t=$1
	if git -C "$t" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		local head dirty
		head=$(git -C "$t" rev-parse HEAD)
		dirty=$({ git -C "$t" diff HEAD --binary
			  git -C "$t" ls-files -o --exclude-standard -z |
				  (cd "$t" && xargs -0 -r sha256sum); } | sha 16)
		echo "git:$head:$(git -C "$t" describe --always --dirty 2>/dev/null):$dirty"
	else
		echo "files:$t:$(cd "$t" && find . -type f -printf '%P %s %T@\n' | LC_ALL=C sort |
			sha 16)"
	fi
}

newest_source_tarball() {
	find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' 2>/dev/null | sort -V | tail -n 1
}

# Unpack the newest linux-source package into the cache (once per package version).
package_source() {
	local tarball pkg version dir
	tarball=$(newest_source_tarball)
	if [ -z "$tarball" ]; then
		[ -x "$ROOT/harness/runner/deps.sh" ] ||
			die 3 "no /usr/src/linux-source-*.tar.xz and no harness/runner/deps.sh"
		say "no linux-source package installed: running harness/runner/deps.sh vm"
		"$ROOT/harness/runner/deps.sh" vm >&2 || die 3 "deps.sh vm failed"
		tarball=$(newest_source_tarball)
		[ -n "$tarball" ] || die 3 "deps.sh vm installed no linux-source package"
	fi
	pkg=$(dpkg -S "$tarball" 2>/dev/null | cut -d: -f1) || pkg=
	[ -n "$pkg" ] || pkg=$(basename "$tarball" .tar.xz)
	version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		version=$(stat -c %Y "$tarball")
	SRC_ID="pkg:$pkg:$version"
	dir=$CACHE/src/$pkg-$version
	SRC=$dir
	[ -e "$dir/.unpacked" ] && return 0
	mkdir -p "$CACHE/src"
	exec 8>"$dir.lock"
	flock 8
	if [ ! -e "$dir/.unpacked" ]; then
		say "unpacking $tarball ($pkg $version) into $dir"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1 ||
			die 3 "could not unpack $tarball"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.unpacked"
	fi
	flock -u 8
}

if [ -n "$TREE" ]; then
	[ -d "$TREE" ] || die 2 "--kernel-tree $TREE is not a directory"
	SRC=$(cd "$TREE" && pwd -P)
	[ -f "$SRC/Makefile" ] && [ -d "$SRC/mm" ] && [ -x "$SRC/scripts/kconfig/merge_config.sh" ] ||
		die 2 "$SRC does not look like a kernel tree (Makefile, mm/, scripts/kconfig/)"
	if [ -e "$SRC/.config" ] || [ -d "$SRC/include/config" ]; then
		die 2 "$SRC has been configured or built in place; out-of-tree builds need a clean" \
			"tree: run 'make mrproper' in it"
	fi
	SRC_ID=$(tree_identity "$SRC")
else
	package_source
fi

CC_VERSION=$(${CC:-gcc} --version 2>/dev/null | head -n 1) || die 3 "no C compiler (${CC:-gcc})"
FRAGMENT_HASH=$(sha 16 < "$FRAGMENT")
KEY=$(printf 'splitfail-kernel-v1\n%s\n%s\n%s\n' "$SRC_ID" "$FRAGMENT_HASH" "$CC_VERSION" | sha 16)
OUT=$CACHE/kernels/$KEY
# The object directory is keyed by where the source lives, not by its commit, so a bisect
# rebuilds incrementally; it is locked while in use.
OBJ=$CACHE/obj/$(printf '%s\n%s\n%s\n' "${SRC_ID%%:*}:$SRC" "$FRAGMENT_HASH" "$CC_VERSION" | sha 16)

if [ "$PRINT_KEY" = 1 ]; then
	echo "key=$KEY source=$SRC_ID"
	echo "$OUT/bzImage"
	exit 0
fi

mkdir -p "$CACHE/kernels"
exec 9>"$OUT.lock"
if ! flock -n 9; then
	say "another build of kernel $KEY is running; waiting for it"
	flock 9
fi

if [ -s "$OUT/bzImage" ]; then
	say "reusing cached kernel $KEY built $(date -u -r "$OUT/bzImage" '+%F %T UTC')" \
		"($SRC_ID)"
	echo "$OUT/bzImage"
	exit 0
fi

mkdir -p "$OUT" "$OBJ"
exec 7>"$OBJ.lock"
if ! flock -n 7; then
	say "another build is using $OBJ; waiting for it"
	flock 7
fi
LOG=$OUT/build.log
: > "$LOG"
MAKE=(make -C "$SRC" O="$OBJ" ARCH=x86_64)
say "building kernel $KEY from $SRC_ID with $CC_VERSION"
say "objects in $OBJ, log in $LOG"

# --- configure ---
KVM_CFG=
for f in kernel/configs/kvm_guest.config arch/x86/configs/kvm_guest.config; do
	[ -r "$SRC/$f" ] && { KVM_CFG=$SRC/$f; break; }
done
[ -n "$KVM_CFG" ] || die 125 "no kvm_guest.config in $SRC: cannot configure a guest kernel"
{
	"${MAKE[@]}" tinyconfig &&
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$KVM_CFG" "$FRAGMENT" &&
	"${MAKE[@]}" olddefconfig
} >>"$LOG" 2>&1 || {
	tail -n 20 "$LOG" >&2
	die 125 "configuring failed (log: $LOG)"
}

# Every fragment line must come out as written (kconfig-check.sh says which did not).
if ! kconfig_check "$FRAGMENT" "$OBJ/.config"; then
	die 125 "kernel cannot be configured for splitfail (config: $OBJ/.config)"
fi
say "config checked: all required options of $(basename "$FRAGMENT") are set"

# --- build, with a progress line every $PROGRESS_SECONDS seconds ---
start=$(date +%s)
"${MAKE[@]}" -j"$JOBS" bzImage >>"$LOG" 2>&1 &
make_pid=$!
trap 'kill -TERM $make_pid 2>/dev/null; wait $make_pid 2>/dev/null; exit 130' INT TERM
while kill -0 "$make_pid" 2>/dev/null; do
	for _ in $(seq "$PROGRESS_SECONDS"); do
		kill -0 "$make_pid" 2>/dev/null || break
		sleep 1
	done
	kill -0 "$make_pid" 2>/dev/null || break
	now=$(date +%s)
	say "$(( (now - start) / 60 ))m$(( (now - start) % 60 ))s:" \
		"$(find "$OBJ" -name '*.o' | wc -l) objects built (make -j$JOBS bzImage)"
done
rc=0
wait "$make_pid" || rc=$?
trap - INT TERM
elapsed=$(( $(date +%s) - start ))
if [ "$rc" != 0 ] || [ ! -s "$OBJ/arch/x86/boot/bzImage" ]; then
	grep -E -m 20 'error|Error' "$LOG" >&2 || tail -n 20 "$LOG" >&2
	die 125 "kernel build failed after ${elapsed}s (make exit $rc; log: $LOG)"
fi

release=$("${MAKE[@]}" -s kernelrelease 2>/dev/null) || release=unknown
cp "$OBJ/.config" "$OUT/.config"
{
	echo "key=$KEY"
	echo "source=$SRC_ID"
	echo "source_dir=$SRC"
	echo "compiler=$CC_VERSION"
	echo "fragment_sha256=$FRAGMENT_HASH"
	echo "release=$release"
	echo "built=$(date -u '+%FT%TZ')"
	echo "build_seconds=$elapsed"
	echo "objects=$(find "$OBJ" -name '*.o' | wc -l)"
} > "$OUT/info"
cp "$OBJ/arch/x86/boot/bzImage" "$OUT/bzImage.tmp"
mv "$OUT/bzImage.tmp" "$OUT/bzImage"
say "built kernel $release ($KEY) in $(( elapsed / 60 ))m$(( elapsed % 60 ))s: $OUT/bzImage"
echo "$OUT/bzImage"
