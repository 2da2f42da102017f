#include "http/client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "http/server.h"
#include "http/status.h"

namespace sluice::http {
namespace {

using namespace std::chrono_literals;

TEST(ClientTest, ConnectionRefusedIsUnavailableAndNamesTheUrl) {
  auto r = Send({.url = "http://127.0.0.1:1/x", .connect_timeout = 2s});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("GET http://127.0.0.1:1/x"), std::string::npos);
}

TEST(ClientTest, TimeoutIsTimeout) {
  auto server = Server::Start({.port = 0}, [](Request&) {
    std::this_thread::sleep_for(500ms);
    return Response::Text(200, "late");
  });
  ASSERT_TRUE(server.ok());
  auto r = Send(
      {.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/", .timeout = 100ms});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

TEST(ClientTest, RetriesHonourRetryAfterAndStop) {
  std::atomic<int> calls{0};
  auto server = Server::Start({.port = 0}, [&](Request&) {
    int n = ++calls;
    if (n < 3) {
      auto r = Response::Error(n == 1 ? 429 : 503, "busy", "try later");
      r.headers["Retry-After"] = "0";
      return r;
    }
    return Response::Text(200, "ok");
  });
  ASSERT_TRUE(server.ok());
  ClientRequest req{.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/"};
  auto r = SendWithRetry(req, {.max_attempts = 5, .initial_backoff = 1ms});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls.load(), 3);

  calls = -100;  // always failing now
  auto exhausted = SendWithRetry(req, {.max_attempts = 2, .initial_backoff = 1ms});
  ASSERT_TRUE(exhausted.ok());
  EXPECT_EQ(exhausted->status, 503);
  EXPECT_EQ(calls.load(), -98);
}

TEST(ClientTest, MultipartUpload) {
  auto server = Server::Start({.port = 0}, [](Request& r) {
    return Response::Text(200, r.Header("Content-Type") + "\n" + r.body);
  });
  ASSERT_TRUE(server.ok());
  ClientRequest req{
      .method = "POST",
      .url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/jars/upload"};
  req.multipart.push_back({"jarfile", "job.jar", "application/x-java-archive", "PK\x03\x04"});
  auto r = Send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->body.find("multipart/form-data; boundary="), std::string::npos);
  EXPECT_NE(r->body.find("name=\"jarfile\"; filename=\"job.jar\""), std::string::npos);
}

TEST(ErrorCodeForStatusTest, WhatAServicesAnswerMeansToItsClient) {
  EXPECT_EQ(ErrorCodeForStatus(400), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForStatus(401), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorCodeForStatus(403), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorCodeForStatus(404), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeForStatus(409), ErrorCode::kConflict);
  EXPECT_EQ(ErrorCodeForStatus(429), ErrorCode::kResourceExhausted);
  EXPECT_EQ(ErrorCodeForStatus(504), ErrorCode::kTimeout);
  EXPECT_EQ(ErrorCodeForStatus(502), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForStatus(422), ErrorCode::kInternal);
}

}  // namespace
}  // namespace sluice::http
