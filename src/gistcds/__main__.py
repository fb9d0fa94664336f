"""``python -m gistcds``: the same command line as ``gistcds``."""

from gistcds.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
