// Proves the pager's CURVE key files: a written pair reads back (secret 0600, never overwritten),
// bad key files are refused naming the file, and tcp:// is allowed only with keys or insecure.
#include "pager/curve.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/test_support.h"

namespace {

using testing_support::ReadFile;
using testing_support::TempDir;
using testing_support::WriteFile;

namespace fs = std::filesystem;

pager::KeyPair NewPair() {
  auto keys = pager::GenerateKeyPair();
  INFO(keys.status().ToString());
  REQUIRE(keys.ok());
  return *keys;
}

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// A well-formed key that is not the one written; for mismatch and collision cases.
const std::string kSomeKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

}  // namespace

TEST_CASE("a written key pair reads back; the secret is 0600 and derives the public") {
  TempDir dir;
  pager::KeyPair keys = NewPair();
  CHECK(keys.public_z85.size() == 40);
  CHECK(keys.secret_z85.size() == 40);
  const fs::path out = dir.path() / "keys";  // missing: WriteKeyPair creates it
  REQUIRE(pager::WriteKeyPair(out.string(), "serve", keys).ok());

  CHECK(ReadFile(out / "serve.key") == keys.secret_z85 + "\n");
  CHECK(ReadFile(out / "serve.pub") == keys.public_z85 + "\n");
  CHECK(ModeOf(out / "serve.key") == 0600);

  auto secret = pager::ReadSecretKeyFile((out / "serve.key").string());
  REQUIRE(secret.ok());
  CHECK(*secret == keys.secret_z85);
  auto pub = pager::ReadKeyFile((out / "serve.pub").string());
  REQUIRE(pub.ok());
  CHECK(*pub == keys.public_z85);
  auto derived = pager::PublicFromSecret(*secret);
  REQUIRE(derived.ok());
  CHECK(*derived == keys.public_z85);
  CHECK_FALSE(pager::PublicFromSecret("short").ok());
}

TEST_CASE("WriteKeyPair never overwrites and refuses a name with a slash") {
  TempDir dir;
  pager::KeyPair keys = NewPair();
  REQUIRE(pager::WriteKeyPair(dir.str(), "alice-phone", keys).ok());
  const std::string before = ReadFile(dir.path() / "alice-phone.key");

  auto again = pager::WriteKeyPair(dir.str(), "alice-phone", NewPair());
  CHECK(again.code() == base::Code::kInvalidInput);
  CHECK_THAT(again.message(), Catch::Contains("alice-phone.key: already exists"));
  CHECK(ReadFile(dir.path() / "alice-phone.key") == before);

  // An existing .pub alone also stops it, and no new .key is left behind.
  WriteFile(dir.path() / "bob.pub", keys.public_z85 + "\n");
  auto pub_exists = pager::WriteKeyPair(dir.str(), "bob", keys);
  CHECK_THAT(pub_exists.message(), Catch::Contains("bob.pub: already exists"));
  CHECK_FALSE(fs::exists(dir.path() / "bob.key"));

  CHECK(pager::WriteKeyPair(dir.str(), "a/b", keys).code() == base::Code::kInvalidInput);
  CHECK(pager::WriteKeyPair(dir.str(), "", keys).code() == base::Code::kInvalidInput);
  CHECK(pager::WriteKeyPair(dir.str(), "bad", {"x", "y"}).code() == base::Code::kInvalidInput);
}

TEST_CASE("ReadKeyFile refuses what is not one Z85 key, naming the file") {
  TempDir dir;
  auto path = [&](const char* name) { return (dir.path() / name).string(); };
  struct Case {
    const char* name;
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"empty.pub", "", "empty.pub: holds no key"},
      {"comments.pub", "# only a comment\n\n", "comments.pub: holds no key"},
      {"short.pub", "abcde\n", "short.pub: not a CURVE key: expected 40 Z85 characters, got 5"},
      {"garbage.pub", std::string(40, '~') + "\n", "garbage.pub: not a CURVE key: not Z85 text"},
      {"two.pub", kSomeKey + "\n" + kSomeKey + "\n", "two.pub: holds 2 lines; expected one key"},
      {"cert.pub", "curve\n    public-key = \"" + kSomeKey + "\"\n", "cert.pub: holds 2 lines"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    WriteFile(dir.path() / c.name, c.text);
    auto r = pager::ReadKeyFile(path(c.name));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::StartsWith(path(c.name)));
    CHECK_THAT(r.status().message(), Catch::Contains(c.expected));
    CHECK_THAT(r.status().message(), !Catch::Contains(kSomeKey));  // never echoed
  }
  auto missing = pager::ReadKeyFile(path("nope.pub"));
  CHECK(missing.status().code() == base::Code::kInvalidInput);
  CHECK(missing.status().message() == path("nope.pub") + ": no such file");
  CHECK_THAT(pager::ReadKeyFile(dir.str()).status().message(),
             Catch::Contains("not a regular file"));

  // Comments, blank lines and surrounding whitespace (CRLF too) are fine.
  WriteFile(dir.path() / "ok.pub", "# alice's phone\r\n\n  " + kSomeKey + " \r\n");
  auto ok = pager::ReadKeyFile(path("ok.pub"));
  INFO(ok.status().ToString());
  REQUIRE(ok.ok());
  CHECK(*ok == kSomeKey);
}

TEST_CASE("a secret key file readable by others is refused, naming its mode") {
  TempDir dir;
  REQUIRE(pager::WriteKeyPair(dir.str(), "serve", NewPair()).ok());
  const fs::path key = dir.path() / "serve.key";
  fs::permissions(key, fs::perms(0644));
  auto r = pager::ReadSecretKeyFile(key.string());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == base::Code::kInvalidInput);
  CHECK_THAT(r.status().message(), Catch::StartsWith(key.string() + ": secret key file has mode "
                                                                    "0644"));
  // A public key file may be world-readable.
  CHECK(pager::ReadKeyFile(key.string()).ok());
  fs::permissions(key, fs::perms(0400));
  CHECK(pager::ReadSecretKeyFile(key.string()).ok());
}

TEST_CASE("Fingerprint is sha256: and 16 hex digits of the raw key, stable") {
  // The all-zero key: SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20...
  const std::string zero_key(40, '0');
  CHECK(pager::Fingerprint(zero_key) == "sha256:66687aadf862bd77");
  pager::KeyPair a = NewPair(), b = NewPair();
  CHECK(pager::Fingerprint(a.public_z85) == pager::Fingerprint(a.public_z85));
  CHECK(pager::Fingerprint(a.public_z85) != pager::Fingerprint(b.public_z85));
  CHECK(pager::Fingerprint(a.public_z85).size() == 7 + 16);
  CHECK(pager::Fingerprint("not a key") == "sha256:invalid");
}

TEST_CASE("LoadPagerKeys reads the files named in the config, relative to its directory") {
  TempDir dir;
  pager::KeyPair serve = NewPair(), phone = NewPair(), laptop = NewPair();
  REQUIRE(pager::WriteKeyPair((dir.path() / "keys").string(), "serve", serve).ok());
  REQUIRE(pager::WriteKeyPair((dir.path() / "keys").string(), "ann-phone", phone).ok());
  REQUIRE(pager::WriteKeyPair(dir.str(), "laptop", laptop).ok());

  config::PagerConfig pager;
  pager.server_key_file = "keys/serve.key";
  pager.devices = {{"ann", "phone", "keys/ann-phone.pub"},
                   {"ann", "laptop", (dir.path() / "laptop.pub").string()},  // absolute
                   {"ben", "phone", "keys/ann-phone.pub"}};                  // a shared key
  auto keys = pager::LoadPagerKeys(pager, dir.str());
  INFO(keys.status().ToString());
  REQUIRE(keys.ok());
  CHECK(keys->server_secret == serve.secret_z85);
  CHECK(keys->server_public == serve.public_z85);
  CHECK(keys->devices.size() == 2);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(keys->devices.at(phone.public_z85) == Pairs{{"ann", "phone"}, {"ben", "phone"}});
  CHECK(keys->devices.at(laptop.public_z85) == Pairs{{"ann", "laptop"}});

  // Every problem at once, each naming its config key and its file.
  pager.server_key_file = "keys/serve.pub";  // world-readable: not a secret key file
  pager.devices[1].public_key_file = "missing.pub";
  auto bad = pager::LoadPagerKeys(pager, dir.str());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == base::Code::kInvalidInput);
  const std::string& m = bad.status().message();
  CHECK_THAT(m, Catch::Contains("pager.server_key: " + (dir.path() / "keys/serve.pub").string() +
                                ": secret key file has mode"));
  CHECK_THAT(m, Catch::Contains("pager.devices[1].public_key: " +
                                (dir.path() / "missing.pub").string() + ": no such file"));

  // No server key configured: no server keys, no error.
  auto none = pager::LoadPagerKeys(config::PagerConfig{}, dir.str());
  REQUIRE(none.ok());
  CHECK(none->server_secret.empty());
  CHECK(none->devices.empty());
}

TEST_CASE("tcp:// needs keys unless insecure; ipc:// never does") {
  config::PagerConfig none;
  CHECK(pager::CheckEndpointSecurity("ipc:///tmp/pager.sock", none).ok());
  CHECK(pager::CheckEndpointSecurity("inproc://pager", none).ok());

  auto refused = pager::CheckEndpointSecurity("tcp://127.0.0.1:5555", none);
  CHECK(refused.code() == base::Code::kInvalidInput);
  CHECK(refused.message() ==
        "pager endpoint tcp://127.0.0.1:5555 is plain tcp:// without keys: set pager.server_key "
        "and pager.devices (or pager.insecure: true)");

  config::PagerConfig server_only;
  server_only.server_key_file = "keys/serve.key";
  CHECK_THAT(pager::CheckEndpointSecurity("tcp://*:5555", server_only).message(),
             Catch::EndsWith("set pager.devices (or pager.insecure: true)"));
  config::PagerConfig devices_only;
  devices_only.devices = {{"ann", "phone", "a.pub"}};
  CHECK_THAT(pager::CheckEndpointSecurity("tcp://*:5555", devices_only).message(),
             Catch::EndsWith("set pager.server_key (or pager.insecure: true)"));

  config::PagerConfig both = server_only;
  both.devices = devices_only.devices;
  CHECK(pager::CheckEndpointSecurity("tcp://127.0.0.1:5555", both).ok());
  config::PagerConfig insecure;
  insecure.insecure = true;
  CHECK(pager::CheckEndpointSecurity("tcp://127.0.0.1:5555", insecure).ok());

  CHECK_THAT(pager::CheckEndpointSecurity("pgm://eth0;239.1.1.1:5555", insecure).message(),
             Catch::Contains("unknown transport"));
  CHECK_THAT(pager::CheckEndpointSecurity("127.0.0.1:5555", none).message(),
             Catch::Contains("unknown transport"));
}
