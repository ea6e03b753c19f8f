// SPDX-License-Identifier: Apache-2.0
#include "macf/cuda/device.hpp"

namespace macf::cuda {

DeviceStatus probe_device() noexcept {
    DeviceStatus s;
    s.reason = "this binary was built without CUDA (MACF_CUDA=OFF or no nvcc at build time)";
    return s;
}

}  // namespace macf::cuda
