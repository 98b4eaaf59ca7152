"""Importing git history, against git itself and against PyDriller.

Goals (issue: importers; issue: real evidence): the import takes at most 2.0x the wall time of
`git log -z --numstat -M` (the log it reads) on the same 20k-commit repository; memory stays
flat as history grows; at least 10x faster than PyDriller per commit (PyDriller runs over the
first commits only: it is too slow for all).
Goal (issue: speed a user feels): `perfpacket import git` as a whole command, start-up
included, within 2.0x of `git log -z --numstat -M` (the log it reads) at 2k, 5k, 10k and 20k
commits, and its CPU time (the git it runs included) within 1.3x of the log's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _harness import Result

COMMITS = 20_000
PYDRILLER_COMMITS = 600
PEOPLE = [f"Dev {i} <dev{i}@example.com>" for i in range(40)]


def _make_repo(path: Path, commits: int) -> None:
    """A linear history: each commit rewrites a few lines of one to three of 400 files."""
    if (path / ".git").exists():
        return
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    parts: list[bytes] = []
    for i in range(commits):
        who = PEOPLE[(i * 7) % len(PEOPLE)]
        stamp = f"{who} {1_700_000_000 + i * 600} +0000"
        message = f"change {i}\n".encode()
        parts.append(
            f"commit refs/heads/main\nmark :{i + 1}\nauthor {stamp}\ncommitter {stamp}\n".encode()
        )
        parts.append(b"data %d\n%s\n" % (len(message), message))
        if i:
            parts.append(f"from :{i}\n".encode())
        for j in range(1 + i % 3):
            name = f"src/module_{(i * 31 + j * 17) % 400}.py"
            body = "".join(f"line {k} of change {i if k % 5 == j else 0}\n" for k in range(20))
            data = body.encode()
            parts.append(
                f"M 100644 inline {name}\n".encode() + b"data %d\n%s\n" % (len(data), data)
            )
        parts.append(b"\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"], input=b"".join(parts), cwd=path, check=True, env=env
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True, env=env)


def _git_log_seconds(repo: Path) -> float:
    """The log the import reads, timed: the baseline of every git benchmark."""
    start = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(repo), "log", "-z", "--numstat", "-M"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def _import_seconds(repo: Path, db: Path) -> float:
    from perfpacket.evidence.load import import_path
    from perfpacket.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        start = time.perf_counter()
        report = import_path(store, "git", repo)
        elapsed = time.perf_counter() - start
    assert report.imported > 0
    return elapsed


def _peak_rss_mb(repo: Path, db: Path) -> float:
    """Peak resident memory of a separate process that does only the import. VmHWM, not
    ru_maxrss: the latter survives exec and would report the parent's peak."""
    code = (
        "from pathlib import Path;"
        "from perfpacket.evidence.load import import_path; from perfpacket.store import open_store;"
        f"s = open_store('sqlite:///{db}'); import_path(s, 'git', Path('{repo}'));"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def _command_results(tmp: Path) -> list[Result]:
    """The import as a user runs it, in a fresh workspace each time, against the log it reads."""
    import shutil

    results = []
    for commits in (2_000, 5_000, 10_000, COMMITS):
        repo = tmp / f"git-{commits // 1000}k"
        _make_repo(repo, commits)

        def command(i: int, repo: Path = repo, commits: int = commits) -> tuple[float, float]:
            ws = tmp / f"cmd-{commits}-{i}"
            shutil.rmtree(ws, ignore_errors=True)
            cli = [sys.executable, "-m", "perfpacket"]
            subprocess.run([*cli, "init", str(ws)], check=True, capture_output=True)
            cpu = _children_cpu()
            start = time.perf_counter()
            subprocess.run(
                [*cli, "import", "git", str(repo)], cwd=ws, check=True, capture_output=True
            )
            return time.perf_counter() - start, _children_cpu() - cpu

        git = sorted(_git_log_cost(repo) for _ in range(3))[1]
        ours = sorted(command(i) for i in range(3))[1]
        least = sorted(_python_then_git_log_cost(repo) for _ in range(3))[1]
        results += [
            Result(
                f"perfpacket import git, {commits:,} commits (command)",
                ours[0],
                "git log -z --numstat -M",
                git[0],
                "<= 2.0x git's time",
                ours[0] / git[0] <= 2.0,
            ),
            Result(
                f"perfpacket import git, {commits:,} commits (command): CPU time",
                ours[1],
                "git log -z --numstat -M: CPU time",
                git[1],
                "<= 1.3x git's CPU",
                ours[1] / git[1] <= 1.3,
            ),
            # The least any command of this kind can take: start Python with the libraries
            # every command of the floor loads, then read the log. Where this row's ratio is
            # itself above a goal, no import written in Python can meet that goal here.
            Result(
                f"the ceiling: Python start-up + git log, {commits:,} commits",
                least[0],
                "git log -z --numstat -M",
                git[0],
                "report",
                True,
            ),
            Result(
                f"the ceiling: Python start-up + git log, {commits:,} commits: CPU time",
                least[1],
                "git log -z --numstat -M: CPU time",
                git[1],
                "report",
                True,
            ),
        ]
    return results


def _python_then_git_log_cost(repo: Path) -> tuple[float, float]:
    """Wall and CPU time of a Python process that imports SQLAlchemy, Typer and Rich (the
    start-up benchmark's floor) and then runs the log the import reads."""
    code = (
        "import subprocess, sqlalchemy, typer, rich;"
        f"subprocess.run(['git', '-C', {str(repo)!r}, 'log', '-z', '--numstat', '-M'],"
        " stdout=subprocess.DEVNULL, check=True)"
    )
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    """User and system CPU seconds of every process this one has started and waited for (and
    theirs): a command's own CPU and that of the git it runs."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _git_log_cost(repo: Path) -> tuple[float, float]:
    """The log's wall time and CPU time."""
    cpu = _children_cpu()
    wall = _git_log_seconds(repo)
    return wall, _children_cpu() - cpu


def run(tmp: Path) -> list[Result]:
    big, small = tmp / "git-20k", tmp / "git-5k"
    _make_repo(big, COMMITS)
    _make_repo(small, COMMITS // 4)

    git_times = sorted(_git_log_seconds(big) for _ in range(3))
    ours_times = sorted(_import_seconds(big, tmp / f"g{i}.db") for i in range(3))
    git_s, ours_s = git_times[1], ours_times[1]
    rss_small = _peak_rss_mb(small, tmp / "rss-small.db")
    rss_big = _peak_rss_mb(big, tmp / "rss-big.db")
    print(
        f"  peak RSS: {rss_small:.0f} MB at {COMMITS // 4} commits, {rss_big:.0f} MB at {COMMITS}"
    )

    from pydriller import Repository

    def pydriller_seconds() -> float:
        start = time.perf_counter()
        for n, commit in enumerate(Repository(str(big), order="reverse").traverse_commits()):
            _ = (commit.insertions, commit.deletions, commit.files, commit.author.email)
            if n + 1 >= PYDRILLER_COMMITS:
                break
        return time.perf_counter() - start

    per_commit_pydriller = pydriller_seconds() / PYDRILLER_COMMITS
    per_commit_ours = ours_s / COMMITS
    return [
        *_command_results(tmp),
        Result(
            f"git import, {COMMITS} commits (SQLite)",
            ours_s,
            "git log -z --numstat -M",
            git_s,
            "<= 2.0x git's time",
            ours_s / git_s <= 2.0,
        ),
        Result(
            "git import peak memory, 20k vs 5k commits",
            rss_big,
            "the same import of 5k commits",
            rss_small,
            "flat (<= 1.2x)",
            rss_big / rss_small <= 1.2,
            unit="MB",
        ),
        Result(
            "git import per commit",
            per_commit_ours,
            f"PyDriller per commit (first {PYDRILLER_COMMITS})",
            per_commit_pydriller,
            ">= 10x faster",
            per_commit_pydriller / per_commit_ours >= 10,
        ),
    ]
