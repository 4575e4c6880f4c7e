"""Print a survey: the paper questionnaire residents fill in, and a summary of its results.

Django templates in `surveys/pdf/` write the HTML with autoescaping on, so what staff typed is
never read as markup; `callingtime.core.print_pdf` lays it out offline in the shipped fonts.
Conditional questions carry their routing in words ("Answer question 8 only if…"), since paper
cannot hide a question. The results summary reads the same suppressed figures as the pages and
never prints free-text answers: a printed summary travels further than the staff pages.

>>> pdf_bytes = survey_paper_pdf(survey, online_url="https://example.org/s/1/")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from callingtime.core.print_pdf import (
    PRINT_FONT_FAMILY,
    font_face_css,
    pdf_from_html,
    svg_print_font,
)
from callingtime.surveys import analysis
from callingtime.surveys.models import Question, QuestionKind, Survey
from callingtime.surveys.results import QuestionResult, SurveyResults

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "surveys" / "pdf"
TEXT_LINES = 4
POSTCODE_BOXES = 8
POSTCODE_NOTE = "We keep only the area it is in"
TICK_ONE = "Tick one"
TICK_ALL = "Tick all that apply"
RANK_INSTRUCTION = "Write 1, 2, 3… in the boxes (1 = most)"
HIDDEN = f"fewer than {analysis.SMALL_GROUP_MIN}"
FINISHED = "the end of the questions"
CONTACT_HEADING = "Staying in touch (optional)"


@dataclass(frozen=True)
class PaperQuestion:
    """One question as the paper form prints it, with its routing in words."""

    number: int
    question: Question
    instruction: str
    hint: str
    ask_if: str = ""  # on a conditional question: when to answer it, and where to go if not
    go_to: tuple[str, ...] = ()  # on a question others depend on: where some answers lead
    two_columns: bool = False
    number_range: str = ""
    postcode_note: bool = False
    lines: range = field(default_factory=lambda: range(TEXT_LINES))
    boxes: range = field(default_factory=lambda: range(POSTCODE_BOXES))


def survey_paper_pdf(survey: Survey, *, online_url: str) -> bytes:
    """Render the printable questionnaire (A4 portrait) for people who answer on paper."""
    questions = list(survey.questions.order_by("position"))
    organisations = list(survey.campaign.organisations.order_by("name"))
    context = {
        "survey": survey,
        "campaign": survey.campaign,
        "online_url": online_url,
        "questions": paper_questions(questions, contact_enabled=survey.contact_enabled),
        "any_required": any(q.required for q in questions),
        "organisations": names_join([o.name for o in organisations]),
        "privacy_contacts": [(o.name, o.privacy_contact) for o in organisations],
        "contact_heading": CONTACT_HEADING,
        "closes_on": timezone.localdate(survey.closes_at) if survey.closes_at else None,
    }
    return _render("surveys/pdf/paper.html", context)


def paper_questions(questions: Sequence[Question], *, contact_enabled: bool) -> list[PaperQuestion]:
    """Return the questions, numbered from 1, with each one's instruction and routing."""
    end = f"“{CONTACT_HEADING}”" if contact_enabled else FINISHED
    printed = []
    for index, question in enumerate(questions):
        kind = question.kind
        instruction, hint = _instruction(question)
        printed.append(
            PaperQuestion(
                number=index + 1,
                question=question,
                instruction=instruction,
                hint=hint,
                ask_if=_ask_if(questions, index, end),
                go_to=_go_to(questions, index, end),
                two_columns=kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
                and len(question.options) > 5,
                number_range=_number_range(question),
                postcode_note=kind == QuestionKind.POSTCODE
                and POSTCODE_NOTE.casefold() not in question.help_text.casefold(),
            )
        )
    return printed


def _instruction(question: Question) -> tuple[str, str]:
    # A hint that is itself a ticking instruction ("Tick up to three.") replaces the default.
    hint = question.help_text.strip()
    default = {
        QuestionKind.SINGLE: TICK_ONE,
        QuestionKind.MULTIPLE: TICK_ALL,
        QuestionKind.SCALE: TICK_ONE,
        QuestionKind.RANKING: RANK_INSTRUCTION,
        QuestionKind.NUMBER: "Write a whole number in the box",
        QuestionKind.POSTCODE: "One letter or number in each box",
    }.get(QuestionKind(question.kind), "")
    if default.startswith("Tick") and hint.casefold().startswith("tick"):
        return hint.rstrip("."), ""
    return default, hint


def _number_range(question: Question) -> str:
    low, high = question.number_min, question.number_max
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"{low} or more"
    return f"{high} or less" if high is not None else ""


def _quoted(values: Sequence[str]) -> str:
    return names_join([f"“{value}”" for value in values], conjunction="or")


def _next_shown(questions: Sequence[Question], index: int, hidden: set[int]) -> int | None:
    # The first question after `index` that can still show when the questions in `hidden`
    # do not: what depends on a hidden question (and on that, and so on) is hidden too.
    hidden = set(hidden)
    for later in range(index + 1, len(questions)):
        question = questions[later]
        if question.pk in hidden or question.show_if_question_id in hidden:
            hidden.add(question.pk)
            continue
        return later
    return None


def _target(position: int | None, end: str) -> str:
    return f"question {position + 1}" if position is not None else end


def _ask_if(questions: Sequence[Question], index: int, end: str) -> str:
    question = questions[index]
    positions = {q.pk: i for i, q in enumerate(questions)}
    if question.show_if_question_id not in positions:
        return ""
    condition = questions[positions[question.show_if_question_id]]
    verb = "ticked" if condition.kind == QuestionKind.MULTIPLE else "answered"
    otherwise = _target(_next_shown(questions, index, {question.pk}), end)
    return (
        f"Answer question {index + 1} only if you {verb} {_quoted(question.show_if_values)} "
        f"to question {positions[condition.pk] + 1}. Otherwise go to {otherwise}."
    )


def _go_to(questions: Sequence[Question], index: int, end: str) -> tuple[str, ...]:
    # Only after a single choice, where each answer leads to one place; a multiple choice can
    # tick its way to several, so its dependants carry their own instruction alone.
    question = questions[index]
    dependants = [q for q in questions[index + 1 :] if q.show_if_question_id == question.pk]
    if question.kind != QuestionKind.SINGLE or not dependants:
        return ()
    leads: dict[int | None, list[str]] = {}
    for option in question.option_list:
        hidden = {q.pk for q in dependants if option not in q.show_if_values}
        leads.setdefault(_next_shown(questions, index, hidden), []).append(option)
    return tuple(
        f"If you answered {_quoted(options)}, go to {_target(position, end)}."
        for position, options in leads.items()
        if position != index + 1
    )


def names_join(names: Sequence[str], *, conjunction: str = "and") -> str:
    """Return names as an English list.

    >>> names_join(["Safer Streets", "Holloway Residents", "Islington Cyclists"])
    'Safer Streets, Holloway Residents and Islington Cyclists'
    """
    cleaned = [name.strip() for name in names if name.strip()]
    if len(cleaned) <= 1:
        return "".join(cleaned)
    return ", ".join(cleaned[:-1]) + f" {conjunction} " + cleaned[-1]


# ---- The results summary ----


@dataclass(frozen=True)
class ShareRow:
    """One line of a printed table: a label and its count and share, or why they are hidden."""

    label: str
    count: str = ""
    share: str = ""
    hidden: str = ""


@dataclass(frozen=True)
class AreaLine:
    """One area of a printed breakdown: n and a share per option, or why the row is hidden."""

    name: str
    n: str
    shares: tuple[str, ...]
    note: str = ""
    total: bool = False


@dataclass(frozen=True)
class ResultBlock:
    """One question of the results summary, with its figures formatted for print."""

    number: int
    question: Question
    chart: SafeString | str = ""
    suppressed: bool = False
    n: str = ""
    notes: tuple[str, ...] = ()
    rows: tuple[ShareRow, ...] = ()
    ranking: tuple[tuple[str, str, ShareRow, str], ...] = ()
    figures: str = ""
    texts: str = ""
    breakdown: tuple[AreaLine, ...] = ()
    breakdown_options: tuple[str, ...] = ()
    breakdown_note: str = ""


def survey_results_pdf(results: SurveyResults, *, prepared_for: str = "") -> bytes:
    """Render a summary of a survey's results: n, the caveat, each question's chart and table."""
    survey = results.survey
    # Numbered as on the paper form (which also asks the postcode), so the two read together.
    order = list(survey.questions.order_by("position").values_list("pk", "kind"))
    numbers = {pk: n for n, (pk, _) in enumerate(order, start=1)}
    postcodes = [numbers[pk] for pk, kind in order if kind == QuestionKind.POSTCODE]
    context = {
        "survey": survey,
        "campaign": survey.campaign,
        "results": results,
        "prepared_on": timezone.localdate(),
        "prepared_for": prepared_for.strip(),
        "responses": f"{results.group_size:,}" if results.group_visible else "",
        "group": _group_description(results),
        "caveat": results.caveat,
        "small_group_min": analysis.SMALL_GROUP_MIN,
        "postcode_numbers": names_join([str(n) for n in postcodes]),
        "blocks": [_block(numbers[item.question.pk], item, results) for item in results.questions],
    }
    return _render("surveys/pdf/results.html", context)


def _group_description(results: SurveyResults) -> str:
    chosen = results.chosen
    parts = []
    if chosen.area_kind and chosen.area_code:
        name = results.area_names.get(chosen.area_code, chosen.area_code)
        parts.append(f"people in the {chosen.area_kind} of {name}")
    if chosen.question_key and chosen.answer:
        asked = next(
            (r.question.text for r in results.questions if r.question.key == chosen.question_key),
            chosen.question_key,
        )
        parts.append(f"people who answered “{chosen.answer}” to “{asked}”")
    return " and ".join(parts)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _figure(value: float | None, places: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _share_row(label: str, share: Any) -> ShareRow:
    if share.suppressed or share.share is None:
        return ShareRow(label, hidden=HIDDEN)
    shown = f"{share.share:.0%} ({share.low * 100:.0f}–{share.high:.0%})"
    return ShareRow(label, _count(share.count), shown)


def _n_line(summary: Any) -> str:
    skipped = f" · {summary.skipped:,} skipped" if summary.skipped else ""
    return f"n = {summary.n:,}{skipped}"


def _block(number: int, item: QuestionResult, results: SurveyResults) -> ResultBlock:
    question, summary = item.question, item.summary
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return ResultBlock(number, question, texts=_texts_line(item, results))
    if summary is None or summary.suppressed:
        return ResultBlock(number, question, suppressed=True)
    # A chart of nothing but hidden bars says no more than its table; graphics escapes its text.
    drawn = bool(item.chart_svg) and not all(
        share.suppressed
        for share in (summary.distribution if kind == QuestionKind.SCALE else summary.shares)
    )
    chart = mark_safe(svg_print_font(item.chart_svg)) if drawn else ""  # noqa: S308
    base: dict[str, Any] = {"chart": chart, "n": _n_line(summary)}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        notes = (
            ("People could tick several answers, so the shares add up to more than 100%.",)
            if summary.multiple
            else ()
        )
        rows = tuple(_share_row(option, share) for option, share in item.option_rows)
        return ResultBlock(
            number, question, notes=notes, rows=rows, **base, **_breakdown(item.by_constituency)
        )
    if kind == QuestionKind.SCALE:
        ends = dict(zip((summary.low, summary.high), question.option_list, strict=False))
        rows = tuple(
            _share_row(f"{point} ({ends[point]})" if point in ends else str(point), share)
            for point, share in enumerate(summary.distribution, start=summary.low)
        )
        if summary.mean is None:
            figures = "The mean and median are not shown: they would reveal the hidden points."
        else:
            figures = (
                f"Mean {summary.mean:.2f} (95% interval {summary.mean_low:.2f} to "
                f"{summary.mean_high:.2f}), median {_figure(summary.median)}, "
                f"on a scale of {summary.low} to {summary.high}."
            )
        return ResultBlock(number, question, rows=rows, figures=figures, **base)
    if kind == QuestionKind.NUMBER:
        figures = (
            f"Mean {_figure(summary.mean)} · median {_figure(summary.median)} · quartiles "
            f"{_figure(summary.lower_quartile)} to {_figure(summary.upper_quartile)}"
        )
        return ResultBlock(number, question, n=_n_line(summary), figures=figures)
    if kind == QuestionKind.RANKING:
        ranking = tuple(
            (
                ranked.item,
                "–" if ranked.mean_rank is None else f"{ranked.mean_rank:.2f}",
                _share_row(ranked.item, ranked.first),
                _count(ranked.borda) or "–",
            )
            for ranked in summary.items
        )
        return ResultBlock(number, question, n=_n_line(summary), ranking=ranking)
    return ResultBlock(number, question, suppressed=True)


def _texts_line(item: QuestionResult, results: SurveyResults) -> str:
    if not item.texts_visible:
        return f"Fewer than {analysis.SMALL_GROUP_MIN} answers."
    search = results.chosen.search
    containing = f" containing “{search}”" if search else ""
    plural = "" if item.texts_matching == 1 else "s"
    return f"{item.texts_matching:,} answer{plural}{containing} (listed in the online results)."


def _breakdown(breakdown: analysis.Breakdown | None) -> dict[str, Any]:
    if breakdown is None:
        return {}
    if breakdown.suppressed:
        return {"breakdown_note": f"Fewer than {analysis.SMALL_GROUP_MIN} answers: not shown."}
    lines = [_area_line(row) for row in breakdown.areas]
    lines.append(_area_line(breakdown.total, total=True))
    return {"breakdown": tuple(lines), "breakdown_options": breakdown.options}


def _area_line(row: analysis.AreaRow, *, total: bool = False) -> AreaLine:
    if row.suppressed:
        return AreaLine(row.name, "", (), note=row.note or analysis.SMALL_GROUP_NOTE, total=total)
    shares = tuple("–" if s.suppressed else _percent(s.share) for s in row.shares)
    return AreaLine(row.name, _count(row.n), shares, total=total)


# ---- Rendering ----


@cache
def _css() -> str:
    # Built once per process: the stylesheet's text never changes between documents.
    body = render_to_string("surveys/pdf/survey_print.css", {"font_family": PRINT_FONT_FAMILY})
    return font_face_css() + body


def _render(template_name: str, context: Mapping[str, object]) -> bytes:
    html = render_to_string(template_name, {"font_family": PRINT_FONT_FAMILY, **context})
    return pdf_from_html(html, css=_css(), base_url=TEMPLATES_DIR.as_uri() + "/")
