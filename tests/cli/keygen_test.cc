// Proves `escalator keygen` through the real binary: a 0600 secret key and its public key in Z85
// files, the public key and fingerprint printed; exit 2 for an existing file or missing --out.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pager/curve.h"
#include "tests/test_support.h"

using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::TempDir;

namespace {

testing_support::CommandResult Keygen(std::vector<std::string> args) {
  args.insert(args.begin(), {EscalatorBin(), "keygen"});
  return RunCommand(args);
}

}  // namespace

TEST_CASE("keygen writes NAME.key (0600) and NAME.pub and prints the public key") {
  TempDir dir;
  const std::string out = (dir.path() / "keys").string();
  auto r = Keygen({"--out", out, "--name", "serve"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  struct stat st {};
  REQUIRE(::stat((out + "/serve.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  auto secret = pager::ReadSecretKeyFile(out + "/serve.key");
  REQUIRE(secret.ok());
  auto pub = pager::ReadKeyFile(out + "/serve.pub");
  REQUIRE(pub.ok());
  CHECK(pager::PublicFromSecret(*secret).value() == *pub);
  CHECK_THAT(r.out, Catch::Contains("public key: " + *pub + "\n"));
  CHECK_THAT(r.out, Catch::Contains("fingerprint: " + pager::Fingerprint(*pub) + "\n"));

  // Again: refused, naming the file, and the keys are untouched.
  auto again = Keygen({"--out", out, "--name", "serve"});
  CHECK(again.exit_code == 2);
  CHECK(again.err ==
        "escalator keygen: " + out + "/serve.key: already exists; not overwriting it\n");
  CHECK(pager::ReadSecretKeyFile(out + "/serve.key").value() == *secret);
}

TEST_CASE("keygen without --out, or with a name holding '/', is a usage error") {
  TempDir dir;
  auto no_out = Keygen({"--name", "serve"});
  CHECK(no_out.exit_code == 2);
  CHECK_THAT(no_out.err, Catch::Contains("--out"));

  auto slash = Keygen({"--out", dir.str(), "--name", "a/b"});
  CHECK(slash.exit_code == 2);
  CHECK_THAT(slash.err, Catch::Contains("'/'"));

  auto help = Keygen({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--name"));
}
