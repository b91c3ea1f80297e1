"""Finding, reading and loading the rule base, with a cache of the checked result.

The rule base is edited by hand every year by people who are not programmers, so loading it
is strict: `rulebuilder` checks every field and reports every problem at once, with file,
line and path. That check, and YAML itself, cost about 20 ms on every start. A rule base
that passed once is therefore kept in a cache file, next to the exact text it was built
from, and reused while the text and the code that built it are unchanged. Any doubt (a
missing, unreadable, foreign or outdated cache file) means building it again from the YAML;
the cache can only save time, never change a result.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from . import __version__
from .files import FileProblem, read_bytes, write_atomic
from .model import RuleBase
from .problems import Issue, RuleBaseError

_MAX_BYTES = 5_000_000
# The modules whose code decides what a rule base becomes: a change to any of them makes
# every cached rule base outdated.
_BUILDER_MODULES = ("model.py", "rulebuilder.py", "yamlfields.py", "yamlsafe.py", "problems.py")


# --- Finding and reading the file -------------------------------------------------------


def bundled_path() -> Path:
    """The rule base shipped with the package.

    A wheel carries it inside the package (mapped there at build time); a source checkout
    or an editable install reads the same file at ``data/schemes.yaml`` in the repository.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "schemes.yaml"
    return packaged if packaged.is_file() else here.parent / "data" / "schemes.yaml"


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


def edited_checkout_file(start: Path) -> Path | None:
    """The checkout's ``data/schemes.yaml``, when it is not the rule base in use and differs.

    After ``pip install .`` the commands read the copy inside the installed package. A
    maintainer who edits the file in the checkout would otherwise check, and use, the old
    rules without knowing.
    """
    bundled = bundled_path()
    for folder in (start, *start.parents):
        candidate = folder / "data" / "schemes.yaml"
        pyproject = folder / "pyproject.toml"
        if not (candidate.is_file() and pyproject.is_file()):
            continue
        try:
            if 'name = "soknadsveileder"' not in pyproject.read_text(encoding="utf-8", errors="replace"):
                return None
            if candidate.resolve() == bundled.resolve() or candidate.read_bytes() == bundled.read_bytes():
                return None
        except OSError:
            return None
        return candidate
    return None


def load(path: Path | None = None) -> RuleBase:
    """Load and validate a rule base; the bundled one when `path` is None."""
    real = path if path is not None else bundled_path()
    return parse(read_text(real), str(real), real)


def parse(text: str, name: str = "<regelverk>", path: Path | None = None) -> RuleBase:
    """Validate YAML text as a rule base. Raises `RuleBaseError` with every issue found."""
    stamp = (_code_stamp(), name, str(path), text)
    cached = _cache_read(name, stamp)
    if cached is not None:
        return cached
    from .rulebuilder import build  # YAML and the checks: only when there is no cached result

    rules = build(text, name, path)
    _cache_write(name, stamp, rules)
    _archive(rules.version, text)
    return rules


def load_spec(spec: str) -> RuleBase:
    """A rule base from a file, or from git when written as REV:sti (HEAD:data/schemes.yaml)."""
    path = Path(spec)
    if path.exists() or ":" not in spec:
        return load(path)
    import subprocess

    revision, _, inside = spec.partition(":")
    try:
        shown = subprocess.run(
            ["git", "show", spec], capture_output=True, timeout=30, check=False, env={**os.environ, "LC_ALL": "C"}
        )
    except FileNotFoundError:
        raise RuleBaseError([Issue(spec, 0, "", "Finner ikke programmet git, så REV:sti kan ikke leses.")]) from None
    except (OSError, subprocess.TimeoutExpired):
        raise RuleBaseError([Issue(spec, 0, "", "Kunne ikke kjøre git for å lese filen.")]) from None
    if shown.returncode != 0:
        why = shown.stderr.decode("utf-8", "replace")
        if "not a git repository" in why:
            message = "Mappen du står i er ikke et git-depot, så en git-revisjon kan ikke leses herfra."
        elif "does not exist in" in why or "exists on disk, but not in" in why:
            message = f"Fant ikke {inside} i git-revisjonen {revision}."
        else:
            message = f"Fant ikke {inside} i git-revisjonen {revision} (finnes revisjonen?)."
        raise RuleBaseError([Issue(spec, 0, "", message)])
    try:
        text = shown.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleBaseError([Issue(spec, 0, "", "Filen er ikke gyldig UTF-8.")]) from None
    return parse(text, spec)


# --- Earlier versions -----------------------------------------------------------------------


def _archive_file(version: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "versjoner" / f"{_safe_name(version)}.yaml"


def _safe_name(version: str) -> str:
    """A version as a file name: no path separators, no dot-only names."""
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in version)[:80]
    return safe if safe.strip(".") else "_"


def _archive(version: str, text: str) -> None:
    """Keep the text of each version used on this machine, so answers saved under it can be
    compared with a newer one later. The first text seen under a version is the one kept."""
    path = _archive_file(version)
    if path is None or path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except (OSError, FileProblem):
        pass


def _shipped_archive_file(version: str) -> Path:
    """An earlier version shipped with the package, beside the rule base in use."""
    return bundled_path().parent / "versjoner" / f"{_safe_name(version)}.yaml"


def archived(version: str) -> RuleBase | None:
    """An earlier version of the rule base: shipped with the package (released versions,
    in today's format), or used on this machine before; else None."""
    for path in (_shipped_archive_file(version), _archive_file(version)):
        if path is None or not path.is_file():
            continue
        try:
            return load(path)
        except RuleBaseError:
            continue
    return None


# --- The cache ----------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where checked rule bases are kept; None when SOKNAD_MELLOMLAGER=0 turns it off."""
    if os.environ.get("SOKNAD_MELLOMLAGER") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "soknad"


def _cache_file(name: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    # One file per rule-base path, so editing a file many times leaves one cache file.
    safe = "".join(c if c.isalnum() else "_" for c in os.path.abspath(name))[-120:]
    return folder / f"regelverk-{safe}.pickle"


def _code_stamp() -> tuple[object, ...]:
    here = Path(__file__).resolve().parent
    stats: list[tuple[str, int | None, int | None]] = []
    for module in _BUILDER_MODULES:
        try:
            st = (here / module).stat()
            stats.append((module, st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append((module, None, None))
    return (__version__, sys.version, tuple(stats))


def _cache_read(name: str, stamp: tuple[object, ...]) -> RuleBase | None:
    path = _cache_file(name)
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            cached_stamp, rules = pickle.load(f)
    except Exception:  # missing, unreadable, truncated or foreign: build it again
        return None
    if cached_stamp != stamp or not isinstance(rules, RuleBase):
        return None
    return rules


def _cache_write(name: str, stamp: tuple[object, ...], rules: RuleBase) -> None:
    path = _cache_file(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps((stamp, rules), protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, FileProblem, pickle.PicklingError):
        pass  # a read-only home or a full disk costs time, never a result


__all__ = [
    "Issue",
    "RuleBaseError",
    "archived",
    "bundled_path",
    "cache_dir",
    "edited_checkout_file",
    "load",
    "load_spec",
    "parse",
    "read_text",
]
