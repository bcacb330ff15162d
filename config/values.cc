#include "config/values.h"

#include <cctype>
#include <charconv>

namespace config::values {
namespace {

using base::Status;

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int Digits(std::string_view text) {
  int v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return v;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    size_t end = text.find(sep, begin);
    if (end == std::string_view::npos) {
      parts.push_back(Trim(text.substr(begin)));
      return parts;
    }
    parts.push_back(Trim(text.substr(begin, end - begin)));
    begin = end + 1;
  }
}

constexpr const char* kWeekdayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool LookupWeekday(std::string_view text, Weekday& out) {
  if (text.size() != 3) return false;
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 7; ++i) {
    if (lower == kWeekdayNames[i]) {
      out = static_cast<Weekday>(i);
      return true;
    }
  }
  return false;
}

// "YYYY-MM-DD" at the start of text.
bool ReadDate(std::string_view text, std::chrono::year_month_day& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return false;
  std::chrono::year_month_day ymd{std::chrono::year{Digits(y)},
                                  std::chrono::month{static_cast<unsigned>(Digits(m))},
                                  std::chrono::day{static_cast<unsigned>(Digits(d))}};
  if (!ymd.ok()) return false;
  out = ymd;
  return true;
}

}  // namespace

const char* WeekdayName(Weekday day) { return kWeekdayNames[static_cast<int>(day)]; }

base::Result<DurationSpec> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("invalid duration " + Quote(text) +
                                " (expected a whole number and a unit s, m, h, d or bh, "
                                "e.g. 90s, 15m, 1h, 2d, 12bh)");
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return bad();
  std::string_view unit = text.substr(digits);
  int64_t per_unit = 0;
  bool business = false;
  if (unit == "s") {
    per_unit = 1;
  } else if (unit == "m") {
    per_unit = 60;
  } else if (unit == "h") {
    per_unit = 3600;
  } else if (unit == "d") {
    per_unit = 86400;
  } else if (unit == "bh") {
    per_unit = 3600;
    business = true;
  } else {
    return bad();
  }
  constexpr int64_t kMaxSeconds = int64_t{10} * 366 * 86400;
  if (digits > 9) return Status::InvalidInput("duration " + Quote(text) + " is too long");
  int64_t amount = 0;
  std::from_chars(text.data(), text.data() + digits, amount);
  if (amount * per_unit > kMaxSeconds)
    return Status::InvalidInput("duration " + Quote(text) + " is too long (at most 10 years)");
  return DurationSpec{std::chrono::seconds(amount * per_unit), business};
}

base::Result<std::chrono::minutes> ParseTimeOfDay(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':' || !AllDigits(text.substr(0, 2)) ||
      !AllDigits(text.substr(3, 2)))
    return Status::InvalidInput("invalid time of day " + Quote(text) + " (expected HH:MM)");
  int h = Digits(text.substr(0, 2)), m = Digits(text.substr(3, 2));
  if (h == 24 && m == 0) {
    if (allow_24) return std::chrono::minutes(24 * 60);
    return Status::InvalidInput("time of day " + Quote(text) +
                                " is allowed only as the end of a window");
  }
  if (h > 23 || m > 59)
    return Status::InvalidInput("invalid time of day " + Quote(text) +
                                " (hours 00-23, minutes 00-59)");
  return std::chrono::minutes(h * 60 + m);
}

base::Result<std::vector<DailyWindow>> ParseWindows(std::string_view text, bool allow_overnight) {
  std::vector<DailyWindow> windows;
  if (Trim(text).empty())
    return Status::InvalidInput("empty window (expected HH:MM-HH:MM, e.g. 09:00-17:00)");
  for (std::string_view item : Split(text, ',')) {
    size_t dash = item.find('-');
    if (dash == std::string_view::npos)
      return Status::InvalidInput("invalid window " + Quote(item) +
                                  " (expected HH:MM-HH:MM, e.g. 09:00-17:00)");
    auto start = ParseTimeOfDay(Trim(item.substr(0, dash)), false);
    if (!start.ok())
      return Status::InvalidInput("window " + Quote(item) + ": " + start.status().message());
    auto end = ParseTimeOfDay(Trim(item.substr(dash + 1)), true);
    if (!end.ok())
      return Status::InvalidInput("window " + Quote(item) + ": " + end.status().message());
    if (*start == *end)
      return Status::InvalidInput("window " + Quote(item) +
                                  " is empty (write 00:00-24:00 for a whole day)");
    if (*end < *start && !allow_overnight)
      return Status::InvalidInput("window " + Quote(item) +
                                  " crosses midnight (business hours must end by 24:00)");
    windows.push_back({*start, *end});
  }
  return windows;
}

base::Result<std::vector<Weekday>> ParseWeekdays(std::string_view text) {
  auto bad_name = [&](std::string_view name) {
    return Status::InvalidInput("unknown weekday " + Quote(name) + " in " + Quote(text) +
                                " (expected mon, tue, wed, thu, fri, sat, sun, a range "
                                "such as mon-fri, or a comma list)");
  };
  std::vector<Weekday> days;
  auto add = [&](Weekday d) {
    for (Weekday seen : days)
      if (seen == d) return;
    days.push_back(d);
  };
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) return bad_name(item);
    size_t dash = item.find('-');
    Weekday first, last;
    if (dash == std::string_view::npos) {
      if (!LookupWeekday(item, first)) return bad_name(item);
      add(first);
      continue;
    }
    auto a = Trim(item.substr(0, dash)), b = Trim(item.substr(dash + 1));
    if (!LookupWeekday(a, first)) return bad_name(a);
    if (!LookupWeekday(b, last)) return bad_name(b);
    // Ranges wrap past Sunday: fri-mon is fri, sat, sun, mon.
    for (int d = static_cast<int>(first);; d = (d + 1) % 7) {
      add(static_cast<Weekday>(d));
      if (d == static_cast<int>(last)) break;
    }
  }
  return days;
}

base::Result<std::chrono::year_month_day> ParseDate(std::string_view text) {
  std::chrono::year_month_day ymd;
  if (!ReadDate(text, ymd))
    return Status::InvalidInput("invalid date " + Quote(text) +
                                " (expected an existing YYYY-MM-DD date)");
  return ymd;
}

base::Result<std::chrono::local_seconds> ParseLocalDateTime(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("invalid local date-time " + Quote(text) +
                                " (expected YYYY-MM-DDTHH:MM, local to the zone given beside it)");
  };
  if (text.size() < 16) return bad();
  std::chrono::year_month_day ymd;
  if (!ReadDate(text.substr(0, 10), ymd)) return bad();
  if (text[10] != 'T' && text[10] != ' ') return bad();
  std::string_view rest = text.substr(11);
  std::string_view clock = rest.substr(0, 5);
  std::string_view tail = rest.substr(clock.size());
  int seconds = 0;
  if (tail.size() >= 3 && tail[0] == ':' && AllDigits(tail.substr(1, 2))) {
    seconds = Digits(tail.substr(1, 2));
    if (seconds > 59) return bad();
    tail.remove_prefix(3);
  }
  if (!tail.empty()) {
    if (tail[0] == 'Z' || tail[0] == 'z' || tail[0] == '+' || tail[0] == '-')
      return Status::InvalidInput("local date-time " + Quote(text) +
                                  " carries an offset; write the local wall-clock time "
                                  "(YYYY-MM-DDTHH:MM) in the zone given beside it");
    return bad();
  }
  auto tod = ParseTimeOfDay(clock, false);
  if (!tod.ok()) return bad();
  return std::chrono::local_days(ymd) + *tod + std::chrono::seconds(seconds);
}

base::Result<double> ParseFraction(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("invalid fraction " + Quote(text) +
                                " (expected a percentage such as 75% or a number such as 0.75, "
                                "above 0 and at most 1)");
  };
  std::string_view number = text;
  bool percent = false;
  if (!number.empty() && number.back() == '%') {
    percent = true;
    number.remove_suffix(1);
  }
  if (number.empty()) return bad();
  for (char c : number)
    if (!(c >= '0' && c <= '9') && c != '.') return bad();
  double value = 0;
  // from_chars for double is in libstdc++ 11+.
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size()) return bad();
  if (percent) value /= 100.0;
  if (!(value > 0.0 && value <= 1.0)) return bad();
  return value;
}

base::Result<int> ParseInt(std::string_view text, int min, int max) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
      value > max)
    return Status::InvalidInput("invalid number " + Quote(text) +
                                " (expected a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ")");
  return value;
}

base::Result<bool> ParseBool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Status::InvalidInput("invalid boolean " + Quote(text) + " (expected true or false)");
}

}  // namespace config::values
