// SPDX-License-Identifier: Apache-2.0
#include "macf/host/service/api_server.hpp"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <algorithm>
#include <atomic>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "macf/chain/json.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/io/json_text.hpp"

namespace macf::host {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxStreamQueue = 256;
constexpr std::size_t kMaxClientMessageBytes = 1024;  ///< what a /stream client may send

std::string error_body(const std::string& message) {
    return "{\"error\":" + json_quote(message) + "}";
}

/// Tokens per client address, refilled at `rate` per second up to `burst`.
class RateLimiter {
  public:
    RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
    /// True when the client may go on; otherwise `retry_after_s` says when.
    bool allow(const std::string& client, double& retry_after_s) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        auto& b = buckets_[client];
        if (b.last.time_since_epoch().count() == 0) b.tokens = burst_;
        const double elapsed = std::chrono::duration<double>(now - b.last).count();
        b.last = now;
        b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return true;
        }
        retry_after_s = (1.0 - b.tokens) / rate_;
        if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under a flood
        return false;
    }

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point last{};
    };
    double rate_;
    double burst_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

class StreamSession;

/// One counted connection: holds a place under api.max_connections until destroyed.
class ConnectionSlot {
  public:
    explicit ConnectionSlot(std::atomic<std::size_t>& open) : open_(&open) { open_->fetch_add(1); }
    ConnectionSlot(ConnectionSlot&& other) noexcept : open_(std::exchange(other.open_, nullptr)) {}
    ConnectionSlot& operator=(ConnectionSlot&&) = delete;
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    ~ConnectionSlot() {
        if (open_ != nullptr) open_->fetch_sub(1);
    }

  private:
    std::atomic<std::size_t>* open_;
};

/// `wanted` lowered so that it and a reserve of 64 descriptors fit the process's limit
/// (raising the soft limit towards the hard one first).
std::size_t connection_cap(std::size_t wanted) {
    constexpr rlim_t kReserve = 64;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
    const rlim_t need = static_cast<rlim_t>(wanted) + kReserve;
    if (limit.rlim_cur < need) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? need : std::min(need, limit.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur >= need) return wanted;
    const std::size_t cap =
        limit.rlim_cur > kReserve + 1 ? static_cast<std::size_t>(limit.rlim_cur - kReserve) : 1;
    spdlog::warn("api: max_connections lowered from {} to {}: the descriptor limit is {}", wanted,
                 cap, static_cast<unsigned long long>(limit.rlim_cur));
    return cap;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

bool is_ipv4_literal(std::string_view name) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= name.size()) {
        const std::size_t dot = std::min(name.find('.', i), name.size());
        const std::string_view part = name.substr(i, dot - i);
        if (part.empty() || part.size() > 3 ||
            part.find_first_not_of("0123456789") != std::string_view::npos) {
            return false;
        }
        ++parts;
        i = dot + 1;
    }
    return parts == 4;
}

}  // namespace

bool api_host_allowed(std::string_view host, std::span<const std::string> allowed) {
    const std::string full = lower_ascii(host);
    std::string_view name = full;
    if (!name.empty() && name.front() == '[') {
        // An IPv6 literal, "[::1]" or "[::1]:8080".
        const auto close = name.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view rest = name.substr(close + 1);
        return rest.empty() || (rest.front() == ':' && rest.size() > 1 &&
                                rest.find_first_not_of("0123456789", 1) == std::string_view::npos);
    }
    if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = name.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
            return false;
        name = name.substr(0, colon);
    }
    if (name.empty()) return false;
    if (is_ipv4_literal(name) || name == "localhost") return true;
    for (const auto& a : allowed) {
        const std::string want = lower_ascii(a);
        if (want == full || want == name) return true;
    }
    return false;
}

struct ApiServer::Impl {
    ApiConfig config;
    ApiBackend& backend;
    std::atomic<std::size_t> open{0};  ///< connections open (declared before io: outlives them)
    std::size_t max_connections = 1;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    asio::steady_timer accept_pause{io};  ///< accepting again after an accept failed
    bool accept_failing = false;          ///< logged once per run of failures
    std::uint64_t failures_in_run = 0;
    std::chrono::steady_clock::time_point last_refusal_log{};
    RateLimiter limiter;
    std::vector<std::thread> threads;
    mutable std::mutex mutex;
    std::set<std::shared_ptr<StreamSession>> streams;
    ApiCounters counters;

    Impl(const ApiConfig& c, ApiBackend& b)
        : config(c), backend(b), limiter(c.rate_limit_per_s, c.burst) {}

    void accept();
    /// An accept failed (EMFILE and the like): logged once per run, accepting resumes in 100 ms.
    void accept_failed(const beast::error_code& ec);
    /// Answers 503 on a connection above the cap and closes it, without blocking.
    void refuse(tcp::socket socket);
    /// The response refusing `req` for its Host header (421, or 400 when HTTP/1.1 omits it),
    /// or nullopt when the Host is served (api_host_allowed).
    std::optional<http::response<http::string_body>> host_refusal(
        const http::request<http::string_body>& req) const;
    http::response<http::string_body> handle(const http::request<http::string_body>& req,
                                             const std::string& client);
    void count(unsigned status) {
        std::lock_guard lock(mutex);
        ++counters.requests;
        if (status >= 400 && status < 500) ++counters.client_errors;
        if (status == 429) ++counters.rate_limited;
        if (status == 401 || status == 403) ++counters.unauthorized;
    }
};

namespace {

/// One /stream client: a queue of messages written one at a time on its strand.
class StreamSession : public std::enable_shared_from_this<StreamSession> {
  public:
    StreamSession(tcp::socket&& socket, ApiServer::Impl& server, ConnectionSlot slot)
        : ws_(std::move(socket)), server_(server), slot_(std::move(slot)) {}

    void start(http::request<http::string_body> req) {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        // Clients send nothing the stream uses: a larger message closes the connection instead
        // of being buffered (Beast's default would hold up to 16 MiB per client).
        ws_.read_message_max(kMaxClientMessageBytes);
        ws_.async_accept(req,
                         beast::bind_front_handler(&StreamSession::on_accept, shared_from_this()));
    }

    void send(std::shared_ptr<const std::string> message) {
        asio::post(ws_.get_executor(), [self = shared_from_this(), message] {
            if (self->queue_.size() >= kMaxStreamQueue) {
                spdlog::warn("api: /stream client too slow ({} messages queued); closing it",
                             self->queue_.size());
                self->close();
                return;
            }
            self->queue_.push_back(message);
            if (self->queue_.size() == 1) self->write_next();
        });
    }

  private:
    void on_accept(beast::error_code ec) {
        if (ec) return;
        {
            std::lock_guard lock(server_.mutex);
            server_.streams.insert(shared_from_this());
        }
        read();  // to notice the client closing; clients send nothing we use
    }
    void read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->forget();
                return;
            }
            self->buffer_.consume(self->buffer_.size());
            self->read();
        });
    }
    void write_next() {
        ws_.text(true);
        ws_.async_write(asio::buffer(*queue_.front()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                                self->forget();
                                return;
                            }
                            self->queue_.pop_front();
                            if (!self->queue_.empty()) self->write_next();
                        });
    }
    void close() {
        forget();
        beast::get_lowest_layer(ws_).close();
    }
    void forget() {
        std::lock_guard lock(server_.mutex);
        server_.streams.erase(shared_from_this());
    }

    websocket::stream<beast::tcp_stream> ws_;
    ApiServer::Impl& server_;
    ConnectionSlot slot_;
    beast::flat_buffer buffer_;
    std::deque<std::shared_ptr<const std::string>> queue_;
};

/// One HTTP connection: requests read with a body limit and a deadline, answered in order.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(tcp::socket&& socket, ApiServer::Impl& server, ConnectionSlot slot)
        : stream_(std::move(socket)), server_(server), slot_(std::move(slot)) {
        beast::error_code ec;
        const auto remote = stream_.socket().remote_endpoint(ec);
        client_ = ec ? "unknown" : remote.address().to_string();
    }

    void start() {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&HttpSession::read, shared_from_this()));
    }

  private:
    void read() {
        parser_.emplace();
        parser_->body_limit(server_.config.max_body_bytes);
        parser_->header_limit(16 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::connection_reset || ec == asio::error::eof) {
            close();
            return;
        }
        if (ec == http::error::body_limit) {
            reply(error_response(http::status::payload_too_large,
                                 "request body above " +
                                     std::to_string(server_.config.max_body_bytes) + " bytes"),
                  false);
            return;
        }
        if (ec) {
            reply(error_response(http::status::bad_request, "malformed request: " + ec.message()),
                  false);
            return;
        }
        auto req = parser_->release();
        if (const auto refusal = server_.host_refusal(req)) {
            server_.count(static_cast<unsigned>(refusal->result_int()));
            reply(std::move(*refusal), false);
            return;
        }
        if (websocket::is_upgrade(req)) {
            double retry = 0;
            if (req.target() == "/stream" && server_.limiter.allow(client_, retry)) {
                server_.count(101);
                std::make_shared<StreamSession>(stream_.release_socket(), server_, std::move(slot_))
                    ->start(std::move(req));
                return;
            }
            reply(error_response(http::status::not_found, "WebSocket only at /stream"), false);
            return;
        }
        const bool keep = req.keep_alive();
        auto res = server_.handle(req, client_);
        res.version(req.version());
        reply(std::move(res), keep);
    }

    http::response<http::string_body> error_response(http::status status,
                                                     const std::string& message) {
        http::response<http::string_body> res{status, 11};
        res.set(http::field::content_type, "application/json");
        res.body() = error_body(message);
        server_.count(static_cast<unsigned>(status));
        return res;
    }

    void reply(http::response<http::string_body> res, bool keep_alive) {
        res.set(http::field::server, "macf");
        res.keep_alive(keep_alive);
        res.prepare_payload();
        auto shared = std::make_shared<http::response<http::string_body>>(std::move(res));
        http::async_write(
            stream_, *shared,
            [self = shared_from_this(), shared, keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) {
                    self->close();
                    return;
                }
                self->read();
            });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    ApiServer::Impl& server_;
    ConnectionSlot slot_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string client_;
};

}  // namespace

void ApiServer::Impl::accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {
            accept_failed(ec);
            return;
        }
        if (accept_failing) {
            spdlog::info("api: accepting connections again ({} accepts failed meanwhile)",
                         failures_in_run);
            accept_failing = false;
        }
        if (open.load() >= max_connections) {
            refuse(std::move(socket));
        } else {
            std::make_shared<HttpSession>(std::move(socket), *this, ConnectionSlot(open))->start();
        }
        accept();
    });
}

void ApiServer::Impl::accept_failed(const beast::error_code& ec) {
    {
        std::lock_guard lock(mutex);
        ++counters.accept_failures;
    }
    if (!accept_failing) {
        accept_failing = true;
        failures_in_run = 0;
        spdlog::warn("api: cannot accept a connection: {} ({} open); retrying every 100 ms",
                     ec.message(), open.load());
    }
    ++failures_in_run;
    accept_pause.expires_after(std::chrono::milliseconds(100));
    accept_pause.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
    });
}

void ApiServer::Impl::refuse(tcp::socket socket) {
    static constexpr std::string_view kRefusal =
        "HTTP/1.1 503 Service Unavailable\r\nServer: macf\r\nContent-Type: application/json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: 37\r\n\r\n"
        "{\"error\":\"too many open connections\"}";
    beast::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) (void)socket.write_some(asio::buffer(kRefusal.data(), kRefusal.size()), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    std::uint64_t refused = 0;
    {
        std::lock_guard lock(mutex);
        refused = ++counters.refused_connections;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log > std::chrono::seconds(10)) {
        last_refusal_log = now;
        spdlog::warn(
            "api: {} connections open, the cap (api.max_connections); refusing more ({} "
            "refused so far)",
            open.load(), refused);
    }
}

std::optional<http::response<http::string_body>> ApiServer::Impl::host_refusal(
    const http::request<http::string_body>& req) const {
    const auto host = req[http::field::host];
    std::string why;
    if (host.empty()) {
        if (req.version() < 11) return std::nullopt;  // HTTP/1.0 may omit it
        why = "a Host header is required";
    } else if (!api_host_allowed(std::string_view(host.data(), host.size()),
                                 config.allowed_hosts)) {
        why = "Host '" + std::string(host) +
              "' is not served here (IP addresses, localhost and api.allowed_hosts are)";
    } else {
        return std::nullopt;
    }
    http::response<http::string_body> res{
        host.empty() ? http::status::bad_request : http::status::misdirected_request,
        req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = error_body(why);
    res.prepare_payload();
    return res;
}

http::response<http::string_body> ApiServer::Impl::handle(
    const http::request<http::string_body>& req, const std::string& client) {
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    const auto answer = [&](http::status status, std::string body) {
        res.result(status);
        res.body() = std::move(body);
        count(static_cast<unsigned>(status));
        return res;
    };
    double retry_after = 0;
    if (!limiter.allow(client, retry_after)) {
        res.set(http::field::retry_after, std::to_string(static_cast<long long>(retry_after) + 1));
        return answer(http::status::too_many_requests, error_body("rate limit exceeded"));
    }
    std::string target(req.target());
    if (const auto q = target.find('?'); q != std::string::npos) target.resize(q);
    const auto method = req.method();
    const auto only = [&](http::verb allowed) {
        if (method == allowed) return true;
        res.set(http::field::allow, std::string(http::to_string(allowed)));
        return false;
    };

    if (target == "/health") {
        if (!only(http::verb::get))
            return answer(http::status::method_not_allowed, error_body("use GET"));
        bool healthy = false;
        std::string body = backend.health_json(healthy);
        return answer(healthy ? http::status::ok : http::status::service_unavailable,
                      std::move(body));
    }
    if (target == "/metrics") {
        if (!only(http::verb::get))
            return answer(http::status::method_not_allowed, error_body("use GET"));
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        return answer(http::status::ok, backend.metrics_text());
    }
    if (target == "/opportunities") {
        if (!only(http::verb::get))
            return answer(http::status::method_not_allowed, error_body("use GET"));
        if (const auto why = backend.withdrawn_reason())
            return answer(http::status::service_unavailable, error_body(*why));
        return answer(http::status::ok, backend.opportunities_json());
    }
    if (target.rfind("/pools/", 0) == 0) {
        if (!only(http::verb::get))
            return answer(http::status::method_not_allowed, error_body("use GET"));
        if (const auto why = backend.withdrawn_reason())
            return answer(http::status::service_unavailable, error_body(*why));
        const std::string text = target.substr(7);
        const auto address = chain::Address::parse(text);
        if (!address)
            return answer(http::status::bad_request,
                          error_body("'" + text + "' is not an address (0x and 40 hex digits)"));
        auto pool = backend.pool_json(*address);
        if (!pool)
            return answer(http::status::not_found,
                          error_body("no followed pool at " + address->to_hex()));
        return answer(http::status::ok, std::move(*pool));
    }
    if (target.rfind("/control/", 0) == 0) {
        const std::string action = target.substr(9);
        const bool known = action == "pause" || action == "resume" || action == "min-profit";
        if (!known)
            return answer(http::status::not_found, error_body("no such control: " + action));
        const http::verb wanted = action == "min-profit" ? http::verb::put : http::verb::post;
        if (!only(wanted))
            return answer(http::status::method_not_allowed,
                          error_body("use " + std::string(http::to_string(wanted))));
        if (config.token.empty())
            return answer(http::status::forbidden,
                          error_body("control is disabled: no API token is configured (set " +
                                     config.token_env + ")"));
        const auto auth = req[http::field::authorization];
        if (auth != "Bearer " + config.token) {
            res.set(http::field::www_authenticate, "Bearer");
            return answer(http::status::unauthorized,
                          error_body(auth.empty() ? "a bearer token is required"
                                                  : "the bearer token is wrong"));
        }
        if (action == "pause" || action == "resume") {
            backend.set_paused(action == "pause");
            spdlog::info("api: execution {} by {}", action == "pause" ? "paused" : "resumed",
                         client);
            return answer(http::status::ok, std::string("{\"paused\":") +
                                                (action == "pause" ? "true" : "false") + "}");
        }
        chain::json::Value body;
        try {
            body = chain::json::parse(req.body());
        } catch (const std::exception& e) {
            return answer(http::status::bad_request,
                          error_body(std::string("bad JSON: ") + e.what()));
        }
        const auto* v =
            body.type == chain::json::Value::Type::kObject ? body.find("min_profit_wei") : nullptr;
        dex::U256 wei;
        if (v == nullptr || v->type != chain::json::Value::Type::kString ||
            !dex::parse_u256(v->text, wei))
            return answer(http::status::bad_request,
                          error_body("expected {\"min_profit_wei\": \"<decimal wei>\"}"));
        backend.set_min_profit(wei);
        spdlog::info("api: minimum profit set to {} wei by {}", dex::to_string(wei), client);
        return answer(http::status::ok, "{\"min_profit_wei\":\"" + dex::to_string(wei) + "\"}");
    }
    return answer(http::status::not_found, error_body("no such endpoint: " + target));
}

ApiServer::ApiServer(const ApiConfig& config, ApiBackend& backend, unsigned threads)
    : impl_(std::make_unique<Impl>(config, backend)) {
    const auto colon = config.listen.rfind(':');
    std::string host = config.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto port = static_cast<std::uint16_t>(std::stoul(config.listen.substr(colon + 1)));
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("api.listen '" + config.listen + "': " + ec.message());
    const tcp::endpoint endpoint{address, port};
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("api.listen '" + config.listen + "': " + ec.message());
    impl_->max_connections = connection_cap(config.max_connections);
    impl_->accept();
    for (unsigned i = 0; i < std::max(1U, threads); ++i)
        impl_->threads.emplace_back([this] { impl_->io.run(); });
}

ApiServer::~ApiServer() {
    asio::post(impl_->io, [this] {
        beast::error_code ec;
        impl_->acceptor.close(ec);
    });
    impl_->io.stop();
    for (auto& t : impl_->threads) t.join();
    std::lock_guard lock(impl_->mutex);
    impl_->streams.clear();
}

std::uint16_t ApiServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void ApiServer::broadcast(const std::string& message) {
    auto shared = std::make_shared<const std::string>(message);
    std::vector<std::shared_ptr<StreamSession>> targets;
    {
        std::lock_guard lock(impl_->mutex);
        targets.assign(impl_->streams.begin(), impl_->streams.end());
    }
    for (auto& s : targets) s->send(shared);
}

std::size_t ApiServer::stream_clients() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->streams.size();
}

std::size_t ApiServer::open_connections() const { return impl_->open.load(); }

std::size_t ApiServer::max_connections() const { return impl_->max_connections; }

ApiCounters ApiServer::counters() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->counters;
}

}  // namespace macf::host
