#include "config/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/parse.h"
#include "config/reader.h"

namespace config {

bool Customer::HasAddon(const std::string& addon) const {
  return std::find(addons.begin(), addons.end(), addon) != addons.end();
}

const Customer* Config::FindCustomer(const std::string& account) const {
  for (const auto& c : customers)
    if (c.account == account) return &c;
  return nullptr;
}

const Engineer* Config::FindEngineer(const std::string& id) const {
  for (const auto& e : engineers)
    if (e.id == id) return &e;
  return nullptr;
}

const Calendar* Config::FindCalendar(const std::string& name) const {
  auto it = calendars.find(name);
  return it == calendars.end() ? nullptr : &it->second;
}

const Schedule* Config::FindSchedule(const std::string& name) const {
  auto it = schedules.find(name);
  return it == schedules.end() ? nullptr : &it->second;
}

const Plan* Config::FindPlan(const std::string& name) const {
  auto it = plans.find(name);
  return it == plans.end() ? nullptr : &it->second;
}

bool Config::InScope(const std::string& service) const {
  const auto& v = services.in_scope;
  return std::find(v.begin(), v.end(), service) != v.end();
}

bool Config::ExcludedFrom24x7(const std::string& service) const {
  const auto& v = services.excluded_from_24x7;
  return std::find(v.begin(), v.end(), service) != v.end();
}

std::string ConfigError::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

// Large enough for any real configuration; bounds what a wrong path can cost.
constexpr std::uintmax_t kMaxFileBytes = 16 << 20;

LoadResult OneError(const std::string& file, int line, int column, std::string message) {
  LoadResult result;
  result.errors.push_back({file, line, column, internal::Printable(message)});
  return result;
}

// The mark of each document's root node, from yaml-cpp's event parser: enough to count documents
// and place the second, without building nodes.
class RootMarks : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> roots;

  void OnDocumentStart(const YAML::Mark&) override { at_root_ = true; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    if (at_root_) roots.push_back(mark);
    at_root_ = false;
  }
  bool at_root_ = false;
};

}  // namespace

LoadResult ParseConfig(const std::string& text, const std::string& file) {
  YAML::Node first;
  RootMarks marks;
  int count = 0;
  try {
    // Not YAML::LoadAll: yaml-cpp 0.7 (bookworm's) loops forever, allocating, on a token no
    // rule consumes (a lone ",": jbeder/yaml-cpp#1040, fixed upstream in 0.8.0 by #1319), each
    // "document" a null root at the same token. Found by fuzzing (tests/fuzz). So count at
    // most two documents with the event parser (a second root at the first's position is that
    // loop: invalid YAML), and build only the first document's nodes.
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (count < 2 && parser.HandleNextDocument(marks)) ++count;
    if (marks.roots.size() == 2 && marks.roots[0].pos == marks.roots[1].pos) {
      const YAML::Mark& at = marks.roots[1];
      return OneError(file, at.line + 1, at.column + 1, "invalid YAML: unexpected token");
    }
    if (count > 0) first = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's what() repeats the position; its msg is the bare reason.
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    return OneError(file, line, column, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return OneError(file, 0, 0, std::string("invalid YAML: ") + e.what());
  }
  if (count == 0 || first.IsNull())
    return OneError(file, 0, 0, "empty configuration: the file holds no YAML document");
  if (count > 1) {
    const YAML::Mark& at = marks.roots.size() > 1 ? marks.roots[1] : YAML::Mark::null_mark();
    return OneError(file, at.is_null() ? 0 : at.line + 1, at.is_null() ? 0 : at.column + 1,
                    "several YAML documents; a configuration is one document");
  }
  internal::Reader reader(file);
  internal::Parsed parsed;
  try {
    internal::ParseDocument(first, reader, parsed);
    internal::Validate(parsed, reader);
  } catch (const std::exception& e) {
    // Not expected: every accessor checks shapes first. Still bad input, never a crash.
    reader.Error({}, "", std::string("cannot read the configuration: ") + e.what());
  }
  LoadResult result;
  result.errors = reader.TakeErrors();
  if (result.errors.empty())
    result.config = std::make_shared<const Config>(std::move(parsed.config));
  return result;
}

LoadResult LoadConfigFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    if (status.type() == fs::file_type::not_found || ec == std::errc::no_such_file_or_directory)
      return OneError(path, 0, 0, "no such file");
    return OneError(path, 0, 0, "cannot read: " + ec.message());
  }
  if (fs::is_directory(status)) return OneError(path, 0, 0, "is a directory, not a file");
  if (!fs::is_regular_file(status)) return OneError(path, 0, 0, "is not a regular file");
  std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return OneError(path, 0, 0, "cannot read: " + ec.message());
  if (size > kMaxFileBytes)
    return OneError(path, 0, 0,
                    "file too large (" + std::to_string(size) + " bytes; at most 16 MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return OneError(path, 0, 0, "cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return OneError(path, 0, 0, "read error");
  return ParseConfig(text.str(), path);
}

}  // namespace config
