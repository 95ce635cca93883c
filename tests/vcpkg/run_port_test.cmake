# ctest driver for the vcpkg port: checks the manifests, runs ports/beast-oauth/portfile.cmake
# through the stand-in (cmake/vcpkg_standin), moves the installed tree elsewhere and builds
# and runs a consumer against the moved copy, as a vendor's vcpkg toolchain would.
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

# 2. The portfile, through the stand-in.
make_source_archive("${WORK_DIR}/downloads/beast-oauth-src.tar.gz")
set(_root_dir "${WORK_DIR}/vcpkg")
run(portfile COMMAND "${CMAKE_COMMAND}"
    "-DPORT_DIR=${_port_dir}" "-DSOURCE_ARCHIVE=${WORK_DIR}/downloads/beast-oauth-src.tar.gz"
    "-DWORK_DIR=${_root_dir}" "-DGENERATOR=${GENERATOR}" "-DCXX_COMPILER=${CXX_COMPILER}"
    -P "${SOURCE_DIR}/cmake/vcpkg_standin/build_port.cmake"
    OUTPUT_VARIABLE _log)
message("${_log}")

# 3. Relocate: copy installed/x64-linux elsewhere, delete the whole vcpkg root, consume the copy.
set(_moved "${WORK_DIR}/elsewhere/x64-linux")
copy_tree("${_root_dir}/installed/x64-linux" "${_moved}")
file(REMOVE_RECURSE "${_root_dir}")
assert_relocatable("${_moved}" "${SOURCE_DIR}" "${WORK_DIR}")
build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=find_package
                       "-DCMAKE_PREFIX_PATH=${_moved}")
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
