"""Safe YAML reading for the rule base: text -> nodes, and nothing more.

The rule base is composed into nodes here, never constructed into Python objects:

* A resolver that knows only YAML 1.2 core scalars. ``no``, ``on`` and ``ja`` stay text,
  and ``2021-09-15`` stays text until a field that wants a date parses it.
* Aliases are refused while composing, before they are resolved, so an alias bomb costs
  nothing. Explicit tags (``!!python/...``) are refused before any value is built.
* Every failure becomes an `Issue` with file and line, in Norwegian.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .problems import Issue, RuleBaseError

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
ALLOWED_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL, SEQ, MAP})


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema scalars only: no yes/no/on/off booleans, no implicit dates."""


_CoreResolver.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreResolver.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_CoreResolver.add_implicit_resolver(INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_CoreResolver.add_implicit_resolver(
    FLOAT, re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"), list("-+.0123456789")
)


class _AliasError(yaml.MarkedYAMLError):
    pass


class _Loader(Reader, Scanner, Parser, Composer, _CoreResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        # Refusing aliases here, before they are resolved, makes an alias bomb cost nothing.
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasError(None, None, "alias", event.start_mark)
        return super().compose_node(parent, index)


def _fast_loader() -> Any:
    """A libyaml composer with the YAML 1.2 core resolver, or None without libyaml."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class _Fast(CParser, _CoreResolver):  # libyaml calls back into the resolver for scalars
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _CoreResolver.__init__(self)

    return _Fast


_FAST_LOADER = _fast_loader()


def compose(text: str, name: str) -> Node | None:
    """Text -> nodes, refusing aliases and reporting problems with a line number.

    libyaml composes a valid file several times faster than PyYAML's pure-Python parser, and
    the rule base is read on every start. It is used first; anything it would handle
    differently (an alias, a character outside YAML's set, any error at all) goes through
    the pure-Python path, which gives the messages and line numbers the maintainers see.
    """
    ok, root = _compose_fast(text)
    return root if ok else _compose_checked(text, name)


def _compose_fast(text: str) -> tuple[bool, Node | None]:
    """(True, nodes) when libyaml composed a plain file; (False, None) to take the checked path."""
    if _FAST_LOADER is None or Reader.NON_PRINTABLE.search(text):
        return False, None
    loader = _FAST_LOADER(text)
    try:
        root: Node | None = loader.get_single_node()
    except yaml.YAMLError:
        return False, None
    finally:
        loader.dispose()
    # libyaml resolves an alias to the node it names: a node reached twice is an alias.
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return False, None
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack += [key, value]
    return True, root


def excerpt(text: str, line: int, column: int, before: int = 2, after: int = 1) -> str:
    """The lines around `line` (1-based), numbered, with «>» at the line and «^» under the column."""
    lines = text.splitlines()
    first, last = max(1, line - before), min(len(lines), line + after)
    width = len(str(last))
    out = []
    for n in range(first, last + 1):
        mark = ">" if n == line else " "
        out.append(f"  {mark} {n:>{width}} | {lines[n - 1]}")
        if n == line:
            out.append("    " + " " * width + " | " + " " * column + "^")
    return "\n".join(out)


def _compose_checked(text: str, name: str) -> Node | None:
    def issue(line: int, message: str, hint: str | None = None) -> RuleBaseError:
        return RuleBaseError([Issue(name, line, "", message, hint)])

    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader checks every character already here
        return loader.get_single_node()
    except _AliasError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 1
        raise issue(line, "YAML-aliaser (*navn) er ikke tillatt.", "skriv verdien ut der den trengs") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        # «could not find expected ':'» is found on the line after the one that lacks it: the
        # key that began there is the line to fix.
        if e.context_mark is not None and "expected ':'" in (e.problem or ""):
            mark = e.context_mark
        line = mark.line + 1 if mark else 1
        problem = _yaml_problem(e.problem or "")
        found = issue(line, f"Ugyldig YAML: {problem}", "sjekk innrykk, kolon og anførselstegn")
        column = mark.column if mark else 0
        found.issues[0] = replace(found.issues[0], excerpt=excerpt(text, line, column))
        raise found from None
    except yaml.YAMLError as e:
        # Reader errors (control characters and the like) carry a position, not a mark.
        position = getattr(e, "position", 0) or 0
        line = text[:position].count("\n") + 1
        raise issue(line, "Filen inneholder tegn som YAML ikke tillater.", "fjern kontrolltegn") from None
    finally:
        if loader is not None:
            loader.dispose()


_YAML_PROBLEMS = [
    ("expected <block end>", "innrykket stemmer ikke med linjene rundt."),
    (
        "mapping values are not allowed here",
        "kolon på et sted der det ikke kan stå. Oftest er innrykket feil: sjekk at linjen, og linjen "
        "over, står like langt inn som nøklene ved siden av. Står det en tekst med «: », sett den i "
        "anførselstegn.",
    ),
    ("cannot start any token", "et tegn som ikke kan starte en verdi her (tabulator? bruk mellomrom)."),
    ("could not find expected ':'", "mangler kolon etter en nøkkel."),
    ("found unexpected end of stream", "filen slutter midt i en verdi (mangler et avsluttende anførselstegn?)."),
    ("expected ',' or ']'", "en liste i [ ] er ikke lukket riktig."),
    ("expected ',' or '}'", "en tabell i { } er ikke lukket riktig."),
    ("found duplicate anchor", "samme anker (&navn) er brukt to ganger."),
]


def _yaml_problem(problem: str) -> str:
    for english, norwegian in _YAML_PROBLEMS:
        if english in problem:
            return norwegian
    return f"{problem.strip() or 'ukjent feil'} (melding fra YAML-leseren)."


def keys(node: Node) -> set[str]:
    if not isinstance(node, MappingNode):
        return set()
    return {k.value for k, _ in node.value if isinstance(k, ScalarNode)}


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "en tabell"
    if isinstance(node, SequenceNode):
        return "en liste"
    if isinstance(node, ScalarNode):
        if node.tag == NULL:
            return "ingenting"
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "…"
        return f"'{shown}'"
    return "noe ukjent"


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, SequenceNode):
        for child in node.value:
            yield from walk(child)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield from walk(key)
            yield from walk(value)


def refused_tags(root: Node, name: str) -> list[Issue]:
    """Explicit tags such as ``!!python/object/apply``, refused before any value is built."""
    issues = []
    for node in walk(root):
        if node.tag not in ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            issues.append(
                Issue(
                    name,
                    node.start_mark.line + 1,
                    "",
                    f"YAML-taggen '{tag}' er ikke tillatt.",
                    "fjern taggen (ordet som starter med !)",
                )
            )
    return issues
