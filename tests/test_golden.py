"""Every output surface against its golden file, read and approved by hand (tests/golden.py)."""

from __future__ import annotations

import pytest

from .golden import CASES, GOLDEN, diff, produce

# Each command twice: as a process and through CliRunner (--help only as a process). A web
# page once, through TestClient.
WAYS = [
    pytest.param(case, in_process, id=f"{case.name}-{way}")
    for case in CASES
    for in_process, way in ((False, "prosess"), (True, "cliRunner"))
    if (case.page is None and (case.in_process or not in_process)) or (case.page is not None and in_process)
]


@pytest.mark.parametrize(("case", "in_process"), WAYS)
def test_the_output_is_the_approved_golden_file(case, in_process):
    path = GOLDEN / case.name
    assert path.exists(), f"{case.name} mangler. Kjør: .venv/bin/python -m tests.golden --godta, og les filen."
    new = produce(case, in_process)
    assert new == path.read_text(encoding="utf-8"), (
        f"{case.name} er endret. Se hva med: .venv/bin/python -m tests.golden\n{diff(case, new)}"
    )
