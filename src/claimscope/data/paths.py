"""Every path the project uses, in one place.

Notebooks, the build and the tests import these instead of writing ``../data``.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
REPORTS_CONFIG = PROJECT_ROOT / "reports.yaml"
DATAPACKAGE_NAME = "datapackage.json"
KERNEL_NAME = "claimscope"


def shown_path(path: Path) -> str:
    """A path as a reader finds it: relative to the working folder, else to the project.

    Help texts and messages show this rather than this machine's absolute paths.

    >>> shown_path(PROJECT_ROOT / "data") in ("data", "<project>/data")
    True
    """
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        pass
    try:
        return "<project>/" + path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)
