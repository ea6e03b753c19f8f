// SPDX-License-Identifier: Apache-2.0
#include "macf/host/exec/trade_executor.hpp"

#include <spdlog/spdlog.h>

#include "macf/chain/eth.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/dex/u256_text.hpp"

namespace macf::host {

using dex::U256;

std::optional<chain::ExecutionPlan> plan_for(const Market& market, const Opportunity& opp,
                                             const chain::FlashSource& source, std::string& why) {
    chain::ExecutionPlan plan;
    plan.source = source;
    plan.token = market.tokens[opp.base_token].address;
    plan.amount = opp.input;
    for (const auto& hop : opp.hops) {
        const Pool& pool = market.pools[hop.pool];
        chain::RouteHop h;
        h.pool = pool.address;
        h.token_out = market.tokens[hop.token_out].address;
        if (pool.kind == PoolKind::kUniswapV2) {
            h.kind = chain::RouteHopKind::kUniswapV2;
            h.fee_bps = static_cast<std::uint16_t>(std::get<UniswapV2State>(pool.state).fee_bps);
        } else if (pool.kind == PoolKind::kUniswapV3) {
            h.kind = chain::RouteHopKind::kUniswapV3;
            h.fee_bps = 0;
        } else {
            why = "pool " + pool.address.to_hex() + " (" + std::string(pool_kind_name(pool.kind)) +
                  ") cannot be executed by the executor contract yet";
            return std::nullopt;
        }
        plan.hops.push_back(h);
    }
    const auto fee = chain::flash_fee(source, opp.input);
    if (!fee) {
        why = "the flash fee overflows";
        return std::nullopt;
    }
    const U256 cost = opp.input + *fee;
    if (opp.output <= cost) {
        why = "no profit after the " + std::string(chain::to_string(source.kind)) + " fee of " +
              dex::to_string(*fee);
        return std::nullopt;
    }
    plan.min_profit = opp.output - cost;
    return plan;
}

const char* to_string(TradeStatus status) noexcept {
    switch (status) {
        case TradeStatus::kSkipped:
            return "skipped";
        case TradeStatus::kNotSent:
            return "not_sent";
        case TradeStatus::kSendFailed:
            return "send_failed";
        case TradeStatus::kUnconfirmed:
            return "unconfirmed";
        case TradeStatus::kReverted:
            return "reverted";
        case TradeStatus::kExecuted:
            return "executed";
        case TradeStatus::kSimulated:
            return "simulated";
    }
    return "unknown";
}

TradeExecutor::TradeExecutor(chain::ExecutorClient& client, RiskManager& risk,
                             chain::AlertWebhook* alerts, TradeSettings settings)
    : client_(client), risk_(risk), alerts_(alerts), settings_(std::move(settings)) {
    risk_.on_breaker_open([this](unsigned failures) {
        spdlog::error("executor: circuit breaker open after {} failures", failures);
        if (alerts_ != nullptr)
            alerts_->post({chain::AlertEvent::kCircuitBreaker,
                           "macf circuit breaker open after " + std::to_string(failures) +
                               " failed trades: no trade until it cools down",
                           {{"failures", std::to_string(failures)}}});
    });
}

TradeOutcome TradeExecutor::execute(const Market& market, const Opportunity& opp,
                                    std::span<const chain::FlashSource> sources,
                                    const GasPrice& gas, const chain::RawSender& relay) {
    TradeOutcome out = attempt(market, opp, sources, gas, relay);
    ++counts_[static_cast<std::size_t>(out.status)];
    return out;
}

TradeOutcome TradeExecutor::attempt(const Market& market, const Opportunity& opp,
                                    std::span<const chain::FlashSource> sources,
                                    const GasPrice& gas, const chain::RawSender& relay) {
    TradeOutcome out;
    std::vector<chain::Address> pools;
    for (const auto& hop : opp.hops) pools.push_back(market.pools[hop.pool].address);
    const auto source = chain::pick_flash_source(sources, opp.input, pools);
    if (!source) {
        out.reason = "no flash source can lend " + dex::to_string(opp.input) + " of " +
                     market.tokens[opp.base_token].symbol + " outside the route";
        return out;
    }
    out.plan = plan_for(market, opp, *source, out.reason);
    if (!out.plan) return out;
    out.predicted_profit = out.plan->min_profit;

    // The risk limits count the input in native wei: base-token wei · den / num.
    const U256 input_native = gas.num.is_zero() ? opp.input : opp.input * gas.den / gas.num;
    auto decision = risk_.request(input_native, pools);
    if (!decision.permit) {
        out.reason = "risk: " + decision.refusal;
        return out;
    }
    out.simulation = client_.simulate(*out.plan);
    if (!out.simulation.ok) {
        out.status = TradeStatus::kNotSent;
        out.reason = "simulation reverted: " + out.simulation.revert_reason;
        // Not a loss (nothing was sent): alerted and counted, but not a breaker failure.
        decision.permit.reset();
        alert(market, opp, out);
        return out;
    }
    const auto fees = client_.fees();
    const std::uint64_t gas_limit = client_.gas_limit_for(out.simulation.gas);
    GasPrice priced = gas;
    priced.wei_per_gas = fees.max_fee_per_gas;
    out.gas_cost = priced.cost(gas_limit);
    if (out.simulation.profit < out.gas_cost + settings_.min_net_profit) {
        out.status = TradeStatus::kNotSent;
        out.reason = "simulated profit " + dex::to_string(out.simulation.profit) +
                     " does not cover gas " + dex::to_string(out.gas_cost) + " + threshold " +
                     dex::to_string(settings_.min_net_profit);
        return out;  // not a failure: the market moved or gas rose
    }
    if (settings_.dry_run) {
        out.status = TradeStatus::kSimulated;
        out.reason = "dry run: simulated profit " + dex::to_string(out.simulation.profit) +
                     ", gas " + std::to_string(out.simulation.gas) + "; not sent";
        return out;
    }
    if (settings_.stopping != nullptr && settings_.stopping->load()) {
        out.status = TradeStatus::kNotSent;
        out.reason = "stopping: not sent";
        return out;
    }
    const auto sent = client_.send(*out.plan, gas_limit, fees, relay);
    if (sent.error && sent.hash)
        spdlog::warn("executor: {}; following {}", sent.error->message,
                     chain::hash_hex(*sent.hash));
    if (sent.error && !sent.hash) {
        out.status = TradeStatus::kSendFailed;
        out.reason = "send refused: " + sent.error->message;
        decision.permit->finish(false);
        alert(market, opp, out);
        return out;
    }
    out.tx = sent.hash;
    spdlog::info("executor: sent {} (nonce {}, gas limit {}, predicted profit {} {})",
                 chain::hash_hex(*sent.hash), sent.nonce, gas_limit,
                 dex::to_string(out.predicted_profit), market.tokens[opp.base_token].symbol);
    // Followed to its receipt; a stop that cancels the calls meanwhile (past its grace) leaves
    // the transaction pending on chain and says which.
    try {
        out.receipt = client_.wait(*sent.hash, sent.nonce);
        if (!out.receipt) {
            out.status = TradeStatus::kUnconfirmed;
            out.reason = client_.dropped(*sent.hash)
                             ? "dropped from the pool before it was mined (nonces resynchronised)"
                             : "no receipt before the timeout; still pending";
            // The permit is dropped without an outcome: its pools free up, no failure counted.
            return out;
        }
    } catch (const chain::Cancelled&) {
        out.status = TradeStatus::kUnconfirmed;
        out.reason = "stopping before its receipt: " + chain::hash_hex(*sent.hash) + " (nonce " +
                     std::to_string(sent.nonce) + ") is left pending; follow it by its hash";
        spdlog::warn("executor: {}", out.reason);
        return out;
    } catch (const std::runtime_error& e) {
        // The node failed while the transaction was out (TransportError, RpcError,
        // MalformedResponse): it may still be mined. Unconfirmed, like one without a receipt:
        // the permit is dropped without an outcome, the hash is in the outcome to follow it.
        out.status = TradeStatus::kUnconfirmed;
        out.reason = "following its receipt failed (" + std::string(e.what()) +
                     "): " + chain::hash_hex(*sent.hash) + " (nonce " + std::to_string(sent.nonce) +
                     ") may still be mined; follow it by its hash";
        spdlog::warn("executor: {}", out.reason);
        return out;
    }
    out.status = out.receipt->success ? TradeStatus::kExecuted : TradeStatus::kReverted;
    if (!out.receipt->success) out.reason = "reverted on chain";
    decision.permit->finish(out.receipt->success);
    alert(market, opp, out);
    return out;
}

std::uint64_t TradeExecutor::count(TradeStatus status) const noexcept {
    return counts_[static_cast<std::size_t>(status)].load();
}

void TradeExecutor::alert(const Market& market, const Opportunity& opp,
                          const TradeOutcome& outcome) {
    const std::string& symbol = market.tokens[opp.base_token].symbol;
    if (outcome.status == TradeStatus::kExecuted) {
        spdlog::info("executor: executed {} in block {}: profit {} {}",
                     chain::hash_hex(*outcome.tx), outcome.receipt->block,
                     dex::to_string(outcome.predicted_profit), symbol);
    } else {
        spdlog::warn("executor: {} ({})", to_string(outcome.status), outcome.reason);
    }
    if (alerts_ == nullptr) return;
    chain::Alert a;
    a.event = outcome.status == TradeStatus::kExecuted ? chain::AlertEvent::kExecuted
                                                       : chain::AlertEvent::kFailed;
    a.text = std::string("macf ") + to_string(outcome.status) + ": cycle " +
             std::to_string(opp.cycle) + ", " + std::to_string(opp.hops.size()) + " hops, " +
             symbol + (outcome.reason.empty() ? "" : " — " + outcome.reason);
    a.fields.emplace_back("predicted profit", dex::to_string(outcome.predicted_profit));
    if (outcome.plan)
        a.fields.emplace_back("flash source", chain::to_string(outcome.plan->source.kind));
    if (outcome.tx) a.fields.emplace_back("tx", chain::hash_hex(*outcome.tx));
    if (outcome.receipt) {
        a.fields.emplace_back("block", std::to_string(outcome.receipt->block));
        a.fields.emplace_back("gas used", std::to_string(outcome.receipt->gas_used));
    }
    alerts_->post(std::move(a));
}

}  // namespace macf::host
