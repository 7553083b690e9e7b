"""The combinations a VM test runs on, and which test runs on which.

A combination is one kind of VM boot: distribution (the test image: Debian
sid with kernel 7.2, or Debian 13 "trixie" with 6.12 LTS), kernel (the
image's Debian kernel or, on sid, the KASAN/lockdep/kmemleak debug
kernel), rxe (the distribution's "stock" module or "ours") and topology
(client and server on one device, "loopback", or on two devices in two
network namespaces, "netns").

Which test runs where (docs/harness.md has the table per group):
- every test on stock and ours, unless its header says "# rxe: ours";
- on every distribution, unless its header names some ("# distro: sid");
- on loopback and netns, unless its header says "# topology: loopback":
  a test whose traffic can cross the wire runs on both, because rxe's
  loopback path and its UDP path differ; tests whose outcome cannot depend
  on the topology (one process, device properties, counters) say so;
- on the kernels its header names ("# kernel: debug"), else on the image
  kernel and, if DEBUG_SUBSET names it, the debug kernel; on the debug
  kernel on loopback only (two namespaces add no kernel path the debug
  checks see differently);
- on trixie, every test on its image kernel, by the same rules, on
  loopback only: its rxe is another source (6.12, patched by series/6.12),
  and its userspace (rdma-core 56.1, perftest 25.01, UCX 1.18 natively)
  another build. 6.12's rxe routes and receives in the initial network
  namespace only (per-namespace sockets came later, with rxe_ns.c), so
  the two-namespace topology cannot carry traffic there, stock or ours.
  Stock trixie rxe has no ODP at all: the tests that need it report
  UNSUPPORTED there (tests/integration/lib.sh require, the odp/ binary's
  main), and its stock defects (xfail-stock) do not apply.
"""
from dataclasses import dataclass

from .paths import DISTROS  # one list, as in tools/lib/common.sh
KERNELS = ("image", "debug")
# The kernels each distribution has: the debug kernel is built from sid's.
DISTRO_KERNELS = {"sid": ("image", "debug"), "trixie": ("image",)}
# The topologies its rxe can carry (see above).
DISTRO_TOPOLOGIES = {"sid": ("loopback", "netns"), "trixie": ("loopback",)}
# Whether its stock rxe has ODP code (and so the stock ODP defects that
# xfail-stock names): upstream rxe has ODP from 6.15.
STOCK_HAS_ODP = {"sid": True, "trixie": False}
# Whether its rdma-core's rxe provider has advise_mr (from rdma-core 59;
# trixie has 56.1): without it ibv_advise_mr cannot prefetch on any rxe.
PROVIDER_PREFETCHES = {"sid": True, "trixie": False}
RXES = ("stock", "ours")
TOPOLOGIES = ("loopback", "netns")

# What the debug kernel checks (KASAN, lockdep, DEBUG_VM, kmemleak): data
# through every fault path, invalidation by munmap, fork, THP and a
# concurrent thread, exit with work in flight, implicit children coming
# and going, the injected error paths, memory that another HMM device
# (test_hmm, debug kernel only) migrated or holds exclusively, process
# death and a short soak.
# Each pattern must select at least one test, or the run fails.
DEBUG_SUBSET = (
    "odp/OdpOps.Rc", "odp/OdpMm.Munmap", "odp/OdpMm.Fork",
    "odp/OdpMm.TransparentHugePages", "odp/OdpMm.ExitWith",
    "odp/OdpMm.Concurrent", "odp/OdpImplicit.EveryOperation",
    "odp/OdpImplicit.UnmappedSpan", "odp/OdpFaultInjection", "odp/OdpHmmNeighbour",
    "stress/",
)


@dataclass(frozen=True, order=True)
class Combo:
    distro: str
    kernel: str
    rxe: str
    topology: str

    def __str__(self):
        # sid's names carry its kernel ("image-ours-loopback",
        # "debug-stock-loopback"); trixie has its image kernel only.
        if self.distro == DISTROS[0]:
            return "%s-%s-%s" % (self.kernel, self.rxe, self.topology)
        return "%s-%s-%s" % (self.distro, self.rxe, self.topology)


def combos_for(test, distros, kernels, rxes, topologies, debug_all=False):
    """The combinations (within the selected distributions, kernels, rxes
    and topologies) that test (a suite.VmTest) runs on; debug_all puts
    every test, not only DEBUG_SUBSET, on the debug kernel."""
    out = []
    for distro in distros:
        if test.distros and distro not in test.distros:
            continue
        for kernel in kernels:
            if kernel not in DISTRO_KERNELS[distro]:
                continue
            if test.kernels:
                if kernel not in test.kernels:
                    continue
            elif (kernel == "debug" and not debug_all
                    and not any(p in test.name for p in DEBUG_SUBSET)):
                continue
            for rxe in rxes:
                if test.rxes and rxe not in test.rxes:
                    continue
                for topology in topologies:
                    if test.topologies and topology not in test.topologies:
                        continue
                    if topology not in DISTRO_TOPOLOGIES[distro]:
                        continue
                    if kernel == "debug" and topology != "loopback":
                        continue
                    out.append(Combo(distro, kernel, rxe, topology))
    return out
