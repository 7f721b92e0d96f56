"""Benchmarks. Each ``bench/<name>.py`` runs as ``python -m bench.<name>``, prints its figures, and
exposes ``results() -> list[dict]`` with keys ``metric``, ``value``, ``unit``, ``target``, ``note``;
``bench/all.py`` (``make bench``) gathers them into ``docs/benchmarks.md``."""
