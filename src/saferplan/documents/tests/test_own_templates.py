"""A partnership's own template: imported from a file, validated with errors naming the file
and line, chosen for its document ahead of the shipped one, and seen by that partnership
only; and section text written from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.accounts.tenancy import partnership_scope
from saferplan.cli.main import app
from saferplan.documents.models import OwnTemplate, SectionRevision
from saferplan.documents.template import choose
from saferplan.documents.tests.test_markdown_and_templates import GOOD

pytestmark = pytest.mark.django_db


def test_an_own_template_is_imported_chosen_and_kept_to_its_partnership(
    demo_scope, tmp_path: Path
) -> None:
    from saferplan.accounts.models import Partnership

    path = tmp_path / "ours.toml"
    path.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(
        app, ["documents", "template", str(path), "--partnership", demo_scope.name]
    )
    assert done.exit_code == 0, done.output
    with partnership_scope(demo_scope):
        assert choose("community-safety-plan", "2021-22").key == "our-plan"
        # A year before the template applies: the shipped one.
        assert choose("community-safety-plan", "2019-20").key == "community-safety-plan-2012"
    other = Partnership.objects.create(name="Elsewhere", areas=["Brent"])
    with partnership_scope(other):
        assert choose("community-safety-plan", "2021-22").key == "community-safety-plan-2012"
    path.write_text(GOOD.replace("required = true", 'required = "yes"'), encoding="utf-8")
    bad = runner.invoke(app, ["documents", "template", str(path), "--partnership", demo_scope.name])
    assert bad.exit_code != 0 and "ours.toml" in bad.output and "row 11" in bad.output, bad.output
    shipped = GOOD.replace('key = "our-plan"', 'key = "community-safety-plan-2012"')
    path.write_text(shipped, encoding="utf-8")
    taken = runner.invoke(
        app, ["documents", "template", str(path), "--partnership", demo_scope.name]
    )
    assert taken.exit_code != 0 and "shipped template" in taken.output
    assert OwnTemplate.objects.count() == 1


def test_section_text_is_written_from_the_command_line(demo_scope, tmp_path: Path) -> None:
    text = tmp_path / "intro.md"
    text.write_text("Our **plan**, with {{ fte.rate }}.", encoding="utf-8")
    args = ["documents", "write", "youth-justice-plan", "introduction", str(text),
            "--year", "2019-20", "--partnership", demo_scope.name]  # fmt: skip
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert SectionRevision.objects.get().text == "Our **plan**, with {{ fte.rate }}."
    text.write_text("<iframe src=x>", encoding="utf-8")
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code != 0 and "HTML is not allowed" in refused.output
    assert SectionRevision.objects.count() == 1
