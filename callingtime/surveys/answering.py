"""Answering a survey: which questions show, and saving one response whole.

A question with a condition shows only when the question it depends on shows and was answered
with one of the chosen options; answers to questions that did not show are dropped, so a
changed mind on an early question never leaves stray answers behind. Nothing is stored until
the whole survey is valid, and then in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from callingtime.areas.postcodes import PostcodeError
from callingtime.campaigns.roles import User
from callingtime.core.stores import GeographyNotLoadedError, areas_store
from callingtime.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    SubmissionGuard,
    Survey,
)

SURVEY_CLOSED = "This survey is not taking answers at the moment."
SURVEY_NOT_PUBLISHED = "This survey is a draft: publish it before keying answers into it."
TOO_MANY_ANSWERS = (
    "Many answers have come from your connection today, so we cannot take more from it. "
    "If you share a connection (a library, a workplace), please try again tomorrow."
)

# single/text/postcode: str; multiple: list of options; ranking: options in rank order;
# scale and number: int.
Value = str | int | float | list[str]


@dataclass(frozen=True)
class Contact:
    """Who to contact, given only with consent to be contacted."""

    name: str
    email: str


class AnsweringError(Exception):
    """The response could not be saved; nothing was stored."""


def visible_questions(
    questions: Sequence[Question], answers: Mapping[int, Value | None]
) -> list[Question]:
    """Return the questions a person sees, given their answers so far (by question id)."""
    shown: set[int] = set()
    visible = []
    for question in questions:
        condition = question.show_if_question_id
        if condition is not None:
            if condition not in shown:
                continue
            given = answers.get(condition)
            chosen = set(given) if isinstance(given, list) else {given}
            if not chosen & set(question.show_if_values):
                continue
        shown.add(question.pk)
        visible.append(question)
    return visible


def _client_key(ip: str | None, survey_id: int, day: date) -> str:
    # Keyed by the secret and the day: the same connection gets the same key today only.
    key = f"{settings.SECRET_KEY}:{day.isoformat()}".encode()
    return hmac.new(key, f"{survey_id}:{ip or ''}".encode(), hashlib.sha256).hexdigest()


def _guard(survey: Survey, ip: str | None, now: datetime) -> None:
    day = timezone.localdate(now)
    key = _client_key(ip, survey.pk, day)
    guard, _ = SubmissionGuard.objects.get_or_create(survey=survey, day=day, client_hash=key)
    if guard.submissions >= settings.SURVEY_ANSWERS_PER_DAY:
        raise AnsweringError(TOO_MANY_ANSWERS)
    SubmissionGuard.objects.filter(pk=guard.pk).update(submissions=F("submissions") + 1)
    SubmissionGuard.objects.filter(day__lt=day).delete()  # yesterday's keys mean nothing now


def _areas(postcode: str) -> dict[str, str]:
    blank = {"lsoa_code": "", "ward_code": "", "constituency_code": "", "local_authority_code": ""}
    if not postcode:
        return blank
    try:
        with areas_store() as store:
            found = store.postcode_lookup(postcode)
    except (PostcodeError, GeographyNotLoadedError):
        return blank  # a valid postcode the loaded lookup does not know: no area
    return {
        "lsoa_code": found.lsoa21.code,
        "ward_code": found.ward.code if found.ward else "",
        "constituency_code": found.constituency.code if found.constituency else "",
        "local_authority_code": found.borough.code if found.borough else "",
    }


def _answer_rows(question: Question, value: Value) -> list[Answer]:
    if question.kind == QuestionKind.MULTIPLE:
        return [Answer(question=question, value_text=str(v)) for v in value]  # type: ignore[union-attr]
    if question.kind == QuestionKind.RANKING:
        return [
            Answer(question=question, value_text=str(item), value_number=rank)
            for rank, item in enumerate(value, start=1)  # type: ignore[arg-type]
        ]
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        return [Answer(question=question, value_number=float(value))]  # type: ignore[arg-type]
    return [Answer(question=question, value_text=str(value))]


def response_submit(
    *,
    survey: Survey,
    answers: Mapping[int, Value | None],
    contact: Contact | None = None,
    ip_address: str | None = None,
    source: str = ResponseSource.ONLINE,
    keyed_by: User | None = None,
    now: datetime | None = None,
) -> Response:
    """Store one response and its answers, all or nothing (answers are checked by the form)."""
    now = now or timezone.now()
    if not survey.published:
        raise AnsweringError(SURVEY_NOT_PUBLISHED)
    if source == ResponseSource.ONLINE and not survey.is_open_at(now):
        raise AnsweringError(SURVEY_CLOSED)
    questions = list(survey.questions.order_by("position"))
    shown = visible_questions(questions, answers)
    postcode = next(
        (str(answers.get(q.pk) or "") for q in shown if q.kind == QuestionKind.POSTCODE), ""
    )
    keep_contact = contact is not None and survey.contact_enabled
    with transaction.atomic():
        if source == ResponseSource.ONLINE:
            _guard(survey, ip_address, now)
        response = Response.objects.create(
            survey=survey,
            source=source,
            keyed_by_id=keyed_by.pk if keyed_by else None,
            submitted_at=now,
            contact_consent=keep_contact,
            contact_name=contact.name if keep_contact and contact else "",
            contact_email=contact.email if keep_contact and contact else "",
            contact_postcode=postcode if keep_contact else "",
            **_areas(postcode),
        )
        rows: list[Answer] = []
        for question in shown:
            value = answers.get(question.pk)
            if value in (None, "", []):
                continue
            if question.kind == QuestionKind.POSTCODE:
                continue  # kept only as its area codes (and for contact, with consent)
            for row in _answer_rows(question, value):
                row.response = response
                rows.append(row)
        Answer.objects.bulk_create(rows)
    return response
