"""`soknad mal`: a spreadsheet to fill in, with a column per question and two example rows.

The examples are made from the rule base, so they are always valid: the first uses the
first value of each question, the second the last (and two sectors at once). The Excel
version has a drop-down list in every choice column and a second sheet that explains the
allowed values.
"""

from __future__ import annotations

import csv
import io

from .model import Question, RuleBase

_ROWS = 10_001  # how far down the drop-down lists reach: 10 000 companies under the header


def header(rules: RuleBase) -> list[str]:
    return ["id", "navn", *(q.id for q in rules.questions)]


def _example(question: Question, first: bool) -> str:
    if question.type == "ja_nei":
        return "ja" if first else "nei"
    if question.type == "tall":
        low = question.minimum if question.minimum is not None else 0
        return str(low if first else min(low + 6, question.maximum if question.maximum is not None else low + 6))
    values = [c.value for c in question.choices]
    if question.multiple and not first and len(values) > 1:
        return f"{values[0]}, {values[-2]}"
    return values[0] if first else values[-1]


def examples(rules: RuleBase) -> list[list[str]]:
    return [
        ["1", "Eksempel AS", *(_example(q, True) for q in rules.questions)],
        ["2", "Eksempel to AS", *(_example(q, False) for q in rules.questions)],
    ]


def template_csv(rules: RuleBase, excel: bool = False) -> str:
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow(header(rules))
    writer.writerows(examples(rules))
    return out.getvalue()


def allowed(question: Question) -> str:
    if question.type == "ja_nei":
        return "ja eller nei"
    if question.type == "tall":
        return f"et heltall fra {question.minimum} til {question.maximum}"
    values = ", ".join(f"{c.value} ({c.label})" for c in question.choices)
    # A cell takes the id or the label, in any case: «hoyere», «høyere» and «Korte moduler …» all work.
    return ("én eller flere, skilt med komma: " if question.multiple else "én av: ") + values


def template_xlsx(rules: RuleBase) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Svar"
    sheet.append(header(rules))
    for row in examples(rules):
        # Numbers as numbers: Excel marks a number stored as text in a whole-number column.
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, name in enumerate(header(rules), 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(len(name) + 4, 18 if name != "navn" else 28)
        question = next((q for q in rules.questions if q.id == name), None)
        if question is None:
            continue
        cells = f"{letter}2:{letter}{_ROWS}"
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
        rule.showInputMessage = True
        sheet.add_data_validation(rule)
        rule.add(cells)
    guide = book.create_sheet("Verdier")
    guide.append(["kolonne", "spørsmål", "tillatte verdier", "hjelp"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.append(["id", "Sendes uendret videre til resultatet", "tekst eller tall", ""])
    guide.append(["navn", "Sendes uendret videre til resultatet", "tekst", ""])
    for q in rules.questions:
        guide.append([q.id, q.text, allowed(q) + ". Tom celle betyr «vet ikke».", q.help])
    for letter, width in zip("ABCD", (14, 50, 60, 80), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
