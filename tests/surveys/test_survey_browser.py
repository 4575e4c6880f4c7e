"""A survey from start to results in a real Chromium: build from the starter, answer on a
phone, see the results with charts and the map. Screenshots go to tests/artifacts/surveys/.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from callingtime.core.stores import areas_store
from callingtime.surveys.answering import response_submit
from callingtime.surveys.models import Response, Survey
from tests.factories import CampaignFactory, OrganisationFactory, staff_member
from tests.fixtures_web import ARTIFACTS, axe_serious_violations

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def artifacts() -> Path:
    folder = ARTIFACTS / "surveys"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ward_postcodes(postcodes: list[str]) -> list[str]:
    by_ward: dict[str, list[str]] = defaultdict(list)
    with areas_store() as store:
        for postcode in postcodes:
            ward = store.postcode_lookup(postcode).ward
            if ward is not None:
                by_ward[ward.code].append(postcode)
    return [codes[0] for codes in sorted(by_ward.values(), key=len, reverse=True)[:4]]


def _more_answers(survey: Survey, postcodes: list[str]) -> None:
    """Forty more answers: thirty in one ward (so its figures show), ten spread over three."""
    q = {question.key: question.pk for question in survey.questions.all()}
    for n in range(40):
        response_submit(
            survey=survey,
            answers={
                q["postcode"]: postcodes[0] if n < 30 else postcodes[1 + n % 3],
                q["safe_day"]: "Fairly safe",
                q["safe_dark"]: ["Very safe", "A bit unsafe", "Very unsafe"][n % 3],
                q["worries"]: ["Knife crime", "Drug dealing"]
                if n % 2
                else ["Anti-social behaviour"],
                q["confidence"]: 1 + n % 3,
                q["where"]: f"By the bus station ({n})",
            },
            ip_address=f"192.0.2.{n}",
        )


def test_build_answer_on_a_phone_and_see_the_results(
    live_server, demo_stores: object, chromium_browser, artifacts: Path, demo_postcodes: list[str]
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    organisation = OrganisationFactory()
    campaign = CampaignFactory(organisations=[organisation], title="Calling Time on Crime")
    organiser = staff_member("organiser", organisation)
    errors: list[str] = []

    # The organiser builds a survey from the community-safety starter and publishes it.
    staff = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/staff/login/")
    page.fill("#id_username", organiser.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/staff/")
    page.goto(f"{base}/staff/campaigns/{campaign.pk}/surveys/")
    page.select_option("#id_starter", "community-safety")
    page.get_by_role("button", name="Create survey").click()
    page.wait_for_selector("text=Survey created as a draft")
    assert page.locator("ol.question-list > li").count() == 13
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(artifacts / "builder.png"), full_page=True)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_selector("text=Published")
    survey = Survey.objects.get()
    assert survey.published

    # A resident answers on a phone; the conditional question appears only when it applies.
    phone = chromium_browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    resident = phone.new_page()
    resident.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    resident.goto(f"{base}/surveys/{survey.pk}/")
    assert resident.locator("#question-reported").is_hidden()
    resident.fill("#id_q_postcode", demo_postcodes[0].lower())
    resident.check("#id_q_safe_day_1")  # Fairly safe
    resident.check("#id_q_safe_dark_2")  # A bit unsafe
    resident.check("#id_q_worries_0")  # Knife crime
    resident.check("#id_q_incident_0")  # a victim
    assert resident.locator("#question-reported").is_visible()
    resident.check("#id_q_reported_1")  # did not report it
    assert resident.locator("#question-why_not").is_visible()
    resident.check("#id_q_why_not_0")
    resident.fill("#id_q_where", "The alley behind the parade")
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the survey scrolls sideways on a phone: {width}px"
    assert axe_serious_violations(resident) == []
    resident.screenshot(path=str(artifacts / "answer-375.png"), full_page=True)
    resident.get_by_role("button", name="Send my answers").click()
    resident.wait_for_url(f"**/surveys/{survey.pk}/thanks/")
    assert axe_serious_violations(resident) == []
    phone.close()
    saved = Response.objects.get()
    assert saved.ward_code and not saved.contact_postcode
    assert {a.question.key for a in saved.answers.select_related("question")} >= {
        "reported",
        "why_not",
    }

    # With forty more answers, the results show charts, tables and the map.
    _more_answers(survey, _ward_postcodes(demo_postcodes))
    page.goto(f"{base}/staff/surveys/{survey.pk}/results/")
    page.wait_for_selector("#survey-map[data-map-ready=true]", state="attached", timeout=15_000)
    assert "41 responses" in page.locator("main").inner_text()
    assert page.locator("figure.bar-chart svg").count() >= 4
    assert page.locator("#survey-map path.leaflet-interactive").count() >= 2
    shaded = page.locator("#survey-map path.leaflet-interactive:not([stroke-dasharray])")
    assert shaded.count() >= 1  # the ward with thirty answers shows its share
    assert "Not a poll." in page.locator(".caveat").inner_text()
    assert axe_serious_violations(page) == []
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "results.png"), full_page=True)
    assert errors == []
    staff.close()
