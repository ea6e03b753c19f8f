// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

namespace macf::host {

/// The four MACF coordination modes. All return the same opportunities; only time differs.
enum class Mode {
    kSequential,  ///< one thread, one cycle at a time: the baseline of every speedup
    kBatch,       ///< one thread, structure-of-arrays batches the compiler vectorises
    kParallel,    ///< the batches on a thread pool of max_workers threads
    kUltra,       ///< the GPU; runs as parallel (saying so once) when no GPU backend can run
};

/// "sequential", "batch", "parallel" or "ultra".
std::string_view mode_name(Mode mode) noexcept;
/// The mode named `name`, or std::nullopt.
[[nodiscard]] std::optional<Mode> parse_mode(std::string_view name) noexcept;

}  // namespace macf::host
