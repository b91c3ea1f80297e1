"""The rule base's node tree -> model: sources, questions, checklist items, schemes.

`rules.parse` calls `build` only when it has no cached result for the text, so the YAML
modules are imported only then.

Every fact a user acts on is tied to a source: each source has an id under ``kilder``, a
scheme lists the ids it uses, and each condition and history entry of a scheme names one of
those. A condition without a source is an error, not a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import (
    APPLICANT_TYPES,
    EVIDENCE_FIELDS,
    FUNDS_KINDS,
    AllOf,
    Alternative,
    Answered,
    AnyOf,
    Between,
    ChecklistItem,
    Choice,
    Condition,
    Criterion,
    Deadline,
    Equals,
    Evidence,
    Funds,
    FundsKind,
    HistoryEntry,
    Not,
    Note,
    OneOf,
    Question,
    QuestionType,
    RankRule,
    Round,
    RuleBase,
    Scheme,
    Source,
    Unclear,
)
from .problems import Issue, RuleBaseError
from .yamlfields import Fields, NodeReader, in_words, join
from .yamlsafe import compose, keys, refused_tags

_ROUND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED_IDS = frozenset({"id", "navn", "svar", "regelverk", "dato", "nr"})
_TOP_KEYS = ("versjon", "oppdatert", "kilder", "sporsmal", "sjekkpunkter", "ordninger")
_MIN_YEAR, _MAX_YEAR = 1990, 2100

T = TypeVar("T")


def _named_fields(node: Node | None) -> set[str]:
    """The `gjelder` of each entry under a `belegg`, as written, whether or not it built."""
    named: set[str] = set()
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, MappingNode):
                named |= {v.value for k, v in item.value if k.value == "gjelder" and isinstance(v, ScalarNode)}
    return named


@dataclass
class _Facts:
    description: str | None
    applicant: tuple[tuple[str, ...], str] | None
    for_whom: str | None
    levels: tuple[tuple[int, ...], str] | None
    funds: Funds | None
    deadline: Deadline | None


class _Builder(NodeReader):
    """Builds the model from the node tree, recording every issue on the way."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.questions: dict[str, Question] = {}
        self.sources: dict[str, Source] = {}
        self.broken_sources: set[str] = set()  # ids of sources with errors of their own
        self.broken_items: set[str] = set()  # ids of checklist items with errors of their own
        self.updated_line = 1
        self.legacy: list[tuple[int, str]] = []  # (line, key) of keys from before «runder»

    def rule_base(self, root: Node | None, path: Path | None) -> RuleBase | None:
        if root is None:
            hint = "start med nøklene " + ", ".join(_TOP_KEYS[:-1]) + " og " + _TOP_KEYS[-1]
            self.issues.append(Issue(self.name, 1, "", "Filen er tom.", hint))
            return None
        refused = refused_tags(root, self.name)
        if refused:
            self.issues.extend(refused)
            return None
        f = self.mapping(root, "", _TOP_KEYS, ("andre_muligheter",))
        if f is None:
            return None
        version = self.text(f["versjon"][1], "versjon") if "versjon" in f else None
        updated = self.date(f["oppdatert"][1], "oppdatert") if "oppdatert" in f else None
        if "oppdatert" in f:
            self.updated_line = f["oppdatert"][1].start_mark.line + 1

        if "kilder" in f:
            built = self.located(f["kilder"][1], "kilder", self.source, non_empty=True)
            self.unique([(s.id, n, f"{p}.id") for s, n, p in built], "Kilden")
            self.sources = {s.id: s for s, _, _ in built}

        questions: list[Question] = []
        if "sporsmal" in f:
            for i, node in enumerate(self.sequence(f["sporsmal"][1], "sporsmal", non_empty=True)):
                q = self.question(node, f"sporsmal[{i}]")
                if q is None:
                    continue
                self.lines[id(q)] = node.start_mark.line + 1
                if q.id in self.questions:
                    self.error(
                        node, f"sporsmal[{i}].id", f"Spørsmålet '{q.id}' finnes fra før.", "hver id må være unik"
                    )
                else:
                    self.questions[q.id] = q
                    questions.append(q)

        items: dict[str, ChecklistItem] = {}
        if "sjekkpunkter" in f:
            located = self.located(f["sjekkpunkter"][1], "sjekkpunkter", self.checklist_item, non_empty=True)
            self.unique([(c.id, n, f"{p}.id") for c, n, p in located], "Sjekkpunktet")
            items = {c.id: c for c, _, _ in located}

        schemes: list[Scheme] = []
        if "ordninger" in f:
            for i, node in enumerate(self.sequence(f["ordninger"][1], "ordninger", non_empty=True)):
                s = self.scheme(node, f"ordninger[{i}]", items)
                if s is None:
                    continue
                self.lines[id(s)] = node.start_mark.line + 1
                if any(other.id == s.id for other in schemes):
                    self.error(
                        node, f"ordninger[{i}].id", f"Ordningen '{s.id}' finnes fra før.", "hver id må være unik"
                    )
                else:
                    schemes.append(s)

        alternatives: list[Alternative] = []
        if "andre_muligheter" in f:
            located_alts = self.located(f["andre_muligheter"][1], "andre_muligheter", self.alternative)
            self.unique([(a.id, n, f"{p}.id") for a, n, p in located_alts], "Muligheten")
            alternatives = [a for a, _, _ in located_alts]

        if self.issues or version is None or updated is None:
            return None
        return RuleBase(
            version, updated, tuple(questions), tuple(schemes), items, dict(self.sources), tuple(alternatives), path
        )

    # Sources

    def source(self, node: Node, path: str) -> Source | None:
        f = self.mapping(node, path, ("id", "tittel", "utgiver", "aar"), ("url", "merknad"))
        if f is None or "id" not in f:
            return None
        sid = self.ident(f["id"][1], join(path, "id"))
        if len(f.keys() & {"tittel", "utgiver", "aar"}) < 3:
            if sid is not None:
                self.broken_sources.add(sid)
            return None
        title = self.text(f["tittel"][1], join(path, "tittel"))
        publisher = self.text(f["utgiver"][1], join(path, "utgiver"))
        year = self.integer(f["aar"][1], join(path, "aar"), minimum=_MIN_YEAR, maximum=_MAX_YEAR)
        url = self.text(f["url"][1], join(path, "url")) if "url" in f else None
        note = self.text(f["merknad"][1], join(path, "merknad")) if "merknad" in f else None
        if url is not None and not url.startswith(("https://", "http://")):
            self.error(f["url"][1], join(path, "url"), f"Ugyldig adresse '{url}'.", "en url starter med https://")
            return None
        if sid is None or title is None or publisher is None or year is None or ("merknad" in f and note is None):
            if sid is not None:
                self.broken_sources.add(sid)  # already reported; references to it are not
            return None
        return Source(sid, title, publisher, year, url, note)

    def source_ref(self, node: Node, path: str, allowed: Mapping[str, Source] | None = None) -> Source | None:
        """A `kilde: id` reference: to any source, or to one of `allowed` (a scheme's own)."""
        sid = self.text(node, path)
        if sid is None:
            return None
        pool = self.sources if allowed is None else allowed
        if sid in pool:
            return pool[sid]
        if sid in self.broken_sources:
            return None
        if allowed is not None and sid in self.sources:
            self.error(
                node,
                path,
                f"Kilden '{sid}' står ikke under 'kilder' for denne ordningen.",
                f"legg '{sid}' til i ordningens liste over kilder",
            )
        else:
            self.error(node, path, f"Ukjent kilde '{sid}'.", self.suggest(sid, list(pool), "kjente kilder"))
        return None

    # Questions and checklist items

    def question(self, node: Node, path: str) -> Question | None:
        f = self.mapping(
            node,
            path,
            ("id", "type", "tekst", "hjelp", "vet_ikke"),
            ("verdier", "flervalg", "min", "maks", "omtrentlig", "naar", "forkast_svar_fra"),
        )
        if f is None or "id" not in f or "type" not in f:
            return None
        qid = self.ident(f["id"][1], join(path, "id"))
        if qid is not None and qid in RESERVED_IDS:
            self.error(
                f["id"][1],
                join(path, "id"),
                f"Id-en '{qid}' er reservert.",
                "reserverte id-er: " + ", ".join(sorted(RESERVED_IDS)),
            )
            qid = None
        qtype = self.text(f["type"][1], join(path, "type"))
        if qtype not in ("valg", "ja_nei", "tall"):
            if qtype is not None:
                self.error(
                    f["type"][1],
                    join(path, "type"),
                    f"Ukjent spørsmålstype '{qtype}'.",
                    self.suggest(qtype, ["valg", "ja_nei", "tall"]),
                )
            return None
        text = self.text(f["tekst"][1], join(path, "tekst")) if "tekst" in f else None
        help_text = self.text(f["hjelp"][1], join(path, "hjelp")) if "hjelp" in f else None
        allow_unknown = self.boolean(f["vet_ikke"][1], join(path, "vet_ikke")) if "vet_ikke" in f else None

        choices: list[Choice] = []
        multiple = False
        if qtype == "valg":
            if "verdier" not in f:
                self.error(node, path, "Et valg-spørsmål må ha 'verdier'.")
            else:
                located = self.located(f["verdier"][1], join(path, "verdier"), self.choice, non_empty=True)
                self.unique([(c.value, n, f"{p}.verdi") for c, n, p in located], "Verdien")
                choices = [c for c, _, _ in located]
            if "flervalg" in f:
                multiple = bool(self.boolean(f["flervalg"][1], join(path, "flervalg")))
        else:
            for key in ("verdier", "flervalg"):
                if key in f:
                    self.error(f[key][0], join(path, key), f"Bare valg-spørsmål har '{key}', ikke type '{qtype}'.")
        approximate = False
        if "omtrentlig" in f:
            if qtype != "tall":
                self.error(f["omtrentlig"][0], join(path, "omtrentlig"), "Bare tall-spørsmål har 'omtrentlig'.")
            else:
                approximate = bool(self.boolean(f["omtrentlig"][1], join(path, "omtrentlig")))
        minimum = maximum = None
        for key in ("min", "maks"):
            if key in f:
                if qtype != "tall":
                    self.error(f[key][0], join(path, key), f"Bare tall-spørsmål har '{key}'.")
                elif key == "min":
                    minimum = self.integer(f[key][1], join(path, key))
                else:
                    maximum = self.integer(f[key][1], join(path, key))
        if minimum is not None and maximum is not None and minimum > maximum:
            self.error(f["maks"][1], join(path, "maks"), f"'maks' ({maximum}) er mindre enn 'min' ({minimum}).")
        # `naar` may only look back (self.questions holds the earlier questions), so the
        # order in the file is always an order in which the questions can be asked.
        # A bad `naar` is reported, but the question is still registered, so that the
        # conditions that refer to it do not pile up errors of their own.
        when = None
        if "naar" in f:
            when = self.condition(f["naar"][1], join(path, "naar"), dict(self.questions), "spørsmål som står før dette")
        discard: list[str] = []
        if "forkast_svar_fra" in f:  # versions, as text: "2021.1", never the number 2021.1
            discard = self.items(f["forkast_svar_fra"][1], join(path, "forkast_svar_fra"), self.text, non_empty=True)
        if qid is None or text is None or help_text is None or allow_unknown is None:
            return None
        q_type: QuestionType = "valg" if qtype == "valg" else "ja_nei" if qtype == "ja_nei" else "tall"
        return Question(
            qid,
            q_type,
            text,
            help_text,
            allow_unknown,
            tuple(choices),
            minimum,
            maximum,
            when,
            multiple,
            tuple(discard),
            approximate,
        )

    def choice(self, node: Node, path: str) -> Choice | None:
        f = self.mapping(node, path, ("verdi", "tekst"))
        if f is None or len(f) < 2:
            return None
        value = self.ident(f["verdi"][1], join(path, "verdi"))
        label = self.text(f["tekst"][1], join(path, "tekst"))
        return Choice(value, label) if value is not None and label is not None else None

    def checklist_item(self, node: Node, path: str) -> ChecklistItem | None:
        f = self.mapping(node, path, ("id", "tekst", "kilde", "sitat"), ("naar",))
        if f is None or len(f.keys() & {"id", "tekst"}) < 2:
            return None
        cid = self.ident(f["id"][1], join(path, "id"))
        text = self.text(f["tekst"][1], join(path, "tekst"))
        when = self.condition(f["naar"][1], join(path, "naar"), self.questions) if "naar" in f else None
        cited = self.cited(f, path)
        if cid is None or text is None or ("naar" in f and when is None) or cited is None:
            if cid is not None:
                self.broken_items.add(cid)  # reported already; references to it are not
            return None
        return ChecklistItem(cid, text, cited[0], cited[1], when)

    def cited(self, f: Fields, path: str, own: Mapping[str, Source] | None = None) -> tuple[Source, str] | None:
        """`kilde` and `sitat`: a source, and the words in it that support the claim.

        A citation without its quote is an error: the quote is how a reviewer checks the
        claim without opening the source, and how a claim that drifts from it shows.
        """
        source = self.source_ref(f["kilde"][1], join(path, "kilde"), own) if "kilde" in f else None
        quote = self.text(f["sitat"][1], join(path, "sitat")) if "sitat" in f else None
        return (source, quote) if source is not None and quote is not None else None

    # Conditions

    def condition(
        self, node: Node, path: str, questions: dict[str, Question], scope: str = "spørsmålene"
    ) -> Condition | None:
        built = self._condition(node, path, questions, scope)
        if built is not None:
            self.lines[id(built)] = node.start_mark.line + 1
        return built

    def _condition(self, node: Node, path: str, questions: dict[str, Question], scope: str) -> Condition | None:
        combinators = keys(node) & {"alle", "minst_en", "ikke"}
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
                inner = self.condition(value, join(path, key), questions, scope)
                return Not(inner) if inner is not None else None
            parts = [
                self.condition(n, f"{path}.{key}[{i}]", questions, scope)
                for i, n in enumerate(self.sequence(value, join(path, key), non_empty=True))
            ]
            if not parts or any(p is None for p in parts):
                return None
            items = tuple(p for p in parts if p is not None)
            return AllOf(items) if key == "alle" else AnyOf(items)

        f = self.mapping(node, path, ("sporsmal",), ("er", "en_av", "min", "maks", "besvart"))
        if f is None or "sporsmal" not in f:
            return None
        q_node = f["sporsmal"][1]
        qid = self.text(q_node, join(path, "sporsmal"))
        if qid is None:
            return None
        question = questions.get(qid)
        if question is None:
            self.error(
                q_node,
                join(path, "sporsmal"),
                f"Ukjent spørsmål '{qid}' (betingelser kan bruke {scope}).",
                self.suggest(qid, list(questions), "kjente spørsmål"),
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
            answered = self.boolean(f["besvart"][1], join(path, "besvart"))
            return Answered(qid, answered) if answered is not None else None
        if test == "min/maks":
            return self.between(node, path, f, question)
        if question.type == "tall":
            self.error(node, path, f"'{qid}' er et tall-spørsmål; bruk 'min' og 'maks'.")
            return None
        if test == "er":
            expected = self.answer_value(f["er"][1], join(path, "er"), question)
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
            for i, n in enumerate(self.sequence(f["en_av"][1], join(path, "en_av"), non_empty=True))
        ]
        if not values or any(v is None for v in values):
            return None
        return OneOf(qid, frozenset(str(v) for v in values))

    def between(self, node: Node, path: str, f: Fields, question: Question) -> Between | None:
        if question.type != "tall":
            self.error(
                node,
                path,
                f"'min' og 'maks' gjelder tall-spørsmål, men '{question.id}' er av typen '{question.type}'.",
                "bruk 'er' eller 'en_av'",
            )
            return None
        # A bound outside the question's own range can never be crossed: a typing error.
        span = {"minimum": question.minimum, "maximum": question.maximum}
        lo = self.integer(f["min"][1], join(path, "min"), **span) if "min" in f else None
        hi = self.integer(f["maks"][1], join(path, "maks"), **span) if "maks" in f else None
        if ("min" in f and lo is None) or ("maks" in f and hi is None):
            return None
        if lo is not None and hi is not None and lo > hi:
            self.error(f["maks"][1], join(path, "maks"), f"'maks' ({hi}) er mindre enn 'min' ({lo}).")
            return None
        return Between(question.id, lo, hi)

    def answer_value(self, node: Node, path: str, question: Question) -> str | bool | None:
        if question.type == "ja_nei":
            return self.boolean(node, path)
        value = self.text(node, path)
        if value is None:
            return None
        allowed = [c.value for c in question.choices]
        if value not in allowed:
            self.error(
                node, path, f"'{value}' er ikke en verdi for spørsmålet '{question.id}'.", self.suggest(value, allowed)
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
            "vilkaar",
            "sjekkliste",
            "kilder",
            "historikk",
            "etter_fristen",
        )
        optional = ("midler", "frist", "runder", "rangering", "merknader", "belegg", "senere_utlysning", "kjent_til")
        f = self.mapping(node, path, required, optional)
        if f is None:
            return None
        for old in ("senere_utlysning", "kjent_til"):
            if old in f:  # read, so that an older file can still be compared; `valider` warns
                self.legacy.append((f[old][0].start_mark.line + 1, old))
        if "runder" in f:
            for key in ("midler", "frist"):
                if key in f:
                    self.error(
                        f[key][0],
                        join(path, key),
                        f"'{key}' står i hver runde når ordningen har «runder».",
                        f"flytt '{key}' inn i runden den gjelder",
                    )
        else:
            for key in ("midler", "frist"):
                if key not in f:
                    self.error(node, path, f"Mangler nøkkelen '{key}'.", "eller skriv ordningens runder under «runder»")

        def get(key: str, build: Callable[[Node, str], T | None]) -> T | None:
            return build(f[key][1], join(path, key)) if key in f else None

        sid = get("id", self.ident)
        name = get("navn", self.text)
        administrator = get("forvalter", self.text)
        facts = self.facts(f, path)
        own = get("kilder", self.source_refs)
        criteria = history = None
        if own is not None:
            if "vilkaar" in f:
                criteria = [c for c, _, _ in self.criteria(f, path, own)]
            history = get(
                "historikk", lambda n, p: self.items(n, p, lambda n2, p2: self.history(n2, p2, own), non_empty=True)
            )
        checklist = get("sjekkliste", lambda n, p: self.checklist_refs(n, p, items))
        after_deadline = get("etter_fristen", self.text)
        ranking: list[RankRule] = []
        notes: list[Note] = []
        evidence: list[Evidence] = []
        if own is not None:
            ranking = get("rangering", lambda n, p: self.items(n, p, lambda n2, p2: self.rank_rule(n2, p2, own))) or []
            notes = get("merknader", lambda n, p: self.items(n, p, lambda n2, p2: self.note(n2, p2, own))) or []
            evidence = get("belegg", lambda n, p: self.items(n, p, lambda n2, p2: self.evidence(n2, p2, own))) or []
        rounds: list[Round] = []
        if "runder" in f and own is not None:
            criterion_ids = {c.id for c in criteria or []}
            rounds = self.rounds(f["runder"][1], join(path, "runder"), own, items, criterion_ids)
        if "runder" in f and rounds:
            facts.funds, facts.deadline = rounds[0].funds, rounds[0].deadline
        if (
            sid is None
            or name is None
            or facts.description is None
            or administrator is None
            or facts.applicant is None
            or facts.for_whom is None
            or facts.levels is None
            or facts.funds is None
            or facts.deadline is None
            or own is None
            or criteria is None
            or history is None
            or checklist is None
            or after_deadline is None
        ):
            return None
        return Scheme(
            id=sid,
            name=name,
            description=facts.description,
            administrator=administrator,
            applicant_types=facts.applicant[0],
            applicant_text=facts.applicant[1],
            for_whom=facts.for_whom,
            nkr_levels=facts.levels[0],
            level_text=facts.levels[1],
            funds=facts.funds,
            deadline=facts.deadline,
            criteria=tuple(criteria),
            checklist=checklist,
            sources=tuple(own.values()),
            history=tuple(history),
            after_deadline=after_deadline,
            ranking=tuple(ranking),
            notes=tuple(notes),
            evidence=tuple(evidence),
            rounds=tuple(rounds),
        )

    # What a scheme and a round both say

    def facts(self, f: Fields, path: str) -> _Facts:
        """The facts a scheme and a round both have: each None where missing or broken."""

        def get(key: str, build: Callable[[Node, str], T | None]) -> T | None:
            return build(f[key][1], join(path, key)) if key in f else None

        facts = _Facts(
            description=get("beskrivelse", self.text),
            applicant=get("soker", self.applicant),
            for_whom=get("for_hvem", self.text),
            levels=get("nivaa", self.level),
            funds=get("midler", self.funds),
            deadline=get("frist", self.deadline),
        )
        for key, part in (("midler", facts.funds), ("frist", facts.deadline)):
            if part is not None:  # a warning about the funds or the deadline points at them
                self.lines[id(part)] = f[key][0].start_mark.line + 1
        return facts

    def criteria(self, f: Fields, path: str, own: Mapping[str, Source]) -> list[tuple[Criterion, Node, str]]:
        """The conditions under «vilkaar», each id once, with the node and path of each."""
        located = self.located(
            f["vilkaar"][1], join(path, "vilkaar"), lambda n, p: self.criterion(n, p, own), non_empty=True
        )
        self.unique([(c.id, n, f"{p}.id") for c, n, p in located], "Vilkåret")
        return located

    # Rounds

    def rounds(
        self,
        node: Node,
        path: str,
        own: Mapping[str, Source],
        items: dict[str, ChecklistItem],
        criterion_ids: set[str],
    ) -> list[Round]:
        """The rounds, oldest first, none overlapping another; empty on any error."""
        located = self.located(node, path, lambda n, p: self.round(n, p, own, items, criterion_ids), non_empty=True)
        self.unique([(r.id, n, f"{p}.id") for r, n, p in located], "Runden")
        ok = isinstance(node, SequenceNode) and len(located) == len(node.value)
        for (before, _, _), (after, n, p) in itertools.pairwise(located):
            if after.starts <= before.starts:
                self.error(
                    n,
                    join(p, "fra"),
                    f"Runden '{after.id}' starter {after.starts.isoformat()}, ikke etter runden før den "
                    f"('{before.id}', {before.starts.isoformat()}).",
                    "skriv rundene i rekkefølge, den eldste først, hver med sin egen startdato",
                )
                ok = False
            elif before.ends is not None and after.starts <= before.ends:
                self.error(
                    n,
                    join(p, "fra"),
                    f"Runden '{after.id}' starter {after.starts.isoformat()}, før runden '{before.id}' "
                    f"er over ({before.ends.isoformat()}). Rundene overlapper.",
                    f"la '{after.id}' starte etter {before.ends.isoformat()}, eller flytt «til» i '{before.id}'",
                )
                ok = False
        return [r for r, _, _ in located] if ok else []

    def round(
        self,
        node: Node,
        path: str,
        own: Mapping[str, Source],
        items: dict[str, ChecklistItem],
        criterion_ids: set[str],
    ) -> Round | None:
        required = ("id", "navn", "fra", "kilde", "sitat", "frist", "midler")
        optional = (
            "utlyst",
            "til",
            "beskrivelse",
            "soker",
            "for_hvem",
            "nivaa",
            "etter_fristen",
            "vilkaar",
            "sjekkliste",
            "rangering",
            "merknader",
            "belegg",
        )
        f = self.mapping(node, path, required, optional)
        if f is None or len(f.keys() & {"id", "navn", "fra", "frist", "midler"}) < 5:
            return None

        def get(key: str, build: Callable[[Node, str], T | None]) -> T | None:
            return build(f[key][1], join(path, key)) if key in f else None

        rid = get("id", self.round_ident)
        label = get("navn", self.text)
        starts = get("fra", self.date)
        announced = get("utlyst", self.date)
        ends = get("til", self.date)
        cited = self.cited(f, path, own)
        facts = self.facts(f, path)
        after = get("etter_fristen", self.text)
        criteria: list[Criterion] = []
        if "vilkaar" in f:
            for c, n, p in self.criteria(f, path, own):
                if c.id not in criterion_ids:
                    self.error(
                        n,
                        join(p, "id"),
                        f"Runden endrer vilkåret '{c.id}', men ordningen har ikke et slikt vilkår.",
                        self.suggest(c.id, sorted(criterion_ids), "vilkårene i ordningen"),
                    )
                else:
                    criteria.append(c)
        checklist = get("sjekkliste", lambda n, p: self.checklist_refs(n, p, items))
        ranking = (
            get("rangering", lambda n, p: self.items(n, p, lambda n2, p2: self.rank_rule(n2, p2, own)))
            if "rangering" in f
            else None
        )
        notes = (
            get("merknader", lambda n, p: self.items(n, p, lambda n2, p2: self.note(n2, p2, own)))
            if "merknader" in f
            else None
        )
        evidence = get("belegg", lambda n, p: self.items(n, p, lambda n2, p2: self.evidence(n2, p2, own))) or []
        fields = tuple(
            k for k in ("beskrivelse", "soker", "for_hvem", "nivaa", "midler", "frist", "etter_fristen") if k in f
        )
        # A belegg that failed for its own reason (its source not among the scheme's) has had
        # its error; the field it names is not also «uten belegg».
        backed = {e.field for e in evidence} | _named_fields(f.get("belegg", (None, None))[1])
        for key in fields:
            if key not in backed:
                self.error(
                    f[key][0],
                    join(path, key),
                    f"Runden '{rid or label}' sier noe om '{key}' uten belegg for det.",
                    f"legg til et belegg med «gjelder: {key}», en kilde og ordene i kilden under «belegg» i runden",
                )
        for e in evidence:
            if e.field not in fields:
                self.error(
                    node,
                    join(path, "belegg"),
                    f"Runden '{rid or label}' har belegg for '{e.field}', men setter ikke '{e.field}' selv.",
                    f"skriv '{e.field}' i runden, eller flytt belegget til ordningen",
                )
        if starts is not None and announced is not None and announced < starts:
            self.error(
                f["utlyst"][1],
                join(path, "utlyst"),
                "'utlyst' kan ikke være før 'fra'.",
                "«fra» er dagen runden gjelder fra; «utlyst» er dagen utlysningen kom, samme dag eller senere",
            )
            return None
        if starts is not None and ends is not None and ends < starts:
            self.error(f["til"][1], join(path, "til"), "'til' kan ikke være før 'fra'.", "«til» er rundens siste dag")
            return None
        if (
            facts.deadline is not None
            and starts is not None
            and facts.deadline.date is not None
            and facts.deadline.date < starts
        ):
            self.error(
                f["frist"][1],
                join(path, "frist"),
                f"Fristen {facts.deadline.date.isoformat()} er før runden starter ({starts.isoformat()}).",
                "en runde gjelder fra «fra» til fristen; flytt «fra» tilbake eller rett fristen",
            )
            return None
        if (
            rid is None
            or label is None
            or starts is None
            or cited is None
            or facts.funds is None
            or facts.deadline is None
            or ("utlyst" in f and announced is None)
            or ("til" in f and ends is None)
            or ("beskrivelse" in f and facts.description is None)
            or ("soker" in f and facts.applicant is None)
            or ("for_hvem" in f and facts.for_whom is None)
            or ("nivaa" in f and facts.levels is None)
            or ("etter_fristen" in f and after is None)
            or ("sjekkliste" in f and checklist is None)
        ):
            return None
        return Round(
            id=rid,
            label=label,
            starts=starts,
            funds=facts.funds,
            deadline=facts.deadline,
            source=cited[0],
            quote=cited[1],
            announced=announced,
            ends=ends,
            description=facts.description,
            applicant=facts.applicant,
            for_whom=facts.for_whom,
            levels=facts.levels,
            after_deadline=after,
            criteria=tuple(criteria),
            checklist=checklist,
            ranking=tuple(ranking) if ranking is not None else None,
            notes=tuple(notes) if notes is not None else None,
            evidence=tuple(evidence),
            fields=fields,
        )

    def round_ident(self, node: Node, path: str) -> str | None:
        """A round's id: like other ids, but it may start with a year («2024-2027»)."""
        value = self.text(node, path)
        if value is not None and not _ROUND_ID.match(value):
            hint = "bruk små bokstaver a–z, sifre, - og _ (ikke æ, ø, å), for eksempel 2021-host eller 2024-2027"
            self.error(node, path, f"Ugyldig id '{value}'.", hint)
            return None
        return value

    def source_refs(self, node: Node, path: str) -> dict[str, Source] | None:
        located = self.located(node, path, self.source_ref, non_empty=True)
        self.unique([(s.id, n, p) for s, n, p in located], "Kilden")
        refs = {s.id: s for s, _, _ in located}
        complete = isinstance(node, SequenceNode) and len(located) == len(node.value)
        return refs if refs and complete else None

    def applicant(self, node: Node, path: str) -> tuple[tuple[str, ...], str] | None:
        f = self.mapping(node, path, ("typer", "tekst"))
        if f is None or len(f) < 2:
            return None
        located = self.located(f["typer"][1], join(path, "typer"), self.text, non_empty=True)
        kinds = [k for k, _, _ in located]
        ok = bool(kinds)
        for kind, n, p in located:
            if kind not in APPLICANT_TYPES:
                self.error(n, p, f"Ukjent søkertype '{kind}'.", self.suggest(kind, list(APPLICANT_TYPES)))
                ok = False
        text = self.text(f["tekst"][1], join(path, "tekst"))
        return (tuple(kinds), text) if ok and kinds and text else None

    def level(self, node: Node, path: str) -> tuple[tuple[int, ...], str] | None:
        f = self.mapping(node, path, ("nkr", "tekst"))
        if f is None or len(f) < 2:
            return None
        levels = self.items(
            f["nkr"][1], join(path, "nkr"), lambda n, p: self.integer(n, p, minimum=1, maximum=8), non_empty=True
        )
        text = self.text(f["tekst"][1], join(path, "tekst"))
        complete = isinstance(f["nkr"][1], SequenceNode) and len(levels) == len(f["nkr"][1].value)
        return (tuple(levels), text) if levels and complete and text else None

    def funds(self, node: Node, path: str) -> Funds | None:
        f = self.mapping(node, path, ("belop", "aar", "omtrentlig", "art"))
        if f is None or len(f) < 4:
            return None
        amount_node = f["belop"][1]
        amount = None if self.is_null(amount_node) else self.integer(amount_node, join(path, "belop"), minimum=0)
        # Funds are for calls this century; a year like 1999 is a typing error.
        year = self.integer(f["aar"][1], join(path, "aar"), minimum=2000, maximum=_MAX_YEAR)
        approximate = self.boolean(f["omtrentlig"][1], join(path, "omtrentlig"))
        kind = self.text(f["art"][1], join(path, "art"))
        if kind is not None and kind not in FUNDS_KINDS:
            hint = (
                "igjen: det som var igjen av årets midler; lyst_ut: det en utlysning lyste ut; "
                "tildelt: det programmet fikk tildelt det året"
            )
            self.error(f["art"][1], join(path, "art"), f"Ukjent art '{kind}'.", hint)
            return None
        if (amount is None and not self.is_null(amount_node)) or year is None or approximate is None or kind is None:
            return None
        funds_kind: FundsKind = "lyst_ut" if kind == "lyst_ut" else "tildelt" if kind == "tildelt" else "igjen"
        return Funds(amount, year, approximate, funds_kind)

    def deadline(self, node: Node, path: str) -> Deadline | None:
        f = self.mapping(node, path, ("dato", "omtrentlig", "tekst"), ("tidligst", "lopende"))
        if f is None or len(f.keys() & {"dato", "omtrentlig", "tekst"}) < 3:
            return None
        rolling = False
        if "lopende" in f:
            rolling_value = self.boolean(f["lopende"][1], join(path, "lopende"))
            if rolling_value is None:
                return None
            rolling = rolling_value
            if rolling and not self.is_null(f["dato"][1]):
                hint = "«lopende: true» betyr at søknader tas imot fortløpende, uten frist; skriv «dato: null»"
                self.error(f["lopende"][1], join(path, "lopende"), "En løpende frist har ingen dato.", hint)
                return None
        date_node = f["dato"][1]
        date = None if self.is_null(date_node) else self.date(date_node, join(path, "dato"))
        # Every field is read before giving up, so all their mistakes are told in one run.
        approximate = self.boolean(f["omtrentlig"][1], join(path, "omtrentlig"))
        text = self.text(f["tekst"][1], join(path, "tekst"))
        if date is None and not self.is_null(date_node):
            return None
        earliest = None
        if "tidligst" in f:
            earliest = self.date(f["tidligst"][1], join(path, "tidligst"))
            if earliest is None:
                return None
            if date is None or earliest >= date:
                hint = "«tidligst» er den tidligste datoen kildene gir, og den må komme før «dato»"
                self.error(f["tidligst"][1], join(path, "tidligst"), "'tidligst' må være før 'dato'.", hint)
                return None
        if approximate is None or text is None:
            return None
        return Deadline(date, approximate, text, earliest, rolling)

    def criterion(self, node: Node, path: str, own: Mapping[str, Source]) -> Criterion | None:
        required = ("id", "kilde", "sitat", "hvis", "oppfylt", "ikke_oppfylt", "krav")
        f = self.mapping(node, path, required, ("uavklart",))
        if f is None or len(f.keys() & (set(required) - {"kilde", "sitat"})) < len(required) - 2:
            return None
        cid = self.ident(f["id"][1], join(path, "id"))
        cited = self.cited(f, path, own)
        cond = self.condition(f["hvis"][1], join(path, "hvis"), self.questions)
        holds = self.text(f["oppfylt"][1], join(path, "oppfylt"))
        fails = self.text(f["ikke_oppfylt"][1], join(path, "ikke_oppfylt"))
        requirement = self.text(f["krav"][1], join(path, "krav"))
        unclear: list[Unclear] | None = []
        if "uavklart" in f:
            # One table, or a list of them when different answers need different advice.
            value = f["uavklart"][1]

            def build(n: Node, p: str) -> Unclear | None:
                return self.unclear(n, p, own)

            if isinstance(value, SequenceNode):
                located = self.located(value, join(path, "uavklart"), build, non_empty=True)
                unclear = [u for u, _, _ in located] if len(located) == len(value.value) else None
            else:
                one = build(value, join(path, "uavklart"))
                unclear = [one] if one is not None else None
            for u in unclear or []:
                self.lines.setdefault(id(u), value.start_mark.line + 1)
        if cid is None or cited is None or cond is None or holds is None or fails is None or requirement is None:
            return None
        if unclear is None:
            return None
        return Criterion(cid, cond, holds, fails, requirement, cited[0], cited[1], tuple(unclear))

    def unclear(self, node: Node, path: str, own: Mapping[str, Source]) -> Unclear | None:
        f = self.mapping(node, path, ("naar", "tekst", "kilde", "sitat"))
        if f is None:
            return None
        when = self.condition(f["naar"][1], join(path, "naar"), self.questions) if "naar" in f else None
        text = self.text(f["tekst"][1], join(path, "tekst")) if "tekst" in f else None
        cited = self.cited(f, path, own)
        if when is None or text is None or cited is None:
            return None
        unclear = Unclear(when, text, cited[0], cited[1])
        self.lines[id(unclear)] = node.start_mark.line + 1
        return unclear

    def history(self, node: Node, path: str, own: Mapping[str, Source]) -> HistoryEntry | None:
        f = self.mapping(node, path, ("aar", "tekst", "kilde", "sitat"))
        if f is None or len(f.keys() & {"aar", "tekst"}) < 2:
            return None
        year = self.integer(f["aar"][1], join(path, "aar"), minimum=_MIN_YEAR, maximum=_MAX_YEAR)
        text = self.text(f["tekst"][1], join(path, "tekst"))
        cited = self.cited(f, path, own)
        return HistoryEntry(year, text, *cited) if year is not None and text is not None and cited else None

    def rank_rule(self, node: Node, path: str, own: Mapping[str, Source]) -> RankRule | None:
        f = self.mapping(node, path, ("naar", "poeng", "tekst", "kilde", "sitat"))
        if f is None or len(f.keys() & {"naar", "poeng", "tekst"}) < 3:
            return None
        cond = self.condition(f["naar"][1], join(path, "naar"), self.questions)
        points = self.integer(f["poeng"][1], join(path, "poeng"), minimum=-100, maximum=100)
        text = self.text(f["tekst"][1], join(path, "tekst"))
        cited = self.cited(f, path, own)
        if cond is None or points is None or text is None or cited is None:
            return None
        return RankRule(cond, points, text, *cited)

    def note(self, node: Node, path: str, own: Mapping[str, Source]) -> Note | None:
        f = self.mapping(node, path, ("tekst", "kilde", "sitat"))
        if f is None or "tekst" not in f:
            return None
        text = self.text(f["tekst"][1], join(path, "tekst"))
        cited = self.cited(f, path, own)
        return Note(text, *cited) if text is not None and cited is not None else None

    def evidence(self, node: Node, path: str, own: Mapping[str, Source]) -> Evidence | None:
        f = self.mapping(node, path, ("gjelder", "kilde", "sitat"))
        if f is None or "gjelder" not in f:
            return None
        field = self.text(f["gjelder"][1], join(path, "gjelder"))
        if field is not None and field not in EVIDENCE_FIELDS:
            self.error(
                f["gjelder"][1],
                join(path, "gjelder"),
                f"Ukjent felt '{field}'.",
                self.suggest(field, list(EVIDENCE_FIELDS), "felt som kan ha belegg"),
            )
            return None
        cited = self.cited(f, path, own)
        if field is None or cited is None:
            return None
        built = Evidence(field, *cited)
        self.lines[id(built)] = node.start_mark.line + 1
        return built

    def checklist_refs(self, node: Node, path: str, items: dict[str, ChecklistItem]) -> tuple[str, ...] | None:
        located = self.located(node, path, self.text, non_empty=True)
        ok = bool(located)
        for ref, n, p in located:
            if ref in self.broken_items:
                ok = False
            elif ref not in items:
                self.error(n, p, f"Ukjent sjekkpunkt '{ref}'.", self.suggest(ref, list(items)))
                ok = False
        self.unique(located, "Sjekkpunktet")
        return tuple(r for r, _, _ in located) if ok else None

    # The other possibilities

    def alternative(self, node: Node, path: str) -> Alternative | None:
        f = self.mapping(node, path, ("id", "navn", "tekst", "kilde", "sitat"), ("naar",))
        if f is None or len(f.keys() & {"id", "navn", "tekst"}) < 3:
            return None
        aid = self.ident(f["id"][1], join(path, "id"))
        name = self.text(f["navn"][1], join(path, "navn"))
        text = self.text(f["tekst"][1], join(path, "tekst"))
        cited = self.cited(f, path)
        when = self.condition(f["naar"][1], join(path, "naar"), self.questions) if "naar" in f else None
        if aid is None or name is None or text is None or cited is None or ("naar" in f and when is None):
            return None
        return Alternative(aid, name, text, cited[0], cited[1], when)


def build(text: str, name: str, path: Path | None = None) -> RuleBase:
    """Validate YAML text as a rule base. Raises `RuleBaseError` with every issue found."""
    return build_located(text, name, path).rules


@dataclass(frozen=True)
class Located:
    """A rule base with the line each part came from, for warnings that point at a line."""

    rules: RuleBase
    lines: dict[int, int]  # id(part) -> line
    updated_line: int
    legacy: tuple[tuple[int, str], ...] = ()  # (line, key) of keys replaced by «runder»

    def line(self, part: object) -> int:
        return self.lines.get(id(part), 1)


def build_located(text: str, name: str, path: Path | None = None) -> Located:
    root = compose(text, name)
    builder = _Builder(name)
    rules = builder.rule_base(root, path)
    if builder.issues or rules is None:
        issues = [replace(i, path=in_words(root, i.path)) for i in builder.issues]
        raise RuleBaseError(issues or [Issue(name, 1, "", "Regelverket er ufullstendig.")])
    return Located(rules, builder.lines, builder.updated_line, tuple(builder.legacy))
