// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/ws_subscription.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace macf::chain {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsUrl {
    std::string host, port, target;
};

WsUrl parse_ws_url(const std::string& url) {
    const std::string scheme = "ws://";
    if (url.rfind(scheme, 0) != 0) {
        throw std::invalid_argument("WebSocket URL '" + url + "': only ws:// is supported");
    }
    const std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    WsUrl u;
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    u.host = colon == std::string::npos ? authority : authority.substr(0, colon);
    u.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    if (u.host.empty() || u.port.empty() ||
        u.port.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("WebSocket URL '" + url + "' is not ws://HOST[:PORT][/PATH]");
    }
    return u;
}

}  // namespace

struct WsSubscription::Impl {
    std::string url;
    WsUrl parts;
    std::chrono::milliseconds timeout;
    asio::io_context io;
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
    beast::flat_buffer buffer;
    bool reading = false;    // an async_read is pending
    bool read_done = false;  // it completed
    boost::system::error_code read_error;
    std::deque<Notification> queued;
    std::uint64_t next_id = 1;

    [[noreturn]] void lost(const std::string& what) {
        ws.reset();
        reading = false;
        throw TransportError(url + ": " + what);
    }

    void start_read() {
        if (reading) return;
        reading = true;
        read_done = false;
        buffer.clear();
        ws->async_read(buffer, [this](const boost::system::error_code& ec, std::size_t) {
            read_done = true;
            read_error = ec;
        });
    }

    /// Waits up to `wait` for one message; its text, or nullopt on timeout.
    std::optional<std::string> read_message(std::chrono::milliseconds wait) {
        if (!ws) throw TransportError(url + ": not connected");
        start_read();
        io.restart();
        io.run_for(wait);
        if (!read_done) return std::nullopt;
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

WsSubscription::WsSubscription(std::string url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
    impl_->url = std::move(url);
    impl_->parts = parse_ws_url(impl_->url);
    impl_->timeout = timeout;
}

WsSubscription::~WsSubscription() { close(); }

bool WsSubscription::connected() const noexcept { return impl_->ws != nullptr; }

void WsSubscription::close() noexcept {
    if (!impl_->ws) return;
    boost::system::error_code ec;
    beast::get_lowest_layer(*impl_->ws).socket().close(ec);
    impl_->io.restart();
    impl_->io.poll();
    impl_->ws.reset();
    impl_->reading = false;
    impl_->queued.clear();
}

void WsSubscription::connect() {
    close();
    Impl& s = *impl_;
    s.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(s.io);
    boost::system::error_code ec;
    try {
        asio::ip::tcp::resolver resolver(s.io);
        const auto endpoints = resolver.resolve(s.parts.host, s.parts.port);
        beast::get_lowest_layer(*s.ws).expires_after(s.timeout);
        beast::get_lowest_layer(*s.ws).async_connect(
            endpoints,
            [&](const boost::system::error_code& e, const asio::ip::tcp::endpoint&) { ec = e; });
        s.io.restart();
        s.io.run();
        if (ec) s.lost("connect: " + ec.message());
        beast::get_lowest_layer(*s.ws).expires_never();
        s.ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        s.ws->async_handshake(s.parts.host + ":" + s.parts.port, s.parts.target,
                              [&](const boost::system::error_code& e) { ec = e; });
        s.io.restart();
        s.io.run_for(s.timeout);
        if (ec) s.lost("handshake: " + ec.message());
    } catch (const boost::system::system_error& e) {
        s.lost(e.code().message());
    }
}

std::string WsSubscription::subscribe(const std::string& params) {
    Impl& s = *impl_;
    if (!s.ws) throw TransportError(s.url + ": not connected");
    const std::uint64_t id = s.next_id++;
    const std::string body = "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) +
                             ",\"method\":\"eth_subscribe\",\"params\":" + params + "}";
    if (s.reading) {
        // A read is pending: writing is allowed alongside it with Beast's websocket stream.
    }
    boost::system::error_code ec;
    bool written = false;
    s.ws->async_write(asio::buffer(body), [&](const boost::system::error_code& e, std::size_t) {
        ec = e;
        written = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + s.timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            s.lost("no answer to eth_subscribe within " + std::to_string(s.timeout.count()) +
                   " ms");
        const auto text = s.read_message(left);
        if (written && ec) s.lost("write: " + ec.message());
        if (!text) continue;
        std::optional<json::Value> response;
        if (auto n = s.classify(*text, response)) {
            s.queued.push_back(std::move(*n));
            continue;
        }
        const json::Value* rid = response->find("id");
        if (rid == nullptr || rid->text != std::to_string(id)) continue;  // an older answer
        if (const json::Value* err = response->find("error")) {
            const json::Value* msg = err->find("message");
            throw RpcError(-1, msg ? msg->text : "eth_subscribe failed");
        }
        const json::Value* result = response->find("result");
        if (result == nullptr || result->type != json::Value::Type::kString) {
            throw MalformedResponse("eth_subscribe answered without a subscription id");
        }
        return result->text;
    }
}

std::string WsSubscription::request(const std::string& body) {
    Impl& s = *impl_;
    if (!s.ws) throw TransportError(s.url + ": not connected");
    boost::system::error_code ec;
    bool written = false;
    s.ws->async_write(asio::buffer(body), [&](const boost::system::error_code& e, std::size_t) {
        ec = e;
        written = true;
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
    explicit WsTransport(const std::string& url) : url_(url) {}
    std::string post(const std::string& body, std::chrono::milliseconds timeout) override {
        if (!ws_ || timeout != timeout_) {
            ws_ = std::make_unique<WsSubscription>(url_, timeout);
            timeout_ = timeout;
        }
        try {
            if (!ws_->connected()) ws_->connect();
            return ws_->request(body);
        } catch (const TransportError&) {
            ws_->close();
            throw;
        }
    }
    std::string describe() const override { return url_; }

  private:
    std::string url_;
    std::chrono::milliseconds timeout_{0};
    std::unique_ptr<WsSubscription> ws_;
};

}  // namespace

std::unique_ptr<Transport> make_ws_transport(const std::string& url) {
    (void)parse_ws_url(url);  // refuse a bad URL at once
    return std::make_unique<WsTransport>(url);
}

}  // namespace macf::chain
