// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "macf/host/model/market.hpp"

namespace macf::host {

/// One pairs file to import and the venue its pairs belong to.
struct PairsFile {
    std::filesystem::path path;
    std::string dex;             ///< "uniswap_v2", "sushiswap", ...
    std::uint32_t fee_bps = 30;  ///< the venue's input fee
};

/// What an import read and what it left out.
struct ImportReport {
    std::uint64_t pairs_read = 0;
    std::uint64_t pairs_imported = 0;
    std::uint64_t zero_reserve_excluded = 0;  ///< pairs with an empty side (untradable)
    std::uint64_t tokens = 0;
};

/// Imports pair lists in the univ2-pairs-2020 layout (a JSON array of
/// {address, token0{address, symbol, decimal}, token1{...}, reserve0, reserve1}; reserves as
/// JSON integers up to 112 bits, read exactly). Pairs with a zero reserve are left out and
/// counted; a token listed twice with different symbol or decimals, a duplicate pair or a
/// malformed entry is a MarketError naming the file and entry.
[[nodiscard]] Market import_pairs(const std::vector<PairsFile>& files, ImportReport& report);

}  // namespace macf::host
