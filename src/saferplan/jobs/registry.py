"""Work functions by name: a job's ``kind`` says which one a worker runs.

A work function takes the job's :class:`~saferplan.jobs.context.JobContext` and the job's
arguments as keywords, and returns its result (anything JSON can hold, or None). Every
kind is registered in ``saferplan.jobs.kinds``, which the worker and the queue load, so a
job queued in the web app runs the same function in a worker on another machine.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from saferplan.core.errors import SaferplanError

if TYPE_CHECKING:
    from saferplan.jobs.context import JobContext

WorkFunction = Callable[..., Any]
KIND_MODULES = ("saferplan.jobs.kinds",)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # for people: "Import data files"
    function: WorkFunction


_KINDS: dict[str, Kind] = {}


def register(name: str, label: str) -> Callable[[WorkFunction], WorkFunction]:
    """Decorator: make ``function(context, **arguments)`` runnable as jobs of kind ``name``."""

    def decorate(function: WorkFunction) -> WorkFunction:
        _KINDS[name] = Kind(name, label, function)
        return function

    return decorate


def kinds() -> dict[str, Kind]:
    for module in KIND_MODULES:
        importlib.import_module(module)
    return dict(_KINDS)


def get(name: str) -> Kind:
    every = kinds()
    if name not in every:
        raise SaferplanError(
            f"there is no job kind '{name}'", hint=f"Kinds: {', '.join(sorted(every))}."
        )
    return every[name]


def check_arguments(name: str, arguments: dict[str, Any]) -> None:
    """Refuse, when queueing, arguments the work function would refuse when it runs."""
    function = get(name).function
    try:
        inspect.signature(function).bind(None, **arguments)
    except TypeError as exc:
        raise SaferplanError(f"a '{name}' job cannot take these arguments: {exc}") from None


def call(context: JobContext) -> Any:
    return get(context.kind).function(context, **context.arguments)
