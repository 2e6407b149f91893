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
