"""Subprocesses a test starts and must not leave behind.

The logic lives in ``benchmarks.serverkit`` because the benchmarks need it too and must not
import from ``tests``; this module is the tests' name for it.
"""

from benchmarks.serverkit import (
    ProcessExited,
    child_pids,
    group_pids,
    managed_process,
    stop_process_group,
    wait_for_http,
)

__all__ = [
    "ProcessExited",
    "child_pids",
    "group_pids",
    "managed_process",
    "stop_process_group",
    "wait_for_http",
]
