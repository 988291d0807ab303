"""Drawing a document's charts and maps, in worker processes when there are cores for them.

A chart is described by plain data (``Drawing``: the name of a drawing function and its
arguments: numbers, dates, words, coordinate arrays), so a worker needs only matplotlib to
draw it and sends back PNG bytes. Workers are started with 'spawn' (a clean interpreter, no
copy of the parent's database connections or threads); ``SAFERPLAN_WORKERS`` says how many
(1: everything in this process). The bytes are the same either way, and a chart that fails
stops the build with its name and the reason.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from saferplan.core.errors import SaferplanError


@dataclass(frozen=True)
class Drawing:
    """One image to draw: its chart id, the drawing function's name, and its arguments."""

    chart_id: str
    function: str
    arguments: dict[str, Any]


def _drawers() -> dict[str, Callable[..., bytes]]:
    from saferplan.reports import charts, drawing

    return {
        "monthly": charts.monthly_chart,
        "rolling": charts.rolling_chart,
        "choropleth": drawing.choropleth_drawing,
        "classes": drawing.class_map_drawing,
        "density": drawing.density_drawing,
    }


def draw(job: Drawing) -> bytes:
    """The PNG of one drawing (what a worker runs)."""
    return _drawers()[job.function](**job.arguments)


def worker_count() -> int:
    """``SAFERPLAN_WORKERS`` if set (at least 1), else one worker per core."""
    from saferplan import config

    given = config.get("SAFERPLAN_WORKERS").strip()
    if given:
        try:
            return max(1, int(given))
        except ValueError:
            raise SaferplanError(
                f"SAFERPLAN_WORKERS is '{given}', not a number",
                hint="Set it to how many processes may draw charts (1: none besides this one).",
            ) from None
    return os.cpu_count() or 1


def warm_up() -> None:
    """Import the drawing modules and draw once (loading matplotlib's fonts): what a new
    worker does first, while the building process is still computing the figures."""
    from saferplan.reports import charts

    _drawers()
    figure = charts.pyplot().figure(figsize=(1, 1))
    figure.text(0, 0, "N", fontweight="bold")
    figure.canvas.draw()
    charts.pyplot().close(figure)


def _started() -> None:
    """Nothing: a task whose submission makes the pool start a worker process now."""


@contextmanager
def workers() -> Iterator[Executor | None]:
    """A pool of drawing processes (None when there is to be no worker), shut down after.

    Its workers are started at once and warm themselves up (``warm_up``), so a caller that
    opens the pool before computing the figures has them ready when the charts are planned."""
    count = worker_count()
    if count <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up
    )
    try:
        for _ in range(count):  # a spawned pool starts a worker per task it has no idle one for
            pool.submit(_started)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _failed(chart_id: str, exc: BaseException) -> SaferplanError:
    reason = "its worker process stopped" if isinstance(exc, BrokenProcessPool) else str(exc)
    return SaferplanError(
        f"the report was not written: drawing {chart_id} failed ({type(exc).__name__}: {reason})"
    )


def submit(pool: Executor | None, jobs: list[Drawing]) -> list[Future[bytes]] | None:
    """Start drawing ``jobs`` in the pool (None: nothing started, draw them in ``collect``)."""
    if pool is None:
        return None
    return [pool.submit(draw, job) for job in jobs]


def collect(
    jobs: list[Drawing],
    started: list[Future[bytes]] | None,
    drawn: Callable[[float], None] | None = None,
) -> dict[str, bytes]:
    """Every job's PNG by chart id, in the jobs' order; the first failure stops them all.

    ``drawn`` hears the share of the images done after each one, so that a job's progress
    bar moves while the charts and maps (most of a build) are drawn."""
    images: dict[str, bytes] = {}
    for i, job in enumerate(jobs):
        try:
            images[job.chart_id] = draw(job) if started is None else started[i].result()
        except SaferplanError:
            raise
        except Exception as exc:
            for future in started or []:
                future.cancel()
            raise _failed(job.chart_id, exc) from exc
        if drawn is not None:
            drawn((i + 1) / len(jobs))
    return images


def render_all(jobs: list[Drawing], pool: Executor | None = None) -> dict[str, bytes]:
    """Draw every job (in ``pool``'s workers, if given) and return the PNGs by chart id."""
    return collect(jobs, submit(pool, jobs))
