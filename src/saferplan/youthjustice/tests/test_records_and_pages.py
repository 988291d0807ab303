"""Youth justice records: import/export round trip, bad input, the CLI contract, access."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import InputError
from saferplan.youthjustice.files import COLUMNS, write_tables
from saferplan.youthjustice.models import Child, Outcome
from saferplan.youthjustice.service import indicators_for
from saferplan.youthjustice.store import import_extract, tables
from saferplan.youthjustice.synth import generate_cohort

pytestmark = pytest.mark.django_db


def rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    """Write edited rows back in the extract's CSV format."""
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    c = generate_cohort(children=120, seed=5)
    folder = tmp_path / "extract"
    write_tables(
        c.tables(),
        folder,
    )
    return folder


def test_round_trip_loses_nothing(partnership, extract: Path, tmp_path: Path) -> None:
    counts = import_extract(extract)
    assert counts["children"] == 120
    out = tmp_path / "exported"
    write_tables(tables(), out)
    for name in COLUMNS:
        assert filecmp.cmp(extract / f"{name}.csv", out / f"{name}.csv", shallow=False), name


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("children", "ethnicity", "Martian", "'Martian' is not one of"),
        ("children", "date_of_birth", "31/12/2004", "'31/12/2004' is not a date"),
        ("offences", "gravity", "9", "'9' is not a gravity score 1-8"),
        ("offences", "child_ref", "C9999999", "no child C9999999 in children.csv"),
        ("outcomes", "outcome_type", "hanging", "'hanging' is not one of community_resolution"),
        ("remands", "remand_type", "jail", "'jail' is not one of yda, la"),
        ("statuses", "status", "adopted", "'adopted' is not one of looked_after"),
        ("assessments", "reoffending", "extreme", "'extreme' is not one of low, medium"),
        ("orders", "ete_hours_end", "lots", "'lots' is not a whole number 0-60"),
        ("orders", "order_type", "", "order_type is empty"),
        ("interventions", "order_id", "R9999999", "no order R9999999 in orders.csv"),
        ("victims", "contacted", "maybe", "'maybe' is not true or false"),
        ("victims", "offence_id", "99999", "no offence 99999 in offences.csv"),
        ("board", "meeting_date", "next week", "'next week' is not a date"),
    ],
)
def test_bad_extracts_are_refused_whole(
    partnership, extract: Path, table: str, column: str, value: str, message: str
) -> None:
    path = extract / f"{table}.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    rows[1][column] = value
    rewrite(path, rows)
    with pytest.raises(InputError) as caught:
        import_extract(extract)
    assert message in caught.value.problem
    assert (caught.value.row, caught.value.column) == (3, column)
    assert Child.objects.count() == 0 and Outcome.objects.count() == 0


def test_indicator_rows_can_be_rederived(partnership, extract: Path) -> None:
    import_extract(extract)
    for row in indicators_for("2018-19", 20_000):
        if row.value is not None:
            assert row.value == round(row.numerator / row.denominator * row.scale, 2)
    names = [r.indicator for r in indicators_for("2018-19", 20_000)]
    assert names[:2] == ["first_time_entrants", "use_of_custody"]
    assert "reoffending_binary_rate" in names


def _youth_justice_urls() -> list[str]:
    """Every youth justice page in the URLconf, so a new one cannot escape these tests."""
    from saferplan.web.urls import urlpatterns

    return ["/" + str(p.pattern) for p in urlpatterns if str(p.pattern).startswith("youth-justice")]


YJ_URLS = _youth_justice_urls()
YJ_DOWNLOADS = [f"{url}?format={fmt}" for url in YJ_URLS for fmt in ("csv", "xlsx")]


def test_every_youth_justice_page_is_covered() -> None:
    assert len(YJ_URLS) == 4 and "/youth-justice/profile/" in YJ_URLS


@pytest.mark.parametrize("url", YJ_URLS + YJ_DOWNLOADS)
@pytest.mark.parametrize("username", ["analyst", "police-lead", "council-lead", "board"])
def test_roles_without_youth_justice_access_get_403(demo_scope, url: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    joiner = "&" if "?" in url else "?"
    assert client.get(url + joiner + "period=2018-19&population=20000").status_code == 403
    assert not AuditEvent.objects.filter(action__in=["viewed", "exported"]).exists()


@pytest.mark.parametrize("url", YJ_URLS)
def test_downloads_match_the_page_and_are_audited(demo_scope, extract: Path, url: str) -> None:
    from openpyxl import load_workbook

    import_extract(extract)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    query = "period=2018-19&population=20000"
    got = client.get(f"{url}?{query}&format=csv")
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert "attachment" in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) > 1
    book = load_workbook(io.BytesIO(client.get(f"{url}?{query}&format=xlsx").content))
    sheet_rows = [
        ["" if v is None else str(v) for v in row]
        for row in book.worksheets[0].iter_rows(values_only=True)
    ]
    assert sheet_rows[0] == rows[0] and len(sheet_rows) == len(rows)
    exports = AuditEvent.objects.filter(action="exported", user__username="yot")
    assert exports.count() == 2
    refused = client.get(f"{url}?{query}&format=pdf")
    assert refused.status_code == 400 and "not one this page offers" in refused.content.decode()


@pytest.mark.parametrize("url", YJ_URLS)
def test_youth_justice_pages_work_and_views_are_audited(
    demo_scope, extract: Path, url: str
) -> None:
    import_extract(extract)
    for username in ("yot", "admin"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(url + "?period=2018-19&population=20000")
        assert response.status_code == 200
    views = AuditEvent.objects.filter(action="viewed")
    assert views.count() == 2
    assert {e.user.username for e in views} == {"yot", "admin"}
    assert Client().get(url).status_code == 302  # anonymous: sign in first


def test_published_comparators_beside_local_figures(
    demo_scope, extract: Path, tmp_path: Path
) -> None:
    from saferplan.youthjustice.comparators import comparators_for, import_comparators

    path = tmp_path / "comparators.csv"
    path.write_text(
        "indicator,area,period,value\n"
        "first_time_entrants,YOT family,2017-18,250\n"
        "first_time_entrants,YOT family,2018-19,221\n"
        "first_time_entrants,England and Wales,2018-19,238\n"
    )
    assert import_comparators(path) == 3
    cells = {c.area: c for c in comparators_for("first_time_entrants", "2018/19")}
    assert cells["YOT family"].value == 221 and cells["YOT family"].change_word == "better"
    assert cells["England and Wales"].previous is None
    import_extract(extract)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    page = client.get("/youth-justice/?period=2018-19&population=20000").content.decode()
    assert "YOT family: 221" in page
    path.write_text("indicator,area,period,value\nfirst_time_entrants,London,2018-19,lots\n")
    with pytest.raises(InputError) as caught:
        import_comparators(path)
    assert (caught.value.row, caught.value.column) == (2, "value")


@pytest.mark.parametrize("measure", ["fte", "custody", "remands", "reoffending"])
def test_disproportionality_measures_count_children_once(
    partnership, extract: Path, measure: str
) -> None:
    from saferplan.youthjustice.service import disproportionality_for

    import_extract(extract)
    result = disproportionality_for("2018-19", measure=measure)
    assert result.denominator.startswith("the children known to the service")
    rows = result.rows
    known = sum(r.population for r in rows)
    assert known == 120  # against the children known to the service
    counted = [r.count for r in rows if r.count is not None]
    assert all(0 <= c <= 120 for c in counted)


def test_disproportionality_page_switches_measure(demo_scope, extract: Path) -> None:
    import_extract(extract)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    page = client.get("/youth-justice/disproportionality/?period=2018-19&measure=custody")
    assert (
        page.status_code == 200 and "<strong>Custodial sentences</strong>" in page.content.decode()
    )
    assert client.get("/youth-justice/disproportionality/?measure=nope").status_code == 400


def test_same_extract_twice_changes_nothing_and_is_recorded(partnership, extract: Path) -> None:
    from saferplan.datastore.models import ImportRecord

    first = import_extract(extract, user="tester")
    again = import_extract(extract, user="tester")
    assert not first.already_imported and again.already_imported
    assert Child.objects.count() == 120
    # One record per file, as for every kind: its SHA-256, rows, who and whose.
    records = {Path(r.file_name).name: r for r in ImportRecord.objects.filter(kind="youth-justice")}
    assert set(records) == {f"{t}.csv" for t in COLUMNS}
    for table in COLUMNS:
        data = (extract / f"{table}.csv").read_bytes()
        record = records[f"{table}.csv"]
        assert record.sha256 == hashlib.sha256(data).hexdigest()
        assert record.imported_by == "tester" and record.partnership == partnership
        assert (
            record.rows_read
            == record.rows_kept
            == len(list(csv.reader(io.StringIO(data.decode())))) - 1
        )
        assert record.rows_rejected == 0


def test_optional_tables_may_be_absent(partnership, extract: Path) -> None:
    for table in ("statuses", "assessments", "orders", "interventions", "victims", "board"):
        (extract / f"{table}.csv").unlink()
    remands = (extract / "remands.csv").read_bytes()
    (extract / "remands.csv").unlink()
    with pytest.raises(InputError, match="missing") as caught:
        import_extract(extract)
    assert caught.value.file == str(extract / "remands.csv")
    (extract / "remands.csv").write_bytes(remands)
    summary = import_extract(extract)
    assert summary["children"] == 120 and summary["orders"] == 0


def workbook_of(extract: Path, typed: bool):  # type: ignore[no-untyped-def]
    """The CSV extract as one workbook, a sheet per table; ``typed``: numbers as numbers,
    as Excel users type them, rather than text."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in COLUMNS:
        sheet = book.create_sheet(table)
        for row in csv.reader((extract / f"{table}.csv").open(newline="")):
            sheet.append([int(v) if typed and v.isdigit() else v for v in row])
    return book


def test_excel_workbook_extract_imports_like_the_csv_files(
    partnership, extract: Path, tmp_path: Path
) -> None:
    workbook = tmp_path / "extract.xlsx"
    workbook_of(extract, typed=True).save(workbook)
    summary = import_extract(workbook)
    assert summary["children"] == 120
    out = tmp_path / "exported"
    write_tables(tables(), out)
    for name in COLUMNS:
        assert filecmp.cmp(extract / f"{name}.csv", out / f"{name}.csv", shallow=False), name


def test_bad_workbook_cell_is_named_by_sheet_row_and_column(
    partnership, extract: Path, tmp_path: Path
) -> None:
    book = workbook_of(extract, typed=False)
    book["offences"]["E3"] = 12  # gravity of the second offence
    workbook = tmp_path / "extract.xlsx"
    book.save(workbook)
    with pytest.raises(InputError) as caught:
        import_extract(workbook)
    assert "[sheet offences]" in caught.value.file
    assert (caught.value.row, caught.value.column) == (3, "gravity")
    assert Child.objects.count() == 0


def test_dashboard_shows_trends_kpis_and_profile(demo_scope, extract: Path) -> None:
    import_extract(extract)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    page = client.get("/youth-justice/?period=2019-20&population=20000").content.decode()
    assert page.count('src="data:image/png;base64,') == 4
    assert "First time entrants, per 100,000 aged 10-17: 2015/16" in page  # chart alt text
    assert "2015/16 no figure" in page  # before the records begin: a gap, not a zero
    assert "Suitable ETE, end of order" in page and "Management board attendance" in page
    assert "Where these figures come from" in page and str(extract) in page
    profile = client.get("/youth-justice/profile/?period=2019-20").content.decode()
    assert "Likelihood of reoffending" in profile and "Known to children&#x27;s services" in profile


def test_population_by_ethnicity_becomes_the_denominator(
    partnership, extract: Path, tmp_path: Path
) -> None:
    from saferplan.youthjustice.comparators import import_population_by_ethnicity
    from saferplan.youthjustice.service import disproportionality_for

    import_extract(extract)
    path = tmp_path / "population.csv"
    path.write_text(
        "area,year,ethnic_group,population\n"
        "Harrow,2021,White,9000\nHarrow,2021,Black,3000\nHarrow,2021,Asian,7000\n"
    )
    assert import_population_by_ethnicity(path) == 3
    result = disproportionality_for("2018-19", area="Harrow")
    assert "Harrow's population aged 10-17 by ethnic group (2021)" in result.denominator
    assert {r.group: r.population for r in result.rows} == {
        "White": 9000, "Black": 3000, "Asian": 7000
    }  # fmt: skip
    path.write_text("area,year,ethnic_group,population\nHarrow,2021,Martian,5\n")
    with pytest.raises(InputError) as caught:
        import_population_by_ethnicity(path)
    assert (caught.value.row, caught.value.column) == (2, "ethnic_group")


def test_cli_profile_and_population_commands(partnership, extract: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from saferplan.cli.main import app

    import_extract(extract)
    runner = CliRunner()
    out = runner.invoke(app, ["youthjustice", "profile", "--period", "2018-19", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    risk = [r for r in rows if r["dimension"] == "Likelihood of reoffending"]
    assert [r["category"] for r in risk] == ["low", "medium", "high", "very high"]
    assert abs(sum(float(r["percent"]) for r in risk) - 100) < 0.5
    path = tmp_path / "population.csv"
    path.write_text("area,year,ethnic_group,population\nHarrow,2021,White,9000\n")
    out = runner.invoke(app, ["youthjustice", "population-by-ethnicity", str(path)])
    assert out.exit_code == 0 and "Imported 1 population figures" in out.output


def test_month_and_year_of_birth_round_trip(partnership, extract: Path, tmp_path: Path) -> None:
    path = extract / "children.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    rows[0]["date_of_birth"] = rows[0]["date_of_birth"][:7]  # YYYY-MM only
    rewrite(path, rows)
    import_extract(extract)
    child = Child.objects.get(reference=rows[0]["child_ref"])
    assert child.birth_month_only and child.date_of_birth.day == 1
    write_tables(tables(), tmp_path / "exported")
    assert filecmp.cmp(path, tmp_path / "exported" / "children.csv", shallow=False)
    rows[0]["date_of_birth"] = "2004-13"
    rewrite(path, rows)
    with pytest.raises(InputError, match="'2004-13' is not a month"):
        import_extract(extract)


def test_labels_and_detailed_ethnic_groups_are_understood(partnership, extract: Path) -> None:
    children = list(csv.DictReader((extract / "children.csv").open(newline="")))
    children[0]["ethnicity"] = "Asian, Asian British or Asian Welsh: Indian"
    children[1]["ethnicity"] = "Mixed - White and Black Caribbean"
    children[2]["ethnicity"] = "not stated"
    rewrite(extract / "children.csv", children)
    outcomes = list(csv.DictReader((extract / "outcomes.csv").open(newline="")))
    outcomes[0]["outcome_type"] = "Youth Conditional Caution"
    rewrite(extract / "outcomes.csv", outcomes)
    import_extract(extract)
    stored = dict(Child.objects.values_list("reference", "ethnicity"))
    assert [stored[c["child_ref"]] for c in children[:3]] == ["Asian", "Mixed", "Not known"]
    first = Outcome.objects.get(external_id=outcomes[0]["outcome_id"])
    assert first.outcome_type == "youth_conditional_caution"


def test_a_systems_own_column_and_file_names_import_through_a_column_map(
    partnership, extract: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from saferplan.cli.main import app

    text = (extract / "offences.csv").read_text()
    (extract / "offences.csv").unlink()
    (extract / "Offences.CSV").write_text(
        text.replace("offence_date", "Offence Date").replace("gravity", "Gravity Score", 1)
    )
    runner = CliRunner()
    refused = runner.invoke(app, ["youthjustice", "import", str(extract)])
    assert refused.exit_code != 0 and "Offences.CSV" in refused.output
    assert "missing column" in refused.output or "renamed" in refused.output
    mapping = tmp_path / "columns.csv"
    mapping.write_text(
        "table,source_column,column\n"
        "offences,Offence Date,offence_date\noffences,Gravity Score,gravity\n"
    )
    done = runner.invoke(app, ["youthjustice", "import", str(extract), "--columns", str(mapping)])
    assert done.exit_code == 0, done.output
    assert Child.objects.count() == 120
    mapping.write_text("table,source_column,column\noffences,Date,committed_on\n")
    bad = runner.invoke(app, ["youthjustice", "import", str(extract), "--columns", str(mapping)])
    assert bad.exit_code != 0 and "'committed_on' is not a column of offences" in bad.output


def test_tracker_page_is_as_at_the_date_asked(demo_scope, extract: Path) -> None:
    import_extract(extract)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))

    def children(today: str) -> int:
        page = client.get(f"/youth-justice/tracker/?period=2018-19&today={today}")
        assert page.status_code == 200
        return len(page.context["rows"])

    assert children("2018-04-01") <= children("2018-10-01") <= children("2020-12-31")
    assert children("2017-01-01") == 0
    assert client.get("/youth-justice/tracker/?today=yesterday").status_code == 400


def test_cli_tracker_by_month_and_by_child(partnership, extract: Path) -> None:
    from typer.testing import CliRunner

    from saferplan.cli.main import app

    import_extract(extract)
    runner = CliRunner()
    base = ["youthjustice", "tracker", "--period", "2018-19", "--today", "2019-06-30"]
    months = runner.invoke(app, [*base, "--format", "csv"])
    assert months.exit_code == 0, months.output
    rows = list(csv.DictReader(io.StringIO(months.stdout)))
    assert (
        rows[0]["month_end"] == "2018-04-30" and rows[-1]["month_end"] == "2019-06-30"
    )  # today is a month end
    by_child = runner.invoke(app, [*base, "--children", "--format", "csv"])
    children = list(csv.DictReader(io.StringIO(by_child.stdout)))
    assert len(children) == int(rows[-1]["cohort_so_far"])
    reoffended = sum(c["reoffended_so_far"] == "True" for c in children)
    assert reoffended == int(rows[-1]["reoffenders_so_far"])
    bad = runner.invoke(app, ["youthjustice", "tracker", "--period", "2018-19", "--today", "soon"])
    assert bad.exit_code != 0 and "'soon' is not a date" in bad.output
