"""checkpatch.pl (from the image kernel's linux-source) on every kernel
source file of ours: one result per file, clean means no ERROR, WARNING
or CHECK."""
import glob
import os
import subprocess

import pytest

from ibodp_testlib.paths import IMAGE, REPO

CHECKPATCH = os.path.join(IMAGE, "src", "linux", "scripts", "checkpatch.pl")
SOURCES = sorted(os.path.relpath(p, REPO) for pattern in
                 ("kernel/ib_odp/*.[ch]", "kernel/ib_odp/rxe/*.[ch]")
                 for p in glob.glob(os.path.join(REPO, pattern)))


@pytest.mark.parametrize("source", SOURCES)
def test_checkpatch(source, record_property):
    record_property("test", "checkpatch/" + source)
    if not os.path.exists(CHECKPATCH):
        pytest.fail("%s is missing: build the image (tools/image/build)" % CHECKPATCH,
                    pytrace=False)
    r = subprocess.run(["perl", CHECKPATCH, "--no-tree", "--terse", "-f", source],
                       cwd=REPO, capture_output=True, text=True)
    findings = [l for l in (r.stdout + r.stderr).splitlines()
                if any(k in l for k in ("ERROR", "WARNING", "CHECK"))]
    if r.returncode != 0 or findings:
        pytest.fail("\n".join(findings[:20]) or r.stdout + r.stderr, pytrace=False)
