"""Conditions and answer sets in words, for maintainers: the diagram, `endringer` and lint.

{sporsmal: behov, er: fagbrev}                 -> behov er fagbrev
{sporsmal: bransje, en_av: [industri, bygg]}   -> bransje har industri eller bygg
{sporsmal: praksis_aar, min: 1, maks: 4}       -> praksis_aar er 1–4
{alle: [...]}, {minst_en: [...]}, {ikke: ...}  -> … og …, (… eller …), ikke (…)
"""

from __future__ import annotations

from .model import AllOf, Answered, AnyOf, Between, Condition, Equals, Not, OneOf, RuleBase


def condition_text(condition: Condition, rules: RuleBase | None = None) -> str:
    def verb(question_id: str) -> str:
        if rules is not None:
            try:
                return "har" if rules.question(question_id).multiple else "er"
            except KeyError:
                pass
        return "er"

    if isinstance(condition, Equals):
        value = condition.value
        shown = ("ja" if value else "nei") if isinstance(value, bool) else str(value)
        return f"{condition.question} {verb(condition.question)} {shown}"
    if isinstance(condition, OneOf):
        order = _choice_order(condition.question, rules)
        values = sorted(condition.values, key=lambda v: (order.get(v, len(order)), v))
        joined = ", ".join(values[:-1]) + " eller " + values[-1] if len(values) > 1 else values[0]
        return f"{condition.question} {verb(condition.question)} {joined}"
    if isinstance(condition, Between):
        q, lo, hi = condition.question, condition.minimum, condition.maximum
        if lo is not None and hi is not None:
            return f"{q} er {lo}" if lo == hi else f"{q} er {lo}–{hi}"
        if lo is not None:
            return f"{q} er minst {lo}"
        return f"{q} er høyst {hi}"
    if isinstance(condition, Answered):
        return f"{condition.question} er {'besvart' if condition.answered else 'ikke besvart'}"
    if isinstance(condition, AllOf):
        return " og ".join(_part(c, rules) for c in condition.items)
    if isinstance(condition, AnyOf):
        return " eller ".join(_part(c, rules) for c in condition.items)
    assert isinstance(condition, Not)
    return f"ikke ({condition_text(condition.item, rules)})"


def _part(condition: Condition, rules: RuleBase | None) -> str:
    text = condition_text(condition, rules)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _choice_order(question_id: str, rules: RuleBase | None) -> dict[str, int]:
    if rules is None:
        return {}
    try:
        return {c.value: i for i, c in enumerate(rules.question(question_id).choices)}
    except KeyError:
        return {}
