"""Cohort scoring: the engines over tables (pandas in-process, Dask to scale out)."""
