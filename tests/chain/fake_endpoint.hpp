// SPDX-License-Identifier: Apache-2.0
#pragma once

// A scripted HTTP JSON-RPC endpoint on 127.0.0.1 for tests: every request is answered by a
// handler (status, body, delay, or a dropped connection). Stops in its destructor.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "macf/chain/rpc_client.hpp"

namespace macf::test {

/// The id of a single JSON-RPC request body ({"jsonrpc":"2.0","id":N,...}).
inline std::string id_of(const std::string& body) {
    const auto at = body.find("\"id\":") + 5;
    return body.substr(at, body.find(',', at) - at);
}

/// A JSON-RPC answer to `body` with `result` (JSON text).
inline std::string ok(const std::string& body, const std::string& result) {
    return R"({"jsonrpc":"2.0","id":)" + id_of(body) + R"(,"result":)" + result + "}";
}

/// RPC options for tests: short timeout, three attempts, little backoff.
inline chain::RpcOptions fast() {
    chain::RpcOptions o;
    o.timeout = std::chrono::milliseconds(300);
    o.max_attempts = 3;
    o.initial_backoff = std::chrono::milliseconds(5);
    return o;
}

struct FakeReply {
    int status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
    bool drop = false;  ///< close the connection without answering
};

class FakeEndpoint {
  public:
    using Handler = std::function<FakeReply(const std::string& request_body)>;
    /// Request headers, lower-case name → value.
    using Headers = std::map<std::string, std::string>;
    using HeaderHandler =
        std::function<FakeReply(const std::string& request_body, const Headers& headers)>;

    explicit FakeEndpoint(Handler handler)
        : FakeEndpoint(
              HeaderHandler([h = std::move(handler)](const std::string& body, const Headers&) {
                  return h(body);
              })) {}
    explicit FakeEndpoint(HeaderHandler handler)
        : handler_(std::move(handler)),
          acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeEndpoint() {
        stop_ = true;
        boost::system::error_code ec;
        // Wake the accept with a connection of our own.
        boost::asio::ip::tcp::socket s(io_);
        s.connect(acceptor_.local_endpoint(), ec);
        thread_.join();
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
    }
    int requests() const { return requests_.load(); }

  private:
    void serve() {
        namespace http = boost::beast::http;
        while (!stop_) {
            boost::asio::ip::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stop_) return;
            boost::beast::flat_buffer buffer;
            while (!stop_) {
                http::request<http::string_body> req;
                http::read(socket, buffer, req, ec);
                if (ec) break;
                ++requests_;
                Headers headers;
                for (const auto& field : req) {
                    std::string name(field.name_string());
                    for (auto& c : name)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    headers[name] = std::string(field.value());
                }
                const FakeReply reply = handler_(req.body(), headers);
                // A delay ends early when the endpoint is destroyed (a hung node in a test).
                const auto until = std::chrono::steady_clock::now() + reply.delay;
                while (!stop_ && std::chrono::steady_clock::now() < until)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                if (reply.drop) break;
                http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
                res.set(http::field::content_type, "application/json");
                res.keep_alive(true);
                res.body() = reply.body;
                res.prepare_payload();
                http::write(socket, res, ec);
                if (ec) break;
            }
            socket.close(ec);
        }
    }

    HeaderHandler handler_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
};

}  // namespace macf::test
