#include "http/client.h"

#include <curl/curl.h>

#include <mutex>
#include <random>
#include <thread>

#include "common/strings.h"

namespace sluice::http {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One easy handle per thread, reset between requests, keeps connections alive.
struct HandleCache {
  CURL* handle = nullptr;
  ~HandleCache() {
    if (handle) curl_easy_cleanup(handle);
  }
  CURL* Get() {
    if (!handle) {
      handle = curl_easy_init();
    } else {
      curl_easy_reset(handle);
    }
    return handle;
  }
};

struct Transfer {
  const ClientRequest* request;
  ClientResponse* response;
  bool aborted_by_callback = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->request->on_data) {
    if (!t->request->on_data(std::string_view(data, n))) {
      t->aborted_by_callback = true;
      return 0;
    }
  } else {
    t->response->body.append(data, n);
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->keep_going()) return 0;
  t->aborted_by_callback = true;
  return 1;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    return n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers[std::string(Trim(line.substr(0, colon)))] =
        std::string(Trim(line.substr(colon + 1)));
  }
  return n;
}

void SetBlob(CURL* c, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(c, option, &blob);
}

std::chrono::milliseconds Backoff(const RetryPolicy& p, int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  int64_t base = p.initial_backoff.count() << std::min(attempt, 16);
  base = std::min<int64_t>(base, p.max_backoff.count());
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return std::chrono::milliseconds(jitter(rng));
}

}  // namespace

Result<ClientResponse> Send(const ClientRequest& request) {
  GlobalInit();
  thread_local HandleCache cache;
  CURL* c = cache.Get();
  if (!c) return Internal("cannot create a curl handle");

  ClientResponse response;
  Transfer transfer{&request, &response};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  if (request.keep_going) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  }
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);

  const TlsConfig& tls = request.tls;
  if (!tls.ca_pem.empty()) SetBlob(c, CURLOPT_CAINFO_BLOB, tls.ca_pem);
  if (!tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.client_cert_pem.empty()) SetBlob(c, CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
  if (!tls.client_cert_file.empty())
    curl_easy_setopt(c, CURLOPT_SSLCERT, tls.client_cert_file.c_str());
  if (!tls.client_key_pem.empty()) SetBlob(c, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
  if (!tls.client_key_file.empty())
    curl_easy_setopt(c, CURLOPT_SSLKEY, tls.client_key_file.c_str());
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  }
  // Sluice sends small bodies; waiting for 100-continue only adds a round trip.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  curl_mime* mime = nullptr;
  if (!request.multipart.empty()) {
    mime = curl_mime_init(c);
    for (const auto& part : request.multipart) {
      curl_mimepart* p = curl_mime_addpart(mime);
      curl_mime_name(p, part.name.c_str());
      curl_mime_data(p, part.data.data(), part.data.size());
      if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
      if (!part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (mime) curl_mime_free(mime);

  const bool stopped_by_caller =
      transfer.aborted_by_callback && (rc == CURLE_WRITE_ERROR || rc == CURLE_ABORTED_BY_CALLBACK);
  if (rc != CURLE_OK && !stopped_by_caller) {
    std::string what = request.method + " " + request.url + ": " +
                       (errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc));
    ErrorCode code = rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
    return MakeError(code, std::move(what));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

Result<ClientResponse> SendWithRetry(const ClientRequest& request, const RetryPolicy& policy) {
  for (int attempt = 0;; ++attempt) {
    auto result = Send(request);
    bool last = attempt + 1 >= policy.max_attempts;
    std::chrono::milliseconds wait{0};
    if (result.ok()) {
      int s = result->status;
      bool retry = s == 429 ||
                   (policy.retry_server_errors && (s == 500 || s == 502 || s == 503 || s == 504));
      if (!retry || last) return result;
      wait = Backoff(policy, attempt);
      auto it = result->headers.find("Retry-After");
      if (it != result->headers.end()) {
        if (auto secs = ParseInt(it->second); secs && *secs >= 0) {
          wait = std::min(std::chrono::milliseconds(*secs * 1000), policy.max_backoff);
        }
      }
    } else {
      auto code = result.error().code;
      if (last || (code != ErrorCode::kUnavailable && code != ErrorCode::kTimeout)) return result;
      wait = Backoff(policy, attempt);
    }
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace sluice::http
