// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/mode.hpp"

namespace macf::host {

std::string_view mode_name(Mode mode) noexcept {
    switch (mode) {
        case Mode::kSequential:
            return "sequential";
        case Mode::kBatch:
            return "batch";
        case Mode::kParallel:
            return "parallel";
        case Mode::kUltra:
            return "ultra";
    }
    return "unknown";
}

std::optional<Mode> parse_mode(std::string_view name) noexcept {
    for (const Mode m : {Mode::kSequential, Mode::kBatch, Mode::kParallel, Mode::kUltra}) {
        if (mode_name(m) == name) return m;
    }
    return std::nullopt;
}

}  // namespace macf::host
