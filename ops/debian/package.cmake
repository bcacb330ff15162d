# The Debian package (issue 17), built by CPack (`ops/package`): escalator_VERSION_amd64.deb with
# the binary, the systemd unit, /etc/default/escalator and an example configuration, and the
# maintainer scripts that create the service user. Included from the root CMakeLists.txt after
# every target is defined.

# `cmake --install` (and so cpack) installs what is built, and never builds `all` first: packaging
# needs the binary only, and the tests ran on the very same build.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The example configuration the package installs: the shared sample, which check-config passes
# and which names no other file (no key files, calendars are inline).
set(ESCALATOR_EXAMPLE_CONFIG "${PROJECT_SOURCE_DIR}/../shared/samples/config.yaml"
    CACHE FILEPATH "configuration installed as /etc/escalator/config.yaml")

install(TARGETS escalator RUNTIME DESTINATION bin)
# bookworm's packages still ship units under /lib (the /usr merge moves them only in trixie).
install(FILES ops/systemd/escalator.service DESTINATION /lib/systemd/system)
install(FILES ops/debian/escalator.default DESTINATION /etc/default RENAME escalator)
if(EXISTS "${ESCALATOR_EXAMPLE_CONFIG}")
  install(FILES "${ESCALATOR_EXAMPLE_CONFIG}" DESTINATION /etc/escalator RENAME config.yaml)
else()
  # Building and testing need no package; the package test names the missing file.
  message(WARNING "no example configuration at ${ESCALATOR_EXAMPLE_CONFIG}: the package will lack "
                  "/etc/escalator/config.yaml")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME escalator)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "event-sourced support-case router and pager")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "Routes support cases from a Kafka feed to on-call engineers, escalates until someone "
       "responds, and keeps every fact in a RocksDB event log. Runs as escalator.service.")
set(CPACK_PACKAGE_CONTACT "escalator maintainers <maintainers@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages come from dpkg-shlibdeps (dpkg-dev); to those: adduser for the
# postinst, tzdata for the calendars' and engineers' time zones (read at run time).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/ops/debian/conffiles ${PROJECT_SOURCE_DIR}/ops/debian/postinst
    ${PROJECT_SOURCE_DIR}/ops/debian/prerm ${PROJECT_SOURCE_DIR}/ops/debian/postrm)
# The maintainer scripts 0755 and conffiles 0644, as dpkg expects, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
