"""The floor for `soknad sjekk`: only the JSON work that any implementation must do.

Reads the input records and the output lines that `soknad sjekk` wrote for them, parses
each input record, and writes each output line again. With ``--kopi`` the output line
is copied as text; without it, it is parsed and serialised again with json.dumps, which
is the work of producing output of that shape.

    python bench/floor.py INPUT.jsonl REFERENCE_OUTPUT.jsonl [--kopi] > /dev/null
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    input_path, reference_path = sys.argv[1], sys.argv[2]
    copy = "--kopi" in sys.argv[3:]
    out = sys.stdout
    with open(input_path, "rb") as records, open(reference_path, encoding="utf-8") as reference:
        for raw, line in zip(records, reference, strict=True):
            json.loads(raw)
            if copy:
                out.write(line)
            else:
                out.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
