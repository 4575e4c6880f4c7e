"""Survey results beside the crime figures for the same areas, for the campaign's staff.

"People who feel unsafe after dark" next to the recorded crime rate of the constituency, and
each worry next to the police.uk category closest to it. The survey shares keep their small-
group rules; the crime figures come from the same area profiles the public pages show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callingtime.core.stores import GeographyNotLoadedError, areas_store, crime_con
from callingtime.crimedata.profile import ProfileError, ProfileNotLoadedError, area_profile
from callingtime.crimedata.profile_model import AreaProfile
from callingtime.surveys import analysis
from callingtime.surveys.models import QuestionKind, Survey
from callingtime.surveys.results import area_names_for, survey_answers_load

# Each worry of the community-safety starter and the police.uk category nearest to it.
WORRY_CATEGORIES: dict[str, str] = {
    "Knife crime": "possession-of-weapons",
    "Drug dealing": "drugs",
    "Anti-social behaviour": "anti-social-behaviour",
    "Robbery": "robbery",
    "Burglary": "burglary",
    "Vehicle crime": "vehicle-crime",
    "Violence": "violent-crime",
}
KNIFE_CAVEAT = (
    "police.uk has no knife crime category: “possession of weapons” is the closest it "
    "publishes, and most knife offences (robbery or assault with a knife) are counted under "
    "robbery and violence instead."
)
CRIME_NOT_LOADED = "The crime figures are not loaded, so only the survey's side is shown."


@dataclass(frozen=True)
class CrimeFigure:
    """A recorded crime figure of one area for 12 months."""

    category: str
    label: str
    count: int | None
    rate_per_1000: float | None
    change_summary: str
    window: str


@dataclass(frozen=True)
class AreaEvidence:
    """One area: the share feeling unsafe after dark and its all-crime figure."""

    code: str
    name: str
    unsafe: analysis.Share
    all_crime: CrimeFigure | None


@dataclass(frozen=True)
class WorryEvidence:
    """One worry, by area, beside the nearest recorded category."""

    worry: str
    category: str
    areas: tuple[tuple[str, str, analysis.Share, CrimeFigure | None], ...]


@dataclass(frozen=True)
class SurveyEvidence:
    """The staff page putting survey results beside the crime figures."""

    survey: Survey
    unsafe_options: tuple[str, ...]
    areas: tuple[AreaEvidence, ...]
    worries: tuple[WorryEvidence, ...]
    crime_loaded: bool
    caveats: tuple[str, ...]
    attribution: str


def _figure(profile: AreaProfile) -> CrimeFigure:
    return CrimeFigure(
        category=profile.category,
        label=profile.category_label,
        count=profile.count,
        rate_per_1000=profile.rate_per_1000,
        change_summary=profile.change.summary if profile.change else "",
        window=f"{profile.window.start} to {profile.window.end}",
    )


class _Profiles:
    def __init__(self) -> None:
        self.loaded = True
        self.attribution = ""
        self._cache: dict[tuple[str, str], CrimeFigure | None] = {}

    def get(self, code: str, category: str) -> CrimeFigure | None:
        key = (code, category)
        if key in self._cache or not self.loaded or not code:
            return self._cache.get(key)
        try:
            with crime_con() as con, areas_store() as store:
                try:
                    profile = area_profile(con=con, areas=store, code=code, category=category)
                except (ProfileError, ProfileNotLoadedError):
                    self._cache[key] = None  # no figure for this area or category
                    return None
        except (ProfileNotLoadedError, GeographyNotLoadedError):
            self.loaded = False  # no crime store or geography at all
            return None
        self.attribution = profile.attribution
        self._cache[key] = _figure(profile)
        return self._cache[key]


def survey_beside_crime(*, survey: Survey) -> SurveyEvidence:
    """Return, by constituency, the survey's "unsafe after dark" and worries beside crime."""
    loaded = survey_answers_load(survey=survey)
    questions = {q.key: q for q in survey.questions.all()}
    codes = [areas["constituency"] for areas in loaded.areas.values()]
    names = area_names_for(codes)
    ordered = {
        c: names.get(c, c) for c in sorted(set(codes), key=lambda c: (c == "", names.get(c, c)))
    }
    profiles = _Profiles()
    areas: list[AreaEvidence] = []
    unsafe_options: tuple[str, ...] = ()
    dark = questions.get("safe_dark")
    if dark is not None and dark.kind == QuestionKind.SINGLE:
        unsafe_options = tuple(o for o in dark.option_list if "unsafe" in o.casefold())
        values = loaded.values.get(dark.pk, {})
        rows: list[Any] = [(a["constituency"], values.get(pk)) for pk, a in loaded.areas.items()]
        shares = analysis.share_choosing_any(
            rows, dark.option_list, unsafe_options, area_names=ordered
        )
        for area in shares.areas:
            areas.append(
                AreaEvidence(area.code, area.name, area.share, profiles.get(area.code, "all-crime"))
            )
    worries: list[WorryEvidence] = []
    worry_question = questions.get("worries")
    if worry_question is not None and worry_question.kind == QuestionKind.MULTIPLE:
        values = loaded.values.get(worry_question.pk, {})
        for worry, category in WORRY_CATEGORIES.items():
            if worry not in worry_question.option_list:
                continue
            by_area = []
            for code, name in ordered.items():
                ids = [pk for pk, a in loaded.areas.items() if a["constituency"] == code]
                ticked: list[Any] = [values.get(pk) for pk in ids]
                table = analysis.multiple_choice_table(ticked, worry_question.option_list)
                by_area.append((code, name, table.share(worry), profiles.get(code, category)))
            worries.append(WorryEvidence(worry, category, tuple(by_area)))
    caveats = [analysis.SELF_SELECTED_CAVEAT, KNIFE_CAVEAT]
    if not profiles.loaded:
        caveats.append(CRIME_NOT_LOADED)
    return SurveyEvidence(
        survey=survey,
        unsafe_options=unsafe_options,
        areas=tuple(areas),
        worries=tuple(worries),
        crime_loaded=profiles.loaded,
        caveats=tuple(caveats),
        attribution=profiles.attribution,
    )
