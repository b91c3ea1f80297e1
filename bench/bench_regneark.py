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

With ``--mot DIR`` the same inputs also go through the soknad of another source tree (an
earlier commit, checked out with ``git worktree add DIR COMMIT``), in the same run, one after
the other for each measurement, and the per-row costs are compared: issue 25 holds the reading
of real workbooks to within 1.2 times the per-row cost before it. ``--egne`` adds three
columns of the adviser's own (org.nr., a comment, a date), which the tree before issue 25
drops and this one carries to the result.
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


def rows(n: int, seed: int, own: bool = False) -> list[list[object]]:
    """A header and N rows. Numbers are ints, so the .xlsx gets number cells as Excel would."""
    import datetime as dt

    rules = load()
    rng = random.Random(seed)
    extra: list[object] = ["Org.nr.", "Kommentar", "Innmeldt"] if own else []
    header: list[object] = ["id", "navn", *(q.id for q in rules.questions), *extra]
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
        if own:
            row += [900_000_000 + i, rng.choice(["", "ring i mars", "ny"]), dt.date(2020, 1, 1) + dt.timedelta(i % 900)]
        table.append(row)
    return table


def write_csv(path: Path, table: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[c.isoformat() if hasattr(c, "isoformat") else c for c in row] for row in table])


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
    parser.add_argument("--mot", type=Path, help="another source tree to measure side by side (a git worktree)")
    parser.add_argument("--egne", action="store_true", help="three own columns in the list (org.nr., comment, date)")
    args = parser.parse_args()

    def soknad(tree: Path) -> list[str]:
        # `env` sets the tree for this command alone, and execs: the RSS measured is soknad's.
        return ["env", f"PYTHONPATH={tree}", sys.executable, "-m", "soknadsveileder", "sjekk", "--dato", DATE]

    trees = {"denne": ROOT, **({"mot": args.mot.resolve()} if args.mot else {})}
    floor = [sys.executable, str(ROOT / "bench" / "floor_csv.py")]
    results: dict[tuple[str, str], list[tuple[int, float, float, int]]] = {}
    starts: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        header = Path(tmp) / "overskrift.csv"
        write_csv(header, rows(0, args.seed, args.egne))
        for name, tree in trees.items():
            starts[name], _, _ = best([*soknad(tree), str(header), "--format", "csv"], args.runs)
        start_floor, _, _ = best([*floor, str(header), str(header)], args.runs)
        for n in (args.n, 4 * args.n):
            table = rows(n, args.seed, args.egne)
            source, reference = Path(tmp) / f"svar-{n}.csv", Path(tmp) / f"resultat-{n}.csv"
            write_csv(source, table)
            book = Path(tmp) / f"svar-{n}.xlsx"
            write_xlsx(book, table)
            for name, tree in trees.items():
                _, _, code = measure([*soknad(tree), str(source), "--format", "csv"], str(reference))
                with reference.open(encoding="utf-8", newline="") as f:
                    # Up to an empty row: a tree before issue 25 wrote its notes below one.
                    written = sum(1 for _ in iter(csv.reader(f).__next__, [])) - 1
                assert written == n, f"soknad sjekk ({name}) wrote {written} rows for {n} (exit {code})"
            t_floor, _, _ = best([*floor, str(source), str(reference)], args.runs)
            x_floor, _, _ = best([*floor, str(book), str(reference), str(Path(tmp) / "gulv.xlsx")], args.runs)
            # Interleaved, tree by tree for each run, so that a slower minute hits both alike.
            for _ in range(args.runs):
                for name, tree in trees.items():
                    t, rss, _ = best([*soknad(tree), str(source), "--format", "csv"], 1)
                    _keep(results, (name, "csv"), n, t, t_floor, rss)
                    out = Path(tmp) / f"resultat-{n}-{name}.xlsx"
                    t, rss, code = best([*soknad(tree), str(book), "--format", "xlsx", "-o", str(out)], 1)
                    assert out.exists(), f"soknad sjekk ({name}) wrote no {out.name} (exit {code})"
                    _keep(results, (name, "xlsx"), n, t, x_floor, rss)

    version = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(
        f"soknad sjekk på regneark, best of {args.runs} runs, {version}" + (", med egne kolonner" if args.egne else "")
    )
    shown = ", ".join(f"{name} {t:.3f} s" for name, t in starts.items())
    print(f"Oppstart (bare overskriftsraden): soknad {shown}, gulvet {start_floor:.3f} s")
    print(
        f"{'tre':>6} {'format':>6} {'rader':>7} {'sek':>7} {'rader/s':>9} {'gulv s':>7} {'ratio':>6} {'maks RSS':>10}"
    )
    for (name, fmt), measured in results.items():
        for n, t, f, rss in measured:
            print(f"{name:>6} {fmt:>6} {n:>7} {t:>7.2f} {n / t:>9,.0f} {f:>7.2f} {t / f:>6.2f} {rss / 1024:>7.1f} MB")
    per_row: dict[tuple[str, str], float] = {}
    for (name, fmt), measured in results.items():
        (n1, t1, f1, rss1), (n4, t4, f4, rss4) = measured
        per_row[(name, fmt)] = (t4 - t1) / (n4 - n1)
        per_row_floor = (f4 - f1) / (n4 - n1)
        print(
            f"{name} {fmt}: minne ved 4N / N {rss4 / rss1:.2f} (mål <= 1.3); per rad fra N til 4N "
            f"{per_row[(name, fmt)] * 1e6:.1f} µs mot gulvets {per_row_floor * 1e6:.1f} µs: "
            f"ratio {per_row[(name, fmt)] / per_row_floor:.2f}"
        )
    if args.mot:
        for fmt in ("csv", "xlsx"):
            ratio = per_row[("denne", fmt)] / per_row[("mot", fmt)]
            print(f"{fmt}: per rad denne / mot {ratio:.2f} (mål <= 1.2)")


def _keep(
    results: dict[tuple[str, str], list[tuple[int, float, float, int]]],
    key: tuple[str, str],
    n: int,
    t: float,
    floor: float,
    rss: int,
) -> None:
    """The best time of the runs so far for (tree, format) at N, and the largest RSS."""
    measured = results.setdefault(key, [])
    for i, (m, t0, f0, rss0) in enumerate(measured):
        if m == n:
            measured[i] = (n, min(t, t0), f0, max(rss, rss0))
            return
    measured.append((n, t, floor, rss))


if __name__ == "__main__":
    main()
