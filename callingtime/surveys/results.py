"""The results of a survey, from its stored answers, through the honest statistics.

Everything shown or exported goes through `callingtime.surveys.analysis`, so pages, CSV, JSON
and the PDF read the same suppressed numbers. A filter (an area, or an answer to another
question) narrows the group first; the analysis then applies its small-group rules to what is
left, so a filtered view can never show a group of fewer than 10.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from callingtime.core.stores import GeographyNotLoadedError, areas_store
from callingtime.graphics.share_bars import ShareBar, share_bars_svg
from callingtime.surveys import analysis
from callingtime.surveys.answering import Value
from callingtime.surveys.models import Answer, Question, QuestionKind, Response, Survey

TEXT_LIST_LIMIT = 200
AREA_FIELDS = {"ward": "ward_code", "constituency": "constituency_code"}


@dataclass(frozen=True)
class ResultsFilter:
    """Narrow the answers to one area, and/or to people who gave one answer to a question."""

    area_kind: str = ""  # "ward" or "constituency"
    area_code: str = ""
    question_key: str = ""
    answer: str = ""
    search: str = ""  # within free-text answers

    @property
    def active(self) -> bool:
        return bool((self.area_kind and self.area_code) or (self.question_key and self.answer))


@dataclass
class SurveyAnswers:
    """Every response's area codes and its answers, by question id, loaded once."""

    areas: dict[int, dict[str, str]] = field(default_factory=dict)
    values: dict[int, dict[int, Value]] = field(default_factory=lambda: defaultdict(dict))


def survey_answers_load(*, survey: Survey) -> SurveyAnswers:
    """Read a survey's responses and answers into memory (two queries)."""
    loaded = SurveyAnswers()
    for pk, ward, constituency in Response.objects.filter(survey=survey).values_list(
        "pk", "ward_code", "constituency_code"
    ):
        loaded.areas[pk] = {"ward": ward, "constituency": constituency}
    kinds = dict(survey.questions.values_list("pk", "kind"))
    # By question ids, not a join to the responses: without fresh statistics PostgreSQL plans
    # that join as a nested loop over every response for every answer (quadratic).
    rows = (
        Answer.objects.filter(question_id__in=list(kinds))
        .order_by("question_id", "response_id", "value_number")
        .values_list("question_id", "response_id", "value_text", "value_number")
    )
    for question_id, response_id, text, number in rows.iterator(chunk_size=20_000):
        kind = kinds[question_id]
        per_question = loaded.values[question_id]
        if kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
            per_question.setdefault(response_id, []).append(text)  # type: ignore[union-attr]
        elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER) and number is not None:
            per_question[response_id] = int(number) if kind == QuestionKind.SCALE else number
        else:
            per_question[response_id] = text
    return loaded


def _group(
    loaded: SurveyAnswers, questions: dict[str, Question], chosen: ResultsFilter
) -> list[int]:
    ids = list(loaded.areas)
    if chosen.area_kind in AREA_FIELDS and chosen.area_code:
        ids = [pk for pk in ids if loaded.areas[pk][chosen.area_kind] == chosen.area_code]
    question = questions.get(chosen.question_key)
    if question is not None and chosen.answer:
        values = loaded.values.get(question.pk, {})

        def matches(pk: int) -> bool:
            value = values.get(pk)
            return chosen.answer in value if isinstance(value, list) else value == chosen.answer

        ids = [pk for pk in ids if matches(pk)]
    return ids


@dataclass(frozen=True)
class QuestionResult:
    """One question's results for the group, with its chart and area breakdowns."""

    question: Question
    summary: Any  # a ChoiceTable, ScaleSummary, NumberSummary or RankingSummary
    chart_svg: str = ""
    by_constituency: analysis.Breakdown | None = None
    by_ward: analysis.Breakdown | None = None
    texts: tuple[str, ...] = ()
    texts_visible: bool = False
    texts_matching: int = 0

    @property
    def option_rows(self) -> list[tuple[str, Any]]:
        """Return (option, Share) pairs of a choice question, for its table."""
        if self.summary is None or not hasattr(self.summary, "shares"):
            return []
        return list(zip(self.summary.options, self.summary.shares, strict=True))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.question.key,
            "text": self.question.text,
            "kind": self.question.kind,
        }
        if self.summary is not None:
            data["summary"] = self.summary.as_dict()
        for name in ("by_constituency", "by_ward"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value.as_dict()
        if self.question.kind == QuestionKind.TEXT:
            data["texts_visible"] = self.texts_visible
        return data


@dataclass(frozen=True)
class SurveyResults:
    """A survey's results for one group of respondents."""

    survey: Survey
    group_size: int
    group_visible: bool
    questions: tuple[QuestionResult, ...]
    chosen: ResultsFilter
    area_names: dict[str, str]
    caveat: str = analysis.SELF_SELECTED_CAVEAT

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": {
                "id": self.survey.pk,
                "title": self.survey.title,
                "version": self.survey.version,
            },
            "responses": self.group_size if self.group_visible else None,
            "filter": {
                "area_kind": self.chosen.area_kind,
                "area_code": self.chosen.area_code,
                "question": self.chosen.question_key,
                "answer": self.chosen.answer,
            },
            "caveat": self.caveat,
            "questions": [q.as_dict() for q in self.questions],
        }


def _bars(summary: Any) -> list[ShareBar]:
    return [
        ShareBar(option, s.share, s.low, s.high)
        for option, s in zip(summary.options, summary.shares, strict=True)
    ]


def _scale_bars(summary: Any) -> list[ShareBar]:
    return [
        ShareBar(str(point), s.share, s.low, s.high)
        for point, s in enumerate(summary.distribution, start=summary.low)
    ]


def area_names_for(codes: Iterable[str]) -> dict[str, str]:
    """Return the names of areas by code from the loaded geography ('' = not known)."""
    names = {"": analysis.NO_AREA_NAME}
    try:
        with areas_store() as store:
            for code in set(codes):
                area = store.areas.get(code) if code else None
                if area is not None:
                    names[code] = area.name
    except GeographyNotLoadedError:
        pass
    return names


def _names_of(rows: list[tuple[str, Any]], names: dict[str, str]) -> dict[str, str]:
    codes = sorted({code for code, _ in rows}, key=lambda c: (c == "", names.get(c, c)))
    return {code: names.get(code, code) for code in codes}


def _question_result(
    question: Question,
    values: dict[int, Value],
    ids: list[int],
    loaded: SurveyAnswers,
    names: dict[str, str],
    search: str,
) -> QuestionResult:
    answers: list[Any] = [values.get(pk) for pk in ids]
    options = question.option_list
    summary: Any
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        summary = analysis.choice_table(answers, options)
        rows = {
            area: [(loaded.areas[pk][area], values.get(pk)) for pk in ids] for area in AREA_FIELDS
        }
        return QuestionResult(
            question,
            summary,
            share_bars_svg(_bars(summary), title=question.text, n=summary.n),
            by_constituency=analysis.breakdown(
                rows["constituency"],  # type: ignore[arg-type]
                options,
                area_names=_names_of(rows["constituency"], names),
            ),
            by_ward=analysis.breakdown(
                rows["ward"],  # type: ignore[arg-type]
                options,
                area_names=_names_of(rows["ward"], names),
            ),
        )
    if kind == QuestionKind.MULTIPLE:
        summary = analysis.multiple_choice_table(answers, options)
        return QuestionResult(
            question, summary, share_bars_svg(_bars(summary), title=question.text, n=summary.n)
        )
    if kind == QuestionKind.SCALE:
        summary = analysis.scale_summary(answers)
        return QuestionResult(
            question,
            summary,
            share_bars_svg(_scale_bars(summary), title=question.text, n=summary.n),
        )
    if kind == QuestionKind.NUMBER:
        return QuestionResult(question, analysis.number_summary(answers))
    if kind == QuestionKind.RANKING:
        return QuestionResult(question, analysis.ranking_summary(answers, options))
    if kind == QuestionKind.TEXT:
        given = [str(a) for a in answers if a]
        visible = analysis.text_answers_visible(len(given))
        matching = [t for t in given if search.casefold() in t.casefold()] if visible else []
        return QuestionResult(
            question,
            None,
            texts=tuple(matching[:TEXT_LIST_LIMIT]),
            texts_visible=visible,
            texts_matching=len(matching),
        )
    return QuestionResult(question, None)


def survey_results(*, survey: Survey, chosen: ResultsFilter | None = None) -> SurveyResults:
    """Return the survey's results for everyone, or for the group a filter picks."""
    chosen = chosen or ResultsFilter()
    questions = list(survey.questions.order_by("position"))
    by_key = {q.key: q for q in questions}
    loaded = survey_answers_load(survey=survey)
    ids = _group(loaded, by_key, chosen)
    codes = {c for a in loaded.areas.values() for c in a.values()}
    names = area_names_for(codes)
    results = tuple(
        _question_result(q, loaded.values.get(q.pk, {}), ids, loaded, names, chosen.search)
        for q in questions
        if q.kind != QuestionKind.POSTCODE
    )
    return SurveyResults(
        survey=survey,
        group_size=len(ids),
        group_visible=len(ids) >= analysis.SMALL_GROUP_MIN,
        questions=results,
        chosen=chosen,
        area_names=names,
    )


@dataclass(frozen=True)
class CrossTabResult:
    """Two single-choice questions against each other, for the group a filter picks."""

    rows_question: Question
    columns_question: Question
    table: analysis.CrossTab


def survey_crosstab(
    *, survey: Survey, row_key: str, column_key: str, chosen: ResultsFilter | None = None
) -> CrossTabResult | None:
    """Return the cross-tabulation of two single-choice questions (None if either is not one)."""
    singles = {q.key: q for q in survey.questions.filter(kind=QuestionKind.SINGLE)}
    if row_key not in singles or column_key not in singles or row_key == column_key:
        return None
    loaded = survey_answers_load(survey=survey)
    ids = _group(loaded, {q.key: q for q in survey.questions.all()}, chosen or ResultsFilter())
    rows_q, columns_q = singles[row_key], singles[column_key]
    first, second = loaded.values.get(rows_q.pk, {}), loaded.values.get(columns_q.pk, {})
    pairs = [(first.get(pk), second.get(pk)) for pk in ids]
    table = analysis.crosstab(pairs, rows_q.option_list, columns_q.option_list)  # type: ignore[arg-type]
    return CrossTabResult(rows_q, columns_q, table)
