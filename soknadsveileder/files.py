"""Reading input files and writing output files, with Norwegian errors and atomic writes."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path


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
    else:
        reason = f"Kunne ikke {verb} filen ({e.strerror or type(e).__name__})."
    return FileProblem(path, reason)


def read_bytes(path: Path, limit: int = 50_000_000) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise os_problem(path, e, writing=False) from None
    if len(data) > limit:
        raise FileProblem(path, f"Filen er for stor (over {limit // 1_000_000} MB).")
    return data


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file completely or not at all.

    The content goes to a temporary file in the same folder, is flushed to disk, and then
    replaces the target in one rename. A failure at any point leaves an existing file as it
    was and no temporary file behind. The file gets the permissions any new file would get
    (the umask decides), or keeps those of the file it replaces.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_dir():
        raise FileProblem(path, "Dette er en mappe, ikke en fil.")
    if path.exists() and not path.is_file():
        # A device or a pipe (/dev/stdout, a FIFO) cannot be replaced by a rename.
        try:
            with path.open("wb") as f:
                f.write(data)
        except OSError as e:
            raise os_problem(path, e, writing=True) from None
        return
    import tempfile  # only writers need it; it costs a millisecond at start

    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode_for(path))  # mkstemp makes -rw-------, right for secrets only
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise os_problem(path, e, writing=True) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding not in ("utf8", "utf8sig")


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit cannot fail again.

    Used once stdout is known to be closed (a reader that went away) or broken.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
