"""Routes: the states a kind of document passes through from draft to publication.

Each kind's route is declared in ``routes.toml`` (the sources' order) and copied into the
partnership's own, editable route the first time it is used or edited; from then on the
partnership's copy is the route, so a new release's defaults never move its editions.

Editions follow their partnership's route as it is now. An edition's state is a state of
the route; the next step is the one after it, whatever the order is now. A change that
would remove the state an edition stands at is refused (move it on, or return it, first),
so every edition always has its place on the route.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.models import AuditEvent, Role
from saferplan.accounts.tenancy import require_partnership
from saferplan.core.errors import InputError, SaferplanError
from saferplan.editions.models import Document, Edition, RouteStep, State

DECLARED = Path(__file__).with_name("routes.toml")
DEFAULT_KIND = "default"
STATE_KEY = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
LABEL_LIMIT, BODY_LIMIT = 100, 200


@dataclass(frozen=True)
class StepSpec:
    """One state of a route, and what it takes to move an edition into it."""

    state: str
    label: str
    body: str = ""
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    document: str
    steps: tuple[StepSpec, ...]
    own: bool = False  # the partnership's copy (else the declared route, not yet copied)
    states: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", {s.state: i for i, s in enumerate(self.steps)})

    def position(self, state: str) -> int | None:
        return self.states.get(state)

    def step(self, state: str) -> StepSpec | None:
        at = self.position(state)
        return None if at is None else self.steps[at]

    def after(self, state: str) -> StepSpec | None:
        """The step that moves an edition on from ``state`` (None at the end or off it)."""
        at = self.position(state)
        if at is None or at + 1 >= len(self.steps):
            return None
        return self.steps[at + 1]

    def before(self, state: str) -> list[StepSpec]:
        """The states an edition at ``state`` may be returned to, nearest first."""
        at = self.position(state)
        return [] if at is None else list(reversed(self.steps[:at]))

    def label(self, state: str) -> str:
        found = self.step(state)
        return found.label if found else state

    def listing(self) -> str:
        return ", ".join(f"{s.state} ({s.label})" for s in self.steps)


class RouteError(SaferplanError):
    """A route that cannot be used as given: every problem, each in words."""

    def __init__(self, problems: list[str], where: str = "the route") -> None:
        self.problems = problems
        super().__init__(
            f"{where} cannot be used: " + "; ".join(problems),
            hint="Every route starts at 'draft' and ends at 'published'.",
        )


def route_problems(steps: Sequence[StepSpec]) -> list[str]:
    """What is wrong with a route, in words (none: it can be used). Pure."""
    problems: list[str] = []
    if len(steps) < 2:
        return ["a route needs at least the states 'draft' and 'published'"]
    if steps[0].state != State.DRAFT:
        problems.append(f"the first state must be '{State.DRAFT}', not '{steps[0].state}'")
    if steps[-1].state != State.PUBLISHED:
        problems.append(f"the last state must be '{State.PUBLISHED}', not '{steps[-1].state}'")
    seen: set[str] = set()
    known = set(Role.values)
    for number, step in enumerate(steps, start=1):
        name = f"step {number} ('{step.label or step.state}')"
        if not STATE_KEY.match(step.state):
            problems.append(
                f"{name}: the state '{step.state}' must be lower-case letters, "
                "digits and hyphens, starting with a letter (at most 40)"
            )
        elif step.state in seen:
            problems.append(f"{name}: the state '{step.state}' is on the route twice")
        seen.add(step.state)
        if not step.label.strip():
            problems.append(f"{name}: give it a label")
        elif len(step.label) > LABEL_LIMIT:
            problems.append(f"{name}: the label is longer than {LABEL_LIMIT} characters")
        if len(step.body) > BODY_LIMIT:
            problems.append(f"{name}: the body is longer than {BODY_LIMIT} characters")
        unknown = sorted(set(step.roles) - known)
        if unknown:
            problems.append(
                f"{name}: unknown role(s) {', '.join(unknown)} (roles: {', '.join(Role.values)})"
            )
        if number > 1 and not step.roles:
            problems.append(f"{name}: name the role(s) that may take this step")
    return problems


def _spec(raw: Any, where: str) -> StepSpec:
    if not isinstance(raw, dict):
        raise InputError(where, "each step is a table: { state = ..., label = ..., roles = [...] }")
    unknown = set(raw) - {"state", "label", "body", "roles"}
    if unknown:
        raise InputError(where, f"unknown key(s) {', '.join(sorted(unknown))}")
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InputError(where, "roles must be a list of role names")
    return StepSpec(
        str(raw.get("state", "")), str(raw.get("label", "")), str(raw.get("body", "")), tuple(roles)
    )


def read_declared(path: Path = DECLARED) -> dict[str, tuple[StepSpec, ...]]:
    """Every declared route by document kind (and ``default``), each checked."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path.name, f"not valid TOML: {exc}") from None
    routes: dict[str, tuple[StepSpec, ...]] = {}
    for kind, table in data.items():
        if kind != DEFAULT_KIND and kind not in Document.values:
            raise InputError(
                path.name, f"[{kind}] is not a kind of document ({', '.join(Document.values)})"
            )
        raw_steps = table.get("steps") if isinstance(table, dict) else None
        if not isinstance(raw_steps, list):
            raise InputError(path.name, f"[{kind}] needs a list of steps")
        steps = tuple(
            _spec(s, f"{path.name} [{kind}] step {i}") for i, s in enumerate(raw_steps, start=1)
        )
        problems = route_problems(steps)
        if problems:
            raise RouteError(problems, f"{path.name}, the route of [{kind}]")
        routes[kind] = steps
    if DEFAULT_KIND not in routes:
        raise InputError(path.name, f"[{DEFAULT_KIND}] (for kinds not listed) is missing")
    return routes


def declared_route(document: str) -> Route:
    routes = read_declared()
    return Route(document, routes.get(document, routes[DEFAULT_KIND]))


def _own_steps(document: str) -> list[RouteStep]:
    return list(RouteStep.objects.filter(document=document).order_by("position"))


def route_for(document: str) -> Route:
    """The route of ``document`` for the partnership in scope: its own, else the declared."""
    own = _own_steps(document)
    if not own:
        return declared_route(document)
    steps = tuple(StepSpec(s.state, s.label, s.body, tuple(s.roles)) for s in own)
    return Route(document, steps, own=True)


def ensure_own_route(document: str) -> Route:
    """The partnership's own route, copied from the declared one if it has none yet (done
    when a first step is taken, inside that step's transaction)."""
    route = route_for(document)
    if route.own:
        return route
    _write(document, route.steps)
    return Route(document, route.steps, own=True)


def _write(document: str, steps: Sequence[StepSpec]) -> None:
    partnership = require_partnership()
    RouteStep.objects.filter(document=document).delete()
    RouteStep.objects.bulk_create(
        RouteStep(
            partnership=partnership,
            document=document,
            position=i,
            state=s.state,
            label=s.label.strip(),
            body=s.body.strip(),
            roles=list(s.roles),
        )
        for i, s in enumerate(steps)
    )


def stranded(document: str, steps: Sequence[StepSpec]) -> dict[str, list[int]]:
    """Editions that stand at a state ``steps`` would no longer have: state -> edition ids.
    Their rows are locked until the transaction ends, so none moves meanwhile."""
    kept = {s.state for s in steps}
    found: dict[str, list[int]] = {}
    editions = Edition.objects.select_for_update().filter(document=document).order_by("pk")
    for pk, state in editions.values_list("pk", "state"):
        if state not in kept:
            found.setdefault(state, []).append(pk)
    return found


def save_route(document: str, steps: Sequence[StepSpec], user: Any) -> Route:
    """Make ``steps`` the partnership's route for ``document``, checked and audited.

    Refused, with every reason, if the route is invalid or would leave an edition at a
    state it no longer has.
    """
    if document not in Document.values:
        raise SaferplanError(
            f"unknown document '{document}'", hint="Documents: " + ", ".join(Document.values) + "."
        )
    steps = [
        StepSpec(s.state.strip(), s.label.strip(), s.body.strip(), tuple(dict.fromkeys(s.roles)))
        for s in steps
    ]
    with transaction.atomic():
        problems = route_problems(steps)
        for state, ids in sorted(stranded(document, steps).items()):
            editions = ", ".join(str(i) for i in ids)
            problems.append(
                f"edition{'s' if len(ids) > 1 else ''} {editions} "
                f"{'are' if len(ids) > 1 else 'is'} at '{state}', which this route "
                "leaves out: move them on or return them first"
            )
        if problems:
            raise RouteError(problems)
        before = route_for(document)
        _write(document, steps)
        after = route_for(document)
        record_event(
            user,
            "changed",
            "editions.Route",
            document,
            f"Route of the {Document(document).label} changed: "
            + " > ".join(s.label for s in after.steps),
            before=_plain(before),
            after=_plain(after),
        )
    return after


def _plain(route: Route) -> dict[str, Any]:
    return {
        "document": route.document,
        "own": route.own,
        "steps": [
            {"state": s.state, "label": s.label, "body": s.body, "roles": list(s.roles)}
            for s in route.steps
        ],
    }


def record_event(
    user: Any,
    action: str,
    model: str,
    object_id: object,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An audit event for what is not one model instance (a route, a step with its edition):
    who (the signed-in user, or the command line's operating-system user), what, where."""
    signed_in = getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        partnership=require_partnership(),
        user=user if signed_in else None,
        actor=user.get_username() if signed_in else audit.cli_actor(),
        action=action,
        model=model,
        object_id=str(object_id)[:64],
        summary=summary[:300],
        before=before,
        after=after,
    )
