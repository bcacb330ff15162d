// `escalator keygen`: makes a CURVE key pair for the pager channel, serve's or a device's, as
// ZeroMQ Z85 text files: NAME.key (the secret, mode 0600) and NAME.pub (the public key).
#include <iostream>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "pager/curve.h"

namespace cli {
namespace {
constexpr char kCommand[] = "keygen";
}  // namespace

int RunKeygen(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Makes a CURVE key pair for the pager channel: writes DIR/NAME.key (the secret key, mode\n"
      "0600) and DIR/NAME.pub (the public key), one Z85 line each, creating DIR if missing.\n"
      "Never overwrites: an existing file is an error (exit 2). Prints the public key and its\n"
      "fingerprint. serve's key goes in the configuration's pager.server_key; a device's .pub\n"
      "goes in pager.devices[].public_key.",
      {
          {"out", true, true, "the directory to write the key files in", ""},
          {"name", true, true, "the files' name: NAME.key and NAME.pub (no '/')", ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const std::string out = *parsed.flags.Get("out");
  const std::string name = *parsed.flags.Get("name");
  if (name.find('/') != std::string::npos) {
    return UsageError(kCommand, "--name '" + name + "' holds a '/'; give a plain file name");
  }
  if (!PathFlag(kCommand, parsed.flags, "out", PathKind::kDirectory)) return kExitUsage;
  auto keys = pager::GenerateKeyPair();
  if (!keys.ok()) {
    std::cerr << "escalator keygen: " << keys.status().ToString() << "\n";
    return kExitFailure;
  }
  base::Status written = pager::WriteKeyPair(out, name, *keys);
  if (!written.ok()) {
    if (written.code() == base::Code::kInvalidInput) return UsageError(kCommand, written.message());
    std::cerr << "escalator keygen: " << written.ToString() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote " << out << "/" << name << ".key (secret, mode 0600) and " << out << "/"
            << name << ".pub\n"
            << "public key: " << keys->public_z85 << "\n"
            << "fingerprint: " << pager::Fingerprint(keys->public_z85) << "\n";
  return kExitOk;
}

}  // namespace cli
