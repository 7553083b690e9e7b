"""checkpatch.pl (from the sid image kernel's linux-source) on every kernel
source file of ours, and on what each rxe patch series adds to its
kernel's rxe: one result per file or series, clean means no ERROR,
WARNING or CHECK."""
import glob
import os
import shutil
import subprocess

import pytest

from conftest import selected_axes
from ibodp_testlib.paths import IMAGE, REPO, image_dir, image_var

CHECKPATCH = os.path.join(IMAGE, "src", "linux", "scripts", "checkpatch.pl")
SOURCES = sorted(os.path.relpath(p, REPO) for pattern in
                 ("kernel/ib_odp/*.[ch]", "kernel/ib_odp/rxe/*.[ch]")
                 for p in glob.glob(os.path.join(REPO, pattern)))
RXE_DIR = os.path.join("src", "linux", "drivers", "infiniband", "sw", "rxe")
OURS = ("Kbuild", "rxe-objects.mk", "rxe_ib_odp.c")  # checked as sources above


def checkpatch(args):
    """checkpatch's findings (ERROR, WARNING, CHECK lines) for args."""
    if not os.path.exists(CHECKPATCH):
        pytest.fail("%s is missing: build the image (tools/image/build)" % CHECKPATCH,
                    pytrace=False)
    r = subprocess.run(["perl", CHECKPATCH, "--no-tree", "--terse"] + args,
                       cwd=REPO, capture_output=True, text=True)
    findings = [l for l in (r.stdout + r.stderr).splitlines()
                if any(k in l for k in ("ERROR", "WARNING", "CHECK"))]
    if r.returncode != 0 and not findings:
        findings = [r.stdout + r.stderr]
    return findings


@pytest.mark.parametrize("source", SOURCES)
def test_checkpatch(source, record_property):
    record_property("test", "checkpatch/" + source)
    findings = checkpatch(["-f", source])
    if findings:
        pytest.fail("\n".join(findings[:20]), pytrace=False)


def pytest_generate_tests(metafunc):
    if "distro" in metafunc.fixturenames:
        distros = selected_axes(metafunc.config)[0]
        metafunc.parametrize("distro", distros)


def test_rxe_series_checkpatch(distro, tmp_path, record_property):
    """The patch series of the distribution's kernel, applied by
    kernel/ib_odp/rxe/stage, as one diff against the pristine rxe."""
    record_property("test", "checkpatch/rxe-series-" + distro)
    pristine = os.path.join(image_dir(distro), RXE_DIR)
    env = os.path.join(image_dir(distro), "image.env")
    if not os.path.exists(env):
        pytest.fail("no %s image: tools/image/build --distro %s" % (distro, distro),
                    pytrace=False)
    kver = image_var("KERNEL_VERSION", distro)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(pristine, a)
    subprocess.run([os.path.join(REPO, "kernel/ib_odp/rxe/stage"), str(a), kver, str(b)],
                   check=True)
    for name in OURS:
        os.unlink(b / name)
    for name in ("Makefile", "Kconfig"):
        shutil.copy(a / name, b / name)
    diff = subprocess.run(["diff", "-urN", "a", "b"], cwd=tmp_path,
                          capture_output=True, text=True).stdout
    # A plain diff: no "diff ..." lines, which checkpatch reads as a
    # commit message, and no commit message to check.
    patch = tmp_path / "series.diff"
    patch.write_text("".join(l for l in diff.splitlines(True) if not l.startswith("diff ")))
    findings = checkpatch(["--no-signoff", "--ignore", "COMMIT_MESSAGE", str(patch)])
    if findings:
        pytest.fail("\n".join(findings[:20]), pytrace=False)
