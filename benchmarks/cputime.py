"""CPU time as the benchmarks count it."""

from __future__ import annotations

import resource


def cpu_seconds() -> float:
    """CPU seconds of this process and its reaped children (the guard's reader processes), at microsecond
    resolution: a reader forked by the guard counts once it is reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total
