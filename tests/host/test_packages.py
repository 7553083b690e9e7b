"""The Debian packages, as a user gets them: tools/package builds them in
each selected distribution's image with Debian's tooling (lintian errors
fail it), then a guest of that distribution booted without rxe installs
them with apt, checks that DKMS built ours for the running kernel, that
modprobe loads ours and ODP pingpong works, that the library packages
build a consumer, and that removing the DKMS package brings the kernel's
rxe back, and that installs without headers or linux-source and a
removal with the device in use leave the system working
(tests/package/install_in_guest.sh)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import selected_axes
from ibodp_testlib.paths import REPO, tool
from ibodp_testlib.vm import vm_run

# DKMS compiles both modules inside the guest, under TCG: about 11 min of
# the guest's 13 on an idle core.
INSTALL_TIMEOUT = 1800
# dpkg-buildpackage and lintian in the image: about a minute.
PACKAGE_BUILD_TIMEOUT = 900


def pytest_generate_tests(metafunc):
    if "distro" in metafunc.fixturenames:
        metafunc.parametrize("distro", selected_axes(metafunc.config)[0])


def test_packages_install_and_work(distro, ib_results, record_property):
    record_property("test", "packages/" + distro)
    record_property("combination", distro)
    try:
        build = subprocess.run([tool("package"), "--distro", distro], cwd=REPO,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL,
                               timeout=PACKAGE_BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("tools/package --distro %s did not end in %d s"
                    % (distro, PACKAGE_BUILD_TIMEOUT), pytrace=False)
    log = os.path.join(ib_results, "package-%s.log" % distro)
    with open(log, "w") as f:
        f.write(build.stdout + build.stderr)
    if build.returncode != 0:
        pytest.fail("tools/package --distro %s failed (%s):\n%s"
                    % (distro, log, build.stderr[-2000:]), pytrace=False)
    for line in build.stderr.splitlines():
        if re.search(r"built in|KiB installed|lintian: [WE]:", line):
            print(line)
    results = os.path.join(ib_results, "packages-%s" % distro)
    r = vm_run("--distro", distro, "--rxe", "none", "--timeout", str(INSTALL_TIMEOUT),
               "--results", results, "--", "bash", "tests/package/install_in_guest.sh",
               os.path.join("build", "packages", distro), timeout=INSTALL_TIMEOUT + 300)
    output = r.stdout + r.stderr
    for line in output.splitlines():
        # The guest's steps and DKMS's build phases, with their times.
        if line.startswith(("== [", "ib-odp: [")):
            print(line)
        if "install to working pingpong" in line:
            record_property("install_seconds", line.split(":")[-1].strip())
            print(line)
    if r.returncode != 0:
        pytest.fail("install in the guest failed (exit %d, %s):\n%s"
                    % (r.returncode, results, output[-3000:]), pytrace=False)
    assert "packages ok" in output


def _dkms_tree(tmp_path):
    """The layout dkms-build finds in /usr/src/ib-odp-VERSION (as
    debian/rules installs it): dkms-build, rxe/series/."""
    tree = tmp_path / "ib-odp"
    shutil.copytree(os.path.join(REPO, "kernel", "ib_odp", "rxe", "series"),
                    tree / "rxe" / "series")
    shutil.copy(os.path.join(REPO, "kernel", "dkms-build"), tree / "dkms-build")
    return tree


@pytest.mark.parametrize("kver,kdir,says", [
    ("6.1.0-28-amd64", "/nonexistent",
     "ib-odp: no rxe patch series for kernel 6.1.0-28-amd64 (supported series: %s)"),
    ("7.2.13+deb14-amd64", "/nonexistent",
     "ib-odp: no build tree for kernel 7.2.13+deb14-amd64 at /nonexistent:"
     " install linux-headers-7.2.13+deb14-amd64"),
])
def test_dkms_build_refuses_what_it_cannot_build(tmp_path, kver, kdir, says, record_property):
    """A kernel without a series of ours, or without its headers: one line
    that names what is missing, exit 1, nothing built."""
    record_property("test", "packages/dkms_build_refuses/" + kver)
    tree = _dkms_tree(tmp_path)
    series = " ".join(sorted(os.listdir(tree / "rxe" / "series"),
                             key=lambda s: tuple(int(x) for x in s.split("."))))
    r = subprocess.run(["sh", "./dkms-build", kver, kdir], cwd=tree,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.strip().splitlines() == [says.replace("%s", series)]
    assert not (tree / "build").exists()
