// Figures for people, shared by the text, html and retro renderers so a duration, a
// percentage or a target reads the same in each: spans ("12m 30s"), percentages ("97.3%"),
// targets ("12bh") and column-aligned text tables.
//
// Pure: builds strings. Thread-safe (TextTable is a value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"

namespace report {

// "45s", "1.5s", "12m 30s", "3h 05m", "2d 04h": a span people read at a glance; "-" for none.
std::string FormatSpan(const std::optional<base::Duration>& d);

// "97.3%" (one decimal) of a fraction in [0, 1]; "-" for none.
std::string FormatPercent(const std::optional<double>& fraction);

// A first-response target for people: "15m", "1h", "12bh" (business hours), "90s".
std::string TargetLabel(int64_t target_s, bool business);

// Columns padded to their widest cell: numbers right-aligned, the first column (and a
// trailing text column, when asked) left-aligned; two spaces between columns.
class TextTable {
 public:
  explicit TextTable(bool last_left = false) : last_left_(last_left) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Every row, each line prefixed by `indent`, trailing blanks trimmed, "\n" after each.
  std::string Render(const std::string& indent) const;

 private:
  bool last_left_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace report
