#include "base/time.h"

#include <charconv>
#include <cstdio>

namespace base {
namespace {

// Reads exactly `width` digits at text[pos]; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, int width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<Timestamp> ParseInstant(std::string_view text) {
  using namespace std::chrono;
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!ReadDigits(text, pos, 4, y) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, mo) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, d))
    return std::nullopt;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' '))
    return std::nullopt;
  ++pos;
  if (!ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, mi))
    return std::nullopt;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, pos, 2, s)) return std::nullopt;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      // Up to millisecond precision is kept; further digits are truncated.
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) ms = ms * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 3; ++i) ms *= 10;
    }
  }
  int offset_minutes = 0;
  if (pos >= text.size()) return std::nullopt;  // no offset: ambiguous
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!ReadDigits(text, pos, 2, oh)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (!ReadDigits(text, pos, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || h > 24 || mi > 59 || s > 60) return std::nullopt;
  if (h == 24 && (mi != 0 || s != 0 || ms != 0)) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  if (s == 60) s = 59;  // a leap second reads as the second before it
  auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms} -
           minutes{offset_minutes};
  return time_point_cast<milliseconds>(t);
}

std::string FormatInstant(Timestamp t) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  auto in_day = t - day_point;
  auto h = duration_cast<hours>(in_day);
  auto m = duration_cast<minutes>(in_day - h);
  auto s = duration_cast<seconds>(in_day - h - m);
  auto ms = (in_day - h - m - s).count();
  const int year = int(ymd.year());
  if (year >= 0 && year <= 9999) {
    // The common case by hand: snprintf cost more than the rest of a routing
    // decision's text (the router formats several instants per decision).
    char buf[24];
    auto put = [&buf](int at, int value, int width) {
      for (int i = width - 1; i >= 0; --i, value /= 10) buf[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    buf[4] = '-';
    put(5, int(unsigned(ymd.month())), 2);
    buf[7] = '-';
    put(8, int(unsigned(ymd.day())), 2);
    buf[10] = 'T';
    put(11, int(h.count()), 2);
    buf[13] = ':';
    put(14, int(m.count()), 2);
    buf[16] = ':';
    put(17, int(s.count()), 2);
    int n = 19;
    if (ms != 0) {
      buf[n] = '.';
      put(n + 1, int(ms), 3);
      n += 4;
    }
    buf[n++] = 'Z';
    return std::string(buf, static_cast<size_t>(n));
  }
  char buf[40];
  int n =
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", year, unsigned(ymd.month()),
                    unsigned(ymd.day()), int(h.count()), int(m.count()), int(s.count()));
  if (ms != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", int(ms));
  std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}

}  // namespace base
