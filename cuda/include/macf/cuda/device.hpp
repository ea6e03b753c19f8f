// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace macf::cuda {

/// What the CUDA runtime reports about the first GPU, and why it cannot be used if it cannot.
struct DeviceStatus {
    bool built_with_cuda = false;  ///< this binary contains the CUDA parts
    bool usable = false;           ///< a device of compute capability ≥ 8.0 initialised
    int device_count = 0;          ///< devices the runtime sees (0 when none or no driver)
    int driver_version = 0;        ///< e.g. 13000 for CUDA 13.0; 0 when no driver
    int runtime_version = 0;       ///< the runtime this binary links
    int compute_major = 0;         ///< compute capability of device 0
    int compute_minor = 0;
    std::string name;    ///< device 0's name, empty when none
    std::string reason;  ///< why `usable` is false; empty when it is true
};

/// Probes the CUDA runtime once per call; never throws and never aborts (no device, no driver
/// and a driver older than the runtime each come back as `usable == false` with a reason).
DeviceStatus probe_device() noexcept;

}  // namespace macf::cuda
