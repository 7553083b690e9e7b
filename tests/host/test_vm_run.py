"""The VM runner's own contract (tools/vm/run): exit status, timeouts, bad
input, boot failure, huge pages, kernel-log scanning, saved logs; and the
warm-VM agent: a guest that dies mid-test is reported, not waited for."""
import os
import re
import subprocess
import tempfile

import pytest

from ibodp_testlib.combos import Combo
from ibodp_testlib.paths import CACHE, DISTROS, IMAGE, REPO, build_dir, image_dir
from ibodp_testlib.vm import GuestVM, VMError, vm_run

@pytest.fixture
def out(tmp_path_factory, request):
    return str(tmp_path_factory.mktemp(request.node.name.replace("/", "_")))


@pytest.fixture(autouse=True)
def name_it(request, record_property):
    record_property("test", "vm_run/" + request.node.name[len("test_"):])


def test_unknown_flag():
    r = vm_run("--bogus", "--", "true")
    assert r.returncode == 2 and r.stderr.count("Usage:") == 1, r.stderr


@pytest.mark.parametrize("flag,value", [("--rxe", "nonsense"), ("--kernel", "nonsense"),
                                        ("--cpus", "0"), ("--mem", "lots"),
                                        ("--timeout", "-1")])
def test_bad_value(flag, value):
    r = vm_run(flag, value, "--", "true")
    assert r.returncode == 2 and "Usage:" in r.stderr, r.stderr


def test_missing_image():
    r = vm_run("--", "true", env={"IB_ODP_IMAGE": "/nonexistent"})
    assert r.returncode == 3 and "tools/image/build" in r.stderr, r.stderr


def test_missing_debug_kernel(out):
    r = vm_run("--kernel", "debug", "--", "true",
               env={"IB_ODP_IMAGE": IMAGE, "IB_ODP_CACHE": os.path.join(out, "empty-cache")})
    assert r.returncode == 3 and "tools/image/build-debug-kernel" in r.stderr, r.stderr


def test_status_propagates():
    r = vm_run("--rxe", "none", "--", "sh", "-c", "exit 7")
    assert r.returncode == 7, r.stderr


def test_timeout_kills():
    r = vm_run("--rxe", "none", "--timeout", "3", "--", "sleep", "600")
    assert r.returncode == 124, r.stderr
    assert "killed after --timeout 3 s" in r.stdout + r.stderr


def test_kernel_warning_fails(out):
    r = vm_run("--rxe", "none", "--results", os.path.join(out, "warn"), "--", "sh", "-c",
               'echo "WARNING: ib_odp harness self-test" > /dev/kmsg')
    assert r.returncode == 1, r.stderr
    assert "WARNING: ib_odp harness self-test" in r.stderr


def test_no_boot_reports_console():
    r = vm_run("--rxe", "none", "--", "true",
               env={"IB_ODP_KERNEL_ARGS": "rdinit=/does-not-exist", "IB_ODP_BOOT_TIMEOUT": "60"})
    assert r.returncode == 125, r.stderr
    assert "last console lines" in r.stderr
    assert any(s in r.stderr for s in ("does-not-exist", "No working init", "Kernel panic"))


def test_hugepages_reserved():
    r = vm_run("--rxe", "none", "--mem", "1G", "--hugepages", "8", "--", "sh", "-c",
               'grep -q "^HugePages_Total: *8$" /proc/meminfo')
    assert r.returncode == 0, r.stderr


def test_results_under_tmp():
    """The guest mounts the results folder at its host path, also under /tmp."""
    with tempfile.TemporaryDirectory(prefix="ib_odp-results.") as d:
        r = vm_run("--rxe", "none", "--results", d, "--", "true")
        assert r.returncode == 0, r.stderr
        with open(os.path.join(d, "status")) as f:
            assert f.read().strip() == "0"


def test_logs_saved(out):
    logs = os.path.join(out, "logs")
    r = vm_run("--results", logs, "--", "true")
    assert r.returncode == 0, r.stderr
    with open(os.path.join(logs, "dmesg.log")) as f:
        assert "rxe" in f.read()
    assert os.path.getsize(os.path.join(logs, "console.log")) > 0


def test_agent_serves_tests_and_reports_a_dead_guest(out):
    """Two tests in one boot see one kernel (same boot id); their output
    and exit status come back; a guest that powers off in the middle of a
    test is reported as dead at once, and the VM's verdict is not clean."""
    vm = GuestVM(Combo("sid", "image", "stock", "loopback"), os.path.join(out, "vm"), hugepages=0)
    vm.start()
    try:
        ids = []
        for n in (1, 2):
            dest = os.path.join(vm.results, "tests", "t%d" % n)
            answer = vm.run("t%d" % n, ["sh", "-c", "cat /proc/sys/kernel/random/boot_id; exit 3"],
                            30, dest)
            assert answer["rc"] == 3 and not answer["timed_out"]
            with open(os.path.join(dest, "output.log")) as f:
                ids.append(f.read().strip())
        assert ids[0] and ids[0] == ids[1]
        answer = vm.run("slow", ["sleep", "30"], 2, os.path.join(vm.results, "tests", "slow"))
        assert answer["timed_out"] and answer["rc"] == 124
        with pytest.raises(VMError, match="died"):
            vm.run("dies", ["sh", "-c", "echo o > /proc/sysrq-trigger; sleep 60"], 120,
                   os.path.join(vm.results, "tests", "dies"))
        status, _ = vm.stop()
        assert status != 0
    finally:
        vm.kill()


def test_paths_agree_with_the_shell_tools():
    """The test library finds the cache, the image and the build where
    tools/lib/common.sh (and so every shell tool) puts them."""
    for distro in DISTROS:
        r = subprocess.run(["bash", "-c", '. tools/lib/common.sh; '
                            'printf "%s\\n" "$IB_ODP_CACHE" "$IB_ODP_IMAGE" "$IB_ODP_BUILD"'],
                           cwd=REPO, capture_output=True, text=True, check=True,
                           env=dict(os.environ, IB_ODP_DISTRO=distro))
        assert r.stdout.splitlines() == [CACHE, image_dir(distro), build_dir(distro)], distro


def test_guest_tsc_is_the_hosts(out):
    """The guest is told the host's TSC frequency: calibrating against the
    emulated PIT on a loaded host once made a guest's clock run 17 times
    too fast."""
    with open("/proc/cpuinfo") as f:
        info = f.read()
    if " constant_tsc" not in info or " nonstop_tsc" not in info:
        pytest.skip("the host's TSC is not invariant: the guest calibrates its own")
    mhz = next(l.split(":")[1].strip() for l in info.splitlines() if l.startswith("cpu MHz"))
    logs = os.path.join(out, "tsc")
    r = vm_run("--rxe", "none", "--results", logs, "--", "true")
    assert r.returncode == 0, r.stderr
    with open(os.path.join(logs, "dmesg.log")) as f:
        dmesg = f.read()
    # The kernel prints the TSC's frequency on a line of its own when it
    # differs from the processor's (its own PIT calibration, which may
    # differ by a few kHz), else only the processor's line.
    tsc = re.search(r"tsc: Detected ([0-9.]+) MHz TSC", dmesg) or \
        re.search(r"tsc: Detected ([0-9.]+) MHz processor", dmesg)
    assert tsc and tsc.group(1) == mhz, \
        [l for l in dmesg.splitlines() if "tsc" in l.lower()]
