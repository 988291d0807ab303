"""The audit trail page (filters, paging) and its CSV download, for the partnership's own
events only; and the plan years page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.plans.models import Action, Objective, Priority, ProgressUpdate, StrategyYear
from saferplan.web.tests.manage import another_partnership, client_for, demo_with_real_passwords

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 1, 11, 30, tzinfo=UTC)  # then 17:30, 23:30, 05:30 ...


@pytest.fixture
def trail() -> tuple[Partnership, Partnership]:
    """120 events of the demo partnership, one every 6 hours from 1 March 2026, by three
    people, and 5 of another partnership; the demo's set-up events removed."""
    demo = demo_with_real_passwords()
    other, _ = another_partnership()
    AuditEvent.objects.all().delete()
    people = ["admin", "analyst", "jo (cli)"]
    for n in range(120):
        event = AuditEvent.objects.create(
            partnership=demo, actor=people[n % 3], action=["created", "changed"][n % 2],
            model=["plans.Action", "accounts.Organisation"][n // 2 % 2], object_id=str(n % 10),
            summary=f"event {n}",
        )  # fmt: skip
        AuditEvent.objects.filter(pk=event.pk).update(when=START + timedelta(hours=6 * n))
    for n in range(5):
        AuditEvent.objects.create(partnership=other, actor="elsewhere-admin", action="changed",
                                  model="plans.Action", object_id="1", summary=f"theirs {n}")  # fmt: skip
    return demo, other


def _expected(**where: object) -> list[str]:
    """The summaries a filter should keep, worked out here from the events as made."""
    kept = []
    for n in range(120):
        when = START + timedelta(hours=6 * n)
        fields = {"who": ["admin", "analyst", "jo (cli)"][n % 3],
                  "action": ["created", "changed"][n % 2],
                  "model": ["plans.Action", "accounts.Organisation"][n // 2 % 2],
                  "object_id": str(n % 10)}  # fmt: skip
        local_day = (when + timedelta(hours=1 if when >= datetime(2026, 3, 29, 1, tzinfo=UTC)
                                      else 0)).date()  # fmt: skip
        if any(fields[k] != v for k, v in where.items() if k not in ("since", "until")):
            continue
        if "since" in where and local_day < where["since"]:  # type: ignore[operator]
            continue
        if "until" in where and local_day > where["until"]:  # type: ignore[operator]
            continue
        kept.append(f"event {n}")
    return list(reversed(kept))  # newest first


def _csv(query: str) -> list[dict[str, str]]:
    response = client_for("admin").get(f"/audit/events.csv{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("?who=analyst", {"who": "analyst"}),
        ("?action=created&model=accounts.Organisation", {"action": "created",
                                                          "model": "accounts.Organisation"}),
        ("?object_id=7", {"object_id": "7"}),
        # Days are London's: British Summer Time starts on 29 March, so the event at 23:30
        # UTC on 30 March is on the 31st and left out, and the one at 23:30 on 28 March
        # (still GMT) is on the 28th.
        ("?since=2026-03-29&until=2026-03-30", {"since": date(2026, 3, 29),
                                                "until": date(2026, 3, 30)}),
        ("?who=jo+%28cli%29&since=2026-03-10", {"who": "jo (cli)", "since": date(2026, 3, 10)}),
    ],
)  # fmt: skip
def test_filters_keep_the_events_asked_for(trail, query: str, where: dict[str, object]) -> None:
    expected = _expected(**where)
    assert 0 < len(expected) < 120
    rows = _csv(query)
    assert [r["summary"] for r in rows] == expected
    page = client_for("admin").get(f"/audit/{query}").content.decode()
    assert f"of {len(expected)}, newest first" in page
    shown = [s for s in expected[:50] if f"event {s.split()[1]}<" in page]
    assert shown == expected[:50]


def test_the_trail_is_paged_and_pages_keep_the_filters(trail) -> None:
    first = client_for("admin").get("/audit/?action=changed").content.decode()
    assert "Events 1 to 50 of 60, newest first" in first
    assert 'href="?action=changed&amp;page=2"' in first
    second = client_for("admin").get("/audit/?action=changed&page=2").content.decode()
    assert "Events 51 to 60 of 60" in second and "event 1<" in second
    everything = client_for("admin").get("/audit/?page=3").content.decode()
    assert "Events 101 to 120 of 120" in everything and "event 0<" in everything


def test_only_the_partnerships_own_events_are_shown_or_downloaded(trail) -> None:
    demo, _ = trail
    page = client_for("admin").get("/audit/").content.decode()
    assert "theirs" not in page and "elsewhere-admin" not in page
    rows = _csv("")  # the 120, and the download itself (audited before it is sent)
    assert [r["action"] for r in rows].count("exported") == 1 and len(rows) == 121
    assert {r["partnership"] for r in rows} == {demo.name}
    theirs = client_for("elsewhere-admin").get("/audit/").content.decode()
    assert "Events 1 to 5 of 5" in theirs and "event 0<" not in theirs


def test_the_download_is_formula_safe_and_audited(trail) -> None:
    demo, _ = trail
    AuditEvent.objects.create(partnership=demo, actor="=cmd|' /C calc'!A0", action="changed",
                              model="plans.Action", object_id="99",
                              summary='=HYPERLINK("http://evil.example","x")',
                              after={"text": "+1"})  # fmt: skip
    rows = _csv("?object_id=99")
    assert len(rows) == 1
    assert rows[0]["summary"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["who"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["after"] == '{"text": "+1"}'  # JSON starts with a brace: left as it is
    export = AuditEvent.objects.get(action="exported")
    assert (export.actor, export.partnership, export.model) == ("admin", demo, "audit")
    assert export.object_id == "object_id=99"


def test_bad_dates_are_refused_with_an_error_summary(trail) -> None:
    response = client_for("admin").get("/audit/?since=2026-04-01&until=2026-03-01")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_until"' in page
    assert "The end date must be the same as or after the start date" in page
    assert client_for("admin").get("/audit/?since=yesterday").status_code == 400
    assert client_for("admin").get("/audit/events.csv?since=yesterday").status_code == 400


def test_plan_years_are_listed_newest_first_with_their_rag_ratings() -> None:
    demo = demo_with_real_passwords()
    older = StrategyYear.objects.get()
    newer = StrategyYear.objects.create(partnership=demo, label="2020/21", title="Next plan")
    priority = Priority.objects.create(year=newer, name="Violence")
    objective = Objective.objects.create(priority=priority, code="V1", heading="Reduce it")
    new_actions = [Action.objects.create(objective=objective, text=f"Act {n}") for n in range(3)]
    ProgressUpdate.objects.create(action=new_actions[0], rag="red", text="late",
                                  date=date(2020, 5, 1))  # fmt: skip
    ProgressUpdate.objects.create(action=new_actions[0], rag="green", text="fixed",
                                  date=date(2020, 6, 1))  # fmt: skip
    ProgressUpdate.objects.create(action=new_actions[1], rag="amber", text="slow")
    page = client_for("board").get("/plans/").content.decode()
    assert page.index(f'href="/plans/{newer.pk}/"') < page.index(f'href="/plans/{older.pk}/"')
    newer_row = page.split(f'href="/plans/{newer.pk}/"')[1].split("</tr>")[0]
    assert ">3</td>" in newer_row
    assert "Green: 1" in newer_row and "Amber: 1" in newer_row and "Red: 0" in newer_row
    assert "No update: 1" in newer_row
    older_row = page.split(f'href="/plans/{older.pk}/"')[1].split("</tr>")[0]
    older_count = Action.objects.filter(objective__priority__year=older).count()
    assert f">{older_count}</td>" in older_row and f"No update: {older_count}" in older_row
    assert client_for("yot").get("/plans/").status_code == 403


def test_the_date_filter_uses_london_days() -> None:
    """The case the filter test relies on: by UTC days the answer would differ."""
    late = START + timedelta(hours=6 * 118)
    assert (late.date(), late.hour) == (date(2026, 3, 30), 23)
    kept = _expected(since=date(2026, 3, 29), until=date(2026, 3, 30))
    assert "event 118" not in kept and "event 117" in kept


def test_a_filter_that_matches_nothing_says_so(trail) -> None:
    page = client_for("admin").get("/audit/?who=nobody").content.decode()
    assert "No events match these filters." in page
    assert "Download these 0 events" in page
    assert "No events match" not in client_for("admin").get("/audit/?who=admin").content.decode()
