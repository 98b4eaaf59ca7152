"""A folder of 1,000 eval files imported in one command, as a team's results folder is.

Goal (issue: real evidence end to end): report files per second and peak memory. The files are
the corpus's real Inspect logs, copied under 1,000 names with distinct run ids so that each is a
run of its own. Two baselines in the same run: parsing the same files with the standard library
(the least any import must do), and the same import of a tenth of the folder, whose peak memory
the whole folder's should match (each file is its own transaction, so memory must not grow with
the number of files).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from _harness import Result

FILES = 1_000
REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "real" / "inspect_ai"
# Logs the importer takes as they are (the invalid one is left out).
SOURCES = sorted(p for p in REAL.rglob("*") if p.suffix in {".json", ".eval"})


def _folder(tmp: Path, files: int) -> Path:
    """``files`` logs, each a real one with its run id made unique."""
    folder = tmp / f"eval-folder-{files}"
    if folder.exists():
        return folder
    folder.mkdir()
    for i in range(files):
        source = SOURCES[i % len(SOURCES)]
        target = folder / f"{i:04d}-{source.name}"
        if source.suffix == ".json":
            log = json.loads(source.read_text())
            log["eval"]["run_id"] = f"bench-{i}"
            target.write_text(json.dumps(log))
        else:
            with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
                for item in src.infolist():
                    data = src.read(item)
                    if item.filename in {"header.json", "_journal/start.json"}:
                        doc = json.loads(data)
                        doc["eval"]["run_id"] = f"bench-{i}"
                        data = json.dumps(doc).encode()
                    dst.writestr(item, data)
    return folder


def _parse_all(folder: Path) -> None:
    """Every file read and parsed whole: a JSON log, or every JSON member of a .eval zip."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".eval":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    if name.endswith(".json"):
                        json.loads(z.read(name))
        else:
            json.loads(path.read_text())


def _import(tmp: Path, folder: Path, files: int) -> tuple[float, float]:
    """Seconds and peak resident MB of ``perfpacket import inspect FOLDER`` in a new workspace."""
    ws = tmp / f"folder-ws-{files}"
    shutil.rmtree(ws, ignore_errors=True)
    cli = [sys.executable, "-m", "perfpacket"]
    subprocess.run([*cli, "init", str(ws)], check=True, capture_output=True)
    subprocess.run(
        [*cli, "people", "add", "ana@example.com", "--name", "Ana"],
        cwd=ws,
        check=True,
        capture_output=True,
    )
    # Peak memory of the import process itself, read from /proc by a wrapper.
    code = (
        "import runpy, sys; sys.argv = ['perfpacket', 'import', 'inspect', sys.argv[1], "
        "'--person', 'ana@example.com', '--json'];\n"
        "try:\n    runpy.run_module('perfpacket', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')),"
        " file=sys.stderr)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], cwd=ws, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    reports = json.loads(done.stdout)
    read = [r for r in reports if "error" not in r]
    assert len(reports) == files and len(read) == files, done.stdout[-2000:]
    return took, int(done.stderr.strip().splitlines()[-1]) / 1024


def run(tmp: Path) -> list[Result]:
    folder, tenth = _folder(tmp, FILES), _folder(tmp, FILES // 10)
    took, peak_mb = _import(tmp, folder, FILES)
    _, peak_tenth = _import(tmp, tenth, FILES // 10)
    start = time.perf_counter()
    _parse_all(folder)
    parse_s = time.perf_counter() - start
    print(f"  folder import: {FILES / took:,.0f} files/s, peak RSS {peak_mb:.0f} MB")
    return [
        Result(
            f"import inspect FOLDER, {FILES:,} real logs (command, {FILES / took:,.0f} files/s)",
            took,
            "parsing the same files (json)",
            parse_s,
            "report files/s",
            True,
        ),
        Result(
            f"import inspect FOLDER, {FILES:,} logs: peak memory",
            peak_mb,
            f"the same import of {FILES // 10} logs",
            peak_tenth,
            "flat (<= 1.2x)",
            peak_mb / peak_tenth <= 1.2,
            unit="MB",
        ),
    ]
