"""The VM integration tests (tests/integration/*/), once per combination.

A test that finds the device without a feature it needs says
"unsupported: ..." and is reported UNSUPPORTED (stock rxe only: on ours it
fails). Each test runs in the warm VM of its combination (ibodp_testlib/pool.py)
through the guest agent; a combination's last test powers its VM off and
checks the whole boot's verdict (kernel log outside the tests, kmemleak
and rxe unload on the debug kernel).
"""
import os
import time

import pytest

from ibodp_testlib import combos, gtest_batch, suite
from ibodp_testlib.vm import VMError
from conftest import selected_axes


def _vm_tests(config, distro):
    """The discovered tests (GoogleTest cases listed from distro's build),
    once per process; every DEBUG_SUBSET pattern must name at least one of
    them."""
    if not hasattr(config, "ib_vm_tests"):
        tests = suite.discover(distro)
        missing = [p for p in combos.DEBUG_SUBSET if not any(p in t.name for t in tests)]
        if missing:
            raise pytest.UsageError("DEBUG_SUBSET patterns that match no test: "
                                    + ", ".join(missing))
        config.ib_vm_tests = tests
    return config.ib_vm_tests


def pytest_generate_tests(metafunc):
    distros, kernels, rxes, topologies = selected_axes(metafunc.config)
    tests = _vm_tests(metafunc.config, distros[0])
    debug_all = metafunc.config.getoption("--ib-debug-all")
    if metafunc.function.__name__ == "test_vm":
        params, ids = [], []
        for test in tests:
            for combo in combos.combos_for(test, distros, kernels, rxes, topologies,
                                           debug_all):
                params.append((combo, test))
                ids.append("%s:%s" % (combo, test.name))
        metafunc.parametrize("combo,vm_test", params, ids=ids)
    elif metafunc.function.__name__ == "test_vm_power_off":
        used = sorted({c for t in tests
                       for c in combos.combos_for(t, distros, kernels, rxes, topologies,
                                                  debug_all)})
        metafunc.parametrize("combo", used, ids=[str(c) for c in used])


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _next_cases(request, combo, vm_test, done):
    """vm_test and the GoogleTest cases of its binary that this worker
    runs right after it on combo (a whole combination runs on one worker,
    in collection order), at most gtest_batch.MAX_CASES."""
    items = request.session.items
    batch = []
    for item in items[items.index(request.node):]:
        params = getattr(item, "callspec", None)
        params = params.params if params else {}
        test = params.get("vm_test")
        if (params.get("combo") != combo or test is None or test.name in done
                or test.extra.get("binary") != vm_test.extra["binary"]):
            break
        batch.append(test)
        if len(batch) == gtest_batch.MAX_CASES:
            break
    return batch or [vm_test]


def _case_answer(request, vm, combo, vm_test, timeout, out):
    """The agent's answer for a GoogleTest case, with its output.log and
    dmesg.log in out: from the batch that ran it, or from a new batch of
    the cases that come next (gtest_batch.py)."""
    if vm_test.name not in vm.case_results:
        tests = _next_cases(request, combo, vm_test, vm.case_results)
        group = vm_test.name.split("/", 1)[0]
        cases = [t.name.split("/", 1)[1] for t in tests]
        argv = suite.gtest_argv(suite.argv_for(vm_test, combo.distro)[0], cases)
        batch_out = os.path.join(vm.results, "tests", group, "batch-" + cases[0])
        env = {"IBODP_TEST_MARKERS": "1", "IBODP_TEST_TIMEOUT": str(timeout)}
        try:
            answer = vm.run(vm_test.name, argv, timeout * len(cases), batch_out, env)
        except VMError as e:
            # What ran before the VM died still counts.
            answer = {"rc": None, "timed_out": False, "error": str(e)}
        kernel_log = _read(os.path.join(batch_out, "dmesg.log")).splitlines()
        per_case = gtest_batch.answers(answer, _read(os.path.join(batch_out, "output.log")),
                                       kernel_log, cases, argv[0])
        for case, result in per_case.items():
            vm.case_results[group + "/" + case] = result
    answer, output, kernel_log = vm.case_results.pop(vm_test.name, (None, "", []))
    if answer is None:
        raise VMError("its batch did not run it: " + vm_test.name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "output.log"), "w") as f:
        f.write(output)
    with open(os.path.join(out, "dmesg.log"), "w") as f:
        f.write("".join(line + "\n" for line in kernel_log))
    return dict(answer, counters={})


def test_vm(combo, vm_test, vms, request, record_property):
    record_property("test", vm_test.name)
    record_property("combination", str(combo))
    started = time.monotonic()
    try:
        vm = vms.get(combo)
    except VMError as e:
        record_property("reason", str(e))
        pytest.fail(str(e), pytrace=False)
    # A boot (or the wait for the debug kernel's build) is not the test's
    # own time: tests/durations.json leaves it out.
    record_property("vm_start_seconds", round(time.monotonic() - started, 2))
    timeout = vm_test.timeout
    if combo.kernel == "debug":
        timeout *= suite.DEBUG_TIMEOUT_SCALE
    out = os.path.join(vm.results, "tests", vm_test.name)
    try:
        if "binary" in vm_test.extra:
            answer = _case_answer(request, vm, combo, vm_test, timeout, out)
        else:
            answer = vm.run(vm_test.name, suite.argv_for(vm_test, combo.distro), timeout, out)
    except VMError as e:
        record_property("reason", str(e))
        pytest.fail(str(e), pytrace=False)
    record_property("counters", {k: v for k, v in answer["counters"].items() if v})
    output = _read(os.path.join(out, "output.log"))
    rc = answer["rc"]

    def fail(reason):
        record_property("reason", reason)
        tail = "\n".join(output.splitlines()[-30:])
        pytest.fail("%s\n--- %s/output.log (last lines):\n%s" % (reason, out, tail),
                    pytrace=False)

    if answer.get("error"):
        fail(answer["error"])
    findings = suite.scan_kernel_log(os.path.join(out, "dmesg.log"))
    if findings:
        fail("kernel log: " + findings[0].split(":", 2)[-1].strip())
    if rc == 77 or (rc == 0 and "\n[  SKIPPED ]" in "\n" + output):
        reason = suite.skip_reason(output)
        # Ours implements every feature the tests need, on every kernel;
        # prefetch also needs the verbs provider, which trixie's lacks.
        provider_gap = (reason.startswith(suite.NO_PREFETCH)
                        and not combos.PROVIDER_PREFETCHES[combo.distro])
        if combo.rxe == "ours" and reason.startswith(suite.UNSUPPORTED) and not provider_gap:
            fail("our rxe must support it: " + reason)
        pytest.skip(reason)
    if answer["timed_out"]:
        fail("timed out after %d s" % timeout)
    if (vm_test.xfail_stock and combo.rxe == "stock"
            and combos.STOCK_HAS_ODP[combo.distro]):
        if rc == 0:
            fail("passed on stock, but marked xfail-stock: " + vm_test.xfail_stock)
        pytest.xfail("known stock defect: " + vm_test.xfail_stock)
    if rc != 0:
        fail("exit status %d: %s" % (rc, suite.failure_reason(output)))


def test_vm_power_off(combo, vms, record_property):
    """The combination's VM powers off cleanly: no kernel-log finding
    outside the tests, and on the debug kernel no kmemleak report and a
    clean rxe unload."""
    record_property("test", "power_off")
    record_property("combination", str(combo))
    if not vms.booted(combo):
        pytest.skip("no test of %s ran in this worker" % combo)
    status, message = vms.power_off(combo)
    if status != 0:
        record_property("reason", message)
        pytest.fail("tools/vm/run exited %s: %s" % (status, message), pytrace=False)
