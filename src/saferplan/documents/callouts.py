"""Kept importable here for the documents' blocks and figures: the call-outs now live in
:mod:`saferplan.indicators.callouts`, shared with the dashboards and the board report."""

from saferplan.indicators.callouts import (
    AT_LEAST,
    Callout,
    callouts,
    red_run,
    worse_than,
    worsening_run,
)

__all__ = ["AT_LEAST", "Callout", "callouts", "red_run", "worse_than", "worsening_run"]
