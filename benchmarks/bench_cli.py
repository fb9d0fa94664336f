"""CLI start-up cost: ``gistcds --help`` and ``gistcds assess`` vs ``python -c pass``.

Prints the median wall time of each over several runs and its ratio to a bare
interpreter start measured in the same run. Target: --help under 3x.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "patients" / "metastatic-kit11-untreated.json"


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    gistcds = str(BIN / "gistcds")
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "gistcds --help": [gistcds, "--help"],
        "gistcds kb check": [gistcds, "kb", "check"],
        "gistcds assess (json)": [gistcds, "assess", str(EXAMPLE), "--format", "json"],
        "gistcds assess (text)": [gistcds, "assess", str(EXAMPLE)],
    }
    base = None
    print(f"{'command':28} {'median ms':>10} {'x bare':>8}   ({runs} runs each)")
    for name, cmd in cases.items():
        t = median_seconds(cmd, runs if "assess" not in name else max(3, runs // 3))
        base = base or t
        print(f"{name:28} {t * 1000:10.1f} {t / base:8.2f}")


if __name__ == "__main__":
    main()
