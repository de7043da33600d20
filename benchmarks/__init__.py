"""HP Assist benchmarks: speed, memory and scaling of the embedded defaults.

Run from the repository root with `python -m benchmarks` (or `hpassist bench`); `--help` lists the options.
It prints a table and writes benchmarks/results.md and benchmarks/latency.png. Everything is measured in a
fresh temporary data directory; the user's data directory is never touched. Speed is measured here only,
never asserted in tests.
"""
