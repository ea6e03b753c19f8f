// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "macf/host/model/market.hpp"
#include "macf/host/search/opportunity.hpp"

namespace macf::host {

/// One opportunity as a JSON object: the cycle, the base token and the token path, every
/// amount in wei as a decimal string (input, output, flash fee, gas cost, net profit; the net
/// profit also in whole units), the closed form's estimates, and each hop's pool and amounts.
/// The format of `macf scan --json`, the API and the WebSocket stream.
[[nodiscard]] std::string opportunity_json(const Market& m, const Opportunity& o);

}  // namespace macf::host
