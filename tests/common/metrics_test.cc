#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace sluice::metrics {
namespace {

TEST(MetricsTest, CountersRenderWithLabels) {
  Registry r;
  auto& c = r.AddCounter("sluice_things_total", "Things.", {"kind"});
  c.With({"a"}).Inc();
  c.With({"a"}).Inc(2);
  c.With({"b\"q"}).Inc();
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE sluice_things_total counter"), std::string::npos);
  EXPECT_NE(text.find("sluice_things_total{kind=\"a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_things_total{kind=\"b\\\"q\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.AddHistogram("lat_seconds", "Latency.", {"route"}, {0.1, 1});
  h.With({"/x"}).Observe(0.05);
  h.With({"/x"}).Observe(0.5);
  h.With({"/x"}).Observe(5);
  std::string text = r.Render();
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{route=\"/x\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrements) {
  Registry r;
  auto& c = r.AddCounter("n_total", "N.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i)
        c.With({}).Inc();
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(c.With({}).Value(), 40000);
}

}  // namespace
}  // namespace sluice::metrics
