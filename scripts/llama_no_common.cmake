# Included by CMake right after llama.cpp's project() call (CMAKE_PROJECT_llama.cpp_INCLUDE, set by
# scripts/setup.sh). llama-cpp-python forces llama.cpp's `common` helper library on (argument parsing,
# chat-template parsers, downloads), yet neither ships nor loads it; skipping it nearly halves the build.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama.cpp common library: not used by the Python package" FORCE)
