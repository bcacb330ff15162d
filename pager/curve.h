// CURVE keys for the pager channel (ZeroMQ RFC 26 over libsodium): making and storing key
// pairs (`escalator keygen`), reading the key files the configuration names, fingerprints for
// logs, and the rule that decides whether an endpoint may run without keys.
//
// Key files hold one key as ZeroMQ's Z85 text: 40 characters for 32 bytes, then a newline.
// NAME.key is a secret key (mode 0600, like ssh refuses anything wider); NAME.pub is the public
// key that goes to whoever must recognise its owner. Lines starting with '#' are comments.
//
// Thread-safe: every function works on its arguments and the files they name only.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace pager {

struct KeyPair {
  std::string public_z85;  // 40 Z85 characters
  std::string secret_z85;  // 40 Z85 characters
};

// A fresh key pair (zmq_curve_keypair). Errors: kUnavailable when libzmq was built without
// CURVE (zmq_has("curve") is false).
base::Result<KeyPair> GenerateKeyPair();

// Writes DIR/NAME.key (the secret, created with mode 0600 from the start, so it is never
// readable by others even briefly) and DIR/NAME.pub (the public key), creating DIR when
// missing. Never overwrites: when either file exists, writes nothing.
// Errors: kInvalidInput for an empty name or one with '/', for a file that already exists
// (naming it) and for keys that are not 40-character Z85; kIoError when DIR or a file cannot
// be created or written (a half-written pair is removed).
base::Status WriteKeyPair(const std::string& dir, const std::string& name, const KeyPair& keys);

// The key in the file at `path`: its one line of 40 Z85 characters (surrounding whitespace and
// '#' comment lines ignored), checked to decode (zmq_z85_decode).
// Errors, each naming the file: kInvalidInput when it is missing, not a regular file, not
// readable for lack of permission, or holds anything but one 40-character Z85 key (the key
// text itself is never echoed); kIoError for any other read failure.
base::Result<std::string> ReadKeyFile(const std::string& path);

// ReadKeyFile for a secret key, which moreover refuses a file that group or others may read
// or write (kInvalidInput naming the file and its mode, e.g. 0644).
base::Result<std::string> ReadSecretKeyFile(const std::string& path);

// The public key of a secret key (zmq_curve_public), both Z85.
// Errors: kInvalidInput when `secret_z85` is not 40-character Z85; kUnavailable without CURVE.
base::Result<std::string> PublicFromSecret(const std::string& secret_z85);

// "sha256:" and the first 16 hex digits of the SHA-256 of the key's 32 raw bytes: short,
// stable and safe to log (it names a public key without giving it away in full).
// Returns "sha256:invalid" when `public_z85` is not a 40-character Z85 key.
std::string Fingerprint(const std::string& public_z85);

// Which (engineer, device) pairs may claim each device public key (Z85). One key may serve
// several devices when they share a key file.
using DeviceKeys = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

// Everything serve needs to run CURVE: its own key pair and the devices it lets in.
struct PagerKeys {
  std::string server_public;  // derived from server_secret; empty when no server key is set
  std::string server_secret;
  DeviceKeys devices;
};

// Reads pager.server_key (a secret key file, ReadSecretKeyFile) and every device's public key
// file, each path relative to `config_dir` (the configuration file's directory) unless
// absolute. An unset server_key leaves the server keys empty.
// Errors: kInvalidInput listing every problem found, each naming the config key
// (pager.server_key, pager.devices[i].public_key), the file and what is wrong with it;
// kIoError when a file cannot be read for another reason; kUnavailable without CURVE.
base::Result<PagerKeys> LoadPagerKeys(const config::PagerConfig& pager,
                                      const std::string& config_dir);

// Whether serve may bind `endpoint` with this configuration. ipc:// and inproc:// need no keys
// (the file system and the process guard them). tcp:// needs CURVE keys: pager.server_key and
// at least one of pager.devices, unless pager.insecure is true.
// Errors: kInvalidInput naming what is missing, e.g. "pager endpoint tcp://127.0.0.1:5555 is
// plain tcp:// without keys: set pager.server_key and pager.devices (or pager.insecure: true)",
// or "unknown transport" for any other endpoint.
base::Status CheckEndpointSecurity(const std::string& endpoint, const config::PagerConfig& pager);

}  // namespace pager
