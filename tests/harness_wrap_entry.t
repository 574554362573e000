#!/bin/sh
# harness_wrap_entry.t: --wrap arms injection at the wrapped program's entry point, after the
# dynamic loader (harness/wrap_entry.c). Runs build/tests/harness_wrap_entry on /bin/true and
# on a program built here whose shared library is then removed, so its loader fails.
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SPLITFAIL_BUILD:-$TOP/build}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
echo 'int sf_gone(void) { return 0; }' > "$SCRATCH/gone.c"
echo 'int sf_gone(void); int main(void) { return sf_gone(); }' > "$SCRATCH/main.c"
if ! cc -shared -fPIC -o "$SCRATCH/libsfgone.so" "$SCRATCH/gone.c" ||
   ! cc -o "$SCRATCH/needs_gone" "$SCRATCH/main.c" -L"$SCRATCH" -lsfgone; then
	echo "1..0 # SKIP cannot build the loader-fails program"
	exit 0
fi
rm -f "$SCRATCH/libsfgone.so"
exec "$BUILD/tests/harness_wrap_entry" /bin/true "$SCRATCH/needs_gone"
