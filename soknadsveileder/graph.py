"""The flow of the rule base as a diagram: Mermaid (GitHub shows it) or Graphviz dot.

Questions come in the order the guide asks them, each with the `naar` that decides whether
it is asked; each scheme is linked from the questions its conditions read, labelled with
the condition in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from .describe import condition_text
from .model import RuleBase, condition_questions


def _quote(text: str) -> str:
    return text.replace('"', "'")


@dataclass(frozen=True)
class _Graph:
    """The diagram without a format: question and scheme boxes, the order the questions are
    asked in (with the condition for asking), and which questions each scheme reads."""

    questions: list[tuple[str, str]]  # (id, label)
    schemes: list[tuple[str, str]]
    order: list[tuple[str, str, str | None]]  # (question before, question after, "når …")
    reads: list[tuple[str, str, str]]  # (question, scheme, condition)


def _order(rules: RuleBase) -> list[tuple[str, str, str | None]]:
    """The edges between questions, as a reader of a flowchart takes them.

    A question with `naar` hangs from the question(s) that decide whether it is asked,
    labelled with the condition. A question without it follows the last question before it
    that is always asked, so no edge joins two questions that are never asked together.
    """
    edges: list[tuple[str, str, str | None]] = []
    last_always: str | None = None
    for q in rules.questions:
        if q.when is None:
            if last_always is not None:
                edges.append((last_always, q.id, None))
            last_always = q.id
            continue
        label = _quote(f"når {condition_text(q.when, rules)}")
        edges += [(decider, q.id, label) for decider in sorted(condition_questions(q.when))]
    return edges


def _graph(rules: RuleBase) -> _Graph:
    reads = [
        (qid, s.id, _quote(condition_text(c.condition, rules)))
        for s in rules.schemes
        for c in s.criteria
        for qid in sorted(condition_questions(c.condition))
    ]
    # The unclear cases: the scheme is «kanskje» there, never ruled out.
    reads += [
        (qid, s.id, _quote(f"kanskje når {condition_text(u.when, rules)}"))
        for s in rules.schemes
        for c in s.criteria
        for u in c.unclear
        for qid in sorted(condition_questions(u.when))
    ]
    return _Graph(
        questions=[(q.id, _quote(f"{q.id}: {q.text}")) for q in rules.questions],
        schemes=[(s.id, _quote(s.name)) for s in rules.schemes],
        order=_order(rules),
        reads=reads,
    )


def mermaid(rules: RuleBase) -> str:
    g = _graph(rules)
    lines = ["flowchart TD"]
    lines += [f'  q_{_node(q)}["{label}"]' for q, label in g.questions]
    lines += [f"  q_{_node(a)} -->{_label(when, _MERMAID_LABEL)} q_{_node(b)}" for a, b, when in g.order]
    for s, name in g.schemes:
        lines.append(f'  s_{_node(s)}[["{name}"]]')
        lines += [f'  q_{_node(q)} -.->|"{text}"| s_{_node(s)}' for q, s2, text in g.reads if s2 == s]
    return "\n".join(lines) + "\n"


def dot(rules: RuleBase) -> str:
    g = _graph(rules)
    lines = ["digraph regelverk {", "  rankdir=TB;", '  node [fontname="sans-serif"];']
    lines += [f'  "q_{q}" [shape=box, label="{label}"];' for q, label in g.questions]
    lines += [f'  "q_{a}" -> "q_{b}"{_label(when, _DOT_LABEL)};' for a, b, when in g.order]
    for s, name in g.schemes:
        lines.append(f'  "s_{s}" [shape=doubleoctagon, label="{name}"];')
        lines += [f'  "q_{q}" -> "s_{s}" [style=dashed, label="{text}"];' for q, s2, text in g.reads if s2 == s]
    lines.append("}")
    return "\n".join(lines) + "\n"


_MERMAID_LABEL = '|"{}"|'
_DOT_LABEL = ' [label="{}"]'


def _label(when: str | None, form: str) -> str:
    return "" if when is None else form.format(when)


def _node(identifier: str) -> str:
    return identifier.replace("-", "_")
