// SPDX-License-Identifier: Apache-2.0
#pragma once

// A plain HTTP/1.1 client for the API tests: one request per connection to 127.0.0.1, bounded
// by a deadline.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace macf::test {

/// A response: status, body and headers (names as sent).
struct Reply {
    unsigned status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

/// One request to the API on 127.0.0.1:`port`; throws when no answer comes within `deadline`.
inline Reply request(std::uint16_t port, boost::beast::http::verb verb, const std::string& target,
                     const std::string& body = {}, const std::string& token = {},
                     std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(deadline);
    stream.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    req.body() = body;
    req.prepare_payload();
    stream.expires_after(deadline);
    http::async_write(stream, req, [](beast::error_code ec, std::size_t) {
        if (ec) throw beast::system_error(ec);
    });
    io.run();
    io.restart();
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    stream.expires_after(deadline);
    http::async_read(stream, buffer, res, [](beast::error_code ec, std::size_t) {
        if (ec) throw beast::system_error(ec);
    });
    io.run();
    Reply r;
    r.status = res.result_int();
    r.body = res.body();
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
}

/// GET `target`.
inline Reply get(std::uint16_t port, const std::string& target,
                 std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) {
    return request(port, boost::beast::http::verb::get, target, {}, {}, deadline);
}

}  // namespace macf::test
