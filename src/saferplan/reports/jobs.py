"""The Strategic Assessment as a background job: the CLI's build, for the job's partnership.

The job computes, draws, writes and checks exactly as ``saferplan report
strategic-assessment`` does, in a private temporary folder, and keeps the result as an
edition of the partnership (all or nothing, ``editions.store``). Anything that would make
an empty or misleading document fails the job with the build's own message, and keeps
nothing. Progress goes phase by phase: computing, charts, maps, documents, checking.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.jobs.context import JobContext
from saferplan.jobs.registry import register

KIND = "build-assessment"
# The share of the whole build each phase ends at ("charts": every chart and map, drawn
# together in worker processes).
PHASE_ENDS = {"computing": 25.0, "charts": 70.0, "documents": 90.0}
PHASE_STARTS = {"computing": 0.0, "charts": 25.0, "documents": 70.0}
CHECKING = 90.0  # the check of the files as written, then keeping them


def overall_percent(phase: str, share: float) -> float:
    """How far the whole build is, ``share`` (0 to 1) of the way through ``phase``."""
    start = PHASE_STARTS[phase]
    return start + (PHASE_ENDS[phase] - start) * max(0.0, min(1.0, share))


@register(KIND, "Build a Strategic Assessment")
def build_strategic_assessment(
    context: JobContext,
    *,
    area: str,
    year: str,
    comparators: list[str],
    edition: str = "public",
    themes: list[str] | None = None,
) -> dict[str, Any]:
    """Build the assessment and keep it as an edition; the result names the edition."""
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.definitions.service import in_force
    from saferplan.editions.documents import keep_strategic_assessment
    from saferplan.reports import build
    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.render import workers

    partnership = context.partnership
    if partnership is None:
        raise SaferplanError("a Strategic Assessment is built for a partnership; none was given")

    def step(phase: str, share: float) -> None:
        context.progress(phase, percent=overall_percent(phase, share))

    step("computing", 0)
    with workers() as pool:  # started now: they get ready while the figures are computed
        with in_force(partnership) as book:  # the partnership's own themes and groups, if any
            a = build_assessment(Warehouse().connect(), book, area, year, list(comparators),
                                 edition=edition,
                                 themes=list(themes) if themes else None)  # fmt: skip
        for theme, why in a.unavailable:
            context.log(f"left out {theme.title}: {why}")
        with tempfile.TemporaryDirectory(prefix="saferplan-assessment-") as folder:
            built = build.write_report(a, Path(folder) / "report", partnership.name, step=step,
                                       pool=pool)  # fmt: skip
            context.progress("checking", percent=CHECKING)
            kept = keep_strategic_assessment(a, built, _requester(context.requested_by))
    if kept is None:  # only when no partnership is in scope, which the runner gives
        raise SaferplanError("the assessment was built but no partnership was in scope to keep it")
    context.settled()  # kept: from here on nothing may undo the job
    context.log(f"kept as edition {kept.pk}: {kept.title}")
    context.progress("done", percent=100)
    return {
        "edition": kept.pk,
        "title": kept.title,
        "check_passed": kept.check_passed,
        "left_out": [{"theme": t.key, "title": t.title, "why": why} for t, why in a.unavailable],
    }


def _requester(username: str) -> Any:
    """The account that asked, to name as the edition's builder (None: it is gone)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first() if username else None
