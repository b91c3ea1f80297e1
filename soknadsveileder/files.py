"""Reading input files and writing output files, with Norwegian errors and atomic writes."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any


class FileProblem(Exception):
    """A file could not be read or written. `str()` is ready to show a user."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def os_problem(path: Path, e: OSError, writing: bool) -> FileProblem:
    """Turn an OSError into a Norwegian sentence about the file."""
    verb = "skrive" if writing else "lese"
    if isinstance(e, FileNotFoundError):
        reason = f"Mappen {path.parent} finnes ikke." if writing else "Filen finnes ikke."
    elif isinstance(e, IsADirectoryError):
        reason = "Dette er en mappe, ikke en fil."
    elif isinstance(e, PermissionError):
        reason = f"Mangler tilgang til å {verb} filen."
    elif e.errno == errno.ENOSPC:
        reason = "Disken er full."
    elif e.errno == errno.EFBIG:
        reason = "Filen ble større enn systemet tillater."
    elif e.errno in _OS_WORDS:
        reason = f"Kunne ikke {verb} filen: {_OS_WORDS[e.errno]}."
    else:
        reason = f"Kunne ikke {verb} filen (systemfeil {e.errno})." if e.errno else f"Kunne ikke {verb} filen."
    return FileProblem(path, reason)


# The operating system's errors in Norwegian; its own words would be English.
_OS_WORDS = {
    errno.EIO: "inn/ut-feil på enheten eller disken",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.ELOOP: "for mange lenker etter hverandre",
    errno.ENXIO: "ingen leser i den andre enden",
    errno.EPIPE: "den andre enden er lukket",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EBUSY: "filen er i bruk",
    errno.ETXTBSY: "filen er i bruk",
}


def read_bytes(path: Path, limit: int = 50_000_000) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise os_problem(path, e, writing=False) from None
    if len(data) > limit:
        raise FileProblem(path, f"Filen er for stor (over {limit // 1_000_000} MB).")
    return data


class OutputFile:
    """The one way the tool writes a file: -o, --sjekkliste, --lagre-svar and mal -o.

    * A regular file (or a new one) is written whole or not at all: the content goes to a
      temporary file in the same folder and replaces the target in one rename at `commit`.
      A failure, or `abort`, leaves an existing file as it was and nothing behind.
    * A symlink is written through: its target is replaced as above, and the link stays.
    * A device, a FIFO or anything else that is not a regular file is opened and written
      directly. It is never replaced: renaming over /dev/null as root would delete the
      device and leave a regular file in its place.
    """

    def __init__(self, path: Path, binary: bool) -> None:
        self.path = path
        self.tmp: Path | None = None
        try:
            st: os.stat_result | None = os.stat(path)  # follows a symlink to what it points at
        except FileNotFoundError:
            st = None
        except OSError as e:
            raise os_problem(path, e, writing=True) from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise FileProblem(path, "Dette er en mappe, ikke en fil.")
        self.target = Path(os.path.realpath(path))  # a symlink's target; the path itself otherwise
        if st is not None and not stat.S_ISREG(st.st_mode):
            try:
                raw = os.open(path, os.O_WRONLY)
            except OSError as e:
                raise os_problem(path, e, writing=True) from None
            self.stream: IO[Any] = os.fdopen(raw, "wb") if binary else open(raw, "w", encoding="utf-8", newline="")  # noqa: SIM115
            return
        import tempfile  # only writers need it; it costs a millisecond at start

        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
        except OSError as e:
            raise os_problem(path, e, writing=True) from None
        self.tmp = Path(name)
        self.stream = os.fdopen(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115

    def commit(self) -> None:
        try:
            self.stream.flush()
            if self.tmp is None:  # written directly
                self.stream.close()
                return
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.chmod(self.tmp, mode_for(self.target))  # mkstemp makes -rw-------, right for secrets only
            os.replace(self.tmp, self.target)
            self.tmp = None
        except OSError as e:
            self.abort()
            raise os_problem(self.path, e, writing=True) from None

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                self.tmp.unlink()
            self.tmp = None


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a whole file through `OutputFile`: all or nothing, never replacing a device."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    out = OutputFile(path, binary=True)
    try:
        out.stream.write(data)
    except OSError as e:
        out.abort()
        raise os_problem(path, e, writing=True) from None
    except BaseException:
        out.abort()
        raise
    out.commit()


def mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def stdout_ascii() -> bool:
    """JSON for a stdout that cannot take UTF-8 (LC_ALL=C) escapes æøå as \\u00e6, so no
    character is lost to a replacement; for any other it writes them as they are."""
    return not _utf8(getattr(sys.stdout, "encoding", None))


def terminal_unicode() -> bool:
    """Whether the terminal can be trusted to show characters beyond ASCII (● ✓ ☐ ─).

    Python writes UTF-8 even under LC_ALL=C (its UTF-8 mode), but a terminal set up for that
    locale shows «●» and «○» alike, as «?» or nothing: every check box would look the same. So
    the locale decides, and a stdout that cannot take UTF-8 at all.
    """
    if not _utf8(getattr(sys.stdout, "encoding", None)):
        return False
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            return _utf8(value.rpartition(".")[2].partition("@")[0])  # nb_NO.UTF-8@euro
    return True  # no locale at all: a modern default is UTF-8


def _utf8(encoding: str | None) -> bool:
    """'UTF-8', 'utf8', 'utf_8_sig' …"""
    return (encoding or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit cannot fail again.

    Used once stdout is known to be closed (a reader that went away) or broken.
    """
    silence(sys.stdout)


def silence(stream: IO[str]) -> None:
    """Point a standard stream at /dev/null (see `silence_stdout`)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
