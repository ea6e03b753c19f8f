// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace macf::cli {

/// 1234567 → "1,234,567".
std::string thousands(std::uint64_t n);

}  // namespace macf::cli
