#!/bin/bash
# kernel-source.sh: fetch and unpack the newest kernel source Debian ships, for the kernel matrix.
# The machine's release (say bookworm) installs an older linux-source-* than its newest suite
# (unstable) carries; nightly CI and developers test that newest kernel too. This script reads the
# Debian archive address the machine's apt is already configured with, keeps its own apt state in
# the cache (the system's apt configuration, lists and packages are left alone), downloads the
# newest linux-source-<version> package of SUITE and unpacks its tarball once.
#   kernel-source.sh [--suite S] [--package linux-source-X.Y] [--print-version]
# Prints the unpacked tree's path as the last line on stdout (progress on stderr).
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/splitfail/newest-src/
# Exit: 0 ok, 2 usage, 3 could not fetch or unpack (no network to the archive, no such package).
set -euo pipefail

readonly ME=kernel-source
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/splitfail/newest-src
SUITE=unstable
PACKAGE=
PRINT_VERSION=0

say() { echo "$ME: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
usage: $ME.sh [--suite SUITE] [--package linux-source-X.Y] [--print-version]
  --suite SUITE      Debian suite to take the kernel from (default: $SUITE, the newest)
  --package NAME     this linux-source package instead of the newest one
  --print-version    print "<package> <version>" and fetch nothing
Prints the unpacked source tree as the last line. Cache: $CACHE
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--suite) [ $# -ge 2 ] && [ -n "$2" ] || { usage >&2; exit 2; }; SUITE=$2; shift 2 ;;
	--package) [ $# -ge 2 ] && [ -n "$2" ] || { usage >&2; exit 2; }; PACKAGE=$2; shift 2 ;;
	--print-version) PRINT_VERSION=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die 2 "unknown option '$1'" ;;
	esac
done
[[ $SUITE =~ ^[a-z][a-z0-9-]*$ ]] || die 2 "--suite wants a suite name like unstable, got '$SUITE'"
[ -z "$PACKAGE" ] || [[ $PACKAGE =~ ^linux-source-[0-9][0-9.]*$ ]] ||
	die 2 "--package wants linux-source-X.Y, got '$PACKAGE'"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	die 3 "needs apt-get and dpkg-deb (a Debian system)"

# archive_uri: the first Debian archive (not security, not a third-party repository) that apt
# uses, from deb822 .sources files or one-line .list files.
archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\/.*\/debian\/?$/) { print $i; exit } }' "$f"
	done
}

URI=$(archive_uri | head -n 1)
[ -n "$URI" ] || die 3 "no Debian archive (a URI ending in /debian) in /etc/apt sources"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || die 3 "no $KEYRING to check the archive's signature"

APT_DIR=$CACHE/apt-$SUITE
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"
echo "deb [signed-by=$KEYRING] $URI $SUITE main" > "$APT_DIR/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=-"
	  -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR"
	  -o "Dir::Cache::archives=$APT_DIR/archives" -o "APT::Sandbox::User=root")

exec 9>"$APT_DIR.lock"
flock 9
say "reading the package list of $SUITE from $URI"
apt-get "${APT_OPTS[@]}" -qq update >&2 || die 3 "apt-get update of $SUITE failed"
if [ -z "$PACKAGE" ]; then
	PACKAGE=$(apt-cache "${APT_OPTS[@]}" search --names-only '^linux-source-[0-9.]+$' |
		awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$PACKAGE" ] || die 3 "$SUITE has no linux-source-* package"
fi
VERSION=$(apt-cache "${APT_OPTS[@]}" policy "$PACKAGE" | awk '$1 == "Candidate:" { print $2 }')
[ -n "$VERSION" ] && [ "$VERSION" != "(none)" ] || die 3 "$PACKAGE is not in $SUITE"
if [ "$PRINT_VERSION" = 1 ]; then
	echo "$PACKAGE $VERSION"
	exit 0
fi

TREE=$CACHE/$PACKAGE-$VERSION
if [ -e "$TREE/.splitfail-unpacked" ]; then
	say "$PACKAGE $VERSION already unpacked"
	echo "$TREE"
	exit 0
fi
WORK=$(mktemp -d "$CACHE/fetch.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say "downloading $PACKAGE $VERSION"
(cd "$WORK" && apt-get "${APT_OPTS[@]}" -qq download "$PACKAGE=$VERSION" >&2) ||
	die 3 "downloading $PACKAGE $VERSION failed"
dpkg-deb -x "$WORK"/*.deb "$WORK/deb" || die 3 "cannot unpack the .deb of $PACKAGE"
TARBALL=$(find "$WORK/deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n 1)
[ -n "$TARBALL" ] || die 3 "$PACKAGE holds no /usr/src/linux-source-*.tar.*"
say "unpacking $(basename "$TARBALL") into $TREE"
rm -rf "$TREE.tmp"
mkdir -p "$TREE.tmp"
tar -xf "$TARBALL" -C "$TREE.tmp" --strip-components=1 || die 3 "cannot unpack $TARBALL"
rm -rf "$TREE"
mv "$TREE.tmp" "$TREE"
# The marker lives inside the tree but build-kernel.sh identifies a plain tree by its files:
# written once, it never changes, so the cache key stays stable.
date -u '+%FT%TZ' > "$TREE/.splitfail-unpacked"
echo "$TREE"
