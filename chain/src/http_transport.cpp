// SPDX-License-Identifier: Apache-2.0
// JSON-RPC over HTTP/1.1 with Boost.Beast: one kept-alive connection, every step (resolve,
// connect, write, read) bounded by the call's deadline (asynchronous operations run to
// completion: Beast's timeouts apply to those only), the connection dropped after an error.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "macf/chain/rpc_client.hpp"

namespace macf::chain {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Url {
    std::string host;
    std::string port;
    std::string target;
};

Url parse_url(const std::string& url) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        throw std::invalid_argument("RPC URL '" + url +
                                    "': only http:// is supported (no TLS in this version)");
    }
    const std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    Url u;
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    u.host = colon == std::string::npos ? authority : authority.substr(0, colon);
    u.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    if (u.host.empty() || u.port.empty() ||
        u.port.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("RPC URL '" + url + "' is not http://HOST[:PORT][/PATH]");
    }
    return u;
}

class HttpTransport final : public Transport {
  public:
    explicit HttpTransport(const std::string& url) : url_(url), parts_(parse_url(url)) {}

    std::string post(const std::string& body, std::chrono::milliseconds timeout) override {
        try {
            return exchange(body, timeout);
        } catch (const TransportError&) {
            stream_.reset();
            throw;
        } catch (const boost::system::system_error& e) {
            stream_.reset();
            const bool timed_out = e.code() == beast::error::timeout;
            throw TransportError(url_ + ": " +
                                 (timed_out
                                      ? "timed out after " + std::to_string(timeout.count()) + " ms"
                                      : e.code().message()));
        }
    }

    std::string describe() const override { return url_; }

  private:
    /// Runs the queued asynchronous operation to completion (the stream's deadline bounds it:
    /// Beast enforces tcp_stream timeouts only on asynchronous operations).
    void run() {
        io_.restart();
        io_.run();
    }

    static void check(const boost::system::error_code& ec) {
        if (ec) throw boost::system::system_error(ec);
    }

    std::string exchange(const std::string& body, std::chrono::milliseconds timeout) {
        boost::system::error_code ec;
        if (!stream_) {
            stream_.emplace(io_);
            asio::ip::tcp::resolver resolver(io_);
            const auto endpoints = resolver.resolve(parts_.host, parts_.port);
            stream_->expires_after(timeout);
            stream_->async_connect(endpoints, [&](const boost::system::error_code& e,
                                                  const asio::ip::tcp::endpoint&) { ec = e; });
            run();
            check(ec);
        }
        http::request<http::string_body> req{http::verb::post, parts_.target, 11};
        req.set(http::field::host, parts_.host + ":" + parts_.port);
        req.set(http::field::content_type, "application/json");
        req.set(http::field::user_agent, "macf");
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        stream_->expires_after(timeout);  // one deadline for writing and reading
        http::async_write(*stream_, req,
                          [&](const boost::system::error_code& e, std::size_t) { ec = e; });
        run();
        check(ec);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(256U * 1024U * 1024U);  // a huge answer is an error, not an OOM
        http::async_read(*stream_, buffer, parser,
                         [&](const boost::system::error_code& e, std::size_t) { ec = e; });
        run();
        check(ec);
        auto res = parser.release();
        if (!res.keep_alive()) stream_.reset();
        if (res.result() != http::status::ok) {
            const int status = static_cast<int>(res.result_int());
            throw TransportError(
                url_ + ": HTTP " + std::to_string(status) + " " + std::string(res.reason()),
                status);
        }
        return std::move(res.body());
    }

    std::string url_;
    Url parts_;
    asio::io_context io_;
    std::optional<beast::tcp_stream> stream_;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& url) {
    return std::make_unique<HttpTransport>(url);
}

}  // namespace macf::chain
