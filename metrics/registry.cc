#include "metrics/registry.h"

#include <cmath>
#include <set>
#include <string_view>

#include "base/check.h"
#include "metrics/exposition.h"

namespace metrics {
namespace {

void CheckLabels(const std::string& name, const Labels& labels, bool histogram) {
  std::set<std::string_view> seen;
  for (const auto& [key, value] : labels) {
    CHECK(IsLabelName(key), "metric " + name + ": invalid label name \"" + key + "\"");
    CHECK(seen.insert(key).second, "metric " + name + ": label \"" + key + "\" repeated");
    CHECK(!histogram || key != "le", "histogram " + name + ": \"le\" is the buckets' label");
  }
}

// Appends `name{labels}` (no braces without labels), with `le` last when given.
void AppendSeriesName(std::string_view name, const Labels& labels, const std::string* le,
                      std::string* out) {
  out->append(name);
  if (labels.empty() && !le) return;
  out->push_back('{');
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out->push_back(',');
    first = false;
    out->append(key);
    out->append("=\"");
    AppendLabelValue(value, out);
    out->push_back('"');
  }
  if (le) {
    if (!first) out->push_back(',');
    out->append("le=\"");
    out->append(*le);
    out->push_back('"');
  }
  out->push_back('}');
}

}  // namespace

Counter& Registry::AddCounter(std::string name, std::string help, Labels labels) {
  return *Find(std::move(name), std::move(help), Kind::kCounter, std::move(labels), [](Series& s) {
            s.counter = std::make_unique<Counter>();
          }).counter;
}

Gauge& Registry::AddGauge(std::string name, std::string help, Labels labels) {
  return *Find(std::move(name), std::move(help), Kind::kGauge, std::move(labels), [](Series& s) {
            s.gauge = std::make_unique<Gauge>();
          }).gauge;
}

Histogram& Registry::AddHistogram(std::string name, std::string help, std::vector<double> bounds,
                                  Labels labels) {
  // Made here, outside the lock, so its bounds (checked and trimmed) compare with an existing
  // series' bounds; dropped when the series exists.
  auto made = std::make_unique<Histogram>(std::move(bounds));
  const std::string name_copy = name;
  Histogram& h = *Find(std::move(name), std::move(help), Kind::kHistogram, std::move(labels),
                       [&made](Series& s) { s.histogram = std::move(made); })
                      .histogram;
  CHECK(!made || made->bounds() == h.bounds(),
        "histogram " + name_copy + " registered again with other bounds");
  return h;
}

void Registry::AddCollector(std::function<void(Registry&)> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collect));
}

const char* Registry::KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter:
      return "counter";
    case Kind::kGauge:
      return "gauge";
    case Kind::kHistogram:
      return "histogram";
  }
  return "?";
}

Registry::Series& Registry::Find(std::string name, std::string help, Kind kind, Labels labels,
                                 const std::function<void(Series&)>& make) {
  CHECK(IsMetricName(name), "invalid metric name \"" + name + "\"");
  // promtool's lint and every Prometheus client insist on both.
  CHECK((kind == Kind::kCounter) == name.ends_with("_total"),
        "metric " + name + ": counters' names, and only theirs, end in _total");
  CheckLabels(name, labels, kind == Kind::kHistogram);

  std::lock_guard<std::mutex> lock(mu_);
  auto f = by_name_.find(name);
  if (f == by_name_.end()) {
    families_.push_back(std::make_unique<Family>(Family{name, std::move(help), kind, {}, {}}));
    f = by_name_.emplace(std::move(name), families_.back().get()).first;
  }
  Family& family = *f->second;
  CHECK(family.kind == kind, "metric " + family.name + " registered as a " + KindName(family.kind) +
                                 " and as a " + KindName(kind));
  auto s = family.by_labels.find(labels);
  if (s != family.by_labels.end()) return family.series[s->second];
  family.by_labels.emplace(labels, family.series.size());
  Series& series = family.series.emplace_back();
  series.labels = std::move(labels);
  make(series);
  return series;
}

std::string Registry::Render() {
  std::lock_guard<std::mutex> render_lock(render_mu_);
  std::vector<std::function<void(Registry&)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  // Without mu_: a collector registers the label sets it finds.
  for (auto& collect : collectors) collect(*this);

  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& family : families_) RenderFamily(*family, &out);
  return out;
}

void Registry::RenderFamily(const Family& family, std::string* out) const {
  const std::string& name = family.name;
  out->append("# HELP ").append(name).push_back(' ');
  AppendHelp(family.help, out);
  out->append("\n# TYPE ").append(name).push_back(' ');
  out->append(KindName(family.kind));
  out->push_back('\n');
  for (const Series& s : family.series) {
    switch (family.kind) {
      case Kind::kCounter:
        AppendSeriesName(name, s.labels, nullptr, out);
        out->push_back(' ');
        AppendValue(s.counter->value(), out);
        out->push_back('\n');
        break;
      case Kind::kGauge:
        AppendSeriesName(name, s.labels, nullptr, out);
        out->push_back(' ');
        AppendValue(s.gauge->value(), out);
        out->push_back('\n');
        break;
      case Kind::kHistogram: {
        const Histogram::Snapshot h = s.histogram->Read();
        const std::string bucket = name + "_bucket";
        std::string le;
        for (size_t i = 0; i <= h.bounds.size(); ++i) {
          le.clear();
          if (i < h.bounds.size()) {
            AppendValue(h.bounds[i], &le);
          } else {
            le = "+Inf";
          }
          AppendSeriesName(bucket, s.labels, &le, out);
          out->push_back(' ');
          AppendValue(i < h.bounds.size() ? h.cumulative[i] : h.count, out);
          out->push_back('\n');
        }
        AppendSeriesName(name + "_sum", s.labels, nullptr, out);
        out->push_back(' ');
        AppendValue(h.sum, out);
        out->push_back('\n');
        AppendSeriesName(name + "_count", s.labels, nullptr, out);
        out->push_back(' ');
        AppendValue(h.count, out);
        out->push_back('\n');
        break;
      }
    }
  }
}

}  // namespace metrics
