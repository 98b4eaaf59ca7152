"""`perfpacket stats`: sentences for people, JSON for scripts, exact errors for bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from perfpacket.cli import build_app
from perfpacket.stats import SampleMean, ab_test, newcombe_diff_interval, wilson_interval

JSON_KEYS = {"estimate", "ci_low", "ci_high", "ci_level", "method", "p_value", "verdict", "code"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


def test_proportion_sentence() -> None:
    code, out, _ = run("proportion", "81/263")
    assert code == 0
    assert code == 0
    assert out == "81/263 = 30.80% (95% CI 25.53 to 36.62%; Wilson score interval).\n"


def test_proportion_json_equals_the_library() -> None:
    code, out, _ = run("proportion", "81/263", "--level", "0.9", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= JSON_KEYS
    assert data == json.loads(json.dumps(wilson_interval(81, 263, 0.9).to_dict()))


def test_diff_uses_newcombe_and_the_direction() -> None:
    code, out, _ = run("diff", "6/150", "18/150", "--better", "lower", "--json")
    assert code == 0
    data = json.loads(out)
    ref = newcombe_diff_interval(6, 150, 18, 150)
    assert (data["estimate"], data["ci_low"], data["ci_high"]) == (
        ref.estimate,
        ref.ci_low,
        ref.ci_high,
    )
    assert data["verdict"] == "improved"
    code, out, _ = run("diff", "6/150", "18/150")
    assert code == 0
    assert out.endswith("verdict: regressed.\n")


def test_paired_diff_builds_the_table_from_both() -> None:
    # Cavo et al.: 65/161 after, 75/161 before, 59 under both -> -0.0621 (-0.1186, -0.0046).
    code, out, _ = run("diff", "65/161", "75/161", "--paired", "--both", "59", "--json")
    assert code == 0
    data = json.loads(out)
    assert round(data["estimate"], 4) == -0.0621
    assert (round(data["ci_low"], 4), round(data["ci_high"], 4)) == (-0.1186, -0.0046)
    assert "McNemar" in data["method"]


def test_ab_relative_and_absolute_match_growthbook() -> None:
    c, t = "1396.87,52377.9767,3407", "2422.7,134698.29,3461"
    _, out, _ = run("ab", "--control", c, "--treatment", t, "--json")
    rel = json.loads(out)
    assert round(rel["estimate"], 5) == 0.70732 and rel["verdict"] == "no_detectable_change"
    _, out, _ = run("ab", "--control", c, "--treatment", t, "--absolute", "--json")
    ref = ab_test(SampleMean(1396.87, 52377.9767, 3407), SampleMean(2422.7, 134698.29, 3461), False)
    assert json.loads(out)["ci_low"] == ref.ci_low


def test_ab_sentence_for_conversions() -> None:
    _, out, _ = run("ab", "--control", "2000/20000", "--treatment", "2400/20000", "--absolute")
    lines = out.splitlines()
    assert lines[0].startswith("Absolute lift = +2.00 pp (95% CI +1.39 to +2.61 pp;")
    assert lines[0].endswith("verdict: improved.")
    assert lines[1] == "Sample ratio: 20,000 / 20,000 against a planned 50/50, chi-square p = 1."
    assert lines[2] == "Minimum detectable effect at 80% power: 0.88 pp."


def test_ab_says_when_the_split_is_not_as_planned() -> None:
    args = ("ab", "--control", "2000/20000", "--treatment", "2400/21000", "--absolute")
    code, out, _ = run(*args)
    assert code == 0
    assert "verdict: not trustworthy: SRM." in out
    assert "chi-square p = 7.87e-07 (below 0.001" in out
    _, out, _ = run(*args, "--split", "20000/21000", "--json")
    data = json.loads(out)
    assert data["verdict"] == "improved" and data["srm_p_value"] == 1.0


def test_ab_better_lower_and_a_ratio_metric() -> None:
    code, out, _ = run(
        "ab",
        "--control",
        "4087.1273326942896,10515.45446605391,2000",
        "--control-denominator",
        "8163,39417,19651.965695274506",
        "--treatment",
        "4425.763550860301,11952.586519683622,2100",
        "--treatment-denominator",
        "8434,40386,21233.746294776567",
        "--absolute",
        "--better",
        "lower",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert round(data["estimate"], 9) == 0.024063244  # gbstats, see tests/stats/test_ab.py
    assert data["verdict"] == "regressed"  # cost per request rose: worse when lower is better
    assert "ratio metric by the delta method" in data["method"]


def test_a_single_rate_has_no_verdict() -> None:
    _, out, _ = run("proportion", "12/150")
    assert "verdict" not in out


def test_paired_verdict_names_the_interval_as_its_decider() -> None:
    _, out, _ = run("diff", "420/500", "388/500", "--paired", "--both", "380")
    assert "interval decides the verdict; McNemar test p-value beside it" in out
    assert "(95% CI +3.73 to +9.16 pp;" in out  # excludes 0
    assert out.endswith("verdict: improved.\n")


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            ("proportion", "12-150"),
            ["Error: '12-150' is not X/N", "Hint: write successes over trials, e.g. 12/150"],
        ),
        (
            ("proportion", "0/0"),
            ["Error: '0/0' has no trials", "Hint: N must be at least 1"],
        ),
        (
            ("diff", "3/10", "0/0"),
            ["Error: '0/0' has no trials", "Hint: N must be at least 1"],
        ),
        (
            ("proportion", "15/12"),
            ["Error: '15/12' has more successes than trials", "Hint: X must be at most N"],
        ),
        (
            ("diff", "6/150", "18/150", "--paired"),
            [
                "Error: --paired needs --both K, the items that succeeded under both versions",
                "Hint: e.g. perfpacket stats diff 420/500 388/500 --paired --both 380",
            ],
        ),
        (
            ("diff", "6/150", "18/140", "--paired", "--both", "3"),
            [
                "Error: paired rates need the same items: N1 is 150, N2 is 140",
                "Hint: drop --paired for independent samples",
            ],
        ),
        (
            ("diff", "6/150", "18/150", "--paired", "--both", "9"),
            ["Error: --both 9 is impossible with 6/150 and 18/150", "Hint: K lies between 0 and 6"],
        ),
        (
            ("ab", "--control", "3/10", "--treatment", "x"),
            [
                "Error: --treatment 'x' is neither X/N nor SUM,SUM_SQUARES,N",
                "Hint: e.g. --treatment 412/4000 for conversions, "
                "or --treatment 1396.87,52377.98,3407 for a mean",
            ],
        ),
        (
            ("ab", "--control", "0/2000", "--treatment", "24/2000"),
            [
                "Error: relative lift over a zero control mean is not defined (the sign would "
                "invert or the ratio divides by zero)",
                "Hint: use --absolute for the lift in the metric's own unit",
            ],
        ),
        (
            ("ab", "--control", "-50,600,10", "--treatment", "20,300,10"),
            [
                "Error: relative lift over a negative control mean is not defined (the sign "
                "would invert or the ratio divides by zero)",
                "Hint: use --absolute for the lift in the metric's own unit",
            ],
        ),
        (
            ("ab", "--control", "10,1,5", "--treatment", "12,40,5"),
            [
                "Error: --control: impossible summary statistics: sum of squares 1 is below "
                "sum\u00b2/n = 20: no data has a negative variance",
                "Hint: check the export: these numbers cannot come from any data",
            ],
        ),
        (
            ("ab", "--control", "10,30,5", "--treatment", "12,40,5", "--control-pre", "1,2,3"),
            [
                "Error: --control-pre and --treatment-pre go together, on mean arms",
                "Hint: give both, with --control and --treatment as SUM,SUM_SQUARES,N",
            ],
        ),
        (
            ("ab", "--control", "3/10", "--treatment", "4/10", "--split", "half"),
            [
                "Error: --split 'half' is not a planned split",
                "Hint: e.g. --split 50/50 or --split 30/70",
            ],
        ),
        (
            ("ab", "--control", "3/10", "--treatment", "10,20,5"),
            [
                "Error: --control and --treatment must both be X/N or both SUM,SUM_SQUARES,N",
                "Hint: compare the same kind of metric in both arms",
            ],
        ),
    ],
)
def test_bad_input_messages(args: tuple[str, ...], lines: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert err.splitlines() == lines
