#include "report/format.h"

#include <algorithm>
#include <cstdio>

namespace report {

std::string FormatSpan(const std::optional<base::Duration>& d) {
  if (!d) return "-";
  const int64_t ms = d->count();
  const int64_t s = ms / 1000;
  char out[48];
  if (s < 60) {
    if (ms % 1000 == 0) {
      std::snprintf(out, sizeof out, "%llds", static_cast<long long>(s));
    } else {
      std::snprintf(out, sizeof out, "%.1fs", static_cast<double>(ms) / 1000.0);
    }
  } else if (s < 3600) {
    std::snprintf(out, sizeof out, "%lldm %02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 48 * 3600) {
    std::snprintf(out, sizeof out, "%lldh %02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  } else {
    std::snprintf(out, sizeof out, "%lldd %02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24));
  }
  return out;
}

std::string FormatPercent(const std::optional<double>& fraction) {
  if (!fraction) return "-";
  char out[16];
  std::snprintf(out, sizeof out, "%.1f%%", *fraction * 100.0);
  return out;
}

std::string TargetLabel(int64_t target_s, bool business) {
  std::string out;
  if (target_s > 0 && target_s % 3600 == 0) {
    out = std::to_string(target_s / 3600) + "h";
  } else if (target_s > 0 && target_s % 60 == 0) {
    out = std::to_string(target_s / 60) + "m";
  } else {
    out = std::to_string(target_s) + "s";
  }
  if (business) return out.back() == 'h' ? out.insert(out.size() - 1, "b") : out + " business";
  return out;
}

std::string TextTable::Render(const std::string& indent) const {
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      if (i > 0) line += "  ";
      const bool left = i == 0 || (last_left_ && i + 1 == row.size());
      line += left ? row[i] + pad : pad + row[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace report
