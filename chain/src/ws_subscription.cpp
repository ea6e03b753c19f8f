// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/ws_subscription.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

#include "macf/chain/url_redact.hpp"

namespace macf::chain {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;

struct WsUrl {
    bool tls = false;
    std::string host, port, target;
};

WsUrl parse_ws_url(const std::string& url) {
    WsUrl u;
    std::string rest;
    if (url.rfind("ws://", 0) == 0) {
        rest = url.substr(5);
    } else if (url.rfind("wss://", 0) == 0) {
        rest = url.substr(6);
        u.tls = true;
    } else {
        throw std::invalid_argument("WebSocket URL '" + redact_url(url) +
                                    "': expected ws:// or wss://");
    }
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    u.host = colon == std::string::npos ? authority : authority.substr(0, colon);
    u.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    if (u.host.empty() || u.port.empty() ||
        u.port.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("WebSocket URL '" + redact_url(url) +
                                    "' is not ws://HOST[:PORT][/PATH]");
    }
    return u;
}

}  // namespace

struct WsSubscription::Impl {
    std::string url;
    WsUrl parts;
    std::chrono::milliseconds timeout;
    asio::io_context io;
    using PlainWs = websocket::stream<beast::tcp_stream>;
    using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
    std::unique_ptr<PlainWs> plain;
    std::unique_ptr<TlsWs> tls;
    ssl::context ctx{ssl::context::tls_client};

    bool open() const noexcept { return plain || tls; }
    void reset() noexcept {
        plain.reset();
        tls.reset();
    }
    /// Calls `f` with the open stream, plain or TLS.
    template <class F>
    void with(F&& f) {
        if (tls) {
            f(*tls);
        } else {
            f(*plain);
        }
    }
    beast::flat_buffer buffer;
    bool reading = false;    // an async_read is pending
    bool read_done = false;  // it completed
    boost::system::error_code read_error;
    std::deque<Notification> queued;
    std::uint64_t next_id = 1;
    const std::atomic<bool>* cancel = nullptr;  // set: every wait below ends within 50 ms

    bool cancelled() const noexcept { return cancel != nullptr && cancel->load(); }

    /// Closes the connection under a pending operation, lets it complete and throws Cancelled.
    [[noreturn]] void abandon() {
        boost::system::error_code ignored;
        with([&](auto& w) { beast::get_lowest_layer(w).socket().close(ignored); });
        io.restart();
        io.poll();
        reset();
        reading = false;
        throw Cancelled(redact_url(url) + ": cancelled (stopping)");
    }

    /// Runs handlers until `done` is set or `deadline` passes, in slices of at most 50 ms so
    /// that a set cancel flag is seen (then abandon()). False when the deadline passed first,
    /// or when no work is left that could set `done`.
    bool run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
        constexpr auto kSlice = std::chrono::milliseconds(50);
        io.restart();
        while (!done) {
            if (cancelled()) abandon();
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) return false;
            if (io.run_one_for(std::min<std::chrono::steady_clock::duration>(left, kSlice)) == 0 &&
                io.stopped()) {
                return done;  // nothing pending: waiting longer would only spin
            }
        }
        return true;
    }

    [[noreturn]] void lost(const std::string& what) {
        reset();
        reading = false;
        throw TransportError(redact_url(url) + ": " + what);
    }

    void start_read() {
        if (reading) return;
        reading = true;
        read_done = false;
        buffer.clear();
        with([this](auto& w) {
            w.async_read(buffer, [this](const boost::system::error_code& ec, std::size_t) {
                read_done = true;
                read_error = ec;
            });
        });
    }

    /// Waits up to `wait` for one message; its text, or nullopt on timeout.
    std::optional<std::string> read_message(std::chrono::milliseconds wait) {
        if (!open()) throw TransportError(redact_url(url) + ": not connected");
        start_read();
        // Handlers run one at a time until the read completes, so a message is returned as soon
        // as it arrives even while other work (the stream's timers) is pending.
        if (!run_until(read_done, std::chrono::steady_clock::now() + wait)) return std::nullopt;
        reading = false;
        if (read_error) lost(read_error.message());
        return beast::buffers_to_string(buffer.data());
    }

    /// Parses a message; a notification is returned, a response is returned as nullopt with
    /// `response` set.
    std::optional<Notification> classify(const std::string& text,
                                         std::optional<json::Value>& response) {
        json::Value v;
        try {
            v = json::parse(text);
        } catch (const std::exception& e) {
            throw MalformedResponse(std::string("a WebSocket message is not JSON: ") + e.what());
        }
        const json::Value* method = v.find("method");
        if (method != nullptr && method->text == "eth_subscription") {
            const json::Value* params = v.find("params");
            const json::Value* sub = params ? params->find("subscription") : nullptr;
            if (params == nullptr || sub == nullptr || sub->type != json::Value::Type::kString ||
                params->find("result") == nullptr) {
                throw MalformedResponse(
                    "a subscription notification without subscription and result");
            }
            Notification n;
            n.subscription = sub->text;
            for (auto& [k, val] : v.fields) {
                if (k != "params") continue;
                for (auto& [pk, pv] : val.fields) {
                    if (pk == "result") n.result = std::move(pv);
                }
            }
            return n;
        }
        response = std::move(v);
        return std::nullopt;
    }
};

WsSubscription::WsSubscription(std::string url, std::chrono::milliseconds timeout,
                               const TlsOptions& tls)
    : impl_(std::make_unique<Impl>()) {
    impl_->url = std::move(url);
    impl_->parts = parse_ws_url(impl_->url);
    impl_->timeout = timeout;
    if (impl_->parts.tls) {
        impl_->ctx.set_verify_mode(ssl::verify_peer);
        if (tls.ca_file.empty()) {
            impl_->ctx.set_default_verify_paths();
        } else {
            boost::system::error_code ec;
            impl_->ctx.load_verify_file(tls.ca_file, ec);
            if (ec) throw std::invalid_argument("CA file '" + tls.ca_file + "': " + ec.message());
        }
    }
}

WsSubscription::~WsSubscription() { close(); }

bool WsSubscription::connected() const noexcept { return impl_->open(); }

void WsSubscription::set_cancel_flag(const std::atomic<bool>* flag) noexcept {
    impl_->cancel = flag;
}

void WsSubscription::close() noexcept {
    if (!impl_->open()) return;
    boost::system::error_code ec;
    impl_->with([&](auto& w) { beast::get_lowest_layer(w).socket().close(ec); });
    impl_->io.restart();
    impl_->io.poll();
    impl_->reset();
    impl_->reading = false;
    impl_->queued.clear();
}

void WsSubscription::connect() {
    close();
    Impl& s = *impl_;
    if (s.parts.tls) {
        s.tls = std::make_unique<Impl::TlsWs>(s.io, s.ctx);
    } else {
        s.plain = std::make_unique<Impl::PlainWs>(s.io);
    }
    boost::system::error_code ec;
    bool done = false;
    // Each step is bounded by the connection's timeout and ends within 50 ms of a cancel.
    const auto step = [&] {
        const bool finished = s.run_until(done, std::chrono::steady_clock::now() + s.timeout);
        done = false;
        return finished;
    };
    try {
        asio::ip::tcp::resolver resolver(s.io);
        const auto endpoints = resolver.resolve(s.parts.host, s.parts.port);
        s.with([&](auto& w) {
            beast::get_lowest_layer(w).expires_after(s.timeout);
            beast::get_lowest_layer(w).async_connect(
                endpoints, [&](const boost::system::error_code& e, const asio::ip::tcp::endpoint&) {
                    ec = e;
                    done = true;
                });
        });
        if (!step()) s.lost("connect: timed out");
        if (ec) s.lost("connect: " + ec.message());
        s.with([](auto& w) {  // see http_transport.cpp: no Nagle delay on small messages
            boost::system::error_code ignored;
            beast::get_lowest_layer(w).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
        });
        if (s.tls) {
            auto& layer = s.tls->next_layer();
            if (!SSL_set_tlsext_host_name(layer.native_handle(), s.parts.host.c_str())) {
                s.lost("cannot set the TLS server name");
            }
            layer.set_verify_callback(ssl::host_name_verification(s.parts.host));
            layer.async_handshake(ssl::stream_base::client,
                                  [&](const boost::system::error_code& e) {
                                      ec = e;
                                      done = true;
                                  });
            if (!step()) s.lost("TLS handshake timed out");
            if (ec) s.lost("TLS handshake failed: " + ec.message());
        }
        s.with([&](auto& w) {
            beast::get_lowest_layer(w).expires_never();
            w.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
            w.async_handshake(s.parts.host + ":" + s.parts.port, s.parts.target,
                              [&](const boost::system::error_code& e) {
                                  ec = e;
                                  done = true;
                              });
        });
        if (!step()) s.lost("handshake: timed out");
        if (ec) s.lost("handshake: " + ec.message());
    } catch (const boost::system::system_error& e) {
        s.lost(e.code().message());
    }
}

std::string WsSubscription::subscribe(const std::string& params) {
    const std::uint64_t id = impl_->next_id++;
    const std::string text = request("{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) +
                                     ",\"method\":\"eth_subscribe\",\"params\":" + params + "}");
    json::Value response;
    try {
        response = json::parse(text);
    } catch (const std::exception& e) {
        throw MalformedResponse(std::string("the answer to eth_subscribe is not JSON: ") +
                                e.what());
    }
    const json::Value* rid = response.find("id");
    if (rid == nullptr || rid->text != std::to_string(id)) {
        throw MalformedResponse("the answer to eth_subscribe carries another id");
    }
    if (const json::Value* err = response.find("error")) {
        const json::Value* msg = err->find("message");
        throw RpcError(-1, msg != nullptr ? msg->text : "eth_subscribe failed");
    }
    const json::Value* result = response.find("result");
    if (result == nullptr || result->type != json::Value::Type::kString) {
        throw MalformedResponse("eth_subscribe answered without a subscription id");
    }
    return result->text;
}

std::string WsSubscription::request(const std::string& body) {
    Impl& s = *impl_;
    if (!s.open()) throw TransportError(redact_url(s.url) + ": not connected");
    boost::system::error_code ec;
    bool written = false;
    s.with([&](auto& w) {
        w.async_write(asio::buffer(body), [&](const boost::system::error_code& e, std::size_t) {
            ec = e;
            written = true;
        });
    });
    const auto deadline = std::chrono::steady_clock::now() + s.timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            s.lost("timed out after " + std::to_string(s.timeout.count()) + " ms");
        }
        const auto text = s.read_message(left);
        if (written && ec) s.lost("write: " + ec.message());
        if (!text) continue;
        if (text->find("\"eth_subscription\"") != std::string::npos) {
            std::optional<json::Value> response;
            if (auto n = s.classify(*text, response)) {
                s.queued.push_back(std::move(*n));
                continue;
            }
        }
        return *text;
    }
}

std::optional<Notification> WsSubscription::next(std::chrono::milliseconds wait) {
    Impl& s = *impl_;
    if (!s.queued.empty()) {
        Notification n = std::move(s.queued.front());
        s.queued.pop_front();
        return n;
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        const auto text = s.read_message(left);
        if (!text) return std::nullopt;
        std::optional<json::Value> response;
        if (auto n = s.classify(*text, response)) return n;
    }
}

namespace {

class WsTransport final : public Transport {
  public:
    WsTransport(const std::string& url, TlsOptions tls) : url_(url), tls_(std::move(tls)) {}
    std::string post(const std::string& body, std::chrono::milliseconds timeout) override {
        // The flag is checked before the request and every 50 ms while connecting or waiting
        // for the answer (the connection is closed under a cancelled call).
        if (cancelled()) throw Cancelled(redact_url(url_) + ": cancelled (stopping)");
        if (!ws_ || timeout != timeout_) {
            ws_ = std::make_unique<WsSubscription>(url_, timeout, tls_);
            timeout_ = timeout;
        }
        ws_->set_cancel_flag(cancel_flag());
        try {
            if (!ws_->connected()) ws_->connect();
            return ws_->request(body);
        } catch (const TransportError&) {
            ws_->close();
            throw;
        }
    }
    std::string describe() const override { return redact_url(url_); }

  private:
    std::string url_;
    TlsOptions tls_;
    std::chrono::milliseconds timeout_{0};
    std::unique_ptr<WsSubscription> ws_;
};

}  // namespace

std::unique_ptr<Transport> make_ws_transport(const std::string& url, const TlsOptions& tls) {
    (void)parse_ws_url(url);  // refuse a bad URL at once
    return std::make_unique<WsTransport>(url, tls);
}

std::unique_ptr<Transport> make_transport(const std::string& url, const TlsOptions& tls) {
    const bool websocket = url.rfind("ws://", 0) == 0 || url.rfind("wss://", 0) == 0;
    return websocket ? make_ws_transport(url, tls) : make_http_transport(url, tls);
}

}  // namespace macf::chain
