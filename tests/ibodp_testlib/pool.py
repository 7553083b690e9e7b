"""The warm VMs of one pytest process: at most one boot at a time.

Tests of one combination share a boot. When a test asks for another
combination, the VM running now is powered off first (its verdict is kept
for that combination's power-off test). A VM that dies is booted again
once; if it dies again, or cannot boot, every later test of the
combination fails at once with the reason, by name.
"""
import os
import time

from .vm import GuestVM, VMError

DEBUG_BUILD_WAIT = 3 * 3600


class VmPool:
    def __init__(self, results_root, debug_build_status=None):
        self.results_root = results_root
        self.debug_build_status = debug_build_status
        self.current = None          # the live GuestVM, if any
        self.boots = {}              # Combo -> number of boots so far
        self.broken = {}             # Combo -> why no more boots are tried
        self.verdicts = {}           # Combo -> (status, message) at power-off

    def wait_for_debug_kernel(self):
        """tools/test builds the debug kernel beside the first tests and
        writes its exit status into a file once it is done."""
        path = self.debug_build_status
        if not path:
            return
        deadline = time.monotonic() + DEBUG_BUILD_WAIT
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                raise VMError("the debug kernel's build did not finish in time")
            time.sleep(2)
        with open(path) as f:
            status = f.read().strip()
        if status != "0":
            raise VMError("the debug kernel's build failed (status %s; log beside %s)"
                          % (status, path))

    def get(self, combo):
        """A live VM of combo, booted if needed."""
        if combo in self.broken:
            raise VMError(self.broken[combo])
        if self.current is not None and self.current.combo == combo:
            if self.current.alive():
                return self.current
            self.verdicts[combo] = (self.current.proc.returncode,
                                    "the VM died: " + self.current.stderr_tail())
            self.current = None
        if self.current is not None:
            self.power_off(self.current.combo)
        n = self.boots.get(combo, 0) + 1
        if n > 2:
            self.broken[combo] = "%s: the VM died twice; not booted again" % combo
            raise VMError(self.broken[combo])
        self.boots[combo] = n
        try:
            if combo.kernel == "debug":
                self.wait_for_debug_kernel()
            suffix = "" if n == 1 else ".boot%d" % n
            vm = GuestVM(combo, os.path.join(self.results_root, str(combo) + suffix))
            vm.start()
        except VMError as e:
            self.broken[combo] = str(e)
            raise
        self.current = vm
        return vm

    def booted(self, combo):
        return combo in self.boots

    def power_off(self, combo):
        """Power the combination's VM off if it runs; return the verdict
        of its last boot: (status, message)."""
        if self.current is not None and self.current.combo == combo:
            self.verdicts[combo] = self.current.stop()
            self.current = None
        return self.verdicts.get(combo, (None, "never booted"))

    def close(self):
        if self.current is not None:
            self.power_off(self.current.combo)

    def kill(self):
        """End the live VM at once (the run was interrupted)."""
        if self.current is not None:
            self.current.kill()
            self.current = None
