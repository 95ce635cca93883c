# ctest driver for the vcpkg port: checks the manifests, makes the release archive with
# cmake/release_archive.cmake (what a release attaches), writes its SHA512 into a copy of the
# port as the release step does, runs that portfile.cmake through the stand-in
# (cmake/vcpkg_standin) with the features sqlite and postgres (the archive's hash is verified),
# moves the installed tree elsewhere and builds and runs a consumer on the SQLite store against
# the moved copy, as a vendor's vcpkg toolchain would.
#   cmake -DSOURCE_DIR=<checkout> -DWORK_DIR=<scratch> -DGENERATOR=... -DCXX_COMPILER=...
#         [-DBUILD_TYPE=...] -P run_port_test.cmake
cmake_minimum_required(VERSION 3.19)
foreach(_v SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "-D${_v}=... is required")
  endif()
endforeach()
set(CONSUMER_DIR "${SOURCE_DIR}/tests/consumers")
set(CMAKE_CURRENT_BINARY_DIR "${WORK_DIR}")
include("${CONSUMER_DIR}/consumer_helpers.cmake")
include("${SOURCE_DIR}/cmake/beast_oauth_version.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. The port's manifest and the root manifest agree with the project.
beast_oauth_read_version("${SOURCE_DIR}/include/beast_oauth/version.hpp")
set(_port_dir "${SOURCE_DIR}/ports/beast-oauth")
file(READ "${_port_dir}/vcpkg.json" _port)
file(READ "${SOURCE_DIR}/vcpkg.json" _root)
foreach(_m port root)
  string(JSON _name GET "${_${_m}}" name)
  string(JSON _version GET "${_${_m}}" version-semver)
  string(JSON _license GET "${_${_m}}" license)
  if(NOT _name STREQUAL "beast-oauth" OR NOT _version STREQUAL BEAST_OAUTH_VERSION_FROM_HEADER
     OR NOT _license STREQUAL "BSL-1.0")
    message(FATAL_ERROR "${_m} vcpkg.json: name/version/license are ${_name} ${_version} ${_license}, "
                        "expected beast-oauth ${BEAST_OAUTH_VERSION_FROM_HEADER} BSL-1.0")
  endif()
endforeach()
string(JSON _n LENGTH "${_port}" dependencies)
math(EXPR _last "${_n} - 1")
set(_port_deps)
set(_host_deps)
foreach(_i RANGE ${_last})
  string(JSON _type TYPE "${_port}" dependencies ${_i})
  if(_type STREQUAL "STRING")
    string(JSON _d GET "${_port}" dependencies ${_i})
    list(APPEND _port_deps ${_d})
  else()
    string(JSON _d GET "${_port}" dependencies ${_i} name)
    string(JSON _host ERROR_VARIABLE _err GET "${_port}" dependencies ${_i} host)
    if(_host)
      list(APPEND _host_deps ${_d})
    else()
      list(APPEND _port_deps ${_d})
    endif()
  endif()
endforeach()
foreach(_d boost-asio boost-beast boost-json boost-url openssl)
  if(NOT _d IN_LIST _port_deps)
    message(FATAL_ERROR "ports/beast-oauth/vcpkg.json does not depend on ${_d}")
  endif()
  string(FIND "${_root}" "\"${_d}\"" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "vcpkg.json (root manifest) does not depend on ${_d}")
  endif()
endforeach()
foreach(_d vcpkg-cmake vcpkg-cmake-config)
  if(NOT _d IN_LIST _host_deps)
    message(FATAL_ERROR "ports/beast-oauth/vcpkg.json lacks the host dependency ${_d}")
  endif()
endforeach()
# Features: both manifests declare sqlite (-> sqlite3) and postgres (-> libpq), and the
# portfile maps each to its CMake option.
file(READ "${_port_dir}/portfile.cmake" _portfile)
foreach(_pair "sqlite|sqlite3|BEAST_OAUTH_WITH_SQLITE" "postgres|libpq|BEAST_OAUTH_WITH_POSTGRES")
  string(REPLACE "|" ";" _pair "${_pair}")
  list(GET _pair 0 _feature)
  list(GET _pair 1 _dep)
  list(GET _pair 2 _option)
  foreach(_m port root)
    string(JSON _fdep ERROR_VARIABLE _err GET "${_${_m}}" features ${_feature} dependencies 0)
    if(_err OR NOT _fdep STREQUAL _dep)
      message(FATAL_ERROR "${_m} vcpkg.json: feature '${_feature}' must depend on ${_dep} (${_err}${_fdep})")
    endif()
  endforeach()
  if(NOT _portfile MATCHES "\n[ ]+${_feature}[ ]+${_option}\n")
    message(FATAL_ERROR "portfile.cmake does not map the feature ${_feature} to ${_option}")
  endif()
endforeach()
# The committed port pins a real archive: an https release URL and a 128-digit SHA512.
if(NOT _portfile MATCHES "URLS \"https://github.com/[A-Za-z0-9_.-]+/beast-oauth/releases/download/"
   OR NOT _portfile MATCHES "SHA512 [0-9a-f]+\n" OR _portfile MATCHES "SHA512 0\n")
  message(FATAL_ERROR "ports/beast-oauth/portfile.cmake must name the release URL and its SHA512")
endif()
string(REGEX MATCH "SHA512 ([0-9a-f]+)\n" _m "${_portfile}")
string(LENGTH "${CMAKE_MATCH_1}" _len)
if(NOT _len EQUAL 128)
  message(FATAL_ERROR "ports/beast-oauth/portfile.cmake: SHA512 has ${_len} digits, not 128")
endif()

# 2. The release archive, its hash written into an overlay copy of the port (the release step:
#    cmake/release_archive.cmake with PORT_DIR), then the portfile through the stand-in. The
#    archive sits in vcpkg's downloads directory, where vcpkg_download_distfile checks its hash.
set(_overlay "${WORK_DIR}/overlay/beast-oauth")
copy_tree("${_port_dir}" "${_overlay}")
run(release-archive COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${SOURCE_DIR}" "-DOUT_DIR=${WORK_DIR}/release"
    "-DPORT_DIR=${_overlay}" -P "${SOURCE_DIR}/cmake/release_archive.cmake" OUTPUT_VARIABLE _release_log)
message("${_release_log}")
set(_archive "${WORK_DIR}/release/beast-oauth-${BEAST_OAUTH_VERSION_FROM_HEADER}.tar.gz")
file(SHA512 "${_archive}" _sha512)
file(READ "${_overlay}/portfile.cmake" _overlay_portfile)
if(NOT _overlay_portfile MATCHES "SHA512 ${_sha512}")
  message(FATAL_ERROR "release_archive.cmake did not write the archive's SHA512 into the port")
endif()
string(REGEX REPLACE "SHA512 [0-9a-f]+\n" "" _a "${_portfile}")
string(REGEX REPLACE "SHA512 [0-9a-f]+\n" "" _b "${_overlay_portfile}")
if(NOT _a STREQUAL _b)
  message(FATAL_ERROR "release_archive.cmake changed more of the portfile than its SHA512")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}/vcpkg/downloads")
file(COPY "${_archive}" DESTINATION "${WORK_DIR}/vcpkg/downloads")
# A wrong hash is refused (the committed port's hash belongs to another archive, a release's).
set(_wrong "${WORK_DIR}/overlay-wrong/beast-oauth")
copy_tree("${_overlay}" "${_wrong}")
string(REGEX REPLACE "SHA512 [0-9a-f]+\n" "SHA512 ${_sha512}\n" _t "${_portfile}")
string(REGEX REPLACE "SHA512 ([0-9a-f])[0-9a-f]" "SHA512 \\1f" _t "${_t}")
if(_t MATCHES "SHA512 ${_sha512}")
  string(REGEX REPLACE "SHA512 ([0-9a-f])[0-9a-f]" "SHA512 \\1e" _t "${_t}")
endif()
file(WRITE "${_wrong}/portfile.cmake" "${_t}")
execute_process(COMMAND "${CMAKE_COMMAND}"
    "-DPORT_DIR=${_wrong}" "-DWORK_DIR=${WORK_DIR}/vcpkg" "-DGENERATOR=${GENERATOR}" "-DCXX_COMPILER=${CXX_COMPILER}"
    -P "${SOURCE_DIR}/cmake/vcpkg_standin/build_port.cmake"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(_rc EQUAL 0 OR NOT _out MATCHES "File does not have expected hash")
  message("${_out}")
  message(FATAL_ERROR "the stand-in accepted an archive with the wrong SHA512")
endif()
message(STATUS "[wrong-hash] refused as expected")

set(_root_dir "${WORK_DIR}/vcpkg")
run(portfile COMMAND "${CMAKE_COMMAND}"
    "-DPORT_DIR=${_overlay}" "-DFEATURES=core;sqlite;postgres"
    "-DWORK_DIR=${_root_dir}" "-DGENERATOR=${GENERATOR}" "-DCXX_COMPILER=${CXX_COMPILER}"
    -P "${SOURCE_DIR}/cmake/vcpkg_standin/build_port.cmake"
    OUTPUT_VARIABLE _log)
message("${_log}")
foreach(_expect "-DBEAST_OAUTH_WITH_SQLITE=ON" "-DBEAST_OAUTH_WITH_POSTGRES=ON" "SHA512 verified")
  string(FIND "${_log}" "${_expect}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "the port build did not show '${_expect}'")
  endif()
endforeach()

# 3. Relocate: copy installed/x64-linux elsewhere, delete the whole vcpkg root, consume the copy.
set(_moved "${WORK_DIR}/elsewhere/x64-linux")
copy_tree("${_root_dir}/installed/x64-linux" "${_moved}")
file(REMOVE_RECURSE "${_root_dir}")
assert_relocatable("${_moved}" "${SOURCE_DIR}" "${WORK_DIR}")
foreach(_f beast_oauth-sqlite-targets.cmake beast_oauth-postgres-targets.cmake)
  if(NOT EXISTS "${_moved}/share/beast_oauth/${_f}")
    message(FATAL_ERROR "the port with its features did not install share/beast_oauth/${_f}")
  endif()
endforeach()
build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=find_package
                       "-DCMAKE_PREFIX_PATH=${_moved}" -DCONSUMER_SQLITE=ON)
if(NOT CONSUMER_CONFIGURE_LOG MATCHES "found in ${_moved}/share/beast_oauth")
  message(FATAL_ERROR "the consumer did not use the relocated vcpkg tree")
endif()
# The port is header-only: asking for the compiled component must fail cleanly.
file(WRITE "${WORK_DIR}/component-check/CMakeLists.txt"
  "cmake_minimum_required(VERSION 3.16)\nproject(c NONE)\n"
  "find_package(beast_oauth CONFIG QUIET COMPONENTS compiled)\n"
  "if(beast_oauth_FOUND OR TARGET beast_oauth::compiled)\n"
  "  message(FATAL_ERROR \"COMPONENTS compiled accepted by a header-only install\")\nendif()\n")
run(component-check COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/component-check"
    -B "${WORK_DIR}/component-check/build" "-DCMAKE_PREFIX_PATH=${_moved}")
message(STATUS "vcpkg port (stand-in): passed")
