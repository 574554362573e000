#!/bin/bash
# deps.sh: install the Debian packages splitfail needs, and only those that are missing.
#   deps.sh build  what `make` and `make check` need (compiler, headers, prove, stress-ng, the
#                  strict parsers the results tests use: xmllint, python3 with jsonschema, and a
#                  linux-source-* package for the kselftest harness headers and kunit.py unless
#                  KDIR is set)
#   deps.sh vm     build + what run.sh needs to build and boot a fault-injection kernel
#   deps.sh lint   build + clang-tidy and cppcheck for `make lint`
# Checks with dpkg-query first, says what it installs, runs apt-get update at most once.
set -euo pipefail

BUILD_PKGS=(build-essential pkg-config liburing-dev libnuma-dev libhugetlbfs-dev stress-ng
	    xz-utils perl util-linux libxml2-utils python3 python3-jsonschema)
VM_PKGS=(qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio xz-utils jq)
LINT_PKGS=(clang-tidy cppcheck)

apt_updated=0

usage() {
	echo "usage: $0 build|vm|lint" >&2
	exit 2
}

pkg_installed() {
	local status

	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == "install ok installed" ]]
}

apt_update_once() {
	if ((apt_updated == 0)); then
		echo "deps.sh: apt-get update"
		apt-get update -qq
		apt_updated=1
	fi
}

# Prints the newest linux-source-<version> package apt knows about.
newest_linux_source() {
	apt-cache search --names-only '^linux-source-[0-9.]+$' | awk '{ print $1 }' |
		sort -V | tail -n 1
}

linux_source_present() {
	[[ -n ${KDIR:-} && -d ${KDIR}/tools/testing/selftests ]] && return 0
	compgen -G '/usr/src/linux-source-*.tar.xz' >/dev/null
}

install_missing() {
	local missing=() pkg ksrc

	for pkg in "$@"; do
		pkg_installed "$pkg" || missing+=("$pkg")
	done
	if ! linux_source_present; then
		apt_update_once
		ksrc=$(newest_linux_source)
		if [[ -z $ksrc ]]; then
			echo "deps.sh: no linux-source-* package in the apt sources; set KDIR=" >&2
			exit 1
		fi
		missing+=("$ksrc")
	fi
	if ((${#missing[@]} == 0)); then
		echo "deps.sh: nothing to install"
		return 0
	fi
	if ((EUID != 0)); then
		echo "deps.sh: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing: ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}"
}

(($# == 1)) || usage
case $1 in
build) install_missing "${BUILD_PKGS[@]}" ;;
vm) install_missing "${BUILD_PKGS[@]}" "${VM_PKGS[@]}" ;;
lint) install_missing "${BUILD_PKGS[@]}" "${LINT_PKGS[@]}" ;;
*) usage ;;
esac
