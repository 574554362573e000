# zram.bash: sourced by tests/*.t that need swap. zram_swap_setup makes zram0 a 512 MiB swap
# device when no swap is active and zram0 is unused; zram_swap_restore (call it from an EXIT
# trap) undoes exactly that: swapoff, reset, and the compression algorithm read before.

zram_ours=0
zram_algo=

zram_swap_active() {
	[[ $(awk 'NR > 1' /proc/swaps | wc -l) -gt 0 ]]
}

zram_swap_setup() {
	local z=/sys/block/zram0

	zram_swap_active && return 0
	if [[ ! -d $z ]] && command -v modprobe >/dev/null; then
		modprobe zram num_devices=1 2>/dev/null
	fi
	if [[ ! -d $z || $(cat $z/initstate 2>/dev/null) != 0 ]]; then
		echo "# zram0 missing or in use: tests needing swap will skip"
		return 0
	fi
	zram_algo=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' $z/comp_algorithm)
	zram_ours=1
	if ! echo 512M >$z/disksize || ! mkswap /dev/zram0 >/dev/null ||
	   ! swapon /dev/zram0; then
		echo "# zram0: could not set up swap"
		return 0
	fi
	echo "# zram0: 512 MiB swap for this run (comp_algorithm=$zram_algo)"
}

zram_swap_restore() {
	((zram_ours)) || return 0
	swapoff /dev/zram0 2>/dev/null
	echo 1 >/sys/block/zram0/reset 2>/dev/null
	[[ -n $zram_algo ]] &&
		echo "$zram_algo" >/sys/block/zram0/comp_algorithm 2>/dev/null
	echo "# zram0: swapoff, reset, comp_algorithm=$zram_algo restored"
	zram_ours=0
}
