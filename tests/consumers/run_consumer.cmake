# ctest driver: builds a vendor project (tests/consumers) against beast-oauth one way and
# runs its flow.
#   cmake -DMODE=find_package|fetchcontent|subdirectory -DSOURCE_DIR=<checkout>
#         -DWORK_DIR=<scratch> -DGENERATOR=... -DCXX_COMPILER=... [-DBUILD_TYPE=...]
#         -P run_consumer.cmake
cmake_minimum_required(VERSION 3.16)
foreach(_v MODE SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "-D${_v}=... is required")
  endif()
endforeach()
set(CONSUMER_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(CMAKE_CURRENT_BINARY_DIR "${WORK_DIR}")
include("${CMAKE_CURRENT_LIST_DIR}/consumer_helpers.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
nested_cmake_args(_common)

if(MODE STREQUAL "find_package")
  # 1. Build and install beast-oauth (header-only and compiled) as a vendor would.
  set(_build "${WORK_DIR}/beast-oauth-build")
  set(_prefix "${WORK_DIR}/prefix")
  run(configure COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${_build}" ${_common}
      -DBEAST_OAUTH_BUILD_TESTS=OFF -DBEAST_OAUTH_BUILD_EXAMPLES=OFF -DBEAST_OAUTH_BUILD_DOCS=OFF
      "-DCMAKE_INSTALL_PREFIX=${_prefix}")
  run(build COMMAND "${CMAKE_COMMAND}" --build "${_build}" --parallel 2)
  run(install COMMAND "${CMAKE_COMMAND}" --install "${_build}")

  # 2. What was installed.
  foreach(_f include/beast_oauth/beast_oauth.hpp include/beast_oauth/src.hpp
             include/beast_oauth/impl/server.ipp include/beast_oauth/detail/impl/crypto.ipp
             lib/libbeast_oauth.a
             lib/cmake/beast_oauth/beast_oauthConfig.cmake
             lib/cmake/beast_oauth/beast_oauthConfigVersion.cmake
             lib/cmake/beast_oauth/beast_oauth-targets.cmake
             lib/cmake/beast_oauth/beast_oauth-compiled-targets.cmake
             share/doc/beast_oauth/LICENSE)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "cmake --install did not install ${_f}")
    endif()
  endforeach()
  file(READ "${_prefix}/lib/cmake/beast_oauth/beast_oauth-compiled-targets.cmake" _compiled)
  if(NOT _compiled MATCHES "INTERFACE_COMPILE_DEFINITIONS \"BEAST_OAUTH_SEPARATE_COMPILATION\"")
    message(FATAL_ERROR "beast_oauth::compiled must carry exactly BEAST_OAUTH_SEPARATE_COMPILATION (no Asio/Beast switches)")
  endif()
  file(READ "${_prefix}/lib/cmake/beast_oauth/beast_oauthConfig.cmake" _config)
  if(_config MATCHES "COMPONENTS[^)]*system")
    message(FATAL_ERROR "the config asks for Boost.System, a header-only library since 1.69")
  endif()
  assert_relocatable("${_prefix}" "${SOURCE_DIR}" "${WORK_DIR}")

  # 3. Move the install elsewhere (the original is deleted) and consume it from there.
  set(_moved "${WORK_DIR}/moved/prefix")
  copy_tree("${_prefix}" "${_moved}")
  file(REMOVE_RECURSE "${_prefix}" "${_build}")
  build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=find_package
                         "-DCMAKE_PREFIX_PATH=${_moved}" -DCONSUMER_COMPILED=ON)
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "found in ${_moved}/lib/cmake/beast_oauth")
    message(FATAL_ERROR "the consumer did not use the relocated install")
  endif()

  # 4. The version file refuses another minor version.
  file(WRITE "${WORK_DIR}/version-check/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.16)\nproject(v NONE)\n"
    "find_package(beast_oauth 0.99 CONFIG QUIET)\n"
    "if(beast_oauth_FOUND)\n  message(FATAL_ERROR \"0.99 accepted\")\nendif()\n")
  run(version-check COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/version-check"
      -B "${WORK_DIR}/version-check/build" "-DCMAKE_PREFIX_PATH=${_moved}")

elseif(MODE STREQUAL "fetchcontent")
  # The checkout packed as a release archive, fetched by URL with its hash: no network.
  make_source_archive("${WORK_DIR}/beast-oauth-src.tar.gz")
  build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=fetchcontent
                         "-DBEAST_OAUTH_URL=file://${WORK_DIR}/beast-oauth-src.tar.gz"
                         "-DBEAST_OAUTH_URL_SHA256=${SOURCE_ARCHIVE_SHA256}")
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "library targets only, no Catch2 lookup")
    message(FATAL_ERROR "the subproject checks did not run")
  endif()
  # Nothing of ours but the library was compiled.
  file(GLOB_RECURSE _built "${WORK_DIR}/consumer/_deps/*.o" "${WORK_DIR}/consumer/_deps/*.a")
  if(_built)
    message(FATAL_ERROR "the header-only FetchContent consumer compiled beast-oauth files: ${_built}")
  endif()
  # A wrong hash must be refused.
  nested_cmake_args(_common)
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/bad-hash" ${_common}
                  -DBEAST_OAUTH_CONSUME=fetchcontent
                  "-DBEAST_OAUTH_URL=file://${WORK_DIR}/beast-oauth-src.tar.gz"
                  "-DBEAST_OAUTH_URL_SHA256=0000000000000000000000000000000000000000000000000000000000000000"
                  RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
  if(_rc EQUAL 0)
    message(FATAL_ERROR "FetchContent accepted an archive with the wrong hash")
  endif()

elseif(MODE STREQUAL "subdirectory")
  # Both targets: the compiled one is built only because the consumer links it.
  build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=subdirectory
                         "-DBEAST_OAUTH_SOURCE_DIR=${SOURCE_DIR}" -DCONSUMER_COMPILED=ON)
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "library targets only, no Catch2 lookup")
    message(FATAL_ERROR "the subproject checks did not run")
  endif()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
message(STATUS "${MODE} consumer: passed")
