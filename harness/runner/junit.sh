#!/bin/bash
# junit.sh: the runner's additions to the harness's junit.xml (harness/record/render_junit.c writes it; its
# format: one <testsuite> whose <testcase> elements may span lines): a test case for a guest
# death, and the test cases of a fresh guest's boot-N/junit.xml folded into the top-level one.
# The <testsuite> counts are recounted from the elements. Sourced by guest-death.sh.

# xml_text: stdin as XML text (&, <, >, " escaped; control characters but tab and newline gone).
xml_text() {
	tr -d '\000-\010\013-\037' | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g'
}

# junit_recount FILE: set the <testsuite> tests, failures, errors and skipped from its elements.
# (awk, not grep | wc: run.sh runs with errexit and pipefail, and grep finding none fails.)
junit_recount() {
	local counts
	counts=$(awk '{ t += gsub(/<testcase /, ""); f += gsub(/<failure /, "")
			e += gsub(/<error /, ""); s += gsub(/<skipped /, "") }
		END { printf "tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", t, f, e, s }' "$1")
	sed -i "s|^<testsuite name=\"splitfail\" .*>\$|<testsuite name=\"splitfail\" $counts>|" "$1"
}

# junit_insert FILE FRAGMENT: the XML lines of FRAGMENT go before FILE's </testsuite>.
junit_insert() {
	awk -v frag="$2" '/^<\/testsuite>$/ { while ((getline l < frag) > 0) print l } { print }' \
		"$1" > "$1.tmp" && mv "$1.tmp" "$1"
	junit_recount "$1"
}

# junit_add_death OUT NAME TAG MESSAGE TEXT: a <testcase> (classname splitfail.guest) whose
# <TAG message="MESSAGE"> (failure, skipped or error) holds TEXT, in OUT/junit.xml.
junit_add_death() {
	local out=$1 name=$2 tag=$3 message=$4 text=$5
	[ -s "$out/junit.xml" ] || return 0
	{
		printf '<testcase classname="splitfail.guest" name="%s" time="0.000">' \
			"$(printf '%s' "$name" | xml_text)"
		printf '<%s message="%s">' "$tag" "$(printf '%s' "$message" | xml_text)"
		printf '%s\n' "$text" | xml_text
		printf '</%s></testcase>\n' "$tag"
	} > "$out/.junit-death.xml"
	junit_insert "$out/junit.xml" "$out/.junit-death.xml"
	rm -f "$out/.junit-death.xml"
}

# junit_merge RES BOOT_DIR: BOOT_DIR/junit.xml's test cases into RES/junit.xml.
junit_merge() {
	[ -s "$1/junit.xml" ] && [ -s "$2/junit.xml" ] || return 0
	awk '/^<testsuite /, /^<\/testsuite>$/ { if (!/^<\/?testsuite[ >]/) print }' \
		"$2/junit.xml" > "$1/.junit-boot.xml"
	junit_insert "$1/junit.xml" "$1/.junit-boot.xml"
	rm -f "$1/.junit-boot.xml"
}
