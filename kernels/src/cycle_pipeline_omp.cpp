// SPDX-License-Identifier: Apache-2.0
// The pipeline on Thrust's OpenMP device system (built by g++ with -fopenmp and
// THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_OMP): what CI runs in place of the GPU.
#define MACF_PIPELINE_NS openmp_system
#include "cycle_pipeline.inl"
