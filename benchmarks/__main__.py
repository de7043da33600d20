"""`python -m benchmarks [options]`: run the benchmarks, print the table, write results.md and latency.png."""

import sys

from .run import main

sys.exit(main())
