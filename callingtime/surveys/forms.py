"""The answer form, built from a survey's questions, and the staff builder's forms.

Every question field is optional at the field level: whether an answer is required depends on
whether the question shows, which depends on earlier answers, so `clean` decides it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from callingtime.areas.postcodes import PostcodeMalformedError, postcode_normalise
from callingtime.surveys.answering import Contact, Value, visible_questions
from callingtime.surveys.models import Question, QuestionKind, Survey

ANSWER_REQUIRED = "Answer this question."
CHOOSE_ONE = "Choose one of the answers."
RANKS_UNIQUE = "Give each item a different number, starting from 1."
NUMBER_INVALID = "Enter a whole number."
NUMBER_RANGE = "Enter a whole number from {low} to {high}."
POSTCODE_INVALID = "Enter a UK postcode, like N1 1AA."
TEXT_TOO_LONG = "Keep your answer to 2,000 characters or fewer."
TEXT_CONTROL = "Your answer contains control characters. Type it again."
CONTACT_NAME = "Enter your name, so we know who to contact."
CONTACT_EMAIL = "Enter an e-mail address, like name@example.org, so we can contact you."
TEXT_MAX = 2000
_validate_email = EmailValidator(message=CONTACT_EMAIL)


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def _text_clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(TEXT_TOO_LONG)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text):
        raise ValidationError(TEXT_CONTROL)
    return text


class SurveyAnswerForm(forms.Form):
    """One field per question (a ranking has one per item), plus the optional contact fields."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = list(survey.questions.order_by("position"))
        for question in self.questions:
            self._add_fields(question)
        if survey.contact_enabled:
            self.fields["contact_me"] = forms.BooleanField(required=False)
            self.fields["contact_name"] = forms.CharField(required=False, max_length=400)
            self.fields["contact_email"] = forms.CharField(required=False, max_length=400)

    def _add_fields(self, question: Question) -> None:
        name = field_name(question)
        options = [(o, o) for o in question.option_list]
        if question.kind == QuestionKind.SINGLE:
            self.fields[name] = forms.ChoiceField(
                required=False,
                choices=options,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": CHOOSE_ONE},
            )
        elif question.kind == QuestionKind.MULTIPLE:
            self.fields[name] = forms.MultipleChoiceField(
                required=False,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": CHOOSE_ONE},
            )
        elif question.kind == QuestionKind.SCALE:
            self.fields[name] = forms.TypedChoiceField(
                required=False,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": CHOOSE_ONE},
            )
        elif question.kind == QuestionKind.RANKING:
            ranks = [("", "–")] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
            for index in range(len(options)):
                self.fields[f"{name}__{index}"] = forms.TypedChoiceField(
                    required=False,
                    choices=ranks,
                    coerce=int,
                    empty_value=None,
                    error_messages={"invalid_choice": RANKS_UNIQUE},
                )
        else:
            self.fields[name] = forms.CharField(
                required=False, strip=False, max_length=TEXT_MAX * 4
            )

    def rows(self) -> list[dict[str, Any]]:
        """Return each question with its bound field(s), for the template."""
        rows = []
        for question in self.questions:
            name = field_name(question)
            if question.kind == QuestionKind.RANKING:
                items = [
                    (option, self[f"{name}__{i}"]) for i, option in enumerate(question.option_list)
                ]
                rows.append(
                    {
                        "question": question,
                        "name": name,
                        "items": items,
                        "errors": self.errors.get(name, []),
                    }
                )
            else:
                rows.append(
                    {
                        "question": question,
                        "name": name,
                        "field": self[name],
                        "errors": self.errors.get(name, []),
                    }
                )
        return rows

    def _value(self, question: Question, data: dict[str, Any]) -> Value | None:
        name = field_name(question)
        kind = question.kind
        if kind == QuestionKind.RANKING:
            ranks = {
                option: data.get(f"{name}__{i}") for i, option in enumerate(question.option_list)
            }
            given = {o: r for o, r in ranks.items() if r is not None}
            if not given:
                return None
            if sorted(given.values()) != list(range(1, len(given) + 1)):
                raise ValidationError(RANKS_UNIQUE)
            return [o for o, _ in sorted(given.items(), key=lambda item: item[1])]
        raw = data.get(name)
        if kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
            return raw if raw not in ("", None) else None
        if kind == QuestionKind.MULTIPLE:
            return list(raw) if raw else None
        text = str(raw or "")
        if not text.strip():
            return None
        if kind == QuestionKind.NUMBER:
            return self._number(question, text)
        if kind == QuestionKind.POSTCODE:
            try:
                return postcode_normalise(text[:20])
            except PostcodeMalformedError as error:
                raise ValidationError(POSTCODE_INVALID) from error
        return _text_clean(text)

    @staticmethod
    def _number(question: Question, text: str) -> int:
        try:
            number = int(text.strip().replace(",", ""))
        except ValueError as error:
            raise ValidationError(NUMBER_INVALID) from error
        low, high = question.number_min, question.number_max
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationError(
                NUMBER_RANGE.format(
                    low=low if low is not None else "any", high=high if high is not None else "any"
                )
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values: dict[int, Value | None] = {}
        for question in self.questions:
            try:
                values[question.pk] = self._value(question, data)
            except ValidationError as error:
                self._error(question, error)
                values[question.pk] = None
        shown = visible_questions(self.questions, values)
        for question in shown:
            missing = values.get(question.pk) is None
            if question.required and missing and field_name(question) not in self.errors:
                self._error(question, ValidationError(ANSWER_REQUIRED))
        shown_ids = {q.pk for q in shown}
        self.answers = {pk: v for pk, v in values.items() if pk in shown_ids}
        self.contact = self._contact(data)
        return data

    def _error(self, question: Question, error: ValidationError) -> None:
        name = field_name(question)
        if question.kind == QuestionKind.RANKING:
            # The error belongs to the question, not to one item's select.
            self.errors.setdefault(name, self.error_class()).extend(error.messages)
        else:
            self.add_error(name, error)

    def _contact(self, data: dict[str, Any]) -> Contact | None:
        if not data.get("contact_me"):
            return None
        name = " ".join(str(data.get("contact_name") or "").split())[:100]
        email = str(data.get("contact_email") or "").strip()
        if not name:
            self.add_error("contact_name", CONTACT_NAME)
        try:
            _validate_email(email)
        except ValidationError:
            self.add_error("contact_email", CONTACT_EMAIL)
        return Contact(name=name, email=email) if name and email else None

    def error_summary(self) -> list[tuple[str, str]]:
        """Return (anchor, message) for every error, in question order."""
        summary = []
        for question in self.questions:
            name = field_name(question)
            for message in self.errors.get(name, []):
                summary.append((f"question-{question.key}", f"{question.text} {message}"))
        for name in ("contact_name", "contact_email"):
            for message in self.errors.get(name, []):
                summary.append((f"id_{name}", str(message)))
        return summary
