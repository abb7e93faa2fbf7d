"""One measurer for every process the benchmark times, ours and the peers' alike.

    python3 measure.py [--stdout FILE] COMMAND [ARGS...]

Runs COMMAND (its stdout discarded, or written to FILE; stderr kept for a failure) and prints one
JSON line: wall seconds from spawn to exit, CPU seconds (user and system, over the waited tree),
and the peak RSS in KiB. The peak is the larger of two figures: wait4's
ru_maxrss (the largest single process among the command and the descendants it waited for, exact
for a command that is one process, threads included) and the largest sum of VmRSS over the live
process tree, sampled every 10 ms (so a command that runs several processes at once is
counted whole). Both are printed. Linux carries a process's peak across exec, so no figure is
below this measurer's own RSS (about 10 MiB), far under anything the benchmark runs. Standard
library only; exits with the command's status.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

SAMPLE_S = 0.01


def tree(pid: int) -> list[int]:
    """The process and its live descendants, read from /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    command = sys.argv[1:]
    stdout_path = None
    if command[:1] == ["--stdout"] and len(command) > 1:
        stdout_path, command = command[1], command[2:]
    if not command:
        print("usage: measure.py [--stdout FILE] COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with tempfile.TemporaryFile() as err, open(stdout_path or os.devnull, "wb") as out:
        t0 = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # The sampler runs beside a blocking wait, so the wall time ends when the command does.
        sampled = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                sampled[0] = max(sampled[0], sum(rss_kib(p) for p in tree(child.pid)))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        done.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
        # Linux reports ru_maxrss in KiB.
        result = {"seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime, "maxRssKiB": max(usage.ru_maxrss, sampled[0]), "waitMaxRssKiB": usage.ru_maxrss, "sampledTreeKiB": sampled[0], "code": code}
        if code != 0:
            err.seek(0)
            result["stderr"] = err.read().decode("utf-8", "replace")[-4000:]
        print(json.dumps(result))
        return code


if __name__ == "__main__":
    sys.exit(main())
