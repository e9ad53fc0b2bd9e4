"""Survey pages: the page a rating link opens (public, signed link), the portal's surveys,
and the results for staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from shomer.channels.web.language import chosen_language, public_page
from shomer.customers.models import Contact
from shomer.feedback import results as survey_results
from shomer.feedback import rules, services
from shomer.feedback.forms import AnswerForm, CommentForm
from shomer.feedback.models import AnswerChannel, Survey
from shomer.portal.views import portal_required

LINK_STATUS = {services.LINK_INVALID: 400, services.LINK_EXPIRED: 410, services.LINK_CLOSED: 410}


def _speak(request: HttpRequest, survey: Survey) -> None:
    """The contact's language, unless the visitor chose one."""
    language = survey.contact.language if survey.contact else survey.customer.language
    if not chosen_language(request) and language in ("he", "en"):
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


def _context(survey: Survey, **extra: object) -> dict[str, object]:
    low, high = rules.SCALES[survey.kind]
    return {"survey": survey, "low": low, "high": high, **extra}


@public_page
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the chosen rating with a button (sent by the page's script at once, so one
    click in the mail is enough; a mail scanner that opens the link records nothing); POST
    records it. Answered already: the recorded answer and its comment, which may change."""
    try:
        survey, rating = services.read_link(token)
    except services.SurveyLinkProblem as problem:
        return render(request, "feedback/link_problem.html", {"problem": problem.code},
                      status=LINK_STATUS[problem.code])  # fmt: skip
    _speak(request, survey)
    now = timezone.now()
    answer = services.answer_of(survey)
    if answer is not None:
        form = CommentForm(
            request.POST or None,
            survey=survey,
            initial={"comment": answer.comment, "reason": answer.reason},
        )
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data.get("reason") if "reason" in form.fields else None
            services.do_comment(answer, form.cleaned_data["comment"], now=now, reason=reason)
            return redirect(f"{request.path}?saved=1")
        context = _context(survey, answer=answer, form=form, saved="saved" in request.GET,
                           other_rating=rating is not None and rating != answer.rating)  # fmt: skip
        return render(
            request, "feedback/answered.html", context, status=422 if form.errors else 200
        )
    if not services.is_open(survey, now):
        return render(
            request, "feedback/link_problem.html", {"problem": services.LINK_CLOSED}, status=410
        )
    form = AnswerForm(request.POST or None, survey=survey, initial={"rating": rating})
    if request.method == "POST" and form.is_valid():
        services.do_answer(survey, form.cleaned_data["rating"], channel=AnswerChannel.EMAIL, now=now,
                           comment=form.cleaned_data["comment"], reason=form.cleaned_data.get("reason", ""))  # fmt: skip
        return redirect(f"{request.path}?thanks=1")
    context = _context(
        survey, form=form, rating=rating, auto_submit=rating is not None and request.method == "GET"
    )
    return render(request, "feedback/survey.html", context, status=422 if form.errors else 200)


@portal_required
@require_GET
def portal_list(request: HttpRequest, contact: Contact) -> HttpResponse:
    surveys = services.portal_surveys(contact, timezone.now())
    return render(request, "feedback/portal_list.html", {"contact": contact, "surveys": surveys})


@portal_required
@require_http_methods(["GET", "POST"])
def portal_answer(request: HttpRequest, contact: Contact, survey_id: int) -> HttpResponse:
    survey = services.access_portal_survey(contact, survey_id)
    now = timezone.now()
    answer = services.answer_of(survey)
    if answer is not None:
        form = CommentForm(
            request.POST or None,
            survey=survey,
            initial={"comment": answer.comment, "reason": answer.reason},
        )
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data.get("reason") if "reason" in form.fields else None
            services.do_comment(answer, form.cleaned_data["comment"], now=now, reason=reason)
            return redirect(f"{request.path}?saved=1")
        context = _context(
            survey,
            contact=contact,
            answer=answer,
            form=form,
            saved="saved" in request.GET,
            portal=True,
        )
        return render(
            request, "feedback/answered.html", context, status=422 if form.errors else 200
        )
    if not services.is_open(survey, now):
        return render(
            request,
            "feedback/link_problem.html",
            {"problem": services.LINK_CLOSED, "contact": contact},
            status=410,
        )
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        services.do_answer(survey, form.cleaned_data["rating"], channel=AnswerChannel.PORTAL, now=now,
                           comment=form.cleaned_data["comment"], reason=form.cleaned_data.get("reason", ""))  # fmt: skip
        return redirect(f"{request.path}?thanks=1")
    context = _context(survey, contact=contact, form=form, portal=True)
    return render(request, "feedback/survey.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Survey results: every member of staff may read them (treatment is everyone's job)."""
    now = timezone.now()
    context = {
        "summary": survey_results.summary(now),
        "csat_figure": survey_results.csat_trend_figure(now),
        "nps_figure": survey_results.nps_figure(now),
        "answers": survey_results.recent_answers(),
        "period_days": survey_results.PERIOD_DAYS,
    }
    return render(request, "feedback/results.html", context)
