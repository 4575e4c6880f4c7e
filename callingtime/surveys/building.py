"""Building surveys: from a starter or blank, editing questions, publishing, new versions.

A survey with answers is frozen: every edit is refused with SURVEY_FROZEN, and
`survey_new_version` copies it into an editable draft whose publication closes the old one.
So each answer stays tied to the exact wording it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from callingtime.campaigns.models import Campaign
from callingtime.campaigns.roles import User
from callingtime.surveys.models import Question, QuestionKind, Survey
from callingtime.surveys.models.survey import CHOICE_KINDS
from callingtime.surveys.starters import STARTERS

SURVEY_FROZEN = (
    "This survey has answers, so its questions can no longer change. Make a new version to "
    "edit it: the answers so far stay with this version."
)
UNKNOWN_STARTER = "There is no starter survey called “{key}”."
OPTIONS_NEEDED = "A {kind} question needs between 2 and 20 options, one per line."
OPTIONS_DUPLICATED = "Each option must be different: “{option}” appears twice."
OPTION_TOO_LONG = "Keep each option to 100 characters or fewer."
SCALE_LABELS = "A scale needs two labels, for 1 and for 5, one per line (or none)."
NUMBER_RANGE = "The smallest allowed number must not be larger than the largest."
SHOW_IF_LATER = "A question can only depend on an earlier question."
SHOW_IF_KIND = "A question can only depend on a single or multiple choice question."
SHOW_IF_VALUES = "Choose which answers to “{text}” show this question."
SHOW_IF_UNKNOWN = "“{value}” is not an option of “{text}”."
NO_QUESTIONS = "Add at least one question before publishing."
DATES_ORDER = "The closing date must be after the opening date."
MOVE_BREAKS_DEPENDENCY = (
    "Moving this question would put it before the question it depends on (or after one that "
    "depends on it). Change the condition first."
)


class SurveyError(Exception):
    """A survey change was refused; the message says why. Nothing changed."""


@dataclass(frozen=True)
class QuestionDraft:
    """What staff typed for a question, before it is checked."""

    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = False
    help_text: str = ""
    number_min: int | None = None
    number_max: int | None = None
    show_if_question_id: int | None = None
    show_if_values: tuple[str, ...] = ()


def survey_is_frozen(*, survey: Survey) -> bool:
    """Return whether the survey has answers (and so can no longer change)."""
    return survey.responses.exists()


def _editable(survey: Survey) -> None:
    if survey_is_frozen(survey=survey):
        raise SurveyError(SURVEY_FROZEN)


def _key_for(survey: Survey, text: str) -> str:
    base = slugify(text)[:30].strip("-") or "question"
    taken = set(survey.questions.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def survey_create(
    *, campaign: Campaign, user: User | None, starter_key: str = "", title: str = ""
) -> Survey:
    """Create a draft survey of the campaign, from a starter or blank."""
    starter = STARTERS.get(starter_key) if starter_key else None
    if starter_key and starter is None:
        raise SurveyError(UNKNOWN_STARTER.format(key=starter_key))
    with transaction.atomic():
        survey = Survey.objects.create(
            campaign=campaign,
            title=title or (starter.title if starter else "New survey"),
            introduction=starter.introduction if starter else "",
            template_key=starter.key if starter else "",
            created_by_id=user.pk if user else None,
        )
        if starter is None:
            return survey
        by_key: dict[str, Question] = {}
        for position, q in enumerate(starter.questions, start=1):
            condition = by_key[q.show_if[0]] if q.show_if else None
            by_key[q.key] = Question.objects.create(
                survey=survey,
                position=position,
                key=q.key,
                kind=q.kind,
                text=q.text,
                help_text=q.help_text,
                required=q.required,
                options=list(q.options),
                number_min=q.number_min,
                number_max=q.number_max,
                show_if_question=condition,
                show_if_values=list(q.show_if[1]) if q.show_if else [],
            )
    return survey


def survey_update(
    *,
    survey: Survey,
    title: str,
    introduction: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    contact_enabled: bool,
    contact_consent: str,
) -> Survey:
    """Change a survey's title, dates and contact consent (dates may change after answers)."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise SurveyError(DATES_ORDER)
    wording_changes = (title, introduction, contact_enabled, contact_consent) != (
        survey.title,
        survey.introduction,
        survey.contact_enabled,
        survey.contact_consent,
    )
    if wording_changes:
        _editable(survey)
    survey.title, survey.introduction = title, introduction
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.contact_enabled, survey.contact_consent = contact_enabled, contact_consent
    survey.save()
    return survey


def _checked(survey: Survey, draft: QuestionDraft, position: int) -> dict[str, object]:
    options = [o.strip() for o in draft.options if o.strip()]
    if draft.kind in CHOICE_KINDS:
        if not 2 <= len(options) <= 20:
            raise SurveyError(OPTIONS_NEEDED.format(kind=QuestionKind(draft.kind).label.lower()))
        seen: set[str] = set()
        for option in options:
            if len(option) > 100:
                raise SurveyError(OPTION_TOO_LONG)
            if option.casefold() in seen:
                raise SurveyError(OPTIONS_DUPLICATED.format(option=option))
            seen.add(option.casefold())
    elif draft.kind == QuestionKind.SCALE:
        if len(options) not in (0, 2):
            raise SurveyError(SCALE_LABELS)
    else:
        options = []
    if (
        draft.kind == QuestionKind.NUMBER
        and draft.number_min is not None
        and draft.number_max is not None
        and draft.number_min > draft.number_max
    ):
        raise SurveyError(NUMBER_RANGE)
    condition = None
    values: list[str] = []
    if draft.show_if_question_id:
        condition = survey.questions.filter(pk=draft.show_if_question_id).first()
        if condition is None or condition.position >= position:
            raise SurveyError(SHOW_IF_LATER)
        if condition.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            raise SurveyError(SHOW_IF_KIND)
        values = list(draft.show_if_values)
        if not values:
            raise SurveyError(SHOW_IF_VALUES.format(text=condition.text))
        for value in values:
            if value not in condition.option_list:
                raise SurveyError(SHOW_IF_UNKNOWN.format(value=value, text=condition.text))
    return {
        "kind": draft.kind,
        "text": draft.text.strip(),
        "help_text": draft.help_text.strip(),
        "required": draft.required,
        "options": options,
        "number_min": draft.number_min if draft.kind == QuestionKind.NUMBER else None,
        "number_max": draft.number_max if draft.kind == QuestionKind.NUMBER else None,
        "show_if_question": condition,
        "show_if_values": values,
    }


def question_add(*, survey: Survey, draft: QuestionDraft) -> Question:
    """Add a question at the end of a draft survey."""
    _editable(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    fields = _checked(survey, draft, last + 1)
    return Question.objects.create(
        survey=survey, position=last + 1, key=_key_for(survey, draft.text), **fields
    )


def question_update(*, question: Question, draft: QuestionDraft) -> Question:
    """Change a question of a survey that has no answers yet."""
    _editable(question.survey)
    fields = _checked(question.survey, draft, question.position)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        question.dependants.update(show_if_question=None, show_if_values=[])
    return question


def question_delete(*, question: Question) -> None:
    """Delete a question; questions that depended on it are shown to everyone."""
    survey = question.survey
    _editable(survey)
    with transaction.atomic():
        question.dependants.update(show_if_question=None, show_if_values=[])
        question.delete()
        for position, q in enumerate(survey.questions.order_by("position"), start=1):
            if q.position != position:
                Question.objects.filter(pk=q.pk).update(position=position)


def question_move(*, question: Question, up: bool) -> None:
    """Swap a question with the one before (up) or after it."""
    survey = question.survey
    _editable(survey)
    ordered = list(survey.questions.order_by("position"))
    index = ordered.index(question)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(ordered):
        return
    other = ordered[other_index]
    first, second = (other, question) if up else (question, other)
    if second.show_if_question_id == first.pk:
        raise SurveyError(MOVE_BREAKS_DEPENDENCY)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(position=other.position)
        Question.objects.filter(pk=other.pk).update(position=question.position)


def survey_publish(*, survey: Survey, now: datetime | None = None) -> Survey:
    """Open a draft survey for answers; publishing a new version closes the one it replaces."""
    now = now or timezone.now()
    if not survey.questions.exists():
        raise SurveyError(NO_QUESTIONS)
    with transaction.atomic():
        survey.published = True
        survey.save(update_fields=["published", "updated_at"])
        if survey.previous_id:
            Survey.objects.filter(pk=survey.previous_id).update(closes_at=now)
    return survey


def survey_close(*, survey: Survey, now: datetime | None = None) -> Survey:
    """Stop taking answers now."""
    survey.closes_at = now or timezone.now()
    survey.save(update_fields=["closes_at", "updated_at"])
    return survey


def survey_new_version(*, survey: Survey, user: User | None) -> Survey:
    """Copy a survey and its questions into a new draft version that can be edited."""
    existing = Survey.objects.filter(previous=survey).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        copy = Survey.objects.create(
            campaign=survey.campaign,
            title=survey.title,
            introduction=survey.introduction,
            version=survey.version + 1,
            previous=survey,
            template_key=survey.template_key,
            opens_at=None,
            closes_at=survey.closes_at,
            contact_enabled=survey.contact_enabled,
            contact_consent=survey.contact_consent,
            created_by_id=user.pk if user else None,
        )
        mapping: dict[int, Question] = {}
        for q in survey.questions.order_by("position"):
            condition = mapping.get(q.show_if_question_id) if q.show_if_question_id else None
            mapping[q.pk] = Question.objects.create(
                survey=copy,
                position=q.position,
                key=q.key,
                kind=q.kind,
                text=q.text,
                help_text=q.help_text,
                required=q.required,
                options=q.options,
                number_min=q.number_min,
                number_max=q.number_max,
                show_if_question=condition,
                show_if_values=q.show_if_values,
            )
    return copy
