// SPDX-License-Identifier: Apache-2.0
// `macf deploy-executor`: deploys the executor contract (contracts/MacfExecutor.sol, embedded)
// with the signing key as its owner. `macf execute`: reads the pools of the given factories,
// scans every cycle from the base token, and takes the best opportunities through the executor
// (flash source by fee and availability, simulation, gas check, risk limits, relay, alerts).

#include <spdlog/spdlog.h>

#include <iostream>

#include "chain_endpoint.hpp"
#include "commands.hpp"
#include "macf/chain/abi.hpp"
#include "macf/chain/bundle_relay.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/flash_sources.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/exec/execution_stack.hpp"
#include "macf/host/exec/trade_executor.hpp"
#include "macf/host/search/mode.hpp"
#include "progress.hpp"

namespace macf::cli {
namespace {

using dex::U256;

struct SenderOptions {
    EndpointOptions endpoint;
    KeyOptions key;
    double priority_fee_gwei = 1.0;
    unsigned gas_margin_pct = 20;
    unsigned receipt_timeout_s = 120;
};

void add_sender_options(CLI::App* cmd, SenderOptions& o) {
    add_endpoint_options(cmd, o.endpoint);
    add_key_options(cmd, o.key);
    cmd->add_option("--priority-fee-gwei", o.priority_fee_gwei,
                    "Tip per gas in gwei; the fee cap is 2 × the latest base fee + the tip")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--gas-margin-pct", o.gas_margin_pct,
                    "Gas limit = eth_estimateGas × (100 + this) / 100")
        ->capture_default_str();
    cmd->add_option("--receipt-timeout-s", o.receipt_timeout_s,
                    "How long to wait for a transaction's receipt")
        ->capture_default_str();
}

host::ExecutionSettings sender_settings(const SenderOptions& o, std::uint64_t chain_id) {
    host::ExecutionSettings e;
    e.chain_id = chain_id;
    e.priority_fee_gwei = o.priority_fee_gwei;
    e.gas_margin_pct = o.gas_margin_pct;
    e.receipt_timeout_s = o.receipt_timeout_s;
    return e;
}

// ---- deploy-executor ----

void run_deploy(const SenderOptions& o) {
    const auto key = load_key(o.key);
    auto rpc = connect(o.endpoint);
    const std::uint64_t chain_id = chain::parse_quantity_u64(rpc->call("eth_chainId").text);
    auto nonces = host::pending_nonces(*rpc, key.address());
    chain::ExecutorClient client(*rpc, key, chain::Address{}, *nonces,
                                 host::executor_options(sender_settings(o, chain_id)));
    const auto code = chain::executor_creation_code();
    const std::string estimate_params =
        R"([{"from":")" + key.address().to_hex() + R"(","data":")" + chain::to_hex(code) + R"("}])";
    const std::uint64_t gas =
        chain::parse_quantity_u64(rpc->call("eth_estimateGas", estimate_params).text);
    spdlog::info("deploying the executor ({} bytes of init code, ~{} gas) from {} on chain {}",
                 code.size(), gas, key.address().to_hex(), chain_id);
    const auto sent =
        client.send_call(std::nullopt, code, client.gas_limit_for(gas), client.fees());
    if (sent.error)
        throw std::runtime_error("the node refused the deployment: " + sent.error->message);
    spdlog::info("sent {} (nonce {}); waiting for its receipt", chain::hash_hex(*sent.hash),
                 sent.nonce);
    const auto receipt = client.wait(*sent.hash, sent.nonce);
    if (!receipt) throw std::runtime_error("no receipt for " + chain::hash_hex(*sent.hash));
    if (!receipt->success || !receipt->contract_address)
        throw std::runtime_error("the deployment reverted (" + chain::hash_hex(*sent.hash) + ")");
    spdlog::info("executor deployed at {} in block {} (gas used {})",
                 receipt->contract_address->to_hex(), receipt->block, receipt->gas_used);
    std::cout << receipt->contract_address->to_hex() << "\n";
}

// ---- execute ----

struct ExecuteOptions {
    SenderOptions sender;
    std::string executor;
    std::string weth;
    std::string base;
    std::vector<std::string> v2_factories;
    std::vector<std::string> v3_factories;
    std::vector<std::string> flash_sources;
    std::uint64_t from_block = 0;
    unsigned max_hops = 3;
    std::string mode = "parallel";
    std::string min_profit = "0";
    std::string max_trade = "0";
    std::string daily_cap = "0";
    unsigned max_in_flight = 1;
    unsigned breaker_failures = 3;
    unsigned breaker_window_s = 600;
    unsigned breaker_cool_down_s = 1800;
    unsigned top = 1;
    bool dry_run = false;
    std::string relay;
    std::string webhook;
};

U256 parse_wei(const std::string& text, const std::string& what) {
    U256 v;
    if (!dex::parse_u256(text, v))
        throw std::runtime_error(what + " '" + text + "': not an integer amount of wei");
    return v;
}

/// "SYM(0x1234…) → …": symbols are not unique, so each comes with its address's start.
std::string route_text(const host::Market& m, const host::Opportunity& o) {
    const auto name = [&](std::uint32_t t) {
        return m.tokens[t].symbol + "(" + m.tokens[t].address.to_hex().substr(0, 8) + "…)";
    };
    std::string s = name(o.base_token);
    for (const auto& h : o.hops) s += " → " + name(h.token_out);
    return s;
}

/// The follower's settings from the command's factories.
host::SyncConfig sync_config_of(const ExecuteOptions& o, std::uint64_t chain_id) {
    host::SyncConfig config;
    for (const auto& s : o.v2_factories)
        config.factories.push_back(parse_factory(s, host::PoolKind::kUniswapV2));
    for (const auto& s : o.v3_factories)
        config.factories.push_back(parse_factory(s, host::PoolKind::kUniswapV3));
    if (config.factories.empty()) throw std::runtime_error("give --v2-factory or --v3-factory");
    config.from_block = o.from_block;
    config.chain_id = chain_id;
    return config;
}

/// The execution stack's settings: sender, executor, risk limits, relay and webhook.
host::ExecutionSettings execution_settings_of(const ExecuteOptions& o, std::uint64_t chain_id,
                                              const chain::Address& executor) {
    host::ExecutionSettings settings = sender_settings(o.sender, chain_id);
    settings.executor = executor;
    settings.limits.max_trade_wei = parse_wei(o.max_trade, "--max-trade");
    settings.limits.daily_cap_wei = parse_wei(o.daily_cap, "--daily-cap");
    settings.limits.max_in_flight = o.max_in_flight;
    settings.limits.breaker_failures = o.breaker_failures;
    settings.limits.breaker_window = std::chrono::seconds(o.breaker_window_s);
    settings.limits.breaker_cool_down = std::chrono::seconds(o.breaker_cool_down_s);
    settings.trade.min_net_profit = parse_wei(o.min_profit, "--min-profit");
    settings.trade.dry_run = o.dry_run;
    settings.relay = o.relay;
    settings.webhook = o.webhook;
    return settings;
}

/// One full round over the cycles of `base`, gas at the node's current price.
host::ScanResult find_opportunities(const ExecuteOptions& o, const host::Market& m, host::Mode mode,
                                    std::uint32_t base, host::CostModel& costs) {
    host::TopologySettings ts;
    ts.base_tokens = {base};
    ts.max_hops = o.max_hops;
    host::CoordinatorConfig cc;
    cc.mode = mode;
    host::Engine engine(host::build_topology(m, ts), cc, {costs, U256{}});
    auto result = engine.score_all(m, nullptr).scan;
    spdlog::info("{} cycles from {} scored in {} mode: {} opportunities",
                 engine.topology().cycles.size(), m.tokens[base].symbol, host::mode_name(mode),
                 result.opportunities.size());
    return result;
}

/// Executes the best `o.top` opportunities one after the other, a line each; true when one
/// reverted or could not be sent.
bool execute_top(const ExecuteOptions& o, host::ExecutionStack& stack, const host::Market& m,
                 const std::vector<host::Opportunity>& opportunities,
                 const std::vector<chain::FlashSource>& sources, const host::GasPrice& gas) {
    const chain::RawSender relay_sender = stack.relay_sender();
    bool failed = false;
    unsigned tried = 0;
    for (const auto& opp : opportunities) {
        if (tried == o.top) break;
        ++tried;
        const auto out = stack.executor().execute(m, opp, sources, gas, relay_sender);
        std::cout << host::to_string(out.status) << "  " << route_text(m, opp) << "  input "
                  << dex::to_string(opp.input) << "  predicted profit "
                  << dex::to_string(out.predicted_profit);
        if (out.plan) std::cout << "  via " << chain::to_string(out.plan->source.kind);
        if (out.tx) std::cout << "  tx " << chain::hash_hex(*out.tx);
        if (out.receipt) std::cout << "  gas used " << out.receipt->gas_used;
        if (!out.reason.empty()) std::cout << "  (" << out.reason << ")";
        std::cout << "\n";
        failed = failed || out.status == host::TradeStatus::kReverted ||
                 out.status == host::TradeStatus::kSendFailed;
    }
    if (tried == 0) std::cout << "no opportunity\n";
    return failed;
}

void run_execute(const ExecuteOptions& o) {
    auto key = load_key(o.sender.key);
    const auto executor_address = chain::Address::parse_or_throw(o.executor, "--executor");
    const auto weth = chain::Address::parse_or_throw(o.weth, "--weth");
    const auto base = o.base.empty() ? weth : chain::Address::parse_or_throw(o.base, "--base");
    const auto mode = host::parse_mode(o.mode);
    if (!mode) throw std::runtime_error("--mode '" + o.mode + "': unknown");
    auto rpc = connect(o.sender.endpoint);
    const std::uint64_t chain_id = chain::parse_quantity_u64(rpc->call("eth_chainId").text);

    // The executor must exist and be ours.
    chain::check_executor(*rpc, executor_address, key.address(), chain_id);

    host::ChainSync sync(*rpc, sync_config_of(o, chain_id));
    sync.bootstrap();
    const host::Market& m = sync.market();
    const auto base_index = m.find_token(base);
    const auto weth_index = m.find_token(weth);
    if (!base_index || !weth_index)
        throw std::runtime_error("the base token and --weth must each be in a discovered pool");

    host::ExecutionStack stack(*rpc, std::move(key),
                               execution_settings_of(o, chain_id, executor_address));
    const auto fees = stack.client().fees();
    host::CostModel costs;
    costs.native_token = *weth_index;
    const U256 gas_price = fees.base_fee + fees.max_priority_fee_per_gas;
    costs.gas_price_wei = gas_price.fits_bits(64) ? gas_price.w[0] : ~0ULL;
    const auto result = find_opportunities(o, m, *mode, *base_index, costs);

    std::vector<chain::FlashSource> sources;
    for (const auto& spec : o.flash_sources)
        sources.push_back(chain::read_flash_source(*rpc, spec, base));
    if (sources.empty()) throw std::runtime_error("give at least one --flash-source");

    const bool failed = execute_top(o, stack, m, result.opportunities, sources,
                                    host::gas_price_in(m, costs, *base_index));
    if (!stack.flush_alerts(std::chrono::seconds(30))) spdlog::warn("alerts still queued at exit");
    if (failed) requested_exit_code() = kExitError;
}

}  // namespace

void add_execution_commands(CLI::App& app) {
    auto dep = std::make_shared<SenderOptions>();
    CLI::App* d = app.add_subcommand(
        "deploy-executor",
        "Deploy macf's executor contract (contracts/MacfExecutor.sol, embedded in this binary) "
        "with the signing key as its owner; prints its address.");
    add_sender_options(d, *dep);
    d->callback([dep] { run_deploy(*dep); });

    auto opt = std::make_shared<ExecuteOptions>();
    CLI::App* e = app.add_subcommand(
        "execute",
        "Read the pools of the given factories, score every cycle from the base token, and take "
        "the best opportunities through the executor contract: the flash source with the lowest "
        "fee that can lend the input, eth_call + eth_estimateGas, sent only when the simulated "
        "profit after gas clears --min-profit, within the risk limits; each outcome is printed "
        "(and alerted with --webhook).");
    add_sender_options(e, opt->sender);
    e->add_option("--executor", opt->executor, "The executor contract (owned by the key)")
        ->required();
    e->add_option("--weth", opt->weth, "The wrapped native token (gas is priced through it)")
        ->required();
    e->add_option("--base", opt->base, "Start and end token of the cycles (default: --weth)");
    e->add_option("--v2-factory", opt->v2_factories,
                  "Uniswap V2 style factory: ADDRESS[:FEE_BPS[:LABEL]] (fee default 30)");
    e->add_option("--v3-factory", opt->v3_factories, "Uniswap V3 factory: ADDRESS[:LABEL]");
    e->add_option("--from-block", opt->from_block, "First block to look for pools in")
        ->capture_default_str();
    e->add_option("--flash-source", opt->flash_sources,
                  "A lender of the base token: v2:PAIR[:FEE_BPS], v3:POOL, balancer:VAULT or "
                  "aave:POOL (fees and balances are read from the chain)")
        ->required();
    e->add_option("--max-hops", opt->max_hops, "Longest cycle (2 to 4)")
        ->check(CLI::Range(2U, 4U))
        ->capture_default_str();
    e->add_option("--mode", opt->mode, "Scoring mode: sequential, batch, parallel, ultra")
        ->capture_default_str();
    e->add_option("--min-profit", opt->min_profit,
                  "Base-token wei that must remain after gas for a trade to be sent")
        ->capture_default_str();
    e->add_option("--max-trade", opt->max_trade, "Largest trade input, native wei (0: no limit)")
        ->capture_default_str();
    e->add_option("--daily-cap", opt->daily_cap,
                  "Sum of trade inputs per UTC day, native wei (0: no limit)")
        ->capture_default_str();
    e->add_option("--max-in-flight", opt->max_in_flight, "Trades in flight at once")
        ->capture_default_str();
    e->add_option("--breaker-failures", opt->breaker_failures,
                  "Failures within the window that open the circuit breaker (0: never)")
        ->capture_default_str();
    e->add_option("--breaker-window-s", opt->breaker_window_s, "The breaker's window")
        ->capture_default_str();
    e->add_option("--breaker-cool-down-s", opt->breaker_cool_down_s,
                  "How long the breaker stays open")
        ->capture_default_str();
    e->add_option("--top", opt->top, "Opportunities to try, best first")->capture_default_str();
    e->add_flag("--dry-run", opt->dry_run, "Simulate only: send nothing");
    e->add_option("--relay", opt->relay,
                  "Send through a Flashbots-style relay (eth_sendBundle, X-Flashbots-Signature "
                  "signed with the key) instead of the node");
    e->add_option("--webhook", opt->webhook,
                  "Slack-compatible webhook for executed, failed and circuit-breaker alerts");
    e->callback([opt] { run_execute(*opt); });
}

}  // namespace macf::cli
