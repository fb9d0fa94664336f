"""gistcds: decision support for gastrointestinal stromal tumour (GIST).

Decision support for qualified clinicians, not a medical device.
"""

__version__ = "0.1.0"
