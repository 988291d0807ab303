"""Routes: declared per kind of document, copied into the partnership's own, validated, and
never edited out from under an edition that stands on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import InputError
from saferplan.editions import routes, steps
from saferplan.editions.models import Document, RouteStep
from saferplan.editions.routes import RouteError, StepSpec, route_problems
from saferplan.editions.tests.samples import keep_sample

pytestmark = pytest.mark.django_db

MEETING = steps.Decision("Overview and Scrutiny Committee", dt.date(2019, 6, 12))


def test_every_kind_of_document_has_a_declared_route_from_draft_to_published() -> None:
    declared = routes.read_declared()
    for document in Document.values:
        route = routes.declared_route(document)
        assert route.steps[0].state == "draft" and route.steps[-1].state == "published"
        assert document in declared, f"{document} has no route in routes.toml"
    yjp = [s.state for s in routes.declared_route("youth-justice-plan").steps]
    assert yjp == ["draft", "partner-consultation", "board-approved", "overview-and-scrutiny",
                   "cabinet", "full-council-adopted", "submitted", "published"]  # fmt: skip


def _steps(*states: str, roles: tuple[str, ...] = ("admin",)) -> list[StepSpec]:
    return [StepSpec(s, s.replace("-", " ").title(), "", () if i == 0 else roles)
            for i, s in enumerate(states)]  # fmt: skip


@pytest.mark.parametrize(
    ("steps_", "expected"),
    [
        (_steps("draft"), "at least the states 'draft' and 'published'"),
        (_steps("cabinet", "published"), "the first state must be 'draft', not 'cabinet'"),
        (_steps("draft", "cabinet"), "the last state must be 'published', not 'cabinet'"),
        (_steps("draft", "cabinet", "cabinet", "published"), "'cabinet' is on the route twice"),
        (_steps("draft", "Cabinet!", "published"), "must be lower-case letters"),
        (_steps("draft", "cabinet", "published", roles=()), "name the role(s) that may take"),
        (_steps("draft", "cabinet", "published", roles=("mayor",)), "unknown role(s) mayor"),
        ([*_steps("draft"), StepSpec("cabinet", " ", "", ("admin",)),
          StepSpec("published", "Published", "", ("admin",))], "give it a label"),
    ],
)  # fmt: skip
def test_a_route_that_cannot_be_used_says_why(steps_: list[StepSpec], expected: str) -> None:
    problems = route_problems(steps_)
    assert any(expected in p for p in problems), problems


def test_a_declared_routes_file_with_a_mistake_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "routes.toml"
    bad.write_text('[default]\nsteps = [{ state = "draft", label = "Draft" },\n'
                   '{ state = "published", label = "Published", roles = ["admin"] }]\n'
                   '[youth-justice-plan]\nsteps = [{ state = "draft", label = "Draft" }, '
                   '{ state = "published", label = "Published" }]\n')  # fmt: skip
    with pytest.raises(RouteError) as error:
        routes.read_declared(bad)
    assert "routes.toml, the route of [youth-justice-plan]" in error.value.message
    assert "step 2 ('Published'): name the role(s)" in error.value.message
    bad.write_text("[crime-plan]\nsteps = []\n")
    with pytest.raises(InputError, match=r"\[crime-plan\] is not a kind of document"):
        routes.read_declared(bad)


def test_the_partnership_gets_its_own_copy_when_a_first_step_is_taken(
    partnership, data_dir, tmp_path: Path
) -> None:
    edition = keep_sample(tmp_path / "a", "Harrow")
    assert not routes.route_for("strategic-assessment").own
    assert not RouteStep.objects.exists()
    steps.advance(edition, "overview-and-scrutiny", MEETING)
    own = routes.route_for("strategic-assessment")
    assert own.own and own.steps == routes.declared_route("strategic-assessment").steps
    assert RouteStep.objects.filter(document="strategic-assessment").count() == len(own.steps)


def test_saving_a_route_is_checked_audited_and_followed_from_where_an_edition_stands(
    partnership, data_dir, tmp_path: Path
) -> None:
    edition = keep_sample(tmp_path / "a", "Harrow")
    steps.advance(edition, "overview-and-scrutiny", MEETING)
    declared = routes.declared_route("strategic-assessment").steps
    # Publish straight after Scrutiny: the board step removed (no edition stands there).
    shorter = [s for s in declared if s.state != "board-approved"]
    saved = routes.save_route("strategic-assessment", shorter, None)
    assert [s.state for s in saved.steps] == ["draft", "overview-and-scrutiny", "published"]
    edition.refresh_from_db()
    assert steps.next_step(edition, saved).state == "published"
    event = AuditEvent.objects.filter(model="editions.Route").get()
    assert event.object_id == "strategic-assessment" and event.action == "changed"
    assert [s["state"] for s in event.before["steps"]] == [s.state for s in declared]
    assert [s["state"] for s in event.after["steps"]] == [s.state for s in shorter]
    assert event.partnership == partnership


def test_a_state_where_an_edition_stands_cannot_be_removed(
    partnership, data_dir, tmp_path: Path
) -> None:
    edition = keep_sample(tmp_path / "a", "Harrow")
    steps.advance(edition, "overview-and-scrutiny", MEETING)
    before = routes.route_for("strategic-assessment")
    without = [s for s in before.steps if s.state != "overview-and-scrutiny"]
    with pytest.raises(RouteError) as error:
        routes.save_route("strategic-assessment", without, None)
    assert (f"edition {edition.pk} is at 'overview-and-scrutiny', which this route leaves out"
            in error.value.message)  # fmt: skip
    assert routes.route_for("strategic-assessment") == before
    assert not AuditEvent.objects.filter(model="editions.Route").exists()


def test_an_invalid_route_is_refused_with_every_reason_and_changes_nothing(
    partnership, data_dir
) -> None:
    asked = [StepSpec("cabinet", "", "", ()), StepSpec("cabinet", "Cabinet", "", ("mayor",))]
    with pytest.raises(RouteError) as error:
        routes.save_route("youth-justice-plan", asked, None)
    assert len(error.value.problems) == 5, error.value.problems
    assert not RouteStep.objects.exists()
