"""Benchmarks. Each ``bench/<name>.py`` runs as ``python -m bench.<name>``, prints its figures, and
exposes ``results() -> list[dict]`` with keys ``metric``, ``value``, ``unit``, ``target``, ``note``;
``bench/all.py`` (``make bench``) gathers them into ``docs/benchmarks.md``."""


def print_rows(rows: list[dict[str, object]]) -> None:
    """One line per figure, as every bench prints them when run on its own."""
    for r in rows:
        mark = "" if r["met"] is None else (" ok" if r["met"] else " MISSED")
        target = f" (target {r['target']}{' ' + str(r['unit']) if r['target'] else ''})" if r["target"] else ""
        note = f"  [{r['note']}]" if r["note"] else ""
        print(f"{r['metric']}: {r['value']} {r['unit']}{target}{mark}{note}")
