#!/usr/bin/env bash
# The Debian package as an admin gets it (issue 17): packages the build under test with CPack
# (no rebuild), unpacks the .deb, and checks what it holds: the control fields and conffiles,
# the maintainer scripts, the unit, the example configuration; then runs the packaged binary's
# --help and check-config on the packaged example, and has systemd-analyze verify the unit.
# Fails naming the first thing missing or wrong.
#
# usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)

tmp=$(mktemp -d /tmp/escalator-package-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
note() { echo "package_test: $*"; }

# cpack stages and writes under -B only; the build tree is left as it was.
if ! cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log" >&2
  fail "cpack failed"
fi
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
deb="$tmp/out/escalator_${version}_amd64.deb"
[ -f "$deb" ] || { ls -l "$tmp/out" >&2; fail "cpack wrote no $(basename "$deb")"; }
note "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$tmp/control"
dpkg-deb -I "$deb" >"$tmp/info"

# The control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = escalator ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
for dep in adduser tzdata librdkafka1 librocksdb libzmq5 libsystemd0; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

# The files, and which of them dpkg keeps as the admin's (conffiles).
for f in usr/bin/escalator lib/systemd/system/escalator.service etc/escalator/config.yaml \
  etc/default/escalator; do
  [ -f "$root/$f" ] || fail "the package lacks /$f"
done
[ -x "$root/usr/bin/escalator" ] || fail "/usr/bin/escalator is not executable"
[ -f "$tmp/control/conffiles" ] || fail "no conffiles"
expected=$'/etc/default/escalator\n/etc/escalator/config.yaml'
[ "$(sort "$tmp/control/conffiles")" = "$expected" ] ||
  fail "conffiles are '$(cat "$tmp/control/conffiles")', not: $expected"
for script in postinst prerm postrm; do
  [ -x "$tmp/control/$script" ] || fail "no executable $script"
  sh -n "$tmp/control/$script" || fail "$script is not valid sh"
done
grep -q 'adduser .*--system.*escalator' "$tmp/control/postinst" ||
  fail "postinst does not create the escalator system user"
if grep -Eq 'systemctl +(start|restart|enable)|invoke-rc.d' "$tmp/control/postinst"; then
  fail "postinst starts or enables the service"
fi

# The unit: run by systemd as issue 17 asks.
unit="$root/lib/systemd/system/escalator.service"
for line in Type=notify NotifyAccess=main WatchdogSec=30 Restart=on-failure User=escalator \
  Group=escalator StateDirectory=escalator NoNewPrivileges=yes ProtectSystem=strict \
  ProtectHome=yes PrivateTmp=yes 'ExecStart=/usr/bin/escalator serve '; do
  grep -q "^$line" "$unit" || fail "the unit lacks $line"
done

# The packaged binary runs, and the packaged example is a valid configuration.
esc="$root/usr/bin/escalator"
"$esc" --help >"$tmp/help.out" 2>&1 || { cat "$tmp/help.out" >&2; fail "escalator --help failed"; }
grep -q serve "$tmp/help.out" || fail "escalator --help names no serve"
"$esc" check-config "$root/etc/escalator/config.yaml" >"$tmp/check.out" 2>&1 ||
  { cat "$tmp/check.out" >&2; fail "check-config rejects the packaged example"; }
note "$(cat "$tmp/check.out")"

# Every flag the unit gives serve is one serve knows.
"$esc" serve --help >"$tmp/serve-help.out" 2>&1 || fail "escalator serve --help failed"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
for flag in $(grep -o -- '--[a-z-]*' <<<"$exec_start"); do
  name=${flag#--}
  if ! grep -q -- "--$name" "$tmp/serve-help.out"; then
    fail "the unit gives serve $flag, which serve --help does not list"
  fi
done

# systemd's own reading of the unit. verify wants ExecStart's binary to exist and --root wants a
# whole system under the root, so it reads a copy that runs the unpacked binary instead. It only
# warns (exit 0) on an unknown key or a bad value, so any word from it fails the test.
if command -v systemd-analyze >/dev/null; then
  mkdir "$tmp/verify"
  sed "s|/usr/bin/escalator|$esc|" "$unit" >"$tmp/verify/escalator.service"
  if ! systemd-analyze verify "$tmp/verify/escalator.service" >"$tmp/verify.out" 2>&1 ||
    [ -s "$tmp/verify.out" ]; then
    cat "$tmp/verify.out" >&2
    fail "systemd-analyze verify finds fault with the unit"
  fi
  note "systemd-analyze verify: ok"
else
  note "no systemd-analyze here (Debian systemd): the unit's syntax is not verified"
fi

note "ok"
