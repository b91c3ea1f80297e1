"""Benchmark `soknad sjekk` against the floor of plain JSON parsing and writing.

    python bench/bench_sjekk.py            # N = 20 000 and 4N = 80 000 records
    python bench/bench_sjekk.py --n 5000   # quicker

For N and 4N it generates random answer records (fixed seed), then times, best of
--runs runs each:

* ``soknad sjekk`` (as a subprocess, the way users run it), output to /dev/null;
* the floor, bench/floor.py: parse the input, parse and re-serialise the same output;
* the copy floor: parse the input and copy the output lines as text.

It prints records per second, the ratio to each floor, and the peak memory (max RSS) of
``soknad sjekk`` at N and 4N. Targets: ratio to the floor <= 3; peak memory at 4N <= 1.3 x
that at N.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2021-09-01"
sys.path.insert(0, str(ROOT))

from soknadsveileder.rules import load  # noqa: E402


def generate(path: Path, n: int, seed: int, as_array: bool = False) -> None:
    """N records with random answers; about 1 in 50 is invalid, as in real batches.

    JSON Lines by default; with `as_array`, one JSON array on a single line.
    """
    rules = load()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write("[" if as_array else "")
        for i in range(n):
            record: dict[str, object] = {"id": f"bedrift-{i}"}
            for q in rules.questions:
                roll = rng.random()
                if roll < 0.15:
                    continue  # missing: unknown
                if roll < 0.25:
                    record[q.id] = None
                elif q.type == "tall":
                    record[q.id] = rng.randint(0, 12)
                else:
                    record[q.id] = rng.choice(q.known_values())
            if rng.random() < 0.02:
                record["bransj"] = "feilstavet"
            separator = ("," if i else "") if as_array else ""
            f.write(separator + json.dumps(record, ensure_ascii=False) + ("" if as_array else "\n"))
        f.write("]" if as_array else "")


_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def measure(command: list[str], output: str) -> tuple[float, int, int]:
    """Wall time, peak RSS in KiB and exit code of one run, in a clean parent process."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, output, *command], capture_output=True, text=True, check=True
    )
    seconds, rss, code = proc.stdout.split()
    return float(seconds), int(rss), int(code)


def best(command: list[str], runs: int, output: str = os.devnull) -> tuple[float, int, int]:
    results = [measure(command, output) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="records in the small run (the large one is 4N)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the best time counts")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--liste", action="store_true", help="input as one JSON array on one line, not JSON Lines")
    args = parser.parse_args()

    soknad = [sys.executable, "-m", "soknadsveileder", "sjekk", "--dato", DATE]
    floor = [sys.executable, str(ROOT / "bench" / "floor.py")]
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.n, 4 * args.n):
            records, reference = Path(tmp) / f"svar-{n}.jsonl", Path(tmp) / f"resultat-{n}.jsonl"
            generate(records, n, args.seed, as_array=args.liste)
            _, _, code = measure([*soknad, str(records)], str(reference))
            lines = sum(1 for _ in reference.open(encoding="utf-8"))
            assert lines == n, f"soknad sjekk wrote {lines} lines for {n} records"
            t_soknad, rss, _ = best([*soknad, str(records)], args.runs)
            if args.liste:  # the floor reads JSON Lines; time soknad only
                t_floor = t_copy = float("nan")
            else:
                t_floor, _, _ = best([*floor, str(records), str(reference)], args.runs)
                t_copy, _, _ = best([*floor, str(records), str(reference), "--kopi"], args.runs)
            rows.append((n, t_soknad, t_floor, t_copy, rss, code))

    form = "én JSON-liste på én linje" if args.liste else "JSON Lines"
    print(f"soknad sjekk ({form}), best of {args.runs} runs, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(
        f"{'poster':>8} {'sek':>7} {'poster/s':>10} {'gulv s':>7} {'ratio':>6} {'kopi s':>7} {'ratio':>6} {'maks RSS':>10}"
    )
    for n, t, f, c, rss, _ in rows:
        print(f"{n:>8} {t:>7.2f} {n / t:>10,.0f} {f:>7.2f} {t / f:>6.2f} {c:>7.2f} {t / c:>6.2f} {rss / 1024:>8.1f} MB")
    growth = rows[1][4] / rows[0][4]
    print(f"Minne ved 4N / N: {growth:.2f} (mål <= 1.3).")
    if not args.liste:
        print(f"Høyeste ratio mot gulvet: {max(r[1] / r[2] for r in rows):.2f} (mål <= 3).")


if __name__ == "__main__":
    main()
