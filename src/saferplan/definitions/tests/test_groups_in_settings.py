"""A comparator group the partnership's settings still name cannot be deleted (by saving
groups without it, or by restoring the shipped defaults that lack it): the save is refused
naming the setting, and nothing is kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.core.errors import SaferplanError
from saferplan.definitions import service
from saferplan.definitions.models import DefinitionVersion
from saferplan.plans.demo import demo_partnership, load_demo_partnership

pytestmark = pytest.mark.django_db

NEAR = '[groups."Near Harrow"]\ntitle = "Near Harrow"\nmembers = ["Barnet", "Brent"]\n'
WITHOUT_LONDON = service.shipped_text("comparators").replace("[groups.London]", "[groups.Far]")


def test_saving_groups_without_one_the_settings_name_is_refused(demo_warehouse) -> None:
    owner = Partnership.objects.create(name="Safer Harrow", areas=["Harrow"],
                                       comparators=["Barnet", "london"])  # fmt: skip
    con = demo_warehouse.connect()
    assert "london" in service.comparator_groups_for(owner)
    with pytest.raises(SaferplanError, match="comparators setting names the comparator group "
                       "'London'") as refused:  # fmt: skip
        service.save(owner, "comparators", WITHOUT_LONDON, con=con)
    assert "Partnership settings" in (refused.value.hint or "")
    assert not DefinitionVersion.objects.exists()
    # A group the settings do not name may go; one they name may be edited.
    service.save(owner, "comparators", service.shipped_text("comparators") + NEAR, con=con)
    kept = service.save(owner, "comparators", service.shipped_text("comparators"), con=con)
    assert service.history(owner, "comparators")[0] == kept


def test_restoring_the_defaults_that_lack_a_named_group_is_refused(demo_warehouse) -> None:
    owner = Partnership.objects.create(name="Safer Harrow", areas=["Harrow"], comparators=[])
    service.save(owner, "comparators", NEAR, con=demo_warehouse.connect())
    owner.comparators = ["Near Harrow"]
    owner.save()
    with pytest.raises(SaferplanError, match="'Near Harrow', which these comparator groups"):
        service.restore_defaults(owner, "comparators")
    assert len(service.history(owner, "comparators")) == 1
    assert "near harrow" in service.comparator_groups_for(owner)


def test_the_page_says_which_setting_names_the_group_and_keeps_nothing(
    demo_warehouse, monkeypatch
) -> None:
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    load_demo_partnership()
    assert "London" in demo_partnership().comparators
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    before = AuditEvent.objects.count()
    response = admin.post("/manage/comparators/", {"text": WITHOUT_LONDON})
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "comparators setting names the comparator group &#x27;London&#x27;" in page
    assert "Choose other comparators in Manage &gt; Partnership settings" in page
    assert not DefinitionVersion.objects.exists() and AuditEvent.objects.count() == before

    partnership = demo_partnership()
    service.save(partnership, "comparators", service.shipped_text("comparators") + NEAR)
    partnership.comparators = [*partnership.comparators, "Near Harrow"]
    partnership.save()
    restore = admin.post("/manage/comparators/", {"restore": "1"})
    assert restore.status_code == 400
    assert "&#x27;Near Harrow&#x27;, which these comparator groups" in restore.content.decode()
    assert len(service.history(partnership, "comparators")) == 1
