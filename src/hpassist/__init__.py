"""HP Assist: grounded, cited answers about investing in Hải Phòng, from a local document corpus."""

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

__all__ = ["Assistant", "Answer", "Citation", "Chunk", "Settings"]
_HOMES = {"Assistant": "assistant", "Answer": "schema", "Citation": "schema", "Chunk": "schema", "Settings": "settings"}


def __getattr__(name: str):
    """Import the public names on first use: the model worker and the CLI's --help need none of the stack."""
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
