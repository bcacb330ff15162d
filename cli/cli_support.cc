#include "cli/cli_support.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace cli {

std::optional<base::Timestamp> InstantFlag(const std::string& command, const Flags& flags,
                                           const std::string& name, int& exit) {
  const std::string text = *flags.Get(name);
  auto t = base::ParseInstant(text);
  if (!t)
    exit = UsageError(command, "--" + name + " '" + text +
                                   "' is not an ISO 8601 instant with Z or an offset "
                                   "(e.g. 2026-11-24T09:00:00-05:00)");
  return t;
}

std::optional<bool> JsonFormatFlag(const std::string& command, const Flags& flags, int& exit) {
  const std::string format = flags.Get("format").value_or("");
  if (format == "json") return true;
  if (format == "text") return false;
  exit = UsageError(command, "--format must be text or json, got '" + format + "'");
  return std::nullopt;
}

std::shared_ptr<const config::Config> LoadConfigOrReport(const std::string& command,
                                                         const Flags& flags,
                                                         const std::string& name) {
  const std::string path = *flags.Get(name);
  auto loaded = config::LoadConfigFile(path);
  // Line 0: the file as a whole could not be read, which is the flag's mistake.
  if (loaded.errors.size() == 1 && loaded.errors[0].line == 0) {
    UsageError(command, "--" + name + " '" + path + "': " + loaded.errors[0].message);
    return nullptr;
  }
  for (const auto& e : loaded.errors) std::cerr << e.ToString() << "\n";
  return loaded.errors.empty() ? loaded.config : nullptr;
}

bool PathFlag(const std::string& command, const Flags& flags, const std::string& name,
              PathKind kind) {
  namespace fs = std::filesystem;
  const auto value = flags.Get(name);
  if (!value || value->empty()) return true;
  const fs::path path = *value;
  auto bad = [&](const std::string& why) {
    UsageError(command, "--" + name + " '" + *value + "' " + why);
    return false;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  const bool exists = fs::exists(status);
  switch (kind) {
    case PathKind::kInputFile:
      if (!exists) return bad("does not exist");
      if (fs::is_directory(status)) return bad("is a directory, not a file");
      if (!fs::is_regular_file(status)) return bad("is not a regular file");
      return true;
    case PathKind::kOutputFile: {
      if (fs::is_directory(status)) return bad("is a directory, not a file");
      const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
      if (!fs::is_directory(folder, ec)) {
        return bad("is in '" + folder.string() + "', which is not a directory");
      }
      return true;
    }
    case PathKind::kDirectory: {
      if (exists) return fs::is_directory(status) ? true : bad("is not a directory");
      // Created if missing: what exists of its parents must be directories.
      for (fs::path up = path.parent_path(); !up.empty(); up = up.parent_path()) {
        const fs::file_status s = fs::status(up, ec);
        if (fs::exists(s)) {
          return fs::is_directory(s)
                     ? true
                     : bad("cannot be created: '" + up.string() + "' is not a directory");
        }
        if (up == up.parent_path()) break;
      }
      return true;
    }
  }
  return true;
}

bool BrokersFlag(const std::string& command, const Flags& flags, const std::string& name) {
  const auto value = flags.Get(name);
  if (!value) return true;
  std::stringstream list(*value);
  for (std::string server; std::getline(list, server, ',');) {
    const size_t colon = server.rfind(':');
    const bool has_host = colon != std::string::npos && colon > 0;
    if (!has_host || !ParseInt(server.substr(colon + 1), 1, 65535)) {
      UsageError(command, "--" + name +
                              " must be HOST:PORT[,HOST:PORT...] (PORT in 1..65535), got '" +
                              *value + "'");
      return false;
    }
  }
  if (value->empty() || value->back() == ',') {
    UsageError(command, "--" + name + " has an empty server: '" + *value + "'");
    return false;
  }
  return true;
}

bool TopicFlag(const std::string& command, const Flags& flags, const std::string& name, bool list) {
  const auto value = flags.Get(name);
  if (!value || value->empty()) return true;
  std::vector<std::string> topics;
  if (list) {
    std::stringstream in(*value);
    for (std::string t; std::getline(in, t, ',');) topics.push_back(t);
    if (value->back() == ',') topics.push_back("");
  } else {
    topics.push_back(*value);
  }
  for (const std::string& t : topics) {
    bool ok = !t.empty() && t.size() <= 249 && t != "." && t != "..";
    for (char c : t)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
    if (!ok) {
      UsageError(command, "--" + name + " '" + t +
                              "' is not a Kafka topic name (1 to 249 of A-Z a-z 0-9 . _ -)");
      return false;
    }
  }
  return true;
}

bool EndpointFlag(const std::string& command, const Flags& flags, const std::string& name) {
  const auto value = flags.Get(name);
  if (!value || value->empty()) return true;
  const std::string& e = *value;
  bool ok = false;
  if (e.rfind("ipc://", 0) == 0) {
    ok = e.size() > 6;
  } else if (e.rfind("tcp://", 0) == 0) {
    const size_t colon = e.rfind(':');
    const std::string port = e.substr(colon + 1);
    ok = colon > 6 && (port == "*" || ParseInt(port, 0, 65535));
  }
  if (!ok) {
    UsageError(command, "--" + name + " must be tcp://HOST:PORT or ipc://PATH, got '" + e + "'");
  }
  return ok;
}

bool WriteOutput(const std::string& command, const std::optional<std::string>& out,
                 const std::string& text) {
  if (!out) {
    std::cout << text << std::flush;
    return true;
  }
  std::ofstream file(*out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    std::cerr << "escalator " << command << ": cannot write '" << *out << "'\n";
    return false;
  }
  return true;
}

}  // namespace cli
