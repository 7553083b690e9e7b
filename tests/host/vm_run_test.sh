#!/bin/bash
# Host-side tests of tools/vm/run itself: its contract on exit status,
# timeouts, bad input, boot failure, hugepages and kernel-log scanning.
# Prints "PASS name" / "FAIL name: reason" per test.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
run=$repo/tools/vm/run
out=${1:-$repo/results/test/host}
mkdir -p "$out"

suite=vm_run
# shellcheck source=lib.sh
. "$repo/tests/host/lib.sh"

# expect_status WANT CMD...: CMD exits with WANT.
expect_status() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" -eq "$want" ] || { echo "exit status $rc, want $want"; return 1; }
}

unknown_flag() {
	expect_status 2 "$run" --bogus -- true 2>"$out/err" &&
		grep -q '^Usage:' "$out/err"
}

bad_rxe() {
	expect_status 2 "$run" --rxe nonsense -- true 2>/dev/null
}

bad_kernel() {
	expect_status 2 "$run" --kernel nonsense -- true 2>/dev/null
}

# No debug kernel in the cache: status 3 and the command that builds it.
missing_debug_kernel() {
	IB_ODP_IMAGE=${IB_ODP_IMAGE:-${IB_ODP_CACHE:-$HOME/.cache/ib_odp}/image} \
	IB_ODP_CACHE=$out/empty-cache \
		expect_status 3 "$run" --kernel debug -- true 2>"$out/err" &&
		grep -q 'tools/image/build-debug-kernel' "$out/err"
}

missing_image() {
	IB_ODP_IMAGE=/nonexistent expect_status 3 "$run" -- true 2>"$out/err" &&
		grep -q 'tools/image/build' "$out/err"
}

status_propagates() {
	expect_status 7 "$run" --rxe none -- sh -c 'exit 7'
}

timeout_kills() {
	expect_status 124 "$run" --rxe none --timeout 3 -- sleep 600 >"$out/to" 2>&1 &&
		grep -q 'killed after --timeout 3 s' "$out/to"
}

kernel_warning_fails() {
	expect_status 1 "$run" --rxe none --results "$out/warn" -- \
		sh -c 'echo "WARNING: ib_odp harness self-test" > /dev/kmsg' 2>"$out/err" &&
		grep -q 'WARNING: ib_odp harness self-test' "$out/err"
}

no_boot_reports_console() {
	IB_ODP_KERNEL_ARGS=rdinit=/does-not-exist IB_ODP_BOOT_TIMEOUT=60 \
		expect_status 125 "$run" --rxe none -- true 2>"$out/err" &&
		grep -q 'last console lines' "$out/err" &&
		grep -q 'does-not-exist\|No working init\|Kernel panic' "$out/err"
}

hugepages_reserved() {
	"$run" --rxe none --mem 1G --hugepages 8 -- \
		sh -c 'grep -q "^HugePages_Total: *8$" /proc/meminfo'
}

# The guest mounts the results folder at its host path, also under /tmp.
results_under_tmp() {
	local dir rc=0
	dir=$(mktemp -d /tmp/ib_odp-results.XXXXXX)
	"$run" --rxe none --results "$dir" -- true || rc=$?
	[ $rc -eq 0 ] && [ "$(cat "$dir/status")" = 0 ] || rc=1
	rm -rf "$dir"
	return $rc
}

logs_saved() {
	"$run" --results "$out/logs" -- true &&
		grep -q 'rdma_rxe\|rxe' "$out/logs/dmesg.log" &&
		[ -s "$out/logs/console.log" ]
}

for t in unknown_flag bad_rxe bad_kernel missing_image missing_debug_kernel \
	 status_propagates timeout_kills kernel_warning_fails \
	 no_boot_reports_console hugepages_reserved results_under_tmp logs_saved; do
	check "$t" "$t"
done
