"""The survey builder's forms: a survey's details and one question."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from callingtime.surveys.building import QuestionDraft
from callingtime.surveys.models import Question, QuestionKind, Survey
from callingtime.surveys.starters import STARTERS


class SurveyCreateForm(forms.Form):
    starter = forms.ChoiceField(
        required=False,
        choices=[("", "A blank survey"), *((s.key, s.title) for s in STARTERS.values())],
    )


class SurveyDetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    introduction = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    opens_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    contact_enabled = forms.BooleanField(required=False)
    contact_consent = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_survey(cls, survey: Survey) -> SurveyDetailsForm:
        def day(moment: datetime | None) -> Any:
            return timezone.localtime(moment).date() if moment else None

        return cls(
            initial={
                "title": survey.title,
                "introduction": survey.introduction,
                "opens_on": day(survey.opens_at),
                "closes_on": day(survey.closes_at),
                "contact_enabled": survey.contact_enabled,
                "contact_consent": survey.contact_consent,
            }
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data

        def moment(day: Any) -> datetime | None:
            if day is None:
                return None
            return timezone.make_aware(datetime.combine(day, time.min))

        return {
            "title": data["title"],
            "introduction": data["introduction"],
            "opens_at": moment(data["opens_on"]),
            "closes_at": moment(data["closes_on"]),
            "contact_enabled": data["contact_enabled"],
            "contact_consent": data["contact_consent"],
        }


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=QuestionKind.choices)
    text = forms.CharField(max_length=300)
    help_text = forms.CharField(required=False, max_length=300)
    required = forms.BooleanField(required=False)
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option per line. For a scale: the labels of 1 and of 5.",
    )
    number_min = forms.IntegerField(required=False)
    number_max = forms.IntegerField(required=False)
    show_if_question = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    show_if_values = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The answers that show this question, one per line.",
    )

    def __init__(self, *args: Any, survey: Survey, before: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        earlier = survey.questions.filter(kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE])
        if before is not None:
            earlier = earlier.filter(position__lt=before)
        field = self.fields["show_if_question"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Always show it"), *((q.pk, q.text) for q in earlier)]

    @classmethod
    def for_question(cls, question: Question) -> QuestionForm:
        return cls(
            survey=question.survey,
            before=question.position,
            initial={
                "kind": question.kind,
                "text": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "options": "\n".join(question.option_list),
                "number_min": question.number_min,
                "number_max": question.number_max,
                "show_if_question": question.show_if_question_id,
                "show_if_values": "\n".join(question.show_if_values),
            },
        )

    def draft(self) -> QuestionDraft:
        data = self.cleaned_data
        return QuestionDraft(
            kind=data["kind"],
            text=data["text"],
            options=tuple(line for line in data["options"].splitlines()),
            required=data["required"],
            help_text=data["help_text"],
            number_min=data["number_min"],
            number_max=data["number_max"],
            show_if_question_id=data["show_if_question"],
            show_if_values=tuple(
                line.strip() for line in data["show_if_values"].splitlines() if line.strip()
            ),
        )
