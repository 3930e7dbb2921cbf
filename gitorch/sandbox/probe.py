"""Whether bubblewrap works on this machine, found out once per process."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

INSTALL = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: "
           "dnf install bubblewrap; Arch: pacman -S bubblewrap)")
# The smallest sandbox with every isolation gitorch asks of bwrap.
PROBE_ARGS = ("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid",
              "--die-with-parent", "--new-session", "true")


@dataclass(frozen=True)
class Availability:
    """bwrap's path when it works here; else None, why not, and what to do about it."""

    bwrap: str | None
    why_not: str = ""
    fix: str = ""


@functools.cache
def availability() -> Availability:
    """Run `bwrap ... true` once; its verdict holds for the whole process."""
    found = shutil.which("bwrap")
    if found is None:
        return Availability(None, "bwrap is not installed", INSTALL)
    try:
        done = subprocess.run([found, *PROBE_ARGS], capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL, timeout=20,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Availability(None, f"{found} does not run: {error}", f"reinstall; {INSTALL}")
    if done.returncode == 0:
        return Availability(found)
    said = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    if "namespace" in said.lower() or "permission" in said.lower():
        return Availability(None, f"{found} cannot make namespaces, user namespaces are off "
                            f"({said})", "turn them on: sysctl kernel.unprivileged_userns_clone"
                            "=1 (Debian), or kernel.apparmor_restrict_unprivileged_userns=0 "
                            "(Ubuntu 24.04), or make bwrap setuid root")
    return Availability(None, f"{found} fails: {said}", f"run `{found} --version`; {INSTALL}")


def fallback_notice(mode: str) -> str | None:
    """The line start and run say once when sandbox: auto finds no sandbox to use."""
    if mode != "auto":
        return None
    found = availability()
    if found.bwrap is not None:
        return None
    return f"no sandbox: {found.why_not}; agents run unconfined (see gitorch doctor)"
