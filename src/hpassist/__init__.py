"""HP Assist: grounded, cited answers about investing in Hải Phòng, from a local document corpus."""

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from .assistant import Assistant  # noqa: E402
from .schema import Answer, Citation, Chunk  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["Assistant", "Answer", "Citation", "Chunk", "Settings"]
