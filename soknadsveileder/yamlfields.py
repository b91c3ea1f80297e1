"""Typed fields out of YAML nodes, with a Norwegian issue for every problem.

The generic half of the rule-base loader: tables with required and optional keys, lists,
text, ids, yes/no, whole numbers and dates. `rules.py` builds the model on top of it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Issue
from .yamlsafe import BOOL, INT, NULL, STR, describe

_ID_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n", "ja", "nei"})

T = TypeVar("T")
# What a maintainer should write when a key is missing, where the key alone does not say.
_MISSING_HINTS = {
    "sitat": "skriv ordene i kilden som støtter teksten, ordrett og på kildens språk",
    "kilde": "skriv id-en til en kilde under «kilder» øverst i filen",
}
Fields = dict[str, tuple[ScalarNode, Node]]


class NodeReader:
    """Reads typed values out of YAML nodes and records every issue on the way.

    Each reader returns None on a problem after recording it, so a caller can go on and
    report the next problem too.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.issues: list[Issue] = []
        self.lines: dict[int, int] = {}  # id(object built) -> the line it came from, for lint

    # Reporting

    def error(self, node: Node, path: str, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(self.name, node.start_mark.line + 1, path, message, hint))

    def suggest(self, word: str, options: list[str], label: str = "gyldige verdier") -> str | None:
        close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
        if close:
            return f"mente du '{close[0]}'?"
        return f"{label}: " + ", ".join(options) if options else None

    # Shapes

    def mapping(
        self, node: Node, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> Fields | None:
        if not isinstance(node, MappingNode):
            self.error(node, path, f"Forventet en tabell med nøklene {', '.join(required)}, fant {describe(node)}.")
            return None
        fields: Fields = {}
        known = list(required + optional)
        misspelled: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                self.error(key_node, path, f"Nøkkelen må være tekst, fant {describe(key_node)}.")
                continue
            key = key_node.value
            key_path = join(path, key)
            if key in fields:
                first = fields[key][0].start_mark.line + 1
                self.error(key_node, key_path, f"Nøkkelen '{key}' står to ganger (første gang på linje {first}).")
                continue
            if key not in known:
                self.error(key_node, key_path, f"Ukjent nøkkel '{key}'.", self.suggest(key, known, "gyldige nøkler"))
                misspelled.update(difflib.get_close_matches(key, known, n=1, cutoff=0.6))
                continue
            fields[key] = (key_node, value_node)
        for key in required:
            # A misspelt key already has its own error with the right spelling as the hint.
            if key not in fields and key not in misspelled:
                self.error(node, path, f"Mangler nøkkelen '{key}'.", _MISSING_HINTS.get(key))
        return fields

    def sequence(self, node: Node, path: str, *, non_empty: bool = False) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.error(node, path, f"Forventet en liste (linjer som starter med «- »), fant {describe(node)}.")
            return []
        if non_empty and not node.value:
            self.error(node, path, "Listen kan ikke være tom.")
        return list(node.value)

    def located(
        self, node: Node, path: str, build: Callable[[Node, str], T | None], *, non_empty: bool = False
    ) -> list[tuple[T, Node, str]]:
        """Build each list item; keep the ones that built, with their node and path."""
        out = []
        for i, item in enumerate(self.sequence(node, path, non_empty=non_empty)):
            item_path = f"{path}[{i}]"
            value = build(item, item_path)
            if value is not None:
                self.lines[id(value)] = item.start_mark.line + 1
                out.append((value, item, item_path))
        return out

    def items(
        self, node: Node, path: str, build: Callable[[Node, str], T | None], *, non_empty: bool = False
    ) -> list[T]:
        return [value for value, _, _ in self.located(node, path, build, non_empty=non_empty)]

    # Scalars

    def text(self, node: Node, path: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == STR:
            value = " ".join(node.value.split()) if "\n" in node.value else node.value.strip()
            if not value:
                self.error(node, path, "Teksten kan ikke være tom.")
                return None
            return value
        hint = "sett teksten i anførselstegn" if isinstance(node, ScalarNode) else None
        self.error(node, path, f"Forventet tekst, fant {describe(node)}.", hint)
        return None

    def ident(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not _ID_RE.match(value):
            self.error(
                node,
                path,
                f"Ugyldig id '{value}'.",
                "bruk små bokstaver a–z, sifre, - og _ (ikke æ, ø, å), og start med en bokstav",
            )
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return str(node.value).lower() == "true"
        hint = "skriv true eller false"
        if isinstance(node, ScalarNode) and node.value.lower() in _YAML11_BOOLS:
            hint = f"skriv true eller false, ikke '{node.value}'"
        self.error(node, path, f"Forventet true eller false, fant {describe(node)}.", hint)
        return None

    def integer(self, node: Node, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if not (isinstance(node, ScalarNode) and node.tag == INT):
            self.error(
                node, path, f"Forventet et heltall, fant {describe(node)}.", "skriv tallet uten mellomrom og desimaler"
            )
            return None
        value = int(node.value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            span = f"fra {minimum}" if maximum is None else f"fra {minimum} til {maximum}"
            self.error(node, path, f"Tallet {value} er utenfor det tillatte området ({span}).")
            return None
        return value

    def date(self, node: Node, path: str) -> dt.date | None:
        raw = node.value if isinstance(node, ScalarNode) else None
        if not isinstance(raw, str) or node.tag != STR or not _DATE_RE.match(raw.strip()):
            self.error(
                node,
                path,
                f"Forventet en dato på formen ÅÅÅÅ-MM-DD, fant {describe(node)}.",
                'for eksempel "2021-09-15"',
            )
            return None
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            self.error(node, path, f"Datoen {raw.strip()} finnes ikke.", "sjekk dag og måned")
            return None

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == NULL

    def unique(self, pairs: list[tuple[str, Node, str]], what: str) -> None:
        seen: dict[str, Node] = {}
        for value, node, path in pairs:
            if value in seen:
                line = seen[value].start_mark.line + 1
                self.error(node, path, f"{what} '{value}' er brukt før (linje {line}).", "hver id må være unik")
            else:
                seen[value] = node


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# What an item of each list is called, named by its id and by its number. A list not named
# here gets «element nr. N i «name»».
_ITEM_NAMES = {
    "ordninger": ("ordningen", "ordning"),
    "sporsmal": ("spørsmålet", "spørsmål"),
    "sjekkpunkter": ("sjekkpunktet", "sjekkpunkt"),
    "kilder": ("kilden", "kilde"),
    "vilkaar": ("vilkåret", "vilkår"),
    "verdier": ("verdien", "verdi"),
    "historikk": ("historikken", "historikk"),
    "merknader": ("merknaden", "merknad"),
    "uavklart": ("uavklart-teksten", "uavklart"),
    "rangering": ("rangeringen", "rangering"),
    "andre_muligheter": ("muligheten", "annen mulighet"),
    "sjekkliste": ("sjekkliste-punktet", "sjekkliste-punkt"),
    "belegg": ("belegget", "belegg"),
    "en_av": ("alternativet", "alternativ"),
    "minst_en": ("alternativet", "alternativ"),
    "alle": ("delen", "del"),
}
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def in_words(root: Node | None, path: str) -> str:
    """A path as a maintainer reads it: «ordningen «industrifagskolen», kilde nr. 4» for
    `ordninger[2].kilder[3]`. A list item with an `id` is named by it, others by number
    (from 1); a key is named as it is written. The path itself follows in parentheses."""
    if not path:
        return path
    words: list[str] = []
    keys: list[str] = []  # keys in a row: «feltet «aar» under «midler»»

    def said(keys: list[str]) -> list[str]:
        if not keys:
            return []
        under = f" under «{' › '.join(keys[:-1])}»" if len(keys) > 1 else ""
        return [f"feltet «{keys[-1]}»{under}"]

    node: Node | None = root
    for name, indices in _SEGMENT.findall(path):
        node = _child(node, name)
        positions = [int(i) for i in re.findall(r"\d+", indices)]
        if not positions:
            keys.append(name)
            continue
        for position in positions:
            node = node.value[position] if isinstance(node, SequenceNode) and position < len(node.value) else None
            names = _ITEM_NAMES.get(name)
            ident = _child(node, "id")
            if names is None:  # a plain list of values, under the keys before it
                words.append(f"element nr. {position + 1} i «{' › '.join([*keys, name])}»")
                keys = []
                continue
            words += said(keys)
            keys = []
            if isinstance(ident, ScalarNode) and ident.value:
                words.append(f"{names[0]} «{ident.value}»")
            else:
                words.append(f"{names[1]} nr. {position + 1}")
    return ", ".join(words + said(keys)) + f" ({path})"


def _child(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v if isinstance(v, Node) else None
    return None
