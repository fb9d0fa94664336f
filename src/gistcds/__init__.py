"""gistcds: decision support for gastrointestinal stromal tumour (GIST).

Decision support for qualified clinicians, not a medical device.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
"""The one version string (pyproject.toml reads it: ``dynamic = ["version"]``)."""
