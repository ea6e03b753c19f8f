// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

#include "macf/host/model/market.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::host {

/// One swap's result as a JSON object (one line, no newline): pool, kind, token addresses,
/// "exact": "input" | "output", ok, the revert in words when not ok, both amounts in wei as
/// decimal strings, a V3 pool's state after the swap, for Curve pools the `rounding` the quote
/// used ("curve_rounding": "exchange" | "view"), and the snapshot's block when known.
/// The format of `macf quote --json`; `in` and `out` are positions in `pool.tokens`.
std::string quote_json(const Market& market, const Pool& pool, std::size_t in, std::size_t out,
                       bool exact_input, const PoolQuote& quote,
                       CurveRounding rounding = CurveRounding::kExchange);

}  // namespace macf::host
