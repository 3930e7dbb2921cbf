"""The slots case's CPU probe, put on PYTHONPATH of the `gitorch run` it measures only.

With GITORCH_BENCH_CPU set, every Python process of the run (the scheduler, each runner,
forked or not) appends one JSON line to that file as it exits: its own CPU (all threads)
and the CPU of each child it reaped, by the child's program name, read from /proc before
the child is reaped (`os.waitid` with WNOWAIT, then `os.wait4` for its rusage). Nothing
here is imported by gitorch itself.
"""

import json
import os
import resource
import sys

_LOG = os.environ.get("GITORCH_BENCH_CPU")

if _LOG:
    _waitpid, _exit = os.waitpid, os._exit
    _by: dict[str, list[float]] = {}
    _done: list[bool] = []

    def _cpu(usage: resource.struct_rusage) -> float:
        return usage.ru_utime + usage.ru_stime

    def _name(pid: int) -> str:
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8") as comm:
                return comm.read().strip()
        except OSError:
            return "?"

    def waitpid(pid: int, options: int) -> tuple[int, int]:
        """os.waitpid, noting the reaped child's CPU under its program name."""
        if pid <= 0:
            return _waitpid(pid, options)
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | (options & os.WNOHANG)) is None:
            return 0, 0
        name = _name(pid)
        got, status, usage = os.wait4(pid, 0)
        spent = _by.setdefault(name, [0.0, 0])
        spent[0] += _cpu(usage)
        spent[1] += 1
        return got, status

    def _report() -> None:
        if _done:  # os._exit after atexit, or atexit after os._exit: once is enough
            return
        _done.append(True)
        line = {"pid": os.getpid(), "ppid": os.getppid(), "argv": sys.argv[1:3],
                "self": _cpu(resource.getrusage(resource.RUSAGE_SELF)),
                "children": _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)),
                "by": _by}
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(line) + "\n").encode())
        finally:
            os.close(fd)

    def exit_now(code: int) -> None:
        """os._exit, reporting first (a forked runner ends this way)."""
        _report()
        _exit(code)

    def _forked() -> None:
        """A forked runner counts its own children, from nothing."""
        _by.clear()
        _done.clear()

    os.waitpid, os._exit = waitpid, exit_now
    os.register_at_fork(after_in_child=_forked)
    import atexit

    atexit.register(_report)
