// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lenders and the executor as the chain describes them now.

#include <cstdint>
#include <string>

#include "macf/chain/executor_route.hpp"
#include "macf/chain/rpc_client.hpp"

namespace macf::chain {

/// Reads a lender of `base` from the chain: "v2:PAIR[:FEE_BPS]" (fee default 30; can lend its
/// balance of `base` less one wei when it is one of its tokens), "v3:POOL" (its fee(); its
/// balance), "balancer:VAULT" (the fee collector's flash-loan percentage; its balance),
/// "aave:POOL" (FLASHLOAN_PREMIUM_TOTAL; what the asset's aToken holds). Throws
/// std::runtime_error naming the specification when it is malformed.
chain::FlashSource read_flash_source(chain::RpcClient& rpc, const std::string& spec,
                                     const chain::Address& base);

/// Checks that a contract is deployed at `executor` and that `owner` owns it; throws
/// std::runtime_error saying which is not so.
void check_executor(chain::RpcClient& rpc, const chain::Address& executor,
                    const chain::Address& owner, std::uint64_t chain_id);

}  // namespace macf::chain
