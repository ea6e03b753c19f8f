// SPDX-License-Identifier: Apache-2.0
#pragma once

// A TCP forwarder on 127.0.0.1 for tests: connections to it are relayed to a target port until
// cut() drops them all (and refuses new ones until restore()): a network failure on demand.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace macf::test {

class TcpProxy {
  public:
    explicit TcpProxy(unsigned short target_port)
        : target_(target_port), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        accept_thread_ = std::thread([this] { accept_loop(); });
    }
    ~TcpProxy() {
        stop_ = true;
        cut();
        boost::system::error_code ec;
        boost::asio::ip::tcp::socket wake(io_);
        wake.connect(acceptor_.local_endpoint(), ec);
        accept_thread_.join();
        std::lock_guard lock(mutex_);
        for (auto& t : pumps_) t.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    /// Drops every relayed connection and refuses new ones.
    void cut() {
        refusing_ = true;
        std::lock_guard lock(mutex_);
        for (auto& s : sockets_) {
            boost::system::error_code ec;
            s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
            s->close(ec);
        }
        sockets_.clear();
    }
    /// Accepts connections again.
    void restore() { refusing_ = false; }

  private:
    using Socket = std::shared_ptr<boost::asio::ip::tcp::socket>;

    void accept_loop() {
        while (!stop_) {
            auto client = std::make_shared<boost::asio::ip::tcp::socket>(io_);
            boost::system::error_code ec;
            acceptor_.accept(*client, ec);
            if (ec || stop_) return;
            if (refusing_) {
                client->close(ec);
                continue;
            }
            auto server = std::make_shared<boost::asio::ip::tcp::socket>(io_);
            server->connect({boost::asio::ip::make_address("127.0.0.1"), target_}, ec);
            if (ec) {
                client->close(ec);
                continue;
            }
            std::lock_guard lock(mutex_);
            sockets_.push_back(client);
            sockets_.push_back(server);
            pumps_.emplace_back([client, server] { pump(client, server); });
            pumps_.emplace_back([client, server] { pump(server, client); });
        }
    }

    static void pump(const Socket& from, const Socket& to) {
        std::vector<char> buf(16384);
        boost::system::error_code ec;
        while (true) {
            const std::size_t n = from->read_some(boost::asio::buffer(buf), ec);
            if (ec) break;
            boost::asio::write(*to, boost::asio::buffer(buf.data(), n), ec);
            if (ec) break;
        }
        to->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }

    unsigned short target_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::thread accept_thread_;
    std::mutex mutex_;
    std::vector<Socket> sockets_;
    std::vector<std::thread> pumps_;
    std::atomic<bool> refusing_{false};
    std::atomic<bool> stop_{false};
};

}  // namespace macf::test
