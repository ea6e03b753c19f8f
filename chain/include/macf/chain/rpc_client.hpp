// SPDX-License-Identifier: Apache-2.0
#pragma once

// A JSON-RPC 2.0 client: single calls and batches over a transport (HTTP here), ids matched,
// a timeout on every step, retries with exponential backoff on transport errors and on rate
// limiting (HTTP 429, JSON-RPC rate-limit errors), and a clear error for every malformed
// response. Responses are parsed with simdjson into chain::json values.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "macf/chain/json.hpp"

namespace macf::chain {

/// The transport failed: no connection, a timeout, a reset, or an HTTP status other than 200.
class TransportError : public std::runtime_error {
  public:
    TransportError(const std::string& what, int http_status = 0)
        : std::runtime_error(what), http_status_(http_status) {}
    /// The HTTP status when the server answered with one (429: rate limited), else 0.
    int http_status() const noexcept { return http_status_; }

  private:
    int http_status_;
};

/// The server answered something that is not a valid JSON-RPC response to the request.
class MalformedResponse : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The call was abandoned because its cancel flag was set (the process is stopping); not
/// retried.
class Cancelled : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A JSON-RPC error object returned by the server.
class RpcError : public std::runtime_error {
  public:
    RpcError(std::int64_t code, const std::string& message, std::string data = {})
        : std::runtime_error("JSON-RPC error " + std::to_string(code) + ": " + message),
          code_(code),
          message_(message),
          data_(std::move(data)) {}
    std::int64_t code() const noexcept { return code_; }              ///< the error's code
    const std::string& message() const noexcept { return message_; }  ///< its message
    const std::string& data() const noexcept { return data_; }        ///< its data (raw JSON text)
    /// True for rate limiting: code 429 or −32005, or a message that says so.
    bool rate_limited() const noexcept;

  private:
    std::int64_t code_;
    std::string message_;
    std::string data_;
};

/// Sends one request body and returns the response body.
class Transport {
  public:
    virtual ~Transport() = default;
    /// POSTs `body`; throws TransportError. The whole exchange must finish within `timeout`.
    virtual std::string post(const std::string& body, std::chrono::milliseconds timeout) = 0;
    /// A description for logs (the URL).
    virtual std::string describe() const = 0;
    /// From now on, a post() in progress or started while `*flag` is true throws Cancelled
    /// within about 50 ms (HTTP and WebSocket: the socket is closed under it; other transports
    /// may only check between steps). nullptr: never cancelled. `flag` must outlive the
    /// transport.
    virtual void set_cancel_flag(const std::atomic<bool>* flag) { cancel_ = flag; }

  protected:
    /// True when the cancel flag is set.
    [[nodiscard]] bool cancelled() const noexcept { return cancel_ != nullptr && cancel_->load(); }
    /// The flag given to set_cancel_flag (nullptr when none).
    [[nodiscard]] const std::atomic<bool>* cancel_flag() const noexcept { return cancel_; }

  private:
    const std::atomic<bool>* cancel_ = nullptr;
};

/// The largest answer a node may send (bytes): a larger one is a TransportError read no
/// further than its header (or than the limit, for answers without a Content-Length).
inline constexpr std::size_t kMaxRpcAnswerBytes = std::size_t{256} << 20U;

/// TLS settings of https:// (and wss://) endpoints.
struct TlsOptions {
    std::string ca_file;  ///< PEM file of trusted CAs; empty: the system's trust store
};

/// JSON-RPC over HTTP/1.1 or HTTPS (Boost.Beast, OpenSSL), one kept-alive connection,
/// reopened after an error. HTTPS verifies the certificate chain and the host name. Throws
/// std::invalid_argument for a URL that is not http(s)://HOST[:PORT][/PATH].
std::unique_ptr<Transport> make_http_transport(const std::string& url, const TlsOptions& tls = {});

/// Extra HTTP headers for a request body (a relay's signature header); name → value pairs.
using RequestHeaders =
    std::function<std::vector<std::pair<std::string, std::string>>(const std::string& body)>;
/// An HTTP(S) transport that adds `headers(body)` to every request.
std::unique_ptr<Transport> make_http_transport(const std::string& url, const TlsOptions& tls,
                                               RequestHeaders headers);

/// Timeouts and retries.
struct RpcOptions {
    std::chrono::milliseconds timeout{10000};        ///< per attempt, connect to last byte
    unsigned max_attempts = 5;                       ///< tries per call (≥ 1)
    std::chrono::milliseconds initial_backoff{100};  ///< wait after the first failure
    std::chrono::milliseconds max_backoff{5000};     ///< the waits double up to this
    std::size_t max_batch = 100;                     ///< calls per HTTP request in batch()
    /// When set and true, calls stop: the call in progress and every later one throws
    /// Cancelled (within about 50 ms on HTTP), waits between retries included. Must outlive
    /// the client.
    const std::atomic<bool>* cancel = nullptr;
    /// Called before each wait (for logs and tests); may be empty.
    std::function<void(const std::string& why, std::chrono::milliseconds wait)> on_retry;
};

/// Options with `timeout` per attempt and `attempts` tries, each retry logged as a warning
/// ("RPC retry in N ms: why"): what every command and the service use.
[[nodiscard]] RpcOptions logged_rpc_options(std::chrono::milliseconds timeout, unsigned attempts);

/// One call of a batch.
struct RpcCall {
    std::string method;
    std::string params = "[]";  ///< the params as JSON text (an array)
};

/// One result of a batch: the value, or the server's error for that call.
struct RpcResult {
    json::Value result;
    std::optional<RpcError> error;
};

/// The JSON-RPC client. Safe to share between threads: ids are drawn atomically and the one
/// connection carries one HTTP exchange at a time (a second caller waits for the first's
/// answer, not for its retry back-off).
class RpcClient {
  public:
    RpcClient(std::unique_ptr<Transport> transport, RpcOptions options = {});

    /// Calls `method` with `params` (JSON array text); returns the result. Throws RpcError
    /// for an error answer (after retries when it is rate limiting), TransportError when all
    /// attempts failed, MalformedResponse for an answer that is not a response to the call.
    json::Value call(std::string_view method, std::string_view params = "[]");
    /// Sends `calls` in batches of at most max_batch, ids matched whatever order the server
    /// answers in; a missing, duplicated or unknown id is a MalformedResponse. Errors of single
    /// calls are returned in their RpcResult (rate-limit errors are retried first).
    std::vector<RpcResult> batch(const std::vector<RpcCall>& calls);

    /// JSON-RPC calls made so far (each call of a batch counts once; retries count again).
    std::uint64_t calls() const noexcept { return calls_.load(); }
    /// HTTP requests made so far.
    std::uint64_t requests() const noexcept { return requests_.load(); }
    /// The transport's description (URL).
    std::string endpoint() const { return transport_->describe(); }

  private:
    void throw_if_cancelled() const;
    /// Logs `why`, waits `wait` (throwing Cancelled as soon as the flag is set), doubles it.
    void back_off(const std::string& why, std::chrono::milliseconds& wait);
    std::string post_with_retries(const std::string& body, std::size_t calls_in_body);
    std::vector<RpcResult> batch_chunk(const std::vector<RpcCall>& calls, std::size_t begin,
                                       std::size_t end);

    std::unique_ptr<Transport> transport_;
    RpcOptions options_;
    std::mutex exchange_;  ///< held for one post on transport_ (request and its answer)
    std::atomic<std::uint64_t> next_id_{1};
    std::atomic<std::uint64_t> calls_{0};
    std::atomic<std::uint64_t> requests_{0};
};

/// A JSON string literal of `s` (quoted and escaped) for building params.
std::string json_string(std::string_view s);

}  // namespace macf::chain
