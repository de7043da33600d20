"""The llama.cpp runtime never takes the AMX path, whatever CPU runs the tests.

CI machines may lack AMX, so running the model proves nothing by itself: these tests read what the
installed runtime was compiled with, check that the guard really keeps llama.cpp's extra buffer types
(where AMX weights live) off when AMX kernels are present, and that the worker reports no AMX buffer.
"""

from __future__ import annotations

import pytest

from hpassist import model_worker
from hpassist.llm import bundled_model
from hpassist.model_worker import Runtime, amx_compiled, use_extra_buffer_types

AMX_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AVX512_VNNI = 1 | AMX_INT8 = 1 | REPACK = 1 |"
AVX2_BUILD = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | REPACK = 1 |"


def test_amx_is_read_from_the_compile_time_features() -> None:
    assert amx_compiled(AMX_BUILD) and not use_extra_buffer_types(AMX_BUILD)
    assert not amx_compiled(AVX2_BUILD) and use_extra_buffer_types(AVX2_BUILD)
    assert not amx_compiled("CPU : AMX_INT8 = 0 |")


def test_installed_runtime_has_no_amx_kernels() -> None:
    """scripts/setup.sh builds llama.cpp with explicit vector flags and AMX off; a runtime built any other
    way (pip's default -march=native on an AMX CPU) would show AMX_* = 1 here, on any machine."""
    import llama_cpp.llama_cpp as lib

    info = lib.llama_print_system_info().decode()
    assert not amx_compiled(info), f"this llama.cpp has AMX kernels; run scripts/setup.sh to rebuild it: {info}"


def test_the_guard_keeps_extra_buffer_types_off_in_the_real_library() -> None:
    import llama_cpp.llama_cpp as lib

    assert lib.llama_model_default_params().use_extra_bufts  # llama.cpp's default: on
    with model_worker._default_model_params(lib, use_extra_bufts=False):
        assert not lib.llama_model_default_params().use_extra_bufts
    assert lib.llama_model_default_params().use_extra_bufts  # restored after the load


def test_a_runtime_with_amx_kernels_loads_no_weights_into_extra_buffers(settings, monkeypatch) -> None:
    """The real model loaded by the worker's Runtime while the library reports AMX kernels: its weights
    stay in plain CPU buffers (no AMX, no repack buffer), so the AMX matmul is never reached."""
    import llama_cpp.llama_cpp as lib

    monkeypatch.setattr(lib, "llama_print_system_info", lambda: AMX_BUILD.encode())
    runtime = Runtime(str(bundled_model(settings)), n_ctx=256, n_threads=1)
    try:
        info = runtime.info()
        assert info["amx_compiled"] and not info["extra_buffer_types"]
        assert info["model_buffer_types"] and all(b.startswith("CPU") and "REPACK" not in b and "AMX" not in b
                                                  for b in info["model_buffer_types"])
        assert not runtime.llama.model_params.use_extra_bufts
    finally:
        runtime.llama.close()


@pytest.mark.slow
def test_the_product_worker_reports_no_amx_buffer(assistant) -> None:
    """The model process the assistant really uses: what it loaded and where its weights went."""
    info = assistant.generator.chat_model.runtime_info()
    assert info["pid"] == assistant.generator.chat_model.process.pid
    assert not any("AMX" in b for b in info["model_buffer_types"]), info
    assert not info["amx_compiled"] or not info["extra_buffer_types"], info


@pytest.mark.slow
def test_a_repeated_question_reuses_its_answer_state(settings) -> None:
    """The worker keeps recent answers' states: the same messages again, after others, do not read their prompt
    again (one token re-read instead of all) and get the same reply."""
    runtime = Runtime(str(bundled_model(settings)), n_ctx=256, n_threads=2, answer_cache_bytes=64 << 20)

    def chat(question: str) -> tuple[str, int]:
        request = {"messages": [{"role": "system", "content": "Answer in one short sentence."},
                                {"role": "user", "content": question}], "max_tokens": 12}
        replies = list(runtime.chat(request))
        return "".join(r.get("delta", "") for r in replies), replies[-1]["usage"]["prompt_tokens"]

    try:
        first, read = chat("Which river flows through Hai Phong city in northern Vietnam?")
        chat("Name one industrial park in Hai Phong.")  # the KV cache now holds another prompt
        again, reread = chat("Which river flows through Hai Phong city in northern Vietnam?")
        assert again == first and runtime.answer_hits == 1
        assert read > 10 and reread == 1
    finally:
        runtime.llama.close()
