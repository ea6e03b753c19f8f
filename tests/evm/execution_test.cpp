// SPDX-License-Identifier: Apache-2.0
// Execution on a real node (Hardhat; the unmodified Uniswap V2/V3 bytecode, the Balancer V2
// Vault and an Aave V3 market from their npm artifacts; macf's executor contract;
// tools/evm/deploy-execution.js plants two dislocations across a V2 pair and a V3 pool). macf
// reads the chain, finds the cycles, and:
//  - raw transactions it signs are accepted; a wrong chain id, a used nonce and a high s are
//    refused with the node's message;
//  - the contract takes orders from its owner only, refuses a minimum one wei above the
//    profit it computes, and sweeps tokens sent to it;
//  - executes the W/A dislocation in one transaction four times (re-planted between), each
//    time borrowing from the cheapest lender offered (V3 flash, V2 flash swap, Balancer Vault,
//    Aave V3); every time the owner's W balance grows by exactly the predicted profit and its
//    ether pays exactly gasUsed × effectiveGasPrice;
//  - two senders sharing the nonce manager get every nonce once, a send after another wallet
//    used the account resynchronises and goes out under the next nonce, and a transaction
//    dropped from the pool is seen as dropped and its nonce reused;
//  - a competitor's swap mined before ours in the same block makes ours revert: no W lost,
//    the failure alerted and counted; the stale opportunity then is not sent at all.
// Run by ctest under tools/evm/with-node.sh; skips without MACF_RPC_URL and the fixture.
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../chain/fake_endpoint.hpp"
#include "../host/engine_scan.hpp"
#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/exec/trade_executor.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/token_graph.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace {

using macf::chain::Address;
using macf::dex::U256;
using macf::host::TradeStatus;

// Hardhat's account #2, the executor's owner in the fixture (a well-known test key).
constexpr const char* kOwnerKey =
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

Address addr(const std::string& s) { return *Address::parse(s); }

struct Fixture {
    Address v2_factory, v3_factory, callee, trader, owner, executor, balancer_vault;
    Address aave_pool, aave_atoken;
    std::uint64_t aave_premium_bps = 0;
    Address w, a, b, c;
    Address pair_wa, pair_wb, pair_wc, pool_wa, pool_wb, pool_wc;
};

std::optional<Fixture> load_fixture() {
    const char* path = std::getenv("MACF_EVM_FIXTURE");
    if (path == nullptr || std::getenv("MACF_RPC_URL") == nullptr) return std::nullopt;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto j = macf::chain::json::parse(ss.str());
    Fixture f;
    const auto get = [&](const char* a, const char* b = nullptr) {
        const auto* v = j.find(a);
        return addr(b == nullptr ? v->text : v->find(b)->text);
    };
    f.v2_factory = get("v2_factory");
    f.v3_factory = get("v3_factory");
    f.callee = get("callee");
    f.trader = get("trader");
    f.owner = get("owner");
    f.executor = get("executor");
    f.balancer_vault = get("balancer_vault");
    f.aave_pool = get("aave_pool");
    f.aave_atoken = get("aave_atoken");
    f.aave_premium_bps = std::stoull(j.find("aave_premium_bps")->text);
    f.w = get("tokens", "W");
    f.a = get("tokens", "A");
    f.b = get("tokens", "B");
    f.c = get("tokens", "C");
    f.pair_wa = get("v2_pairs", "WA");
    f.pair_wb = get("v2_pairs", "WB");
    f.pair_wc = get("v2_pairs", "WC");
    f.pool_wa = get("v3_pools", "WA");
    f.pool_wb = get("v3_pools", "WB");
    f.pool_wc = get("v3_pools", "WC");
    return f;
}

/// The alerts a local webhook receiver got.
struct AlertLog {
    std::mutex m;
    std::vector<std::string> events;
    std::vector<std::string> texts;

    /// A handler for a FakeEndpoint that records each alert's event and text.
    macf::test::FakeEndpoint::Handler receiver() {
        return [this](const std::string& body) {
            const auto j = macf::chain::json::parse(body);
            std::lock_guard lock(m);
            events.push_back(j.find("event")->text);
            texts.push_back(j.find("text")->text);
            return macf::test::FakeReply{200, "ok"};
        };
    }
};

class ExecutionOnNode : public ::testing::Test {
  protected:
    void SetUp() override {
        fixture_ = load_fixture();
        if (!fixture_) {
            GTEST_SKIP() << "needs a node: run by ctest under tools/evm/with-node.sh with "
                            "MACF_EVM_FIXTURE from tools/evm/deploy-execution.js";
        }
        rpc_ = std::make_unique<macf::chain::RpcClient>(
            macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
        key_.emplace(std::move(*macf::chain::PrivateKey::from_hex(kOwnerKey)));
        ASSERT_EQ(key_->address(), fixture_->owner);
        chain_id_ = macf::chain::parse_quantity_u64(rpc_->call("eth_chainId").text);
        nonces_ = std::make_unique<macf::chain::NonceManager>([this] {
            return macf::chain::parse_quantity_u64(
                rpc_->call("eth_getTransactionCount",
                           "[\"" + fixture_->owner.to_hex() + "\",\"pending\"]")
                    .text);
        });
        macf::chain::ExecutorOptions options;
        options.chain_id = chain_id_;
        options.receipt_timeout = std::chrono::seconds(60);
        options.receipt_poll = std::chrono::milliseconds(50);
        client_ = std::make_unique<macf::chain::ExecutorClient>(*rpc_, *key_, fixture_->executor,
                                                                *nonces_, options);
    }

    U256 token_balance(const Address& token, const Address& who) {
        const macf::chain::Word arg[] = {macf::chain::word_of(who)};
        const auto r =
            rpc_->call("eth_call", "[{\"to\":\"" + token.to_hex() + "\",\"data\":\"" +
                                       macf::chain::encode_call("balanceOf(address)", arg) +
                                       "\"},\"latest\"]");
        return macf::chain::AbiReader(*macf::chain::from_hex(r.text)).uint(0);
    }
    U256 ether_balance(const Address& who) {
        return macf::chain::parse_quantity(
            rpc_->call("eth_getBalance", "[\"" + who.to_hex() + "\",\"latest\"]").text);
    }

    /// The market as macf reads it from the chain now.
    macf::host::Market market_now() {
        macf::host::SyncConfig config;
        config.factories = {
            {fixture_->v2_factory, macf::host::PoolKind::kUniswapV2, 30, "uniswap_v2"},
            {fixture_->v3_factory, macf::host::PoolKind::kUniswapV3, 0, "uniswap_v3"}};
        config.chain_id = chain_id_;
        macf::host::ChainSync sync(*rpc_, config);
        sync.bootstrap();
        return sync.market();
    }

    /// The best opportunity through `v2` and `v3` (W → … → W), as macf's scan finds it.
    std::optional<macf::host::Opportunity> find(const macf::host::Market& m, const Address& v2,
                                                const Address& v3, macf::host::CostModel& costs) {
        costs.native_token = *m.find_token(fixture_->w);
        costs.gas_price_wei = 2'000'000'000;
        const macf::host::TokenGraph graph(m, {});
        const std::uint32_t base[] = {costs.native_token};
        const auto cycles = macf::host::enumerate_cycles(graph, base, 3);
        macf::host::CoordinatorConfig cfg;
        cfg.mode = macf::host::Mode::kSequential;
        const auto result = macf::test::full_round(m, graph, cycles, cfg, costs, U256{});
        for (const auto& o : result.opportunities) {
            std::set<Address> used;
            for (const auto& h : o.hops) used.insert(m.pools[h.pool].address);
            if (used == std::set<Address>{v2, v3}) return o;
        }
        return std::nullopt;
    }

    /// Which lenders of W to offer.
    enum Offer : unsigned { kV2 = 1, kV3 = 2, kBalancer = 4, kAave = 8 };

    /// The lenders of W: the V2 pair W/C (all but one wei of its reserve), the V3 pool W/C
    /// (its balance), the Balancer Vault (its balance, fee 0), the Aave pool (what its aToken
    /// holds, its premium).
    std::vector<macf::chain::FlashSource> sources(unsigned offer) {
        std::vector<macf::chain::FlashSource> out;
        if (offer & kV2)
            out.push_back({macf::chain::FlashSourceKind::kUniswapV2, fixture_->pair_wc, U256{30},
                           token_balance(fixture_->w, fixture_->pair_wc) - U256{1}});
        if (offer & kV3)
            out.push_back({macf::chain::FlashSourceKind::kUniswapV3, fixture_->pool_wc, U256{500},
                           token_balance(fixture_->w, fixture_->pool_wc)});
        if (offer & kBalancer)
            out.push_back({macf::chain::FlashSourceKind::kBalancer, fixture_->balancer_vault,
                           U256{}, token_balance(fixture_->w, fixture_->balancer_vault)});
        if (offer & kAave)
            out.push_back({macf::chain::FlashSourceKind::kAave, fixture_->aave_pool,
                           U256{fixture_->aave_premium_bps},
                           token_balance(fixture_->w, fixture_->aave_atoken)});
        return out;
    }

    void send_from(const Address& from, const Address& to, const std::string& data,
                   const std::string& tip = "0x3b9aca00") {
        rpc_->call("eth_sendTransaction",
                   "[{\"from\":\"" + from.to_hex() + "\",\"to\":\"" + to.to_hex() +
                       "\",\"data\":\"" + data +
                       "\",\"gas\":\"0x1c9c380\",\"maxPriorityFeePerGas\":\"" + tip +
                       "\",\"maxFeePerGas\":\"0x174876e800\"}]");
    }

    /// A swap by the trader through the V3 callee: `amount` of token0 → token1 or back.
    std::string callee_swap(const Address& pool, bool zero_for_one, const U256& amount) {
        using macf::chain::word_of;
        const U256 limit =
            zero_for_one ? U256{4295128740ULL} : macf::dex::max_sqrt_ratio() - U256{1};
        const macf::chain::Word args[] = {word_of(pool), word_of(zero_for_one), word_of(amount),
                                          word_of(limit)};
        return macf::chain::encode_call("swap(address,bool,int256,uint160)", args);
    }

    std::optional<Fixture> fixture_;
    std::unique_ptr<macf::chain::RpcClient> rpc_;
    std::optional<macf::chain::PrivateKey> key_;
    std::uint64_t chain_id_ = 0;
    std::unique_ptr<macf::chain::NonceManager> nonces_;
    std::unique_ptr<macf::chain::ExecutorClient> client_;
};

TEST_F(ExecutionOnNode, RawTransactionsSignedByMacf) {
    const auto fees = client_->fees();
    const auto base_tx = [&](macf::chain::TxType type) {
        macf::chain::Transaction tx;
        tx.type = type;
        tx.chain_id = chain_id_;
        tx.nonce = nonces_->acquire();
        tx.gas_limit = 21000;
        tx.to = fixture_->trader;
        tx.value = U256{1};
        if (type == macf::chain::TxType::kDynamicFee) {
            tx.max_priority_fee_per_gas = fees.max_priority_fee_per_gas;
            tx.max_fee_per_gas = fees.max_fee_per_gas;
        } else {
            tx.gas_price = fees.max_fee_per_gas;
        }
        return tx;
    };
    const auto send_raw = [&](const macf::chain::SignedTransaction& stx) {
        return rpc_->call(
            "eth_sendRawTransaction",
            "[\"" + macf::chain::to_hex(macf::chain::encode_transaction(stx)) + "\"]");
    };
    const auto node_error = [&](const macf::chain::SignedTransaction& stx) -> std::string {
        try {
            send_raw(stx);
        } catch (const macf::chain::RpcError& e) {
            return e.message();
        }
        return "accepted";
    };
    // Accepted: an EIP-1559 and an EIP-155 legacy transaction, each mined with our hash.
    for (const auto type : {macf::chain::TxType::kDynamicFee, macf::chain::TxType::kLegacy}) {
        const auto tx = base_tx(type);
        const auto stx = macf::chain::sign_transaction(tx, *key_);
        const auto hash = send_raw(stx);
        nonces_->sent(tx.nonce);
        EXPECT_EQ(hash.text, macf::chain::hash_hex(macf::chain::transaction_hash(stx)));
        const auto receipt = client_->wait(macf::chain::parse_hash(hash.text), tx.nonce);
        ASSERT_TRUE(receipt.has_value());
        EXPECT_TRUE(receipt->success);
    }
    // A wrong chain id.
    auto tx = base_tx(macf::chain::TxType::kDynamicFee);
    tx.chain_id = 1;
    std::string err = node_error(macf::chain::sign_transaction(tx, *key_));
    std::cout << "wrong chain id: " << err << "\n";
    EXPECT_NE(err, "accepted");
    EXPECT_NE(err.find("chain"), std::string::npos) << err;
    // A used nonce.
    tx.chain_id = chain_id_;
    const std::uint64_t fresh = tx.nonce;
    tx.nonce = fresh - 1;
    err = node_error(macf::chain::sign_transaction(tx, *key_));
    std::cout << "used nonce: " << err << "\n";
    EXPECT_EQ(macf::chain::classify_nonce_error(err), macf::chain::NonceFault::kTooLow) << err;
    // A high s: the same signature's twin (n − s, other parity) recovers the same sender but
    // is invalid since EIP-2.
    tx.nonce = fresh;
    auto stx = macf::chain::sign_transaction(tx, *key_);
    stx.signature.s = macf::chain::secp256k1_order() - stx.signature.s;
    stx.signature.y_parity ^= 1;
    EXPECT_EQ(macf::chain::recover_signer(macf::chain::signing_hash(stx.tx), stx.signature),
              fixture_->owner);
    err = node_error(stx);
    std::cout << "high s: " << err << "\n";
    EXPECT_NE(err, "accepted");
    nonces_->release(fresh);
}

TEST_F(ExecutionOnNode, ContractGuardsItsOwnerItsMinimumAndSweeps) {
    const auto m = market_now();
    macf::host::CostModel costs;
    const auto opp = find(m, fixture_->pair_wa, fixture_->pool_wa, costs);
    ASSERT_TRUE(opp.has_value());
    std::string why;
    auto plan = macf::host::plan_for(m, *opp, sources(kV3)[0], why);
    ASSERT_TRUE(plan.has_value()) << why;
    // The contract computes exactly the predicted profit: one wei more is refused.
    auto sim = client_->simulate(*plan);
    ASSERT_TRUE(sim.ok) << sim.revert_reason;
    EXPECT_EQ(sim.profit, plan->min_profit);
    plan->min_profit = plan->min_profit + U256{1};
    sim = client_->simulate(*plan);
    EXPECT_FALSE(sim.ok);
    EXPECT_EQ(sim.revert_reason, "ProfitBelowMinimum(profit " +
                                     macf::dex::to_string(plan->min_profit - U256{1}) +
                                     ", minimum " + macf::dex::to_string(plan->min_profit) + ")");
    // The trade executor's own refusals, before anything is sent: above the risk limit; a
    // profit that does not cover gas plus the threshold.
    {
        macf::host::RiskLimits tight;
        tight.max_trade_wei = U256{1000};
        macf::host::RiskManager risk(tight);
        macf::host::TradeExecutor executor(*client_, risk, nullptr, {});
        const auto gas = macf::host::gas_price_in(m, costs, opp->base_token);
        const auto srcs = sources(kV3);
        auto out = executor.execute(m, *opp, srcs, gas);
        EXPECT_EQ(out.status, TradeStatus::kSkipped);
        EXPECT_NE(out.reason.find("above the maximum"), std::string::npos) << out.reason;
        macf::host::RiskManager open_risk({});
        macf::host::TradeSettings greedy;
        greedy.min_net_profit = U256{1} << 100;
        macf::host::TradeExecutor picky(*client_, open_risk, nullptr, greedy);
        const std::uint64_t next = nonces_->next_new();
        out = picky.execute(m, *opp, srcs, gas);
        EXPECT_EQ(out.status, TradeStatus::kNotSent);
        EXPECT_NE(out.reason.find("does not cover gas"), std::string::npos) << out.reason;
        EXPECT_EQ(nonces_->next_new(), next);
    }
    // Only the owner may call it.
    const auto data = macf::chain::to_hex(macf::chain::execute_calldata(*plan));
    try {
        rpc_->call("eth_call", "[{\"from\":\"" + fixture_->trader.to_hex() + "\",\"to\":\"" +
                                   fixture_->executor.to_hex() + "\",\"data\":\"" + data +
                                   "\"},\"latest\"]");
        ADD_FAILURE() << "a stranger could call execute";
    } catch (const macf::chain::RpcError& e) {
        EXPECT_NE(e.message().find(macf::chain::to_hex(macf::chain::selector("NotOwner()"))),
                  std::string::npos)
            << e.message();
    }
    // Tokens sent to it by mistake go back to the owner with sweep.
    const U256 five = U256{5} * U256{1000000000000000000ULL};
    const macf::chain::Word transfer_args[] = {macf::chain::word_of(fixture_->executor),
                                               macf::chain::word_of(five)};
    send_from(fixture_->trader, fixture_->w,
              macf::chain::encode_call("transfer(address,uint256)", transfer_args));
    const U256 before = token_balance(fixture_->w, fixture_->owner);
    const macf::chain::Word sweep_args[] = {macf::chain::word_of(fixture_->w)};
    const auto sweep =
        *macf::chain::from_hex(macf::chain::encode_call("sweep(address)", sweep_args));
    const auto sent = client_->send_call(fixture_->executor, sweep, 100000, client_->fees());
    ASSERT_FALSE(sent.error.has_value()) << sent.error->message;
    ASSERT_TRUE(client_->wait(*sent.hash, sent.nonce)->success);
    EXPECT_EQ(token_balance(fixture_->w, fixture_->owner) - before, five);
    EXPECT_TRUE(token_balance(fixture_->w, fixture_->executor).is_zero());
}

TEST_F(ExecutionOnNode, ExecutesThePlantedDislocationForExactlyThePredictedProfit) {
    AlertLog alerts;
    macf::test::FakeEndpoint receiver(alerts.receiver());
    macf::chain::AlertWebhook webhook(receiver.url());
    macf::host::RiskLimits limits;
    limits.max_trade_wei = U256{1000} * U256{1000000000000000000ULL};
    macf::host::RiskManager risk(limits);
    macf::host::TradeExecutor executor(*client_, risk, &webhook, {});

    // Each round offers some lenders; the cheapest for the input must be picked: V3's 5 bps
    // over V2's 30, V2 alone, the Vault's 0 over all, Aave's 5 bps over V2's 30.
    const unsigned offers[] = {kV2 | kV3, kV2, kV2 | kV3 | kBalancer | kAave, kV2 | kAave};
    const macf::chain::FlashSourceKind expected[] = {
        macf::chain::FlashSourceKind::kUniswapV3, macf::chain::FlashSourceKind::kUniswapV2,
        macf::chain::FlashSourceKind::kBalancer, macf::chain::FlashSourceKind::kAave};
    for (int round = 0; round < 4; ++round) {
        SCOPED_TRACE(macf::chain::to_string(expected[round]));
        const auto m = market_now();
        macf::host::CostModel costs;
        const auto opp = find(m, fixture_->pair_wa, fixture_->pool_wa, costs);
        ASSERT_TRUE(opp.has_value()) << "macf did not find the planted W/A dislocation";
        const auto gas = macf::host::gas_price_in(m, costs, opp->base_token);
        const U256 w_before = token_balance(fixture_->w, fixture_->owner);
        const U256 eth_before = ether_balance(fixture_->owner);
        const auto srcs = sources(offers[round]);
        const auto out = executor.execute(m, *opp, srcs, gas);
        ASSERT_EQ(out.status, TradeStatus::kExecuted) << out.reason;
        EXPECT_EQ(out.plan->source.kind, expected[round]);
        EXPECT_EQ(out.simulation.profit, out.predicted_profit);
        EXPECT_EQ(out.predicted_profit,
                  opp->output - opp->input - *macf::chain::flash_fee(out.plan->source, opp->input));
        const U256 w_after = token_balance(fixture_->w, fixture_->owner);
        const U256 eth_after = ether_balance(fixture_->owner);
        EXPECT_EQ(w_after - w_before, out.predicted_profit);  // to the wei
        EXPECT_EQ(eth_before - eth_after, out.receipt->fee_paid());
        EXPECT_TRUE(token_balance(fixture_->w, fixture_->executor).is_zero());
        std::cout << "executed (" << macf::chain::to_string(out.plan->source.kind) << "): input "
                  << macf::dex::to_string(opp->input) << " W, predicted profit "
                  << macf::dex::to_string(out.predicted_profit) << ", realized "
                  << macf::dex::to_string(w_after - w_before) << ", gas used "
                  << out.receipt->gas_used << "\n";
        if (round < 3) {
            // Plant the dislocation again: the trader pushes the V3 pool's price back up.
            const bool w_is_0 = fixture_->w < fixture_->a;
            send_from(
                fixture_->trader, fixture_->callee,
                callee_swap(fixture_->pool_wa, !w_is_0, U256{300} * U256{1000000000000000000ULL}));
        }
    }
    ASSERT_TRUE(webhook.flush(std::chrono::seconds(10)));
    std::lock_guard lock(alerts.m);
    ASSERT_EQ(alerts.events.size(), 4U);
    EXPECT_EQ(alerts.events[0], "executed");
    EXPECT_EQ(executor.count(TradeStatus::kExecuted), 4U);
}

TEST_F(ExecutionOnNode, CompetitorFirstMakesOursRevertWithoutLoss) {
    AlertLog alerts;
    macf::test::FakeEndpoint receiver(alerts.receiver());
    macf::chain::AlertWebhook webhook(receiver.url());
    macf::host::RiskLimits limits;
    limits.breaker_failures = 1;  // the one revert opens the circuit breaker
    macf::host::RiskManager risk(limits);
    macf::host::TradeExecutor executor(*client_, risk, &webhook, {});

    const auto m = market_now();
    macf::host::CostModel costs;
    const auto opp = find(m, fixture_->pair_wb, fixture_->pool_wb, costs);
    ASSERT_TRUE(opp.has_value()) << "macf did not find the planted W/B dislocation";
    const auto gas = macf::host::gas_price_in(m, costs, opp->base_token);
    const U256 w_before = token_balance(fixture_->w, fixture_->owner);
    const U256 eth_before = ether_balance(fixture_->owner);
    const auto srcs = sources(kV2 | kV3);

    // Blocks are mined by hand now. Ours goes into the pool first (a 1 gwei tip); then the
    // competitor sees it and swaps through the V3 pool the way our cycle does with a 100 gwei
    // tip, so the block puts the competitor's swap first.
    rpc_->call("evm_setAutomine", "[false]");
    bool zero_for_one = false;
    for (const auto& h : opp->hops)
        if (m.pools[h.pool].address == fixture_->pool_wb)
            zero_for_one = m.tokens[h.token_in].address < m.tokens[h.token_out].address;
    macf::host::TradeOutcome out;
    std::exception_ptr ours_failed;  // an error on the thread fails the test, never aborts it
    std::thread ours([&] {
        try {
            out = executor.execute(m, *opp, srcs, gas);
        } catch (...) {
            ours_failed = std::current_exception();
        }
    });
    // A node call below that throws must not destroy a joinable thread (std::terminate hides
    // the error): mine a block so the executor's wait ends, then join.
    struct Joiner {
        std::thread& thread;
        macf::chain::RpcClient& rpc;
        ~Joiner() {
            if (!thread.joinable()) return;
            try {
                rpc.call("evm_mine");
            } catch (...) {  // the join below still ends on the executor's own timeout
            }
            thread.join();
        }
    } joiner{ours, *rpc_};
    for (int i = 0; i < 600 && nonces_->pending().empty(); ++i)  // bounded: 30 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    send_from(
        fixture_->trader, fixture_->callee,
        callee_swap(fixture_->pool_wb, zero_for_one, U256{400} * U256{1000000000000000000ULL}),
        "0x174876e800");
    rpc_->call("evm_mine");
    ours.join();
    rpc_->call("evm_setAutomine", "[true]");
    if (ours_failed) {
        try {
            std::rethrow_exception(ours_failed);
        } catch (const std::exception& e) {
            FAIL() << "the executor's thread threw: " << e.what();
        }
    }
    ASSERT_EQ(out.status, TradeStatus::kReverted) << out.reason;
    ASSERT_TRUE(out.receipt.has_value());
    EXPECT_EQ(token_balance(fixture_->w, fixture_->owner), w_before);                 // no W lost
    EXPECT_EQ(eth_before - ether_balance(fixture_->owner), out.receipt->fee_paid());  // only gas
    EXPECT_EQ(risk.counters().failed, 1U);
    EXPECT_EQ(executor.count(TradeStatus::kReverted), 1U);
    EXPECT_TRUE(risk.breaker_open());

    // While the breaker is open nothing is tried.
    const auto refused = executor.execute(m, *opp, srcs, gas);
    EXPECT_EQ(refused.status, TradeStatus::kSkipped);
    EXPECT_NE(refused.reason.find("circuit breaker"), std::string::npos) << refused.reason;

    // Through another executor without the breaker, the same (now stale) opportunity: the
    // simulation reverts, nothing is sent.
    macf::host::RiskManager calm({});
    macf::host::TradeExecutor second(*client_, calm, &webhook, {});
    const std::uint64_t nonce_before = nonces_->next_new();
    const auto again = second.execute(m, *opp, srcs, gas);
    EXPECT_EQ(again.status, TradeStatus::kNotSent);
    EXPECT_NE(again.reason.find("CannotRepay"), std::string::npos) << again.reason;
    std::cout << "stale opportunity: " << again.reason << "\n";
    EXPECT_FALSE(again.tx.has_value());
    EXPECT_EQ(nonces_->next_new(), nonce_before);
    EXPECT_EQ(second.count(TradeStatus::kNotSent), 1U);

    ASSERT_TRUE(webhook.flush(std::chrono::seconds(10)));
    std::lock_guard lock(alerts.m);
    // The revert, the breaker opening it caused, and the stale simulation: three alerts.
    ASSERT_EQ(alerts.events.size(), 3U);
    std::multiset<std::string> events(alerts.events.begin(), alerts.events.end());
    EXPECT_EQ(events.count("failed"), 2U);
    EXPECT_EQ(events.count("circuit_breaker"), 1U);
    bool revert_alerted = false;
    for (const auto& t : alerts.texts) revert_alerted |= t.find("reverted") != std::string::npos;
    EXPECT_TRUE(revert_alerted);
}

TEST_F(ExecutionOnNode, ANodeFailingWhileTheReceiptIsFollowedLeavesTheTradeUnconfirmed) {
    // Plant the W/A dislocation again (the trader pushes the V3 pool's price back up).
    const bool w_is_0 = fixture_->w < fixture_->a;
    send_from(fixture_->trader, fixture_->callee,
              callee_swap(fixture_->pool_wa, !w_is_0, U256{300} * U256{1000000000000000000ULL}));
    const auto m = market_now();
    macf::host::CostModel costs;
    const auto opp = find(m, fixture_->pair_wa, fixture_->pool_wa, costs);
    ASSERT_TRUE(opp.has_value()) << "macf did not find the planted W/A dislocation";
    const auto gas = macf::host::gas_price_in(m, costs, opp->base_token);
    const auto srcs = sources(kV2);

    // A proxy in front of the node that answers every receipt query with another call's id.
    auto upstream = macf::chain::make_http_transport(std::getenv("MACF_RPC_URL"));
    std::mutex upstream_mutex;
    macf::test::FakeEndpoint proxy([&](const std::string& body) -> macf::test::FakeReply {
        if (body.find("eth_getTransactionReceipt") != std::string::npos)
            return {200, R"({"jsonrpc":"2.0","id":999999,"result":null})"};
        const std::lock_guard lock(upstream_mutex);
        return {200, upstream->post(body, std::chrono::seconds(10))};
    });
    macf::chain::RpcOptions rpc_options;
    rpc_options.max_attempts = 1;
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(proxy.url()), rpc_options);
    macf::chain::ExecutorOptions options;
    options.chain_id = chain_id_;
    options.receipt_timeout = std::chrono::seconds(10);
    options.receipt_poll = std::chrono::milliseconds(50);
    macf::chain::ExecutorClient client(rpc, *key_, fixture_->executor, *nonces_, options);
    macf::host::RiskManager risk({});
    macf::host::TradeExecutor executor(client, risk, nullptr, {});

    const U256 w_before = token_balance(fixture_->w, fixture_->owner);
    const auto out = executor.execute(m, *opp, srcs, gas);
    ASSERT_EQ(out.status, TradeStatus::kUnconfirmed) << out.reason;
    ASSERT_TRUE(out.tx.has_value());
    std::cout << "unconfirmed: " << out.reason << "\n";
    EXPECT_NE(out.reason.find("carries id 999999"), std::string::npos) << out.reason;
    EXPECT_NE(out.reason.find(macf::chain::hash_hex(*out.tx)), std::string::npos) << out.reason;
    EXPECT_EQ(executor.count(TradeStatus::kUnconfirmed), 1U);
    EXPECT_EQ(risk.counters().failed, 0U);  // no loss is known: not a breaker failure

    // It went out all the same: the node mined it and the profit arrived, to the wei.
    const auto receipt =
        rpc_->call("eth_getTransactionReceipt", "[\"" + macf::chain::hash_hex(*out.tx) + "\"]");
    ASSERT_EQ(receipt.type, macf::chain::json::Value::Type::kObject);
    EXPECT_EQ(receipt.find("status")->text, "0x1");
    EXPECT_EQ(token_balance(fixture_->w, fixture_->owner) - w_before, out.predicted_profit);
}

TEST_F(ExecutionOnNode, ConcurrentSendersShareOneNonceSequenceAndResync) {
    // Two senders, each with its own connection, share the owner's nonce manager; blocks are
    // mined by hand so both can queue. Every transaction is mined, nonces have no gap.
    rpc_->call("evm_setAutomine", "[false]");
    const std::uint64_t first = nonces_->next_new();
    constexpr int kEach = 10;
    std::vector<macf::chain::SendResult> sent[2];
    std::vector<std::thread> senders;
    const auto fees = client_->fees();
    for (int t = 0; t < 2; ++t) {
        senders.emplace_back([&, t] {
            macf::chain::RpcClient rpc(
                macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
            macf::chain::ExecutorOptions options;
            options.chain_id = chain_id_;
            macf::chain::ExecutorClient client(rpc, *key_, fixture_->executor, *nonces_, options);
            for (int i = 0; i < kEach; ++i)
                sent[t].push_back(client.send_call(fixture_->trader, {}, 21000, fees));
        });
    }
    for (auto& th : senders) th.join();
    rpc_->call("evm_mine");
    rpc_->call("evm_setAutomine", "[true]");
    std::set<std::uint64_t> used;
    for (const auto& list : sent) {
        for (const auto& r : list) {
            ASSERT_FALSE(r.error.has_value()) << r.error->message;
            used.insert(r.nonce);
            const auto receipt = client_->wait(*r.hash, r.nonce);
            ASSERT_TRUE(receipt.has_value());
            EXPECT_TRUE(receipt->success);
        }
    }
    EXPECT_EQ(used.size(), 2U * kEach);
    EXPECT_EQ(*used.begin(), first);
    EXPECT_EQ(*used.rbegin(), first + 2 * kEach - 1);
    EXPECT_TRUE(nonces_->pending().empty());

    // Another wallet uses the account behind macf's back: macf's next send hears "nonce too
    // low", reads the pending count again, and goes out under the next free nonce.
    macf::chain::Transaction tx;
    tx.chain_id = chain_id_;
    tx.nonce = nonces_->next_new();
    tx.max_priority_fee_per_gas = fees.max_priority_fee_per_gas;
    tx.max_fee_per_gas = fees.max_fee_per_gas;
    tx.gas_limit = 21000;
    tx.to = fixture_->trader;
    rpc_->call("eth_sendRawTransaction", "[\"" +
                                             macf::chain::to_hex(macf::chain::encode_transaction(
                                                 macf::chain::sign_transaction(tx, *key_))) +
                                             "\"]");
    const std::uint64_t resyncs = nonces_->resyncs();
    const auto after = client_->send_call(fixture_->trader, {}, 21000, fees);
    ASSERT_FALSE(after.error.has_value()) << after.error->message;
    EXPECT_EQ(after.nonce, tx.nonce + 1);
    EXPECT_EQ(nonces_->resyncs(), resyncs + 1);
    EXPECT_TRUE(client_->wait(*after.hash, after.nonce)->success);

    // A transaction dropped from the pool (hardhat_dropTransaction) is seen as dropped, and its
    // nonce goes out again with the next send.
    rpc_->call("evm_setAutomine", "[false]");
    const auto lost = client_->send_call(fixture_->trader, {}, 21000, fees);
    ASSERT_FALSE(lost.error.has_value()) << lost.error->message;
    rpc_->call("hardhat_dropTransaction", "[\"" + macf::chain::hash_hex(*lost.hash) + "\"]");
    rpc_->call("evm_setAutomine", "[true]");
    EXPECT_TRUE(client_->dropped(*lost.hash));
    const auto again = client_->send_call(fixture_->trader, {}, 21000, fees);
    ASSERT_FALSE(again.error.has_value()) << again.error->message;
    EXPECT_EQ(again.nonce, lost.nonce);
    EXPECT_TRUE(client_->wait(*again.hash, again.nonce)->success);
}

}  // namespace
