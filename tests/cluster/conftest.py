"""Fixtures for the SLURM tests: one throwaway local cluster per test session.

The cluster is started only where this process is root and slurm-wlm and munge are
installed; elsewhere the tests skip with the reason, so ``make test`` never starts
daemons on a user's machine unasked. Under CI (``CI=true``) a missing cluster is a
failure instead: ``.ci/setup-slurm.sh`` must have installed the packages.
"""

from __future__ import annotations

import atexit
import signal
import sys
from pathlib import Path

import pytest
from clusterhelp import require_cluster
from localslurm import LocalSlurm

CLUSTER_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test here is slow (``make test-fast`` leaves them out): they need the cluster CI sets up."""
    for item in items:
        if item.path.is_relative_to(CLUSTER_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def local_slurm():
    """A running single-node cluster (:class:`localslurm.LocalSlurm`), stopped at session end."""
    require_cluster()
    cluster = LocalSlurm()
    atexit.register(cluster.stop)  # also when the session is interrupted
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        # a killed test run (timeout, CI cancel) still stops the daemons
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, previous)
