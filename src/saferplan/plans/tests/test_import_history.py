"""A plan import keeps what the file says: progress as dated history, RAG ratings, year-end
decisions, links to the other year's actions, and an audit event (issue #11, items 17, 19;
issue #10's bad data)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.core.errors import InputError
from saferplan.plans.demo import FIXTURES, load_demo_partnership
from saferplan.plans.importing import import_plan
from saferplan.plans.models import Action, ProgressUpdate, StrategyYear

pytestmark = pytest.mark.django_db
PLAN_1819 = FIXTURES / "delivery_plan_2018_19.csv"
PLAN_1920 = FIXTURES / "delivery_plan_2019_20.csv"


def rows_of(path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def imported(path, label: str, partnership: Partnership | None = None) -> StrategyYear:  # type: ignore[no-untyped-def]
    owner = partnership or Partnership.objects.get_or_create(name="Test")[0]
    return import_plan(path.read_text(encoding="utf-8"), str(path), owner, label)


def test_2018_19_plan_keeps_its_ratings_decisions_and_progress() -> None:
    rows = rows_of(PLAN_1819)
    year = imported(PLAN_1819, "2018/19")
    actions = {a.reference: a for a in Action.objects.filter(objective__priority__year=year)}
    assert len(actions) == len(rows) == 58
    # Year-end decisions, exactly as the file's column gives them.
    expected = Counter(r["disposition_2019_20"].split(" ")[0].lower() for r in rows)
    assert Counter(a.disposition for a in actions.values()) == expected
    assert expected == Counter({"continue": 34, "complete": 19, "remove": 2, "": 3})
    # Ratings: the five the file gives (Green x2, Amber x3), no others invented.
    ratings = {r["row_id"]: r["rag_raw"].lower() for r in rows if r["rag_raw"]}
    assert {ref: actions[ref].rag() for ref in ratings} == ratings
    assert len(ratings) == 5
    with_text = {r["row_id"] for r in rows if r["progress_text"].strip()}
    unrated = with_text - set(ratings)
    assert all(actions[ref].rag() == "" for ref in unrated)  # "Not rated", not Amber
    # Every row with progress has it as history; rows without have none.
    assert {ref for ref, a in actions.items() if a.updates.exists()} == with_text
    assert all(not a.updates.exists() for ref, a in actions.items() if ref not in with_text)


def test_dated_updates_in_one_cell_become_their_own_history() -> None:
    year = imported(PLAN_1819, "2018/19")
    be_safe = Action.objects.get(objective__priority__year=year, reference="1819-HV1-01")
    latest, earlier = list(be_safe.updates.all())
    assert (latest.date, latest.rag) == (date(2019, 1, 10), "green")
    assert latest.text.startswith("Autumn Nights ran successfully")
    assert earlier.date is None and earlier.text.startswith("Ongoing and on target.")
    assert "UPDATE 10th Jan 2019" not in latest.text + earlier.text
    housing = Action.objects.get(objective__priority__year=year, reference="1819-HV3-03")
    dates = [u.date for u in housing.updates.all()]
    assert dates == [date(2019, 5, 17), date(2019, 2, 25), None]
    assert housing.updates.first().text.startswith("Business as usual")
    assert all(
        u.source.startswith("delivery_plan_2018_19.csv, row ") for u in housing.updates.all()
    )


def test_the_plan_page_shows_the_imported_ratings_not_all_no_update() -> None:
    load_demo_partnership(with_history=True)
    rows = rows_of(PLAN_1819)
    year = StrategyYear.objects.get(label="2018/19")
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    page = client.get(f"/plans/{year.pk}/").content.decode()
    rated = Counter(r["rag_raw"] for r in rows if r["rag_raw"])
    no_update = sum(1 for r in rows if not r["progress_text"].strip() and not r["rag_raw"])
    not_rated = len(rows) - no_update - sum(rated.values())
    assert f"Green: {rated['Green']}<" in page and f"Amber: {rated['Amber']}<" in page
    assert f"Not rated: {not_rated}<" in page and f"No update: {no_update}<" in page


def test_either_year_first_links_continued_actions_to_last_years() -> None:
    rows_1819, rows_1920 = rows_of(PLAN_1819), rows_of(PLAN_1920)
    back = {r["row_id"]: r["predecessor_2018_19"].split(" ")[0] for r in rows_1920
            if r["predecessor_2018_19"]}  # fmt: skip
    forward = {r["successor_2019_20"].split(" ")[0]: r["row_id"] for r in rows_1819
               if r["successor_2019_20"][:1].isdigit()}  # fmt: skip
    for order in ((PLAN_1819, PLAN_1920), (PLAN_1920, PLAN_1819)):
        partnership = Partnership.objects.create(name=f"Order {order[0].name}")
        for path in order:
            imported(path, "2018/19" if "2018" in path.name else "2019/20", partnership)
        links = {
            a.reference: a.carried_from.reference
            for a in Action.objects.filter(
                objective__priority__year__partnership=partnership, carried_from__isnull=False
            )
        }
        # Whichever came first, the later import links what its own column states.
        stated = back if order[1] == PLAN_1920 else forward
        assert links == stated
    assert len(back) == 39


def test_a_carried_action_shows_last_years_history_and_earlier_years_are_reachable() -> None:
    load_demo_partnership(with_history=True)
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    action = Action.objects.get(reference="1920-HV1-01")
    last_year = Action.objects.get(reference="1819-HV1-01")
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "In the 2018/19 plan" in page and f'href="/actions/{last_year.pk}/"' in page
    assert "Autumn Nights ran successfully" in page
    older = client.get(f"/actions/{last_year.pk}/").content.decode()
    assert f'href="/actions/{action.pk}/"' in older  # and forward to this year's
    home = client.get("/").content.decode()
    plan_1819 = StrategyYear.objects.get(label="2018/19")
    assert f'href="/plans/{plan_1819.pk}/"' in home
    this_year = client.get(f"/plans/{action.objective.priority.year_id}/").content.decode()
    assert f'href="/plans/{plan_1819.pk}/"' in this_year


def test_the_import_is_audited() -> None:
    year = imported(PLAN_1819, "2018/19")
    event = AuditEvent.objects.get(model="plans.StrategyYear", object_id=str(year.pk))
    assert event.action == "created" and event.actor.endswith("(cli)")
    assert "58 actions" in event.summary and "delivery_plan_2018_19.csv" in event.summary


HEADER = "section,objective_code,objective_heading,action,lead_raw,deadline_normalised\n"


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        (HEADER + "High,HV1,Burglary,Patrols,Police,2020-13\n", 2, "deadline_normalised",
         "'2020-13' is not a month"),
        (HEADER, 2, None, "no actions, only a header"),
        (HEADER + "High,HV1,Burglary,Patrols,Police,2020-03\n" + "High,HV1,B,"
         + "x" * 10_000_000 + ",Police,2020-03\n", 3, "action", "characters"),
        (HEADER + "High,HV1,Burglary," + "y" * 30_000 + ",Police,\n", 2, "action",
         "at most 20,000 are allowed"),
        (HEADER + "High,HV1,Burglary,Patrols," + "z" * 301 + ",\n", 2, "lead_raw", "at most 300"),
    ],
)  # fmt: skip
def test_bad_plan_files_are_refused_naming_the_place_and_store_nothing(
    text: str, row: int, column: str | None, message: str
) -> None:
    partnership = Partnership.objects.create(name="Test")
    with pytest.raises(InputError) as caught:
        import_plan(text, "plan.csv", partnership, "2020/21")
    # A cell past the csv module's limit has no column; the limit is process-wide (another
    # importer may have raised it), and past it the plan's own limit names the column.
    too_big = caught.value.column is None and "a cell is longer than" in caught.value.message
    assert (caught.value.row, caught.value.column if not too_big else column) == (row, column)
    assert message in caught.value.message and caught.value.message.startswith("plan.csv, row")
    assert not StrategyYear.objects.exists() and not ProgressUpdate.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_excel_plan_is_read_with_sheet_row_numbers(tmp_path) -> None:
    from openpyxl import Workbook

    from saferplan.plans.planfile import read_plan_path

    book = Workbook()
    sheet = book.active
    sheet.append(["section", "objective_code", "objective_heading", "action", "lead_raw",
                  "deadline_normalised"])  # fmt: skip
    sheet.append(["High", "HV1", "Burglary", "Patrols\nin two lines", "Police", "2020-03"])
    sheet.append(["High", "HV1", "Burglary", "Visits", "Police", "2020-13"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_plan_path(str(path))
    assert (caught.value.row, caught.value.column) == (3, "deadline_normalised")
    sheet["F3"] = "2020-04"
    book.save(path)
    plan = read_plan_path(str(path))
    assert [(r.row, r.action, r.review_date) for r in plan.rows] == [
        (2, "Patrols\nin two lines", date(2020, 3, 31)), (3, "Visits", date(2020, 4, 30))]  # fmt: skip


def test_the_service_imports_for_plan_editors_only(demo_scope) -> None:
    from saferplan.plans import service
    from saferplan.plans.planfile import read_plan_path

    plan = read_plan_path(str(PLAN_1819))
    users = get_user_model().objects
    preview = service.preview_import(plan, demo_scope)
    assert (preview.label, preview.actions, preview.exists) == ("2018/19", 58, False)
    with pytest.raises(service.NotAllowed):
        service.import_plan(users.get(username="board"), PLAN_1819, demo_scope)
    assert not StrategyYear.objects.filter(label="2018/19").exists()
    year = service.import_plan(users.get(username="analyst"), PLAN_1819, demo_scope).year
    assert year is not None
    event = AuditEvent.objects.get(model="plans.StrategyYear", object_id=str(year.pk))
    assert event.user.username == "analyst"
