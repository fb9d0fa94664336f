"""Registries: the engines over tables (pyarrow/pandas in process, Dask to scale out) and the
statistics registries publish (docs/cohort.md).

- ``score``: ``score_table`` / ``score_bytes`` (the public faces) and ``run`` for the CLI;
  ``schema``, ``validate``, ``genotype``, ``tableio``, ``pipeline`` behind them;
- ``analyses``: Kaplan–Meier and log-rank (``survival``), Cox (``cox``) and the validation of
  a risk system (``calibrate``), on pandas or Dask (``load``);
- ``report``, ``render``, ``plots``: text, JSON-ready results and self-contained HTML;
- ``synth``: a seeded SYNTHETIC registry from the cited figures of ``cohort_synth.yaml``.

Submodules are imported where used, so importing this package loads nothing heavy.
"""

__all__: list[str] = []
