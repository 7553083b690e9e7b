# shellcheck shell=bash
# ib_odp's debugfs files, for the scripts that run in the guest (tests and
# perftest/compare): the one place in shell that names the path (the C++
# one is perftest/common/kernel_state.hpp). Source it.

ODP_DEBUGFS=/sys/kernel/debug/ib_odp

# odp_counter DEV NAME: counter NAME of DEV (empty without our rxe).
odp_counter() {
	local f=$ODP_DEBUGFS/$1/counters
	[ -r "$f" ] || return 0
	awk -v k="$2" '$1 == k { print $2 }' "$f"
}

# odp_counter_sum NAME: counter NAME summed over every device (0 on stock).
odp_counter_sum() {
	local files=("$ODP_DEBUGFS"/*/counters)
	[ -e "${files[0]}" ] || files=()
	awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' "${files[@]}" /dev/null
}

# odp_region_count DEV: live ODP regions of DEV, or "none" without the file.
odp_region_count() {
	local f=$ODP_DEBUGFS/$1/regions
	if [ -r "$f" ]; then grep -vc '^#' "$f" || true; else echo none; fi
}
