"""Writing the kit's outputs so that a reader, or a build killed half-way, never sees half a file."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` (str as UTF-8) to `path` so readers see the old file or the new one, never
    half of it: write a temp file in the same directory, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        # mkstemp creates 0600; give the output the permissions a plain open() would.
        os.chmod(tmp_name, _new_file_mode(path))
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return path


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    # os.umask can only be read by setting it; do it once, before any printing threads.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
