#include "core/metrics_registry.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cirrus::metrics {
namespace {

TEST(MetricsRegistryTest, ContentTypeIsTextFormat004) {
  EXPECT_EQ(kContentType, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(MetricsRegistryTest, EmptyRegistryRendersNothing) {
  Registry r;
  EXPECT_EQ(r.render(), "");
}

TEST(MetricsRegistryTest, RendersUnlabelledCounterFromRegistrationOn) {
  Registry r;
  Counter& c = r.counter("nginx_upstream_errors_total", "Origin fetches that failed.");
  EXPECT_EQ(r.render(),
            "# HELP nginx_upstream_errors_total Origin fetches that failed.\n"
            "# TYPE nginx_upstream_errors_total counter\n"
            "nginx_upstream_errors_total 0\n");
  c.inc(3);
  EXPECT_EQ(r.render(),
            "# HELP nginx_upstream_errors_total Origin fetches that failed.\n"
            "# TYPE nginx_upstream_errors_total counter\n"
            "nginx_upstream_errors_total 3\n");
}

TEST(MetricsRegistryTest, RendersLabelledCounterChildrenSortedByLabelValues) {
  Registry r;
  auto& requests = r.counterFamily("nginx_http_requests_total", "Requests by host and status.",
                                   {"host", "status"});
  requests.labels({"b.test", "200"}).inc(2);
  requests.labels({"a.test", "404"}).inc();
  requests.labels({"a.test", "200"}).inc(5);
  EXPECT_EQ(r.render(),
            "# HELP nginx_http_requests_total Requests by host and status.\n"
            "# TYPE nginx_http_requests_total counter\n"
            "nginx_http_requests_total{host=\"a.test\",status=\"200\"} 5\n"
            "nginx_http_requests_total{host=\"a.test\",status=\"404\"} 1\n"
            "nginx_http_requests_total{host=\"b.test\",status=\"200\"} 2\n");
}

TEST(MetricsRegistryTest, LabelledFamilyWithoutChildrenRendersOnlyHeader) {
  Registry r;
  r.counterFamily("cirrus_purges_total", "Purges applied.", {"kind"});
  EXPECT_EQ(r.render(),
            "# HELP cirrus_purges_total Purges applied.\n"
            "# TYPE cirrus_purges_total counter\n");
}

TEST(MetricsRegistryTest, LabelsReturnsTheSameChildEveryTime) {
  Registry r;
  auto& f = r.counterFamily("x_total", "x", {"a"});
  Counter& first = f.labels({"v"});
  std::vector<std::string> dynamic{"v"};
  Counter& second = f.labels(dynamic);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(f.labelsShared({"v"}).get(), &first);
  EXPECT_EQ(f.size(), 1u);
}

TEST(MetricsRegistryTest, RendersGauges) {
  Registry r;
  Gauge& conns = r.gauge("cirrus_edge_connections", "Open client connections.");
  auto& version = r.gaugeFamily("cirrus_config_version", "Config version.", {"host"});
  conns.set(7);
  conns.dec(0.5);
  version.labels({"a.test"}).set(-3);
  EXPECT_EQ(r.render(),
            "# HELP cirrus_edge_connections Open client connections.\n"
            "# TYPE cirrus_edge_connections gauge\n"
            "cirrus_edge_connections 6.5\n"
            "# HELP cirrus_config_version Config version.\n"
            "# TYPE cirrus_config_version gauge\n"
            "cirrus_config_version{host=\"a.test\"} -3\n");
}

TEST(MetricsRegistryTest, RendersHistogramBucketsSumAndCount) {
  Registry r;
  Histogram& h =
      r.histogram("cirrus_api_request_duration_seconds", "API latency.", {0.125, 0.5, 1});
  h.observe(0.0625);
  h.observe(0.125);
  h.observe(0.25);
  h.observe(2);
  EXPECT_EQ(r.render(),
            "# HELP cirrus_api_request_duration_seconds API latency.\n"
            "# TYPE cirrus_api_request_duration_seconds histogram\n"
            "cirrus_api_request_duration_seconds_bucket{le=\"0.125\"} 2\n"
            "cirrus_api_request_duration_seconds_bucket{le=\"0.5\"} 3\n"
            "cirrus_api_request_duration_seconds_bucket{le=\"1\"} 3\n"
            "cirrus_api_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"
            "cirrus_api_request_duration_seconds_sum 2.4375\n"
            "cirrus_api_request_duration_seconds_count 4\n");
}

TEST(MetricsRegistryTest, RendersLabelledHistogramWithLeLastAndDefaultBuckets) {
  Registry r;
  auto& f = r.histogramFamily("nginx_http_request_duration_seconds", "Request latency.", {"host"});
  f.labels({"a.test"}).observe(0.3);
  EXPECT_EQ(r.render(),
            "# HELP nginx_http_request_duration_seconds Request latency.\n"
            "# TYPE nginx_http_request_duration_seconds histogram\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.005\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.01\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.025\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.05\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.1\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.25\"} 0\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"0.5\"} 1\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"1\"} 1\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"2.5\"} 1\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"5\"} 1\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"10\"} 1\n"
            "nginx_http_request_duration_seconds_bucket{host=\"a.test\",le=\"+Inf\"} 1\n"
            "nginx_http_request_duration_seconds_sum{host=\"a.test\"} 0.3\n"
            "nginx_http_request_duration_seconds_count{host=\"a.test\"} 1\n");
}

TEST(MetricsRegistryTest, RendersFamiliesInRegistrationOrder) {
  Registry r;
  r.gauge("zzz", "last name, first registered");
  r.counter("aaa_total", "first name, second registered");
  r.gaugeCallback("mmm", "third", [] { return 1.0; });
  EXPECT_EQ(r.render(),
            "# HELP zzz last name, first registered\n"
            "# TYPE zzz gauge\n"
            "zzz 0\n"
            "# HELP aaa_total first name, second registered\n"
            "# TYPE aaa_total counter\n"
            "aaa_total 0\n"
            "# HELP mmm third\n"
            "# TYPE mmm gauge\n"
            "mmm 1\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelpInOutput) {
  Registry r;
  auto& f = r.counterFamily("odd_total", "Help with \\ and\nnewline and \"quotes\".", {"v"});
  f.labels({"back\\slash \"quoted\"\nnext"}).inc();
  EXPECT_EQ(r.render(),
            "# HELP odd_total Help with \\\\ and\\nnewline and \"quotes\".\n"
            "# TYPE odd_total counter\n"
            "odd_total{v=\"back\\\\slash \\\"quoted\\\"\\nnext\"} 1\n");
}

TEST(MetricsRegistryTest, CallbackMetricsAreEvaluatedAtEachRender) {
  Registry r;
  std::atomic<int> depth{3};
  r.gaugeCallback("cirrus_task_queue_depth", "Tasks waiting.", [&] { return double(depth); });
  r.counterCallback("cirrus_cache_evictions_total", "Evictions.", [] { return 12.0; });
  EXPECT_EQ(r.render(),
            "# HELP cirrus_task_queue_depth Tasks waiting.\n"
            "# TYPE cirrus_task_queue_depth gauge\n"
            "cirrus_task_queue_depth 3\n"
            "# HELP cirrus_cache_evictions_total Evictions.\n"
            "# TYPE cirrus_cache_evictions_total counter\n"
            "cirrus_cache_evictions_total 12\n");
  depth = 9;
  EXPECT_NE(r.render().find("cirrus_task_queue_depth 9\n"), std::string::npos);
}

TEST(MetricsRegistryTest, LabelledCallbackRendersEachSampleAndSkipsWrongArity) {
  Registry r;
  r.gaugeCallback("cirrus_cache_bytes", "Bytes cached per tier.", {"tier"}, [] {
    return std::vector<Sample>{{{"memory"}, 1048576}, {{"disk", "extra"}, 1}, {{"disk"}, 0.5}};
  });
  EXPECT_EQ(r.render(),
            "# HELP cirrus_cache_bytes Bytes cached per tier.\n"
            "# TYPE cirrus_cache_bytes gauge\n"
            "cirrus_cache_bytes{tier=\"memory\"} 1048576\n"
            "cirrus_cache_bytes{tier=\"disk\"} 0.5\n");
}

TEST(MetricsRegistryTest, CallbackMayRegisterMetricsWithoutDeadlock) {
  Registry r;
  bool registered = false;
  r.gaugeCallback("first", "registers another metric", [&] {
    if (!registered) {
      registered = true;
      r.counter("late_total", "registered during render");
    }
    return 1.0;
  });
  r.render();
  EXPECT_NE(r.render().find("late_total 0\n"), std::string::npos);
}

TEST(MetricsRegistryTest, RemoveDropsOneSeries) {
  Registry r;
  auto& f = r.counterFamily("req_total", "r", {"host", "status"});
  f.labels({"a.test", "200"}).inc();
  f.labels({"b.test", "200"}).inc();
  EXPECT_TRUE(f.remove({"a.test", "200"}));
  EXPECT_FALSE(f.remove({"a.test", "200"}));
  EXPECT_EQ(r.render(),
            "# HELP req_total r\n"
            "# TYPE req_total counter\n"
            "req_total{host=\"b.test\",status=\"200\"} 1\n");
  // The same labels later start again at zero.
  EXPECT_EQ(f.labels({"a.test", "200"}).value(), 0u);
}

TEST(MetricsRegistryTest, RemoveWhereDropsEverySeriesOfAHost) {
  Registry r;
  auto& f = r.counterFamily("req_total", "r", {"host", "status"});
  f.labels({"a.test", "200"}).inc();
  f.labels({"a.test", "404"}).inc();
  f.labels({"b.test", "200"}).inc();
  f.labels({"xa.test", "200"}).inc();
  EXPECT_EQ(f.removeWhere("host", "a.test"), 2u);
  EXPECT_EQ(f.size(), 2u);
  EXPECT_EQ(r.render(),
            "# HELP req_total r\n"
            "# TYPE req_total counter\n"
            "req_total{host=\"b.test\",status=\"200\"} 1\n"
            "req_total{host=\"xa.test\",status=\"200\"} 1\n");
  EXPECT_THROW(f.removeWhere("nope", "a.test"), std::logic_error);
}

TEST(MetricsRegistryTest, SharedChildStaysUsableAfterRemoval) {
  Registry r;
  auto& f = r.histogramFamily("lat_seconds", "l", {"host"});
  auto held = f.labelsShared({"a.test"});
  EXPECT_TRUE(f.remove({"a.test"}));
  held->observe(0.1);  // still valid memory, just no longer rendered
  EXPECT_EQ(held->snapshot().count, 1u);
  EXPECT_EQ(r.render(), "# HELP lat_seconds l\n# TYPE lat_seconds histogram\n");
}

TEST(MetricsRegistryTest, WrongNumberOfLabelValuesIsAProgrammingError) {
  Registry r;
  auto& f = r.counterFamily("req_total", "r", {"host", "status"});
  EXPECT_THROW(f.labels({"a.test"}), std::logic_error);
  EXPECT_THROW(f.remove({"a.test", "200", "x"}), std::logic_error);
}

TEST(MetricsRegistryTest, RejectsInvalidNamesAtRegistration) {
  Registry r;
  EXPECT_THROW(r.counter("bad-name", "h"), std::logic_error);
  EXPECT_THROW(r.counter("", "h"), std::logic_error);
  EXPECT_THROW(r.counter("0starts_with_digit", "h"), std::logic_error);
  EXPECT_THROW(r.counterFamily("ok_total", "h", {"bad label"}), std::logic_error);
  EXPECT_THROW(r.counterFamily("ok_total", "h", {"__reserved"}), std::logic_error);
  EXPECT_THROW(r.counterFamily("ok_total", "h", {"a", "a"}), std::logic_error);
  EXPECT_THROW(r.histogramFamily("ok_seconds", "h", {"le"}), std::logic_error);
  EXPECT_THROW(r.histogram("ok_seconds", "h", {2, 1}), std::logic_error);
  EXPECT_THROW(r.gaugeCallback("bad name", "h", [] { return 0.0; }), std::logic_error);
  // None of the failed registrations took its name.
  EXPECT_NO_THROW(r.counterFamily("ok_total", "h", {"a"}));
  EXPECT_NO_THROW(r.histogram("ok_seconds", "h"));
}

TEST(MetricsRegistryTest, RejectsDuplicateAndCollidingNames) {
  Registry r;
  r.counter("dup_total", "h");
  EXPECT_THROW(r.gauge("dup_total", "h"), std::logic_error);
  r.histogram("lat_seconds", "h");
  EXPECT_THROW(r.counter("lat_seconds_count", "h"), std::logic_error);
  EXPECT_THROW(r.gauge("lat_seconds_sum", "h"), std::logic_error);
  r.counter("other_bucket", "h");
  EXPECT_THROW(r.histogram("other", "h"), std::logic_error);
}

TEST(MetricsRegistryTest, ConcurrentIncrementsRenderExactTotal) {
  Registry r;
  auto& f = r.counterFamily("hits_total", "h", {"host"});
  Counter& c = f.labels({"a.test"});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100'000;
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) {
      auto text = r.render();
      EXPECT_NE(text.find("hits_total{host=\"a.test\"}"), std::string::npos);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) c.inc();
    });
  }
  for (auto& t : threads) t.join();
  stop = true;
  scraper.join();
  EXPECT_NE(r.render().find("hits_total{host=\"a.test\"} 800000\n"), std::string::npos);
}

TEST(MetricsRegistryTest, ConcurrentLookupsAndRemovalsAreSafe) {
  Registry r;
  auto& f = r.histogramFamily("lat_seconds", "l", {"host"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2'000; ++i) {
        std::string host = "h" + std::to_string(i % 7) + ".test";
        if (t == 0 && i % 3 == 0) {
          f.removeWhere("host", host);
        } else {
          f.labelsShared({host})->observe(0.01);
        }
        if (t == 1 && i % 100 == 0) r.render();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(f.size(), 7u);
}

}  // namespace
}  // namespace cirrus::metrics
