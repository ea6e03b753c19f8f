// SPDX-License-Identifier: Apache-2.0
#pragma once

// The execution side wired once, for `macf execute` and `macf serve`: the signing key, the
// nonce manager, the executor client, the risk manager, the alert webhook, the relay and the
// trade executor over them, built from one settings struct so both commands offer the same
// knobs with the same defaults.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "macf/chain/alert_webhook.hpp"
#include "macf/chain/bundle_relay.hpp"
#include "macf/chain/ecdsa.hpp"
#include "macf/chain/executor.hpp"
#include "macf/chain/nonce_manager.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/exec/risk_manager.hpp"
#include "macf/host/exec/trade_executor.hpp"

namespace macf::host {

/// What the execution side is built from.
struct ExecutionSettings {
    chain::Address executor;  ///< the executor contract, owned by the key
    std::uint64_t chain_id = 1;
    double priority_fee_gwei = 1.0;    ///< tip per gas; the fee cap is 2 × base fee + tip
    unsigned gas_margin_pct = 20;      ///< gas limit = eth_estimateGas × (100 + margin) / 100
    unsigned receipt_timeout_s = 120;  ///< how long a sent transaction is followed
    RiskLimits limits;
    TradeSettings trade;  ///< minimum net profit after gas (base-token wei), dry run
    std::string relay;    ///< Flashbots-style relay endpoint; empty: send to the node
    std::string webhook;  ///< Slack-compatible alert webhook; empty: no alerts
};

/// The ExecutorOptions of `settings` (fees in wei, timeouts).
[[nodiscard]] chain::ExecutorOptions executor_options(const ExecutionSettings& settings);

/// A nonce manager that resynchronises from `account`'s pending transaction count on `rpc`.
[[nodiscard]] std::unique_ptr<chain::NonceManager> pending_nonces(chain::RpcClient& rpc,
                                                                  const chain::Address& account);

/// One signer's execution stack. `rpc` must outlive it; it sends and follows transactions on
/// that connection (give it its own when another thread uses one for reading).
class ExecutionStack {
  public:
    ExecutionStack(chain::RpcClient& rpc, chain::PrivateKey key, const ExecutionSettings& settings);
    ExecutionStack(const ExecutionStack&) = delete;
    ExecutionStack& operator=(const ExecutionStack&) = delete;

    /// The trade executor (risk, simulation, send, receipt, alerts).
    [[nodiscard]] TradeExecutor& executor() noexcept { return *executor_; }
    /// The executor client (fees, simulation, sending).
    [[nodiscard]] chain::ExecutorClient& client() noexcept { return *client_; }
    /// The key's address: the executor's owner.
    [[nodiscard]] const chain::Address& owner() const noexcept { return owner_; }
    /// The relay's sender for the next block when a relay is configured; empty otherwise (send
    /// to the node).
    [[nodiscard]] chain::RawSender relay_sender();
    /// The relay endpoint, empty when none.
    [[nodiscard]] std::string relay_endpoint() const;
    /// Waits up to `timeout` for queued alerts; true when none is left.
    [[nodiscard]] bool flush_alerts(std::chrono::milliseconds timeout);

  private:
    chain::RpcClient& rpc_;
    chain::PrivateKey key_;
    chain::Address owner_;
    std::unique_ptr<chain::NonceManager> nonces_;
    std::unique_ptr<chain::ExecutorClient> client_;
    std::unique_ptr<RiskManager> risk_;
    std::unique_ptr<chain::AlertWebhook> webhook_;
    std::unique_ptr<chain::BundleRelay> relay_;
    std::unique_ptr<TradeExecutor> executor_;
};

}  // namespace macf::host
