"""Tenancy: a partnership's records are reachable only inside that partnership's scope.

Every model holding a partnership's records (plans and all beneath them, youth justice
records, restricted imports, audit events, documents) has a scoped default manager from
django-scopes: outside a scope any query on it raises ``ScopeError``, and inside one it
only ever returns the scoped partnership's rows, related managers included. Requests are
scoped by :class:`PartnershipMiddleware` (the partnership chosen in the header), CLI
commands by :func:`cli_partnership` (``--partnership NAME``), and open-data work (the crime,
population and geography warehouse, shared by every partnership) by :func:`open_data_scope`,
in which no partnership's records are visible. See ADR 0004.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django_scopes import scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope

from saferplan.core.errors import NotFoundError, SaferplanError

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from saferplan.accounts.models import Membership, Partnership

DIMENSION = "partnership"
_M = TypeVar("_M", bound=models.Model)
SESSION_KEY = "saferplan_partnership"


class TenantManager(models.Manager[_M]):
    """Rows of the partnership in scope only; outside any scope, queries raise ScopeError.

    Django builds related managers by subclassing a model's default manager with no
    arguments, so each model gets its own subclass carrying ``path`` (see
    :func:`tenant_manager`), as django-scopes' ``ScopedManager`` does; this class adds
    the open-data variant (``open_rows``) and types Django's checkers understand.
    """

    path = DIMENSION
    open_rows = False  # rows with no partnership are open data, visible in every scope

    def get_queryset(self) -> models.QuerySet[_M]:
        state = get_scope()
        if not state.get("_enabled", True):
            return super().get_queryset()
        if DIMENSION not in state:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={DIMENSION})
        queryset = self._scoped(tuple(_ids(state[DIMENSION]))).all()
        # The hints are this manager's (a related manager's instance, for routers), not
        # those of the manager that built the filter first.
        queryset._hints = self._hints  # type: ignore[attr-defined]
        return queryset

    def _scoped(self, ids: tuple[Any, ...]) -> models.QuerySet[_M]:
        """The scope's rows of this model as an unevaluated queryset, built once per scope
        and handed out as copies: building the filter walks the path's joins (four deep
        for an update), and a related manager builds it again for every parent row a
        bare ``prefetch_related`` fills, which was most of a plan page's time."""
        key = (self.model, self._db, self.path, self.open_rows, ids)
        found = _SCOPED.get(key)
        if found is None:
            mine = Q(**{f"{self.path}__in": list(ids)})
            if self.open_rows:
                mine |= Q(**{f"{self.path}__isnull": True})
            found = super().get_queryset().filter(mine)
            if len(_SCOPED) >= _SCOPED_KEPT:
                _SCOPED.clear()
            _SCOPED[key] = found
        return found


# Each model's scoped queryset per scope (see TenantManager._scoped). Never evaluated, only
# copied, so it holds no rows; the key is everything its filter is made of.
_SCOPED: dict[tuple[Any, ...], Any] = {}
_SCOPED_KEPT = 1024


def tenant_manager(path: str, open_rows: bool = False) -> Any:
    """The default manager of a model whose rows belong to the partnership at ``path``."""
    return type("TenantManager", (TenantManager,), {"path": path, "open_rows": open_rows})()


def open_or_tenant_manager(path: str = "partnership") -> Any:
    """For a model of open-data and restricted rows alike (imports)."""
    return tenant_manager(path, open_rows=True)


def _ids(value: Any) -> list[Any]:
    values = value if isinstance(value, (list, tuple)) else [value]
    return [getattr(v, "pk", v) for v in values]


@contextmanager
def partnership_scope(partnership: Partnership | None) -> Iterator[None]:
    """Run inside one partnership's scope; ``None`` sees no partnership's records at all."""
    # django-scopes reads a None value as "no filter": never hand it one.
    with scope(**{DIMENSION: partnership if partnership is not None else []}):
        yield


def open_data_scope() -> Any:
    """For work on the shared warehouse only: every partnership's records stay hidden."""
    return partnership_scope(None)


def across_partnerships() -> Any:
    """No scoping: only for set-up that spans partnerships (accounts, migrations, sign-in)."""
    return scopes_disabled()


def current_partnership() -> Partnership | None:
    """The partnership whose scope is active, if one is."""
    value = get_scope().get(DIMENSION)
    if value is None or isinstance(value, (list, tuple)):
        return None
    return value


def require_partnership() -> Partnership:
    found = current_partnership()
    if found is None:
        raise SaferplanError("this needs a partnership", hint="Say which: --partnership NAME.")
    return found


def find_partnership(name: str | None) -> Partnership:
    """The partnership a user named (any case), or the only one when none is named.

    A name that matches none is an error with the nearest names, never a new partnership.
    """
    from saferplan.accounts.models import Partnership

    every = list(Partnership.objects.all())
    if name is None:
        if len(every) == 1:
            return every[0]
        if not every:
            raise SaferplanError(
                "there is no partnership yet",
                hint="Create one: saferplan accounts partnership NAME --area AREA.",
            )
        raise SaferplanError(
            "say which partnership (--partnership NAME)",
            hint="Partnerships: " + ", ".join(p.name for p in every) + ".",
        )
    wanted = name.strip().lower()
    for partnership in every:
        if partnership.name.lower() == wanted:
            return partnership
    close = difflib.get_close_matches(name, [p.name for p in every], n=3, cutoff=0.6)
    known = ", ".join(p.name for p in every) or "none yet"
    raise NotFoundError(
        f"no partnership called '{name}'",
        hint=(f"Did you mean {' or '.join(close)}? " if close else "")
        + f"Partnerships: {known}. Create one: saferplan accounts partnership NAME.",
    )


@contextmanager
def cli_partnership(name: str | None) -> Iterator[Partnership]:
    """A CLI command's partnership (``--partnership``), with its scope active."""
    partnership = find_partnership(name)
    with partnership_scope(partnership):
        yield partnership


def memberships_of(user: Any) -> list[Membership]:
    """Every partnership a user works in, the first they joined first (their default)."""
    from saferplan.accounts.models import Membership

    if not getattr(user, "is_authenticated", False):
        return []
    with across_partnerships():
        return list(
            Membership.objects.filter(user=user)
            .select_related("partnership", "organisation")
            .order_by("id")
        )


def active_membership(user: Any) -> Membership | None:
    """The user's membership in the scope's partnership (cached on the user object)."""
    partnership = current_partnership()
    if partnership is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_saferplan_membership", None)
    if cached is not None and cached.partnership_id == partnership.pk:
        return cached
    found = next((m for m in memberships_of(user) if m.partnership_id == partnership.pk), None)
    user._saferplan_membership = found
    return found


class PartnershipMiddleware:
    """Scope each request to the partnership the user chose in the header (or their first).

    A user in no partnership gets a scope in which no partnership's records exist.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships = memberships_of(request.user)
        chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        membership = next((m for m in memberships if m.partnership_id == chosen), None)
        membership = membership or (memberships[0] if memberships else None)
        request.memberships = memberships  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        request.partnership = membership.partnership if membership else None  # type: ignore[attr-defined]
        if membership is not None:
            request.user._saferplan_membership = membership  # type: ignore[union-attr]
        with partnership_scope(request.partnership):  # type: ignore[attr-defined]
            return self.get_response(request)


def choose(request: HttpRequest, partnership_id: int) -> bool:
    """Switch the request's session to another of the user's partnerships."""
    if not any(m.partnership_id == partnership_id for m in memberships_of(request.user)):
        return False
    request.session[SESSION_KEY] = partnership_id
    return True
