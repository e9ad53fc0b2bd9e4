"""The template library: built-in texts pass the tone coach, managers edit with previews in
both languages, unknown variables are refused; the cadences page."""

from __future__ import annotations

import pytest

from shomer.language.tone import coach
from shomer.outreach import rules, services
from shomer.outreach.defaults import DEFAULT_TEMPLATES, SAMPLE_VARIABLES
from shomer.outreach.models import LoyaltySettings, MessageTemplate
from tests.conftest import logged_in


@pytest.mark.parametrize("key", sorted(DEFAULT_TEMPLATES))
@pytest.mark.parametrize("language", ["he", "en"])
def test_every_built_in_text_is_warm_by_the_tone_coach(key, language):
    subject, body = DEFAULT_TEMPLATES[key][language]
    text = rules.render(f"{subject}\n{body}", SAMPLE_VARIABLES[language])
    reading = coach(text, SAMPLE_VARIABLES[language]["first_name"], language)
    kinds = sorted({f.kind for f in reading.findings})
    assert kinds == [], (key, language, reading.findings)
    assert reading.scores.uses_name


@pytest.mark.django_db
def test_a_manager_edits_a_template_with_previews_in_both_languages(yossi):
    client = logged_in(yossi)
    page = client.get("/outreach/templates/birthday/")
    assert page.status_code == 200
    assert page.context["previews"]["he"][0] == "יום הולדת שמח, נועה!"
    assert page.context["previews"]["en"][0] == "Happy birthday, Mark!"

    bad = client.post(
        "/outreach/templates/birthday/",
        {
            "language": "he",
            "action": "save",
            "he-subject": "מזל טוב {name}",
            "he-body": "שלום {first_name}",
        },
    )
    assert bad.status_code == 422
    assert "{name}" in bad.content.decode()
    assert not MessageTemplate.objects.exists()

    preview = client.post(
        "/outreach/templates/birthday/",
        {
            "language": "he",
            "action": "preview",
            "he-subject": "מזל טוב {first_name}!",
            "he-body": "חג שמח מכל {business}",
        },
    )
    assert preview.status_code == 200
    assert preview.context["previews"]["he"] == ("מזל טוב נועה!", "חג שמח מכל Shomer")
    assert not MessageTemplate.objects.exists()  # a preview saves nothing

    saved = client.post(
        "/outreach/templates/birthday/",
        {
            "language": "he",
            "action": "save",
            "he-subject": "מזל טוב {first_name}!",
            "he-body": "חג שמח מכל {business}",
        },
    )
    assert saved.status_code == 302
    row = MessageTemplate.objects.get(key="birthday", language="he")
    assert (row.subject, row.body, row.updated_by) == (
        "מזל טוב {first_name}!",
        "חג שמח מכל {business}",
        yossi,
    )
    assert services.render_template(
        "birthday", "he", {"first_name": "רונית", "business": "שומר"}
    ) == (
        "מזל טוב רונית!",
        "חג שמח מכל שומר",
    )
    assert services.template_text("birthday", "en").is_default  # the other language untouched

    client.post("/outreach/templates/birthday/", {"language": "he", "action": "reset"})
    assert not MessageTemplate.objects.exists()
    assert services.template_text("birthday", "he").subject == "יום הולדת שמח, {first_name}!"


@pytest.mark.django_db
def test_an_unknown_template_is_404(yossi):
    assert logged_in(yossi).get("/outreach/templates/nonsense/").status_code == 404


@pytest.mark.django_db
def test_a_manager_sets_the_cadences(yossi, dana):
    client = logged_in(yossi)
    values = {
        "csat_delay_minutes": 30,
        "survey_fatigue_days": 45,
        "nps_cadence_days": 180,
        "checkin_every_months": 2,
        "after_sale_days": 5,
        "after_onboarding_days": 21,
        "send_hour": 9,
    }
    assert client.post("/outreach/settings/", {**values, "send_hour": 25}).status_code == 422
    assert client.post("/outreach/settings/", values).status_code == 302
    config = LoyaltySettings.objects.get()
    assert {name: getattr(config, name) for name in values} == values
    assert config.updated_by == yossi
    assert (
        logged_in(dana).post("/outreach/settings/", {**values, "send_hour": 8}).status_code == 403
    )
    assert LoyaltySettings.objects.get().send_hour == 9
