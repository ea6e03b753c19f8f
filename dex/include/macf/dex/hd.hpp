// SPDX-License-Identifier: Apache-2.0
#pragma once

/// MACF_HD marks a function as callable from host and device code: `__host__ __device__` when
/// the translation unit is compiled by nvcc, nothing under a plain C++ compiler. Every scoring
/// function the kernels share with the CPU modes carries it, so both run one source.
#if defined(__CUDACC__)
#define MACF_HD __host__ __device__
#else
#define MACF_HD
#endif
