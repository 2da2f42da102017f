#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <thread>

#include "common/fs.h"
#include "http/client.h"
#include "http/router.h"
#include "support/test_env.h"

namespace sluice::http {
namespace {

using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions opts = {}) {
    opts.port = 0;
    opts.on_complete = [this](const Request& r, int status, size_t, double) {
      std::lock_guard lock(mu_);
      completed_.push_back(r.path + " " + std::to_string(status));
    };
    auto s = Server::Start(opts, [this](Request& r) { return router_.Dispatch(r); });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    server_ = std::move(s).value();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    if (server_) server_->Shutdown(1s);  // before the state its callbacks use goes away
  }

  Result<ClientResponse> Get(const std::string& path) {
    return Send({.method = "GET", .url = base_ + path});
  }

  std::mutex mu_;
  std::vector<std::string> completed_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::string base_;
};

TEST_F(ServerTest, RoutesEchoAndRequestId) {
  router_.Add("POST", "/echo/{name}", [](Request& r) {
    return Response::Json(201, {{"name", r.Param("name")},
                                {"body", r.body},
                                {"q", r.Query("q").value_or("")},
                                {"id", r.request_id}});
  });
  Start();
  auto res = Send({.method = "POST",
                   .url = base_ + "/echo/a%20b?q=1",
                   .headers = {{"X-Request-Id", "abc-123"}},
                   .body = "payload"});
  ASSERT_TRUE(res.ok()) << res.error().ToString();
  EXPECT_EQ(res->status, 201);
  auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["name"], "a b");
  EXPECT_EQ(j["body"], "payload");
  EXPECT_EQ(j["q"], "1");
  EXPECT_EQ(j["id"], "abc-123");
  EXPECT_EQ(res->headers["X-Request-Id"], "abc-123");
  EXPECT_EQ(res->headers["Content-Type"], "application/json");
}

TEST_F(ServerTest, UnknownRouteIsJson404) {
  Start();
  auto res = Get("/missing");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(nlohmann::json::parse(res->body)["error"]["code"], "not_found");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  router_.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("secret"); });
  Start();
  auto res = Get("/boom");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, BodyLimitGives413) {
  router_.Add("POST", "/up",
              [](Request& r) { return Response::Text(200, std::to_string(r.body.size())); });
  ServerOptions opts;
  opts.max_body_bytes = 1024;
  Start(opts);
  auto small = Send({.method = "POST", .url = base_ + "/up", .body = std::string(1000, 'x')});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->status, 200);
  auto big = Send({.method = "POST", .url = base_ + "/up", .body = std::string(5000, 'x')});
  ASSERT_TRUE(big.ok()) << big.error().ToString();
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(nlohmann::json::parse(big->body)["error"]["code"], "payload_too_large");
}

TEST_F(ServerTest, KeepAliveReusesOneConnection) {
  router_.Add("GET", "/x", [](Request&) { return Response::Text(200, "x"); });
  Start();
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(Get("/x")->status, 200);
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(ServerTest, StreamsChunksUntilClosed) {
  router_.Add("GET", "/watch", [](Request&) {
    Response r;
    r.headers["Content-Type"] = "application/json";
    r.stream = [](std::shared_ptr<StreamWriter> w) {
      std::thread([w] {
        for (int i = 0; i < 3; ++i) {
          w->Write("{\"n\":" + std::to_string(i) + "}\n");
          std::this_thread::sleep_for(10ms);
        }
        w->Close();
      }).detach();
    };
    return r;
  });
  Start();
  std::vector<std::string> chunks;
  ClientRequest req{.url = base_ + "/watch"};
  req.on_data = [&](std::string_view c) {
    chunks.emplace_back(c);
    return true;
  };
  auto res = Send(req);
  ASSERT_TRUE(res.ok()) << res.error().ToString();
  std::string all;
  for (auto& c : chunks)
    all += c;
  EXPECT_EQ(all, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
}

TEST_F(ServerTest, StreamNoticesClientLeaving) {
  std::promise<void> closed;
  router_.Add("GET", "/watch", [&](Request&) {
    Response r;
    r.stream = [&](std::shared_ptr<StreamWriter> w) {
      w->OnClose([&] { closed.set_value(); });
      w->Write("first\n");
    };
    return r;
  });
  Start();
  ClientRequest req{.url = base_ + "/watch"};
  req.on_data = [](std::string_view) { return false; };  // hang up after the first chunk
  (void)Send(req);
  EXPECT_EQ(closed.get_future().wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, ShutdownLetsRequestsInFlightFinish) {
  std::promise<void> entered;
  router_.Add("GET", "/slow", [&](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);
    return Response::Text(200, "done");
  });
  Start();
  auto pending = std::async(std::launch::async, [&] { return Get("/slow"); });
  entered.get_future().wait();
  server_->Shutdown(5s);
  auto res = pending.get();
  ASSERT_TRUE(res.ok()) << res.error().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "done");
  EXPECT_FALSE(Get("/slow").ok());  // no longer listening
}

TEST_F(ServerTest, ShutdownClosesStreams) {
  std::promise<void> closed;
  router_.Add("GET", "/watch", [&](Request&) {
    Response r;
    r.stream = [&](std::shared_ptr<StreamWriter> w) { w->OnClose([&] { closed.set_value(); }); };
    return r;
  });
  Start();
  auto pending = std::async(std::launch::async, [&] {
    ClientRequest req{.url = base_ + "/watch", .timeout = 10s};
    req.on_data = [](std::string_view) { return true; };
    return Send(req);
  });
  std::this_thread::sleep_for(100ms);
  server_->Shutdown(5s);
  EXPECT_EQ(closed.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(pending.get().ok());
}

TEST_F(ServerTest, CompletionCallbackSeesEveryRequest) {
  router_.Add("GET", "/a", [](Request&) { return Response::Text(200, "a"); });
  Start();
  Get("/a").value();
  Get("/b").value();
  server_->Shutdown(1s);
  std::lock_guard lock(mu_);
  EXPECT_EQ(completed_, (std::vector<std::string>{"/a 200", "/b 404"}));
}

TEST(ServerStartTest, PortInUseIsAClearError) {
  auto first = Server::Start({.port = 0}, [](Request&) { return Response::Text(200, ""); });
  ASSERT_TRUE(first.ok());
  ServerOptions opts;
  opts.port = (*first)->port();
  auto second = Server::Start(opts, [](Request&) { return Response::Text(200, ""); });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
  EXPECT_EQ(second.error().where, "127.0.0.1:" + std::to_string(opts.port));
}

TEST(ServerTlsTest, ServesHttpsWithAGeneratedCertificate) {
  testing::TempDir dir;
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      (dir.path() / "key.pem").string() + " -out " + (dir.path() / "cert.pem").string() +
      " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerOptions opts;
  opts.port = 0;
  opts.tls = TlsOptions{*ReadFile(dir.path() / "cert.pem"), *ReadFile(dir.path() / "key.pem"), ""};
  auto server = Server::Start(opts, [](Request&) { return Response::Text(200, "secure"); });
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  std::string url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/";

  ClientRequest req{.url = url};
  req.tls.ca_pem = *ReadFile(dir.path() / "cert.pem");
  auto res = Send(req);
  ASSERT_TRUE(res.ok()) << res.error().ToString();
  EXPECT_EQ(res->body, "secure");

  ClientRequest untrusted{.url = url};
  EXPECT_FALSE(Send(untrusted).ok());
}

}  // namespace
}  // namespace sluice::http
