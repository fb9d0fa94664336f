"""Cohort scoring: the engines over tables (pandas in-process, Dask to scale out).

``schema`` documents and validates the input columns; ``score`` runs the risk batch path.
"""

__all__: list[str] = []
