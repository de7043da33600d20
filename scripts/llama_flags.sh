#!/usr/bin/env bash
# CMake flags for building llama.cpp on this machine: the CPU's AVX2 / AVX-512 groups named explicitly,
# never -march=native and never AMX (its kernels crash on the bundled Q4_K_M model, llama.cpp #20824).
# Without AVX2 the build falls back to SSE only: slow, but it runs. Other architectures build natively
# (no AMX there). The multimodal (llava/mtmd) library is not built: HP Assist does not use it.
set -euo pipefail
common="-DLLAVA_BUILD=OFF"
if [ "$(uname -m)" != x86_64 ]; then
  echo "$common"
  exit 0
fi
cpu=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { [[ "$cpu" == *" $1 "* ]]; }
flags="$common -DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
if has avx2 && has fma && has f16c; then
  flags="$flags -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  has bmi2 && flags="$flags -DGGML_BMI2=ON"
  has avx_vnni && flags="$flags -DGGML_AVX_VNNI=ON"
  if has avx512f && has avx512bw && has avx512vl && has avx512dq; then
    flags="$flags -DGGML_AVX512=ON"
    has avx512vbmi && flags="$flags -DGGML_AVX512_VBMI=ON"
    has avx512_vnni && flags="$flags -DGGML_AVX512_VNNI=ON"
    has avx512_bf16 && flags="$flags -DGGML_AVX512_BF16=ON"
  fi
else
  flags="$flags -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF"
fi
echo "$flags"
