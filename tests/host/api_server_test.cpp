// SPDX-License-Identifier: Apache-2.0
// The API server on 127.0.0.1 (a free port) with a scripted backend: every endpoint, the
// bearer token on control, 404/405/400/413/429 with JSON errors, malformed HTTP, and the
// WebSocket stream receiving broadcasts; the server keeps answering after each bad request.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api_client.hpp"
#include "macf/chain/json.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/service/api_server.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct FakeBackend : macf::host::ApiBackend {
    std::mutex m;
    bool synced = true;
    bool paused = false;
    macf::dex::U256 min_profit;
    std::string health_json(bool& healthy) override {
        std::lock_guard lock(m);
        healthy = synced;
        return synced ? R"({"status":"ok"})" : R"({"status":"syncing"})";
    }
    std::string metrics_text() override { return "# TYPE macf_up gauge\nmacf_up 1\n"; }
    std::string opportunities_json() override { return R"({"block":7,"opportunities":[]})"; }
    std::optional<std::string> pool_json(const macf::chain::Address& a) override {
        if (a.bytes[19] == 0x01) return std::string(R"({"kind":"uniswap_v2"})");
        return std::nullopt;
    }
    std::optional<std::string> withdrawn;
    std::optional<std::string> withdrawn_reason() override {
        std::lock_guard lock(m);
        return withdrawn;
    }
    void set_paused(bool p) override {
        std::lock_guard lock(m);
        paused = p;
    }
    void set_min_profit(const macf::dex::U256& w) override {
        std::lock_guard lock(m);
        min_profit = w;
    }
};

using macf::test::Reply;
using macf::test::request;

/// Sends raw bytes and returns the status line's code (0 when the server just closed).
unsigned raw(std::uint16_t port, const std::string& bytes) {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    boost::asio::write(stream.socket(), boost::asio::buffer(bytes));
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(stream, buffer, res, ec);
    return ec ? 0 : res.result_int();
}

macf::host::ApiConfig config(const std::string& token = "t0ken") {
    macf::host::ApiConfig c;
    c.listen = "127.0.0.1:0";
    c.token = token;
    c.max_body_bytes = 1024;
    c.rate_limit_per_s = 1000;
    c.burst = 1000;
    return c;
}

TEST(ApiServer, EndpointsAnswer) {
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    const auto port = server.port();
    auto r = request(port, http::verb::get, "/health");
    EXPECT_EQ(r.status, 200U);
    backend.synced = false;
    EXPECT_EQ(request(port, http::verb::get, "/health").status, 503U);
    r = request(port, http::verb::get, "/metrics");
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(request(port, http::verb::get, "/opportunities").body,
              R"({"block":7,"opportunities":[]})");
    EXPECT_EQ(request(port, http::verb::get, "/pools/0x" + std::string(38, '0') + "01").status,
              200U);
    r = request(port, http::verb::get, "/pools/0x" + std::string(40, '0'));
    EXPECT_EQ(r.status, 404U);
    EXPECT_EQ(macf::chain::json::parse(r.body).find("error")->text,
              "no followed pool at 0x" + std::string(40, '0'));
    EXPECT_EQ(request(port, http::verb::get, "/pools/nonsense").status, 400U);
    EXPECT_EQ(request(port, http::verb::get, "/nope").status, 404U);
    r = request(port, http::verb::post, "/health");
    EXPECT_EQ(r.status, 405U);
    EXPECT_EQ(r.header("Allow"), "GET");
}

TEST(ApiServer, ControlNeedsTheBearerToken) {
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    const auto port = server.port();
    auto r = request(port, http::verb::post, "/control/pause");
    EXPECT_EQ(r.status, 401U);
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(request(port, http::verb::post, "/control/pause", "", "wrong").status, 401U);
    EXPECT_FALSE(backend.paused);
    EXPECT_EQ(request(port, http::verb::post, "/control/pause", "", "t0ken").status, 200U);
    EXPECT_TRUE(backend.paused);
    EXPECT_EQ(request(port, http::verb::post, "/control/resume", "", "t0ken").status, 200U);
    EXPECT_FALSE(backend.paused);
    EXPECT_EQ(request(port, http::verb::get, "/control/pause", "", "t0ken").status, 405U);
    EXPECT_EQ(request(port, http::verb::put, "/control/min-profit", R"({"min_profit_wei":"12345"})",
                      "t0ken")
                  .status,
              200U);
    EXPECT_EQ(backend.min_profit, macf::dex::U256{12345});
    EXPECT_EQ(request(port, http::verb::put, "/control/min-profit", "{not json", "t0ken").status,
              400U);
    EXPECT_EQ(
        request(port, http::verb::put, "/control/min-profit", R"({"min_profit_wei":-1})", "t0ken")
            .status,
        400U);
    EXPECT_EQ(server.counters().unauthorized, 2U);

    // Without a configured token, control is refused outright.
    macf::host::ApiServer closed(config(""), backend);
    EXPECT_EQ(request(closed.port(), http::verb::post, "/control/pause", "", "anything").status,
              403U);
}

TEST(ApiServer, BadRequestsGet4xxAndTheServerGoesOn) {
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    const auto port = server.port();
    EXPECT_EQ(request(port, http::verb::put, "/control/min-profit", std::string(5000, 'x'), "t0ken")
                  .status,
              413U);
    EXPECT_EQ(raw(port, "GARBAGE\r\n\r\n"), 400U);
    EXPECT_EQ(raw(port, "GET / HTTP/1.1\r\nContent-Length: zzz\r\n\r\n"), 400U);
    EXPECT_EQ(
        raw(port, "GET /health HTTP/1.1\r\nHost: x\r\n" + std::string(20000, 'a') + "\r\n\r\n"),
        400U);
    EXPECT_EQ(request(port, http::verb::get, "/opportunities").status, 200U);
}

TEST(ApiServer, HostHeaderMustNameThisServer) {
    // A DNS-rebinding page reaches the loopback API with its own name in Host: refused.
    FakeBackend backend;
    auto c = config();
    c.allowed_hosts = {"macf.internal"};
    macf::host::ApiServer server(c, backend);
    const auto port = server.port();
    const auto get = [port](const std::string& host_line) {
        return raw(port, "GET /opportunities HTTP/1.1\r\n" + host_line + "\r\n\r\n");
    };
    EXPECT_EQ(get("Host: evil.example"), 421U);
    EXPECT_EQ(get("Host: evil.example:" + std::to_string(port)), 421U);
    EXPECT_EQ(get("Host: localhost.evil.example"), 421U);
    EXPECT_EQ(get(""), 400U);  // HTTP/1.1 requires a Host
    EXPECT_EQ(get("Host: 127.0.0.1:" + std::to_string(port)), 200U);
    EXPECT_EQ(get("Host: LOCALHOST"), 200U);
    EXPECT_EQ(get("Host: [::1]:" + std::to_string(port)), 200U);
    EXPECT_EQ(get("Host: macf.internal:" + std::to_string(port)), 200U);
    EXPECT_EQ(raw(port, "GET /opportunities HTTP/1.0\r\n\r\n"), 200U);
    // The WebSocket upgrade is checked too.
    EXPECT_EQ(raw(port,
                  "GET /stream HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n"),
              421U);
    EXPECT_TRUE(macf::host::api_host_allowed("10.0.0.7:9000", {}));
    EXPECT_FALSE(macf::host::api_host_allowed("10.0.0.7:abc", {}));
    EXPECT_FALSE(macf::host::api_host_allowed("1.2.3.4.5", {}));
    EXPECT_FALSE(macf::host::api_host_allowed("[::1", {}));
}

TEST(ApiServer, RateLimitAnswers429WithRetryAfter) {
    FakeBackend backend;
    auto c = config();
    c.rate_limit_per_s = 1;
    c.burst = 3;
    macf::host::ApiServer server(c, backend);
    unsigned ok = 0, limited = 0;
    std::string retry;
    for (int i = 0; i < 6; ++i) {
        const auto r = request(server.port(), http::verb::get, "/opportunities");
        if (r.status == 200) ++ok;
        if (r.status == 429) {
            ++limited;
            retry = r.header("Retry-After");
        }
    }
    EXPECT_EQ(ok, 3U);
    EXPECT_EQ(limited, 3U);
    EXPECT_EQ(retry, "1");
    EXPECT_EQ(server.counters().rate_limited, 3U);
}

TEST(ApiServer, StreamReceivesBroadcasts) {
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    boost::asio::io_context io;
    beast::websocket::stream<beast::tcp_stream> ws(io);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
    ws.handshake("127.0.0.1", "/stream");
    for (int i = 0; i < 200 && server.stream_clients() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(server.stream_clients(), 1U);
    server.broadcast(R"({"block":1})");
    server.broadcast(R"({"block":2})");
    beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), R"({"block":1})");
    buffer.consume(buffer.size());
    ws.read(buffer);
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), R"({"block":2})");
    ws.close(beast::websocket::close_code::normal);
    for (int i = 0; i < 200 && server.stream_clients() != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(server.stream_clients(), 0U);
    // A WebSocket anywhere else is refused.
    beast::websocket::stream<beast::tcp_stream> other(io);
    beast::get_lowest_layer(other).connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
    EXPECT_THROW(other.handshake("127.0.0.1", "/metrics"), beast::system_error);
}

TEST(ApiServer, StreamClientsCannotMakeTheServerBufferLargeMessages) {
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    boost::asio::io_context io;
    const auto connect = [&](beast::websocket::stream<beast::tcp_stream>& ws) {
        beast::get_lowest_layer(ws).connect(
            tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
        ws.handshake("127.0.0.1", "/stream");
    };
    beast::websocket::stream<beast::tcp_stream> small(io);
    beast::websocket::stream<beast::tcp_stream> large(io);
    connect(small);
    connect(large);
    for (int i = 0; i < 200 && server.stream_clients() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(server.stream_clients(), 2U);
    small.write(boost::asio::buffer(std::string(100, 'a')));  // ignored, stays open
    beast::error_code write_ec;  // the server may close it before the write ends
    large.write(boost::asio::buffer(std::string(64 * 1024, 'b')), write_ec);  // over 1 KiB
    for (int i = 0; i < 300 && server.stream_clients() != 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(server.stream_clients(), 1U);
    beast::flat_buffer buffer;
    beast::error_code ec;
    beast::get_lowest_layer(large).expires_after(std::chrono::seconds(5));
    large.read(buffer, ec);  // the server closed it (message too big)
    EXPECT_TRUE(ec) << "the large client was not closed";
    server.broadcast(R"({"block":7})");
    buffer.consume(buffer.size());
    small.read(buffer);
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), R"({"block":7})");
}

TEST(ApiServer, ListenAddressInUseIsAClearError) {
    FakeBackend backend;
    macf::host::ApiServer first(config(), backend);
    auto c = config();
    c.listen = "127.0.0.1:" + std::to_string(first.port());
    try {
        macf::host::ApiServer second(c, backend);
        FAIL() << "bound twice";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(c.listen), std::string::npos) << e.what();
    }
}

TEST(ApiServer, WithdrawnStateIsNotServed) {
    // While the service re-syncs, pools and opportunities of a chain that may no longer hold
    // them answer 503 with the reason; health and metrics still answer.
    FakeBackend backend;
    macf::host::ApiServer server(config(), backend);
    const auto port = server.port();
    const std::string pool = "/pools/0x" + std::string(38, '0') + "01";
    EXPECT_EQ(request(port, http::verb::get, pool).status, 200U);
    {
        std::lock_guard lock(backend.m);
        backend.withdrawn = "re-syncing (the chain reorganised deeper than the journal)";
    }
    auto r = request(port, http::verb::get, pool);
    EXPECT_EQ(r.status, 503U);
    EXPECT_EQ(macf::chain::json::parse(r.body).find("error")->text,
              "re-syncing (the chain reorganised deeper than the journal)");
    EXPECT_EQ(request(port, http::verb::get, "/opportunities").status, 503U);
    EXPECT_EQ(request(port, http::verb::get, "/metrics").status, 200U);
}

/// An open TCP connection to the server that has sent nothing.
struct IdleConnection {
    boost::asio::io_context io;
    tcp::socket socket{io};
    IdleConnection() { socket.open(tcp::v4()); }  // the descriptor, not connected yet
    explicit IdleConnection(std::uint16_t port) : IdleConnection() { connect(port); }
    void connect(std::uint16_t port) {
        socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    }
};

TEST(ApiServer, ConnectionsAboveTheCapAreRefusedWith503) {
    FakeBackend backend;
    auto c = config();
    c.max_connections = 3;
    macf::host::ApiServer server(c, backend);
    const auto port = server.port();
    EXPECT_EQ(server.max_connections(), 3U);
    std::vector<std::unique_ptr<IdleConnection>> idle;
    for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<IdleConnection>(port));
    for (int i = 0; i < 200 && server.open_connections() < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(server.open_connections(), 3U);
    const auto refused = request(port, http::verb::get, "/health");
    EXPECT_EQ(refused.status, 503U);
    EXPECT_EQ(refused.header("Retry-After"), "1");
    EXPECT_EQ(macf::chain::json::parse(refused.body).find("error")->text,
              "too many open connections");
    EXPECT_EQ(server.counters().refused_connections, 1U);
    idle.pop_back();  // a place frees when a connection closes
    for (int i = 0; i < 200 && server.open_connections() > 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(request(port, http::verb::get, "/health").status, 200U);
}

TEST(ApiServer, RunningOutOfDescriptorsPausesAcceptingInsteadOfSpinning) {
    // The soft descriptor limit lowered to what is open now plus a few: connections beyond it
    // fail in accept (EMFILE). The server retries every 100 ms (not in a loop at full speed),
    // and answers again once descriptors are free.
    FakeBackend backend;
    auto c = config();
    c.max_connections = 100000;  // the cap must not be what stops them
    macf::host::ApiServer server(c, backend);
    const auto port = server.port();
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    std::vector<std::unique_ptr<IdleConnection>> idle;
    for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<IdleConnection>(port));
    int highest = 0;  // the highest descriptor open now
    for (int fd = 0; fd < 65536; ++fd)
        if (fcntl(fd, F_GETFD) != -1) highest = fd;
    // The clients' descriptors exist before the limit drops; the server's side of each new
    // connection is one descriptor more than the limit allows.
    std::vector<std::unique_ptr<IdleConnection>> more;
    for (int i = 0; i < 3; ++i) more.push_back(std::make_unique<IdleConnection>());
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(highest + 16);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;  // every descriptor left under the limit taken
    for (int fd = dup(0); fd != -1; fd = dup(0)) fillers.push_back(fd);
    for (auto& connection : more) connection->connect(port);  // queued in the backlog
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const auto failures = server.counters().accept_failures;
    for (const int fd : fillers) close(fd);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
    EXPECT_GE(failures, 1U) << "no accept failed: the limit did not bite";
    EXPECT_LE(failures, 15U) << "accept retried in a loop instead of every 100 ms";
    more.clear();
    idle.clear();
    EXPECT_EQ(request(port, http::verb::get, "/health").status, 200U);
}

}  // namespace
