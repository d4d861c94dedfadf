// Metrics registry: named families of counters, gauges and histograms with fixed label
// names, plus callback metrics read at scrape time, rendered in the Prometheus text format
// 0.0.4. Register at start-up (bad names throw std::logic_error), look children up once and
// keep the reference: the hot path touches only the child's per-thread cells.
//
//   auto& requests = registry.counterFamily("nginx_http_requests_total", "Requests.",
//                                           {"host", "status"});
//   Counter& ok = requests.labels({"a.test", "200"});   // once, then cached
//   ok.inc();                                            // hot path
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics_series.h"

namespace cirrus::metrics {

/// Content-Type of render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

/// One sample returned by a labelled callback metric.
struct Sample {
  std::vector<std::string> label_values;  // in the order of the family's label names
  double value = 0;
};

/// What every family shares: identity and rendering. Families are owned by the Registry and
/// live as long as it does.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }
  MetricType type() const { return type_; }

  /// Appends HELP, TYPE and every sample of the family.
  virtual void render(std::string& out) const = 0;

 protected:
  FamilyBase(MetricType type, std::string name, std::string help,
             std::vector<std::string> label_names);
  void appendHeader(std::string& out) const;
  /// Throws std::logic_error when `count` differs from the number of label names.
  void checkArity(size_t count) const;

  MetricType type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

/// A family of Counter, Gauge or Histogram children, one per distinct tuple of label values.
/// Thread-safe. Children render sorted by label values.
template <class Metric>
class Family final : public FamilyBase {
 public:
  /// The child for these label values (in label-name order), created at zero on first use.
  /// The reference stays valid until remove()/removeWhere() drops that child. Throws
  /// std::logic_error when the number of values differs from the number of label names.
  Metric& labels(std::initializer_list<std::string_view> values);
  Metric& labels(std::span<const std::string> values);

  /// Same child, shared: stays usable after removal (its updates are then no longer
  /// rendered). Use this when other threads may still hold the child while it is removed.
  std::shared_ptr<Metric> labelsShared(std::initializer_list<std::string_view> values);
  std::shared_ptr<Metric> labelsShared(std::span<const std::string> values);

  /// Drops the child with exactly these label values; false when there was none. A later
  /// labels() with the same values starts a fresh series at zero.
  bool remove(std::initializer_list<std::string_view> values);
  bool remove(std::span<const std::string> values);

  /// Drops every child whose label `label_name` equals `value` (e.g. host="a.test" when the
  /// domain is deleted); returns how many. Throws std::logic_error for an unknown label name.
  size_t removeWhere(std::string_view label_name, std::string_view value);

  size_t size() const;
  void render(std::string& out) const override;

 private:
  friend class Registry;
  Family(MetricType type, std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds);

  std::shared_ptr<Metric> child(std::vector<std::string> key);
  bool removeKey(const std::vector<std::string>& key);

  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::shared_ptr<Metric>> children_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

/// Counter or gauge whose samples come from a function called at each render().
class CallbackFamily final : public FamilyBase {
 public:
  using Fn = std::function<std::vector<Sample>()>;
  void render(std::string& out) const override;

 private:
  friend class Registry;
  CallbackFamily(MetricType type, std::string name, std::string help,
                 std::vector<std::string> labels, Fn fn);
  Fn fn_;
};

/// All families of one process, rendered in registration order. Registration and render()
/// are thread-safe. Registering an invalid metric or label name, "le" as a histogram label,
/// a duplicate label name, or a name (or a histogram's _bucket/_sum/_count) that is already
/// taken throws std::logic_error.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counterFamily(std::string_view name, std::string_view help,
                                 std::vector<std::string> label_names);
  Family<Gauge>& gaugeFamily(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names);
  Family<Histogram>& histogramFamily(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds = defaultLatencyBuckets());

  // Families without labels: the one child, rendered from registration on (at zero).
  Counter& counter(std::string_view name, std::string_view help);
  Gauge& gauge(std::string_view name, std::string_view help);
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<double> bounds = defaultLatencyBuckets());

  /// Metrics read at render time (queue depth, cache bytes). `fn` runs on the rendering
  /// thread, must be thread-safe and may not throw; it may call into the registry.
  /// Labelled samples whose number of values differs from label_names are skipped.
  void gaugeCallback(std::string_view name, std::string_view help, std::function<double()> fn);
  void counterCallback(std::string_view name, std::string_view help, std::function<double()> fn);
  void gaugeCallback(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names, CallbackFamily::Fn fn);
  void counterCallback(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names, CallbackFamily::Fn fn);

  /// The whole exposition (Content-Type kContentType): for each family a HELP and a TYPE
  /// line, then its samples; every line ends with '\n'.
  std::string render() const;

 private:
  template <class F>
  F& add(std::unique_ptr<F> family);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::set<std::string, std::less<>> taken_names_;
};

}  // namespace cirrus::metrics
