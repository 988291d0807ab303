"""The public answer pages: a questionnaire answered by a link, without an account.

They show the questionnaire and nothing else (no navigation, no partnership's records),
need no sign-in, keep no address, are CSRF-protected, throttle the open link by sender
(``governance.throttle``: answers sent, not forms sent back to be corrected), refuse forms
filled faster than a person could and forms sent twice, and refuse answers once the
questionnaire has closed. A single-use link takes one response. The questionnaire is found
by its link across partnerships (a link is all a respondent has); everything after runs in
its partnership's scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from saferplan.accounts.tenancy import across_partnerships, partnership_scope
from saferplan.governance import answering, throttle
from saferplan.governance.models import Invitation, Questionnaire, Response


def _published(slug: str) -> Questionnaire:
    with across_partnerships():
        found = (
            Questionnaire.objects.select_related("partnership")
            .filter(slug=slug, published_on__isnull=False, open_link=True)
            .first()
        )
    if found is None:
        raise Http404
    return found


def _refused(request: HttpRequest, q: Questionnaire, refused: answering.Refused) -> HttpResponse:
    return render(
        request,
        "governance/public/refused.html",
        {"q": q, "message": refused.message},
        status=refused.status,
    )


def _page(
    request: HttpRequest, q: Questionnaire, invitation: Invitation | None = None
) -> HttpResponse:
    """The questionnaire's form (GET), or its answers taken (POST), in its scope."""
    with partnership_scope(q.partnership):
        if not q.is_open():
            closed = answering.Refused(
                410, f"This questionnaire closed on {q.closes_on:%-d %B %Y}."
            )
            return _refused(request, q, closed)
        if invitation is not None and invitation.used_at is not None:
            used = answering.Refused(410, "This link has been used: each one takes one response.")
            return _refused(request, q, used)
        items = list(q.items.all())
        if request.method != "POST":
            form = answering.AnswerForm(items, initial={"form_token": answering.form_token(q)})
            return _form(request, q, form)
        form = answering.AnswerForm(items, request.POST)
        if not form.is_valid():  # sent back to correct: stores nothing, so not counted
            return _form(request, q, form, status=400)
        if invitation is None and not throttle.allow(q.pk, request):
            many = answering.Refused(429, "Too many answers have come from your network in the "
                                          "last few minutes. Please try again later.")  # fmt: skip
            return _refused(request, q, many)
        try:
            nonce = answering.check_token(q, form.cleaned_data["form_token"])
            accepted = answering.accept(q, form, nonce, invitation)
        except answering.Refused as refused:
            return _refused(request, q, refused)
        return render(
            request,
            "governance/public/thanks.html",
            {"q": q, "withdraw_token": accepted.withdraw_token},
        )


def _form(
    request: HttpRequest, q: Questionnaire, form: answering.AnswerForm, status: int = 200
) -> HttpResponse:
    return render(request, "governance/public/answer.html", {"q": q, "form": form}, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """The open link: anyone who has it may answer (throttled per sender)."""
    return _page(request, _published(slug))


@login_not_required
@require_http_methods(["GET", "POST"])
def answer_invited(request: HttpRequest, invitation: str) -> HttpResponse:
    """A single-use link: one response, then refused."""
    with across_partnerships():
        found = (
            Invitation.objects.select_related("questionnaire__partnership")
            .filter(token=invitation, questionnaire__published_on__isnull=False)
            .first()
        )
    if found is None:
        raise Http404
    return _page(request, found.questionnaire, found)


@login_not_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, withdrawal: str) -> HttpResponse:
    """The respondent's own link to stop being contacted: their email address is removed."""
    with across_partnerships():
        response = (
            Response.objects.select_related("questionnaire__partnership")
            .filter(withdraw_token=withdrawal)
            .first()
        )
    if response is None or not withdrawal:
        raise Http404
    q = response.questionnaire
    done = False
    if request.method == "POST":
        with partnership_scope(q.partnership):
            done = answering.withdraw(withdrawal)
    return render(
        request,
        "governance/public/withdraw.html",
        {"q": q, "done": done, "already": not response.contact_email and not done},
    )
