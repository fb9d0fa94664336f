"""Clinical report: terminal, HTML and PDF renderings of an Assessment."""
