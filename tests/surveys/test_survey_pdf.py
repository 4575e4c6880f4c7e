"""The printed questionnaire and results summary, read back from the PDF with poppler's tools.

The community-safety starter is printed, answered ~110 times from real demo postcodes (so the
breakdown has real constituencies, some too small to show), and summarised; every check reads
the real output, and PNGs of the pages go to tests/artifacts/surveys/ for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from callingtime.core.print_pdf import print_url_fetcher
from callingtime.core.stores import areas_store
from callingtime.surveys import analysis, building
from callingtime.surveys.answering import response_submit
from callingtime.surveys.models import Survey
from callingtime.surveys.pdf import paper_questions, survey_paper_pdf, survey_results_pdf
from callingtime.surveys.results import ResultsFilter, survey_results
from tests.factories import CampaignFactory, OrganisationFactory
from tests.print_checks import SHIPPED_FACES, pdf_font_names

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "surveys"
POPPLER = ("pdfinfo", "pdftotext", "pdftoppm", "pdffonts")
ONLINE_URL = "https://callingtime.example.org/s/how-safe/"
CONSENT = (
    "You may contact me about this survey and the Holloway Road campaign; keep my name and "
    "e-mail for that only."
)
WHERE_SECRET = "behind the launderette on Seven Sisters Road"
COMMENT_SECRET = "my neighbour at number 12"
SAFETY = ["Very safe", "Fairly safe", "A bit unsafe", "Very unsafe"]
HELPS = ["More police on patrol", "Better street lighting", "CCTV", "Youth services and activities"]
HELPS += ["Neighbourhood watch and community events", "Other"]


@pytest.fixture(scope="module", autouse=True)
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"poppler-utils is needed to read the PDFs back (missing {missing})")


@pytest.fixture
def survey() -> Survey:
    organisations = [
        OrganisationFactory(name="Safer Streets Islington"),
        OrganisationFactory(name="Holloway Residents' Association"),
    ]
    created = building.survey_create(
        campaign=CampaignFactory(organisations=organisations),
        user=None,
        starter_key="community-safety",
    )
    created.contact_consent = CONSENT
    created.save()
    return building.survey_publish(survey=created)


def keys(survey: Survey) -> dict[str, int]:
    return {question.key: question.pk for question in survey.questions.all()}


def constituency_postcodes(postcodes: list[str]) -> list[str]:
    """One postcode in each of the three constituencies with the most demo postcodes."""
    by_constituency: dict[str, list[str]] = defaultdict(list)
    with areas_store() as store:
        for postcode in postcodes:
            found = store.postcode_lookup(postcode).constituency
            if found is not None:
                by_constituency[found.code].append(postcode)
    biggest = sorted(by_constituency, key=lambda code: -len(by_constituency[code]))[:3]
    assert len(biggest) == 3
    return [by_constituency[code][0] for code in biggest]


def answer_many(survey: Survey, postcodes: list[str]) -> int:
    """Answer the survey 110 times: 60, 44 and 6 from three constituencies."""
    q = keys(survey)
    plan = [postcodes[0]] * 60 + [postcodes[1]] * 44 + [postcodes[2]] * 6
    day = ["Very safe"] * 50 + ["Fairly safe"] * 40 + ["A bit unsafe"] * 14 + ["Very unsafe"] * 6
    for n, postcode in enumerate(plan):
        incident = ["No", "Yes, I was a victim", "Yes, I saw one", "No", "Both"][n % 5]
        answers: dict[int, Any] = {
            q["postcode"]: postcode,
            q["safe_day"]: day[n],
            q["safe_dark"]: SAFETY[n % 4],
            q["worries"]: ["Knife crime", "Drug dealing"] if n % 2 else ["Burglary"],
            q["worries_rank"]: ["Knife crime", "Robbery", "Burglary"]
            if n % 3
            else ["Drug dealing", "Knife crime"],
            q["where"]: f"{WHERE_SECRET} ({n})",
            q["incident"]: incident,
            q["confidence"]: 1 + n % 5,
            q["would_help"]: [HELPS[n % 4], HELPS[(n + 1) % 4 + 2]],
            q["years"]: n % 40,
            q["comments"]: f"{COMMENT_SECRET} ({n})",
        }
        if incident != "No":
            answers[q["reported"]] = "No" if n % 2 else "Yes"
            answers[q["why_not"]] = ["It did not seem serious enough"]
        response_submit(survey=survey, answers=answers, ip_address=f"10.1.{n // 200}.{n % 200}")
    return len(plan)


def pdf_write(data: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    return path


def pdf_info(path: Path) -> str:
    return subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True
    ).stdout


def pdf_text(path: Path, *, layout: bool = False) -> str:
    """Return the text in drawing order (side-by-side boxes stay whole), or as laid out."""
    options = ["-layout"] if layout else ["-raw"]
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    """Return text on one line, as it was before the PDF wrapped it."""
    return " ".join(text.split())


def png_write(path: Path) -> list[Path]:
    for old in ARTIFACTS.glob(f"{path.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / path.stem)], check=True
    )
    return sorted(ARTIFACTS.glob(f"{path.stem}-*.png"))


def test_paper_questions_route_the_conditional_questions_in_words(survey: Survey) -> None:
    printed = {
        item.question.key: item
        for item in paper_questions(
            list(survey.questions.order_by("position")), contact_enabled=True
        )
    }
    assert [item.number for item in printed.values()] == list(range(1, 14))
    assert printed["reported"].ask_if == (
        "Answer question 8 only if you answered “Yes, I was a victim”, “Yes, I saw one” or "
        "“Both” to question 7. Otherwise go to question 10."
    )
    # Skipping question 8 skips question 9, which depends on it, too.
    assert printed["why_not"].ask_if == (
        "Answer question 9 only if you answered “No” to question 8. Otherwise go to question 10."
    )
    assert printed["incident"].go_to == (
        "If you answered “No” or “I would rather not say”, go to question 10.",
    )
    assert printed["reported"].go_to == ("If you answered “Yes” or “Not sure”, go to question 10.",)
    assert printed["safe_day"].ask_if == "" and printed["safe_day"].go_to == ()
    assert printed["would_help"].instruction == "Tick up to three"  # the hint replaces the default
    assert printed["safe_day"].instruction == "Tick one"
    assert printed["years"].number_range == "from 0 to 100"


def test_paper_pdf_prints_every_question_with_its_routing_consent_and_office_box(
    survey: Survey,
) -> None:
    path = pdf_write(survey_paper_pdf(survey, online_url=ONLINE_URL), "pdf-paper")
    info = pdf_info(path)
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.+)$", info, re.MULTILINE)
    assert sizes and all("(A4)" in size for size in sizes), info
    text = flat(pdf_text(path))
    for question in survey.questions.all():
        assert flat(question.text) in text, question.key
    assert f"You can also answer online at {ONLINE_URL}" in text
    assert "Call 999" in text and "101" in text and "0800 555 111" in text
    assert "Answer question 8 only if you answered “Yes, I was a victim”" in text
    assert "Answer question 9 only if you answered “No” to question 8." in text
    assert "If you answered “No” or “I would rather not say”, go to question 10." in text
    assert "Tick one" in text and "Tick all that apply" in text and "(1 = most)" in text
    assert "We keep only the area it is in" in text
    assert flat(CONSENT) in text
    assert "Holloway Residents' Association and Safer Streets Islington" in text
    assert "For office use" in text and "response number" in text and "keyed by" in text
    assert len(png_write(path)) == len(sizes)
    # Every glyph, the drawn tick's neighbours included, is in the shipped face.
    assert pdf_font_names(path) == SHIPPED_FACES


def test_paper_pdf_escapes_what_staff_typed_and_leaves_out_contact_when_off(
    survey: Survey,
) -> None:
    survey.title = "<b>Safety</b> & you"
    survey.contact_enabled = False
    survey.save()
    text = flat(
        pdf_text(pdf_write(survey_paper_pdf(survey, online_url=ONLINE_URL), "pdf-nocontact"))
    )
    assert "<b>Safety</b> & you" in text
    assert flat(CONSENT) not in text and "Staying in touch" not in text
    assert "For office use" in text


def test_results_pdf_shows_n_caveat_counts_and_hides_small_groups_and_free_text(
    survey: Survey, demo_postcodes: list[str], settings: Any
) -> None:
    settings.SURVEY_ANSWERS_PER_DAY = 10_000
    total = answer_many(survey, constituency_postcodes(demo_postcodes))
    results = survey_results(survey=survey)
    day = next(item for item in results.questions if item.question.key == "safe_day")
    assert day.summary.share("Very safe").count == 50
    assert day.summary.share("Very unsafe").suppressed  # 6 answers
    path = pdf_write(
        survey_results_pdf(results, prepared_for="Islington Community Safety Partnership"),
        "pdf-results",
    )
    text, layout = flat(pdf_text(path)), pdf_text(path, layout=True)
    assert flat(analysis.SELF_SELECTED_CAVEAT) in text
    assert f"{total} responses" in text
    assert "Islington Community Safety Partnership" in text
    assert re.search(r"Very safe\s+50\s+45% \(\d+–\d+%\)", layout), layout
    assert re.search(r"Fairly safe\s+40\s+36% \(\d+–\d+%\)", layout)
    assert re.search(r"Very unsafe\s+fewer than 10", layout)
    assert "By parliamentary constituency" in text
    assert "fewer than 10 answers" in text  # the constituency of 6
    assert flat(analysis.SECONDARY_NOTE) in text  # the next smallest, hidden to protect it
    assert WHERE_SECRET not in text and COMMENT_SECRET not in text
    # Everyone who answered question 9 ticked one reason: every bar is hidden, so no chart.
    assert "n = 33 · 77 skipped" in text and "n = 33 · bars show" not in text
    assert f"{total} answers (listed in the online results)" in text
    assert "Mean 3.00 (95% interval" in text  # the scale: 22 at each point
    assert "median" in text and "quartiles" in text
    assert "Page 1 of" in text
    assert png_write(path)


def test_results_pdf_of_a_small_group_shows_no_figures(
    survey: Survey, demo_postcodes: list[str], settings: Any
) -> None:
    settings.SURVEY_ANSWERS_PER_DAY = 10_000
    q = keys(survey)
    for n in range(6):
        response_submit(
            survey=survey,
            answers={
                q["postcode"]: demo_postcodes[0],
                q["safe_day"]: "Very safe",
                q["where"]: f"{WHERE_SECRET} {n}",
            },
            ip_address=f"10.2.0.{n}",
        )
    results = survey_results(survey=survey, chosen=ResultsFilter())
    text = flat(pdf_text(pdf_write(survey_results_pdf(results), "pdf-results-small")))
    assert "Fewer than 10 responses" in text
    assert "Fewer than 10 answers: not shown." in text
    assert WHERE_SECRET not in text
    assert not re.search(r"\b6 responses\b", text)


def test_print_fetcher_refuses_the_network() -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        print_url_fetcher()("http://127.0.0.1:9/logo.png")
