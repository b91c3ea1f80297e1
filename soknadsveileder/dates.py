"""Dates as people write them: «7. desember 2026», not 2026-12-07."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """«7. desember 2026»."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
