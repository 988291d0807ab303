"""The plan file's optional tags column: the tags ``saferplan plans tag`` accepts, separated
by ';' or ','; a bad one refused naming file, row and column; kept on re-import."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.models import ImportRecord
from saferplan.plans import service
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from saferplan.plans.links import clean_tags
from saferplan.plans.models import Action, StrategyYear
from saferplan.plans.planfile import read_plan_text

HEADER = "plan,row_id,section,objective_code,objective_heading,action,lead_raw,tags\n"
ROWS = [
    'Plan 2017/18,1718-A-01,Other,X1,Knives,Weapon sweeps,Police,"knife-crime-action-plan; '
    'lkcs:keeping-deadly-weapons-off-our-streets"\n',
    'Plan 2017/18,1718-A-02,Other,X1,Knives,Refuge places,NHS,"vawg, Knife-Crime,vawg"\n',
    "Plan 2017/18,1718-A-03,Other,X1,Knives,Mentoring,Council,\n",
]


def test_tags_are_read_split_on_either_separator() -> None:
    plan = read_plan_text(HEADER + "".join(ROWS), "plan.csv")
    assert [r.tags for r in plan.rows] == [
        ("knife-crime-action-plan", "lkcs:keeping-deadly-weapons-off-our-streets"),
        ("vawg", "knife-crime"),  # lower case, each once, in the order written
        (),
    ]
    assert "tags" not in plan.ignored


@pytest.mark.parametrize(
    ("cell", "why"),
    [("knife crime", "is not a tag"), ("lkcs:supporting-victim", "not a theme of the London")],
)
def test_a_bad_tag_is_refused_naming_row_and_column(cell: str, why: str) -> None:
    bad = ROWS[1].replace('"vawg, Knife-Crime,vawg"', f'"vawg; {cell}"')
    with pytest.raises(InputError) as refused:
        read_plan_text(HEADER + ROWS[0] + bad, "plan.csv")
    assert (refused.value.file, refused.value.row, refused.value.column) == (
        "plan.csv",
        3,
        "tags",
    )
    assert why in refused.value.message
    assert "knife-crime-action-plan, youth-justice-plan, lkcs:" in refused.value.message


def test_the_command_line_refuses_a_misspelt_theme_too() -> None:
    assert clean_tags(["LKCS:Supporting-Victims"]) == ["lkcs:supporting-victims"]
    with pytest.raises(SaferplanError, match="not a theme"):
        clean_tags(["lkcs:victims"])


@pytest.mark.django_db
def test_tags_are_imported_and_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    load_demo_partnership()
    partnership = demo_partnership()
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    first = service.import_plan(None, path, partnership)
    again = service.import_plan(None, path, partnership)
    assert first.year is not None and again.already_imported
    with partnership_scope(partnership):
        year = StrategyYear.objects.get(label="2017/18")
        tags = dict(
            Action.objects.filter(objective__priority__year=year).values_list("reference", "tags")
        )
        assert ImportRecord.objects.filter(kind="delivery-plan").count() == 1
    assert tags == {
        "1718-A-01": ["knife-crime-action-plan", "lkcs:keeping-deadly-weapons-off-our-streets"],
        "1718-A-02": ["vawg", "knife-crime"],
        "1718-A-03": [],
    }


@pytest.mark.django_db
def test_a_bad_tag_stores_nothing(tmp_path: Path) -> None:
    load_demo_partnership()
    partnership = demo_partnership()
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + ROWS[0] + ROWS[1].replace("vawg,", "VAWG!,"), encoding="utf-8")
    with pytest.raises(InputError, match="row 3, column 'tags'"):
        service.import_plan(None, path, partnership)
    with partnership_scope(partnership):
        assert not StrategyYear.objects.filter(label="2017/18").exists()
        assert not ImportRecord.objects.filter(kind="delivery-plan").exists()
