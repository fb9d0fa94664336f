"""gistcds: decision support for gastrointestinal stromal tumour (GIST).

Decision support for qualified clinicians, not a medical device.

The Python API (docs/api.md) is imported on first use, so ``import gistcds`` (and the
command line's quick answers) stay cheap::

    from gistcds import assess_patient
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gistcds.notebook import Assessment, assess_patient

__all__ = ["Assessment", "__version__", "assess_patient"]

__version__ = "0.1.0"
"""The one version string (pyproject.toml reads it: ``dynamic = ["version"]``)."""


def __getattr__(name: str) -> Any:
    if name in ("assess_patient", "Assessment"):
        from gistcds import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'gistcds' has no attribute {name!r}")
