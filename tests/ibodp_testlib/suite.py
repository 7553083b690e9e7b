"""The VM integration tests: what they are and how to run one.

A test is an executable tests/integration/<group>/<name>.sh, or one case of
a GoogleTest binary named by a tests/integration/<group>/*.gtest file.
Header comments declare how it runs:
  # topology: loopback      topologies it runs in (default: both)
  # rxe: ours               rxe variants it runs on (default: both)
  # distro: sid             distributions it runs on (default: all)
  # kernel: debug           kernels it runs on (default: the image kernel,
                            and the debug kernel if DEBUG_SUBSET names it)
  # needs: odp implicit-odp device features it needs (lib.sh require)
  # timeout: SEC            per-test limit (default 120; x4 on the debug kernel)
  # xfail-stock: REASON     known stock rxe defect: on stock a failure is
                            expected (XFAIL), a pass is an error
A .gtest file names its binary ("# binary: PATH" under the build's cmake/,
the one of the distribution the test runs on),
lists stock defects per case ("# xfail-stock: Suite.Case: REASON") and
the suites or cases that test what only ours has ("# ours-only: Suite:
REASON"): those are not run on stock, where each would only start a
process to skip (about 4 s on the debug kernel).
Exit 77 (or a GoogleTest skip) means skipped, with the reason printed; a
reason that starts with "unsupported:" (UNSUPPORTED) says the device lacks
a feature the test needs (stock trixie rxe has no ODP).
"""
import glob
import os
import re
import subprocess
from dataclasses import dataclass, field

from .paths import REPO, build_dir, in_image, tool

INTEGRATION = os.path.join(REPO, "tests", "integration")
DEFAULT_TIMEOUT = 120
UNSUPPORTED = "unsupported:"
NO_PREFETCH = "unsupported: no prefetch on"   # lib.sh missing, fixture.hpp
DEBUG_TIMEOUT_SCALE = 4


@dataclass
class VmTest:
    name: str                   # e.g. "clients/ib_write_lat_odp", "odp/OdpOps.RcWrite"
    argv: list                  # command line in the guest, run in the repository
    timeout: int
    topologies: tuple = ()      # empty: all
    rxes: tuple = ()            # empty: all
    distros: tuple = ()         # empty: all
    kernels: tuple = ()         # empty: the image kernel, and DEBUG_SUBSET's
    xfail_stock: str = ""
    source: str = ""            # the file that defines it
    extra: dict = field(default_factory=dict)


def headers(path):
    """The '# key: value' header lines of a file, first value per key."""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^# ([a-z-]+): *(.*)$", line.rstrip("\n"))
            if m and m.group(1) not in out:
                out[m.group(1)] = m.group(2)
    return out


def _script_test(path):
    h = headers(path)
    rel = os.path.relpath(path, INTEGRATION)
    return VmTest(name=rel[:-3], argv=["bash", os.path.relpath(path, REPO)],
                  timeout=int(h.get("timeout", DEFAULT_TIMEOUT)),
                  topologies=tuple(h.get("topology", "").split()),
                  rxes=tuple(h.get("rxe", "").split()),
                  distros=tuple(h.get("distro", "").split()),
                  kernels=tuple(h.get("kernel", "").split()),
                  xfail_stock=h.get("xfail-stock", ""), source=path)


def list_gtest_cases(binary, distro):
    """Suite.Case names of a GoogleTest binary, listed in distro's test
    image (the binary links against the image's libraries). Cached next to
    the binary, keyed by its modification time."""
    cache = binary + ".cases"
    stamp = str(os.stat(binary).st_mtime_ns)
    try:
        with open(cache) as f:
            lines = f.read().splitlines()
        if lines and lines[0] == stamp:
            return lines[1:]
    except OSError:
        pass
    listing = in_image(binary, "--gtest_list_tests", distro=distro,
                       check=True, capture_output=True, text=True).stdout
    cases, suite = [], ""
    for line in listing.splitlines():
        if not line.strip() or line.startswith("Running main"):
            continue
        if not line.startswith(" "):
            suite = line.split()[0]
        else:
            cases.append(suite + line.split()[0])
    tmp = cache + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join([stamp] + cases) + "\n")
    os.replace(tmp, cache)
    return cases


def _gtest_tests(path, distro):
    h = headers(path)
    group = os.path.relpath(os.path.dirname(path), INTEGRATION)
    binary = os.path.join(build_dir(distro), "cmake", h["binary"])
    per_case = {"xfail-stock": {}, "ours-only": {}}
    with open(path) as f:
        for line in f:
            m = re.match(r"^# (xfail-stock|ours-only): ([\w./]+): *(.*)$", line.rstrip("\n"))
            if m:
                per_case[m.group(1)][m.group(2)] = m.group(3)
    xfails, ours_only = per_case["xfail-stock"], per_case["ours-only"]
    if not os.access(binary, os.X_OK):
        # Reported as a failing test rather than silently missing.
        return [VmTest(name=group + "/" + os.path.basename(path)[:-6],
                       argv=["sh", "-c", "echo 'FAIL: %s is not built (tools/build)'; exit 1"
                             % binary], timeout=10, source=path)]
    tests = []
    cases = list_gtest_cases(binary, distro)

    def names(key, case):
        """key is case itself or the suite case belongs to."""
        return case == key or case.startswith(key + ".")

    def ours_only_key(case):
        return next((k for k in ours_only if names(k, case)), None)

    for case in cases:
        rxes = ("ours",) if ours_only_key(case) else tuple(h.get("rxe", "").split())
        tests.append(VmTest(
            name=group + "/" + case,
            argv=gtest_argv(os.path.relpath(binary, REPO), [case]),
            timeout=int(h.get("timeout", DEFAULT_TIMEOUT)),
            topologies=tuple(h.get("topology", "").split()),
            rxes=rxes,
            distros=tuple(h.get("distro", "").split()),
            xfail_stock=xfails.get(case, ""), source=path,
            extra={"binary": h["binary"]}))
    unknown = set(xfails) - set(cases)
    if unknown:
        raise ValueError("%s: xfail-stock names cases that do not exist: %s"
                         % (path, ", ".join(sorted(unknown))))
    unmatched = {k for k in ours_only if not any(names(k, c) for c in cases)}
    if unmatched:
        raise ValueError("%s: ours-only names no case: %s" % (path, ", ".join(sorted(unmatched))))
    both = {c for c in xfails if ours_only_key(c)}
    if both:
        raise ValueError("%s: cases both xfail-stock and ours-only: %s"
                         % (path, ", ".join(sorted(both))))
    return tests


def gtest_argv(binary, cases):
    """The command line that runs cases (names) of the GoogleTest binary."""
    return [binary, "--gtest_filter=" + ":".join(cases), "--gtest_color=no"]


def argv_for(test, distro):
    """test's command line in a guest of distro: a GoogleTest case runs
    that distribution's build of its binary."""
    if "binary" not in test.extra:
        return test.argv
    binary = os.path.join(build_dir(distro), "cmake", test.extra["binary"])
    return [os.path.relpath(binary, REPO)] + test.argv[1:]


def discover(distro):
    """Every VM integration test, sorted by name; GoogleTest cases are
    listed from distro's build (every build has the same cases)."""
    tests = []
    for path in sorted(glob.glob(os.path.join(INTEGRATION, "*", "*.sh"))):
        if os.access(path, os.X_OK):
            tests.append(_script_test(path))
    for path in sorted(glob.glob(os.path.join(INTEGRATION, "*", "*.gtest"))):
        tests.extend(_gtest_tests(path, distro))
    return sorted(tests, key=lambda t: t.name)


def skip_reason(output):
    """The reason a skipped test printed: GoogleTest's message after
    'Skipped', else the last line."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip().endswith("Skipped") and i + 1 < len(lines) and lines[i + 1].strip():
            return lines[i + 1].strip()
    return lines[-1].strip() if lines else "(no reason printed)"


def failure_reason(output):
    """The first line of a failed test's output that says why."""
    for line in output.splitlines():
        if re.match(r"^FAIL|.*Failure$|.*error:", line):
            return line.strip()
    lines = output.splitlines()
    return lines[-1].strip() if lines else "(no output)"


def scan_kernel_log(path):
    """Lines of a kernel log that fail a test (tools/vm/scan-kernel-log)."""
    r = subprocess.run([tool("vm/scan-kernel-log"), path], capture_output=True, text=True)
    if r.returncode == 0:
        return []
    if r.returncode == 1:
        return r.stdout.splitlines()
    return ["%s: cannot be scanned: %s" % (path, r.stderr.strip())]
