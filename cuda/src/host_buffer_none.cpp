// SPDX-License-Identifier: Apache-2.0
#include <new>

#include "macf/cuda/host_buffer.hpp"
// clang-format off
#include "host_buffer_common.ipp"
// clang-format on

namespace macf::cuda {

HostBuffer::HostBuffer(std::size_t bytes) : size_(bytes) {
    if (bytes != 0) data_ = ::operator new (bytes, std::align_val_t{64});
}

void HostBuffer::release() noexcept {
    if (data_ != nullptr) ::operator delete (data_, std::align_val_t{64});
    data_ = nullptr;
    size_ = 0;
}

}  // namespace macf::cuda
