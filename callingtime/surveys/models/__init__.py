"""Survey models, split by aggregate: the survey and its questions; responses and answers."""

from callingtime.surveys.models.response import Answer, Response, ResponseSource, SubmissionGuard
from callingtime.surveys.models.survey import Question, QuestionKind, Survey

__all__ = [
    "Answer",
    "Question",
    "QuestionKind",
    "Response",
    "ResponseSource",
    "SubmissionGuard",
    "Survey",
]
