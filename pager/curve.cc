#include "pager/curve.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace pager {
namespace {

using base::Status;

constexpr size_t kZ85KeyLength = 40;
constexpr size_t kRawKeyLength = 32;
// A key file is one line; anything much longer is the wrong file, not a key.
constexpr size_t kMaxKeyFileBytes = 4096;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The 32 raw bytes of a 40-character Z85 key; false when it is not one.
bool DecodeKey(const std::string& z85, uint8_t (&raw)[kRawKeyLength]) {
  return z85.size() == kZ85KeyLength && z85.find('\0') == std::string::npos &&
         zmq_z85_decode(raw, z85.c_str()) != nullptr;
}

bool IsKey(const std::string& z85) {
  uint8_t raw[kRawKeyLength];
  return DecodeKey(z85, raw);
}

Status NoCurve() {
  return Status::Unavailable(
      "libzmq was built without CURVE security (zmq_has(\"curve\") is false)");
}

// Creates `path` (which must not exist) with `mode` and writes `text`. On a failure after
// creating it, removes it again.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  // O_EXCL: refuses an existing file or symlink atomically; the mode applies from creation.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) return Status::InvalidInput(path + ": already exists; not overwriting it");
    return Status::IoError(path + ": cannot create: " + ErrnoText(err));
  }
  size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());
    return Status::IoError(path + ": cannot write: " + ErrnoText(err));
  }
  return Status::Ok();
}

// The one key of a key file's text, or what is wrong with it (without echoing the text: it
// may be a secret).
base::Result<std::string> ParseKeyText(const std::string& path, const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    auto space = [](char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    };
    while (!line.empty() && space(line.back())) line.pop_back();
    size_t lead = 0;
    while (lead < line.size() && space(line[lead])) ++lead;
    line.erase(0, lead);
    // Unambiguous: a Z85 key never starts with '#' (it would encode a value above 2^32 - 1).
    if (!line.empty() && line[0] != '#') lines.push_back(std::move(line));
    begin = end + 1;
  }
  if (lines.empty())
    return Status::InvalidInput(path + ": holds no key (expected one line of " +
                                std::to_string(kZ85KeyLength) + " Z85 characters)");
  if (lines.size() > 1)
    return Status::InvalidInput(path + ": holds " + std::to_string(lines.size()) +
                                " lines; expected one key of " + std::to_string(kZ85KeyLength) +
                                " Z85 characters");
  const std::string& key = lines[0];
  if (key.size() != kZ85KeyLength)
    return Status::InvalidInput(path + ": not a CURVE key: expected " +
                                std::to_string(kZ85KeyLength) + " Z85 characters, got " +
                                std::to_string(key.size()));
  if (!IsKey(key)) return Status::InvalidInput(path + ": not a CURVE key: not Z85 text");
  return key;
}

base::Result<std::string> ReadKey(const std::string& path, bool secret) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::InvalidInput(path + ": no such file");
    if (err == EACCES) return Status::InvalidInput(path + ": cannot read: permission denied");
    return Status::IoError(path + ": cannot open: " + ErrnoText(err));
  }
  // Checked on the open file, so what was checked is what is read.
  struct stat st {};
  std::string text;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = Status::IoError(path + ": cannot stat: " + ErrnoText(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::InvalidInput(path + ": not a regular file");
  } else if (secret && (st.st_mode & 077) != 0) {
    status = Status::InvalidInput(path + ": secret key file has mode " + OctalMode(st.st_mode) +
                                  ", readable or writable by group or others; chmod 600 it");
  } else {
    char buf[kMaxKeyFileBytes + 1];
    size_t got = 0;
    while (got < sizeof buf) {
      ssize_t n = ::read(fd, buf + got, sizeof buf - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = Status::IoError(path + ": cannot read: " + ErrnoText(errno));
        break;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    if (status.ok() && got > kMaxKeyFileBytes)
      status = Status::InvalidInput(path + ": too large to be a key file (more than " +
                                    std::to_string(kMaxKeyFileBytes) + " bytes)");
    text.assign(buf, got);
    sodium_memzero(buf, sizeof buf);
  }
  ::close(fd);
  if (!status.ok()) return status;
  return ParseKeyText(path, text);
}

Status WithCode(base::Code code, std::string message) {
  switch (code) {
    case base::Code::kIoError:
      return Status::IoError(std::move(message));
    case base::Code::kUnavailable:
      return Status::Unavailable(std::move(message));
    case base::Code::kCorruption:
      return Status::Corruption(std::move(message));
    case base::Code::kNotFound:
      return Status::NotFound(std::move(message));
    default:
      return Status::InvalidInput(std::move(message));
  }
}

std::string Resolve(const std::string& file, const std::string& config_dir) {
  std::filesystem::path p(file);
  if (p.is_absolute() || config_dir.empty()) return file;
  return (std::filesystem::path(config_dir) / p).string();
}

}  // namespace

base::Result<KeyPair> GenerateKeyPair() {
  if (!zmq_has("curve")) return NoCurve();
  char public_key[kZ85KeyLength + 1];
  char secret_key[kZ85KeyLength + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0)
    return Status::Unavailable(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  KeyPair keys{public_key, secret_key};
  sodium_memzero(secret_key, sizeof secret_key);
  return keys;
}

Status WriteKeyPair(const std::string& dir, const std::string& name, const KeyPair& keys) {
  if (name.empty()) return Status::InvalidInput("the key name is empty");
  if (name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
    return Status::InvalidInput("key name '" + name + "' holds a '/'; give a plain file name");
  if (!IsKey(keys.public_z85) || !IsKey(keys.secret_z85))
    return Status::InvalidInput("not a key pair of 40-character Z85 keys");
  std::error_code ec;
  std::filesystem::create_directories(dir.empty() ? "." : dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create directory: " + ec.message());
  const std::string base = (std::filesystem::path(dir.empty() ? "." : dir) / name).string();
  const std::string secret_path = base + ".key", public_path = base + ".pub";
  // Both checked first, so that an existing .pub does not leave a new .key beside it. O_EXCL
  // below still refuses a file created in between.
  for (const std::string& path : {secret_path, public_path}) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0)
      return Status::InvalidInput(path + ": already exists; not overwriting it");
  }
  if (Status s = WriteNewFile(secret_path, keys.secret_z85 + "\n", 0600); !s.ok()) return s;
  if (Status s = WriteNewFile(public_path, keys.public_z85 + "\n", 0644); !s.ok()) {
    ::unlink(secret_path.c_str());
    return s;
  }
  return Status::Ok();
}

base::Result<std::string> ReadKeyFile(const std::string& path) { return ReadKey(path, false); }

base::Result<std::string> ReadSecretKeyFile(const std::string& path) { return ReadKey(path, true); }

base::Result<std::string> PublicFromSecret(const std::string& secret_z85) {
  if (!zmq_has("curve")) return NoCurve();
  if (!IsKey(secret_z85)) return Status::InvalidInput("not a 40-character Z85 secret key");
  char public_key[kZ85KeyLength + 1];
  if (zmq_curve_public(public_key, secret_z85.c_str()) != 0)
    return Status::InvalidInput(std::string("zmq_curve_public: ") + zmq_strerror(zmq_errno()));
  return std::string(public_key);
}

std::string Fingerprint(const std::string& public_z85) {
  uint8_t raw[kRawKeyLength];
  if (!DecodeKey(public_z85, raw)) return "sha256:invalid";
  // SHA-256 needs no sodium_init (that only picks implementations and seeds the RNG).
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, raw, sizeof raw);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (int i = 0; i < 8; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

base::Result<PagerKeys> LoadPagerKeys(const config::PagerConfig& pager,
                                      const std::string& config_dir) {
  PagerKeys keys;
  std::vector<Status> problems;
  if (!pager.server_key_file.empty()) {
    auto secret = ReadSecretKeyFile(Resolve(pager.server_key_file, config_dir));
    if (!secret.ok()) {
      problems.push_back(
          WithCode(secret.status().code(), "pager.server_key: " + secret.status().message()));
    } else {
      auto pub = PublicFromSecret(*secret);
      if (!pub.ok()) {
        problems.push_back(
            WithCode(pub.status().code(), "pager.server_key: " + pub.status().message()));
      } else {
        keys.server_secret = std::move(secret).value();
        keys.server_public = std::move(pub).value();
      }
    }
  }
  for (size_t i = 0; i < pager.devices.size(); ++i) {
    const config::PagerDevice& d = pager.devices[i];
    auto pub = ReadKeyFile(Resolve(d.public_key_file, config_dir));
    if (!pub.ok()) {
      problems.push_back(WithCode(
          pub.status().code(),
          "pager.devices[" + std::to_string(i) + "].public_key: " + pub.status().message()));
      continue;
    }
    keys.devices[*pub].emplace_back(d.engineer, d.device);
  }
  if (problems.empty()) return keys;
  // Every problem at once, as config errors are; the code is the first one that is not
  // kInvalidInput (a runtime failure outranks a mistake in the file), if any.
  base::Code code = base::Code::kInvalidInput;
  std::string message;
  for (const Status& s : problems) {
    if (code == base::Code::kInvalidInput) code = s.code();
    message += (message.empty() ? "" : "; ") + s.message();
  }
  return WithCode(code, message);
}

Status CheckEndpointSecurity(const std::string& endpoint, const config::PagerConfig& pager) {
  auto starts = [&](const char* prefix) { return endpoint.rfind(prefix, 0) == 0; };
  if (starts("ipc://") || starts("inproc://")) return Status::Ok();
  if (!starts("tcp://"))
    return Status::InvalidInput("pager endpoint '" + endpoint +
                                "': unknown transport (expected tcp://, ipc:// or inproc://)");
  if (pager.insecure) return Status::Ok();
  const bool server = !pager.server_key_file.empty(), devices = !pager.devices.empty();
  if (server && devices) return Status::Ok();
  std::string missing = !server && !devices ? "pager.server_key and pager.devices"
                        : !server           ? "pager.server_key"
                                            : "pager.devices";
  return Status::InvalidInput("pager endpoint " + endpoint + " is plain tcp:// without keys: set " +
                              missing + " (or pager.insecure: true)");
}

}  // namespace pager
