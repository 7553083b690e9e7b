"""Many GoogleTest cases in one process (ibodp_testlib/gtest_batch.py):
each case keeps its own verdict, output and kernel log; a hang or a crash
fails the case it happened in and leaves the later ones to a new batch."""
import signal

from ibodp_testlib import gtest_batch

BINARY = "build/cmake/tests/ibodp_odp_tests"
CASES = ["A.Passes", "A.Fails", "B.Skips", "B.Last"]
# GoogleTest's end lines, as it prints them.
END = {"OK": "[       OK ]", "FAILED": "[  FAILED  ]", "SKIPPED": "[  SKIPPED ]"}


def run(*cases):
    """GoogleTest's output for cases given as (name, end status or None
    for a case that never ended, its own lines)."""
    lines = ["Note: Google Test filter = ...", "[==========] Running 4 tests"]
    for name, status, body in cases:
        lines.append("[ RUN      ] " + name)
        lines.extend(body)
        if status:
            lines.append("%s %s (12 ms)" % (END[status], name))
    return "\n".join(lines) + "\n"


WHOLE = run(("A.Passes", "OK", ["fine"]),
            ("A.Fails", "FAILED", ["x.cpp:3: Failure", "Expected equality"]),
            ("B.Skips", "SKIPPED", ["x.cpp:9: Skipped", "unsupported: no such thing"]),
            ("B.Last", "OK", [])) + "[  FAILED  ] 1 test, listed below:\n[  FAILED  ] A.Fails\n"
KERNEL_LOG = ["[ 1.0] process start",
              "[ 2.0] ibodp_odp_tests: start A.Passes",
              "[ 2.1] line of A.Passes",
              "[ 3.0] ibodp_odp_tests: start A.Fails",
              "[ 3.1] WARNING: in A.Fails",
              "[ 4.0] ibodp_odp_tests: start B.Skips",
              "[ 5.0] ibodp_odp_tests: start B.Last",
              "[ 5.5] left behind by B.Last"]


def test_each_case_has_its_verdict_and_its_own_output():
    got = gtest_batch.answers({"rc": 1, "timed_out": False}, WHOLE, KERNEL_LOG, CASES, BINARY)
    assert {c: a["rc"] for c, (a, _, _) in got.items()} == {
        "A.Passes": 0, "A.Fails": 1, "B.Skips": 0, "B.Last": 0}
    assert "error" not in got["B.Last"][0]
    assert "Expected equality" in got["A.Fails"][1] and "fine" not in got["A.Fails"][1]
    assert "\n[  SKIPPED ] B.Skips (12 ms)" in "\n" + got["B.Skips"][1]
    # The summary after the last case is no case's output.
    assert "listed below" not in got["B.Last"][1]


def test_kernel_log_lines_go_to_the_case_that_was_running():
    got = gtest_batch.answers({"rc": 1, "timed_out": False}, WHOLE, KERNEL_LOG, CASES, BINARY)
    assert got["A.Passes"][2] == KERNEL_LOG[:3]
    assert got["A.Fails"][2] == KERNEL_LOG[3:5]
    assert got["B.Last"][2] == KERNEL_LOG[6:]


def test_a_hang_fails_its_case_and_leaves_the_rest_to_a_new_batch():
    output = run(("A.Passes", "OK", []), ("A.Fails", None, ["waiting..."]))
    for answer in ({"rc": -signal.SIGALRM, "timed_out": False},
                   {"rc": 124, "timed_out": True}):
        got = gtest_batch.answers(answer, output, KERNEL_LOG, CASES, BINARY)
        assert list(got) == ["A.Passes", "A.Fails"]
        assert got["A.Passes"][0]["rc"] == 0
        assert got["A.Fails"][0]["timed_out"] and got["A.Fails"][0]["rc"] == 124


def test_a_crash_fails_its_case_by_name():
    output = run(("A.Passes", "OK", []), ("A.Fails", None, []))
    got = gtest_batch.answers({"rc": -signal.SIGSEGV, "timed_out": False}, output,
                              KERNEL_LOG, CASES, BINARY)
    assert list(got) == ["A.Passes", "A.Fails"]
    assert "exit status -11" in got["A.Fails"][0]["error"]


def test_a_crash_after_the_last_case_fails_the_last_case():
    output = run(*[(c, "OK", []) for c in CASES])
    got = gtest_batch.answers({"rc": -signal.SIGABRT, "timed_out": False}, output,
                              KERNEL_LOG, CASES, BINARY)
    assert [a.get("error") is None for a, _, _ in got.values()] == [True, True, True, False]
    assert got["B.Last"][0]["rc"] == -signal.SIGABRT
    clean = gtest_batch.answers({"rc": 0, "timed_out": False}, output, KERNEL_LOG, CASES,
                                BINARY)
    assert all("error" not in a for a, _, _ in clean.values())


def test_a_process_that_runs_no_case_gives_every_case_its_verdict():
    output = "unsupported: rxe0 has no ODP (no ODP_SUPPORT in its caps)\n"
    got = gtest_batch.answers({"rc": 77, "timed_out": False}, output, [], CASES, BINARY)
    assert sorted(got) == sorted(CASES)
    assert all(a["rc"] == 77 and text == output for a, text, _ in got.values())
