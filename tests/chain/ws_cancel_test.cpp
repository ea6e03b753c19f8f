// SPDX-License-Identifier: Apache-2.0
// A ws:// JSON-RPC endpoint that hangs (before the WebSocket handshake, or after reading a
// request) must not hold a stopping process: the cancel flag ends the call within a fraction
// of a second, as Cancelled, however long the call's timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <thread>

#include "cancel_after.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/chain/ws_subscription.hpp"

namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

/// Accepts one connection on 127.0.0.1 and holds it: with `handshake`, completes the WebSocket
/// handshake and reads one message first; never answers. Ends when told to, or after 10 s.
class HungWsNode {
  public:
    explicit HungWsNode(bool handshake) : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this, handshake] {
            // Accepting polls, so that a test that never connects still ends.
            boost::system::error_code ec;
            asio::ip::tcp::socket socket(io_);
            acceptor_.non_blocking(true);
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            do {
                acceptor_.accept(socket, ec);
                if (ec == asio::error::would_block) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            } while (ec == asio::error::would_block && !done_.load() &&
                     std::chrono::steady_clock::now() < end);
            if (ec) return;
            socket.non_blocking(false);
            if (handshake) {
                websocket::stream<asio::ip::tcp::socket> ws(std::move(socket));
                ws.accept(ec);
                boost::beast::flat_buffer buffer;
                if (!ec) ws.read(buffer, ec);
                read_ = !ec;
                hold();
            } else {
                hold();
            }
        });
    }
    ~HungWsNode() {
        done_ = true;
        thread_.join();
    }
    HungWsNode(const HungWsNode&) = delete;
    HungWsNode& operator=(const HungWsNode&) = delete;

    /// The endpoint's ws:// URL.
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
    }
    /// True when a request was read (handshake mode).
    bool read_request() const { return read_.load(); }

  private:
    void hold() const {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done_.load() && std::chrono::steady_clock::now() < end) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> done_{false};
    std::atomic<bool> read_{false};
    std::thread thread_;
};

/// Seconds an eth_chainId call to `url` takes to throw Cancelled when the flag is set 200 ms in
/// (the call's timeout is 10 s).
double seconds_to_cancel(const std::string& url) {
    std::atomic<bool> cancel{false};
    macf::chain::RpcOptions options;
    options.timeout = std::chrono::milliseconds(10000);
    options.max_attempts = 3;
    options.cancel = &cancel;
    macf::chain::RpcClient rpc(macf::chain::make_ws_transport(url), options);
    return macf::test::seconds_with_cancel_after(cancel, std::chrono::milliseconds(200), [&] {
        EXPECT_THROW((void)rpc.call("eth_chainId"), macf::chain::Cancelled);
    });
}

TEST(WsCancel, ACancelFlagStopsACallWhoseAnswerNeverComes) {
    HungWsNode node(/*handshake=*/true);
    EXPECT_LT(seconds_to_cancel(node.url()), 0.6);
    EXPECT_TRUE(node.read_request());
}

TEST(WsCancel, ACancelFlagStopsAHandshakeThatNeverCompletes) {
    HungWsNode node(/*handshake=*/false);
    EXPECT_LT(seconds_to_cancel(node.url()), 0.6);
}

TEST(WsCancel, ASubscriptionWaitingForNotificationsIsCancelled) {
    // next() with a 10 s wait throws Cancelled within a slice of the flag being set, and the
    // connection is closed.
    HungWsNode node(/*handshake=*/true);
    std::atomic<bool> cancel{false};
    macf::chain::WsSubscription ws(node.url(), std::chrono::milliseconds(10000));
    ws.set_cancel_flag(&cancel);
    ws.connect();
    EXPECT_LT(
        macf::test::seconds_with_cancel_after(
            cancel, std::chrono::milliseconds(200),
            [&] { EXPECT_THROW((void)ws.next(std::chrono::seconds(10)), macf::chain::Cancelled); }),
        0.6);
    EXPECT_FALSE(ws.connected());
}

}  // namespace
