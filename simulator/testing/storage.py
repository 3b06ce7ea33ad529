"""Where Hypothesis keeps its files while exportsim runs properties: a temporary folder, not yours.

Hypothesis writes a cache of the constants it finds in local code, and its example database,
under ``.hypothesis`` in the current folder. ``exportsim regime check --properties`` promises to
write nothing but the output a user names, so it runs inside :func:`temporary_storage`.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import configuration


@contextlib.contextmanager
def temporary_storage() -> Iterator[Path]:
    """Keep Hypothesis's files in a temporary folder, removed on leaving, instead of ``./.hypothesis``.

    The folder Hypothesis used before is restored on leaving. Wrap your own properties in it to
    run them without leaving files behind.
    """
    previous = configuration.storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="exportsim-hypothesis-") as folder:
        configuration.set_hypothesis_home_dir(folder)
        try:
            yield Path(folder)
        finally:
            configuration.set_hypothesis_home_dir(previous)
