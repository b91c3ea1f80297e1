"""The strict loader: the shipped rule base loads; every broken file fails as documented."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from soknadsveileder.model import AllOf, AnyOf, Equals, Status
from soknadsveileder.rules import RuleBaseError, bundled_path, load, parse

from .helpers import MINIMAL, TESTS, assert_no_traceback

BROKEN = sorted((TESTS / "regler" / "ugyldige").glob("*.yaml"))


def expected_issues(path: Path) -> list[str]:
    return [m[1] for m in re.finditer(r"^# forventet: (.*)$", path.read_text(encoding="utf-8"), re.M)]


def test_bundled_rule_base_has_the_contracted_ids(rules):
    assert [q.id for q in rules.questions][:3] == ["bransje", "behov", "kompetanse"]
    assert {q.id for q in rules.questions} >= {"bransje", "kompetanse", "behov", "klynge"}
    assert [s.id for s in rules.schemes] == [
        "bransjeprogram-industri-bygg",
        "bransjeprogram-maritim",
        "industrifagskolen",
        "utsatte-industriklynger",
    ]
    values = {q.id: [c.value for c in q.choices] for q in rules.questions}
    assert values["bransje"] == ["industri", "bygg", "maritim", "annen"]
    assert values["kompetanse"] == ["ufaglaert", "fagbrev", "fagskole", "hoyere"]
    assert values["behov"] == ["fagbrev", "fagskole", "hoyere"]
    assert rules.question("klynge").type == "ja_nei" and rules.question("klynge").allow_unknown


def _round(rules, scheme_id: str, round_id: str):
    scheme = rules.scheme(scheme_id)
    return scheme.in_round(next(r for r in scheme.rounds if r.id == round_id))


def test_bundled_facts_follow_the_primary_source(rules):
    """The autumn 2021 rounds, from the article: «Vi har igjen ca 7 millionar», «omtrent 20
    millionar igjen», «Det blir lyst ut 20 millionar kroner», «midten av september 2021»."""
    industri = _round(rules, "bransjeprogram-industri-bygg", "2021-host")
    assert industri.funds.amount == 7_000_000 and industri.funds.approximate and industri.funds.year == 2021
    assert industri.funds.kind == "igjen"
    fagskole = _round(rules, "industrifagskolen", "2021")
    assert (fagskole.funds.amount, fagskole.funds.kind) == (20_000_000, "igjen")
    klynger = _round(rules, "utsatte-industriklynger", "2021")
    assert (klynger.funds.amount, klynger.funds.kind) == (20_000_000, "lyst_ut")
    for s in (industri, fagskole, klynger):
        assert s.deadline.date is not None and (s.deadline.date.year, s.deadline.date.month) == (2021, 9)
        assert s.checklist and s.sources and s.administrator.startswith("Direktoratet")
    assert klynger.deadline.date == dt.date(2021, 9, 15) and not klynger.deadline.approximate
    assert "universitet" in klynger.applicant_types
    # The maritime call closed in April: «Søknadsfrist for alle bransjeprogrammene er 8. april»
    # and «Søknadsfristen var 15. april 2021» (Kompetanse Norge). The article's September
    # money names no sum for maritime, so no autumn round for it (fact-check 2026-12-07, M1).
    maritime = _round(rules, "bransjeprogram-maritim", "2021")
    assert maritime.deadline.earliest == dt.date(2021, 4, 8) and maritime.deadline.date == dt.date(2021, 4, 15)
    assert "8. eller 15. april 2021" in maritime.deadline.text and "september" not in maritime.deadline.text
    assert maritime.funds.amount is None
    assert [r.id for r in rules.scheme("bransjeprogram-maritim").rounds] == ["2021", "2023"]
    assert any("8. april" in n.text for n in maritime.notes) and any("15. april" in n.text for n in maritime.notes)
    # «utdanningsinstitusjoner på alle nivåer kan søke» (Regjeringen 2021): not only fagskoler.
    assert industri.applicant_types == ("utdanningsinstitusjon",)
    assert maritime.applicant_types == ("utdanningsinstitusjon",)
    # Several sectors: the sector question takes one or more values.
    assert rules.question("bransje").multiple and rules.question("bransje").allow_unknown


def test_the_rounds_of_each_scheme_as_the_sources_give_them(rules):
    """Each round's start, announcement, end and deadline, written from the sources."""
    D = dt.date
    want = {
        "bransjeprogram-industri-bygg": [
            # 2020: «Ny frist for å søke er 1. november» (Kompetanse Norge 2020).
            ("2020", D(2020, 1, 1), None, None, D(2020, 11, 1)),
            # «innen 8. april 2021» (NVL); no stored page dates the call, beyond 2021.
            ("2021-var", D(2020, 11, 2), D(2021, 1, 1), None, D(2021, 4, 8)),
            # The article names HK-dir, created 1 July 2021; «midten av september 2021».
            ("2021-host", D(2021, 4, 9), D(2021, 7, 1), None, D(2021, 9, 15)),
            # «kunne HK-dir bekrefte torsdag 10. februar 2022» (FLT); a month after mid-September.
            ("2022", D(2021, 10, 17), D(2022, 2, 10), None, None),
            ("2023", D(2023, 1, 1), None, None, None),
            # «i perioden 2024-2027» (Bygg og bevar 2024).
            ("2024-2027", D(2024, 1, 1), None, D(2027, 12, 31), None),
        ],
        "bransjeprogram-maritim": [
            ("2021", D(2021, 1, 1), None, None, D(2021, 4, 15)),
            ("2023", D(2023, 1, 1), None, D(2023, 12, 31), None),
        ],
        "industrifagskolen": [
            ("2021", D(2021, 1, 1), D(2021, 7, 1), None, D(2021, 9, 15)),
            # «I vår lyste … HK-dir ut midler» (2022), «årlig i tre år».
            ("2022-2024", D(2021, 10, 17), D(2022, 1, 1), D(2024, 12, 31), None),
            # «styrke Industrifagskolen og fagskolene» (NTB 2024); no later call is known.
            ("2025", D(2025, 1, 1), None, None, None),
        ],
        "utsatte-industriklynger": [
            # «Søknadsfrist 15. september kl 17:00 … ferdig innen 15. desember 2022».
            ("2021", D(2021, 1, 1), D(2021, 7, 1), D(2022, 12, 15), D(2021, 9, 15)),
        ],
    }
    got = {s.id: [(r.id, r.starts, r.announced, r.ends, r.deadline.date) for r in s.rounds] for s in rules.schemes}
    assert got == want


def test_after_2021_fagbrev_is_unclear_for_industri_og_bygg(rules):
    """FLT 2022 and Bygg og bevar 2024 name fagskoler, høgskoler and universiteter; general
    texts on all programmes also name videregående opplæring (NTB 2023). Unclear, not out."""
    for round_id in ("2022", "2023", "2024-2027"):
        criterion = next(c for c in _round(rules, "bransjeprogram-industri-bygg", round_id).criteria if c.id == "nivaa")
        assert any(u.when == Equals("behov", "fagbrev") for u in criterion.unclear), round_id
        assert _round(rules, "bransjeprogram-industri-bygg", round_id).ranking[0].when != Equals("behov", "fagbrev")


def test_every_condition_and_history_entry_cites_a_source_of_its_scheme(rules):
    for scheme in rules.schemes:
        own = set(scheme.sources)
        for criterion in scheme.criteria:
            assert criterion.source in own, (scheme.id, criterion.id)
            assert criterion.quote.strip(), (scheme.id, criterion.id)
            for unclear in criterion.unclear:
                assert unclear.source in own and unclear.quote.strip(), (scheme.id, criterion.id)
        assert scheme.history, scheme.id
        assert all(h.source in own for h in scheme.history), scheme.id
        assert scheme.after_deadline, scheme.id
    for alt in rules.alternatives:
        assert alt.source in rules.sources.values(), alt.id


def test_every_source_has_a_title_a_publisher_a_year_and_a_real_address(rules):
    for source in rules.sources.values():
        assert source.title and source.publisher, source.id
        assert 1990 <= source.year <= 2026, source.id
        if source.url is not None:
            # The page itself, not a site's front page.
            assert re.match(r"^https://[^/]+/.+", source.url), source.id
    # No path that only exists in the developers' checkout ever reaches a user.
    text = bundled_path().read_text(encoding="utf-8")
    assert "shared/kilder" not in text and "dokument:" not in text


def test_every_source_is_used(rules):
    from soknadsveileder.claims import claims

    assert {c.source.id for c in claims(rules)} == set(rules.sources)


def test_level_texts_agree_with_the_nkr_numbers(rules):
    """Each «NKR 4» or «NKR 4–7» in a level text names exactly the scheme's NKR levels."""
    for scheme in rules.schemes:
        named: set[int] = set()
        for low, high in re.findall(r"NKR (\d)(?:–(\d))?", scheme.level_text):
            named.update(range(int(low), int(high or low) + 1))
        assert named == set(scheme.nkr_levels), scheme.id
    behov = {c.value: c.label for c in rules.question("behov").choices}
    assert "NKR 6–7" in behov["hoyere"] and "NKR 5" in behov["fagskole"] and "NKR 4" in behov["fagbrev"]


def test_version_and_date_tell_the_truth(rules):
    # The file was checked against the sources and the fact-check on 2026-12-07.
    assert rules.version == "2026.3"
    assert rules.updated.isoformat() == "2026-12-07"
    newest = max(h.year for s in rules.schemes for h in s.history)
    assert newest <= rules.updated.year


def test_every_question_has_texts_and_labels(rules):
    for q in rules.questions:
        assert q.text and q.help
        assert all(c.label for c in q.choices)


def test_conditions_are_typed_data(rules):
    criterion = _round(rules, "bransjeprogram-industri-bygg", "2021-host").criteria[1]
    assert isinstance(criterion.condition, AnyOf)
    assert criterion.condition.items[0] == Equals("behov", "fagbrev")
    assert isinstance(criterion.condition.items[1], AllOf)
    assert rules.scheme("utsatte-industriklynger").criteria[1].condition == Equals("klynge", True)
    assert Status("aktuell") is Status.AKTUELL


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_file_gives_its_documented_errors(path, cli):
    expected = expected_issues(path)
    assert expected, f"{path.name} has no '# forventet:' line"
    result = cli("valider", str(path))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert len(lines) == len(expected), result.stderr
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{want}"), (line, want)
    assert f"Fant {len(expected)} feil" in result.stderr


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("ukjent-nokkel", "mente du 'for_hvem'?"),
        ("ukjent-sporsmal", "mente du 'bransje'?"),
        ("ukjent-verdi", "mente du 'industri'?"),
        ("ukjent-sjekkpunkt", "mente du 'kontakt'?"),
        ("yaml11-boolsk", "skriv true eller false, ikke 'no'"),
        ("dato-uten-anforselstegn", 'for eksempel "2021-09-15"'),
    ],
)
def test_errors_carry_a_hint(name, hint):
    with pytest.raises(RuleBaseError) as err:
        load(TESTS / "regler" / "ugyldige" / f"{name}.yaml")
    assert any(i.hint and hint in i.hint for i in err.value.issues), err.value.issues


def test_minimal_rule_base_is_valid(cli):
    result = cli("valider", str(MINIMAL))
    assert result.exit_code == 0
    assert "gyldig" in result.stdout and "1 ordning," in result.stdout and "1 ordninger" not in result.stdout


def test_valider_defaults_to_the_bundled_rule_base(cli):
    result = cli("valider")
    assert result.exit_code == 0, result.output
    assert str(bundled_path()) in result.stdout


def test_valider_honours_regler_and_the_environment(cli):
    broken = TESTS / "regler" / "ugyldige" / "umulig-dato.yaml"
    assert cli("valider", "--regler", str(broken)).exit_code == 1
    assert cli("valider", env={"SOKNAD_REGLER": str(broken)}).exit_code == 1
    assert cli("valider", env={"SOKNAD_REGLER": str(MINIMAL)}).exit_code == 0


def test_valider_missing_file_is_exit_2_without_traceback(run, tmp_path):
    result = run("valider", str(tmp_path / "finnes-ikke.yaml"))
    assert result.returncode == 2
    assert f"Feil: {tmp_path / 'finnes-ikke.yaml'}: Filen finnes ikke." in result.stderr
    assert_no_traceback(result.stderr)


def test_yaml_11_words_stay_text(tmp_path):
    # `on` and `no` would be booleans in YAML 1.1; here they are plain choice values.
    text = (
        MINIMAL.read_text(encoding="utf-8")
        .replace("verdi: annen", "verdi: 'no'")
        .replace("verdi: industri", "verdi: on")
    )
    text = text.replace("er: industri", "er: on")
    rules = parse(text, "on.yaml")
    assert [c.value for c in rules.questions[0].choices] == ["on", "no"]


def test_date_is_text_until_a_date_field_parses_it():
    text = MINIMAL.read_text(encoding="utf-8").replace('dato: "2021-09-15"', "dato: 2021-09-15")
    rules = parse(text, "dato.yaml")
    assert rules.schemes[0].deadline.date.isoformat() == "2021-09-15"


def test_alias_bomb_is_refused_at_once(run, tmp_path):
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    path = tmp_path / "bombe.yaml"
    path.write_text("\n".join(bomb) + "\n", encoding="utf-8")
    started = time.perf_counter()
    result = run("valider", str(path))
    assert result.returncode == 1
    assert "aliaser" in result.stderr
    assert time.perf_counter() - started < 10  # a whole interpreter start; the parse itself is below
    started = time.perf_counter()
    with pytest.raises(RuleBaseError, match="aliaser"):
        load(path)
    assert time.perf_counter() - started < 1  # refused before any expansion: well under a second


def test_python_tag_executes_nothing(run, tmp_path):
    marker = tmp_path / "kjort"
    path = tmp_path / "tag.yaml"
    path.write_text(f'a: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = run("valider", str(path))
    assert result.returncode == 1
    assert not marker.exists()
    assert "!!python/object/apply:os.system" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom"),
        (b"\x00\xff\xfe\x80garbage\n", "ikke gyldig UTF-8"),
        (b"- a\n- b\n", "Forventet en tabell"),
        (b"just text", "Forventet en tabell"),
        (b"a: [1, 2\n", "Ugyldig YAML"),
        (b"a:\tb\n\tc: d\n", "Ugyldig YAML"),
        (b"\x01\x02\x03", "tegn som YAML ikke tillater"),
    ],
)
def test_hostile_files_are_rejected_with_a_line(run, tmp_path, content, message):
    path = tmp_path / "fil.yaml"
    path.write_bytes(content)
    result = run("valider", str(path))
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert re.search(rf"{re.escape(str(path))}:\d+:", result.stderr)
    assert_no_traceback(result.stderr)


def test_directory_and_unreadable_rule_base(run, tmp_path):
    result = run("valider", str(tmp_path))
    assert result.returncode == 2 and "mappe" in result.stderr
    locked = tmp_path / "låst.yaml"
    locked.write_text("a: 1\n", encoding="utf-8")
    locked.chmod(0)
    result = run("ordninger", "--regler", str(locked))
    if result.returncode == 2:  # root can read anything; then it is simply an invalid file
        assert "tilgang" in result.stderr
    else:
        assert result.returncode == 1
    assert_no_traceback(result.stderr)


def _tree(node) -> object:
    """A node tree as plain data: tag, value and position of every node."""
    from yaml.nodes import MappingNode, SequenceNode

    where = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, MappingNode):
        return (*where, [(_tree(k), _tree(v)) for k, v in node.value])
    if isinstance(node, SequenceNode):
        return (*where, [_tree(n) for n in node.value])
    return (*where, node.value)


@pytest.mark.parametrize(
    "path", [bundled_path(), MINIMAL, *BROKEN], ids=lambda p: p.stem if p != bundled_path() else "schemes"
)
def test_the_fast_yaml_path_builds_the_same_nodes_as_the_checked_one(path):
    """libyaml composes the rule base on every start; it must see exactly what PyYAML sees."""
    from soknadsveileder import yamlsafe

    text = path.read_text(encoding="utf-8")
    ok, fast = yamlsafe._compose_fast(text)
    if path in (bundled_path(), MINIMAL):
        assert ok  # the fast path is really taken for valid files
    if not ok:
        return  # an alias, odd characters or an error: the checked path decides
    try:
        checked = yamlsafe._compose_checked(text, path.name)
    except RuleBaseError:
        pytest.fail("the fast path accepted what the checked path refuses")
    assert (fast is None) == (checked is None)
    if fast is not None:
        assert _tree(fast) == _tree(checked)


# --- The cache of checked rule bases ------------------------------------------------------


def test_a_checked_rule_base_is_cached_and_reused(tmp_path, monkeypatch):
    from soknadsveileder import rules as rules_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "regler.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    first = load(path)
    files = list((tmp_path / "cache" / "soknad").glob("*.pickle"))
    assert len(files) == 1
    built = []
    monkeypatch.setattr("soknadsveileder.rulebuilder.build", lambda *a: built.append(a))
    second = load(path)  # from the cache: the builder is not called
    assert built == [] and second.version == first.version and [s.id for s in second.schemes] == ["ordning-a"]
    assert second.path == path
    # An edit, however small, is seen at once.
    path.write_text(path.read_text(encoding="utf-8").replace("Ordning A", "Ordning B"), encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert load(path).schemes[0].name == "Ordning B"
    assert len(list((tmp_path / "cache" / "soknad").glob("*.pickle"))) == 1  # one file per rule base
    # A damaged cache file is ignored, and an invalid file is never cached as valid.
    files[0].write_bytes(b"\x80\x05 not a pickle")
    assert load(path).schemes[0].name == "Ordning B"
    path.write_text("versjon: 1\n", encoding="utf-8")
    with pytest.raises(RuleBaseError):
        load(path)
    assert rules_module.cache_dir() == tmp_path / "cache" / "soknad"


def test_the_cache_can_be_turned_off_and_a_read_only_cache_is_harmless(tmp_path, monkeypatch):
    monkeypatch.setenv("SOKNAD_MELLOMLAGER", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert load(MINIMAL).version == "test-1"
    assert not (tmp_path / "cache").exists()
    monkeypatch.delenv("SOKNAD_MELLOMLAGER")
    blocked = tmp_path / "fil"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder should be
    assert load(MINIMAL).version == "test-1"


def test_archived_versions_load_and_are_named_by_their_version(rules):
    """data/versjoner/ holds released versions for saved answers; each must load under
    today's code, under the file name the lookup uses, and none may be today's version."""
    from soknadsveileder.rules import archived

    archive = bundled_path().parent / "versjoner"
    files = sorted(archive.glob("*.yaml"))
    assert [p.stem for p in files] == ["2021.1", "2026.1", "2026.2"]
    for path in files:
        old = load(path)
        assert old.version == path.stem != rules.version
        assert archived(old.version) is not None


def test_the_old_keys_for_later_calls_name_their_replacement(run):
    """`senere_utlysning` and `kjent_til` (to 2026.2) still load, so an older file can be
    compared with `soknad endringer`, but `valider` says that rounds replaced them, and
    `--streng` refuses them; through a process too."""
    path = str(TESTS / "regler" / "lint" / "erstattet-av-runder.yaml")
    result = run("valider", path)
    assert result.returncode == 0
    assert "'senere_utlysning' er erstattet av «runder» (regelverk 2026.3) og brukes ikke." in result.stderr
    assert "se docs/vedlikehold.md" in result.stderr
    assert run("valider", "--streng", path).returncode == 1
    assert_no_traceback(result.stderr)


def test_a_yaml_syntax_error_shows_the_line_to_fix_with_the_lines_around_it(run, tmp_path):
    """Issue 15: a maintainer sees where to fix, not only a line number. A key without its
    colon is reported on its own line, not on the line after, where YAML noticed it."""
    text = MINIMAL.read_text(encoding="utf-8").replace("    navn: Ordning A\n", "    navn Ordning A\n")
    lines = text.splitlines()
    broken = lines.index("    navn Ordning A") + 1
    path = tmp_path / "regler.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("valider", str(path))
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0] == (
        f"{path}:{broken}: Ugyldig YAML: mangler kolon etter en nøkkel. (sjekk innrykk, kolon og anførselstegn)"
    )
    assert err[1:5] == [
        f"    {broken - 2} | {lines[broken - 3]}",
        f"    {broken - 1} | {lines[broken - 2]}",
        f"  > {broken} |     navn Ordning A",
        f"    {' ' * len(str(broken))} |     ^",
    ]


def test_every_unknown_source_in_one_run_each_place_said_in_words(run, tmp_path):
    """Issue 15 §6: all references to unknown sources at once; the place in words first,
    the path in parentheses after it."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace(
        "    kilde: artikkel\n    sitat: Sitat fra kilden.\n    tekst: Kontakt",
        "    kilde: artikel\n    sitat: Sitat fra kilden.\n    tekst: Kontakt",
    )
    text = text.replace("      - id: bransje\n        kilde: artikkel", "      - id: bransje\n        kilde: artikkle")
    text = text.replace("      art: igjen", "      art: igjen\n      omtrentlig_belop: ja", 1)
    path = tmp_path / "kilder.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("valider", str(path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(
        "sjekkpunktet «kontakt», feltet «kilde» (sjekkpunkter[0].kilde): Ukjent kilde 'artikel'." in line
        for line in lines
    ), result.stderr
    assert any(
        "ordningen «ordning-a», vilkåret «bransje», feltet «kilde» (ordninger[0].vilkaar[0].kilde): Ukjent kilde 'artikkle'."
        in line
        for line in lines
    ), result.stderr
    assert any("ordningen «ordning-a», feltet «omtrentlig_belop» under «midler»" in line for line in lines), (
        result.stderr
    )
    assert lines[-1].startswith("Fant 3 feil")
    assert_no_traceback(result.stderr)
