"""The safe Markdown subset (stored XSS), the templates' validation, and the call-outs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saferplan.core.errors import InputError
from saferplan.documents import markdown
from saferplan.documents.callouts import callouts, red_run, worsening_run
from saferplan.documents.template import parse_template, shipped


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Hello <script>alert(1)</script>", "HTML is not allowed"),
        ('<img src=x onerror="alert(1)">', "HTML is not allowed"),
        ("[click](javascript:alert(1))", "is not allowed: links go to http"),
        ("[click](JavaScript:alert(1))", "is not allowed: links go to http"),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "is not allowed: links go to http"),
        ("The rate is {{ 12.5 }}", "is not the name of a figure"),
        ("The rate is {{ fte.rate", "is not closed"),
    ],
)
def test_unsafe_text_is_refused(text: str, said: str) -> None:
    assert any(said in p for p in markdown.problems(text)), markdown.problems(text)


def test_safe_text_parses_to_spans_without_markup() -> None:
    text = "## Aims\n\n- **Fewer** first time entrants: {{ fte.rate }}\n- see [YJB](https://www.gov.uk)"
    assert markdown.problems(text) == []
    lines = markdown.parse(text)
    assert [line.style for line in lines] == ["heading", "bullet", "bullet"]
    bold, rest, ref = lines[1].spans
    assert (bold.text, bold.bold, rest.text, ref.ref) == (
        "Fewer",
        True,
        " first time entrants: ",
        "fte.rate",
    )
    assert lines[2].spans[-1].href == "https://www.gov.uk"


def test_parse_is_safe_even_for_text_that_was_never_checked() -> None:
    lines = markdown.parse("<b>x</b> [y](javascript:alert(1))")
    spans = [s for line in lines for s in line.spans]
    assert all(s.href is None for s in spans)
    assert "<b>x</b>" in "".join(s.text for s in spans)  # shown as text, never as markup


def test_shipped_templates_are_valid_and_cover_section_6() -> None:
    found = shipped()
    kinds = {t.document for t in found.values()}
    assert kinds == {"youth-justice-plan", "community-safety-plan", "knife-crime-action-plan"}
    csp = found["community-safety-plan-2012"]
    covered = {key for s in csp.sections for key in s.covers}
    assert covered == {r.key for r in csp.requirements} == {f"s6{c}" for c in "abcdef"}


GOOD = """[template]
key = "our-plan"
document = "community-safety-plan"
title = "Our plan"
guidance = "ours"
applies_from = 2020

[[section]]
key = "intro"
heading = "Introduction"
required = true
guidance = "Say hello."
content = "text"
"""


def test_own_template_errors_name_the_file_and_line() -> None:
    assert parse_template(GOOD, "ours.toml").sections[0].heading == "Introduction"
    with pytest.raises(InputError) as bad:
        parse_template(GOOD.replace('content = "text"', 'content = "poem"'), "ours.toml")
    assert bad.value.file == "ours.toml" and bad.value.row == 13, bad.value
    with pytest.raises(InputError) as unknown:
        parse_template(GOOD + 'blocks = ["no_such_block"]\n', "ours.toml")
    assert "no_such_block" in str(unknown.value)
    with pytest.raises(InputError) as broken:
        parse_template(GOOD + "[[section]\n", "ours.toml")
    assert broken.value.row == 14


D = Decimal


def test_worsened_three_periods_in_a_row_is_called_out() -> None:
    # lower is better: 10 -> 11 -> 12 -> 13 is three rises in a row
    assert worsening_run([D(10), D(11), D(12), D(13)], "lower") == 3
    assert [c.kind for c in callouts([D(10), D(11), D(12), D(13)], "lower")] == ["worsened"]
    # higher is better: the same series improved every period
    assert worsening_run([D(10), D(11), D(12), D(13)], "higher") == 0
    # a pause breaks the run: only the last two count
    assert worsening_run([D(10), D(11), D(11), D(12), D(13)], "lower") == 2
    assert callouts([D(10), D(11), D(11), D(12), D(13)], "lower") == []
    # a gap in the series breaks it too
    assert worsening_run([D(10), None, D(12), D(13)], "lower") == 1


def test_red_three_periods_in_a_row_is_called_out() -> None:
    assert red_run([True, False, True, True, True]) == 3
    assert red_run([True, True, None]) == 0
    assert [c.kind for c in callouts([D(1)], "lower", [True, True, True])] == ["red"]
