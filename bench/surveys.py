"""Time a survey's results page and answers export at 100,000 responses, against pandas.

    .venv/bin/python bench/surveys.py [--responses 100000] [--seed 1] [--runs 3] [--sqlite]
        [--db-name callingtime_bench_surveys] [--keep] [--work DIR] [--areas-db FILE]
        [--profile] [--no-analyze] [--out bench/results/surveys.json]

One run, on a fresh database (this machine's PostgreSQL by default, dropped afterwards unless
--keep; --sqlite for a temporary SQLite file, the embedded default):
1. migrates, imports the demo geography and creates a campaign, an analyst and the
   community-safety starter survey (12 answered questions: the postcode is kept as areas only);
2. generates --responses responses with a fixed seed, placed at real demo postcodes over the
   demo's wards with a skewed spread (some wards under 10), and bulk-inserts them;
3. checks that `survey_results()`, the filtered results and the answers CSV agree with a plain
   pandas script reading the same tables, and exits 1 if they do not;
4. times, in interleaved rounds after one warm-up round: the results page, `survey_results()`
   alone, the page filtered to the biggest constituency, results.json and answers.csv (Django's
   test Client, a signed-in analyst), and pandas doing the same aggregation (database read
   included) and the same CSV. Prints median and min; writes bench/results/surveys.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/profile.py would shadow the
# standard library's `profile` that cProfile imports.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

PG = ["-h", "127.0.0.1", "-U", "postgres"]
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
SMALL = 10  # the small-group minimum of callingtime.surveys.analysis
Z_95 = 1.959963984540054
PROFILE_OVER_SECONDS = 30.0
START = datetime(2025, 3, 1, 8, tzinfo=UTC)
NO_AREA_SHARE = 0.01  # paper responses without a known postcode
TINY_WARDS = 0.08  # share of wards given only a handful of answers (under 10)
WHERE_PHRASES = (
    "the park after dark",
    "the underpass by the station",
    "the bus stop on the high street",
    "around the estate at night",
    "the alley behind the shops",
    "the canal towpath",
    "outside the chicken shop",
    "the car park by the leisure centre",
    "the walk home from the tube",
    "the stairwells of the flats",
)
COMMENT_PHRASES = (
    "Please bring back the local police office",
    "More lighting would help a lot",
    "Young people need somewhere to go",
    "Drug dealing is open on our street",
    "Reported it twice and nobody came",
    "It has got better this year",
    "Cameras on the corner would help",
    "Thank you for asking",
)
SUFFIXES = ("", ", mostly at weekends", ", especially in winter", ", since last year")


# --- the database, the settings and the geography ---------------------------------------------


def environment_set(args: argparse.Namespace, work: Path, areas_db: Path) -> None:
    """Point the settings at this run's database and stores (before django.setup())."""
    os.environ.update(
        {
            "DATABASE_URL": "" if args.sqlite else PG_URL.format(name=args.db_name),
            "CALLINGTIME_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "CALLINGTIME_DATA_DIR": str(work / "data"),
            "CALLINGTIME_AREAS_DB": str(areas_db),
            "CALLINGTIME_CRIME_DB": str(work / "crime.duckdb"),
            "CALLINGTIME_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "CALLINGTIME_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    (work / "data" / "static").mkdir(parents=True, exist_ok=True)
    (work / "data" / "callingtime.sqlite3").unlink(missing_ok=True)


def database_drop(name: str) -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", name], check=False)


def areas_build(work: Path, given: Path | None) -> tuple[Path, float]:
    """Return the demo geography store (imported unless given or already in work), seconds."""
    from callingtime.areas.importer import areas_import
    from callingtime.demo.load import DEMO_DATA_DIR

    if given is not None:
        return given, 0.0
    db = work / "areas.duckdb"
    if db.exists():
        return db, 0.0
    start = time.perf_counter()
    areas_import([DEMO_DATA_DIR / "geography"], db_path=db)  # demo_load's geography half
    return db, time.perf_counter() - start


@dataclass(frozen=True)
class Place:
    """A live postcode and the areas `postcode_lookup` puts it in."""

    postcode: str
    lsoa: str
    ward: str
    constituency: str
    borough: str


def places_pick(areas_db: Path) -> list[Place]:
    """Return one live postcode per LSOA of the demo geography, placed by postcode_lookup."""
    import duckdb

    from callingtime.core.stores import areas_store

    with duckdb.connect(str(areas_db), read_only=True) as con:
        postcodes = con.execute(
            "SELECT min(pcds) FROM postcode WHERE (doterm IS NULL OR doterm = '') "
            "AND lsoa21cd IS NOT NULL GROUP BY lsoa21cd ORDER BY 1"
        ).fetchall()
    places = []
    with areas_store() as store:
        for (postcode,) in postcodes:
            found = store.postcode_lookup(postcode)
            if found.ward and found.constituency:
                places.append(
                    Place(
                        postcode,
                        found.lsoa21.code,
                        found.ward.code,
                        found.constituency.code,
                        found.borough.code if found.borough else "",
                    )
                )
    return places


# --- generating the answers --------------------------------------------------------------------


@dataclass
class Generated:
    """Every generated response: where (-1: no area), when, how, and its answers by key."""

    place: np.ndarray
    submitted: list[datetime]
    paper: np.ndarray
    consent: np.ndarray
    values: list[dict[str, Any]]
    wards_under_10: int = 0


def _weighted(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    # One categorical draw per row of probs (rows sum to 1).
    cum = np.cumsum(probs, axis=1)
    return np.minimum((rng.random((len(probs), 1)) > cum).sum(axis=1), probs.shape[1] - 1)


def _tilted(base: list[float], tilt: np.ndarray, towards: list[float]) -> np.ndarray:
    # Base probabilities leaned by each response's ward: positive tilt weighs `towards` up.
    probs = np.asarray(base) * np.exp(tilt[:, None] * np.asarray(towards))
    return probs / probs.sum(axis=1, keepdims=True)


def _some(
    rng: np.random.Generator, n: int, weights: list[float], sizes: list[int], probs: list[float]
) -> list[np.ndarray]:
    # Each row picks 1..k distinct options in weighted order (Gumbel top-k).
    keys = np.log(np.asarray(weights)) + rng.gumbel(size=(n, len(weights)))
    order = np.argsort(-keys, axis=1)
    counts = rng.choice(sizes, p=probs, size=n)
    return [order[i, : counts[i]] for i in range(n)]


def _phrases(rng: np.random.Generator, n: int, phrases: tuple[str, ...]) -> list[str]:
    picked = rng.integers(len(phrases), size=n)
    suffix = rng.integers(len(SUFFIXES), size=n)
    return [phrases[p] + SUFFIXES[s] for p, s in zip(picked, suffix, strict=True)]


def responses_generate(n: int, seed: int, places: list[Place]) -> Generated:
    """Draw n responses to the community-safety starter, with realistic distributions."""
    from callingtime.surveys.starters import COMMUNITY_SAFETY

    opts = {q.key: list(q.options) for q in COMMUNITY_SAFETY.questions}
    rng = np.random.default_rng(seed)
    wards = sorted({p.ward for p in places})
    by_ward = {w: [i for i, p in enumerate(places) if p.ward == w] for w in wards}
    rng.shuffle(wards)
    tiny = max(1, round(TINY_WARDS * len(wards)))
    weight = np.arange(1, len(wards) - tiny + 1) ** -0.9 * rng.lognormal(0, 0.4, len(wards) - tiny)
    tiny_share = min(0.2, rng.uniform(2, 9, tiny).sum() / n)
    shares = np.concatenate(
        [weight / weight.sum() * (1 - NO_AREA_SHARE - tiny_share), np.full(tiny, tiny_share / tiny)]
    )
    ward_of = rng.choice(len(wards) + 1, size=n, p=[*shares, NO_AREA_SHARE])
    place = np.array(
        [-1 if w == len(wards) else rng.choice(by_ward[wards[w]]) for w in ward_of], dtype=int
    )
    tilt = np.append(rng.normal(0, 0.35, len(wards)), 0.0)[ward_of]
    day = _weighted(rng, _tilted([0.35, 0.45, 0.14, 0.06], tilt, [-1, -0.3, 0.6, 1]))
    dark = np.minimum(day + rng.choice(3, p=[0.45, 0.4, 0.15], size=n), 3)
    dark[rng.random(n) < 0.04 + 0.06 * (day >= 2)] = 4  # "I never go out alone after dark"
    incident = _weighted(rng, _tilted([0.12, 0.18, 0.06, 0.58, 0.06], tilt, [1, 1, 1, -1, 0]))
    reported = rng.choice(3, p=[0.42, 0.46, 0.12], size=n)
    confidence = 1 + _weighted(
        rng, _tilted([0.22, 0.28, 0.27, 0.17, 0.06], tilt, [1, 0, 0, -1, -1])
    )
    years = np.clip(np.rint(rng.lognormal(np.log(8), 0.9, n)), 0, 60).astype(int)
    worries = _some(rng, n, [9, 8, 10, 4, 6, 5, 5, 4, 1], [1, 2, 3], [0.35, 0.4, 0.25])
    ranking = _some(rng, n, [6, 5, 5, 2, 3], [2, 3, 4, 5], [0.2, 0.25, 0.25, 0.3])
    why_not = _some(rng, n, [8, 6, 3, 4, 2, 1], [1, 2, 3], [0.5, 0.35, 0.15])
    helps = _some(rng, n, [10, 6, 5, 7, 6, 5, 3, 1], [1, 2, 3], [0.3, 0.35, 0.35])
    where, comments = _phrases(rng, n, WHERE_PHRASES), _phrases(rng, n, COMMENT_PHRASES)
    answered = {
        key: rng.random(n)
        for key in (
            "worries",
            "rank",
            "where",
            "incident",
            "reported",
            "why_not",
            "confidence",
            "helps",
            "years",
            "comment",
        )
    }
    values: list[dict[str, Any]] = []
    for i in range(n):
        v: dict[str, Any] = {
            "safe_day": opts["safe_day"][day[i]],
            "safe_dark": opts["safe_dark"][dark[i]],
        }
        if answered["worries"][i] < 0.86:
            v["worries"] = [opts["worries"][j] for j in worries[i]]
        if answered["rank"][i] < 0.7:
            v["worries_rank"] = [opts["worries_rank"][j] for j in ranking[i]]
        if answered["where"][i] < 0.11 + 0.09 * (dark[i] >= 2):
            v["where"] = where[i]
        if answered["incident"][i] < 0.92:
            v["incident"] = opts["incident"][incident[i]]
            if incident[i] < 3 and answered["reported"][i] < 0.93:
                v["reported"] = opts["reported"][reported[i]]
                if reported[i] == 1 and answered["why_not"][i] < 0.85:
                    v["why_not"] = [opts["why_not"][j] for j in why_not[i]]
        if answered["confidence"][i] < 0.88:
            v["confidence"] = int(confidence[i])
        if answered["helps"][i] < 0.85:
            v["would_help"] = [opts["would_help"][j] for j in helps[i]]
        if answered["years"][i] < 0.8:
            v["years"] = int(years[i])
        if answered["comment"][i] < 0.13:
            v["comments"] = comments[i]
        values.append(v)
    seconds = np.sort(rng.uniform(0, 56 * 86_400, n))
    ward_sizes = np.bincount(ward_of, minlength=len(wards) + 1)[:-1]
    return Generated(
        place=place,
        submitted=[START + timedelta(seconds=float(s)) for s in seconds],
        paper=rng.random(n) < 0.04,
        consent=rng.random(n) < 0.1,
        values=values,
        wards_under_10=int((ward_sizes < SMALL).sum()),
    )


def responses_insert(survey: Any, generated: Generated, places: list[Place]) -> dict[str, Any]:
    """Bulk-insert the generated responses and their answer rows; return rows and seconds."""
    from django.db import transaction

    from callingtime.surveys.models import Answer, QuestionKind, Response

    questions = {q.key: q for q in survey.questions.all()}
    batch, answers_total = 5000, 0
    start = time.perf_counter()
    for first in range(0, len(generated.values), batch):
        chunk = range(first, min(first + batch, len(generated.values)))
        rows = []
        for i in chunk:
            p = places[generated.place[i]] if generated.place[i] >= 0 else None
            consent = bool(generated.consent[i]) and not generated.paper[i] and p is not None
            rows.append(
                Response(
                    survey=survey,
                    source="paper" if generated.paper[i] else "online",
                    submitted_at=generated.submitted[i],
                    lsoa_code=p.lsoa if p else "",
                    ward_code=p.ward if p else "",
                    constituency_code=p.constituency if p else "",
                    local_authority_code=p.borough if p else "",
                    contact_consent=consent,
                    contact_name=f"Resident {i}" if consent else "",
                    contact_email=f"resident{i}@example.org" if consent else "",
                    contact_postcode=p.postcode if consent and p else "",
                )
            )
        with transaction.atomic():
            saved = Response.objects.bulk_create(rows, batch_size=2000)
            answers = []
            for response, i in zip(saved, chunk, strict=True):
                for key, value in generated.values[i].items():
                    q = questions[key]
                    if q.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
                        ranked = q.kind == QuestionKind.RANKING
                        answers += [
                            Answer(
                                response=response,
                                question=q,
                                value_text=item,
                                value_number=rank if ranked else None,
                            )
                            for rank, item in enumerate(value, start=1)
                        ]
                    elif q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                        answers.append(Answer(response=response, question=q, value_number=value))
                    else:
                        answers.append(Answer(response=response, question=q, value_text=value))
            Answer.objects.bulk_create(answers, batch_size=10_000)
            answers_total += len(answers)
    return {
        "responses": len(generated.values),
        "answers": answers_total,
        "seconds": time.perf_counter() - start,
        "wards_under_10": generated.wards_under_10,
    }


def staff_and_survey() -> tuple[Any, Any]:
    """Create an organisation, its campaign, an analyst and the published starter survey."""
    from django.contrib.auth import get_user_model

    from callingtime.campaigns.models import Campaign, Membership, Organisation, Role
    from callingtime.surveys.building import survey_create, survey_publish

    organisation = Organisation.objects.create(
        name="Bench office", slug="bench-office", privacy_contact="1 High Street, London N1 1AA"
    )
    campaign = Campaign.objects.create(
        title="Calling Time on Crime",
        slug="bench-surveys",
        demand="Safer streets.",
        target="The Home Secretary",
    )
    campaign.organisations.set([organisation])
    analyst = get_user_model().objects.create_user(username="bench-analyst", password=None)
    Membership.objects.create(user=analyst, organisation=organisation, role=Role.ANALYST)
    survey = survey_create(campaign=campaign, user=None, starter_key="community-safety")
    return analyst, survey_publish(survey=survey)


# --- the pandas baseline -----------------------------------------------------------------------


@dataclass
class Frames:
    responses: pd.DataFrame
    answers: pd.DataFrame
    questions: pd.DataFrame


def pandas_read(db: dict[str, str], survey_id: int) -> Frames:
    """Read the survey's questions, responses and answers with pd.read_sql_query."""
    if db["kind"] == "sqlite":
        con: Any = sqlite3.connect(db["path"])
        mark = "?"
    else:
        import psycopg

        con, mark = psycopg.connect(db["url"]), "%s"
    queries = {
        "questions": "SELECT id, position, key, kind, options FROM surveys_question "
        f"WHERE survey_id = {mark} ORDER BY position",
        "responses": "SELECT id, source, submitted_at, ward_code, constituency_code "
        f"FROM surveys_response WHERE survey_id = {mark}",
        "answers": "SELECT a.id, a.response_id, a.question_id, a.value_text, a.value_number "
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        f"WHERE r.survey_id = {mark}",
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a DBAPI connection, not SQLAlchemy
            frames = {
                k: pd.read_sql_query(sql, con, params=(survey_id,)) for k, sql in queries.items()
            }
    finally:
        con.close()
    q = frames["questions"]
    q["options"] = [json.loads(o) if isinstance(o, str) else o for o in q["options"]]
    return Frames(frames["responses"], frames["answers"], q)


def wilson(count: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson 95% interval of count out of n, vectorised (NaN where n is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        count, n = np.asarray(count, dtype=float), np.asarray(n, dtype=float)
        p, z2 = count / n, Z_95 * Z_95
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = Z_95 / denominator * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        low = np.where(count == 0, 0.0, np.maximum(0.0, centre - half))
        high = np.where(count == n, 1.0, np.minimum(1.0, centre + half))
    return low, high


def _shares(counts: pd.Series, n: int, hidden: pd.Series) -> dict[str, Any]:
    low, high = wilson(counts.to_numpy(), np.full(len(counts), n))
    return {
        "n": n,
        "counts": counts,
        "share": counts / n,
        "low": pd.Series(low, index=counts.index),
        "high": pd.Series(high, index=counts.index),
        "hidden": hidden | (n < SMALL),
    }


def _crosstab(joined: pd.DataFrame, column: str, options: list[str]) -> dict[str, Any]:
    ct = pd.crosstab(joined[column], joined["value_text"]).reindex(columns=options, fill_value=0)
    n = ct.sum(axis=1)
    low, high = wilson(ct.to_numpy(), n.to_numpy()[:, None])
    return {
        "counts": ct,
        "n": n,
        "share": ct.div(n, axis=0),
        "low": low,
        "high": high,
        "hidden": (ct < SMALL) | (n < SMALL).to_numpy()[:, None],
    }  # primary suppression only


def pandas_results(frames: Frames, constituency: str = "") -> dict[str, Any]:
    """Aggregate every question as the results page does, from the frames (primary suppression)."""
    responses, answers = frames.responses, frames.answers
    if constituency:
        responses = responses[responses["constituency_code"] == constituency]
        answers = answers[answers["response_id"].isin(responses["id"])]
    group = len(responses)
    by_question = dict(tuple(answers.groupby("question_id")))
    areas = responses.set_index("id")[["ward_code", "constituency_code"]]
    out: dict[str, Any] = {"responses": group, "questions": {}}
    for q in frames.questions.itertuples():
        sub = by_question.get(q.id, answers.iloc[:0])
        options, kind = list(q.options), q.kind
        if kind == "single":
            counts = sub["value_text"].value_counts().reindex(options, fill_value=0)
            r = _shares(counts, int(counts.sum()), counts < SMALL)
            joined = sub[["response_id", "value_text"]].join(areas, on="response_id")
            r["by_constituency"] = _crosstab(joined, "constituency_code", options)
            r["by_ward"] = _crosstab(joined, "ward_code", options)
        elif kind == "multiple":
            n = sub["response_id"].nunique()
            ticked = sub.drop_duplicates(["response_id", "value_text"])["value_text"]
            counts = ticked.value_counts().reindex(options, fill_value=0)
            r = _shares(counts, n, (counts < SMALL) | (n - counts < SMALL))
        elif kind == "scale":
            v = sub["value_number"].astype(int)
            counts = v.value_counts().reindex(range(1, 6), fill_value=0)
            r = _shares(counts, len(v), counts < SMALL)
            from scipy.stats import t

            half = t.ppf(0.975, len(v) - 1) * v.std() / np.sqrt(len(v))
            r.update(
                mean=v.mean(),
                mean_low=v.mean() - half,
                mean_high=v.mean() + half,
                median=v.median(),
            )
        elif kind == "ranking":
            ranks = sub.groupby("value_text")["value_number"]
            first = sub.loc[sub["value_number"] == 1, "value_text"].value_counts()
            r = _shares(
                first.reindex(options, fill_value=0),
                sub["response_id"].nunique(),
                first.reindex(options, fill_value=0) < SMALL,
            )
            r.update(
                ranked_by=ranks.size().reindex(options, fill_value=0),
                mean_rank=ranks.mean().reindex(options),
                borda=(len(options) + 1 - sub["value_number"]).groupby(sub["value_text"]).sum(),
            )
        elif kind == "number":
            v = sub["value_number"]
            r = {
                "n": len(v),
                "mean": v.mean(),
                "median": v.median(),
                "lower_quartile": v.quantile(0.25),
                "upper_quartile": v.quantile(0.75),
                "minimum": v.min(),
                "maximum": v.max(),
            }
        elif kind == "text":
            r = {"n": int((sub["value_text"] != "").sum())}
        else:
            continue
        r["skipped"] = group - r["n"]
        out["questions"][q.key] = r
    return out


def pandas_csv(frames: Frames) -> bytes:
    """Write the answers CSV as the export does (one row a response), with to_csv."""
    q = frames.questions[frames.questions["kind"] != "postcode"]
    a = frames.answers
    a = a.assign(
        key=a["question_id"].map(q.set_index("id")["key"]),
        kind=a["question_id"].map(q.set_index("id")["kind"]),
    ).dropna(subset=["key"])
    numbers = a["kind"].isin(["scale", "number"])
    listed = a["kind"].isin(["multiple", "ranking"])
    v = a.loc[numbers, "value_number"]
    plain = a.loc[~listed, ["response_id", "key"]].assign(cell=a.loc[~listed, "value_text"])
    plain.loc[numbers, "cell"] = np.where(v % 1 == 0, v.astype("int64").astype(str), v.astype(str))
    ranked = a[a["kind"] == "ranking"].sort_values(["response_id", "value_number"])
    cells = pd.concat(
        [
            plain.set_index(["response_id", "key"])["cell"],
            a[a["kind"] == "multiple"]
            .sort_values("id")
            .groupby(["response_id", "key"])["value_text"]
            .agg("; ".join),
            ranked.groupby(["response_id", "key"])["value_text"].agg(" > ".join),
        ]
    )
    wide = cells.unstack("key").reindex(columns=list(q["key"]))
    if len(frames.responses) < SMALL:
        wide[list(q.loc[q["kind"] == "text", "key"])] = None
    r = frames.responses.sort_values(["submitted_at", "id"])
    out = pd.DataFrame(
        {
            "response": np.arange(1, len(r) + 1),
            "source": r["source"].to_numpy(),
            "submitted_on": pd.to_datetime(r["submitted_at"], utc=True)
            .dt.strftime("%Y-%m-%d")
            .to_numpy(),
        }
    )
    for column in ("constituency_code", "ward_code"):
        codes = r[column]
        sizes = codes.map(codes.value_counts())
        out[column] = np.where(codes == "", "", np.where(sizes >= SMALL, codes, "fewer than 10"))
    out = pd.concat([out, wide.reindex(r["id"]).reset_index(drop=True)], axis=1)
    return ("\ufeff" + out.to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


# --- agreement ---------------------------------------------------------------------------------


def _close(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and np.isnan(a)):
        return b is None or (isinstance(b, float) and np.isnan(b))
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12))
    return bool(a == b)


@dataclass
class Agreement:
    """Figures compared between ours and pandas, what differed, and what ours hides beyond."""

    compared: int = 0
    failures: list[str] = field(default_factory=list)
    hidden_beyond_primary: int = 0

    def same(self, name: str, ours: Any, theirs: Any) -> None:
        self.compared += 1
        if not _close(ours, theirs):
            self.failures.append(f"{name}: ours {ours!r}, pandas {theirs!r}")

    def shares(self, name: str, labels: Any, shares: Any, p: dict[str, Any]) -> None:
        """Compare shown shares; a cell pandas's primary rule hides must be hidden in ours."""
        for label, share in zip(labels, shares, strict=True):
            if share.suppressed:
                self.hidden_beyond_primary += not bool(p["hidden"][label])
                continue
            if bool(p["hidden"][label]):
                self.failures.append(f"{name} {label!r}: ours shows a cell under {SMALL}")
            self.same(f"{name} {label!r} count", share.count, int(p["counts"][label]))
            self.same(f"{name} {label!r} low", share.low, float(p["low"][label]))
            self.same(f"{name} {label!r} high", share.high, float(p["high"][label]))


def _breakdown_agree(check: Agreement, name: str, b: Any, p: dict[str, Any]) -> None:
    codes = list(p["counts"].index)
    for row in b.areas:
        if row.code not in codes:
            if not row.suppressed:
                check.failures.append(f"{name} {row.code!r}: an area pandas has no answers for")
            continue
        i = codes.index(row.code)
        if row.suppressed:
            check.hidden_beyond_primary += int(p["n"].iloc[i]) >= SMALL
            continue
        check.same(f"{name} {row.code} n", row.n, int(p["n"].iloc[i]))
        for j, (option, share) in enumerate(zip(b.options, row.shares, strict=True)):
            if share.suppressed:
                check.hidden_beyond_primary += not bool(p["hidden"].iloc[i, j])
                continue
            if bool(p["hidden"].iloc[i, j]):
                check.failures.append(f"{name} {row.code} {option!r}: ours shows a cell under 10")
            check.same(f"{name} {row.code} {option!r}", share.count, int(p["counts"].iloc[i, j]))
            check.same(f"{name} {row.code} {option!r} low", share.low, float(p["low"][i, j]))


def results_agree(check: Agreement, ours: Any, theirs: dict[str, Any], label: str) -> None:
    """Compare every shown figure of SurveyResults with the pandas aggregation of one group."""
    check.same(f"{label} responses", ours.group_size, theirs["responses"])
    for item in ours.questions:
        q, s, p = item.question, item.summary, theirs["questions"][item.question.key]
        name = f"{label} {q.key}"
        if q.kind == "text":
            if item.texts_visible:
                check.same(f"{name} answers", item.texts_matching, p["n"])
            continue
        if s.suppressed:
            check.same(f"{name} suppressed", True, p["n"] < SMALL)
            continue
        check.same(f"{name} n", s.n, p["n"])
        check.same(f"{name} skipped", s.skipped, p["skipped"])
        if q.kind in ("single", "multiple"):
            check.shares(name, s.options, s.shares, p)
        elif q.kind == "scale":
            check.shares(name, range(s.low, s.high + 1), s.distribution, p)
            for figure in ("mean", "mean_low", "mean_high", "median"):
                if getattr(s, figure) is not None:
                    check.same(f"{name} {figure}", getattr(s, figure), float(p[figure]))
        elif q.kind == "number":
            for figure in (
                "mean",
                "median",
                "lower_quartile",
                "upper_quartile",
                "minimum",
                "maximum",
            ):
                check.same(f"{name} {figure}", getattr(s, figure), float(p[figure]))
        elif q.kind == "ranking":
            for it in s.items:
                check.same(f"{name} {it.item!r} borda", it.borda, int(p["borda"][it.item]))
                if it.ranked_by is not None:
                    check.same(
                        f"{name} {it.item!r} ranked by", it.ranked_by, int(p["ranked_by"][it.item])
                    )
                    check.same(
                        f"{name} {it.item!r} mean rank",
                        it.mean_rank,
                        float(p["mean_rank"][it.item]),
                    )
            firsts = [it.first for it in s.items]
            check.shares(f"{name} first", [it.item for it in s.items], firsts, p)
        if item.by_constituency is not None:
            _breakdown_agree(
                check, f"{name} by constituency", item.by_constituency, p["by_constituency"]
            )
            _breakdown_agree(check, f"{name} by ward", item.by_ward, p["by_ward"])


def csv_agree(check: Agreement, ours: bytes, theirs: bytes, multiple: list[str]) -> int:
    """Compare the two CSVs cell by cell (multiple-choice cells as sets); return the cells."""
    a = pd.read_csv(io.BytesIO(ours), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    b = pd.read_csv(io.BytesIO(theirs), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    check.same("csv header", list(a.columns), list(b.columns))
    check.same("csv rows", len(a), len(b))
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return 0
    for column in a.columns:
        left, right = a[column], b[column]
        if column in multiple:
            left, right = (
                left.map(lambda c: frozenset(c.split("; "))),
                right.map(lambda c: frozenset(c.split("; "))),
            )
        differing = int((left != right).sum())
        check.same(f"csv column {column} differing cells", differing, 0)
    return a.size


def safe_dark_counts(ours: Any, theirs: dict[str, Any]) -> dict[str, Any]:
    """Return the headline: safe_dark counts per option, ours (None: hidden) and pandas."""
    item = next(i for i in ours.questions if i.question.key == "safe_dark")
    p = theirs["questions"]["safe_dark"]
    return {
        option: {"ours": share.count, "pandas": int(p["counts"][option])}
        for option, share in item.option_rows
    }


# --- timing ------------------------------------------------------------------------------------


@dataclass
class Timing:
    """One figure: the warm-up run, then the timed runs (seconds)."""

    first: float
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "median": self.median,
            "min": min(self.samples),
            "samples": self.samples,
        }


def rounds_run(figures: dict[str, Callable[[], Any]], runs: int) -> tuple[dict[str, Timing], list]:
    """Time every figure once per round, interleaved: a warm-up round, then `runs` rounds."""
    import gc

    timings: dict[str, Timing] = {}
    loads = []
    for round_ in range(runs + 1):
        loads.append(os.getloadavg())
        for name, figure in figures.items():
            gc.collect()
            start = time.perf_counter()
            figure()
            elapsed = time.perf_counter() - start
            if round_ == 0:
                timings[name] = Timing(first=elapsed)
            else:
                timings[name].samples.append(elapsed)
        done = ", ".join(
            f"{k} {t.samples[-1] if round_ else t.first:.2f}" for k, t in timings.items()
        )
        print(f"round {round_}{' (warm-up)' if round_ == 0 else ''}: {done}", flush=True)
    return timings, loads


PROFILE_PARTS = {
    "survey_answers_load": ("surveys/results.py", "survey_answers_load"),
    "_question_result (analysis and charts)": ("surveys/results.py", "_question_result"),
    "breakdown": ("surveys/_areas.py", "breakdown"),
    "hide_table": ("surveys/_suppression.py", "hide_table"),
    "share_bars_svg": ("graphics/share_bars.py", "share_bars_svg"),
    "area_names_for": ("surveys/results.py", "area_names_for"),
    "template rendering": ("template/backends/django.py", "render"),
}


def page_profile(figure: Callable[[], Any], out: Path) -> dict[str, Any]:
    """Run one figure under cProfile; return where its time went (cumulative seconds)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    figure()
    profiler.disable()
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler)
    total = max(ct for _, _, _, ct, _ in stats.stats.values())  # type: ignore[attr-defined]
    parts = {}
    for label, (suffix, name) in PROFILE_PARTS.items():
        found = [v[3] for k, v in stats.stats.items() if k[0].endswith(suffix) and k[2] == name]  # type: ignore[attr-defined]
        parts[label] = max(found, default=0.0)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    return {
        "total_seconds": total,
        "parts_cumulative_seconds": parts,
        "file": str(out),
        "top_by_own_time": text.getvalue().splitlines()[-32:],
    }


# --- the run -----------------------------------------------------------------------------------


def _get(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = (
        sum(len(chunk) for chunk in response.streaming_content)
        if response.streaming
        else len(response.content)
    )
    response.close()
    return size


def _content(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content)


@dataclass
class Built:
    """The loaded database of one run and what the timing needs from it."""

    survey: Any
    analyst: Any
    db: dict[str, str]  # how pandas connects: kind, and url or path
    biggest: str  # the constituency with the most responses
    setup: dict[str, Any]
    loaded: dict[str, Any]


def database_build(args: argparse.Namespace, work: Path) -> Built:
    """Create and migrate the database, import the geography, load the responses."""
    if not args.sqlite:
        database_drop(args.db_name)
        subprocess.run(["createdb", *PG, args.db_name], check=True)
    areas_db, areas_seconds = areas_build(work, args.areas_db)
    environment_set(args, work, areas_db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from callingtime.surveys.models import Response

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - start
    places = places_pick(areas_db)
    start = time.perf_counter()
    generated = responses_generate(args.responses, args.seed, places)
    generate_seconds = time.perf_counter() - start
    analyst, survey = staff_and_survey()
    loaded = responses_insert(survey, generated, places)
    loaded["generate_seconds"] = generate_seconds
    if not args.no_analyze:
        # As autovacuum would soon after a bulk load (it is off on some servers). Without
        # statistics, a join in the answers query once ran as a quadratic nested loop;
        # --no-analyze checks that it no longer matters (see bench/README.md).
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        loaded["analyze_seconds"] = time.perf_counter() - start
    print(
        f"loaded {loaded['responses']:,} responses, {loaded['answers']:,} answer rows in "
        f"{loaded['seconds']:.1f} s (generated in {generate_seconds:.1f} s)",
        flush=True,
    )
    counted = (
        Response.objects.filter(survey=survey)
        .exclude(constituency_code="")
        .values("constituency_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "constituency_code")
    )
    if args.sqlite:
        db = {"kind": "sqlite", "path": str(work / "data" / "callingtime.sqlite3")}
        db_bytes = sum(p.stat().st_size for p in (work / "data").glob("callingtime.sqlite3*"))
    else:
        db = {"kind": "postgresql", "url": PG_URL.format(name=args.db_name)}
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            db_bytes = cursor.fetchone()[0]
    setup = {
        "areas_import_seconds": areas_seconds,
        "migrate_seconds": migrate_seconds,
        "places": len(places),
        "wards": len({p.ward for p in places}),
        "biggest_constituency": counted[0]["constituency_code"],
        "biggest_constituency_responses": counted[0]["n"],
        "database_bytes": db_bytes,
    }
    return Built(survey, analyst, db, counted[0]["constituency_code"], setup, loaded)


def agreement_run(built: Built, client: Any) -> dict[str, Any]:
    """Compare survey_results() (everyone, biggest constituency) and the CSV with pandas."""
    from callingtime.surveys.results import ResultsFilter, survey_results

    survey, biggest = built.survey, built.biggest
    frames = pandas_read(built.db, survey.pk)
    ours, theirs = survey_results(survey=survey), pandas_results(frames)
    ours_in = survey_results(survey=survey, chosen=ResultsFilter("constituency", biggest))
    theirs_in = pandas_results(frames, constituency=biggest)
    check = Agreement()
    results_agree(check, ours, theirs, "everyone")
    results_agree(check, ours_in, theirs_in, biggest)
    multiple = list(frames.questions.loc[frames.questions["kind"] == "multiple", "key"])
    exported = _content(client, f"/staff/surveys/{survey.pk}/answers.csv")
    cells = csv_agree(check, exported, pandas_csv(frames), multiple)
    print(
        f"agreement: {'ok' if not check.failures else 'FAILED'} ({check.compared:,} figures, "
        f"{cells:,} CSV cells)",
        flush=True,
    )
    for failure in check.failures[:20]:
        print(f"  {failure}", flush=True)
    return {
        "ok": not check.failures,
        "figures_compared": check.compared,
        "csv_cells_compared": cells,
        "failures": check.failures[:50],
        "cells_ours_hides_beyond_primary": check.hidden_beyond_primary,
        "safe_dark_everyone": safe_dark_counts(ours, theirs),
        "safe_dark_biggest_constituency": safe_dark_counts(ours_in, theirs_in),
    }


def figures_make(built: Built, client: Any, sizes: dict[str, int]) -> dict[str, Callable[[], Any]]:
    """Return what is timed, by name; responses' byte counts go into sizes."""
    from callingtime.surveys.results import survey_answers_load, survey_results

    survey, db = built.survey, built.db
    base = f"/staff/surveys/{survey.pk}"

    def sized(name: str, url: str) -> Callable[[], None]:
        return lambda: sizes.__setitem__(name, _get(client, url))

    def pandas_csv_sized() -> None:
        sizes["pandas_csv"] = len(pandas_csv(pandas_read(db, survey.pk)))

    return {
        "results_page": sized("results_page", f"{base}/results/"),
        "survey_results": lambda: survey_results(survey=survey),
        "answers_load": lambda: survey_answers_load(survey=survey),
        "filtered_page": sized(
            "filtered_page", f"{base}/results/?area_kind=constituency&area_code={built.biggest}"
        ),
        "results_json": sized("results_json", f"{base}/results.json"),
        "answers_csv": sized("answers_csv", f"{base}/answers.csv"),
        "pandas_read": lambda: pandas_read(db, survey.pk),
        "pandas_aggregation": lambda: pandas_results(pandas_read(db, survey.pk)),
        "pandas_filtered": lambda: pandas_results(pandas_read(db, survey.pk), built.biggest),
        "pandas_csv": pandas_csv_sized,
    }


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Build the database, check agreement, time both sides; return the figures."""
    load_at_start = os.getloadavg()
    built = database_build(args, work)
    from django.db import connections
    from django.test import Client

    client = Client()
    client.force_login(built.analyst)
    # Check first: a benchmark that measures wrong answers is worthless.
    agreement = agreement_run(built, client)
    sizes: dict[str, int] = {}
    figures = figures_make(built, client, sizes)
    timings, loads = rounds_run(figures, args.runs)
    profile = None
    if args.profile or timings["results_page"].median > PROFILE_OVER_SECONDS:
        profile = page_profile(figures["results_page"], work / "results_page.prof")
    connections.close_all()
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "load_at_start": load_at_start,
            "load_before_rounds": loads,
            "load_at_end": os.getloadavg(),
        },
        "params": {
            "responses": args.responses,
            "seed": args.seed,
            "runs": args.runs,
            "database": built.db["kind"],
            "analyze": not args.no_analyze,
        },
        "setup": built.setup,
        "load": built.loaded,
        "figures": {name: t.as_dict() for name, t in timings.items()},
        "bytes": sizes,
        "pairs": [
            {
                "figure": label,
                "ours": o,
                "pandas": p,
                "ratio": timings[o].median / timings[p].median,
            }
            for label, o, p in PAIRS
        ],
        "agreement": agreement,
        "profile": profile,
    }


PAIRS = (
    ("results page, everyone", "results_page", "pandas_aggregation"),
    ("survey_results() alone", "survey_results", "pandas_aggregation"),
    ("reading: survey_answers_load() / read_sql", "answers_load", "pandas_read"),
    ("results page, biggest constituency", "filtered_page", "pandas_filtered"),
    ("results.json", "results_json", "pandas_aggregation"),
    ("answers.csv", "answers_csv", "pandas_csv"),
)


def table_print(r: dict[str, Any]) -> None:
    """Print the figures side by side with their ratios."""
    load, setup, f = r["load"], r["setup"], r["figures"]
    print()
    print(
        f"{r['params']['database']}: {load['responses']:,} responses, {load['answers']:,} "
        f"answer rows, loaded in {load['seconds']:.1f} s; {setup['wards']} wards "
        f"({load['wards_under_10']} under 10 answers); biggest constituency "
        f"{setup['biggest_constituency']} ({setup['biggest_constituency_responses']:,})"
    )
    print(f"{'figure':<44}{'ours s':>9}{'(min)':>8}{'pandas s':>10}{'(min)':>8}{'ours/pandas':>13}")
    for pair in r["pairs"]:
        o, p = f[pair["ours"]], f[pair["pandas"]]
        print(
            f"{pair['figure']:<44}{o['median']:>9.2f}{o['min']:>8.2f}{p['median']:>10.2f}"
            f"{p['min']:>8.2f}{pair['ratio']:>12.1f}x"
        )
    b = r["bytes"]
    print(
        f"bytes: page {b['results_page']:,}, filtered page {b['filtered_page']:,}, "
        f"results.json {b['results_json']:,}, answers.csv {b['answers_csv']:,}, "
        f"pandas CSV {b['pandas_csv']:,}"
    )
    a = r["agreement"]
    print(
        f"agreement: {'ok' if a['ok'] else 'FAILED'}, {a['figures_compared']:,} figures and "
        f"{a['csv_cells_compared']:,} CSV cells; ours hides {a['cells_ours_hides_beyond_primary']}"
        " more cells than pandas's primary suppression"
    )
    loads = [round(x[0], 2) for x in r["machine"]["load_before_rounds"]]
    print(f"1-minute load average before each round: {loads} on {r['machine']['cpus']} CPUs")
    if r["profile"]:
        print("results page under cProfile, cumulative seconds:")
        for part, seconds in r["profile"]["parts_cumulative_seconds"].items():
            print(f"  {part:<40}{seconds:>8.2f}")


def main() -> None:
    """Parse the options, run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--db-name", default="callingtime_bench_surveys")
    parser.add_argument("--keep", action="store_true", help="keep the database and the folder")
    parser.add_argument("--work", type=Path, help="work in (and keep) this folder")
    parser.add_argument("--areas-db", type=Path, help="an existing geography store to use")
    parser.add_argument("--profile", action="store_true", help="profile one results page")
    parser.add_argument(
        "--no-analyze", action="store_true", help="leave the planner without table statistics"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "surveys.json")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="callingtime-bench-surveys-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, work)
    finally:
        if not args.sqlite and not args.keep:
            database_drop(args.db_name)
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.work is None:
            print(f"kept {work}")
    table_print(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.out}")
    if not results["agreement"]["ok"]:
        raise SystemExit("survey_results() and pandas disagree: see the failures above")


if __name__ == "__main__":
    main()
