// SPDX-License-Identifier: Apache-2.0
// Move operations shared by both HostBuffer builds; included by host_buffer_{cuda,none}.cpp.
#include <utility>

namespace macf::cuda {

HostBuffer::HostBuffer(HostBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      pinned_(std::exchange(other.pinned_, false)) {}

HostBuffer& HostBuffer::operator=(HostBuffer&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        pinned_ = std::exchange(other.pinned_, false);
    }
    return *this;
}

HostBuffer::~HostBuffer() { release(); }

}  // namespace macf::cuda
