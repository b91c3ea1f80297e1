"""The floor for `soknad sjekk` on a spreadsheet: only the table work any implementation does.

Reads every input row with the `csv` module (or openpyxl in read-only mode for .xlsx) and
writes the output rows that `soknad sjekk` wrote for them, read in step from its CSV output,
with `csv.writer` (or openpyxl in write-only mode). Reading the reference stands in for
building the output rows; what is left between this and `soknad sjekk` is the checking.

    python bench/floor_csv.py INPUT.csv REFERENCE_OUTPUT.csv > /dev/null
    python bench/floor_csv.py INPUT.xlsx REFERENCE_OUTPUT.csv OUTPUT.xlsx
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator


def _input_rows(path: str) -> Iterator[list[str]]:
    if path.endswith(".xlsx"):
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row]
        workbook.close()
    else:
        with open(path, encoding="utf-8", newline="") as f:
            yield from csv.reader(f)


def main() -> None:
    input_path, reference_path = sys.argv[1], sys.argv[2]
    reference = open(reference_path, encoding="utf-8", newline="")  # noqa: SIM115
    output = csv.reader(reference)
    rows = _input_rows(input_path)
    if len(sys.argv) > 3:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Resultat")
        for _row, out in zip(rows, output, strict=True):
            sheet.append(out)
        workbook.save(sys.argv[3])
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for _row, out in zip(rows, output, strict=True):
            writer.writerow(out)
    reference.close()


if __name__ == "__main__":
    main()
