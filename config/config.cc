#include "config/config.h"

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

}  // namespace

LoadResult ParseConfig(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's what() repeats the position; its msg is the bare reason.
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    return OneError(file, line, column, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return OneError(file, 0, 0, std::string("invalid YAML: ") + e.what());
  }
  if (documents.empty() || documents[0].IsNull())
    return OneError(file, 0, 0, "empty configuration: the file holds no YAML document");
  if (documents.size() > 1) {
    internal::Location at = internal::LocationOf(documents[1]);
    return OneError(file, at.line, at.column,
                    "several YAML documents; a configuration is one document");
  }
  internal::Reader reader(file);
  internal::Parsed parsed;
  try {
    internal::ParseDocument(documents[0], reader, parsed);
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
