// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "macf/host/model/market.hpp"

namespace macf::cli {

/// Writes `market` as a snapshot to the file `out`, or to stdout when `out` is "-". Throws
/// std::runtime_error naming the file when it cannot be opened or written.
void write_market_output(const host::Market& market, const std::string& out);

}  // namespace macf::cli
