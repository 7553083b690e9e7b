"""The test command's xdist scheduler (tests/conftest.py), on a project of
its own: groups of one test each (as the package tests are) must all run.
An xdist worker runs an item only once it knows the next one or is told to
shut down, so a scheduler that hands a worker a single one-test group and
nothing more waits for ever (CI's timeout of 2026-12-01)."""
import os
import subprocess
import sys

from ibodp_testlib.paths import REPO

CONFTEST = '''
import importlib.util
import sys
sys.path.insert(0, {tests!r})
spec = importlib.util.spec_from_file_location("ib_conftest", {conftest!r})
ib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ib)
pytest_addoption = ib.pytest_addoption
pytest_xdist_make_scheduler = ib.pytest_xdist_make_scheduler
'''

# Far longer than the run takes (a few seconds), far shorter than a hang.
RUN_TIMEOUT = 60


def test_one_test_groups_all_run(tmp_path):
    tests = os.path.join(REPO, "tests")
    (tmp_path / "conftest.py").write_text(CONFTEST.format(
        tests=tests, conftest=os.path.join(tests, "conftest.py")))
    # Three groups of one test for two workers: each worker starts with a
    # one-test group, one of them later gets the third.
    for name in ("a", "b", "c"):
        (tmp_path / ("test_%s.py" % name)).write_text(
            "def test_%s():\n    assert True\n" % name)
    try:
        r = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "-q",
                            "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                            str(tmp_path)],
                           cwd=tmp_path, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError("pytest -n 2 over three one-test groups did not end in %d s"
                             % RUN_TIMEOUT) from None
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 passed" in r.stdout, r.stdout
