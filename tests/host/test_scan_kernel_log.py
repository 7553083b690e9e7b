"""tools/vm/scan-kernel-log: which kernel log lines fail a test run."""
import subprocess

import pytest

from ibodp_testlib.paths import tool


@pytest.mark.parametrize("line,fails", [
    ("[  117.720472] traps: ibodp_mpi[690] general protection fault ip:7f2fff8ef946"
     " sp:7f2ffee1d2f0 error:0 in libc.so.6[a2946,7f2fff875000+dd000]", False),
    ("[   52.101010] ibodp_mpi[686]: segfault at 10 ip 00007f04f9b2a6f5 sp 00007ffd"
     " error 4 in libc.so.6", False),
    ("[   80.000001] Oops: general protection fault, probably for non-canonical address"
     " 0xdffffc0000000001: 0000 [#1] SMP KASAN", True),
    ("[   80.000002] general protection fault, probably for non-canonical address"
     " 0x6b6b6b6b6b6b6b6b: 0000 [#1] SMP", True),
    ("[   90.000000] WARNING: CPU: 1 PID: 42 at drivers/infiniband/sw/rxe/rxe_pool.c:212", True),
    ("[    0.500000] RCU lockdep checking is enabled.", False),
])
def test_scan_kernel_log(tmp_path, line, fails, record_property):
    """A user process's crash is not a kernel finding; a kernel GPF is."""
    record_property("test", "scan_kernel_log/" + ("fails" if fails else "clean") + "/"
                    + line.split("] ", 1)[1][:40])
    log = tmp_path / "dmesg.log"
    log.write_text("[    0.000000] Linux version 7.2.13\n" + line + "\n")
    r = subprocess.run([tool("vm/scan-kernel-log"), str(log)], capture_output=True, text=True)
    assert r.returncode == (1 if fails else 0), r.stdout + r.stderr
    assert (line in r.stdout) == fails
