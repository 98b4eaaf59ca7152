"""Localization parity on real lm-evaluation-harness results: XNLI zero-shot in 15 languages
for facebook/xglm-1.7B and xglm-7.5B, as the harness's own repository published them
(tests/data/real/PROVENANCE.md). Pre-0.4 files carry no sample count; n = 5010 per language is
derived from acc and its standard error (XNLI's test set has 5010 items per language).

Checked independently: each locale's gap against statsmodels' Newcombe interval
(``confint_proportions_2indep(method="newcomb")``, Newcombe 1998 method 10) at the Bonferroni
level, and the change in the gap against the interaction term of an ordinary least squares fit
on the items as 0/1 outcomes with heteroskedasticity-consistent (HC0) errors, whose standard
error is the same sum of four p(1 − p)/n (White 1980).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import confint_proportions_2indep
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.stats import Code, diff_in_diff_wald

REAL = Path(__file__).parents[1] / "data" / "real" / "lm_eval_harness" / "xnli"
ANA = "ana@example.com"
SMALL, LARGE = "xglm-1.7B_xnli_0-shot.json", "xglm-7.5B_xnli_0-shot.json"
N = 5010


def cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def _claims() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in json.loads(cli("claims", "list", "--json").stdout)}


def _counts(name: str) -> dict[str, int]:
    results = json.loads((REAL / name).read_text())["results"]
    return {task.removeprefix("xnli_"): round(v["acc"] * N) for task, v in results.items()}


def _import(tmp_path: Path, name: str, when: datetime) -> None:
    """A copy of the real file, dated as the run was (the file records no date of its own)."""
    copy = tmp_path / name
    shutil.copyfile(REAL / name, copy)
    os.utime(copy, (when.timestamp(), when.timestamp()))
    done = cli("import", "lm-eval", str(copy), "--person", ANA)
    assert done.exit_code == 0, done.output
    assert "records no date" in done.output


@pytest.fixture
def swapped(fresh_workspace: Path, tmp_path: Path) -> Path:
    """The small model evaluated in March, the large one in June."""
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    _import(tmp_path, SMALL, datetime(2026, 3, 2, 9, tzinfo=UTC))
    _import(tmp_path, LARGE, datetime(2026, 6, 1, 9, tzinfo=UTC))
    done = cli("claims", "suggest", "--person", ANA, "--json")
    assert done.exit_code == 0, done.output
    return tmp_path


def test_the_worst_locale_gap_is_newcombe_at_the_bonferroni_level(swapped: Path) -> None:
    counts = _counts(LARGE)
    locales = sorted(k for k in counts if k != "en")
    alpha = 0.05 / len(locales)
    gaps = {}
    for locale in locales:
        low, high = confint_proportions_2indep(
            counts[locale], N, counts["en"], N, method="newcomb", compare="diff", alpha=alpha
        )
        gaps[locale] = ((counts[locale] - counts["en"]) / N, low, high)
    worst = min(gaps, key=lambda k: gaps[k][0])
    assert worst == "ar"  # Arabic trails English most on xglm-7.5B
    claim = _claims()["lm-eval-xnli-worst-locale-gap"]
    estimate, low, high = gaps[worst]
    assert claim["estimate"] == pytest.approx(100 * estimate, abs=1e-9)
    assert claim["ci_low"] == pytest.approx(100 * low, abs=1e-9)
    assert claim["ci_high"] == pytest.approx(100 * high, abs=1e-9)
    assert claim["ci_level"] == 0.95 and "Bonferroni" in claim["method"]
    # A gap of about 20 points, wholly beyond the 5-point tolerance.
    assert claim["comparison"] == "target" and claim["verdict"] == "misses_target"
    assert claim["baseline"] == -5.0 and claim["details"]["locale"] == "ar"
    assert set(claim["details"]["locales"]) == set(locales)


def test_the_change_in_the_gap_matches_an_ols_interaction_with_robust_errors(
    swapped: Path,
) -> None:
    before, after = _counts(SMALL), _counts(LARGE)
    # The worst locale of the first sweep is followed: Arabic on xglm-1.7B.
    first_gaps = {k: before[k] - before["en"] for k in before if k != "en"}
    assert min(first_gaps, key=lambda k: first_gaps[k]) == "ar"
    y, is_after, is_locale = [], [], []
    for flag_after, counts in ((0, before), (1, after)):
        for flag_locale, lang in ((0, "en"), (1, "ar")):
            passed = counts[lang]
            y += [1.0] * passed + [0.0] * (N - passed)
            is_after += [flag_after] * N
            is_locale += [flag_locale] * N
    a, loc = np.array(is_after), np.array(is_locale)
    design = sm.add_constant(np.column_stack([a, loc, a * loc]))
    fit = sm.OLS(np.array(y), design).fit(cov_type="HC0")
    low, high = fit.conf_int(0.05)[3]
    claim = _claims()["lm-eval-xnli-locale-gap-change"]
    assert claim["estimate"] == pytest.approx(100 * fit.params[3], abs=1e-9)
    assert claim["ci_low"] == pytest.approx(100 * low, abs=1e-6)
    assert claim["ci_high"] == pytest.approx(100 * high, abs=1e-6)
    # The larger model raised English more than Arabic: the gap widened, and it says so.
    assert claim["verdict"] == "regressed" and claim["comparison"] == "paired"
    assert claim["details"]["source_after"] > claim["details"]["source_before"]
    assert any("source language gets worse" in a for a in claim["assumptions"])
    assert cli("claims", "verify").exit_code == 0


def test_one_model_gives_the_gap_but_no_change(fresh_workspace: Path, tmp_path: Path) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    _import(tmp_path, SMALL, datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert cli("claims", "suggest", "--person", ANA).exit_code == 0
    assert set(_claims()) == {"lm-eval-xnli-worst-locale-gap"}


def test_a_monolingual_workspace_says_what_parity_needs(fresh_workspace: Path) -> None:
    assert cli("people", "add", ANA, "--name", "Ana").exit_code == 0
    old = Path(__file__).parents[1] / "data" / "real" / "lm_eval_harness" / "old_res"
    done = cli("import", "lm-eval", str(old / "arc_easy-v0-res.json"), "--person", ANA)
    assert done.exit_code == 0, done.output
    done = cli("claims", "suggest", "--explain", "--json")
    by_recipe = {r["recipe"]: r for r in json.loads(done.stdout)["recipes"]}
    parity = by_recipe["localization-parity"]
    assert parity["claims"] == [] and parity["needs"][0]["found"] == 0
    assert parity["needs"][0]["source"].startswith("perfpacket import lm-eval")


def test_diff_in_diff_refuses_what_wald_cannot_bound() -> None:
    assert diff_in_diff_wald(((0, 10), (5, 10)), ((5, 10), (5, 10))).code is Code.ZERO_VARIANCE
    assert diff_in_diff_wald(((1, 0), (5, 10)), ((5, 10), (5, 10))).code is Code.NO_DATA
    assert diff_in_diff_wald(((11, 10), (5, 10)), ((5, 10), (5, 10))).code is Code.INVALID_COUNTS
