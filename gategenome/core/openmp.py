"""OpenMP threads that sleep, not spin, while they wait: training degrades gracefully on a busy machine.

torch's CPU kernels run on OpenMP (GNU libgomp in the Linux wheels), whose idle
threads spin for 300,000 iterations at every barrier before they sleep.  When
another process holds one of the cores, the thread that lost its core arrives
late at every barrier of the LSTM's many small kernels and the others burn their
cores spinning for it: a default yeast training beside one busy single-thread
process ran 3.6x slower instead of at most 2x (a fair share).  With
``OMP_WAIT_POLICY=PASSIVE`` waiting threads sleep at once and hand the core to
whoever can use it (``benchmarks/busy_machine.py`` measures both).

The policy is read once, when libgomp is loaded (``import torch``), so
:func:`sleep_while_waiting` must run before torch is imported; the command line
calls it first thing.  A user's own ``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT``
is left as it is.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

#: The policy set when the environment chooses none.
WAIT_POLICY = "PASSIVE"


def sleep_while_waiting(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` unless the environment already sets the policy or the spin count.

    Returns
    -------
    bool
        True when the policy was set here.
    """
    if "OMP_WAIT_POLICY" in environ or "GOMP_SPINCOUNT" in environ:
        return False
    environ["OMP_WAIT_POLICY"] = WAIT_POLICY
    return True
