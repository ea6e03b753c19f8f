// SPDX-License-Identifier: Apache-2.0
// The JSON-RPC client and the chain follower against a hostile local endpoint: truncated
// JSON, wrong ids, huge numbers, wrong types, slow answers, rate limiting, dropped
// connections. Every case is a clear error or a retry; the follower's state stays unchanged and
// it keeps working once the endpoint answers properly again.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "cancel_after.hpp"
#include "fake_endpoint.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace {

using macf::test::FakeEndpoint;
using macf::test::FakeReply;

using macf::test::fast;
using macf::test::id_of;
using macf::test::ok;

TEST(RpcClient, AnswersAndBatchesWithIdsInAnyOrder) {
    FakeEndpoint node([](const std::string& body) -> FakeReply {
        if (body.front() == '[') {  // answer a batch of two in reverse order
            const auto first = body.find("\"id\":") + 5;
            const auto id1 = std::stoull(body.substr(first));
            return {
                200,
                R"([{"jsonrpc":"2.0","id":)" + std::to_string(id1 + 1) +
                    R"(,"error":{"code":3,"message":"execution reverted"}},{"jsonrpc":"2.0","id":)" +
                    std::to_string(id1) + R"(,"result":"0x1"}])"};
        }
        return {200, ok(body, "\"0x2a\"")};
    });
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
    EXPECT_EQ(macf::chain::parse_quantity_u64(rpc.call("eth_blockNumber").text), 42U);
    const auto r = rpc.batch({{"eth_call", "[]"}, {"eth_call", "[]"}});
    ASSERT_EQ(r.size(), 2U);
    EXPECT_EQ(r[0].result.text, "0x1");
    ASSERT_TRUE(r[1].error.has_value());
    EXPECT_EQ(r[1].error->code(), 3);
    EXPECT_EQ(rpc.calls(), 3U);
}

/// A transport that answers every call with its own id and counts posts that overlapped: a
/// real connection interleaves their bytes (the answer to one call read by another).
class OverlapCountingTransport final : public macf::chain::Transport {
  public:
    std::string post(const std::string& body, std::chrono::milliseconds) override {
        if (in_flight_.fetch_add(1) != 0) ++overlaps_;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        in_flight_.fetch_sub(1);
        if (body.front() != '[') {
            note_id(id_of(body));
            return ok(body, "\"0x1\"");
        }
        std::string answer = "[";
        for (auto at = body.find("\"id\":"); at != std::string::npos;
             at = body.find("\"id\":", at + 1)) {
            if (answer.size() > 1) answer += ',';
            answer += ok(body.substr(at), "\"0x1\"");
            note_id(id_of(body.substr(at)));
        }
        return answer + "]";
    }
    std::string describe() const override { return "overlap-counting transport"; }
    std::atomic<int>& overlaps() { return overlaps_; }
    std::atomic<int>& repeated_ids() { return repeated_ids_; }

  private:
    void note_id(const std::string& id) {
        const std::lock_guard lock(ids_mutex_);
        if (!ids_.insert(id).second) ++repeated_ids_;
    }

    std::mutex ids_mutex_;
    std::set<std::string> ids_;
    std::atomic<int> repeated_ids_{0};
    std::atomic<int> in_flight_{0};
    std::atomic<int> overlaps_{0};
};

TEST(RpcClient, ThreadsSharingAClientTakeTurnsOnItsConnection) {
    // The executor waits for a receipt on one thread while another mines through the same
    // client (tests/evm/execution_test.cpp): ids must stay unique and exchanges must not overlap.
    auto transport = std::make_unique<OverlapCountingTransport>();
    auto& overlaps = transport->overlaps();
    auto& repeated_ids = transport->repeated_ids();
    macf::chain::RpcClient rpc(std::move(transport), fast());
    constexpr int kThreads = 4;
    constexpr int kCalls = 50;
    std::vector<std::thread> threads;
    std::atomic<int> answered{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kCalls; ++i) {
                if ((i + t) % 5 == 0) {
                    if (rpc.batch({{"eth_call", "[]"}, {"eth_call", "[]"}}).size() == 2) ++answered;
                } else if (rpc.call("eth_blockNumber").text == "0x1") {
                    ++answered;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(answered.load(), kThreads * kCalls);
    EXPECT_EQ(overlaps.load(), 0);
    EXPECT_EQ(repeated_ids.load(), 0);
    EXPECT_EQ(rpc.requests(), std::uint64_t{kThreads * kCalls});
}

TEST(RpcClient, MalformedAnswersAreClearErrors) {
    struct Case {
        std::function<std::string(const std::string&)> answer;
        const char* message;
    };
    const Case cases[] = {
        {[](const std::string& b) { return ok(b, "\"0x2a\"").substr(0, 20); }, "not valid JSON"},
        {[](const std::string&) {
             return std::string(R"({"jsonrpc":"2.0","id":999999,"result":"0x1"})");
         },
         "carries id"},
        {[](const std::string&) {
             return std::string(R"({"jsonrpc":"2.0","id":"x","result":"0x1"})");
         },
         "\"id\""},
        {[](const std::string& b) {
             return R"({"jsonrpc":"1.0","id":)" + id_of(b) + R"(,"result":"0x1"})";
         },
         "JSON-RPC 2.0"},
        {[](const std::string& b) { return R"({"jsonrpc":"2.0","id":)" + id_of(b) + "}"; },
         "exactly one of"},
        {[](const std::string& b) {
             return R"({"jsonrpc":"2.0","id":)" + id_of(b) + R"(,"error":{"code":"x"}})";
         },
         "numeric code"},
        {[](const std::string&) { return std::string("[]"); }, "batch answer"},
    };
    for (const auto& c : cases) {
        FakeEndpoint node([&](const std::string& body) { return FakeReply{200, c.answer(body)}; });
        macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
        try {
            (void)rpc.call("eth_blockNumber");
            ADD_FAILURE() << "no error for " << c.message;
        } catch (const macf::chain::MalformedResponse& e) {
            EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
        }
    }
    // Huge numbers and wrong types surface where the value is read.
    FakeEndpoint huge([](const std::string& b) {
        return FakeReply{200, ok(b, "\"0x" + std::string(70, 'f') + "\"")};
    });
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(huge.url()), fast());
    EXPECT_THROW((void)macf::chain::parse_quantity_u64(rpc.call("eth_blockNumber").text),
                 macf::chain::MalformedResponse);
}

TEST(RpcClient, RetriesTransportErrorsAndRateLimitsWithBackoff) {
    int served = 0;
    FakeEndpoint node([&](const std::string& body) -> FakeReply {
        switch (++served) {
            case 1:
                return {429, "Too Many Requests"};
            case 2:
                return {200, "", {}, true};  // connection dropped
            case 3:
                return {200, R"({"jsonrpc":"2.0","id":)" + id_of(body) +
                                 R"(,"error":{"code":-32005,"message":"rate limit exceeded"}})"};
            default:
                return {200, ok(body, "\"0x7\"")};
        }
    });
    auto options = fast();
    options.max_attempts = 5;
    std::vector<std::string> retries;
    options.on_retry = [&](const std::string& why, std::chrono::milliseconds) {
        retries.push_back(why);
    };
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), options);
    EXPECT_EQ(rpc.call("eth_blockNumber").text, "0x7");
    ASSERT_EQ(retries.size(), 3U);
    EXPECT_NE(retries[0].find("HTTP 429"), std::string::npos);
    EXPECT_NE(retries[2].find("rate limit"), std::string::npos);
}

TEST(RpcClient, SlowAnswersTimeOutAndGiveUpAfterTheAttempts) {
    FakeEndpoint node([](const std::string& b) {
        return FakeReply{200, ok(b, "\"0x1\""), std::chrono::milliseconds(700)};
    });
    auto options = fast();
    options.max_attempts = 2;
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), options);
    try {
        (void)rpc.call("eth_blockNumber");
        ADD_FAILURE() << "no timeout";
    } catch (const macf::chain::TransportError& e) {
        EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("after 2 attempts"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)macf::chain::make_http_transport("ftp://example.org"),
                 std::invalid_argument);
}

TEST(ChainSyncFake, BadAnswersLeaveTheStateUnchangedAndTheFollowerWorking) {
    const std::string hash_a = "0x" + std::string(64, 'a');
    const std::string hash_b = "0x" + std::string(64, 'b');
    std::atomic<int> mode{0};  // 0: good; 1: malformed block; 2: wrong type; 3: bad log
    std::atomic<int> head{5};
    FakeEndpoint node([&](const std::string& body) -> FakeReply {
        const auto block = [&](int n) {
            const std::string h = n == 5 ? hash_a : hash_b;
            return R"({"number":")" + macf::chain::quantity(static_cast<std::uint64_t>(n)) +
                   R"(","hash":")" + h + R"(","parentHash":")" + (n == 6 ? hash_a : hash_b) +
                   R"(","timestamp":"0x1"})";
        };
        if (body.find("eth_blockNumber") != std::string::npos) {
            return {200,
                    ok(body, "\"" + macf::chain::quantity(static_cast<std::uint64_t>(head.load())) +
                                 "\"")};
        }
        if (body.find("eth_getBlockByNumber") != std::string::npos) {
            const bool six = body.find("\"0x6\"") != std::string::npos;
            if (six && mode == 1) return {200, ok(body, R"({"number":"0x6"})")};
            if (six && mode == 2) return {200, ok(body, "\"0x6\"")};
            return {200, ok(body, block(six ? 6 : 5))};
        }
        if (body.find("eth_getLogs") != std::string::npos) {
            if (mode == 3) return {200, ok(body, R"([{"address":"0x12"}])")};
            return {200, ok(body, "[]")};
        }
        return {200, R"({"jsonrpc":"2.0","id":)" + id_of(body) +
                         R"(,"error":{"code":-32601,"message":"no such method"}})"};
    });
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
    macf::host::ChainSync sync(rpc, {});
    EXPECT_EQ(sync.bootstrap(), 5U);
    head = 6;
    for (const int bad : {1, 2, 3}) {
        mode = bad;
        try {
            (void)sync.follow();
            ADD_FAILURE() << "mode " << bad << " was accepted";
        } catch (const macf::host::SyncError& e) {
            EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
        }
        EXPECT_EQ(sync.synced_block(), 5U) << "mode " << bad;
    }
    mode = 0;
    const auto reports = sync.follow();
    ASSERT_EQ(reports.size(), 1U);
    EXPECT_EQ(sync.synced_block(), 6U);
}

TEST(ChainSyncFake, AReorgDeeperThanTheJournalAsksForANewBootstrap) {
    std::atomic<bool> forked{false};
    std::atomic<int> head{5};
    const auto hash = [](char c) { return "0x" + std::string(64, c); };
    FakeEndpoint node([&](const std::string& body) -> FakeReply {
        if (body.find("eth_blockNumber") != std::string::npos) {
            return {200,
                    ok(body, "\"" + macf::chain::quantity(static_cast<std::uint64_t>(head.load())) +
                                 "\"")};
        }
        if (body.find("eth_getBlockByNumber") != std::string::npos) {
            // Before the fork: 4=a, 5=b, 6=c. After it, every block from 4 on is different.
            const int n = body.find("\"0x6\"") != std::string::npos   ? 6
                          : body.find("\"0x5\"") != std::string::npos ? 5
                                                                      : 4;
            const char mine = static_cast<char>((forked ? 'd' : 'a') + (n - 4));
            const char parent = static_cast<char>((forked ? 'd' : 'a') + (n - 5));
            return {200, ok(body, R"({"number":")" +
                                      macf::chain::quantity(static_cast<std::uint64_t>(n)) +
                                      R"(","hash":")" + hash(mine) + R"(","parentHash":")" +
                                      hash(parent) + R"(","timestamp":"0x1"})")};
        }
        if (body.find("eth_getLogs") != std::string::npos) return {200, ok(body, "[]")};
        return {200, R"({"jsonrpc":"2.0","id":)" + id_of(body) +
                         R"(,"error":{"code":-32601,"message":"no"}})"};
    });
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
    macf::host::SyncConfig config;
    config.journal_depth = 1;
    macf::host::ChainSync sync(rpc, config);
    EXPECT_EQ(sync.bootstrap(), 5U);
    head = 6;
    EXPECT_EQ(sync.follow().size(), 1U);
    forked = true;  // blocks 5 and 6 replaced: deeper than a journal of 1 block
    EXPECT_THROW((void)sync.follow(), macf::host::ReorgTooDeep);
}

}  // namespace

TEST(RpcClient, AnAnswerAboveTheLimitIsRefusedBeforeItIsRead) {
    // 300 MiB of valid JSON (a long hex string): above the 256 MiB limit, refused once its
    // header says so, not buffered. Beast 1.74 left the limit unchecked when it was set
    // explicitly; the limit is now also checked on the body read so far.
    const std::string huge = "\"0x" + std::string(300U << 20U, '0') + "\"";
    FakeEndpoint node([&](const std::string& body) -> FakeReply { return {200, ok(body, huge)}; });
    auto options = fast();
    options.timeout = std::chrono::milliseconds(20000);
    options.max_attempts = 1;
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), options);
    try {
        (void)rpc.call("eth_chainId");
        FAIL() << "a 300 MiB answer was taken";
    } catch (const macf::chain::TransportError& e) {
        EXPECT_NE(std::string(e.what()).find("256 MiB"), std::string::npos) << e.what();
    }
}

TEST(RpcClient, ACancelFlagStopsACallToAHungNodeAndTheRetryWaits) {
    // The node holds every request for 3 s; the call has a 10 s timeout and 5 attempts. Setting
    // the flag ends it within a fraction of a second, as Cancelled (not a retry).
    std::atomic<bool> cancel{false};
    FakeEndpoint node([](const std::string& body) -> FakeReply {
        return {200, ok(body, "\"0x1\""), std::chrono::milliseconds(3000)};
    });
    auto options = fast();
    options.timeout = std::chrono::milliseconds(10000);
    options.max_attempts = 5;
    options.cancel = &cancel;
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), options);
    EXPECT_LT(macf::test::seconds_with_cancel_after(
                  cancel, std::chrono::milliseconds(200),
                  [&] { EXPECT_THROW((void)rpc.call("eth_chainId"), macf::chain::Cancelled); }),
              0.6);
    // A cancelled client refuses further calls at once, without a request.
    const int before = node.requests();
    EXPECT_THROW((void)rpc.call("eth_chainId"), macf::chain::Cancelled);
    EXPECT_EQ(node.requests(), before);

    // A retry's back-off wait is cut short too: a node that refuses connections, 5 s waits.
    std::atomic<bool> cancel2{false};
    auto slow_retry = options;
    slow_retry.cancel = &cancel2;
    slow_retry.initial_backoff = std::chrono::milliseconds(5000);
    macf::chain::RpcClient refused(macf::chain::make_http_transport("http://127.0.0.1:1/"),
                                   slow_retry);
    EXPECT_LT(macf::test::seconds_with_cancel_after(
                  cancel2, std::chrono::milliseconds(200),
                  [&] { EXPECT_THROW((void)refused.call("eth_chainId"), macf::chain::Cancelled); }),
              0.6);
}
