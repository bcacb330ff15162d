// `escalator token`: makes a bearer token for serve's HTTP API. Prints the token once (it is
// stored nowhere) and the line to add to the token file the configuration names (http.tokens),
// which holds only its SHA-256.
#include <iostream>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "web/tokens.h"

namespace cli {
namespace {
constexpr char kCommand[] = "token";
}  // namespace

int RunToken(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Makes a bearer token for serve's HTTP API (serve --http). Prints the token on the first\n"
      "line (give it to its holder: it is kept nowhere) and, on the second, the line to append\n"
      "to the token file named by the configuration's http.tokens (its SHA-256 and role).\n"
      "An engineer's token acknowledges as that engineer only; an admin's as anyone. Reads\n"
      "need a token too unless http.read_open is true.",
      {
          {"role", true, true, "admin, or engineer:ID (an engineer of --config)", ""},
          {"config", true, false, "configuration (YAML): checks the engineer exists", ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const std::string role = *parsed.flags.Get("role");
  if (role != "admin" && (role.rfind("engineer:", 0) != 0 || role.size() == 9)) {
    return UsageError(kCommand, "--role must be admin or engineer:ID, got '" + role + "'");
  }
  // A --config given is read whatever the role: a wrong path is a mistake either way.
  if (auto path = parsed.flags.Get("config")) {
    auto config = LoadConfigOrReport(kCommand, parsed.flags);
    if (!config) return kExitUsage;
    if (role != "admin") {
      const std::string id = role.substr(9);
      bool known = false;
      for (const auto& e : config->engineers) known = known || e.id == id;
      if (!known) return UsageError(kCommand, "--role: no engineer '" + id + "' in " + *path);
    }
  }
  const std::string token = web::Tokens::Generate();
  if (token.empty()) {
    std::cerr << "escalator token: libsodium could not be initialised\n";
    return kExitFailure;
  }
  std::cout << token << "\n" << web::Tokens::HashLine(token) << " " << role << "\n";
  return kExitOk;
}

}  // namespace cli
