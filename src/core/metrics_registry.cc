#include "core/metrics_registry.h"

#include <algorithm>
#include <stdexcept>

#include "core/metrics_text.h"

namespace cirrus::metrics {
namespace {

std::string_view typeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::vector<std::string> toKey(std::initializer_list<std::string_view> values) {
  return {values.begin(), values.end()};
}

std::vector<std::string> toKey(std::span<const std::string> values) {
  return {values.begin(), values.end()};
}

/// `name{pairs}` or `name` when there are no pairs; `extra` (e.g. `le="0.1"`) goes last.
void appendSeries(std::string& out, std::string_view name, std::string_view suffix,
                  std::string_view pairs, std::string_view extra = {}) {
  out += name;
  out += suffix;
  if (!pairs.empty() || !extra.empty()) {
    out += '{';
    out += pairs;
    if (!pairs.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
  }
  out += ' ';
}

void renderChild(std::string& out, const std::string& name, std::string_view pairs,
                 const Counter& c) {
  appendSeries(out, name, "", pairs);
  text::appendValue(out, c.value());
  out += '\n';
}

void renderChild(std::string& out, const std::string& name, std::string_view pairs,
                 const Gauge& g) {
  appendSeries(out, name, "", pairs);
  text::appendValue(out, g.value());
  out += '\n';
}

void renderChild(std::string& out, const std::string& name, std::string_view pairs,
                 const Histogram& h) {
  auto snap = h.snapshot();
  std::string le;
  for (size_t i = 0; i < snap.cumulative.size(); ++i) {
    le = "le=\"";
    if (i < snap.bounds.size()) {
      text::appendValue(le, snap.bounds[i]);
    } else {
      le += "+Inf";
    }
    le += '"';
    appendSeries(out, name, "_bucket", pairs, le);
    text::appendValue(out, snap.cumulative[i]);
    out += '\n';
  }
  appendSeries(out, name, "_sum", pairs);
  text::appendValue(out, snap.sum);
  out += '\n';
  appendSeries(out, name, "_count", pairs);
  text::appendValue(out, snap.count);
  out += '\n';
}

}  // namespace

// ---- FamilyBase ----

FamilyBase::FamilyBase(MetricType type, std::string name, std::string help,
                       std::vector<std::string> label_names)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)) {}

void FamilyBase::appendHeader(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  text::appendHelp(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += typeName(type_);
  out += '\n';
}

void FamilyBase::checkArity(size_t count) const {
  if (count != label_names_.size()) {
    throw std::logic_error("metric " + name_ + " takes " + std::to_string(label_names_.size()) +
                           " label values, got " + std::to_string(count));
  }
}

// ---- Family<Metric> ----

template <class Metric>
Family<Metric>::Family(MetricType type, std::string name, std::string help,
                       std::vector<std::string> labels, std::vector<double> bounds)
    : FamilyBase(type, std::move(name), std::move(help), std::move(labels)),
      bounds_(std::move(bounds)) {}

template <class Metric>
std::shared_ptr<Metric> Family<Metric>::child(std::vector<std::string> key) {
  checkArity(key.size());
  std::lock_guard lock(mu_);
  auto it = children_.find(key);
  if (it != children_.end()) return it->second;
  std::shared_ptr<Metric> fresh;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    fresh = std::make_shared<Histogram>(bounds_);
  } else {
    fresh = std::make_shared<Metric>();
  }
  children_.emplace(std::move(key), fresh);
  return fresh;
}

template <class Metric>
Metric& Family<Metric>::labels(std::initializer_list<std::string_view> values) {
  return *child(toKey(values));
}

template <class Metric>
Metric& Family<Metric>::labels(std::span<const std::string> values) {
  return *child(toKey(values));
}

template <class Metric>
std::shared_ptr<Metric> Family<Metric>::labelsShared(
    std::initializer_list<std::string_view> values) {
  return child(toKey(values));
}

template <class Metric>
std::shared_ptr<Metric> Family<Metric>::labelsShared(std::span<const std::string> values) {
  return child(toKey(values));
}

template <class Metric>
bool Family<Metric>::removeKey(const std::vector<std::string>& key) {
  checkArity(key.size());
  std::shared_ptr<Metric> dropped;  // destroyed after the lock is released
  std::lock_guard lock(mu_);
  auto it = children_.find(key);
  if (it == children_.end()) return false;
  dropped = std::move(it->second);
  children_.erase(it);
  return true;
}

template <class Metric>
bool Family<Metric>::remove(std::initializer_list<std::string_view> values) {
  return removeKey(toKey(values));
}

template <class Metric>
bool Family<Metric>::remove(std::span<const std::string> values) {
  return removeKey(toKey(values));
}

template <class Metric>
size_t Family<Metric>::removeWhere(std::string_view label_name, std::string_view value) {
  auto pos = std::find(label_names_.begin(), label_names_.end(), label_name);
  if (pos == label_names_.end())
    throw std::logic_error("metric " + name_ + " has no label " + std::string(label_name));
  auto index = static_cast<size_t>(pos - label_names_.begin());
  std::vector<std::shared_ptr<Metric>> dropped;
  std::lock_guard lock(mu_);
  for (auto it = children_.begin(); it != children_.end();) {
    if (it->first[index] == value) {
      dropped.push_back(std::move(it->second));
      it = children_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped.size();
}

template <class Metric>
size_t Family<Metric>::size() const {
  std::lock_guard lock(mu_);
  return children_.size();
}

template <class Metric>
void Family<Metric>::render(std::string& out) const {
  appendHeader(out);
  std::lock_guard lock(mu_);
  std::string pairs;
  for (const auto& [values, metric] : children_) {
    pairs.clear();
    text::appendLabelPairs(pairs, label_names_, values);
    renderChild(out, name_, pairs, *metric);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- CallbackFamily ----

CallbackFamily::CallbackFamily(MetricType type, std::string name, std::string help,
                               std::vector<std::string> labels, Fn fn)
    : FamilyBase(type, std::move(name), std::move(help), std::move(labels)), fn_(std::move(fn)) {}

void CallbackFamily::render(std::string& out) const {
  appendHeader(out);
  std::string pairs;
  for (const auto& sample : fn_()) {
    if (sample.label_values.size() != label_names_.size()) continue;
    pairs.clear();
    text::appendLabelPairs(pairs, label_names_, sample.label_values);
    appendSeries(out, name_, "", pairs);
    text::appendValue(out, sample.value);
    out += '\n';
  }
}

// ---- Registry ----

Registry::Registry() = default;
Registry::~Registry() = default;

template <class F>
F& Registry::add(std::unique_ptr<F> family) {
  const auto& name = family->name();
  if (!text::isValidMetricName(name)) throw std::logic_error("invalid metric name: " + name);
  const auto& labels = family->labelNames();
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!text::isValidLabelName(labels[i]))
      throw std::logic_error("metric " + name + ": invalid label name: " + labels[i]);
    if (std::find(labels.begin(), labels.begin() + static_cast<ptrdiff_t>(i), labels[i]) !=
        labels.begin() + static_cast<ptrdiff_t>(i))
      throw std::logic_error("metric " + name + ": duplicate label name: " + labels[i]);
    if (family->type() == MetricType::kHistogram && labels[i] == "le")
      throw std::logic_error("metric " + name + ": histograms reserve the label name le");
  }
  // A histogram also owns the sample names <name>_bucket, _sum and _count.
  std::vector<std::string> names{name};
  if (family->type() == MetricType::kHistogram) {
    names.push_back(name + "_bucket");
    names.push_back(name + "_sum");
    names.push_back(name + "_count");
  }
  std::lock_guard lock(mu_);
  for (const auto& n : names) {
    if (taken_names_.contains(n)) throw std::logic_error("metric name already registered: " + n);
  }
  taken_names_.insert(names.begin(), names.end());
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Counter>& Registry::counterFamily(std::string_view name, std::string_view help,
                                         std::vector<std::string> label_names) {
  return add(std::unique_ptr<Family<Counter>>(new Family<Counter>(
      MetricType::kCounter, std::string(name), std::string(help), std::move(label_names), {})));
}

Family<Gauge>& Registry::gaugeFamily(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names) {
  return add(std::unique_ptr<Family<Gauge>>(new Family<Gauge>(
      MetricType::kGauge, std::string(name), std::string(help), std::move(label_names), {})));
}

Family<Histogram>& Registry::histogramFamily(std::string_view name, std::string_view help,
                                             std::vector<std::string> label_names,
                                             std::vector<double> bounds) {
  return add(std::unique_ptr<Family<Histogram>>(
      new Family<Histogram>(MetricType::kHistogram, std::string(name), std::string(help),
                            std::move(label_names), Histogram::checkedBounds(std::move(bounds)))));
}

Counter& Registry::counter(std::string_view name, std::string_view help) {
  return counterFamily(name, help, {}).labels({});
}

Gauge& Registry::gauge(std::string_view name, std::string_view help) {
  return gaugeFamily(name, help, {}).labels({});
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds) {
  return histogramFamily(name, help, {}, std::move(bounds)).labels({});
}

void Registry::gaugeCallback(std::string_view name, std::string_view help,
                             std::function<double()> fn) {
  gaugeCallback(name, help, {}, [fn = std::move(fn)] { return std::vector<Sample>{{{}, fn()}}; });
}

void Registry::counterCallback(std::string_view name, std::string_view help,
                               std::function<double()> fn) {
  counterCallback(name, help, {}, [fn = std::move(fn)] { return std::vector<Sample>{{{}, fn()}}; });
}

void Registry::gaugeCallback(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, CallbackFamily::Fn fn) {
  add(std::unique_ptr<CallbackFamily>(new CallbackFamily(MetricType::kGauge, std::string(name),
                                                         std::string(help), std::move(label_names),
                                                         std::move(fn))));
}

void Registry::counterCallback(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names, CallbackFamily::Fn fn) {
  add(std::unique_ptr<CallbackFamily>(new CallbackFamily(MetricType::kCounter, std::string(name),
                                                         std::string(help), std::move(label_names),
                                                         std::move(fn))));
}

std::string Registry::render() const {
  // Families are never unregistered, so the pointers stay valid after the lock is released;
  // rendering without it lets callbacks register metrics without deadlocking.
  std::vector<const FamilyBase*> families;
  {
    std::lock_guard lock(mu_);
    families.reserve(families_.size());
    for (const auto& f : families_) families.push_back(f.get());
  }
  std::string out;
  for (const auto* f : families) f->render(out);
  return out;
}

}  // namespace cirrus::metrics
