"""Benchmarks of Rencontre against a bare ``websockets`` baseline (issue 5).

Run ``python -m bench run --quick`` for a smoke test, ``python -m bench run`` for the
real numbers; ``docs/benchmarks.md`` says what each number means.
"""
