"""Ready-made community-safety surveys to start from; staff edit them like any other.

The wording follows the Crime Survey for England and Wales where it asks the same thing
("How safe do you feel walking alone in this area after dark?" with very safe … very unsafe),
so answers can be set beside published figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SAFETY = ["Very safe", "Fairly safe", "A bit unsafe", "Very unsafe"]
PROBLEMS = [
    "Knife crime",
    "Drug dealing",
    "Anti-social behaviour",
    "Robbery",
    "Burglary",
    "Vehicle crime",
    "Violence",
    "Theft",
    "Other",
]


@dataclass(frozen=True)
class StarterQuestion:
    """A question of a starter survey; `show_if` names an earlier key and its options."""

    key: str
    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = False
    help_text: str = ""
    show_if: tuple[str, tuple[str, ...]] | None = None
    number_min: int | None = None
    number_max: int | None = None


@dataclass(frozen=True)
class Starter:
    """A survey to start from."""

    key: str
    title: str
    introduction: str
    questions: tuple[StarterQuestion, ...] = field(default_factory=tuple)


COMMUNITY_SAFETY = Starter(
    key="community-safety",
    title="How safe do you feel in your area?",
    introduction=(
        "Tell us how safe you feel, what worries you and what would help. It takes about five "
        "minutes. You do not need an account, and your answers are anonymous unless you ask us "
        "to contact you. If you are in danger now, call 999."
    ),
    questions=(
        StarterQuestion(
            "postcode",
            "postcode",
            "What is your postcode?",
            required=True,
            help_text="We keep only the area it is in, unless you ask us to contact you.",
        ),
        StarterQuestion(
            "safe_day",
            "single",
            "How safe do you feel walking alone in your area during the day?",
            tuple(SAFETY),
            required=True,
        ),
        StarterQuestion(
            "safe_dark",
            "single",
            "How safe do you feel walking alone in your area after dark?",
            (*SAFETY, "I never go out alone after dark"),
            required=True,
        ),
        StarterQuestion(
            "worries",
            "multiple",
            "Which of these problems worry you in your area?",
            tuple(PROBLEMS),
            help_text="Tick all that apply.",
        ),
        StarterQuestion(
            "worries_rank",
            "ranking",
            "Put these in order: which worries you most?",
            ("Knife crime", "Drug dealing", "Anti-social behaviour", "Robbery", "Burglary"),
            help_text="1 is the one that worries you most.",
        ),
        StarterQuestion(
            "where",
            "text",
            "Where in particular do you feel unsafe?",
            help_text="A street, a park, an estate or another place. Please do not name people.",
        ),
        StarterQuestion(
            "incident",
            "single",
            "In the last 12 months, have you been a victim of a crime, or seen one, in your area?",
            ("Yes, I was a victim", "Yes, I saw one", "Both", "No", "I would rather not say"),
        ),
        StarterQuestion(
            "reported",
            "single",
            "Did you report the last incident to the police?",
            ("Yes", "No", "Not sure"),
            show_if=("incident", ("Yes, I was a victim", "Yes, I saw one", "Both")),
        ),
        StarterQuestion(
            "why_not",
            "multiple",
            "Why did you not report it?",
            (
                "I did not think the police could do anything",
                "It did not seem serious enough",
                "I did not know how to",
                "I was afraid of what might happen",
                "I reported it another way (Crimestoppers, the council)",
                "Other",
            ),
            show_if=("reported", ("No",)),
            help_text="Tick all that apply.",
        ),
        StarterQuestion(
            "confidence",
            "scale",
            "How confident are you that the police and council deal with the crime that "
            "matters in your area?",
            ("Not at all confident", "Very confident"),
        ),
        StarterQuestion(
            "would_help",
            "multiple",
            "What would help most?",
            (
                "More police on patrol",
                "Better street lighting",
                "CCTV",
                "Youth services and activities",
                "Tackling drug dealing",
                "Faster response when I report something",
                "Neighbourhood watch and community events",
                "Other",
            ),
            help_text="Tick up to three.",
        ),
        StarterQuestion(
            "years",
            "number",
            "How many years have you lived in the area?",
            number_min=0,
            number_max=100,
        ),
        StarterQuestion("comments", "text", "Is there anything else you would like to tell us?"),
    ),
)

QUICK_PULSE = Starter(
    key="quick-pulse",
    title="Two minutes on safety in your area",
    introduction=(
        "Five quick questions. Your answers are anonymous. If you are in danger now, call 999."
    ),
    questions=(
        COMMUNITY_SAFETY.questions[0],
        COMMUNITY_SAFETY.questions[2],
        COMMUNITY_SAFETY.questions[3],
        COMMUNITY_SAFETY.questions[9],
        COMMUNITY_SAFETY.questions[10],
    ),
)

STARTERS: dict[str, Starter] = {s.key: s for s in (COMMUNITY_SAFETY, QUICK_PULSE)}
