"""Benchmark `soknad sjekk` on spreadsheets: CSV and Excel in and out.

    python bench/bench_regneark.py            # N = 20 000 and 4N = 80 000 rows
    python bench/bench_regneark.py --n 5000   # quicker

For N and 4N it generates a table of random answers (fixed seed, about 1 in 50 rows with a
misspelt value, multi-valued `bransje` cells), as CSV and as .xlsx, then times, best of
--runs runs each, with peak memory (max RSS):

* ``soknad sjekk FIL.csv --format csv``, output to /dev/null, against the floor
  bench/floor_csv.py: read the input rows with the csv module, write the same output rows.
  Targets: ratio <= 3; memory at 4N <= 1.3 x that at N. Both programs' start-up (with only
  the header row) is printed too, and the cost per row from N to 4N, which leaves it out.
* ``soknad sjekk FIL.xlsx --format xlsx -o UT.xlsx`` against the same floor done with
  openpyxl (read-only in, write-only out). Memory target as above.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2021-09-01"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sjekk import best, measure  # noqa: E402

from soknadsveileder.rules import load  # noqa: E402


def rows(n: int, seed: int) -> list[list[object]]:
    """A header and N rows. Numbers are ints, so the .xlsx gets number cells as Excel would."""
    rules = load()
    rng = random.Random(seed)
    header: list[object] = ["id", "navn", *(q.id for q in rules.questions)]
    table = [header]
    for i in range(n):
        row: list[object] = [i + 1, f"Bedrift {i + 1} AS"]
        for q in rules.questions:
            roll = rng.random()
            if roll < 0.2:
                row.append("")  # unknown
            elif q.type == "tall":
                row.append(rng.randint(0, 12))
            elif q.multiple and roll < 0.3:
                row.append(", ".join(rng.sample(list(q.known_values()), 2)))
            else:
                row.append(rng.choice(q.known_values()))
        if rng.random() < 0.02:
            row[2] = "feilstavet"
        table.append(row)
    return table


def write_csv(path: Path, table: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)


def write_xlsx(path: Path, table: list[list[object]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Medlemmer")
    for row in table:
        sheet.append([None if cell == "" else cell for cell in row])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="rows in the small run (the large one is 4N)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the best time counts")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()

    soknad = [sys.executable, "-m", "soknadsveileder", "sjekk", "--dato", DATE]
    floor = [sys.executable, str(ROOT / "bench" / "floor_csv.py")]
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    results: dict[str, list[tuple[int, float, float, int]]] = {"csv": [], "xlsx": []}
    with tempfile.TemporaryDirectory() as tmp:
        header = Path(tmp) / "overskrift.csv"
        write_csv(header, rows(0, args.seed))
        start, _, _ = best([*soknad, str(header), "--format", "csv"], args.runs)
        start_floor, _, _ = best([*floor, str(header), str(header)], args.runs)
        for n in (args.n, 4 * args.n):
            table = rows(n, args.seed)
            source, reference = Path(tmp) / f"svar-{n}.csv", Path(tmp) / f"resultat-{n}.csv"
            write_csv(source, table)
            _, _, code = measure([*soknad, str(source), "--format", "csv"], str(reference))
            with reference.open(encoding="utf-8", newline="") as f:
                written = sum(1 for _ in csv.reader(f)) - 1
            assert written == n, f"soknad sjekk wrote {written} rows for {n} (exit {code})"
            t, rss, _ = best([*soknad, str(source), "--format", "csv"], args.runs)
            t_floor, _, _ = best([*floor, str(source), str(reference)], args.runs)
            results["csv"].append((n, t, t_floor, rss))

            book, out = Path(tmp) / f"svar-{n}.xlsx", Path(tmp) / f"resultat-{n}.xlsx"
            write_xlsx(book, table)
            t, rss, code = best([*soknad, str(book), "--format", "xlsx", "-o", str(out)], args.runs)
            assert out.exists(), f"soknad sjekk wrote no {out.name} (exit {code})"
            t_floor, _, _ = best([*floor, str(book), str(reference), str(Path(tmp) / "gulv.xlsx")], args.runs)
            results["xlsx"].append((n, t, t_floor, rss))

    version = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"soknad sjekk på regneark, best of {args.runs} runs, {version}")
    print(f"Oppstart (bare overskriftsraden): soknad {start:.3f} s, gulvet {start_floor:.3f} s")
    print(f"{'format':>6} {'rader':>7} {'sek':>7} {'rader/s':>9} {'gulv s':>7} {'ratio':>6} {'maks RSS':>10}")
    for fmt, measured in results.items():
        for n, t, f, rss in measured:
            print(f"{fmt:>6} {n:>7} {t:>7.2f} {n / t:>9,.0f} {f:>7.2f} {t / f:>6.2f} {rss / 1024:>7.1f} MB")
    for fmt, measured in results.items():
        (n1, t1, f1, rss1), (n4, t4, f4, rss4) = measured
        per_row, per_row_floor = (t4 - t1) / (n4 - n1), (f4 - f1) / (n4 - n1)
        print(
            f"{fmt}: minne ved 4N / N {rss4 / rss1:.2f} (mål <= 1.3); per rad fra N til 4N "
            f"{per_row * 1e6:.1f} µs mot gulvets {per_row_floor * 1e6:.1f} µs: ratio {per_row / per_row_floor:.2f}"
        )


if __name__ == "__main__":
    main()
