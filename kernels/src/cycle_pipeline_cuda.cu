// SPDX-License-Identifier: Apache-2.0
// The pipeline on the GPU: the same source as the OpenMP build, compiled by nvcc.
#define MACF_PIPELINE_NS cuda_system
#include "cycle_pipeline.inl"
