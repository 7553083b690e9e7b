"""GoogleTest cases of one binary, many in one process.

Each case is still its own pytest test with its own result, output and
kernel log, but the cases that a combination runs one after the other go
to the guest as one process: a process start costs about 0.3 s under TCG
and 3 s on the debug kernel, more than most cases take.

The binary (tests/integration/odp/main.cpp) helps with two environment
variables: IBODP_TEST_MARKERS=1 writes "<binary>: start Suite.Case" into
the kernel log as each case starts, so the batch's kernel log is split at
those lines; IBODP_TEST_TIMEOUT=SECONDS ends the process by SIGALRM when
one case runs longer. A case that started but never ended (a hang, a
crash) fails by name; the cases after it did not run and go into the next
batch.
"""
import os
import re
import signal

# Cases per process at most: a crash costs the rest of the batch a restart.
MAX_CASES = 40
MARKER = ": start "
_RUN = re.compile(r"^\[ RUN      \] (\S+)$")
_END = re.compile(r"^\[ +(OK|FAILED|SKIPPED) +\] (\S+) \((\d+) ms\)$")


def split_output(output):
    """GoogleTest's output of a batch, per case: {case: (status, text)},
    status "OK", "FAILED", "SKIPPED" or None (started, never ended); text
    from the case's RUN line to its end line. Cases that never started are
    not in it."""
    cases, current, lines = {}, None, []
    for line in output.splitlines():
        m = _RUN.match(line)
        if m:
            if current is not None:
                cases[current] = (None, "\n".join(lines) + "\n")
            current, lines = m.group(1), [line]
            continue
        if current is None:
            continue
        lines.append(line)
        m = _END.match(line)
        if m and m.group(2) == current:
            cases[current] = (m.group(1), "\n".join(lines) + "\n")
            current, lines = None, []
    if current is not None:
        cases[current] = (None, "\n".join(lines) + "\n")
    return cases


def split_kernel_log(lines, cases, binary):
    """The batch's kernel log lines, per case: from the line announcing a
    case to the next announcement. Lines before the first announcement
    (the process start) go to the first case, lines after a case ended
    (work it left behind) to that case."""
    marker = os.path.basename(binary) + MARKER
    out = {case: [] for case in cases}
    current = cases[0] if cases else None
    for line in lines:
        i = line.find(marker)
        if i >= 0:
            named = line[i + len(marker):].strip()
            if named in out:
                current = named
        if current is not None:
            out[current].append(line)
    return out


def answers(batch_answer, output, kernel_log, cases, binary):
    """Per case of the batch: an answer as the agent gives one for a test
    ({"rc", "timed_out", "error"?}) with the case's output and kernel log
    lines, for the cases that ran; the cases after a crash are left out."""
    by_case = split_output(output)
    log = split_kernel_log(kernel_log, cases, binary)
    rc = batch_answer["rc"]
    out = {}
    if not by_case:
        # The process ended before any case: each case gets its verdict
        # (exit 77: the device cannot run any of them).
        for case in cases:
            out[case] = (dict(batch_answer), output, log.get(case, []))
        return out
    for case in cases:
        if case not in by_case:
            break
        status, text = by_case[case]
        answer = {"rc": {"OK": 0, "SKIPPED": 0, "FAILED": 1}.get(status, rc),
                  "timed_out": False}
        if status is None:
            if batch_answer.get("timed_out") or rc == -signal.SIGALRM:
                answer["timed_out"] = True
                answer["rc"] = 124
            elif batch_answer.get("error"):
                answer["error"] = batch_answer["error"]
            else:
                answer["error"] = "the process ended in this case (exit status %s)" % rc
        out[case] = (answer, text, log.get(case, []))
        if status is None:
            break
    else:
        # Every case ended: a status other than GoogleTest's own (0, or 1
        # with a case failed) is a crash after the last one (at exit).
        failed = any(status == "FAILED" for status, _ in by_case.values())
        if rc != (1 if failed else 0):
            last = cases[-1]
            answer, text, lines = out[last]
            answer = dict(answer, rc=rc, error="the process exited with status %s after "
                          "its last case" % rc)
            out[last] = (answer, text, lines)
    return out
