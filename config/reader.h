// Checked reading of a yaml-cpp document: every accessor reports what is wrong
// (wrong shape, unknown or duplicate key, missing key, bad scalar) as a located
// error and carries on, so one pass over the file finds every error.
// Internal to config/. Pure: works on an already parsed YAML tree.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace config::internal {

// 1-based position in the file; line 0 means the file as a whole.
struct Location {
  int line = 0;
  int column = 0;
};

// One node of the document with the dotted path that leads to it
// ("schedules.primary.layers[0].zone") and where to report errors about it.
struct Field {
  YAML::Node node;
  std::string path;
  Location loc;  // of the value; of its key when the value is empty
};

// One key: value pair of a mapping.
struct Entry {
  std::string key;
  Field key_field;  // errors about the key itself (unknown level, duplicate name)
  Field value;
};

class Reader;

// The entries of one mapping, in file order, after unknown and duplicate keys
// have been reported (and dropped).
class Fields {
 public:
  // The value under `key`, or nullptr when absent.
  const Field* Get(std::string_view key) const;
  // Like Get, but reports a missing key at the mapping itself.
  const Field* Require(std::string_view key, Reader& reader) const;
  const std::vector<Entry>& entries() const { return entries_; }
  const Field& self() const { return self_; }

 private:
  friend class Reader;
  Field self_;
  std::vector<Entry> entries_;
};

// Collects located errors for one file. Not thread-safe; one per parse.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Records "FILE:LINE:COLUMN: PATH: message" (PATH omitted when empty).
  void Error(Location loc, const std::string& path, const std::string& message);
  void Error(const Field& at, const std::string& message) { Error(at.loc, at.path, message); }

  // The entries of a mapping. Keys not in `allowed` are errors (an empty
  // `allowed` accepts any key); a repeated key is an error. nullopt (after an
  // error) when the node is not a mapping.
  std::optional<Fields> Map(const Field& f, std::vector<std::string_view> allowed);
  // The items of a sequence, paths "PATH[i]". nullopt (after an error) when not a sequence.
  std::optional<std::vector<Field>> Sequence(const Field& f);
  // The text of a scalar. nullopt (after an error) when empty or not a scalar.
  std::optional<std::string> String(const Field& f);
  // Each item of a sequence of scalars; bad items are reported and skipped.
  std::optional<std::vector<std::string>> StringList(const Field& f);
  // The scalar parsed by `parse`; its error message is reported at the node.
  template <typename T>
  std::optional<T> Parse(const Field& f,
                         const std::function<base::Result<T>(std::string_view)>& parse) {
    auto text = String(f);
    if (!text) return std::nullopt;
    auto value = parse(*text);
    if (!value.ok()) {
      Error(f, value.status().message());
      return std::nullopt;
    }
    return std::move(value).value();
  }

  bool has_errors() const { return !errors_.empty(); }
  // Every error so far, in file order (line, then column; file-level first).
  std::vector<ConfigError> TakeErrors();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// `text` with control bytes escaped (\x01) and cut after 400 characters, for
// echoing file content in one-line messages.
std::string Printable(const std::string& text);
// The root of a document, as a Field with an empty path.
Field RootField(const YAML::Node& root);
// The location of a node (1-based), or `fallback` when the node has none.
Location LocationOf(const YAML::Node& node, Location fallback = {});
// Joins a path and a key: ("a", "b") -> "a.b"; ("", "b") -> "b".
std::string Join(const std::string& path, std::string_view key);
// A mapping's item as a child Field (located at the value, or the key when empty).
Field Child(const Field& parent, const YAML::Node& key, const YAML::Node& value);

}  // namespace config::internal
