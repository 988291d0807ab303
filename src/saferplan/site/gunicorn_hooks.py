"""gunicorn settings hooks for ``saferplan serve`` (passed as ``--config python:...``).

Ctrl-C in a terminal sends SIGINT to the whole process group: each web worker received it
directly and, a moment later, its master's SIGQUIT. A gthread worker's handler for both
shuts its thread pool down under a non-reentrant lock, so the second signal, arriving inside
the first handler, deadlocked it: the worker lived on, orphaned, holding the listening port.
A web worker therefore ignores SIGINT and stops only when its master tells it to.
"""

from __future__ import annotations

import signal
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Called by gunicorn in each worker after it has installed its own signal handlers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
