// Internal to http/: one HTTP/1.1 connection, over a plain or a TLS stream. Included only
// by session_plain.cc and session_tls.cc (see session.h).
#pragma once

#include <openssl/x509.h>

#include <array>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "http/session.h"

namespace sluice::http::internal {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Limits how much a slow stream reader may leave queued before the stream is dropped.
constexpr size_t kMaxQueuedStreamBytes = 16u << 20;

inline bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  }
  return true;
}

inline std::string PeerSubject(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "";
  std::string cn;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    char buf[256] = {0};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    cn = buf;
  }
  X509_free(cert);
  return cn;
}
template <typename Stream>
class Session : public SessionBase {
 public:
  Session(std::shared_ptr<Shared> shared, Stream stream, std::string remote)
      : shared_(std::move(shared)), stream_(std::move(stream)), remote_(std::move(remote)) {}

  ~Session() override {
    std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(id_);
    shared_->cv.notify_all();
  }

  void Register() {
    std::lock_guard lock(shared_->mu);
    id_ = ++shared_->next_id;
    shared_->sessions[id_] = weak_from_this();
  }

  void Run() override {
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Begin(); });
  }

  void Stop() override {
    net::post(stream_.get_executor(), [self = Self()] { self->OnStop(); });
  }

  // Called from StreamWriterImpl, on any thread.
  void PostChunk(std::string data) {
    net::post(stream_.get_executor(),
              [self = Self(), d = std::move(data)]() mutable { self->QueueChunk(std::move(d)); });
  }
  void PostCloseStream() {
    net::post(stream_.get_executor(), [self = Self()] { self->CloseStream(); });
  }

 private:
  class StreamWriterImpl : public StreamWriter {
   public:
    explicit StreamWriterImpl(std::weak_ptr<Session> session) : session_(std::move(session)) {}
    bool Write(std::string data) override {
      if (closed_) return false;
      auto s = session_.lock();
      if (!s) return false;
      if (queued_.fetch_add(data.size()) + data.size() > kMaxQueuedStreamBytes) {
        closed_ = true;
        s->PostCloseStream();
        return false;
      }
      s->PostChunk(std::move(data));
      return true;
    }
    void Close() override {
      if (closed_.exchange(true)) return;
      if (auto s = session_.lock()) s->PostCloseStream();
    }
    bool closed() const override { return closed_; }
    void OnClose(std::function<void()> callback) override {
      {
        std::lock_guard lock(mu_);
        if (!finished_) {
          callbacks_.push_back(std::move(callback));
          return;
        }
      }
      if (callback) callback();
    }
    void Sent(size_t n) { queued_.fetch_sub(n); }
    void Finish() {
      closed_ = true;
      std::vector<std::function<void()>> callbacks;
      {
        std::lock_guard lock(mu_);
        if (finished_) return;
        finished_ = true;
        callbacks.swap(callbacks_);
      }
      for (auto& cb : callbacks) {
        if (cb) cb();
      }
    }

   private:
    std::weak_ptr<Session> session_;
    std::atomic<bool> closed_{false};
    std::atomic<size_t> queued_{0};
    std::mutex mu_;
    bool finished_ = false;
    std::vector<std::function<void()>> callbacks_;
  };

  enum class State { kIdle, kBusy, kStreaming, kClosed };

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  const ServerOptions& opts() const { return shared_->options; }
  auto& Lowest() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      ReadHeader();
    } else {
      Lowest().expires_after(opts().read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->Close();
        self->client_subject_ = PeerSubject(self->stream_.native_handle());
        self->ReadHeader();
      });
    }
  }

  void ReadHeader() {
    if (shared_->stopping) return Close();
    state_ = State::kIdle;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(opts().max_header_bytes));
    parser_->body_limit(opts().max_body_bytes);
    Lowest().expires_after(served_ == 0 ? opts().read_timeout : opts().idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    state_ = State::kBusy;
    started_ = Clock::now();
    auto length = parser_->content_length();
    if (length && *length > opts().max_body_bytes) {
      return RespondAndClose(413, "payload_too_large",
                             "request body of " + std::to_string(*length) +
                                 " bytes is over the limit of " +
                                 std::to_string(opts().max_body_bytes));
    }
    Lowest().expires_after(opts().read_timeout);
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      continue_ =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *continue_, [self = Self()](beast::error_code ec2, size_t) {
        if (ec2) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->Handle();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return RespondAndClose(
          413, "payload_too_large",
          "request body is over the limit of " + std::to_string(opts().max_body_bytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return RespondAndClose(431, "headers_too_large", "request headers are too large");
    }
    bool partial = parser_ && parser_->got_some();
    if (partial && ec != beast::error::timeout && ec != net::error::operation_aborted &&
        ec != bhttp::error::end_of_stream && ec != net::error::eof &&
        ec != net::error::connection_reset && ec != ssl::error::stream_truncated) {
      return RespondAndClose(400, "bad_request", "malformed HTTP request: " + ec.message());
    }
    Close();
  }

  Request BuildRequest() {
    auto msg = parser_->release();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = ParseQuery(std::string_view(req.target).substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      auto it = req.headers.find(name);
      if (it == req.headers.end()) {
        req.headers.emplace(std::move(name), std::string(field.value()));
      } else {
        it->second += ", " + std::string(field.value());
      }
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    req.client_cert_subject = client_subject_;
    std::string id = req.Header("X-Request-Id");
    req.request_id = ValidRequestId(id) ? id : NewRequestId();
    keep_alive_ = msg.keep_alive();
    return req;
  }

  void Handle() {
    current_ = BuildRequest();
    Response res;
    try {
      res = shared_->handler(*current_);
    } catch (const std::exception& e) {
      log::Error("http.handler_exception")
          .With("request_id", current_->request_id)
          .With("path", current_->path)
          .With("exception", e.what());
      res = Response::Error(500, "internal", "internal error; see the server log",
                            {{"request_id", current_->request_id}});
    }
    if (res.stream) return StartStream(std::move(res));
    Send(std::move(res));
  }

  template <typename Message>
  void ApplyHeaders(Message& msg, const Response& res) {
    for (const auto& [k, v] : res.headers)
      msg.set(k, v);
    if (current_) msg.set("X-Request-Id", current_->request_id);
  }

  void Send(Response res) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), 11);
    ApplyHeaders(*msg, res);
    bool keep = keep_alive_ && !shared_->stopping && !close_after_;
    msg->keep_alive(keep);
    size_t bytes = res.body.size();
    if (current_ && current_->method == "HEAD") {
      msg->content_length(bytes);
    } else {
      msg->body() = std::move(res.body);
      msg->prepare_payload();
    }
    int status = res.status;
    Lowest().expires_after(opts().write_timeout);
    bhttp::async_write(stream_, *msg,
                       [self = Self(), msg, keep, status, bytes](beast::error_code ec, size_t) {
                         self->Completed(status, bytes);
                         if (ec || !keep) return self->Close();
                         self->ReadHeader();
                       });
  }

  void RespondAndClose(int status, std::string_view code, std::string message) {
    if (!current_) {
      current_.emplace();
      current_->request_id = NewRequestId();
      current_->remote_address = remote_;
      if (parser_ && parser_->is_header_done()) {
        current_->method = std::string(parser_->get().method_string());
        current_->target = std::string(parser_->get().target());
        current_->path = current_->target.substr(0, current_->target.find('?'));
      }
      started_ = Clock::now();
    }
    close_after_ = true;
    Send(Response::Error(status, code, std::move(message)));
  }

  void Completed(int status, size_t bytes) {
    if (!current_) return;
    if (opts().on_complete) {
      double secs = std::chrono::duration<double>(Clock::now() - started_).count();
      try {
        opts().on_complete(*current_, status, bytes, secs);
      } catch (...) {
      }
    }
    current_.reset();
    ++served_;
  }

  // Streams: headers with chunked encoding, then chunks as the writer queues them.
  void StartStream(Response res) {
    stream_status_ = res.status;
    header_ = std::make_shared<bhttp::response<bhttp::empty_body>>(
        static_cast<bhttp::status>(res.status), 11);
    ApplyHeaders(*header_, res);
    header_->chunked(true);
    header_->keep_alive(false);
    serializer_ = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header_);
    auto start = std::move(res.stream);
    Lowest().expires_after(opts().write_timeout);
    bhttp::async_write_header(stream_, *serializer_,
                              [self = Self(), start](beast::error_code ec, size_t) {
                                if (ec) return self->Close();
                                self->state_ = State::kStreaming;
                                self->writer_ = std::make_shared<StreamWriterImpl>(self);
                                self->Lowest().expires_never();
                                self->Probe();
                                if (self->shared_->stopping) self->writer_->Close();
                                try {
                                  start(self->writer_);
                                } catch (const std::exception& e) {
                                  log::Error("http.stream_exception").With("exception", e.what());
                                  self->writer_->Close();
                                }
                              });
  }

  // A read while streaming: the client sends nothing, so completion means it went away.
  void Probe() {
    stream_.async_read_some(net::buffer(probe_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->FinishStream();
      if (self->state_ == State::kStreaming) self->Probe();
    });
  }

  void QueueChunk(std::string data) {
    if (state_ != State::kStreaming || stream_done_) return;
    queue_.push_back(std::move(data));
    if (!writing_) WriteNext();
  }

  void CloseStream() {
    if (state_ != State::kStreaming || stream_done_) return;
    closing_ = true;
    if (!writing_) WriteNext();
  }

  void WriteNext() {
    if (stream_done_) return;
    if (queue_.empty()) {
      writing_ = false;
      if (!closing_) return;
      writing_ = true;
      Lowest().expires_after(opts().write_timeout);
      net::async_write(stream_, bhttp::make_chunk_last(),
                       [self = Self()](beast::error_code, size_t) { self->FinishStream(); });
      return;
    }
    writing_ = true;
    auto chunk = std::make_shared<std::string>(std::move(queue_.front()));
    queue_.pop_front();
    if (chunk->empty()) return WriteNext();  // an empty chunk would end the stream
    Lowest().expires_after(opts().write_timeout);
    net::async_write(stream_, bhttp::make_chunk(net::buffer(*chunk)),
                     [self = Self(), chunk](beast::error_code ec, size_t) {
                       self->writer_->Sent(chunk->size());
                       self->stream_bytes_ += chunk->size();
                       if (ec) return self->FinishStream();
                       self->WriteNext();
                     });
  }

  void FinishStream() {
    if (stream_done_) return;
    stream_done_ = true;
    queue_.clear();
    if (writer_) writer_->Finish();
    Completed(stream_status_, stream_bytes_);
    Close();
  }

  void OnStop() {
    if (state_ == State::kIdle && !(parser_ && parser_->got_some())) {
      Close();
    } else if (state_ == State::kStreaming && writer_) {
      writer_->Close();
    }
  }

  void Close() {
    if (state_ == State::kClosed) return;
    if (state_ == State::kStreaming && !stream_done_) {
      stream_done_ = true;
      if (writer_) writer_->Finish();
      Completed(stream_status_, stream_bytes_);
    }
    state_ = State::kClosed;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  std::shared_ptr<Shared> shared_;
  Stream stream_;
  std::string remote_;
  uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<Request> current_;
  Clock::time_point started_;
  std::string client_subject_;
  bool keep_alive_ = false;
  bool close_after_ = false;
  uint64_t served_ = 0;
  State state_ = State::kIdle;

  std::shared_ptr<bhttp::response<bhttp::empty_body>> header_;
  std::shared_ptr<bhttp::response_serializer<bhttp::empty_body>> serializer_;
  std::shared_ptr<StreamWriterImpl> writer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool stream_done_ = false;
  int stream_status_ = 200;
  size_t stream_bytes_ = 0;
  std::array<char, 512> probe_{};
};

template <typename Stream>
std::shared_ptr<SessionBase> NewSession(std::shared_ptr<Shared> shared, Stream stream,
                                        std::string remote) {
  auto session =
      std::make_shared<Session<Stream>>(std::move(shared), std::move(stream), std::move(remote));
  session->Register();
  return session;
}

}  // namespace sluice::http::internal
