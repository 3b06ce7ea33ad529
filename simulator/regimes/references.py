"""Where a regime named in a file is: a bundled regime by its name, or a regime file by its path.

Regime files (``base``) and scenario files (``regime``, ``export_regimes``, a variant's
``regime``) name regimes the same way, so both loaders resolve and check the names here. A path
is read beside the file that names it, so that a file means the same from any folder.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from simulator.errors import UnknownNameError, clip
from simulator.regimes import reading

REGIME_DIR = "regimes"
"""The package folder holding the bundled regimes."""


def bundled_regimes() -> tuple[str, ...]:
    """Return the names of the regimes shipped with the package."""
    files = importlib.resources.files("simulator").joinpath(REGIME_DIR).iterdir()
    names = (f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))
    return tuple(sorted(n for n in names if not n.endswith("-decisions")))


def is_bundled_name(ref: str) -> bool:
    """Whether a regime reference written in a file is a name (bundled) rather than a file's path.

    A plain name has no folder separator and does not end in ``.toml``; anything else is a path.

    >>> is_bundled_name("japan"), is_bundled_name("mine.toml"), is_bundled_name("shared/mine")
    (True, False, False)
    """
    return not ("/" in ref or "\\" in ref or ref.endswith(".toml"))


def resolve_reference(ref: str, naming_file: str | Path) -> str:
    """Where a regime reference written in ``naming_file`` points: a name as it is, a path made absolute.

    A relative path is read from the folder of the file that names it, never from the current
    directory; an absolute path stays as it is. A path may leave that folder
    (``../shared/regime.toml``): a team keeps shared regimes in a folder of their own, and a
    regime file is data that is read, never code that is run.

    >>> resolve_reference("japan", "/work/scenarios/a.toml")
    'japan'
    >>> resolve_reference("../shared/r.toml", "/work/scenarios/a.toml")
    '/work/scenarios/../shared/r.toml'
    """
    if is_bundled_name(ref):
        return ref
    return str(Path(naming_file).parent.absolute() / ref)


def reference_problem(ref: str) -> str | None:
    """What is wrong with a resolved regime reference (:func:`resolve_reference`), or None.

    A name must be a bundled regime's; a path must be an existing file.
    """
    names = bundled_regimes()
    if is_bundled_name(ref):
        if ref in names:
            return None
        hint = UnknownNameError("regime", ref, names).suggestions
        expected = f"expected a bundled regime ({', '.join(names)}) or the path of a regime file"
        expected += f" (with a '/' or ending in .toml); got {clip(repr(ref))}"
        return expected + (f"; did you mean {', '.join(hint)}?" if hint else "")
    if reading.is_file(Path(ref)):
        return None
    where = "a relative path is read from the folder of the file that names it"
    return f"expected a regime file; {clip(ref, 200)} does not exist ({where})"
