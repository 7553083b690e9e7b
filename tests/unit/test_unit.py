"""The CMake tests (GoogleTest unit tests, the tools' command-line
contract, the installed package, the microbenchmarks running): ctest runs
once in the test image; each of its tests is one result here, read from
ctest's JUnit file."""
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from ibodp_testlib.paths import BUILD, in_image

CMAKE_BUILD = os.path.join(BUILD, "cmake")


def ctest_names():
    if not os.path.isdir(CMAKE_BUILD):
        return []
    r = in_image("ctest", "--test-dir", CMAKE_BUILD, "--show-only=json-v1",
                 capture_output=True, text=True)
    if r.returncode != 0:
        return []
    return [t["name"] for t in json.loads(r.stdout)["tests"]]


def pytest_generate_tests(metafunc):
    names = ctest_names()
    # No build or no ctest list is one failing test, never zero tests.
    metafunc.parametrize("ctest_name", names or ["(no ctest tests: run tools/build)"])


@pytest.fixture(scope="module")
def ctest_results(ib_results):
    # ctest runs in the image's chroot, which sees the repository (and so
    # the build folder) at its own path, but not the host's /tmp.
    junit = os.path.join(CMAKE_BUILD, "ctest-junit.xml")
    log = os.path.join(ib_results, "unit.log")
    if os.path.exists(junit):
        os.unlink(junit)
    with open(log, "w") as f:
        in_image("ctest", "--test-dir", CMAKE_BUILD, "--output-on-failure",
                 "-j", str(os.cpu_count() or 1), "--output-junit", junit,
                 stdout=f, stderr=subprocess.STDOUT)
    results = {}
    if os.path.exists(junit):
        shutil.copy(junit, os.path.join(ib_results, "unit-junit.xml"))
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


def test_ctest(ctest_name, ctest_results, record_property):
    record_property("test", "unit/" + ctest_name)
    results, log = ctest_results
    if ctest_name not in results:
        pytest.fail("no result for %s in ctest's JUnit file (see %s)" % (ctest_name, log),
                    pytrace=False)
    status, message = results[ctest_name]
    if status == "skip":
        pytest.skip(message or "skipped by ctest")
    if status == "fail":
        pytest.fail("ctest: %s failed\n%s" % (ctest_name, message[-3000:]), pytrace=False)
