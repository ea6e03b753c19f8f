// SPDX-License-Identifier: Apache-2.0
// HTTPS endpoints: a local TLS server with a certificate made for the test (openssl from
// Debian). Trusted through the CA file, the call succeeds; against the system's trust store,
// or under another host name, the handshake is refused with a clear error.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "macf/chain/rpc_client.hpp"
#include "macf/chain/ws_subscription.hpp"

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;

class TlsEndpoint {
  public:
    TlsEndpoint(const std::string& cert, const std::string& key)
        : ctx_(ssl::context::tls_server), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        ctx_.use_certificate_chain_file(cert);
        ctx_.use_private_key_file(key, ssl::context::pem);
        thread_ = std::thread([this] { serve(); });
    }
    ~TlsEndpoint() {
        stop_ = true;
        boost::system::error_code ec;
        asio::ip::tcp::socket s(io_);
        s.connect(acceptor_.local_endpoint(), ec);
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// Answers over WebSocket (wss://) instead of HTTPS.
    void use_websocket() { websocket_ = true; }

  private:
    void serve_websocket(boost::beast::ssl_stream<asio::ip::tcp::socket>&& tls) {
        boost::beast::websocket::stream<boost::beast::ssl_stream<asio::ip::tcp::socket>> ws(
            std::move(tls));
        boost::system::error_code ec;
        ws.accept(ec);
        while (!ec) {
            boost::beast::flat_buffer buffer;
            ws.read(buffer, ec);
            if (ec) break;
            const std::string body = boost::beast::buffers_to_string(buffer.data());
            const auto at = body.find("\"id\":") + 5;
            const std::string id = body.substr(at, body.find(',', at) - at);
            ws.write(asio::buffer(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":"0x7a69"})"), ec);
        }
    }

    void serve() {
        while (!stop_) {
            asio::ip::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stop_) return;
            boost::beast::ssl_stream<asio::ip::tcp::socket> tls(std::move(socket), ctx_);
            tls.handshake(ssl::stream_base::server, ec);
            if (ec) continue;  // the client refused our certificate
            if (websocket_) {
                serve_websocket(std::move(tls));
                continue;
            }
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> req;
            http::read(tls, buffer, req, ec);
            if (ec) continue;
            const auto at = req.body().find("\"id\":") + 5;
            const std::string id = req.body().substr(at, req.body().find(',', at) - at);
            http::response<http::string_body> res{http::status::ok, 11};
            res.set(http::field::content_type, "application/json");
            res.keep_alive(false);
            res.body() = R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":"0x7a69"})";
            res.prepare_payload();
            http::write(tls, res, ec);
            tls.shutdown(ec);
        }
    }

    asio::io_context io_;
    ssl::context ctx_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> websocket_{false};
};

TEST(Tls, VerifiedHttpsCallsAndRefusedCertificates) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("macf-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string();
    const std::string key = (dir / "key.pem").string();
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost -keyout '" +
        key + "' -out '" + cert + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
        GTEST_SKIP() << "openssl (Debian package openssl) is not available";
    TlsEndpoint server(cert, key);
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
    macf::chain::RpcOptions fast;
    fast.timeout = std::chrono::milliseconds(2000);
    fast.max_attempts = 1;
    macf::chain::RpcClient trusted(macf::chain::make_http_transport(url, {cert}), fast);
    EXPECT_EQ(trusted.call("eth_chainId").text, "0x7a69");
    // The system's trust store does not know the test CA.
    macf::chain::RpcClient untrusted(macf::chain::make_http_transport(url), fast);
    try {
        (void)untrusted.call("eth_chainId");
        ADD_FAILURE() << "an unknown certificate was accepted";
    } catch (const macf::chain::TransportError& e) {
        EXPECT_NE(std::string(e.what()).find("TLS handshake failed"), std::string::npos)
            << e.what();
    }
    // A certificate for "localhost" does not do for 127.0.0.1.
    macf::chain::RpcClient wrong_name(
        macf::chain::make_http_transport("https://127.0.0.1:" + std::to_string(server.port()) + "/",
                                         {cert}),
        fast);
    EXPECT_THROW((void)wrong_name.call("eth_chainId"), macf::chain::TransportError);
    EXPECT_THROW((void)macf::chain::make_http_transport(url, {(dir / "missing.pem").string()}),
                 std::invalid_argument);
    // The same over wss://.
    server.use_websocket();
    const std::string wss = "wss://localhost:" + std::to_string(server.port()) + "/";
    {
        macf::chain::RpcClient over_wss(macf::chain::make_ws_transport(wss, {cert}), fast);
        EXPECT_EQ(over_wss.call("eth_chainId").text, "0x7a69");
    }  // closed: the test server serves one connection at a time
    macf::chain::RpcClient wss_untrusted(macf::chain::make_ws_transport(wss), fast);
    try {
        (void)wss_untrusted.call("eth_chainId");
        ADD_FAILURE() << "an unknown certificate was accepted over wss";
    } catch (const macf::chain::TransportError& e) {
        EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos)
            << e.what();
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
