// SPDX-License-Identifier: Apache-2.0
#pragma once

// From an exact opportunity to one atomic transaction: pick the flash source (lowest fee among
// those that can lend the input and are not in the route), build the plan with the predicted
// profit as the contract's minimum, ask the risk manager, simulate with eth_call and
// eth_estimateGas, send only when the simulated profit after the gas it will cost still
// clears the threshold, follow the transaction to its receipt, and alert on every outcome.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "macf/chain/alert_webhook.hpp"
#include "macf/chain/executor.hpp"
#include "macf/chain/executor_route.hpp"
#include "macf/host/exec/risk_manager.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/search/opportunity.hpp"

namespace macf::host {

/// The plan for `opp` borrowing from `source`: its hops (Uniswap V2 pairs with their fee,
/// Uniswap V3 pools), the input, and min_profit = output − input − the source's fee (token
/// wei), which is what the owner receives when the state is the one the opportunity was sized
/// on. std::nullopt with the reason in `why` for a hop of another kind or a loss.
[[nodiscard]] std::optional<chain::ExecutionPlan> plan_for(const Market& market,
                                                           const Opportunity& opp,
                                                           const chain::FlashSource& source,
                                                           std::string& why);

/// How a trade ended.
enum class TradeStatus {
    kSkipped,      ///< not attempted: unsupported route, no flash source, risk refusal
    kNotSent,      ///< the simulation reverted, or its profit after gas is below the threshold
    kSendFailed,   ///< the node or relay refused the transaction
    kUnconfirmed,  ///< sent, but no receipt: the timeout, a stop or a node error came first
                   ///< (its nonce stays pending; the outcome has its hash)
    kReverted,     ///< mined and reverted: only gas was spent
    kExecuted,     ///< mined and succeeded: the profit reached the owner
    kSimulated,    ///< dry run: it would have been sent (simulation and gas check passed)
};

/// The name of a status ("executed", ...).
const char* to_string(TradeStatus status) noexcept;

/// Everything known about one trade.
struct TradeOutcome {
    TradeStatus status = TradeStatus::kSkipped;
    std::string reason;  ///< why it was skipped, not sent, refused or reverted
    std::optional<chain::ExecutionPlan> plan;
    dex::U256 predicted_profit;  ///< token wei to the owner, before gas
    chain::Simulation simulation;
    dex::U256 gas_cost;  ///< of the estimate with the margin at the fee cap, base-token wei
    std::optional<chain::Hash32> tx;
    std::optional<chain::Receipt> receipt;
};

/// Settings.
struct TradeSettings {
    dex::U256 min_net_profit;  ///< base-token wei that must remain after gas
    bool dry_run = false;      ///< stop before sending (status `simulated`)
    /// Set (the process is stopping): no transaction is sent any more (status `not_sent`).
    /// nullptr: never. Must outlive the executor.
    const std::atomic<bool>* stopping = nullptr;
};

/// Executes opportunities one at a time per call; safe to call from several threads (the
/// risk manager keeps their pools apart).
class TradeExecutor {
  public:
    /// `alerts` may be null. All references must outlive the executor. Registers itself for
    /// the risk manager's breaker openings (logged and alerted).
    TradeExecutor(chain::ExecutorClient& client, RiskManager& risk, chain::AlertWebhook* alerts,
                  TradeSettings settings);

    /// Tries `opp` (sized on `market`) with a source from `sources`. `gas` prices gas in the
    /// base token (its num/den; its wei_per_gas is replaced by the fee cap offered now).
    /// `relay`, when set, sends instead of the node.
    TradeOutcome execute(const Market& market, const Opportunity& opp,
                         std::span<const chain::FlashSource> sources, const GasPrice& gas,
                         const chain::RawSender& relay = {});

    /// Trades that ended with `status` so far.
    std::uint64_t count(TradeStatus status) const noexcept;

  private:
    TradeOutcome attempt(const Market& market, const Opportunity& opp,
                         std::span<const chain::FlashSource> sources, const GasPrice& gas,
                         const chain::RawSender& relay);
    void alert(const Market& market, const Opportunity& opp, const TradeOutcome& outcome);

    chain::ExecutorClient& client_;
    RiskManager& risk_;
    chain::AlertWebhook* alerts_;
    TradeSettings settings_;
    std::array<std::atomic<std::uint64_t>, 7> counts_{};
};

}  // namespace macf::host
