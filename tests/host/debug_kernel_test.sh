#!/bin/bash
# Host-side tests of the debug-kernel mode of tools/vm/run: the debug
# kernel boots with its checks on and our modules load; a clean run is
# clean; a leak fails the run. Needs the debug kernel and our modules for
# it (tools/build --debug-kernel). Prints "PASS name" / "FAIL name: reason".
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
run=$repo/tools/vm/run
out=${1:-$repo/results/test/host-debug}
mkdir -p "$out"

suite=debug_kernel
# shellcheck source=lib.sh
. "$repo/tests/host/lib.sh"

# The kernel that boots is the debug one, with every check the fragment
# asks for, and our rxe on it; kmemleak scanned and found nothing.
boots_with_checks() {
	"$run" --kernel debug --rxe ours --results "$out/boot" -- sh -c '
		uname -r | grep -q -- "-ibodp-debug$" || { uname -r; exit 1; }
		for f in "KernelAddressSanitizer initialized" \
			 "RCU lockdep checking is enabled" \
			 "Kernel memory leak detector initialized"; do
			dmesg | grep -q "$f" || { echo "not in dmesg: $f"; exit 1; }
		done
		[ -e /sys/kernel/debug/kmemleak ] || exit 1
		grep -q "^ib_odp " /proc/modules' &&
		[ -e "$out/boot/kmemleak.log" ] && ! [ -s "$out/boot/kmemleak.log" ]
}

# kmemleak-test leaks on purpose: the run must fail and name the leak.
leak_fails_the_run() {
	local rc=0
	"$run" --kernel debug --rxe none --results "$out/leak" -- \
		modprobe kmemleak-test 2>"$out/leak.err" || rc=$?
	[ $rc -eq 1 ] || { echo "exit status $rc, want 1"; return 1; }
	grep -q 'unreferenced object' "$out/leak.err"
}

for t in boots_with_checks leak_fails_the_run; do
	check "$t" "$t"
done
