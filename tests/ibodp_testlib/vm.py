"""A warm test VM: one boot of tools/vm/run serving many tests.

The guest runs tools/vm/guest/agent; requests and answers travel through a
mailbox folder in the VM's results folder, which the guest mounts over 9p
at the same path (the agent's docstring has the protocol).
"""
import itertools
import json
import os
import signal
import subprocess
import time

from .combos import Combo
from .paths import REPO, tool

BOOT_TIMEOUT = 300  # the debug kernel boots in ~45 s, the image kernel in ~10 s
POLL_SECONDS = 0.05
# The guest's own limit for the whole boot; tests have their own limits.
GUEST_COMMAND_TIMEOUT = 6 * 3600


class VMError(Exception):
    """The VM could not boot, or died: no test result from it."""


class GuestVM:
    """One boot of a combination. start() boots it, run() runs one test in
    it, stop() powers it off and returns tools/vm/run's verdict on the whole
    boot (status and kernel-log findings outside any test)."""

    def __init__(self, combo: Combo, results: str, mem="2G", hugepages=8):
        self.combo = combo
        self.results = results
        self.mailbox = os.path.join(results, "agent")
        self.mem = mem
        self.hugepages = hugepages
        # Test name -> (answer, output, kernel log lines) of GoogleTest
        # cases that a batch ran before their own test (gtest_batch.py).
        self.case_results = {}
        self.proc = None
        self.seq = itertools.count(1)
        self.stderr_path = os.path.join(results, "vm-run.stderr")

    def argv(self):
        c = self.combo
        args = [tool("vm/run"), "--distro", c.distro, "--rxe", c.rxe, "--kernel", c.kernel,
                "--results", self.results, "--timeout", str(GUEST_COMMAND_TIMEOUT),
                "--mem", self.mem, "--hugepages", str(self.hugepages)]
        if c.topology == "netns":
            args.append("--netns")
        return args + ["--", "python3", os.path.join(REPO, "tools/vm/guest/agent"),
                       self.mailbox]

    def start(self):
        os.makedirs(self.mailbox, exist_ok=True)
        for name in os.listdir(self.mailbox):
            os.unlink(os.path.join(self.mailbox, name))
        with open(os.path.join(self.results, "vm-run.stdout"), "wb") as out, \
                open(self.stderr_path, "wb") as err:
            # Its own process group, so that stop() can end QEMU with it.
            self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, cwd=REPO,
                                         start_new_session=True)
        self._wait_for(os.path.join(self.mailbox, "ready"), BOOT_TIMEOUT,
                       "the VM did not start", "the test agent did not start")

    def _wait_for(self, path, limit, died, late):
        """Wait until the guest writes path; a VM that exits meanwhile is
        reported as died, one that takes over limit seconds is killed and
        reported as late."""
        deadline = time.monotonic() + limit
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                raise VMError("%s: %s (tools/vm/run exited %d): %s"
                              % (self.combo, died, self.proc.returncode, self.stderr_tail()))
            if time.monotonic() > deadline:
                self.kill()
                raise VMError("%s: %s within %d s; VM killed: %s"
                              % (self.combo, late, limit, self.stderr_tail()))
            time.sleep(POLL_SECONDS)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_tail(self, lines=12):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return " | ".join(f.read().splitlines()[-lines:])
        except OSError:
            return "(no output)"

    def request(self, body, limit):
        """Send one request; wait at most limit seconds for its answer."""
        n = next(self.seq)
        name = "req-%06d.json" % n
        tmp = os.path.join(self.mailbox, "." + name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(body, f)
        os.rename(tmp, os.path.join(self.mailbox, name))
        answer = os.path.join(self.mailbox, "res-%06d.json" % n)
        self._wait_for(answer, limit, "the VM died during this test",
                       "no answer from the guest")
        with open(answer) as f:
            value = json.load(f)
        os.unlink(answer)
        return value

    def run(self, name, argv, timeout, out, env=None):
        """Run argv in the guest as test name, with at most timeout
        seconds; its output and kernel log go to the folder out, which must
        be inside self.results (the guest sees only that and the repository)."""
        body = {"op": "run", "name": name, "argv": argv, "timeout": timeout,
                "out": out, "env": env or {}}
        # The guest enforces the limit; the host allows for the kill and
        # the answer, and for a guest that hangs.
        return self.request(body, timeout + 60)

    def stop(self, limit=180):
        """Power the VM off; return (status, message) of tools/vm/run,
        which scans the whole boot's kernel log (and kmemleak on the debug
        kernel)."""
        if not self.alive():
            rc = self.proc.returncode if self.proc else None
            return rc, self.stderr_tail()
        try:
            self.request({"op": "quit"}, 60)
            self.proc.wait(timeout=limit)
        except (VMError, subprocess.TimeoutExpired):
            self.kill()
            return -1, "the VM did not power off: " + self.stderr_tail()
        return self.proc.returncode, self.stderr_tail()

    def kill(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def vm_run(*args, env=None, timeout=600):
    """tools/vm/run with args, as the host tests call it: output captured,
    no stdin, env added to this process's environment."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([tool("vm/run")] + list(args), cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
