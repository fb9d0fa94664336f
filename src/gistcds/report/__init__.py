"""Clinical report: terminal, HTML and PDF renderings of an Assessment."""

__all__: list[str] = []
