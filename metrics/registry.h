// The registry: owns every metric of a process, hands out references to them, and renders them
// all in Prometheus's text exposition format for a scrape.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metrics.h"

namespace metrics {

// Metrics grouped in families (one name, one HELP and TYPE, any number of label sets). Any
// thread may register or Render; the metrics themselves are updated without the registry's
// lock. Registering costs a lock and allocations, so do it once and keep the reference;
// updating the reference afterwards allocates nothing.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each returns the metric registered under `name` and `labels`, making it on first use: a
  // reference valid for the registry's life. `help` is kept from the family's first
  // registration. REQUIRES (else aborts: these are programming errors): `name` a valid metric
  // name; a counter's name ends in "_total" and no other kind's does; labels' names valid, not
  // repeated, and not "le" for a histogram; the name not registered as another kind; the same
  // bounds for every registration of one histogram.
  Counter& AddCounter(std::string name, std::string help, Labels labels = {});
  Gauge& AddGauge(std::string name, std::string help, Labels labels = {});
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> bounds,
                          Labels labels = {});

  // Adds a collector: Render runs every collector, in the order added, before it renders, so a
  // collector can set gauges from a snapshot of current state (registering new label sets as
  // they appear). Renders are serialised, so collectors never run concurrently with each
  // other; they run on the rendering thread and must be safe against the threads whose state
  // they read. A collector may register metrics but must not call Render or AddCollector.
  void AddCollector(std::function<void(Registry&)> collect);

  // Runs the collectors, then returns every metric in the text exposition format 0.0.4: one
  // # HELP and # TYPE per family, families in registration order and each family's label sets
  // in registration order; histograms as cumulative _bucket{le="..."} lines ending in
  // le="+Inf", then _sum and _count.
  std::string Render();

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    Kind kind;
    // A deque: a new label set moves no Series, so Find's reference outlives its lock.
    std::deque<Series> series;           // registration order
    std::map<Labels, size_t> by_labels;  // -> index in series
  };

  static const char* KindName(Kind kind);  // as # TYPE spells it
  // The series under name and labels, made by `make` on first use; checks the REQUIRES above.
  Series& Find(std::string name, std::string help, Kind kind, Labels labels,
               const std::function<void(Series&)>& make);
  void RenderFamily(const Family& family, std::string* out) const;

  std::mutex render_mu_;  // serialises Render, hence the collectors; taken before mu_
  std::mutex mu_;         // guards everything below
  std::vector<std::unique_ptr<Family>> families_;  // registration order
  std::map<std::string, Family*, std::less<>> by_name_;
  std::vector<std::function<void(Registry&)>> collectors_;
};

}  // namespace metrics
