"""How a .gtest file's per-case headers place its cases
(tests/ibodp_testlib/suite.py): "ours-only" keeps a suite or case off
stock, "xfail-stock" marks stock defects, and a name that matches no
case, or a case marked both ways, is an error rather than a silent no-op.
The binary is a stand-in whose case list is the cache suite.py keeps
beside it, so nothing runs in an image."""
import os

import pytest

from ibodp_testlib import suite

CASES = ["Ops.Write", "Ops.Read", "Inject.Busy", "Inject.Timeout", "InjectMore.Other"]


@pytest.fixture
def gtest_dir(request, tmp_path, monkeypatch, record_property):
    """A build folder with a stand-in binary, and a tests/integration/grp
    folder for the .gtest file."""
    record_property("test", "suite_headers/" + request.node.name[len("test_"):])
    build = tmp_path / "build"
    binary = build / "cmake" / "tests" / "fake_tests"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\nexit 1\n")
    binary.chmod(0o755)
    (build / "cmake" / "tests" / "fake_tests.cases").write_text(
        "\n".join([str(os.stat(binary).st_mtime_ns)] + CASES) + "\n")
    monkeypatch.setattr(suite, "build_dir", lambda distro: str(build))
    monkeypatch.setattr(suite, "INTEGRATION", str(tmp_path / "integration"))
    group = tmp_path / "integration" / "grp"
    group.mkdir(parents=True)
    return group


def gtest_file(group, *headers):
    path = group / "fake.gtest"
    path.write_text("# binary: tests/fake_tests\n" + "".join("# %s\n" % h for h in headers))
    return str(path)


def test_ours_only_suite_and_case(gtest_dir):
    path = gtest_file(gtest_dir, "ours-only: Inject: a feature of ours",
                      "ours-only: Ops.Read: also ours",
                      "xfail-stock: Ops.Write: a stock defect")
    tests = {t.name: t for t in suite._gtest_tests(path, "sid")}
    assert sorted(tests) == sorted("grp/" + c for c in CASES)
    assert tests["grp/Inject.Busy"].rxes == ("ours",)
    assert tests["grp/Inject.Timeout"].rxes == ("ours",)
    assert tests["grp/Ops.Read"].rxes == ("ours",)
    # A suite name is not a prefix of another suite's name.
    assert tests["grp/InjectMore.Other"].rxes == ()
    assert tests["grp/Ops.Write"].rxes == ()
    assert tests["grp/Ops.Write"].xfail_stock == "a stock defect"


@pytest.mark.parametrize("headers,says", [
    (["ours-only: Injected: typo"], "ours-only names no case: Injected"),
    (["xfail-stock: Ops.Writ: typo"], "xfail-stock names cases that do not exist: Ops.Writ"),
    (["ours-only: Ops: ours", "xfail-stock: Ops.Write: stock defect"],
     "cases both xfail-stock and ours-only: Ops.Write"),
])
def test_bad_headers_are_errors(gtest_dir, headers, says):
    with pytest.raises(ValueError, match=says):
        suite._gtest_tests(gtest_file(gtest_dir, *headers), "sid")


def test_a_case_inside_an_ours_only_suite_is_not_unmatched(gtest_dir):
    path = gtest_file(gtest_dir, "ours-only: Ops: ours", "ours-only: Ops.Read: also ours")
    tests = {t.name: t for t in suite._gtest_tests(path, "sid")}
    assert tests["grp/Ops.Read"].rxes == ("ours",)
    assert tests["grp/Ops.Write"].rxes == ("ours",)
