#!/bin/bash
# The debug kernel really checks what the debug-kernel tests rely on: it
# is ours (its own release name), KASAN, lockdep and kmemleak came up at
# boot, kmemleak can be scanned, and the rxe under test is loaded (ours:
# with ib_odp). Runs in the warm debug VMs; their power-off check fails
# the boot on any kmemleak report or kernel warning, so a clean run stays
# clean only if those checks are quiet.
# kernel: debug
# topology: loopback
. "$(dirname "$0")/../lib.sh"

case $(uname -r) in
*-ibodp-debug) ;;
*) fail "not the debug kernel: $(uname -r)" ;;
esac
# The log in a file first: with pipefail, grep -q leaving early would
# fail "dmesg | grep -q" with dmesg's SIGPIPE.
dmesg > "$TEST_OUT/boot.log" || fail "dmesg failed"
for check in "KernelAddressSanitizer initialized" "RCU lockdep checking is enabled" \
	"Kernel memory leak detector initialized"; do
	grep -qF "$check" "$TEST_OUT/boot.log" || fail "not in the kernel log: $check"
done
[ -w /sys/kernel/debug/kmemleak ] || fail "no /sys/kernel/debug/kmemleak"
grep -q '^rdma_rxe ' /proc/modules || fail "rdma_rxe is not loaded"
if [ "$IB_ODP_RXE" = ours ]; then
	grep -q '^ib_odp ' /proc/modules || fail "ours without ib_odp loaded"
fi
echo "debug kernel $(uname -r): KASAN, lockdep, kmemleak on; rdma_rxe ($IB_ODP_RXE) loaded"
