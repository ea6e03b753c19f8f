// SPDX-License-Identifier: Apache-2.0
#include <cuda_runtime_api.h>

#include <new>

#include "macf/cuda/host_buffer.hpp"
// clang-format off
#include "host_buffer_common.ipp"
// clang-format on

namespace macf::cuda {

HostBuffer::HostBuffer(std::size_t bytes) : size_(bytes) {
    if (bytes == 0) return;
    if (cudaHostAlloc(&data_, bytes, cudaHostAllocDefault) == cudaSuccess) {
        pinned_ = true;
        return;
    }
    (void)cudaGetLastError();  // no driver or no device: clear the sticky error, use plain memory
    data_ = ::operator new (bytes, std::align_val_t{64});
}

void HostBuffer::release() noexcept {
    if (data_ != nullptr) {
        if (pinned_) {
            (void)cudaFreeHost(data_);
        } else {
            ::operator delete (data_, std::align_val_t{64});
        }
    }
    data_ = nullptr;
    size_ = 0;
    pinned_ = false;
}

}  // namespace macf::cuda
