// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

namespace macf::cuda {

/// Host memory for state that is copied to the GPU: page-locked (`cudaHostAlloc`) when the
/// binary has CUDA and the driver grants it, so copies can be asynchronous; plain 64-byte
/// aligned memory otherwise. Uninitialised. Move-only; frees with the matching call.
class HostBuffer {
  public:
    HostBuffer() noexcept = default;
    /// Allocates `bytes`; throws std::bad_alloc when neither kind of memory can be had.
    explicit HostBuffer(std::size_t bytes);
    ~HostBuffer();
    HostBuffer(HostBuffer&& other) noexcept;
    HostBuffer& operator=(HostBuffer&& other) noexcept;
    HostBuffer(const HostBuffer&) = delete;
    HostBuffer& operator=(const HostBuffer&) = delete;

    /// Start of the buffer (nullptr when empty).
    void* data() const noexcept { return data_; }
    /// Size in bytes.
    std::size_t size() const noexcept { return size_; }
    /// True when the memory is page-locked.
    bool pinned() const noexcept { return pinned_; }

  private:
    void release() noexcept;

    void* data_ = nullptr;
    std::size_t size_ = 0;
    bool pinned_ = false;
};

}  // namespace macf::cuda
