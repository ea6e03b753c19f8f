// SPDX-License-Identifier: Apache-2.0
// JSON-RPC over HTTP/1.1 or HTTPS with Boost.Beast: one kept-alive connection, every step
// (resolve, connect, TLS handshake, write, read) bounded by the call's deadline (asynchronous
// operations run to completion: Beast's timeouts apply to those only), the connection dropped
// after an error. HTTPS verifies the server's certificate and host name (the system's trust
// store, or the CA file given). The operations run in 50 ms slices so that a set cancel flag
// closes the socket under a call to a hung node. Answers are bounded (kMaxRpcAnswerBytes): the
// header is read first and its Content-Length checked, then the body piece by piece (Beast
// 1.74's eager read let a response body run past the parser's limit).

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "macf/chain/rpc_client.hpp"
#include "macf/chain/url_redact.hpp"

namespace macf::chain {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

struct Url {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;
};

Url parse_url(const std::string& url) {
    Url u;
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
        u.tls = true;
    } else {
        throw std::invalid_argument("RPC URL '" + redact_url(url) +
                                    "': expected http:// or https://");
    }
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    u.host = colon == std::string::npos ? authority : authority.substr(0, colon);
    u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : authority.substr(colon + 1);
    if (u.host.empty() || u.port.empty() ||
        u.port.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("RPC URL '" + redact_url(url) +
                                    "' is not http(s)://HOST[:PORT][/PATH]");
    }
    return u;
}

class HttpTransport final : public Transport {
  public:
    HttpTransport(const std::string& url, const TlsOptions& tls, RequestHeaders headers)
        : url_(redact_url(url)),
          parts_(parse_url(url)),
          ctx_(ssl::context::tls_client),
          headers_(std::move(headers)) {
        if (parts_.tls) {
            ctx_.set_verify_mode(ssl::verify_peer);
            if (tls.ca_file.empty()) {
                ctx_.set_default_verify_paths();
            } else {
                boost::system::error_code ec;
                ctx_.load_verify_file(tls.ca_file, ec);
                if (ec) {
                    throw std::invalid_argument("CA file '" + tls.ca_file + "': " + ec.message());
                }
            }
        }
    }

    std::string post(const std::string& body, std::chrono::milliseconds timeout) override {
        if (cancelled()) throw Cancelled(url_ + ": cancelled (stopping)");
        try {
            return parts_.tls ? exchange(tls_stream(timeout), body, timeout)
                              : exchange(plain_stream(timeout), body, timeout);
        } catch (const TransportError&) {
            reset();
            throw;
        } catch (const Cancelled&) {
            reset();
            throw;
        } catch (const boost::system::system_error& e) {
            reset();
            const bool timed_out = e.code() == beast::error::timeout;
            throw TransportError(url_ + ": " +
                                 (timed_out
                                      ? "timed out after " + std::to_string(timeout.count()) + " ms"
                                      : e.code().message()));
        }
    }

    std::string describe() const override { return url_; }

  private:
    void reset() {
        plain_.reset();
        tls_.reset();
    }

    /// Runs the queued asynchronous operation to completion, bounded by the stream's deadline;
    /// when the cancel flag is set meanwhile, closes the connection under it and throws
    /// Cancelled.
    void run() {
        io_.restart();
        while (!io_.stopped()) {
            io_.run_for(std::chrono::milliseconds(50));
            if (!io_.stopped() && cancelled()) {
                boost::system::error_code ignored;
                if (plain_) plain_->socket().close(ignored);
                if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
                io_.run();  // the aborted operation completes
                throw Cancelled(url_ + ": cancelled (stopping)");
            }
        }
    }

    static void check(const boost::system::error_code& ec) {
        if (ec) throw boost::system::system_error(ec);
    }

    void connect(beast::tcp_stream& tcp, std::chrono::milliseconds timeout) {
        asio::ip::tcp::resolver resolver(io_);
        const auto endpoints = resolver.resolve(parts_.host, parts_.port);
        boost::system::error_code ec;
        tcp.expires_after(timeout);
        tcp.async_connect(endpoints, [&](const boost::system::error_code& e,
                                         const asio::ip::tcp::endpoint&) { ec = e; });
        run();
        check(ec);
        // Small requests go out at once rather than waiting on Nagle's algorithm.
        boost::system::error_code ignored;
        tcp.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    }

    beast::tcp_stream& plain_stream(std::chrono::milliseconds timeout) {
        if (!plain_) {
            plain_.emplace(io_);
            connect(*plain_, timeout);
        }
        return *plain_;
    }

    beast::ssl_stream<beast::tcp_stream>& tls_stream(std::chrono::milliseconds timeout) {
        if (!tls_) {
            tls_.emplace(io_, ctx_);
            if (!SSL_set_tlsext_host_name(tls_->native_handle(), parts_.host.c_str())) {
                throw TransportError(url_ + ": cannot set the TLS server name");
            }
            tls_->set_verify_callback(ssl::host_name_verification(parts_.host));
            connect(beast::get_lowest_layer(*tls_), timeout);
            boost::system::error_code ec;
            beast::get_lowest_layer(*tls_).expires_after(timeout);
            tls_->async_handshake(ssl::stream_base::client,
                                  [&](const boost::system::error_code& e) { ec = e; });
            run();
            if (ec) {
                throw TransportError(url_ + ": TLS handshake failed: " + ec.message());
            }
        }
        return *tls_;
    }

    template <class Stream>
    std::string exchange(Stream& stream, const std::string& body,
                         std::chrono::milliseconds timeout) {
        http::request<http::string_body> req{http::verb::post, parts_.target, 11};
        req.set(http::field::host, parts_.host + ":" + parts_.port);
        req.set(http::field::content_type, "application/json");
        req.set(http::field::user_agent, "macf");
        if (headers_)
            for (const auto& [name, value] : headers_(body)) req.set(name, value);
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        boost::system::error_code ec;
        beast::get_lowest_layer(stream).expires_after(timeout);  // one deadline: write + read
        http::async_write(stream, req,
                          [&](const boost::system::error_code& e, std::size_t) { ec = e; });
        run();
        check(ec);
        auto res = read_answer(stream);
        if (res.result() != http::status::ok) {
            const int status = static_cast<int>(res.result_int());
            throw TransportError(
                url_ + ": HTTP " + std::to_string(status) + " " + std::string(res.reason()),
                status);
        }
        return std::move(res.body());
    }

    /// Reads one response no larger than kMaxRpcAnswerBytes: the header, its Content-Length
    /// checked, then the body one read at a time with its size checked after each.
    template <class Stream>
    http::response<http::string_body> read_answer(Stream& stream) {
        const std::string too_large = url_ + ": the answer is above the " +
                                      std::to_string(kMaxRpcAnswerBytes >> 20U) + " MiB limit";
        boost::system::error_code ec;
        const auto done = [&](const boost::system::error_code& e, std::size_t) { ec = e; };
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxRpcAnswerBytes);
        http::async_read_header(stream, buffer, parser, done);
        run();
        if (ec == http::error::body_limit) throw TransportError(too_large);
        check(ec);
        if (const auto length = parser.content_length(); length && *length > kMaxRpcAnswerBytes)
            throw TransportError(too_large + " (Content-Length " + std::to_string(*length) + ")");
        while (!parser.is_done()) {
            http::async_read_some(stream, buffer, parser, done);
            run();
            if (ec == http::error::body_limit) throw TransportError(too_large);
            check(ec);
            if (parser.get().body().size() > kMaxRpcAnswerBytes) throw TransportError(too_large);
        }
        auto res = parser.release();
        if (!res.keep_alive()) reset();
        return res;
    }

    std::string url_;
    Url parts_;
    asio::io_context io_;
    ssl::context ctx_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    RequestHeaders headers_;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& url, const TlsOptions& tls) {
    return std::make_unique<HttpTransport>(url, tls, RequestHeaders{});
}

std::unique_ptr<Transport> make_http_transport(const std::string& url, const TlsOptions& tls,
                                               RequestHeaders headers) {
    return std::make_unique<HttpTransport>(url, tls, std::move(headers));
}

}  // namespace macf::chain
