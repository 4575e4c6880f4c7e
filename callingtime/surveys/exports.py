"""Survey exports: the answers as CSV, and the map of a share by area as GeoJSON.

The answers CSV is one row per response, with the same small-group rule as the pages: an
area code is given only for areas with at least 10 responses, free text only when the survey
has at least 10, and contact details only of people who consented, to staff allowed to see
supporters' data.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from callingtime.core.spreadsheet import BYTE_ORDER_MARK, cell_safe
from callingtime.core.stores import GeographyNotLoadedError, areas_store
from callingtime.surveys import analysis
from callingtime.surveys.models import Question, QuestionKind, Response, Survey
from callingtime.surveys.results import AREA_FIELDS, area_names_for, survey_answers_load

HIDDEN_AREA = "fewer than 10"


class _Line:
    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def _cell(question: Question, value: Any) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.RANKING:
        return " > ".join(value)
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answers_csv_lines(*, survey: Survey, with_contact: bool) -> Iterator[str]:
    """Yield the answers CSV of a survey, one response a row (see the module docstring)."""
    questions = [
        q for q in survey.questions.order_by("position") if q.kind != QuestionKind.POSTCODE
    ]
    loaded = survey_answers_load(survey=survey)
    sizes = {kind: Counter(a[kind] for a in loaded.areas.values()) for kind in AREA_FIELDS}
    texts_shown = analysis.text_answers_visible(len(loaded.areas))
    responses = Response.objects.filter(survey=survey).order_by("submitted_at", "pk")
    line = _Line()
    writer = csv.writer(line)
    header = ["response", "source", "submitted_on", "constituency_code", "ward_code"]
    header += [q.key for q in questions]
    if with_contact:
        header += ["contact_name", "contact_email", "contact_postcode"]
    writer.writerow(header)
    yield BYTE_ORDER_MARK + line.value
    for number, response in enumerate(responses.iterator(chunk_size=5000), start=1):
        areas = loaded.areas.get(response.pk, {})
        row: list[Any] = [number, response.source, response.submitted_at.date().isoformat()]
        for kind in ("constituency", "ward"):
            code = areas.get(kind, "")
            shown = code and sizes[kind][code] >= analysis.SMALL_GROUP_MIN
            row.append(code if shown else (HIDDEN_AREA if code else ""))
        for question in questions:
            value = loaded.values.get(question.pk, {}).get(response.pk)
            if question.kind == QuestionKind.TEXT and not texts_shown:
                value = None
            row.append(cell_safe(_cell(question, value)))
        if with_contact:
            consented = response.contact_consent
            row += [
                cell_safe(response.contact_name) if consented else "",
                response.contact_email if consented else "",
                response.contact_postcode if consented else "",
            ]
        writer.writerow(row)
        yield line.value


def _default_map_question(survey: Survey, key: str) -> Question | None:
    singles = survey.questions.filter(kind=QuestionKind.SINGLE).order_by("position")
    return (
        singles.filter(key=key).first()
        or singles.filter(key="safe_dark").first()
        or singles.first()
    )


def _default_answers(question: Question, answers: Sequence[str]) -> list[str]:
    chosen = [a for a in answers if a in question.option_list]
    if chosen:
        return chosen
    unsafe = [o for o in question.option_list if "unsafe" in o.casefold()]
    return unsafe or question.option_list[-1:]


def survey_map_geojson(
    *, survey: Survey, question_key: str, answers: Sequence[str], area_kind: str
) -> dict[str, Any]:
    """Return areas shaded by the share choosing some answers, small groups hidden."""
    area_kind = area_kind if area_kind in AREA_FIELDS else "ward"
    question = _default_map_question(survey, question_key)
    if question is None:
        return {"type": "FeatureCollection", "features": [], "question": None}
    chosen = _default_answers(question, answers)
    loaded = survey_answers_load(survey=survey)
    values = loaded.values.get(question.pk, {})
    rows = [(areas[area_kind], values.get(pk)) for pk, areas in loaded.areas.items()]
    names = area_names_for(code for code, _ in rows)
    shares = analysis.share_choosing_any(
        rows,  # type: ignore[arg-type]
        question.option_list,
        chosen,
        area_names={code: names.get(code, code) for code, _ in rows if code},
    )
    features = []
    try:
        with areas_store() as store:
            for area in shares.areas:
                text = store.boundary_geojson(area.code) if area.code else None
                if not text:
                    continue
                share = area.share
                features.append(
                    {
                        "type": "Feature",
                        "geometry": json.loads(text),
                        "properties": {"code": area.code, "name": area.name, **share.as_dict()},
                    }
                )
    except GeographyNotLoadedError:
        features = []
    return {
        "type": "FeatureCollection",
        "features": features,
        "question": {"key": question.key, "text": question.text, "answers": chosen},
        "total": shares.total.as_dict(),
        "area_kind": area_kind,
    }
