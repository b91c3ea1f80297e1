"""Every output surface against its golden file, read and approved by hand (tests/golden.py)."""

from __future__ import annotations

import pytest

from .golden import CASES, GOLDEN, diff, produce


@pytest.mark.parametrize("in_process", [False, True], ids=["prosess", "cliRunner"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_output_is_the_approved_golden_file(case, in_process):
    path = GOLDEN / case.name
    assert path.exists(), f"{case.name} mangler. Kjør: .venv/bin/python -m tests.golden --godta, og les filen."
    new = produce(case, in_process)
    assert new == path.read_text(encoding="utf-8"), (
        f"{case.name} er endret. Se hva med: .venv/bin/python -m tests.golden\n{diff(case, new)}"
    )
