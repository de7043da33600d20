"""Cold start: a fresh process from interpreter start to its first answer, with an existing index.

The parent records the wall-clock time just before it starts this process; this process prints, as one
JSON line, the wall-clock times of its milestones (imports done, Assistant ready, first text, answer
done), the answer's own timings and its peak RSS. The model file is already joined and verified in the
data directory, as it is on any start after the first.

    HPASSIST_DATA_DIR=D python -m benchmarks.coldstart "question"
"""

from __future__ import annotations

import json
import sys
import time

START = time.time()


def main() -> int:
    question = sys.argv[1]
    from hpassist import Assistant  # imported here: the import time is part of what is measured
    from hpassist.schema import Answer

    from .measure import peak_rss_mib

    imported = time.time()
    assistant = Assistant()  # settings from HPASSIST_* (the parent sets the data dir and corpus)
    ready = time.time()
    first = None
    answer = None
    for event in assistant.stream(question):
        if isinstance(event, Answer):
            answer = event
        elif first is None:
            first = time.time()
    done = time.time()
    print(json.dumps({
        "process_start": START,
        "imported": imported,
        "ready": ready,
        "first_text": first,
        "done": done,
        "timings": answer.timings if answer else {},
        "refused": bool(answer and answer.refused),
        "peak_rss_mib": peak_rss_mib(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
