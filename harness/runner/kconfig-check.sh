#!/bin/bash
# kconfig-check.sh: check a kernel .config against the splitfail fragment, line by line.
# Every option line of the fragment must appear in the config as written ("# CONFIG_X is not
# set" lines: X must not be set); a line after a "# optional:" comment only warns. Kconfig drops
# an option silently when a dependency is missing, so this is what tells a usable guest kernel
# from one that would run the suite without fault injection. Used by build-kernel.sh after
# olddefconfig and by run.sh for a prebuilt --kernel; runnable alone:
#   kconfig-check.sh FRAGMENT CONFIG   (CONFIG may be gzip'ed, e.g. /proc/config.gz)
# Exit: 0 all required options set, 1 some missing (listed on stderr), 2 usage.

# kconfig_check FRAGMENT CONFIG: prints the missing options, returns 0 or 1.
kconfig_check() {
	local fragment=$1 config=$2 line name want got optional=0 text
	local -a missing=() optional_missing=()

	text=$(zcat -f -- "$config") || return 2
	while IFS= read -r line; do
		case $line in
		'# optional:'*) optional=1; continue ;;
		CONFIG_*=*)
			want=$line; name=${line%%=*}
			if grep -qxF -- "$line" <<< "$text"; then optional=0; continue; fi ;;
		'# CONFIG_'*' is not set')
			want=$line; name=${line#\# }; name=${name%% *}
			if ! grep -q "^$name=" <<< "$text"; then optional=0; continue; fi ;;
		*) continue ;;
		esac
		got=$(grep -E "^$name=|^# $name is not set" <<< "$text" || echo absent)
		if [ "$optional" = 1 ]; then
			optional_missing+=("$want (got: $got)")
		else
			missing+=("$want (got: $got)")
		fi
		optional=0
	done < "$fragment"
	for line in "${optional_missing[@]}"; do
		echo "kconfig-check: warning: optional option not set: $line" >&2
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "kconfig-check: ${#missing[@]} required options of $(basename "$fragment")" \
			"are not set in $config:" >&2
		printf '  %s\n' "${missing[@]}" >&2
		return 1
	fi
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -eq 2 ] && [ -r "$1" ] && [ -r "$2" ] || {
		echo "usage: $0 FRAGMENT CONFIG" >&2
		exit 2
	}
	kconfig_check "$1" "$2"
fi
