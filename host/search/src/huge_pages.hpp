// SPDX-License-Identifier: Apache-2.0
#pragma once

// Large arrays read at random (a listed round's cycles, the pool → cycles index) cost a TLB
// miss per access on 4 KiB pages; on 2 MiB pages the hops of a 10M-cycle set (160 MB) take 80
// TLB entries.

#include <cstddef>
#include <vector>

namespace macf::host {

/// Arrays smaller than this stay on ordinary pages (a huge page would be mostly empty).
inline constexpr std::size_t kHugePageMinBytes = std::size_t{4} << 20;

/// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with transparent
/// huge pages (Linux `madvise(MADV_HUGEPAGE)`; nothing elsewhere, when THP is "never", or
/// below kHugePageMinBytes). Only memory not yet written gets them at once: call it before
/// the first write. A refusal is not an error (the memory simply stays on 4 KiB pages).
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

/// An empty vector with capacity for `n` elements whose storage was advised before any
/// write (advise_huge_pages); fill it with push_back/insert/resize up to `n`.
template <class T>
[[nodiscard]] std::vector<T> reserve_in_huge_pages(std::size_t n) {
    std::vector<T> v;
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    return v;
}

/// `v`'s elements in storage advised for huge pages (one copy; `v` is released). Vectors
/// below kHugePageMinBytes are returned as they are.
template <class T>
[[nodiscard]] std::vector<T> move_to_huge_pages(std::vector<T>&& v) {
    if (v.size() * sizeof(T) < kHugePageMinBytes) return std::move(v);
    std::vector<T> out = reserve_in_huge_pages<T>(v.size());
    out.assign(v.begin(), v.end());
    std::vector<T>().swap(v);
    return out;
}

}  // namespace macf::host
