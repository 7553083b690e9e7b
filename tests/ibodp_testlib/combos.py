"""The combinations a VM test runs on, and which test runs on which.

A combination is one kind of VM boot: kernel (the image's Debian kernel or
the KASAN/lockdep/kmemleak debug kernel), rxe (the distribution's "stock"
module or "ours") and topology (client and server on one device,
"loopback", or on two devices in two network namespaces, "netns").

Which test runs where (docs/harness.md has the table per group):
- every test on stock and ours, unless its header says "# rxe: ours";
- on loopback and netns, unless its header says "# topology: loopback":
  a test whose traffic can cross the wire runs on both, because rxe's
  loopback path and its UDP path differ; tests whose outcome cannot depend
  on the topology (one process, device properties, counters) say so;
- on the debug kernel: the tests named by DEBUG_SUBSET, on loopback only
  (two namespaces add no kernel path the debug checks see differently).
"""
from dataclasses import dataclass

KERNELS = ("image", "debug")
RXES = ("stock", "ours")
TOPOLOGIES = ("loopback", "netns")

# What the debug kernel checks (KASAN, lockdep, DEBUG_VM, kmemleak): data
# through every fault path, invalidation by munmap, fork, THP and a
# concurrent thread, exit with work in flight, implicit children coming
# and going, the injected error paths, process death and a short soak.
# Each pattern must select at least one test, or the run fails.
DEBUG_SUBSET = (
    "odp/OdpOps.Rc", "odp/OdpMm.Munmap", "odp/OdpMm.Fork",
    "odp/OdpMm.TransparentHugePages", "odp/OdpMm.ExitWith",
    "odp/OdpMm.Concurrent", "odp/OdpImplicit.EveryOperation",
    "odp/OdpImplicit.UnmappedSpan", "odp/OdpFaultInjection", "stress/",
)


@dataclass(frozen=True, order=True)
class Combo:
    kernel: str
    rxe: str
    topology: str

    def __str__(self):
        return "%s-%s-%s" % (self.kernel, self.rxe, self.topology)


def combos_for(test, kernels, rxes, topologies, debug_all=False):
    """The combinations (within the selected kernels, rxes and topologies)
    that test (a suite.VmTest) runs on; debug_all puts every test, not only
    DEBUG_SUBSET, on the debug kernel."""
    out = []
    for kernel in kernels:
        if (kernel == "debug" and not debug_all
                and not any(p in test.name for p in DEBUG_SUBSET)):
            continue
        for rxe in rxes:
            if test.rxes and rxe not in test.rxes:
                continue
            for topology in topologies:
                if test.topologies and topology not in test.topologies:
                    continue
                if kernel == "debug" and topology != "loopback":
                    continue
                out.append(Combo(kernel, rxe, topology))
    return out
