"""The SPEC is the one declaration of the youth justice tables: it is consistent, and the
models store exactly what it declares (a field added to one and not the other fails)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from saferplan.youthjustice.spec import ALL_TABLES, KINDS, MONTH_ONLY, SPEC

# Model fields that are not a file's columns: the owner, and a figure's provenance.
NOT_COLUMNS = {"id", "partnership", MONTH_ONLY, "source_file", "source_import"}


def test_the_declaration_is_consistent() -> None:
    for t in ALL_TABLES.values():
        for f in t.fields:
            assert f.kind in KINDS, (t.name, f.name)
            if f.kind == "choice":
                assert max(map(len, f.choices)) <= f.max_length, (t.name, f.name)
            if f.kind == "text":
                assert f.max_length > 0, (t.name, f.name)
            if f.refers_to:
                target = SPEC[f.refers_to]
                assert len(target.key) == 1, (t.name, f.name)
                # A table refers only to tables stored before it.
                assert list(SPEC).index(target.name) < list(ALL_TABLES).index(t.name)
        assert set(t.key) <= set(t.columns), t.name
        assert not t.many or t.field(t.many).refers_to, t.name
        assert t.repeat in ("refuse", "replace"), t.name


@pytest.mark.parametrize("name", list(ALL_TABLES))
def test_each_model_stores_what_its_table_declares(name: str) -> None:
    table = ALL_TABLES[name]
    model = apps.get_model("youthjustice", table.model)
    declared = {f.model_field: f for f in table.fields}
    stored = {
        f.name: f for f in model._meta.get_fields() if f.concrete and f.name not in NOT_COLUMNS
    }
    assert set(stored) == set(declared), name
    for attribute, f in declared.items():
        field = stored[attribute]
        if f.refers_to:
            target = apps.get_model("youthjustice", SPEC[f.refers_to].model)
            assert field.related_model is target, (name, f.name)
            assert isinstance(field, models.ManyToManyField) == (table.many == f.name)
            if not field.many_to_many:
                assert field.null == (not f.required), (name, f.name)
        elif f.kind in ("text", "choice"):
            assert isinstance(field, models.CharField), (name, f.name)
            assert field.max_length == f.max_length, (name, f.name)
            assert field.blank == (not f.required), (name, f.name)
        else:
            assert field.null == (not f.required), (name, f.name)
    if any(f.kind == "birth" for f in table.fields):
        assert isinstance(model._meta.get_field(MONTH_ONLY), models.BooleanField)
