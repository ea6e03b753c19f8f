// SPDX-License-Identifier: Apache-2.0
// Which builds of the pipeline this binary has, and making one.
#include <stdexcept>

#include "macf/kernels/cycle_pipeline.hpp"

namespace macf::kernels {
#if defined(MACF_PIPELINE_OPENMP)
namespace openmp_system {
std::unique_ptr<CyclePipeline> make(DeviceSystem system);
}
#endif
#if defined(MACF_PIPELINE_CUDA)
namespace cuda_system {
std::unique_ptr<CyclePipeline> make(DeviceSystem system);
}
#endif

bool has_pipeline(DeviceSystem system, std::string* why_not) {
    const auto say = [&](const char* reason) {
        if (why_not != nullptr) *why_not = reason;
        return false;
    };
    switch (system) {
        case DeviceSystem::kOpenMp:
#if defined(MACF_PIPELINE_OPENMP)
            return true;
#else
            return say(
                "this build has no OpenMP pipeline (the CCCL headers or OpenMP were not found)");
#endif
        case DeviceSystem::kCuda:
#if defined(MACF_PIPELINE_CUDA)
            return true;
#else
            return say("this build has no CUDA pipeline (built without nvcc)");
#endif
    }
    return say("unknown device system");
}

std::unique_ptr<CyclePipeline> make_pipeline(DeviceSystem system) {
    std::string why;
    if (!has_pipeline(system, &why)) throw std::runtime_error(why);
#if defined(MACF_PIPELINE_OPENMP)
    if (system == DeviceSystem::kOpenMp) return openmp_system::make(system);
#endif
#if defined(MACF_PIPELINE_CUDA)
    if (system == DeviceSystem::kCuda) return cuda_system::make(system);
#endif
    throw std::runtime_error("unknown device system");
}

}  // namespace macf::kernels
