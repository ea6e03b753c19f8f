// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/quote_json.hpp"

#include <sstream>

#include "macf/dex/u256_text.hpp"
#include "macf/host/io/json_text.hpp"

namespace macf::host {

std::string quote_json(const Market& market, const Pool& pool, std::size_t in, std::size_t out,
                       bool exact_input, const PoolQuote& q, CurveRounding rounding) {
    const Token& t_in = market.tokens[pool.tokens[in]];
    const Token& t_out = market.tokens[pool.tokens[out]];
    std::ostringstream o;
    o << "{\"pool\":" << json_quote(pool.address.to_hex())
      << ",\"kind\":" << json_quote(pool_kind_name(pool.kind))
      << ",\"token_in\":" << json_quote(t_in.address.to_hex())
      << ",\"token_out\":" << json_quote(t_out.address.to_hex()) << ",\"exact\":\""
      << (exact_input ? "input" : "output") << "\",\"ok\":" << (q.ok() ? "true" : "false");
    if (!q.ok()) o << ",\"error\":" << json_quote(q.error);
    o << ",\"amount_in\":\"" << dex::to_string(q.amount_in) << "\",\"amount_out\":\""
      << dex::to_string(q.amount_out) << '"';
    if (q.v3_after) {
        o << ",\"after\":{\"sqrt_price_x96\":\"" << dex::to_string(q.v3_after->sqrt_price_x96)
          << "\",\"liquidity\":\"" << dex::to_string(q.v3_after->liquidity)
          << "\",\"tick\":" << q.v3_after->tick
          << ",\"ticks_crossed\":" << q.v3_after->ticks_crossed << '}';
    }
    if (pool.kind == PoolKind::kCurveStable || pool.kind == PoolKind::kCurveMeta)
        o << ",\"curve_rounding\":\"" << (rounding == CurveRounding::kView ? "view" : "exchange")
          << '"';
    if (market.block) o << ",\"block\":" << *market.block;
    o << "}";
    return o.str();
}

}  // namespace macf::host
