"""`soknad mal`: a member list to fill in, laid out as an office lays one out.

A title row, an empty row, then the header: `id`, `navn`, a column per question, and two
columns of the adviser's own (org.nr. and a comment), to show that such columns come back in
the result. The two example rows answer only what the guide would ask a company with those
answers on the date (`engine.next_question`), so they show which cells may stay empty; the
first takes the first value of each question, the second the last (and two sectors at
once). The Excel version has a drop-down list in every choice column and a second sheet
that explains the allowed values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from .model import AnswerValue, Question, RuleBase

_ROWS = 10_003  # how far down the drop-down lists reach: 10 000 companies under the header
TITLE = "Medlemsliste – én bedrift per rad (mal fra soknad)"
HEADER_ROW = 3  # under the title and an empty row
OWN = ("Org.nr.", "Kommentar")
_OWN_EXAMPLES = ((923456789, "Eksempel: slett raden"), (987654321, "Egne kolonner kommer tilbake i resultatet"))


def header(rules: RuleBase) -> list[str]:
    return ["id", "navn", *(q.id for q in rules.questions), *OWN]


def _choose(question: Question, first: bool) -> AnswerValue:
    if question.type == "ja_nei":
        return first
    if question.type == "tall":
        low = question.minimum if question.minimum is not None else 0
        return low if first else min(low + 6, question.maximum if question.maximum is not None else low + 6)
    values = [c.value for c in question.choices]
    if question.multiple:
        return (values[0],) if first or len(values) < 2 else (values[0], values[-2])
    return values[0] if first else values[-1]


def _cell(value: AnswerValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def example_answers(rules: RuleBase, today: dt.date, first: bool) -> dict[str, AnswerValue]:
    """The answers of an example row: only the questions the guide asks, in its order."""
    from . import engine

    answers: dict[str, AnswerValue] = {}
    while (question := engine.next_question(rules, answers, today)) is not None:
        answers[question.id] = _choose(question, first)
    return answers


def examples(rules: RuleBase, today: dt.date) -> list[list[str]]:
    rows = []
    for n, (first, name) in enumerate(((True, "Eksempel AS"), (False, "Eksempel to AS"))):
        answers = example_answers(rules, today, first)
        orgnr, comment = _OWN_EXAMPLES[n]
        cells = [_cell(answers.get(q.id)) for q in rules.questions]
        rows.append([str(n + 1), name, *cells, str(orgnr), comment])
    return rows


def template_csv(rules: RuleBase, today: dt.date, excel: bool = False) -> str:
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow([TITLE])
    writer.writerow([])
    writer.writerow(header(rules))
    writer.writerows(examples(rules, today))
    return out.getvalue()


def allowed(question: Question) -> str:
    if question.type == "ja_nei":
        return "ja eller nei"
    if question.type == "tall":
        return f"et heltall fra {question.minimum} til {question.maximum}"
    values = ", ".join(f"{c.value} ({c.label})" for c in question.choices)
    # A cell takes the id or the label, in any case: «hoyere», «høyere» and «Korte moduler …» all work.
    return ("én eller flere, skilt med komma: " if question.multiple else "én av: ") + values


def template_xlsx(rules: RuleBase, today: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Svar"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header(rules)))
    sheet.append([])
    sheet.append(header(rules))
    for row in examples(rules, today):
        # Numbers as numbers: Excel marks a number stored as text in a whole-number column.
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in row])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for i, name in enumerate(header(rules), 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(len(name) + 4, 18 if name != "navn" else 28)
        question = next((q for q in rules.questions if q.id == name), None)
        if question is None:
            continue
        cells = f"{letter}{HEADER_ROW + 1}:{letter}{_ROWS}"
        if question.type == "tall":
            rule = DataValidation(
                type="whole", operator="between", formula1=str(question.minimum), formula2=str(question.maximum)
            )
        else:
            values = ["ja", "nei"] if question.type == "ja_nei" else [c.value for c in question.choices]
            rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"')
        rule.error = f"Tillatt i {name}: {allowed(question)}."
        rule.prompt = question.text
        # Several values («industri, maritim») are allowed: there the list helps, and no
        # message pops up over a valid answer that is not one item of it.
        rule.showErrorMessage = not question.multiple
        if question.approximate:
            # «ca. 5» and «5,5» are allowed too: a warning that lets the cell keep them.
            rule.errorStyle = "warning"
            rule.error += " Et omtrentlig tall («ca. 5», «5,5») går også; det leses som det hele tallet under."
        rule.showInputMessage = True
        sheet.add_data_validation(rule)
        rule.add(cells)
    guide = book.create_sheet("Verdier")
    guide.append(["kolonne", "spørsmål", "tillatte verdier", "hjelp"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.append(["id", "Sendes uendret videre til resultatet", "tekst eller tall", ""])
    guide.append(["navn", "Sendes uendret videre til resultatet", "tekst", ""])
    guide.append(
        [
            ", ".join(OWN),
            "Eksempler på egne kolonner: alle kolonner som ikke er spørsmål, kommer uendret tilbake i resultatet",
            "hva som helst",
            "Legg til de kolonnene dere trenger, med de navnene dere vil.",
        ]
    )
    for q in rules.questions:
        guide.append([q.id, q.text, allowed(q) + ". Tom celle betyr «vet ikke».", q.help])
    for letter, width in zip("ABCD", (14, 50, 60, 80), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
