"""pytest set-up of the whole test command (tools/test runs pytest here).

Test kinds and where they run:
- tests/unit/test_unit.py         ctest in the test image (chroot), results from its JUnit file
- tests/host/test_checkpatch.py   checkpatch.pl on every kernel file of ours
- tests/host/test_scheduler.py    the xdist scheduler below runs one-test groups
- tests/host/test_scan_kernel_log.py  which kernel log lines fail a run
- tests/host/test_suite_headers.py    a .gtest file's per-case headers (ours-only, xfail-stock)
- tests/host/test_initrd.py       the guest initramfs: module order, rebuilt when a module changes
- tests/host/test_gtest_batch.py  many GoogleTest cases in one process, a verdict and a log each
- tests/host/test_vm_run.py       the VM runner's own contract (a boot per check)
- tests/host/test_debug_kernel.py the debug kernel's checks really work
- tests/host/test_packages.py     the Debian packages: built, lintian, installed in a guest
                                  of each distribution (a chroot install, then a boot; ~6-10 min)
- tests/integration/test_vm.py    the VM integration tests, once per combination
                                  (ibodp_testlib/combos.py), many tests per boot

Scheduling (pytest-xdist): every combination is one group, run by one worker
in one warm VM; host files are groups of their own. Groups go to the next
free worker, longest first by tests/durations.json, with the debug kernel's
groups last while that kernel is still being built.

Every result is also one JSON line in RESULTS/results.jsonl: name,
combination, result (PASS, FAIL, XFAIL, SKIP, UNSUPPORTED), reason,
seconds, counter deltas.
"""
import json
import os
import signal
import sys
import time
from collections import OrderedDict

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ibodp_testlib import combos as combos_mod  # noqa: E402
from ibodp_testlib.paths import REPO  # noqa: E402
from ibodp_testlib.pool import VmPool  # noqa: E402

DURATIONS = os.path.join(REPO, "tests", "durations.json")
DEFAULT_COST = {"vm": 15.0, "host": 30.0}


def pytest_addoption(parser):
    g = parser.getgroup("ib_odp")
    g.addoption("--ib-distro", default="sid,trixie",
                help="distributions (test images) of the VM tests: sid, trixie")
    g.addoption("--ib-kernel", default="image,debug",
                help="kernels of the VM tests, comma-separated: image, debug")
    g.addoption("--ib-rxe", default="stock,ours",
                help="rxe variants of the VM tests: stock, ours")
    g.addoption("--ib-topology", default="loopback,netns",
                help="topologies of the VM tests: loopback, netns")
    g.addoption("--ib-select", default="",
                help="only tests whose name contains one of these comma-separated"
                     " patterns; a pattern that selects nothing is an error")
    g.addoption("--ib-results", default=os.path.join(REPO, "results", "test"),
                help="folder for the VMs' results and results.jsonl")
    g.addoption("--ib-debug-all", action="store_true",
                help="every VM test on the debug kernel, not only DEBUG_SUBSET")
    g.addoption("--ib-save-durations", action="store_true",
                help="write this run's durations into tests/durations.json")
    g.addoption("--ib-debug-build-status", default="",
                help="file that a background build of the debug kernel writes its"
                     " exit status into; debug-kernel tests wait for it")


def _choices(config, name, allowed):
    values = [v for v in config.getoption(name).split(",") if v]
    bad = [v for v in values if v not in allowed]
    if bad or not values:
        raise pytest.UsageError("%s takes a comma-separated subset of %s, not %r"
                                % (name, ",".join(allowed), config.getoption(name)))
    return [v for v in allowed if v in values]


def selected_axes(config):
    return (_choices(config, "--ib-distro", combos_mod.DISTROS),
            _choices(config, "--ib-kernel", combos_mod.KERNELS),
            _choices(config, "--ib-rxe", combos_mod.RXES),
            _choices(config, "--ib-topology", combos_mod.TOPOLOGIES))


_signalled = []


def _interrupted(signum, frame):
    _signalled.append(signum)
    raise KeyboardInterrupt("signal %d" % signum)


def pytest_configure(config):
    # SIGTERM (a stopped CI job, a kill of tools/test) ends the run as ^C
    # does: fixtures are torn down, so the VM pool powers off its VMs,
    # which run in sessions of their own and would outlive this process.
    signal.signal(signal.SIGTERM, _interrupted)
    selected_axes(config)  # a bad value is a usage error before anything runs
    os.makedirs(config.getoption("--ib-results"), exist_ok=True)
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(ResultLog(config), "ib_odp_result_log")


# ---- grouping and scheduling -------------------------------------------

# Host tests that boot a VM of their own per parameter: each one is a
# group, so that two of them can run at once.
OWN_GROUP_PER_TEST = ("tests/host/test_packages.py",)


def group_of(nodeid):
    """The scheduling group of a test: its combination for VM tests, its
    file for host tests (the test itself in OWN_GROUP_PER_TEST)."""
    path, _, name = nodeid.partition("::")
    if "[" in name and name.startswith(("test_vm[", "test_vm_power_off[")):
        param = name[name.index("[") + 1:name.rindex("]")]
        return "vm:" + param.split(":", 1)[0]
    if path in OWN_GROUP_PER_TEST:
        return "host:" + nodeid
    return "host:" + path


def load_durations():
    try:
        with open(DURATIONS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def estimated_seconds(nodeid, durations):
    key = nodeid.partition("::")[2]
    if key in durations:
        return float(durations[key])
    return DEFAULT_COST["vm" if group_of(nodeid).startswith("vm:") else "host"]


def make_scheduler_class():
    from xdist.scheduler import LoadScopeScheduling

    class CombinationScheduling(LoadScopeScheduling):
        """One group per combination (one warm VM), longest group first
        to the next free worker."""

        def _split_scope(self, nodeid):
            return group_of(nodeid)

        def schedule(self):
            assert self.collection_is_completed
            if self.collection is not None:
                for node in self.nodes:
                    self._reschedule(node)
                return
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            self.collection = list(next(iter(self.registered_collections.values())))
            if not self.collection:
                return
            durations = load_durations()
            units, cost = OrderedDict(), {}
            for nodeid in self.collection:
                g = group_of(nodeid)
                units.setdefault(g, OrderedDict())[nodeid] = False
                cost[g] = cost.get(g, 0.0) + estimated_seconds(nodeid, durations)
            debug_waits = bool(self.config.getoption("--ib-debug-build-status"))

            def order(g):
                is_debug = g.startswith("vm:debug-") or "debug_kernel" in g
                return (debug_waits and is_debug, -cost[g])
            for g in sorted(units, key=order):
                self.workqueue[g] = units[g]
            for _ in range(max(0, len(self.nodes) - len(self.workqueue))):
                node, _ = self.assigned_work.popitem(last=True)
                node.shutdown()
            for node in self.nodes:
                if self.workqueue:
                    self._assign_work_unit(node)
            # A worker runs an item only once it knows the next one (or
            # is told to shut down): a group of one test (a package test)
            # would wait for ever. Give each node a second unit, as
            # LoadScopeScheduling does.
            for node in self.nodes:
                self._reschedule(node)
            if not self.workqueue:
                for node in self.nodes:
                    node.shutdown()

    return CombinationScheduling


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return make_scheduler_class()(config, log)


# ---- selection and order -------------------------------------------------

def _is_power_off(item):
    return item.name.startswith("test_vm_power_off")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    patterns = [p for p in config.getoption("--ib-select").split(",") if p]
    if patterns:
        unmatched = [p for p in patterns
                     if not any(p in it.nodeid for it in items if not _is_power_off(it))]
        if unmatched:
            raise pytest.UsageError("--ib-select/-k: no test matches %s"
                                    % ", ".join(repr(p) for p in unmatched))
        keep = [it for it in items if _is_power_off(it)
                or any(p in it.nodeid for p in patterns)]
    else:
        keep = list(items)
    # A combination's power-off check runs only after tests of it, last.
    with_tests = {group_of(it.nodeid) for it in keep if not _is_power_off(it)}
    final = [it for it in keep if group_of(it.nodeid) in with_tests]
    position = {}
    for it in final:
        position.setdefault(group_of(it.nodeid), len(position))
    final.sort(key=lambda it: (position[group_of(it.nodeid)], _is_power_off(it)))
    kept = set(final)
    dropped = [it for it in items if it not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = final


# ---- fixtures ------------------------------------------------------------

@pytest.fixture(scope="session")
def ib_results(pytestconfig):
    return pytestconfig.getoption("--ib-results")


@pytest.fixture(scope="session")
def vms(pytestconfig, ib_results):
    pool = VmPool(ib_results, pytestconfig.getoption("--ib-debug-build-status") or None)
    yield pool
    if _signalled:
        pool.kill()  # no orderly power-off behind a test that still runs
    else:
        pool.close()


# ---- results and progress ------------------------------------------------

def _skip_reason(report):
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].replace("Skipped: ", "", 1)
    return str(report.longrepr)


def _is_unsupported(report):
    """A skip because the device lacks a feature the test needs."""
    return report.skipped and _skip_reason(report).startswith("unsupported")


def result_record(report):
    """A test's result record, or None for a report that is not one (a
    setup or teardown that passed)."""
    if report.when != "call" and report.passed:
        return None
    props = dict(report.user_properties)
    if hasattr(report, "wasxfail"):
        result = "XFAIL" if report.skipped else "FAIL"
        reason = report.wasxfail.replace("reason: ", "", 1)
        if result == "FAIL":
            reason = "passed, but marked as a known stock defect: " + reason
    elif report.passed:
        result, reason = "PASS", ""
    elif report.skipped:
        reason = _skip_reason(report)
        result = "UNSUPPORTED" if _is_unsupported(report) else "SKIP"
    else:
        result = "FAIL"
        lines = report.longreprtext.strip().splitlines()
        reason = props.get("reason") or next(
            (l for l in lines if l.startswith("E ")), lines[-1] if lines else "")
        reason = reason[2:].strip() if reason.startswith("E ") else reason
        if report.when != "call":
            reason = "in %s: %s" % (report.when, reason)
    return {"name": props.get("test", report.nodeid.partition("::")[2]),
            "combination": props.get("combination", "host"),
            "result": result, "reason": reason,
            "seconds": round(report.duration, 2),
            "vm_start_seconds": props.get("vm_start_seconds", 0),
            "counters": props.get("counters", {}), "nodeid": report.nodeid}


def save_durations(records):
    """Merge this run's durations into tests/durations.json (the
    scheduler's estimates), keyed by test id."""
    durations = load_durations()
    for r in records:
        durations[r["nodeid"].partition("::")[2]] = round(
            max(0.0, r["seconds"] - r["vm_start_seconds"]), 1)
    with open(DURATIONS + ".tmp", "w") as f:
        json.dump(dict(sorted(durations.items())), f, indent=0)
        f.write("\n")
    os.replace(DURATIONS + ".tmp", DURATIONS)


class ResultLog:
    """On the controller (or a run without workers): one JSON line per
    result in RESULTS/results.jsonl and one progress line on the terminal
    (time since start, worker, result, combination, test, duration)."""

    def __init__(self, config):
        self.config = config
        self.start = time.monotonic()
        self.path = os.path.join(config.getoption("--ib-results"), "results.jsonl")
        self.records = []
        open(self.path, "w").close()

    def pytest_sessionfinish(self, session):
        if self.config.getoption("--ib-save-durations"):
            save_durations(self.records)

    def pytest_terminal_summary(self, terminalreporter):
        """UNSUPPORTED results per combination and reason, so that what a
        stock rxe cannot do stays visible in the short summary."""
        counts = {}
        for r in self.records:
            if r["result"] == "UNSUPPORTED":
                key = (r["combination"], r["reason"])
                counts[key] = counts.get(key, 0) + 1
        if counts:
            terminalreporter.section("unsupported (the device lacks a feature the test needs)")
            for (combination, reason), n in sorted(counts.items()):
                terminalreporter.write_line("%s: %d test(s): %s" % (combination, n, reason))

    def pytest_runtest_logreport(self, report):
        record = result_record(report)
        if record is None:
            return
        self.records.append(record)
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if tr is None:
            return
        elapsed = int(time.monotonic() - self.start)
        node = getattr(report, "node", None)
        worker = node.gateway.id if node is not None else "-"
        line = "[%3d:%02d %s] %-11s %s %s (%.1f s)%s" % (
            elapsed // 60, elapsed % 60, worker, record["result"], record["combination"],
            record["name"], report.duration,
            (": " + record["reason"]) if record["reason"] else "")
        tr.write_line(line[:300])


def pytest_report_teststatus(report, config):
    # Our own progress line (pytest_runtest_logreport) replaces the dots.
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcome = report.outcome
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        elif _is_unsupported(report):
            # Its own count in pytest's summary line, apart from skips.
            outcome = "unsupported"
        elif not report.passed and report.when == "setup" and report.failed:
            outcome = "error"
        return outcome, "", outcome.upper()
    return None
