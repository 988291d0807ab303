"""Moving an edition along its route: one recorded, audited step at a time.

A step records the decision that moved the edition (the body, the meeting date, the agenda
item, the resolution, whether it was a key decision, and minor amendments made under a
delegation, with who made them). The way back is a step too ("returned for changes", to an
earlier state), never an edit. Only the roles the route names for the step may take it
(the command line acts as the operator, as every ``saferplan`` command does); publishing
needs a public edition whose check passed and whose files are intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferplan.accounts import audit, permissions
from saferplan.core.errors import SaferplanError
from saferplan.editions.models import Edition, MinorAmendment, State, Step
from saferplan.editions.routes import Route, StepSpec, ensure_own_route, record_event
from saferplan.editions.store import verify

TEXT_LIMIT = 200


@dataclass(frozen=True)
class Amendment:
    text: str
    made_by: str
    made_on: dt.date | None = None


@dataclass(frozen=True)
class Decision:
    """What the body decided, as its minutes record it."""

    body: str
    meeting_date: dt.date
    agenda_item: str = ""
    resolution: str = ""
    key_decision: bool = False
    amendments: Sequence[Amendment] = ()


class StepError(SaferplanError):
    """A step that cannot be taken as asked (wrong state, not the next one, not allowed)."""


class NotAllowed(StepError):
    """The user's roles are not those the route names for the step."""


class StaleState(StepError):
    """The edition moved on while the person was filling in the form."""


def _who(user: Any) -> tuple[Any, str]:
    if getattr(user, "is_authenticated", False):
        return user, user.get_username()
    return None, audit.cli_actor()


def _check_decision(decision: Decision, previous: Step | None) -> None:
    if not decision.body.strip():
        raise StepError("say which body took the decision (--body)")
    for name, value in (("body", decision.body), ("agenda item", decision.agenda_item)):
        if len(value) > TEXT_LIMIT:
            raise StepError(f"the {name} is longer than {TEXT_LIMIT} characters")
    if decision.meeting_date > timezone.localdate():
        raise StepError(
            f"the meeting date {decision.meeting_date.isoformat()} is after today",
            hint="Record a decision once it has been taken.",
        )
    if previous is not None and decision.meeting_date < previous.meeting_date:
        raise StepError(
            f"the meeting date {decision.meeting_date.isoformat()} is before that of the "
            f"edition's last step ({previous.to_label}, {previous.meeting_date.isoformat()})",
            hint="Steps are recorded in the order they were taken.",
        )
    for amendment in decision.amendments:
        _check_amendment(amendment)


def _check_amendment(amendment: Amendment) -> None:
    if not amendment.text.strip() or not amendment.made_by.strip():
        raise StepError("a minor amendment needs what was changed and who made it")
    if len(amendment.made_by) > TEXT_LIMIT:
        raise StepError(f"who made the amendment is longer than {TEXT_LIMIT} characters")
    if amendment.made_on is not None and amendment.made_on > timezone.localdate():
        raise StepError(f"the amendment's date {amendment.made_on.isoformat()} is after today")


def _locked(edition: Edition, expected_state: str | None) -> Edition:
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if expected_state is not None and locked.state != expected_state:
        raise StaleState(
            f"edition {locked.pk} has moved on since the page was opened: it is now at "
            f"'{locked.state}'",
            hint="Open the edition again to see its latest step.",
        )
    return locked


def _position(edition: Edition, route: Route) -> int:
    at = route.position(edition.state)
    if at is None:
        raise StepError(
            f"edition {edition.pk} is at '{edition.state}', which its route no longer has",
            hint=f"The route's states: {route.listing()}. An admin adds the state back.",
        )
    return at


def next_step(edition: Edition, route: Route) -> StepSpec | None:
    """The one step the edition can take next (None once it is published)."""
    return route.after(edition.state)


def _allowed(user: Any, spec: StepSpec) -> None:
    if user is not None and not permissions.can_take_step(user, spec.roles):
        raise NotAllowed(f"only {', '.join(spec.roles)} may record '{spec.label}'")


def _check_publishable(edition: Edition) -> None:
    if not edition.publishable:
        raise StepError(
            f"edition {edition.pk} is a {edition.get_edition_display().lower()} edition: "
            "only a public edition is published",
            hint="Publish the public edition of it.",
        )
    if not edition.check_passed:
        count = len(edition.check_problems)
        raise StepError(
            f"edition {edition.pk} failed its consistency check "
            f"({count} problem{'' if count == 1 else 's'}): it cannot be published",
            hint="Build the document again once the problems are fixed.",
        )
    altered = verify(edition)
    if altered:
        raise StepError(
            f"edition {edition.pk} cannot be published: " + "; ".join(a.describe() for a in altered)
        )


def advance(
    edition: Edition,
    to_state: str,
    decision: Decision,
    user: Any = None,
    expected_state: str | None = None,
) -> Step:
    """Move the edition on to ``to_state``, which must be the next state of its route."""
    with transaction.atomic():
        locked = _locked(edition, expected_state)
        route = ensure_own_route(locked.document)
        _position(locked, route)
        spec = route.after(locked.state)
        if spec is None:
            raise StepError(
                f"edition {locked.pk} is {route.label(locked.state).lower()}: the end of its route"
            )
        if to_state != spec.state:
            _not_next(locked, route, to_state, spec)
        _allowed(user, spec)
        if spec.state == State.PUBLISHED:
            _check_publishable(locked)
        return _record(locked, route, spec, Step.Kind.ADVANCED, decision, user)


def _not_next(edition: Edition, route: Route, to_state: str, spec: StepSpec) -> None:
    at = route.label(edition.state)
    if route.position(to_state) is None:
        raise StepError(
            f"the route of the {edition.get_document_display()} has no state '{to_state}'",
            hint=f"Its states: {route.listing()}.",
        )
    raise StepError(
        f"edition {edition.pk} is at '{at}': its next step is '{spec.state}' ({spec.label}), "
        f"not '{to_state}'",
        hint="An edition moves on one step at a time; to go back, return it for changes.",
    )


def return_for_changes(
    edition: Edition,
    to_state: str,
    decision: Decision,
    user: Any = None,
    expected_state: str | None = None,
) -> Step:
    """The body that would take the next step sends the edition back to an earlier state."""
    with transaction.atomic():
        locked = _locked(edition, expected_state)
        route = ensure_own_route(locked.document)
        at = _position(locked, route)
        if locked.state == State.PUBLISHED:
            raise StepError(
                f"edition {locked.pk} is published: a published edition is final",
                hint="Build the document again as a new edition.",
            )
        refused = route.after(locked.state)
        assert refused is not None  # only 'published' is last
        earlier = [s.state for s in route.before(locked.state)]
        if to_state not in earlier:
            raise StepError(
                f"edition {locked.pk} can only be returned to a state before "
                f"'{route.label(locked.state)}', not '{to_state}'",
                hint=f"Earlier states: {', '.join(earlier) or 'none (it is a draft)'}.",
            )
        _allowed(user, refused)
        target = route.steps[route.states[to_state]]
        assert route.states[to_state] < at
        return _record(locked, route, target, Step.Kind.RETURNED, decision, user)


def _record(
    edition: Edition, route: Route, target: StepSpec, kind: str, decision: Decision, user: Any
) -> Step:
    previous = edition.steps.order_by("-taken_at", "-id").first()
    _check_decision(decision, previous)
    taker, name = _who(user)
    before = audit.snapshot(edition)
    step = Step.objects.create(
        edition=edition,
        kind=kind,
        from_state=edition.state,
        to_state=target.state,
        from_label=route.label(edition.state),
        to_label=target.label,
        body=decision.body.strip(),
        meeting_date=decision.meeting_date,
        agenda_item=decision.agenda_item.strip(),
        resolution=decision.resolution.strip(),
        key_decision=decision.key_decision,
        taken_by=taker,
        taken_by_name=name,
    )
    for amendment in decision.amendments:
        _add_amendment(step, amendment, name)
    edition.state = target.state
    edition.save(update_fields=["state"])
    verb = "Returned for changes to" if kind == Step.Kind.RETURNED else "Moved on to"
    record_event(
        user,
        "changed",
        "editions.Edition",
        edition.pk,
        f"{verb} {target.label} ({step.body}, {step.meeting_date:%d %B %Y}): {edition}",
        before={"state": before["state"]},
        after={
            "state": edition.state,
            "step": step.pk,
            "kind": kind,
            "body": step.body,
            "meeting_date": step.meeting_date.isoformat(),
            "agenda_item": step.agenda_item,
            "resolution": step.resolution,
            "key_decision": step.key_decision,
            "amendments": [{"text": a.text, "made_by": a.made_by} for a in decision.amendments],
        },
    )
    return step


def _add_amendment(step: Step, amendment: Amendment, recorder: str) -> MinorAmendment:
    return MinorAmendment.objects.create(
        step=step,
        text=amendment.text.strip(),
        made_by=amendment.made_by.strip(),
        made_on=amendment.made_on,
        recorded_by_name=recorder,
    )


def add_amendment(step: Step, amendment: Amendment, user: Any = None) -> MinorAmendment:
    """A minor amendment made later under the delegation given at ``step``; only those who
    may take that step may record it."""
    if step.kind != Step.Kind.ADVANCED:
        raise StepError(
            "minor amendments are made under a decision that moved the edition on, "
            "not one that returned it"
        )
    route = ensure_own_route(step.edition.document)
    spec = route.step(step.to_state) or StepSpec(step.to_state, step.to_label)
    _allowed(user, spec)
    _check_amendment(amendment)
    _, name = _who(user)
    with transaction.atomic():
        made = _add_amendment(step, amendment, name)
        record_event(
            user,
            "created",
            "editions.MinorAmendment",
            made.pk,
            f"Minor amendment under '{step.to_label}' ({step.body}) by "
            f"{made.made_by}: {step.edition}",
            after={
                "step": step.pk,
                "text": made.text,
                "made_by": made.made_by,
                "made_on": made.made_on.isoformat() if made.made_on else None,
            },
        )
    return made


def history(edition: Edition) -> list[Step]:
    """Every step the edition has taken, oldest first, with its amendments."""
    return list(edition.steps.prefetch_related("amendments").order_by("taken_at", "id"))
