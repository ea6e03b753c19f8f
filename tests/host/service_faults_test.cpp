// SPDX-License-Identifier: Apache-2.0
// `macf serve` (host::Service, in process) against a scripted node on 127.0.0.1 that fails,
// hangs, reorganises deeper than the journal or turns into another chain: the initial sync is
// retried, /health says what is wrong (503 with the reason), the API answers while the node
// hangs, the state is withdrawn while re-syncing and re-syncs back off, and a stop takes less
// than 2 s in every phase.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>

#include "../chain/fake_endpoint.hpp"
#include "api_client.hpp"
#include "macf/chain/json.hpp"
#include "macf/host/service/service.hpp"

namespace {

using macf::test::FakeEndpoint;
using macf::test::FakeReply;
using macf::test::ok;
using Clock = std::chrono::steady_clock;

/// A chain of empty blocks: head `head`, block hashes that depend on `fork`, and a switch for
/// how the node behaves.
struct ScriptedChain {
    enum Mode { kServe, kFail, kHang };
    std::atomic<int> mode{kServe};
    std::atomic<std::uint64_t> head{5};
    std::atomic<int> fork{0};
    std::atomic<std::uint64_t> chain_id{31337};
    std::atomic<int> chain_id_calls{0};
    std::atomic<int> discovery_calls{0};  ///< eth_getLogs from block 0: a bootstrap's discovery

    static std::string quantity(std::uint64_t v) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
        return buf;
    }
    std::string hash(std::uint64_t n) const {
        char buf[80];
        std::snprintf(buf, sizeof buf, "0x%064llx",
                      static_cast<unsigned long long>(n * 1000 + fork.load() + 1));
        return buf;
    }
    std::string block(std::uint64_t n) const {
        return R"({"number":")" + quantity(n) + R"(","hash":")" + hash(n) + R"(","parentHash":")" +
               hash(n == 0 ? 0 : n - 1) + R"(","timestamp":"0x1","baseFeePerGas":"0x1"})";
    }
    FakeReply answer(const std::string& body) {
        const int m = mode.load();
        if (m == kFail) return {500, "overloaded"};
        const std::chrono::milliseconds delay(m == kHang ? 3000 : 0);
        if (body.find("\"eth_chainId\"") != std::string::npos) {
            ++chain_id_calls;
            return {200, ok(body, "\"" + quantity(chain_id.load()) + "\""), delay};
        }
        if (body.find("\"eth_blockNumber\"") != std::string::npos)
            return {200, ok(body, "\"" + quantity(head.load()) + "\""), delay};
        if (body.find("\"eth_getBlockByNumber\"") != std::string::npos) {
            const auto at = body.find("\"params\":[\"") + 11;
            const std::string which = body.substr(at, body.find('"', at) - at);
            const std::uint64_t n =
                which == "latest" ? head.load() : std::stoull(which, nullptr, 16);
            return {200, ok(body, n > head.load() ? "null" : block(n)), delay};
        }
        if (body.find("\"eth_getLogs\"") != std::string::npos) {
            if (body.find("\"fromBlock\":\"0x0\"") != std::string::npos) ++discovery_calls;
            return {200, ok(body, "[]"), delay};
        }
        return {200, ok(body, "null"), delay};
    }
};

macf::host::ServiceConfig config_for(const std::string& url) {
    macf::host::ServiceConfig c;
    c.node.rpc = url;
    c.node.timeout_ms = 10000;
    c.node.attempts = 2;
    c.node.poll_ms = 50;
    c.node.unreachable_after_s = 1;
    c.discovery.journal_depth = 1;
    c.engine.weth = *macf::chain::Address::parse("0x" + std::string(39, '0') + "1");
    c.engine.mode = macf::host::Mode::kSequential;
    c.api.listen = "127.0.0.1:0";
    return c;
}

/// The service running on its own thread; stopped (and timed) by stop().
class RunningService {
  public:
    explicit RunningService(const macf::host::ServiceConfig& c) : service_(c) {
        thread_ = std::thread([this] {
            try {
                service_.run(stop_);
            } catch (const std::exception& e) {
                error_ = e.what();
            }
        });
        for (int i = 0; i < 500 && service_.api_port() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~RunningService() {
        if (thread_.joinable()) (void)stop();
    }
    RunningService(const RunningService&) = delete;
    RunningService& operator=(const RunningService&) = delete;

    std::uint16_t port() const { return service_.api_port(); }
    /// Sets the stop flag and returns the seconds until run() returned (also printed: the
    /// figures of docs/operations.md come from these runs).
    double stop() {
        const auto t0 = Clock::now();
        stop_ = true;
        thread_.join();
        const double took = std::chrono::duration<double>(Clock::now() - t0).count();
        std::printf("stop took %.3f s\n", took);
        return took;
    }
    const std::string& error() const { return error_; }

    /// /health's status field ("" when it does not answer within 1 s).
    std::string health_status() const {
        try {
            const auto r = macf::test::get(port(), "/health", std::chrono::milliseconds(1000));
            return macf::chain::json::parse(r.body).find("status")->text;
        } catch (const std::exception&) {
            return "";
        }
    }
    /// Waits up to `seconds` for /health's status to become `want`.
    bool wait_for_status(const std::string& want, double seconds) const {
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        while (Clock::now() < end) {
            if (health_status() == want) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

  private:
    macf::host::Service service_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::string error_;
};

TEST(ServiceFaults, AFailingNodeAtStartIsRetriedAndHealthSaysWhy) {
    ScriptedChain chain;
    chain.mode = ScriptedChain::kFail;
    FakeEndpoint node([&](const std::string& body) { return chain.answer(body); });
    RunningService service(config_for(node.url()));
    ASSERT_NE(service.port(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto r = macf::test::get(service.port(), "/health");
    EXPECT_EQ(r.status, 503U);
    const auto health = macf::chain::json::parse(r.body);
    EXPECT_EQ(health.find("status")->text, "syncing");
    EXPECT_NE(health.find("reason")->text.find("initial sync failed"), std::string::npos) << r.body;
    chain.mode = ScriptedChain::kServe;  // the node recovers: the next attempt syncs
    EXPECT_TRUE(service.wait_for_status("ok", 8.0));
    EXPECT_LT(service.stop(), 2.0);
    EXPECT_EQ(service.error(), "");
}

TEST(ServiceFaults, AHungNodeIsUnhealthyTheApiStillAnswersAndStopIsPrompt) {
    ScriptedChain chain;
    FakeEndpoint node([&](const std::string& body) { return chain.answer(body); });
    RunningService service(config_for(node.url()));
    ASSERT_TRUE(service.wait_for_status("ok", 8.0));
    chain.mode = ScriptedChain::kHang;  // every answer now takes 3 s
    EXPECT_TRUE(service.wait_for_status("node_unreachable", 4.0));
    // Served from the published copy: no request waits on the follower's call.
    const auto t0 = Clock::now();
    const auto pool = macf::test::get(service.port(), "/pools/0x" + std::string(40, 'a'),
                                      std::chrono::seconds(1));
    EXPECT_EQ(pool.status, 404U);
    const auto metrics = macf::test::get(service.port(), "/metrics", std::chrono::seconds(1));
    EXPECT_NE(metrics.body.find("macf_healthy 0"), std::string::npos);
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.0);
    EXPECT_LT(service.stop(), 2.0);  // the call in progress is abandoned
    EXPECT_EQ(service.error(), "");
}

TEST(ServiceFaults, StopDuringTheInitialSyncWithAHungNodeIsPrompt) {
    ScriptedChain chain;
    chain.mode = ScriptedChain::kHang;
    FakeEndpoint node([&](const std::string& body) { return chain.answer(body); });
    RunningService service(config_for(node.url()));
    ASSERT_NE(service.port(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(service.health_status(), "syncing");  // answered at once, mid-sync
    EXPECT_LT(service.stop(), 2.0);
    EXPECT_EQ(service.error(), "");
}

TEST(ServiceFaults, AReorgDeeperThanTheJournalWithdrawsTheStateAndResyncsWithBackoff) {
    ScriptedChain chain;
    FakeEndpoint node([&](const std::string& body) { return chain.answer(body); });
    RunningService service(config_for(node.url()));
    ASSERT_TRUE(service.wait_for_status("ok", 8.0));
    EXPECT_EQ(macf::test::get(service.port(), "/opportunities").status, 200U);
    // Another chain behind the same URL: every block hash differs and the chain id changed.
    const int calls_before = chain.chain_id_calls.load();
    chain.chain_id = 1;
    chain.fork = 1;
    EXPECT_TRUE(service.wait_for_status("resyncing", 3.0));
    const auto r = macf::test::get(service.port(), "/opportunities");
    EXPECT_EQ(r.status, 503U);
    EXPECT_NE(r.body.find("chain id"), std::string::npos) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    // Attempts back off from 1 s (before: a re-sync loop without a pause, ~1,200 a second).
    const int attempts = chain.chain_id_calls.load() - calls_before;
    EXPECT_GE(attempts, 1);
    EXPECT_LE(attempts, 3);
    chain.chain_id = 31337;  // the original chain id again (the same chain, reorganised)
    EXPECT_TRUE(service.wait_for_status("ok", 6.0));
    EXPECT_EQ(macf::test::get(service.port(), "/opportunities").status, 200U);
    EXPECT_LT(service.stop(), 2.0);
    EXPECT_EQ(service.error(), "");
}

TEST(ServiceFaults, ARestartResumesFromTheCheckpointWithoutDiscovery) {
    // With discovery.checkpoint_dir, a stop writes the follower's checkpoint; the next start
    // resumes from it (no discovery from block 0) and catches up to the new head.
    ScriptedChain chain;
    FakeEndpoint node([&](const std::string& body) { return chain.answer(body); });
    const auto dir = std::filesystem::temp_directory_path() / "macf_service_checkpoint";
    std::filesystem::remove_all(dir);
    auto c = config_for(node.url());
    c.discovery.factories.push_back(
        {*macf::chain::Address::parse("0x" + std::string(39, '0') + "2"),
         macf::host::PoolKind::kUniswapV2, 30, "uniswap_v2"});
    c.discovery.checkpoint_dir = dir.string();
    {
        RunningService first(c);
        ASSERT_TRUE(first.wait_for_status("ok", 8.0));
        EXPECT_LT(first.stop(), 2.0);
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "market.json"));
    EXPECT_TRUE(std::filesystem::exists(dir / "follower.json"));
    const int discoveries = chain.discovery_calls.load();
    EXPECT_EQ(discoveries, 1);
    chain.head = 9;  // blocks a restart has to catch up
    RunningService second(c);
    ASSERT_TRUE(second.wait_for_status("ok", 8.0));
    EXPECT_EQ(chain.discovery_calls.load(), discoveries) << "the restart discovered again";
    const auto health = macf::chain::json::parse(macf::test::get(second.port(), "/health").body);
    EXPECT_EQ(health.find("synced_block")->text, "9");
    EXPECT_LT(second.stop(), 2.0);
    std::filesystem::remove_all(dir);
}

}  // namespace
