// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <ostream>
#include <string_view>

#include "macf/host/model/market.hpp"

namespace macf::host {

/// Identifier written in the snapshot's "format" field.
inline constexpr std::string_view kMarketFormat = "macf-market/1";

/// Reads a market snapshot (docs/market-format.md). Throws MarketError with the file, the pool
/// or token (index and address) and the field for malformed JSON, a missing or mistyped field,
/// an unknown pool kind, a value out of range (a V2 reserve ≥ 2^112, ...), a pool naming an
/// unlisted token, or a duplicate address. Nothing is skipped silently.
[[nodiscard]] Market load_market(const std::filesystem::path& path);

/// Same as `load_market` for JSON text already in memory; `origin` names it in errors.
[[nodiscard]] Market parse_market(std::string_view json, std::string_view origin = "<market>");

/// Writes `market` in the snapshot format (amounts as decimal strings), one pool per line.
void write_market(const Market& market, std::ostream& out);

/// Writes one pool of `market` as the snapshot format's pool object (one line).
void write_pool(const Market& market, const Pool& pool, std::ostream& out);

}  // namespace macf::host
