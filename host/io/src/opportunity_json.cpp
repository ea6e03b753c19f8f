// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/opportunity_json.hpp"

#include <sstream>

#include "macf/dex/u256_text.hpp"
#include "macf/host/io/json_text.hpp"

namespace macf::host {

std::string opportunity_json(const Market& m, const Opportunity& o) {
    const auto& base = m.tokens[o.base_token];
    std::ostringstream s;
    s << "{\"cycle\":" << o.cycle << ",\"base_token\":\"" << base.address.to_hex() << "\""
      << ",\"path\":[" << json_quote(base.symbol);
    for (const auto& h : o.hops) s << "," << json_quote(m.tokens[h.token_out].symbol);
    s << "],\"input\":\"" << dex::to_string(o.input) << "\",\"output\":\""
      << dex::to_string(o.output) << "\",\"flash_fee\":\"" << dex::to_string(o.flash_fee)
      << "\",\"gas_cost\":\"" << dex::to_string(o.gas_cost) << "\",\"net_profit\":\""
      << dex::to_string(o.net_profit) << "\",\"net_profit_units\":\""
      << dex::to_units(o.net_profit, base.decimals)
      << "\",\"approx_input\":" << json_number(o.approx_input)
      << ",\"approx_profit\":" << json_number(o.approx_profit)
      << ",\"sizing\":{\"evaluations\":" << o.sizing_evaluations
      << ",\"proven_optimal\":" << (o.sizing_proven ? "true" : "false") << ",\"gap_wei\":"
      << (o.sizing_gap ? "\"" + dex::to_string(*o.sizing_gap) + "\"" : std::string("null"))
      << "},\"hops\":[";
    for (std::size_t i = 0; i < o.hops.size(); ++i) {
        const auto& h = o.hops[i];
        const auto& pool = m.pools[h.pool];
        s << (i ? "," : "") << "{\"pool\":\"" << pool.address.to_hex()
          << "\",\"dex\":" << json_quote(pool.dex) << ",\"token_in\":\""
          << m.tokens[h.token_in].address.to_hex() << "\",\"token_out\":\""
          << m.tokens[h.token_out].address.to_hex() << "\",\"amount_in\":\""
          << dex::to_string(h.amount_in) << "\",\"amount_out\":\"" << dex::to_string(h.amount_out)
          << "\"}";
    }
    s << "]}";
    return s.str();
}

}  // namespace macf::host
