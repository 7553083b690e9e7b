"""The CMake tests (GoogleTest unit tests, the tools' command-line
contract, the installed package, the microbenchmarks running): ctest runs
once per distribution in its test image (sid: GCC 16, rdma-core of sid;
trixie: GCC 14, rdma-core 56.1); each of its tests is one result here,
read from ctest's JUnit file."""
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import selected_axes
from ibodp_testlib.paths import build_dir, in_image


def cmake_build(distro):
    return os.path.join(build_dir(distro), "cmake")


def ctest_names(distro):
    if not os.path.isdir(cmake_build(distro)):
        return []
    r = in_image("ctest", "--test-dir", cmake_build(distro), "--show-only=json-v1",
                 distro=distro, capture_output=True, text=True)
    if r.returncode != 0:
        return []
    return [t["name"] for t in json.loads(r.stdout)["tests"]]


def pytest_generate_tests(metafunc):
    params, ids = [], []
    for distro in selected_axes(metafunc.config)[0]:
        # No build or no ctest list is one failing test, never zero tests.
        for name in ctest_names(distro) or ["(no ctest tests: run tools/build --distro %s)"
                                            % distro]:
            params.append((distro, name))
            ids.append("%s:%s" % (distro, name))
    metafunc.parametrize("distro,ctest_name", params, ids=ids)


def run_ctest(distro, ib_results):
    """Run a distribution's ctest once; {name: (status, message)} and its log."""
    # ctest runs in the image's chroot, which sees the repository (and so
    # the build folder) at its own path, but not the host's /tmp.
    junit = os.path.join(cmake_build(distro), "ctest-junit.xml")
    log = os.path.join(ib_results, "unit-%s.log" % distro)
    if os.path.exists(junit):
        os.unlink(junit)
    with open(log, "w") as f:
        in_image("ctest", "--test-dir", cmake_build(distro), "--output-on-failure",
                 "-j", str(os.cpu_count() or 1), "--output-junit", junit,
                 distro=distro, stdout=f, stderr=subprocess.STDOUT)
    results = {}
    if os.path.exists(junit):
        shutil.copy(junit, os.path.join(ib_results, "unit-%s-junit.xml" % distro))
        for case in ET.parse(junit).getroot().iter("testcase"):
            failure = case.find("failure")
            skipped = case.find("skipped")
            status = case.get("status", "run")
            out = case.findtext("system-out") or ""
            if failure is not None or status == "fail":
                results[case.get("name")] = ("fail", (failure.get("message", "") if failure is not None else "") + "\n" + out)
            elif skipped is not None or status in ("notrun", "disabled"):
                results[case.get("name")] = ("skip", skipped.get("message", "") if skipped is not None else status)
            else:
                results[case.get("name")] = ("pass", "")
    return results, log


@pytest.fixture(scope="module")
def ctest_results(ib_results):
    runs = {}

    def get(distro):
        if distro not in runs:
            runs[distro] = run_ctest(distro, ib_results)
        return runs[distro]
    return get


def test_ctest(distro, ctest_name, ctest_results, record_property):
    record_property("test", "unit/" + ctest_name)
    record_property("combination", distro)
    results, log = ctest_results(distro)
    if ctest_name not in results:
        pytest.fail("no result for %s in ctest's JUnit file (see %s)" % (ctest_name, log),
                    pytrace=False)
    status, message = results[ctest_name]
    if status == "skip":
        pytest.skip(message or "skipped by ctest")
    if status == "fail":
        pytest.fail("ctest: %s failed\n%s" % (ctest_name, message[-3000:]), pytrace=False)
