"""YAML -> model. Strict: every problem is reported at once, each with file, line and path.

The rule base is edited by hand every year by people who are not programmers, so this
module is deliberately unforgiving and deliberately chatty:

* It composes the YAML into nodes itself, with a resolver that knows only YAML 1.2 core
  scalars. ``no``, ``on`` and ``ja`` stay text, and ``2021-09-15`` stays text until a
  field that wants a date parses it. A yes/no field given ``no`` gets a hint.
* Aliases and tags are refused before anything is built, so an alias bomb costs nothing and
  ``!!python/...`` never reaches a constructor.
* Each check adds an `Issue` and carries on, so one run shows every mistake.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .files import FileProblem, read_bytes
from .model import (
    APPLICANT_TYPES,
    AllOf,
    Answered,
    AnyOf,
    Between,
    ChecklistItem,
    Choice,
    Condition,
    Criterion,
    Deadline,
    Equals,
    Funds,
    Not,
    OneOf,
    Question,
    QuestionType,
    RankRule,
    RuleBase,
    Scheme,
    Source,
)

ENV_VAR = "SOKNAD_REGLER"
RESERVED_IDS = frozenset({"id", "navn", "svar", "regelverk", "dato", "nr"})
_ID_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n", "ja", "nei"})
_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Issue:
    """One problem in a rule base, located precisely enough to fix without searching."""

    file: str
    line: int
    path: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        # Line 0 is a problem with the file itself (missing, unreadable), not a place in it.
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class RuleBaseError(Exception):
    """The rule base could not be read or is invalid. Carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line))
        super().__init__("\n".join(str(i) for i in self.issues))


# --- Finding and reading the file -------------------------------------------------------


def bundled_path() -> Path:
    """The rule base shipped with the package.

    A wheel carries it inside the package (mapped there at build time); a source checkout
    or an editable install reads the same file at ``data/schemes.yaml`` in the repository.
    """
    packaged = resources.files("soknadsveileder") / "data" / "schemes.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data" / "schemes.yaml"


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, turning every failure into an `Issue`."""
    try:
        data = read_bytes(path, _MAX_BYTES)
    except FileProblem as e:
        raise RuleBaseError([Issue(str(path), 0, "", e.reason)]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        hint = "lagre filen som UTF-8 i redigeringsprogrammet"
        raise RuleBaseError([Issue(str(path), line, "", "Filen er ikke gyldig UTF-8.", hint)]) from None


def load(path: Path | None = None) -> RuleBase:
    """Load and validate a rule base; the bundled one when `path` is None."""
    real = path if path is not None else bundled_path()
    return parse(read_text(real), str(real), real)


# --- YAML to nodes ----------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP})


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema scalars only: no yes/no/on/off booleans, no implicit dates."""


_CoreResolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreResolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_CoreResolver.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_CoreResolver.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"), list("-+.0123456789")
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


def _compose(text: str, name: str) -> Node | None:
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
        line = mark.line + 1 if mark else 1
        problem = _yaml_problem(e.problem or "")
        raise issue(line, f"Ugyldig YAML: {problem}", "sjekk innrykk, kolon og anførselstegn") from None
    except yaml.YAMLError as e:
        # Reader errors (control characters and the like) carry a position, not a mark.
        position = getattr(e, "position", 0) or 0
        line = text[:position].count("\n") + 1
        raise issue(line, "Filen inneholder tegn som YAML ikke tillater.", "fjern kontrolltegn") from None
    finally:
        if loader is not None:
            loader.dispose()


# --- Nodes to model ---------------------------------------------------------------------

T = TypeVar("T")
Fields = dict[str, tuple[ScalarNode, Node]]


class _Builder:
    """Walks the node tree, builds model objects and records every issue on the way."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.issues: list[Issue] = []
        self.questions: dict[str, Question] = {}

    # Reporting

    def error(self, node: Node, path: str, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(self.name, node.start_mark.line + 1, path, message, hint))

    def _suggest(self, word: str, options: list[str], label: str = "gyldige verdier") -> str | None:
        close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
        if close:
            return f"mente du '{close[0]}'?"
        return f"{label}: " + ", ".join(options) if options else None

    # Shapes

    def mapping(
        self, node: Node, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> Fields | None:
        if not isinstance(node, MappingNode):
            self.error(node, path, f"Forventet en tabell med nøklene {', '.join(required)}, fant {_describe(node)}.")
            return None
        fields: Fields = {}
        known = list(required + optional)
        misspelled: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                self.error(key_node, path, f"Nøkkelen må være tekst, fant {_describe(key_node)}.")
                continue
            key = key_node.value
            key_path = _join(path, key)
            if key in fields:
                first = fields[key][0].start_mark.line + 1
                self.error(key_node, key_path, f"Nøkkelen '{key}' står to ganger (første gang på linje {first}).")
                continue
            if key not in known:
                self.error(key_node, key_path, f"Ukjent nøkkel '{key}'.", self._suggest(key, known, "gyldige nøkler"))
                misspelled.update(difflib.get_close_matches(key, known, n=1, cutoff=0.6))
                continue
            fields[key] = (key_node, value_node)
        for key in required:
            # A misspelt key already has its own error with the right spelling as the hint.
            if key not in fields and key not in misspelled:
                self.error(node, path, f"Mangler nøkkelen '{key}'.")
        return fields

    def sequence(self, node: Node, path: str, *, non_empty: bool = False) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.error(node, path, f"Forventet en liste (linjer som starter med «- »), fant {_describe(node)}.")
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
                out.append((value, item, item_path))
        return out

    def items(
        self, node: Node, path: str, build: Callable[[Node, str], T | None], *, non_empty: bool = False
    ) -> list[T]:
        return [value for value, _, _ in self.located(node, path, build, non_empty=non_empty)]

    # Scalars

    def text(self, node: Node, path: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == _STR:
            value = " ".join(node.value.split()) if "\n" in node.value else node.value.strip()
            if not value:
                self.error(node, path, "Teksten kan ikke være tom.")
                return None
            return value
        hint = "sett teksten i anførselstegn" if isinstance(node, ScalarNode) else None
        self.error(node, path, f"Forventet tekst, fant {_describe(node)}.", hint)
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
        if isinstance(node, ScalarNode) and node.tag == _BOOL:
            return str(node.value).lower() == "true"
        hint = "skriv true eller false"
        if isinstance(node, ScalarNode) and node.value.lower() in _YAML11_BOOLS:
            hint = f"skriv true eller false, ikke '{node.value}'"
        self.error(node, path, f"Forventet true eller false, fant {_describe(node)}.", hint)
        return None

    def integer(self, node: Node, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if not (isinstance(node, ScalarNode) and node.tag == _INT):
            self.error(
                node, path, f"Forventet et heltall, fant {_describe(node)}.", "skriv tallet uten mellomrom og desimaler"
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
        if not isinstance(raw, str) or node.tag != _STR or not _DATE_RE.match(raw.strip()):
            self.error(
                node,
                path,
                f"Forventet en dato på formen ÅÅÅÅ-MM-DD, fant {_describe(node)}.",
                'for eksempel "2021-09-15"',
            )
            return None
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            self.error(node, path, f"Datoen {raw.strip()} finnes ikke.", "sjekk dag og måned")
            return None

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL

    def unique(self, pairs: list[tuple[str, Node, str]], what: str) -> None:
        seen: dict[str, Node] = {}
        for value, node, path in pairs:
            if value in seen:
                line = seen[value].start_mark.line + 1
                self.error(node, path, f"{what} '{value}' er brukt før (linje {line}).", "hver id må være unik")
            else:
                seen[value] = node

    # The rule base

    def rule_base(self, root: Node | None, path: Path | None) -> RuleBase | None:
        if root is None:
            self.issues.append(
                Issue(
                    self.name,
                    1,
                    "",
                    "Filen er tom.",
                    "start med nøklene versjon, oppdatert, sporsmal, sjekkpunkter og ordninger",
                )
            )
            return None
        if not _check_tags(root, self):
            return None
        f = self.mapping(root, "", ("versjon", "oppdatert", "sporsmal", "sjekkpunkter", "ordninger"))
        if f is None:
            return None
        version = self.text(f["versjon"][1], "versjon") if "versjon" in f else None
        updated = self.date(f["oppdatert"][1], "oppdatert") if "oppdatert" in f else None

        questions: list[Question] = []
        if "sporsmal" in f:
            for i, node in enumerate(self.sequence(f["sporsmal"][1], "sporsmal", non_empty=True)):
                q = self.question(node, f"sporsmal[{i}]")
                if q is not None:
                    if q.id in self.questions:
                        self.error(
                            node, f"sporsmal[{i}].id", f"Spørsmålet '{q.id}' finnes fra før.", "hver id må være unik"
                        )
                    else:
                        self.questions[q.id] = q
                        questions.append(q)

        items: dict[str, ChecklistItem] = {}
        if "sjekkpunkter" in f:
            built = self.located(f["sjekkpunkter"][1], "sjekkpunkter", self.checklist_item, non_empty=True)
            self.unique([(c.id, n, f"{p}.id") for c, n, p in built], "Sjekkpunktet")
            items = {c.id: c for c, _, _ in built}

        schemes: list[Scheme] = []
        if "ordninger" in f:
            nodes = self.sequence(f["ordninger"][1], "ordninger", non_empty=True)
            for i, node in enumerate(nodes):
                s = self.scheme(node, f"ordninger[{i}]", items)
                if s is not None:
                    if any(other.id == s.id for other in schemes):
                        self.error(
                            node, f"ordninger[{i}].id", f"Ordningen '{s.id}' finnes fra før.", "hver id må være unik"
                        )
                    else:
                        schemes.append(s)

        if self.issues or version is None or updated is None:
            return None
        return RuleBase(version, updated, tuple(questions), tuple(schemes), items, path)

    def question(self, node: Node, path: str) -> Question | None:
        f = self.mapping(node, path, ("id", "type", "tekst", "hjelp", "vet_ikke"), ("verdier", "min", "maks", "naar"))
        if f is None or "id" not in f or "type" not in f:
            return None
        qid = self.ident(f["id"][1], _join(path, "id"))
        if qid is not None and qid in RESERVED_IDS:
            self.error(
                f["id"][1],
                _join(path, "id"),
                f"Id-en '{qid}' er reservert.",
                "reserverte id-er: " + ", ".join(sorted(RESERVED_IDS)),
            )
            qid = None
        qtype = self.text(f["type"][1], _join(path, "type"))
        if qtype not in ("valg", "ja_nei", "tall"):
            if qtype is not None:
                self.error(
                    f["type"][1],
                    _join(path, "type"),
                    f"Ukjent spørsmålstype '{qtype}'.",
                    self._suggest(qtype, ["valg", "ja_nei", "tall"]),
                )
            return None
        text = self.text(f["tekst"][1], _join(path, "tekst")) if "tekst" in f else None
        help_text = self.text(f["hjelp"][1], _join(path, "hjelp")) if "hjelp" in f else None
        allow_unknown = self.boolean(f["vet_ikke"][1], _join(path, "vet_ikke")) if "vet_ikke" in f else None

        choices: list[Choice] = []
        if qtype == "valg":
            if "verdier" not in f:
                self.error(node, path, "Et valg-spørsmål må ha 'verdier'.")
            else:
                located = self.located(f["verdier"][1], _join(path, "verdier"), self.choice, non_empty=True)
                self.unique([(c.value, n, f"{p}.verdi") for c, n, p in located], "Verdien")
                choices = [c for c, _, _ in located]
        elif "verdier" in f:
            self.error(
                f["verdier"][0], _join(path, "verdier"), f"Bare valg-spørsmål har 'verdier', ikke type '{qtype}'."
            )
        minimum = maximum = None
        for key in ("min", "maks"):
            if key in f:
                if qtype != "tall":
                    self.error(f[key][0], _join(path, key), f"Bare tall-spørsmål har '{key}'.")
                elif key == "min":
                    minimum = self.integer(f[key][1], _join(path, key))
                else:
                    maximum = self.integer(f[key][1], _join(path, key))
        if minimum is not None and maximum is not None and minimum > maximum:
            self.error(f["maks"][1], _join(path, "maks"), f"'maks' ({maximum}) er mindre enn 'min' ({minimum}).")
        # `naar` may only look back (self.questions holds the earlier questions), so the
        # order in the file is always an order in which the questions can be asked.
        # A bad `naar` is reported, but the question is still registered, so that the
        # conditions that refer to it do not pile up errors of their own.
        when = None
        if "naar" in f:
            when = self.condition(
                f["naar"][1], _join(path, "naar"), dict(self.questions), "spørsmål som står før dette"
            )
        if qid is None or text is None or help_text is None or allow_unknown is None:
            return None
        q_type: QuestionType = "valg" if qtype == "valg" else "ja_nei" if qtype == "ja_nei" else "tall"
        return Question(qid, q_type, text, help_text, allow_unknown, tuple(choices), minimum, maximum, when)

    def choice(self, node: Node, path: str) -> Choice | None:
        f = self.mapping(node, path, ("verdi", "tekst"))
        if f is None or len(f) < 2:
            return None
        value = self.ident(f["verdi"][1], _join(path, "verdi"))
        label = self.text(f["tekst"][1], _join(path, "tekst"))
        return Choice(value, label) if value is not None and label is not None else None

    def checklist_item(self, node: Node, path: str) -> ChecklistItem | None:
        f = self.mapping(node, path, ("id", "tekst"), ("naar",))
        if f is None or len(f.keys() & {"id", "tekst"}) < 2:
            return None
        cid = self.ident(f["id"][1], _join(path, "id"))
        text = self.text(f["tekst"][1], _join(path, "tekst"))
        when = self.condition(f["naar"][1], _join(path, "naar"), self.questions) if "naar" in f else None
        if cid is None or text is None or ("naar" in f and when is None):
            return None
        return ChecklistItem(cid, text, when)

    # Conditions

    def condition(
        self, node: Node, path: str, questions: dict[str, Question], scope: str = "spørsmålene"
    ) -> Condition | None:
        keys = _keys(node)
        combinators = keys & {"alle", "minst_en", "ikke"}
        if combinators:
            f = self.mapping(node, path, (), ("alle", "minst_en", "ikke"))
            if f is None:
                return None
            if len(f) != 1:
                self.error(
                    node,
                    path,
                    "Bruk bare én av 'alle', 'minst_en' og 'ikke' i samme betingelse.",
                    "legg den ene inni den andre",
                )
                return None
            key, (_, value) = next(iter(f.items()))
            if key == "ikke":
                inner = self.condition(value, _join(path, key), questions, scope)
                return Not(inner) if inner is not None else None
            parts = [
                self.condition(n, f"{path}.{key}[{i}]", questions, scope)
                for i, n in enumerate(self.sequence(value, _join(path, key), non_empty=True))
            ]
            if not parts or any(p is None for p in parts):
                return None
            items = tuple(p for p in parts if p is not None)
            return AllOf(items) if key == "alle" else AnyOf(items)

        f = self.mapping(node, path, ("sporsmal",), ("er", "en_av", "min", "maks", "besvart"))
        if f is None or "sporsmal" not in f:
            return None
        q_node = f["sporsmal"][1]
        qid = self.text(q_node, _join(path, "sporsmal"))
        if qid is None:
            return None
        question = questions.get(qid)
        if question is None:
            known = list(questions)
            self.error(
                q_node,
                _join(path, "sporsmal"),
                f"Ukjent spørsmål '{qid}' (betingelser kan bruke {scope}).",
                self._suggest(qid, known, "kjente spørsmål"),
            )
            return None
        tests = [k for k in ("er", "en_av", "besvart") if k in f] + (["min/maks"] if f.keys() & {"min", "maks"} else [])
        if len(tests) != 1:
            self.error(
                node,
                path,
                "En betingelse trenger nøyaktig én av 'er', 'en_av', 'min'/'maks' og 'besvart'.",
                f"fant: {', '.join(tests) or 'ingen'}",
            )
            return None
        test = tests[0]
        if test == "besvart":
            answered = self.boolean(f["besvart"][1], _join(path, "besvart"))
            return Answered(qid, answered) if answered is not None else None
        if test == "min/maks":
            if question.type != "tall":
                self.error(
                    node,
                    path,
                    f"'min' og 'maks' gjelder tall-spørsmål, men '{qid}' er av typen '{question.type}'.",
                    "bruk 'er' eller 'en_av'",
                )
                return None
            lo = self.integer(f["min"][1], _join(path, "min")) if "min" in f else None
            hi = self.integer(f["maks"][1], _join(path, "maks")) if "maks" in f else None
            if ("min" in f and lo is None) or ("maks" in f and hi is None):
                return None
            return Between(qid, lo, hi)
        if question.type == "tall":
            self.error(node, path, f"'{qid}' er et tall-spørsmål; bruk 'min' og 'maks'.")
            return None
        if test == "er":
            expected = self.answer_value(f["er"][1], _join(path, "er"), question)
            return Equals(qid, expected) if expected is not None else None
        if question.type != "valg":
            self.error(
                node,
                path,
                f"'en_av' gjelder valg-spørsmål, men '{qid}' er et ja/nei-spørsmål.",
                "bruk 'er: true' eller 'er: false'",
            )
            return None
        values = [
            self.answer_value(n, f"{path}.en_av[{i}]", question)
            for i, n in enumerate(self.sequence(f["en_av"][1], _join(path, "en_av"), non_empty=True))
        ]
        if not values or any(v is None for v in values):
            return None
        return OneOf(qid, frozenset(str(v) for v in values))

    def answer_value(self, node: Node, path: str, question: Question) -> str | bool | None:
        if question.type == "ja_nei":
            return self.boolean(node, path)
        value = self.text(node, path)
        if value is None:
            return None
        allowed = [c.value for c in question.choices]
        if value not in allowed:
            self.error(
                node, path, f"'{value}' er ikke en verdi for spørsmålet '{question.id}'.", self._suggest(value, allowed)
            )
            return None
        return value

    # Schemes

    def scheme(self, node: Node, path: str, items: dict[str, ChecklistItem]) -> Scheme | None:
        required = (
            "id",
            "navn",
            "beskrivelse",
            "forvalter",
            "soker",
            "for_hvem",
            "nivaa",
            "midler",
            "frist",
            "vilkaar",
            "sjekkliste",
            "kilder",
        )
        f = self.mapping(node, path, required, ("rangering", "merknader"))
        if f is None:
            return None

        def get(key: str, build: Callable[[Node, str], T | None]) -> T | None:
            return build(f[key][1], _join(path, key)) if key in f else None

        sid = get("id", self.ident)
        name = get("navn", self.text)
        description = get("beskrivelse", self.text)
        administrator = get("forvalter", self.text)
        applicant = get("soker", self.applicant)
        for_whom = get("for_hvem", self.text)
        level = get("nivaa", self.level)
        funds = get("midler", self.funds)
        deadline = get("frist", self.deadline)
        criteria = None
        if "vilkaar" in f:
            located = self.located(f["vilkaar"][1], _join(path, "vilkaar"), self.criterion, non_empty=True)
            self.unique([(c.id, n, f"{p}.id") for c, n, p in located], "Vilkåret")
            criteria = [c for c, _, _ in located]
        checklist = get("sjekkliste", lambda n, p: self.checklist_refs(n, p, items))
        sources = (
            self.items(f["kilder"][1], _join(path, "kilder"), self.source, non_empty=True) if "kilder" in f else None
        )
        ranking = self.items(f["rangering"][1], _join(path, "rangering"), self.rank_rule) if "rangering" in f else []
        notes = self.items(f["merknader"][1], _join(path, "merknader"), self.text) if "merknader" in f else []
        parts = (
            sid,
            name,
            description,
            administrator,
            applicant,
            for_whom,
            level,
            funds,
            deadline,
            criteria,
            checklist,
            sources,
        )
        if any(p is None for p in parts):
            return None
        assert sid and name and description and administrator and applicant and for_whom and level
        assert funds and deadline and criteria is not None and checklist is not None and sources is not None
        return Scheme(
            id=sid,
            name=name,
            description=description,
            administrator=administrator,
            applicant_types=applicant[0],
            applicant_text=applicant[1],
            for_whom=for_whom,
            nkr_levels=level[0],
            level_text=level[1],
            funds=funds,
            deadline=deadline,
            criteria=tuple(criteria),
            checklist=checklist,
            sources=tuple(sources),
            ranking=tuple(ranking),
            notes=tuple(notes),
        )

    def applicant(self, node: Node, path: str) -> tuple[tuple[str, ...], str] | None:
        f = self.mapping(node, path, ("typer", "tekst"))
        if f is None or len(f) < 2:
            return None
        located = self.located(f["typer"][1], _join(path, "typer"), self.text, non_empty=True)
        kinds = [k for k, _, _ in located]
        ok = bool(kinds)
        for kind, n, p in located:
            if kind not in APPLICANT_TYPES:
                self.error(n, p, f"Ukjent søkertype '{kind}'.", self._suggest(kind, list(APPLICANT_TYPES)))
                ok = False
        text = self.text(f["tekst"][1], _join(path, "tekst"))
        return (tuple(kinds), text) if ok and kinds and text else None

    def level(self, node: Node, path: str) -> tuple[tuple[int, ...], str] | None:
        f = self.mapping(node, path, ("nkr", "tekst"))
        if f is None or len(f) < 2:
            return None
        levels = self.items(
            f["nkr"][1], _join(path, "nkr"), lambda n, p: self.integer(n, p, minimum=1, maximum=8), non_empty=True
        )
        text = self.text(f["tekst"][1], _join(path, "tekst"))
        return (tuple(levels), text) if levels and text else None

    def funds(self, node: Node, path: str) -> Funds | None:
        f = self.mapping(node, path, ("belop", "aar", "omtrentlig"))
        if f is None or len(f) < 3:
            return None
        amount_node = f["belop"][1]
        amount = None if self.is_null(amount_node) else self.integer(amount_node, _join(path, "belop"), minimum=0)
        if amount is None and not self.is_null(amount_node):
            return None
        year = self.integer(f["aar"][1], _join(path, "aar"), minimum=2000, maximum=2100)
        approximate = self.boolean(f["omtrentlig"][1], _join(path, "omtrentlig"))
        return Funds(amount, year, approximate) if year is not None and approximate is not None else None

    def deadline(self, node: Node, path: str) -> Deadline | None:
        f = self.mapping(node, path, ("dato", "omtrentlig", "tekst"))
        if f is None or len(f) < 3:
            return None
        date_node = f["dato"][1]
        date = None if self.is_null(date_node) else self.date(date_node, _join(path, "dato"))
        if date is None and not self.is_null(date_node):
            return None
        approximate = self.boolean(f["omtrentlig"][1], _join(path, "omtrentlig"))
        text = self.text(f["tekst"][1], _join(path, "tekst"))
        return Deadline(date, approximate, text) if approximate is not None and text is not None else None

    def criterion(self, node: Node, path: str) -> Criterion | None:
        f = self.mapping(node, path, ("id", "hvis", "oppfylt", "ikke_oppfylt", "krav"))
        if f is None or len(f) < 5:
            return None
        cid = self.ident(f["id"][1], _join(path, "id"))
        cond = self.condition(f["hvis"][1], _join(path, "hvis"), self.questions)
        holds = self.text(f["oppfylt"][1], _join(path, "oppfylt"))
        fails = self.text(f["ikke_oppfylt"][1], _join(path, "ikke_oppfylt"))
        requirement = self.text(f["krav"][1], _join(path, "krav"))
        if cid is None or cond is None or holds is None or fails is None or requirement is None:
            return None
        return Criterion(cid, cond, holds, fails, requirement)

    def rank_rule(self, node: Node, path: str) -> RankRule | None:
        f = self.mapping(node, path, ("naar", "poeng", "tekst"))
        if f is None or len(f) < 3:
            return None
        cond = self.condition(f["naar"][1], _join(path, "naar"), self.questions)
        points = self.integer(f["poeng"][1], _join(path, "poeng"), minimum=-100, maximum=100)
        text = self.text(f["tekst"][1], _join(path, "tekst"))
        return RankRule(cond, points, text) if cond is not None and points is not None and text is not None else None

    def checklist_refs(self, node: Node, path: str, items: dict[str, ChecklistItem]) -> tuple[str, ...] | None:
        located = self.located(node, path, self.text, non_empty=True)
        ok = bool(located)
        for ref, n, p in located:
            if ref not in items:
                self.error(n, p, f"Ukjent sjekkpunkt '{ref}'.", self._suggest(ref, list(items)))
                ok = False
        self.unique(located, "Sjekkpunktet")
        return tuple(r for r, _, _ in located) if ok else None

    def source(self, node: Node, path: str) -> Source | None:
        f = self.mapping(node, path, ("tittel", "aar"), ("url", "dokument", "merknad"))
        if f is None or len(f.keys() & {"tittel", "aar"}) < 2:
            return None
        title = self.text(f["tittel"][1], _join(path, "tittel"))
        year = self.integer(f["aar"][1], _join(path, "aar"), minimum=1900, maximum=2100)
        url = self.text(f["url"][1], _join(path, "url")) if "url" in f else None
        document = self.text(f["dokument"][1], _join(path, "dokument")) if "dokument" in f else None
        note = self.text(f["merknad"][1], _join(path, "merknad")) if "merknad" in f else None
        if url is not None and not url.startswith(("https://", "http://")):
            self.error(f["url"][1], _join(path, "url"), f"Ugyldig adresse '{url}'.", "en url starter med https://")
            return None
        if "url" not in f and "dokument" not in f:
            self.error(node, path, "En kilde trenger 'url' eller 'dokument'.")
            return None
        if title is None or year is None:
            return None
        return Source(title, year, url, document, note)


def parse(text: str, name: str = "<regelverk>", path: Path | None = None) -> RuleBase:
    """Validate YAML text as a rule base. Raises `RuleBaseError` with every issue found."""
    root = _compose(text, name)
    builder = _Builder(name)
    rules = builder.rule_base(root, path)
    if builder.issues or rules is None:
        raise RuleBaseError(builder.issues or [Issue(name, 1, "", "Regelverket er ufullstendig.")])
    return rules


# --- Helpers ----------------------------------------------------------------------------

_YAML_PROBLEMS = [
    ("expected <block end>", "innrykket stemmer ikke med linjene rundt."),
    (
        "mapping values are not allowed here",
        "kolon på et sted der det ikke kan stå. Sett teksten i anførselstegn hvis den inneholder «: ».",
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


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keys(node: Node) -> set[str]:
    if not isinstance(node, MappingNode):
        return set()
    return {k.value for k, _ in node.value if isinstance(k, ScalarNode)}


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "en tabell"
    if isinstance(node, SequenceNode):
        return "en liste"
    if isinstance(node, ScalarNode):
        if node.tag == _NULL:
            return "ingenting"
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "…"
        return f"'{shown}'"
    return "noe ukjent"


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, SequenceNode):
        for child in node.value:
            yield from _walk(child)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _walk(key)
            yield from _walk(value)


def _check_tags(root: Node, builder: _Builder) -> bool:
    """Refuse explicit tags such as ``!!python/object/apply`` before any value is built."""
    ok = True
    for node in _walk(root):
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            builder.error(node, "", f"YAML-taggen '{tag}' er ikke tillatt.", "fjern taggen (ordet som starter med !)")
            ok = False
    return ok


__all__ = ["Issue", "RuleBaseError", "bundled_path", "load", "parse", "read_text"]
