"""Moving an edition along its route: one recorded, audited step at a time, only by the roles
the route names; returned for changes is a step back; publishing needs a public edition
whose check passed and whose files are intact. Through the service and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership, Organisation
from saferplan.cli.main import app
from saferplan.editions import routes, steps
from saferplan.editions.models import Edition, MinorAmendment, Step
from saferplan.editions.store import folder_of
from saferplan.editions.tests.samples import keep_sample

pytestmark = pytest.mark.django_db

SA_ROUTE = ["draft", "overview-and-scrutiny", "board-approved", "published"]


def _decision(
    day: int = 12, body: str = "Overview and Scrutiny Committee", **more
) -> steps.Decision:  # type: ignore[no-untyped-def]
    return steps.Decision(body, dt.date(2019, 6, day), **more)


@pytest.fixture
def edition(partnership, data_dir, tmp_path: Path) -> Edition:
    return keep_sample(tmp_path / "a", "Harrow")


def _user(partnership, name: str, roles: list[str]):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(name, password="x" * 12)
    org, _ = Organisation.objects.get_or_create(partnership=partnership, name="Council",
                                                defaults={"kind": "council"})  # fmt: skip
    Membership.objects.create(user=user, partnership=partnership, organisation=org, roles=roles)
    return user


def test_an_edition_moves_on_one_step_at_a_time_to_published(edition) -> None:
    assert edition.state == "draft"
    for day, state in zip((12, 20, 28), SA_ROUTE[1:], strict=True):
        step = steps.advance(
            edition, state, _decision(day, agenda_item="Item 8", resolution="Agreed")
        )
        edition.refresh_from_db()
        assert edition.state == state == step.to_state
    taken = steps.history(edition)
    assert [(s.from_state, s.to_state, s.kind) for s in taken] == [
        ("draft", "overview-and-scrutiny", "advanced"),
        ("overview-and-scrutiny", "board-approved", "advanced"),
        ("board-approved", "published", "advanced"),
    ]
    assert taken[0].agenda_item == "Item 8" and taken[0].resolution == "Agreed"
    assert taken[-1].to_label == "Published" and edition.published
    with pytest.raises(steps.StepError, match="published: the end of its route"):
        steps.advance(edition, "published", _decision(29))


def test_skipping_a_step_or_naming_a_state_off_the_route_is_refused(edition) -> None:
    with pytest.raises(steps.StepError) as skipped:
        steps.advance(edition, "board-approved", _decision())
    assert "its next step is 'overview-and-scrutiny' (Overview and Scrutiny), not " \
           "'board-approved'" in skipped.value.message  # fmt: skip
    with pytest.raises(steps.StepError, match="has no state 'cabinet'"):
        steps.advance(edition, "cabinet", _decision())
    edition.refresh_from_db()
    assert edition.state == "draft" and not Step.objects.exists()
    assert not AuditEvent.objects.filter(model="editions.Edition", action="changed").exists()


def test_only_the_roles_the_route_names_may_take_a_step(partnership, edition) -> None:
    board = _user(partnership, "board-member", ["board"])
    analyst = _user(partnership, "an-analyst", ["analyst"])
    with pytest.raises(steps.NotAllowed, match="only admin, analyst may record"):
        steps.advance(edition, "overview-and-scrutiny", _decision(), board)
    steps.advance(edition, "overview-and-scrutiny", _decision(), analyst)
    # The board step is the admins' only: the analyst may neither take it nor refuse it.
    with pytest.raises(steps.NotAllowed):
        steps.advance(edition, "board-approved", _decision(20), analyst)
    with pytest.raises(steps.NotAllowed):
        steps.return_for_changes(edition, "draft", _decision(20), analyst)
    assert Step.objects.get().taken_by == analyst


def test_every_step_is_audited_with_the_decision(partnership, edition) -> None:
    admin = _user(partnership, "an-admin", ["admin"])
    steps.advance(edition, "overview-and-scrutiny",
                  _decision(key_decision=True, resolution="Comments referred to Cabinet"), admin)  # fmt: skip
    event = AuditEvent.objects.get(model="editions.Edition", action="changed")
    assert (event.user, event.partnership, event.object_id) == (admin, partnership, str(edition.pk))
    assert event.before == {"state": "draft"}
    assert event.after["state"] == "overview-and-scrutiny" and event.after["key_decision"]
    assert event.after["resolution"] == "Comments referred to Cabinet"
    assert "Moved on to Overview and Scrutiny" in event.summary


def test_returned_for_changes_is_a_step_back_and_the_route_goes_on_from_there(edition) -> None:
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    with pytest.raises(steps.StepError, match="only be returned to a state before"):
        steps.return_for_changes(edition, "published", _decision(20, body="Board"))
    step = steps.return_for_changes(edition, "draft", _decision(20, body="Board",
                                    resolution="The ASB section to be rewritten"))  # fmt: skip
    edition.refresh_from_db()
    assert edition.state == "draft" and step.kind == "returned"
    assert (step.from_state, step.to_state) == ("overview-and-scrutiny", "draft")
    steps.advance(edition, "overview-and-scrutiny", _decision(25))
    assert [s.kind for s in steps.history(edition)] == ["advanced", "returned", "advanced"]


def test_a_published_edition_is_final(edition) -> None:
    for day, state in zip((12, 20, 28), SA_ROUTE[1:], strict=True):
        steps.advance(edition, state, _decision(day))
    with pytest.raises(steps.StepError, match="a published edition is final"):
        steps.return_for_changes(edition, "draft", _decision(29))


def test_meeting_dates_are_checked(edition) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(steps.StepError, match="is after today"):
        steps.advance(edition, "overview-and-scrutiny", steps.Decision("Board", tomorrow))
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    with pytest.raises(steps.StepError, match="before that of the edition's last step"):
        steps.advance(edition, "board-approved", _decision(11))
    with pytest.raises(steps.StepError, match="say which body"):
        steps.advance(edition, "board-approved", _decision(13, body="  "))


def _to_board(edition: Edition) -> None:
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    steps.advance(edition, "board-approved", _decision(20))


def test_only_a_public_edition_whose_check_passed_and_files_are_intact_is_published(
    partnership, data_dir, tmp_path: Path
) -> None:
    restricted = keep_sample(tmp_path / "r", "Harrow", "restricted")
    failed = keep_sample(tmp_path / "f", "Harrow", check_problems=["total: 14,888 is not 14,999"])
    altered = keep_sample(tmp_path / "x", "Harrow")
    for edition in (restricted, failed, altered):
        _to_board(edition)
    path = folder_of(altered) / "figures.json"
    path.chmod(0o600)
    path.write_text("{}")
    reasons = {restricted.pk: "only a public edition is published",
               failed.pk: r"failed its consistency check \(1 problem\): it cannot be",
               altered.pk: "figures.json has changed"}  # fmt: skip
    for edition in (restricted, failed, altered):
        with pytest.raises(steps.StepError, match=reasons[edition.pk]):
            steps.advance(edition, "published", _decision(28))
        edition.refresh_from_db()
        assert edition.state == "board-approved"


def test_a_stale_form_is_refused(edition) -> None:
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    with pytest.raises(steps.StaleState, match="it is now at 'overview-and-scrutiny'"):
        steps.advance(edition, "board-approved", _decision(20), expected_state="draft")


def test_minor_amendments_are_recorded_with_who_made_them(partnership, edition) -> None:
    made = [steps.Amendment("Table 3 retitled", "Corporate Director, People Services")]
    steps.advance(edition, "overview-and-scrutiny", _decision(12, amendments=made))
    step = Step.objects.get()
    later = steps.add_amendment(step, steps.Amendment("Typo on page 4", "Head of Service",
                                                      dt.date(2019, 6, 14)))  # fmt: skip
    assert [(a.text, a.made_by) for a in step.amendments.all()] == [
        ("Table 3 retitled", "Corporate Director, People Services"),
        ("Typo on page 4", "Head of Service")]  # fmt: skip
    assert later.made_on == dt.date(2019, 6, 14)
    board = _user(partnership, "board-member", ["board"])
    with pytest.raises(steps.NotAllowed):
        steps.add_amendment(step, steps.Amendment("Mine", "Me"), board)
    with pytest.raises(steps.StepError, match="what was changed and who made it"):
        steps.add_amendment(step, steps.Amendment("Nameless", " "))
    assert MinorAmendment.objects.count() == 2
    assert AuditEvent.objects.filter(model="editions.MinorAmendment").count() == 1


def test_a_recorded_step_never_changes(edition) -> None:
    step = steps.advance(edition, "overview-and-scrutiny", _decision(12))
    step.resolution = "Rewritten afterwards"
    with pytest.raises(ValueError, match="a recorded step never changes"):
        step.save()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_the_cli_moves_an_edition_along_and_prints_its_history(partnership, edition) -> None:
    name = partnership.name
    done = _cli("editions", "advance", str(edition.pk), "--to", "overview-and-scrutiny",
                "--body", "Overview and Scrutiny Committee", "--date", "2019-06-12", "--item",
                "Item 8", "--resolution", "=Noted", "--key-decision", "--partnership", name)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "moved on to Overview and Scrutiny" in done.output
    skipped = _cli("editions", "advance", str(edition.pk), "--to", "published", "--body", "x",
                   "--date", "2019-06-13", "--partnership", name)  # fmt: skip
    assert skipped.exit_code == 1 and "its next step is 'board-approved'" in skipped.output
    bad_date = _cli("editions", "advance", str(edition.pk), "--to", "board-approved", "--body",
                    "Board", "--date", "12/06/2019", "--partnership", name)  # fmt: skip
    assert bad_date.exit_code == 1 and "--date '12/06/2019' is not a date" in bad_date.output
    returned = _cli("editions", "return", str(edition.pk), "--to", "draft", "--body", "Board",
                    "--date", "2019-06-20", "--partnership", name)  # fmt: skip
    assert returned.exit_code == 0, returned.output
    listed = _cli("editions", "history", str(edition.pk), "--format", "csv", "--partnership", name)
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["kind"], r["to"], r["meeting_date"]) for r in rows] == [
        ("advanced", "overview-and-scrutiny", "2019-06-12"), ("returned", "draft", "2019-06-20")]  # fmt: skip
    assert rows[0]["resolution"] == "'=Noted"  # never a formula in a spreadsheet
    assert rows[0]["key_decision"] == "yes" and rows[0]["recorded_by"].endswith("(cli)")
    route = json.loads(_cli("editions", "route", "strategic-assessment", "--format", "json",
                            "--partnership", name).stdout)  # fmt: skip
    assert route["own"] and [s["state"] for s in route["steps"]] == SA_ROUTE
    listed = _cli("editions", "list", "--format", "csv", "--partnership", name)
    assert {r["state"] for r in csv.DictReader(io.StringIO(listed.stdout))} == {"draft"}


def test_the_cli_records_a_minor_amendment(partnership, edition) -> None:
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    done = _cli("editions", "amend", str(edition.pk), "--text", "Chart 2 relabelled", "--by",
                "Director", "--date", "2019-06-13", "--partnership", partnership.name)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert MinorAmendment.objects.get().made_by == "Director"
    missing = _cli("editions", "amend", str(edition.pk), "--text", "x", "--by", "y", "--step",
                   "4", "--partnership", partnership.name)  # fmt: skip
    assert missing.exit_code == 1 and "has no step 4" in missing.output


def test_an_edition_at_a_state_its_route_no_longer_has_is_stopped_loudly(edition) -> None:
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    # Only a database edited by hand can get here: save_route refuses it.
    from saferplan.editions.models import RouteStep

    RouteStep.objects.filter(state="overview-and-scrutiny").delete()
    with pytest.raises(steps.StepError, match="which its route no longer has"):
        steps.advance(edition, "board-approved", _decision(20))
    assert routes.route_for("strategic-assessment").own
