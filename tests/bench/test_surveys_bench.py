"""The surveys benchmark runs end to end at a tiny size and agrees with its pandas baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = 300
FIGURES = (
    "results_page",
    "survey_results",
    "filtered_page",
    "results_json",
    "answers_csv",
    "answers_load",
    "pandas_read",
    "pandas_aggregation",
    "pandas_filtered",
    "pandas_csv",
)


@pytest.fixture(scope="module")
def bench_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("surveys-bench")
    out = folder / "surveys.json"
    # The bench sets its own settings; the suite's must not leak into it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "surveys.py"),
            *("--responses", str(RESPONSES), "--sqlite", "--runs", "1"),
            *("--work", str(folder / "work"), "--out", str(out)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def test_surveys_bench_loads_every_response_with_answers(bench_results: dict[str, Any]) -> None:
    load = bench_results["load"]
    assert load["responses"] == RESPONSES
    assert 8 * RESPONSES < load["answers"] < 16 * RESPONSES  # 12 questions, some skipped
    assert bench_results["params"]["database"] == "sqlite"
    assert bench_results["setup"]["wards"] > 100  # the demo geography's wards


def test_surveys_bench_times_every_figure(bench_results: dict[str, Any]) -> None:
    for name in FIGURES:
        figure = bench_results["figures"][name]
        assert len(figure["samples"]) == 1, name
        assert 0 < figure["min"] <= figure["median"], name
    assert {pair["ours"] for pair in bench_results["pairs"]} <= set(FIGURES)
    assert all(pair["ratio"] > 0 for pair in bench_results["pairs"])
    sizes = bench_results["bytes"]
    assert sizes["answers_csv"] == sizes["pandas_csv"] > 0


def test_surveys_bench_agrees_with_pandas(bench_results: dict[str, Any]) -> None:
    agreement = bench_results["agreement"]
    assert agreement["ok"], agreement["failures"]
    assert agreement["figures_compared"] > 100
    assert agreement["csv_cells_compared"] == RESPONSES * 17  # 5 fixed columns, 12 questions
    for counts in agreement["safe_dark_everyone"].values():
        assert counts["ours"] in (None, counts["pandas"])
