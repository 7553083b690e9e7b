"""The Debian packages, as a user gets them: tools/package builds them in
each selected distribution's image with Debian's tooling (lintian errors
fail it); they are installed with apt into a throw-away overlay of that
image, chrooted, where Debian's DKMS postinst builds ours for the image's
kernel natively (as it does in any chroot), after checking that installs
without headers or linux-source say so and leave the kernel's rxe
(tests/package/install_in_image.sh); then a guest boots that very root
without rxe and checks that modprobe loads ours and ODP pingpong works
(tests/package/check_in_guest.sh); last, apt-get remove: with the device
in use in the guest (trixie), or in the chroot once the guest is gone
(tests/package/remove_in_image.sh). The compile ran in the guest before,
under TCG: 11-15 of the test's 13-16 minutes."""
import contextlib
import os
import re
import shutil
import subprocess

import pytest

from conftest import selected_axes
from ibodp_testlib.paths import REPO, image_dir, image_var, in_image, tool
from ibodp_testlib.vm import vm_run

# apt-get install with DKMS's native build of both modules, and the
# library consumers: about 2 minutes on an idle core.
INSTALL_TIMEOUT = 1200
# Boot, modprobe, pingpong, removal in the guest: about a minute.
CHECK_TIMEOUT = 600
# dpkg-buildpackage and lintian in the image: about a minute.
PACKAGE_BUILD_TIMEOUT = 900
# Where apt-get remove ib-odp-dkms runs. In the guest with rxe0 in use
# for Debian 13, the release users run: ours stays loaded and working
# until rmmod, then modprobe finds the kernel's rxe. Elsewhere in the
# chroot after the guest: DKMS's deletion, restore and depmod are the same,
# and what only the guest adds (loaded modules outlive their files) is the
# kernel's module semantics; the removal took 70-90 s under TCG (DKMS's
# depmod over 9p), about 12 s natively.
REMOVAL_IN_GUEST = ("trixie",)


def pytest_generate_tests(metafunc):
    if "distro" in metafunc.fixturenames:
        metafunc.parametrize("distro", selected_axes(metafunc.config)[0])


@contextlib.contextmanager
def image_overlay(distro, workdir):
    """A test image whose root is an overlay of distro's image (writes go to
    workdir and vanish with it), for IB_ODP_IMAGE: the chroot install and
    the guest that checks it see the same root; the cached image is not
    changed."""
    image = image_dir(distro)
    overlay = os.path.join(workdir, "image")
    root = os.path.join(overlay, "rootfs")
    upper, work = os.path.join(workdir, "upper"), os.path.join(workdir, "work")
    for d in (root, upper, work):
        os.makedirs(d)
    shutil.copy(os.path.join(image, "image.env"), overlay)
    os.symlink(os.path.join(image, "kernel"), os.path.join(overlay, "kernel"))
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=%s/rootfs,upperdir=%s,workdir=%s" % (image, upper, work), root],
                   check=True, stdin=subprocess.DEVNULL)
    try:
        yield overlay
    finally:
        subprocess.run(["umount", root], check=True, stdin=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)


def _progress_lines(output):
    """The scripts' steps and DKMS's build phases, with their times."""
    return [line for line in output.splitlines()
            if line.startswith(("== [", "ib-odp: [", "apt-get install to"))]


def test_packages_install_and_work(distro, ib_results, tmp_path, record_property):
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
    pkgs = os.path.join(REPO, "build", "packages", distro)
    kver = image_var("KERNEL_VERSION", distro)
    with image_overlay(distro, str(tmp_path / "overlay")) as overlay:
        env = dict(os.environ, IB_ODP_IMAGE=overlay)
        output = _in_overlay("install_in_image.sh", [pkgs, kver], distro, env,
                             os.path.join(ib_results, "install-%s.log" % distro),
                             "install in the %s image" % distro, record_property)
        assert "installed in the image for " + kver in output
        removal = "guest" if distro in REMOVAL_IN_GUEST else "chroot"
        results = os.path.join(ib_results, "packages-%s" % distro)
        r = vm_run("--distro", distro, "--rxe", "none", "--timeout", str(CHECK_TIMEOUT),
                   "--results", results, "--", "bash", "tests/package/check_in_guest.sh",
                   "--removal", removal,
                   env={"IB_ODP_IMAGE": overlay}, timeout=CHECK_TIMEOUT + 300)
        output = r.stdout + r.stderr
        for line in _progress_lines(output):
            print(line)
        if r.returncode != 0:
            pytest.fail("the check in the guest failed (exit %d, %s):\n%s"
                        % (r.returncode, results, output[-3000:]), pytrace=False)
        assert "packages ok on " + kver in output
        if removal == "chroot":
            output = _in_overlay("remove_in_image.sh", [kver], distro, env,
                                 os.path.join(ib_results, "remove-%s.log" % distro),
                                 "apt-get remove in the %s image" % distro)
            assert "removed from the image for " + kver in output


def _in_overlay(script, args, distro, env, log, what, record_property=None):
    """Run tests/package/SCRIPT ARGS chrooted in the overlay (env's
    IB_ODP_IMAGE); its output goes to log, its progress lines to ours.
    Returns the output; fails the test if the script fails or hangs."""
    try:
        r = in_image("bash", os.path.join(REPO, "tests/package", script), *args,
                     distro=distro, env=env, capture_output=True, text=True,
                     stdin=subprocess.DEVNULL, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("%s did not end in %d s" % (script, INSTALL_TIMEOUT), pytrace=False)
    output = r.stdout + r.stderr
    with open(log, "w") as f:
        f.write(output)
    for line in _progress_lines(output):
        print(line)
        if record_property and line.startswith("apt-get install to"):
            record_property("install_seconds", line.split(":")[-1].strip())
    if r.returncode != 0:
        pytest.fail("%s failed (exit %d):\n%s" % (what, r.returncode, output[-3000:]),
                    pytrace=False)
    return output
