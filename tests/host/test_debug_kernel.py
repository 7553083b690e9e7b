"""The debug kernel's checks really work: it boots with KASAN, lockdep and
kmemleak on and our rxe loaded, a clean run stays clean, and a leak fails
the run and is named."""
import os

import pytest

from ibodp_testlib.vm import vm_run

CHECKS = ("KernelAddressSanitizer initialized", "RCU lockdep checking is enabled",
          "Kernel memory leak detector initialized")


@pytest.fixture(autouse=True)
def debug_kernel_ready(request, vms, record_property):
    """Waits for tools/test's background build of the debug kernel (the
    VM pool knows where its status goes)."""
    record_property("test", "debug_kernel/" + request.node.name[len("test_"):])
    record_property("combination", "debug")
    vms.wait_for_debug_kernel()


def debug_vm_run(*args):
    return vm_run("--kernel", "debug", *args, timeout=900)


def test_boots_with_checks(ib_results):
    results = os.path.join(ib_results, "debug-kernel-boot")
    script = ('uname -r | grep -q -- "-ibodp-debug$" || { uname -r; exit 1; }\n'
              + "".join('dmesg | grep -q "%s" || { echo "not in dmesg: %s"; exit 1; }\n' % (c, c)
                        for c in CHECKS)
              + '[ -e /sys/kernel/debug/kmemleak ] || exit 1\n'
              + 'grep -q "^ib_odp " /proc/modules\n')
    r = debug_vm_run("--rxe", "ours", "--results", results, "--", "sh", "-c", script)
    assert r.returncode == 0, r.stdout + r.stderr
    leaks = os.path.join(results, "kmemleak.log")
    assert os.path.exists(leaks) and os.path.getsize(leaks) == 0


def test_leak_fails_the_run(ib_results):
    r = debug_vm_run("--rxe", "none", "--results", os.path.join(ib_results, "debug-kernel-leak"),
               "--", "modprobe", "kmemleak-test")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "unreferenced object" in r.stderr
