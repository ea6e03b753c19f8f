// SPDX-License-Identifier: Apache-2.0
#include "macf/host/exec/execution_stack.hpp"

#include <spdlog/spdlog.h>

#include "macf/chain/eth.hpp"

namespace macf::host {

chain::ExecutorOptions executor_options(const ExecutionSettings& s) {
    chain::ExecutorOptions e;
    e.chain_id = s.chain_id;
    e.priority_fee = dex::from_double_floor(s.priority_fee_gwei * 1e9);
    e.gas_margin_pct = s.gas_margin_pct;
    e.receipt_timeout = std::chrono::seconds(s.receipt_timeout_s);
    return e;
}

std::unique_ptr<chain::NonceManager> pending_nonces(chain::RpcClient& rpc,
                                                    const chain::Address& account) {
    return std::make_unique<chain::NonceManager>([&rpc, account] {
        return chain::parse_quantity_u64(
            rpc.call("eth_getTransactionCount", "[\"" + account.to_hex() + "\",\"pending\"]").text);
    });
}

ExecutionStack::ExecutionStack(chain::RpcClient& rpc, chain::PrivateKey key,
                               const ExecutionSettings& settings)
    : rpc_(rpc), key_(std::move(key)), owner_(key_.address()) {
    nonces_ = pending_nonces(rpc_, owner_);
    client_ = std::make_unique<chain::ExecutorClient>(rpc_, key_, settings.executor, *nonces_,
                                                      executor_options(settings));
    risk_ = std::make_unique<RiskManager>(settings.limits);
    if (!settings.webhook.empty()) {
        chain::WebhookOptions wo;
        wo.on_drop = [](const chain::Alert& a, const std::string& why) {
            spdlog::error("alert '{}' dropped: {}", a.text, why);
        };
        webhook_ = std::make_unique<chain::AlertWebhook>(settings.webhook, wo);
    }
    if (!settings.relay.empty()) {
        relay_ = std::make_unique<chain::BundleRelay>(settings.relay, key_);
        spdlog::info("transactions go to the relay {} as bundles for the next block",
                     relay_->endpoint());
    }
    executor_ = std::make_unique<TradeExecutor>(*client_, *risk_, webhook_.get(), settings.trade);
}

chain::RawSender ExecutionStack::relay_sender() {
    return relay_ ? relay_->next_block_sender(rpc_) : chain::RawSender{};
}

std::string ExecutionStack::relay_endpoint() const { return relay_ ? relay_->endpoint() : ""; }

bool ExecutionStack::flush_alerts(std::chrono::milliseconds timeout) {
    return !webhook_ || webhook_->flush(timeout);
}

}  // namespace macf::host
