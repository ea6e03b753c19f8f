// SPDX-License-Identifier: Apache-2.0
#include <cuda_runtime_api.h>

#include <string>

#include "macf/cuda/device.hpp"

namespace macf::cuda {

DeviceStatus probe_device() noexcept {
    DeviceStatus s;
    s.built_with_cuda = true;
    try {
        (void)cudaRuntimeGetVersion(&s.runtime_version);
        if (cudaDriverGetVersion(&s.driver_version) != cudaSuccess || s.driver_version == 0) {
            s.reason = "no NVIDIA driver is loaded";
            return s;
        }
        if (s.driver_version < s.runtime_version) {
            s.reason = "the NVIDIA driver supports CUDA " +
                       std::to_string(s.driver_version / 1000) + "." +
                       std::to_string(s.driver_version % 1000 / 10) + ", older than the CUDA " +
                       std::to_string(s.runtime_version / 1000) + "." +
                       std::to_string(s.runtime_version % 1000 / 10) + " runtime of this build";
            return s;
        }
        const cudaError_t err = cudaGetDeviceCount(&s.device_count);
        if (err != cudaSuccess) {
            s.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(err) + " (" +
                       cudaGetErrorString(err) + ")";
            (void)cudaGetLastError();
            s.device_count = 0;
            return s;
        }
        if (s.device_count == 0) {
            s.reason = "no CUDA device is visible";
            return s;
        }
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
            (void)cudaGetLastError();
            s.reason = "cudaGetDeviceProperties failed for device 0";
            return s;
        }
        s.name = prop.name;
        s.compute_major = prop.major;
        s.compute_minor = prop.minor;
        if (prop.major < 8) {
            s.reason = "device 0 (" + s.name + ") has compute capability " +
                       std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                       "; macf needs 8.0 or newer";
            return s;
        }
        s.usable = true;
    } catch (...) {
        s.usable = false;
        s.reason = "out of memory while probing the CUDA device";
    }
    return s;
}

}  // namespace macf::cuda
