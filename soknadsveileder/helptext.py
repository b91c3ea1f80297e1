"""`--help` in Norwegian, as plain text.

typer renders help with rich panels whose titles, defaults and type names are English
("Usage", "Options", "[default: …]", "<path>"). The commands and the group use this
formatter instead: click's own plain formatter, fed Norwegian headings, the metavars the
CLI gives each parameter, and the allowed values of the answer options taken from the rule
base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from typer._click import Command, Context, HelpFormatter, Parameter
from typer.core import TyperArgument as Argument
from typer.core import TyperGroup as Group
from typer.core import TyperOption as Option

#: Allowed values per option name, looked up when help is shown (the rule base is data).
ValuesFor = Callable[[], Mapping[str, list[str]]]


def format_help(command: Command, ctx: Context, formatter: HelpFormatter, values_for: ValuesFor) -> None:
    formatter.write_usage(ctx.command_path, " ".join(_usage_pieces(command, ctx)), prefix="Bruk: ")
    if command.help:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(command.help)
    arguments = [p for p in command.get_params(ctx) if isinstance(p, Argument)]
    options = [p for p in command.get_params(ctx) if isinstance(p, Option) and not p.hidden]
    if arguments:
        with formatter.section("Argumenter"):
            formatter.write_dl([(_argument_metavar(a), a.help or "") for a in arguments])
    if options:
        values = values_for() if any(o.name in ("bransje", "behov") for o in options) else {}
        with formatter.section("Valg"):
            formatter.write_dl([(_option_label(o), _option_help(o, values)) for o in options])
    if isinstance(command, Group):
        rows = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                rows.append((name, sub.get_short_help_str(limit=200)))
        with formatter.section("Kommandoer"):
            formatter.write_dl(rows)
        formatter.write_paragraph()
        formatter.write_text(f"Se «{ctx.command_path} KOMMANDO --help» eller «{ctx.command_path} help KOMMANDO».")


def _usage_pieces(command: Command, ctx: Context) -> list[str]:
    pieces = ["[VALG]"]
    for param in command.get_params(ctx):
        if isinstance(param, Argument):
            pieces.append(_argument_metavar(param))
    if isinstance(command, Group):
        pieces += ["KOMMANDO", "[ARGUMENTER]..."]
    return pieces


def _argument_metavar(argument: Argument) -> str:
    name = argument.metavar or (argument.name or "").upper()
    if argument.nargs != 1:
        name += "..."
    return name if argument.required or name.startswith("[") else f"[{name}]"


def _option_label(option: Option) -> str:
    names = sorted(option.opts, key=lambda o: (o.startswith("--"), o))  # -h before --help
    label = ", ".join(names)
    if not option.is_flag:
        label += " " + (option.metavar or "TEKST")
    return label


def _option_help(option: Option, values: Mapping[str, list[str]]) -> str:
    parts = [option.help or ""]
    if option.name in values:
        parts.append("Verdier: " + ", ".join(values[option.name]) + ".")
    default = _shown_default(option)
    if default is not None:
        parts.append(f"[standard: {default}]")
    envvar = option.envvar
    if isinstance(envvar, str):
        parts.append(f"[miljøvariabel: {envvar}]")
    return "  ".join(p for p in parts if p)


def _shown_default(param: Parameter) -> str | None:
    if not getattr(param, "show_default", False) or getattr(param, "is_flag", False):
        return None
    default: Any = param.default
    if default is None or callable(default):
        return None
    return str(default)
