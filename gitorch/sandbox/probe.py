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
    """bwrap's path when it works here; else None and why not, with what to do."""

    bwrap: str | None
    why_not: str | None = None


@functools.cache
def availability() -> Availability:
    """Run `bwrap ... true` once; its verdict holds for the whole process."""
    found = shutil.which("bwrap")
    if found is None:
        return Availability(None, f"bwrap is not installed; {INSTALL}")
    try:
        done = subprocess.run([found, *PROBE_ARGS], capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL, timeout=20,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Availability(None, f"{found} does not run: {error}")
    if done.returncode == 0:
        return Availability(found)
    said = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    if "namespace" in said.lower() or "permission" in said.lower():
        return Availability(None, f"{found} cannot make namespaces ({said}): user namespaces "
                                  "are off; turn them on (sysctl kernel.unprivileged_userns_clone"
                                  "=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns"
                                  "=0) or install bwrap setuid")
    return Availability(None, f"{found} fails: {said}")
