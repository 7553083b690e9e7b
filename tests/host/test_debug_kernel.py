"""The debug kernel's leak check really works: a leak fails the run and is
named. (That it boots with KASAN, lockdep and kmemleak on and a clean run
stays clean is tests/integration/harness/debug_kernel_checks.sh, in the
debug VMs the other tests use, so it costs no boot of its own.)"""
import os

import pytest

from ibodp_testlib.vm import vm_run


@pytest.fixture(autouse=True)
def debug_kernel_ready(request, vms, record_property):
    """Waits for tools/test's background build of the debug kernel (the
    VM pool knows where its status goes)."""
    record_property("test", "debug_kernel/" + request.node.name[len("test_"):])
    record_property("combination", "debug")
    vms.wait_for_debug_kernel()


def debug_vm_run(*args):
    return vm_run("--kernel", "debug", *args, timeout=900)


def test_leak_fails_the_run(ib_results):
    r = debug_vm_run("--rxe", "none", "--results", os.path.join(ib_results, "debug-kernel-leak"),
               "--", "modprobe", "kmemleak-test")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "unreferenced object" in r.stderr
