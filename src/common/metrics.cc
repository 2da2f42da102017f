#include "common/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sluice::metrics {
namespace {

template <typename A>
void AtomicAdd(A& a, double by) {
  double cur = a.load();
  while (!a.compare_exchange_weak(cur, cur + by)) {
  }
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string LabelSet(const std::vector<std::string>& names, const Labels& values,
                     const std::string& extra = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "" : ",";
    out += names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void Header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Counter::Inc(double by) {
  AtomicAdd(value_, by);
}
void Gauge::Add(double by) {
  AtomicAdd(value_, by);
}

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(bounds->size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_->begin(), bounds_->end(), v) - bounds_->begin();
  std::lock_guard lock(mu_);
  counts_[i]++;
  sum_ += v;
  count_++;
}

Histogram::Snapshot Histogram::Read() const {
  std::lock_guard lock(mu_);
  Snapshot s;
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

template <typename T>
T& Family<T>::With(const Labels& values) {
  std::lock_guard lock(mu_);
  auto& slot = series_[values];
  if (!slot) slot = Make();
  return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry& Registry::Default() {
  static Registry* r = new Registry();
  return *r;
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto& slot = counters_[name];
  if (!slot) slot = std::make_unique<Family<Counter>>(name, help, std::move(label_names));
  return *slot;
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto& slot = gauges_[name];
  if (!slot) slot = std::make_unique<Family<Gauge>>(name, help, std::move(label_names));
  return *slot;
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& slot = histograms_[name];
  if (!slot) {
    std::sort(bounds.begin(), bounds.end());
    slot = std::make_unique<HistogramFamily>(name, help, std::move(label_names), std::move(bounds));
  }
  return *slot;
}

std::vector<double> Registry::DefaultLatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& entry : counters_) {
    const std::string& name = entry.first;
    const auto& family = entry.second;
    Header(out, name, family->help(), "counter");
    family->ForEach([&](const Labels& l, const Counter& c) {
      out += name + LabelSet(family->label_names(), l) + " " + FormatNumber(c.Value()) + "\n";
    });
  }
  for (const auto& entry : gauges_) {
    const std::string& name = entry.first;
    const auto& family = entry.second;
    Header(out, name, family->help(), "gauge");
    family->ForEach([&](const Labels& l, const Gauge& g) {
      out += name + LabelSet(family->label_names(), l) + " " + FormatNumber(g.Value()) + "\n";
    });
  }
  for (const auto& entry : histograms_) {
    const std::string& name = entry.first;
    const auto& family = entry.second;
    Header(out, name, family->help(), "histogram");
    const auto& bounds = family->bounds();
    family->ForEach([&](const Labels& l, const Histogram& h) {
      auto snap = h.Read();
      for (size_t i = 0; i <= bounds.size(); ++i) {
        std::string le = "le=\"" + (i < bounds.size() ? FormatNumber(bounds[i]) : "+Inf") + "\"";
        out += name + "_bucket" + LabelSet(family->label_names(), l, le) + " " +
               std::to_string(snap.cumulative[i]) + "\n";
      }
      out +=
          name + "_sum" + LabelSet(family->label_names(), l) + " " + FormatNumber(snap.sum) + "\n";
      out += name + "_count" + LabelSet(family->label_names(), l) + " " +
             std::to_string(snap.count) + "\n";
    });
  }
  return out;
}

}  // namespace sluice::metrics
