"""`soknad endringer`: what an edit means for companies, over every possible set of answers.

The expected reports are written by hand from the two rule bases; the reasoning for each
is in the comments.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from .helpers import MINIMAL, ROOT, TESTS, soknad

V1, V2 = TESTS / "regler" / "versjoner" / "v1.yaml", TESTS / "regler" / "versjoner" / "v2.yaml"
SHIPPED = ROOT / "data" / "schemes.yaml"


def run_json(cli, old, new):
    result = cli("endringer", str(old), str(new), "--json", "--dato", "2026-11-29")
    return result, json.loads(result.stdout)


def test_a_pair_of_small_rule_bases(cli):
    """v1 -> v2: B no longer needs a cluster, C is gone, D is new, and v2 knows neither the
    value 'gammel' nor the question 'fjernet' (so they are unknown to it). The answer space:
    bransje (industri, annen, gammel, unknown) x klynge (3) x fjernet (3) = 36 sets."""
    result, report = run_json(cli, V1, V2)
    assert result.exit_code == 1  # as diff: something changed
    assert report["svarsett"] == 36
    status = {(s["ordning"], s["fra"], s["til"]): (s["svarsett"], s["naar"]) for s in report["status"]}
    assert status == {
        # 'gammel' fails A's industri in v1; v2 cannot read it, so A may fit.
        ("ordning-a", "ikke_aktuell", "kanskje"): (9, ["bransje er gammel"]),
        # B dropped its klynge condition: a no to klynge no longer rules it out.
        ("ordning-b", "ikke_aktuell", "aktuell"): (3, ["bransje er industri og klynge er nei"]),
        ("ordning-b", "ikke_aktuell", "kanskje"): (12, ["bransje er gammel", "bransje er ukjent og klynge er nei"]),
        ("ordning-b", "kanskje", "aktuell"): (3, ["bransje er industri og klynge er ukjent"]),
        # D is new; C is gone.
        ("ordning-d", "finnes ikke", "aktuell"): (9, ["bransje er industri"]),
        ("ordning-d", "finnes ikke", "ikke_aktuell"): (9, ["bransje er annen"]),
        ("ordning-d", "finnes ikke", "kanskje"): (18, ["bransje er gammel eller er ukjent"]),
        ("ordning-c", "aktuell", "finnes ikke"): (9, ["bransje er annen"]),
        ("ordning-c", "ikke_aktuell", "finnes ikke"): (18, ["bransje er industri eller gammel"]),
        ("ordning-c", "kanskje", "finnes ikke"): (9, ["bransje er ukjent"]),
    }
    assert report["ordninger"] == {"nye": ["ordning-d"], "fjernet": ["ordning-c"]}
    assert report["sporsmal"] == {
        "nye": [],
        "fjernet": ["fjernet"],
        "verdier": [{"sporsmal": "bransje", "nye": [], "fjernet": ["gammel"]}],
    }
    assert report["rekkefolge"] == [] and report["sjekkliste"] == []
    # The condition B dropped is a fact that changed, too.
    assert report["fakta"] == [
        {
            "ordning": "ordning-b",
            "fakta": "vilkår",
            "fra": "bransje: bransje er industri | klynge: klynge er true",
            "til": "bransje: bransje er industri",
        }
    ]


def edited(tmp_path, old: str, new: str):
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "schemes.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_file_against_one_known_edit(cli, tmp_path):
    """Industrifagskolen for industri alone, as before the 2021 budget's «industri og bygg» was
    read. It changes exactly the companies with bygg but not industri that need fagskole
    modules: 4 sector sets x kompetanse 5 x tilbud 3 x klynge 3 x praksis 4 = 720 answer sets."""
    path = edited(
        tmp_path,
        "          en_av: [industri, bygg]\n        oppfylt: Bedriften er i industrien eller byggenæringen.\n"
        "        ikke_oppfylt: Industrifagskolen",
        "          er: industri\n        oppfylt: Bedriften er i industrien eller byggenæringen.\n"
        "        ikke_oppfylt: Industrifagskolen",
    )
    result, report = run_json(cli, SHIPPED, path)
    assert result.exit_code == 1
    assert report["status"] == [
        {
            "ordning": "industrifagskolen",
            "fra": "aktuell",
            "til": "ikke_aktuell",
            "svarsett": 720,
            "naar": ["bransje har bygg, men ikke industri og behov er fagskole"],
        },
        {  # with the need unknown, the sector alone now rules it out
            "ordning": "industrifagskolen",
            "fra": "kanskje",
            "til": "ikke_aktuell",
            "svarsett": 720,
            "naar": ["bransje har bygg, men ikke industri og behov er ukjent"],
        },
    ]
    text = cli("endringer", str(SHIPPED), str(path), "--dato", "2026-11-29").stdout
    assert "Industrifagskolen: aktuell → ikke_aktuell (720 svarsett), når:" in text  # the name, not the id
    markdown = cli("endringer", str(SHIPPED), str(path), "--markdown").stdout
    assert markdown.startswith("## Endringer i regelverket: 2026.3 → 2026.3") and "### Status" in markdown


def test_facts_order_and_checklist(cli, tmp_path):
    # A new deadline: a fact, and nothing else.
    path = edited(
        tmp_path,
        'dato: "2021-09-15"\n          omtrentlig: false\n          tekst: 15. september 2021 kl. 17.00',
        'dato: "2027-09-15"\n          omtrentlig: false\n          tekst: 15. september 2021 kl. 17.00',
    )
    _, report = run_json(cli, SHIPPED, path)
    # Seen from 2026, an open deadline makes the clusters scheme one to act on again: it is
    # recommended wherever it fits, before the bransjeprogram (more money: 20 against 11
    # million), and the checklist follows.
    assert report["status"] == []
    assert report["rekkefolge"] == [
        {
            "fra": "bransjeprogram-industri-bygg",
            "til": "utsatte-industriklynger, bransjeprogram-industri-bygg",
            "svarsett": 480,
            "naar": ["bransje har industri og behov er hoyere og klynge er ja"],
        },
    ]
    # Per round: the clusters scheme's only round, 2021.
    assert [(f["ordning"], f["fakta"]) for f in report["fakta"]] == [("utsatte-industriklynger", "runde 2021: frist")]
    assert report["fakta"][0]["til"].startswith("2027-09-15")
    # The praksiskandidat step from 4 years instead of 5: the checklist changes for those
    # with exactly 4 years (a new interval between the bounds of the two rule bases).
    # Seen from September 2021, when the programme paid for courses towards a fagbrev.
    path = edited(tmp_path, "      sporsmal: praksis_aar\n      min: 5", "      sporsmal: praksis_aar\n      min: 4")
    report = json.loads(cli("endringer", str(SHIPPED), str(path), "--json", "--dato", "2021-09-01").stdout)
    assert report["status"] == []
    assert {c["ny"] for c in report["sjekkliste"]} == {"praksiskandidat"}
    assert all("praksis_aar er 4" in rule for c in report["sjekkliste"] for rule in c["naar"])
    # Three points for maritime: it now comes first where it ties today (in 2023, when both
    # programmes had money).
    path = edited(tmp_path, "          besvart: true\n        poeng: 2", "          besvart: true\n        poeng: 3")
    report = json.loads(cli("endringer", str(SHIPPED), str(path), "--json", "--dato", "2023-06-01").stdout)
    assert report["status"] == []
    # A new module (2 points each, industri og bygg first by its 31 million against 10), and a
    # ready one (Industrifagskolen's 23 million a year against 10), written out by hand.
    assert {(c["fra"], c["til"]) for c in report["rekkefolge"]} == {
        (
            "bransjeprogram-industri-bygg, bransjeprogram-maritim, industrifagskolen",
            "bransjeprogram-maritim, bransjeprogram-industri-bygg, industrifagskolen",
        ),
        ("industrifagskolen, bransjeprogram-maritim", "bransjeprogram-maritim, industrifagskolen"),
    }


def test_no_change_is_exit_0_and_trouble_is_exit_2(cli, tmp_path):
    same = cli("endringer", str(SHIPPED), str(SHIPPED))
    assert same.exit_code == 0 and "Ingen endringer" in same.stdout
    assert cli("endringer", str(tmp_path / "finnes-ikke.yaml"), str(SHIPPED)).exit_code == 2
    assert cli("endringer", str(TESTS / "regler" / "ugyldige" / "feil-type.yaml"), str(SHIPPED)).exit_code == 2
    assert cli("endringer", str(V1), str(V2), "--json", "--markdown").exit_code == 2


def test_a_git_revision_as_the_old_rule_base(tmp_path):
    committed = subprocess.run(
        ["git", "show", "HEAD:data/schemes.yaml"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    copy = tmp_path / "committed.yaml"
    copy.write_bytes(committed)
    result = soknad("endringer", "HEAD:data/schemes.yaml", str(copy))
    assert result.returncode == 0, result.stderr  # the revision and a copy of it: the same
    missing = soknad("endringer", "finnesikke123:data/schemes.yaml", str(copy))
    assert missing.returncode == 2 and "Fant ikke data/schemes.yaml i git-revisjonen finnesikke123" in missing.stderr


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graf(cli, fmt):
    out = cli("graf", "--format", fmt).stdout
    assert "praksis_aar" in out and "Industrifagskolen" in out
    assert ("flowchart TD" in out) == (fmt == "mermaid") and ("digraph" in out) == (fmt == "dot")
    assert "når behov er fagbrev" in out and "bransje har industri" in out


def test_graf_dot_edges():
    """Written by hand from data/schemes.yaml: each question hangs from the question that
    decides whether it is asked, and the schemes from the questions they read, with the
    unclear («kanskje») cases drawn too (finding 32)."""
    out = soknad("graf", "--format", "dot", "--dato", "2021-09-01").stdout.splitlines()
    edges = [line for line in out if '" -> "q_' in line]
    assert edges == [
        '  "q_bransje" -> "q_behov";',
        '  "q_behov" -> "q_kompetanse" [label="når behov er fagbrev"];',
        '  "q_behov" -> "q_tilbud" [label="når behov er fagskole"];',
        '  "q_bransje" -> "q_klynge" [label="når bransje har industri"];',
        '  "q_behov" -> "q_praksis_aar" [label="når behov er fagbrev"];',
    ]
    for line in (
        '  "q_klynge" -> "s_utsatte-industriklynger" [style=dashed, label="klynge er ja"];',
        '  "q_behov" -> "s_bransjeprogram-industri-bygg" [style=dashed, label="kanskje når behov er hoyere"];',
        '  "s_industrifagskolen" [shape=doubleoctagon, label="Industrifagskolen"];',
    ):
        assert line in out
    # kompetanse is asked only for fagbrev and tilbud only for fagskole: never one after the other.
    assert not any('"q_kompetanse" -> "q_tilbud"' in line for line in out)
    assert out[0] == "digraph regelverk {" and out[-1] == "}"
    assert not any('"q_kompetanse" -> "s_' in line for line in out), "no scheme reads kompetanse"


def test_the_text_report_says_the_date_an_unchanged_version_and_amounts_as_the_tool_writes_them(cli, tmp_path):
    """Issue 15 (maintainers): the date it evaluates at, a reminder when «versjon» was not
    changed, amounts in the tool's own words, «vises nå», and no line ending in a space."""
    path = edited(tmp_path, "          belop: 7000000\n", "          belop: 8000000\n")
    text = cli("endringer", str(SHIPPED), str(path), "--dato", "2021-09-01", env={"COLUMNS": "80"}).stdout
    flat = " ".join(text.split())
    assert "Vurdert per 2021-09-01 (fristene avhenger av datoen; endre med --dato)." in flat
    assert "Merk: versjonen er ikke endret (2026.3 i begge); skriv en ny «versjon» i det nye." in flat
    # The scheme by its name, not its id.
    assert (
        "Bransjeprogram for industri- og byggenæringen: runde 2021-host: midler: 7 mill. kr igjen (2021, omtrentlig)"
        " → 8 mill." in flat
    )
    assert "bransjeprogram-industri-bygg" not in flat
    assert not [line for line in text.splitlines() if line.endswith(" ")]
    # A changed checklist says which steps are shown now and which are no longer.
    steps = edited(tmp_path, "      sporsmal: praksis_aar\n      min: 5", "      sporsmal: praksis_aar\n      min: 4")
    shown = " ".join(cli("endringer", str(SHIPPED), str(steps), "--dato", "2021-09-01").stdout.split())
    assert "vises nå: praksiskandidat" in shown and " med " not in shown.split("Sjekklisten")[1][:40]


def test_graf_takes_the_file_as_valider_does(cli):
    minimal = str(TESTS / "regler" / "minimal.yaml")
    by_argument = cli("graf", minimal).stdout
    assert by_argument == cli("graf", "--regler", minimal).stdout
    assert 's_ordning_a[["Ordning A"]]' in by_argument and "Industrifagskolen" not in by_argument


def test_git_errors_are_said_in_norwegian(tmp_path):
    outside = soknad("endringer", "HEAD:data/schemes.yaml", str(SHIPPED), cwd=tmp_path)
    assert outside.returncode == 2
    assert "ikke et git-depot" in outside.stderr and "fatal" not in outside.stderr


def test_ids_are_never_broken_across_lines(cli):
    text = cli(
        "endringer",
        str(ROOT / "data" / "versjoner" / "2021.1.yaml"),
        str(SHIPPED),
        "--dato",
        "2021-09-01",
        env={"COLUMNS": "80"},
    ).stdout
    ids = [s.strip() for s in ("kn-klynger-2021", "regjeringen-2021", "bransjeprogram-industri-bygg")]
    flat = text.replace("\n", " ")
    for identifier in ids:
        head = identifier.split("-")[0] + "-"
        assert f"{head}\n" not in text, identifier
    assert "kn-klynger-2021" in flat


def test_an_empty_order_is_said_as_none_not_a_dash():
    """«- - → Industrifagskolen» broke the Markdown list (first hour): «(ingen) → …»."""
    from soknadsveileder.changes import Change, Report
    from soknadsveileder.changes_report import report_markdown

    change = Change("rekkefølge", None, "-", "industrifagskolen", ["bransje har industri"], 3)
    report = Report("1", "2", 10, [change], [], [], [], [], [], [], names={"industrifagskolen": "Industrifagskolen"})
    text = report_markdown(report, "gammel.yaml", "ny.yaml", 0.1)
    assert "- (ingen) → Industrifagskolen (3 svarsett), når:" in text
    assert "- - " not in text


@pytest.mark.parametrize(
    ("minimum", "maximum", "text"),
    [
        (5, None, "praksis_aar er minst 5"),
        (None, 4, "praksis_aar er høyst 4"),
        (1, 4, "praksis_aar er 1–4"),
        (5, 5, "praksis_aar er 5"),
    ],
    ids=["minst", "hoyst", "mellom", "lik"],
)
def test_a_number_condition_in_words(minimum, maximum, text):
    # Written by hand: how endringer and graf say a numeric condition (mutmut found the
    # one-sided bounds untested in-process: «minst» and «høyst» could swap unnoticed).
    from soknadsveileder.describe import condition_text
    from soknadsveileder.model import Between

    assert condition_text(Between("praksis_aar", minimum, maximum)) == text


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (("bygg",), "bransje har bygg"),
        (("maritim", "industri"), "bransje har industri eller maritim"),
        (("annen", "bygg", "industri"), "bransje har industri, bygg eller annen"),
    ],
    ids=["en", "to", "tre"],
)
def test_a_choice_condition_in_words_in_the_rule_base_order(rules, values, text):
    # Written by hand: the values in the order the question lists them (industri, bygg,
    # maritim, annen), with «har» for a question with several answers, commas and «eller».
    from soknadsveileder.describe import condition_text
    from soknadsveileder.model import OneOf

    assert condition_text(OneOf("bransje", values), rules) == text


def test_a_composed_condition_in_words():
    from soknadsveileder.describe import condition_text
    from soknadsveileder.model import AllOf, Answered, AnyOf, Equals, Not

    condition = AllOf((AnyOf((Equals("behov", "fagbrev"), Equals("klynge", True))), Not(Answered("tilbud", True))))
    assert condition_text(condition) == "(behov er fagbrev eller klynge er ja) og ikke (tilbud er besvart)"


def test_a_number_question_is_cut_where_a_condition_begins_and_after_where_it_ends(tmp_path):
    # Written by hand: praksis_aar (0–60) and a condition «2–4» split the answers into 0–1,
    # 2–4 and 5–60. The interval after a «maks: 4» starts at 5, not at 4.
    from soknadsveileder.rules import load
    from soknadsveileder.space import dimensions

    text = MINIMAL.read_text(encoding="utf-8")
    question = (
        "  - id: praksis_aar\n    type: tall\n    tekst: Praksis?\n    hjelp: År.\n    vet_ikke: true\n"
        "    min: 0\n    maks: 60\n"
    )
    condition = (
        "      - id: praksis\n        kilde: artikkel\n        sitat: Sitat fra kilden.\n"
        "        hvis: {sporsmal: praksis_aar, min: 2, maks: 4}\n"
        "        oppfylt: To til fire år.\n        ikke_oppfylt: Ikke to til fire år.\n"
        "        krav: de ansatte har to til fire års praksis\n"
    )
    text = text.replace("sjekkpunkter:\n", question + "sjekkpunkter:\n", 1)
    text = text.replace("    sjekkliste: [kontakt]\n", condition + "    sjekkliste: [kontakt]\n", 1)
    path = tmp_path / "tall.yaml"
    path.write_text(text, encoding="utf-8")
    (dim,) = [d for d in dimensions(load(path)) if d.id == "praksis_aar"]
    assert dim.values == (0, 2, 5, None)
    assert [dim.label(v) for v in dim.values] == ["0–1", "2–4", "5–60", "ukjent"]


def test_graf_turns_a_double_quote_in_a_text_into_a_single_one(cli, tmp_path):
    # A " inside a Mermaid or dot label would end the label: the diagram would not draw.
    path = tmp_path / "sitat.yaml"
    path.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("navn: Ordning A", 'navn: Ordning "A"', 1), encoding="utf-8"
    )
    for fmt in ("mermaid", "dot"):
        out = cli("graf", str(path), "--format", fmt).stdout
        assert "Ordning 'A'" in out and 'Ordning "A"' not in out, fmt
