#include "config/reader.h"

#include <algorithm>
#include <cstdio>

namespace config::internal {
namespace {

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

std::string Quoted(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

Location LocationOf(const YAML::Node& node, Location fallback) {
  if (!node.IsDefined()) return fallback;
  YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return fallback;
  return {mark.line + 1, mark.column + 1};
}

std::string Join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

Field RootField(const YAML::Node& root) { return {root, "", LocationOf(root, {1, 1})}; }

Field Child(const Field& parent, const YAML::Node& key, const YAML::Node& value) {
  Location key_loc = LocationOf(key, parent.loc);
  std::string name = key.IsScalar() ? key.Scalar() : "?";
  // yaml-cpp places an empty value at the next token, often on a later line:
  // the key is where the reader looks.
  Location loc = value.IsNull() ? key_loc : LocationOf(value, key_loc);
  return {value, Join(parent.path, name), loc};
}

const Field* Fields::Get(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

const Field* Fields::Require(std::string_view key, Reader& reader) const {
  if (const Field* f = Get(key)) return f;
  reader.Error(self_, "missing required key '" + std::string(key) + "'");
  return nullptr;
}

std::string Printable(const std::string& text) {
  // Offending values are echoed into messages: keep them one line, bounded
  // and free of control bytes whatever the file holds.
  constexpr size_t kMaxChars = 400;
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= kMaxChars) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Reader::Error(Location loc, const std::string& path, const std::string& message) {
  errors_.push_back(
      {file_, loc.line, loc.column, Printable(path.empty() ? message : path + ": " + message)});
}

std::optional<Fields> Reader::Map(const Field& f, std::vector<std::string_view> allowed) {
  if (!f.node.IsMap()) {
    Error(f, "expected a mapping, got " + Describe(f.node));
    return std::nullopt;
  }
  Fields fields;
  fields.self_ = f;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    Field key_field{it->first, f.path, LocationOf(it->first, f.loc)};
    if (!it->first.IsScalar()) {
      Error(key_field, "expected a plain key, got " + Describe(it->first));
      continue;
    }
    std::string key = it->first.Scalar();
    key_field.path = Join(f.path, key);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Error(key_field.loc, f.path,
            "unknown key '" + key + "' (expected one of: " + Quoted(allowed) + ")");
      continue;
    }
    if (fields.Get(key)) {
      Error(key_field.loc, f.path, "duplicate key '" + key + "'");
      continue;
    }
    fields.entries_.push_back({key, key_field, Child(f, it->first, it->second)});
  }
  return fields;
}

std::optional<std::vector<Field>> Reader::Sequence(const Field& f) {
  if (!f.node.IsSequence()) {
    Error(f, "expected a list, got " + Describe(f.node));
    return std::nullopt;
  }
  std::vector<Field> items;
  size_t i = 0;
  for (const auto& item : f.node) {
    items.push_back({item, f.path + "[" + std::to_string(i++) + "]", LocationOf(item, f.loc)});
    if (item.IsNull()) items.back().loc = f.loc;
  }
  return items;
}

std::optional<std::string> Reader::String(const Field& f) {
  if (!f.node.IsScalar()) {
    Error(f, "expected a value, got " + Describe(f.node));
    return std::nullopt;
  }
  if (f.node.Scalar().empty()) {
    Error(f, "expected a value, got an empty string");
    return std::nullopt;
  }
  return f.node.Scalar();
}

std::optional<std::vector<std::string>> Reader::StringList(const Field& f) {
  auto items = Sequence(f);
  if (!items) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : *items)
    if (auto s = String(item)) out.push_back(*s);
  return out;
}

std::vector<ConfigError> Reader::TakeErrors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return std::move(errors_);
}

}  // namespace config::internal
