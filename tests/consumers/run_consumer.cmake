# ctest driver: builds a vendor project (tests/consumers) against beast-oauth one way and
# runs its flow.
#   find_package  one install (both stores, compiled library), moved elsewhere; the vendor
#                 project with the SQLite store, header-only and compiled; then configure-only
#                 checks that each packaging mistake stops with a message saying what to do.
#   fetchcontent  the checkout committed to a local git repository (file://, tagged), fetched
#                 with GIT_REPOSITORY/GIT_TAG; the vendor project with the SQLite store,
#                 header-only and compiled; the release-archive form (URL + SHA256) and a wrong
#                 hash and a store left off are configure-only checks.
#   subdirectory  add_subdirectory of the checkout; the compiled consumer on the memory store.
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
include("${SOURCE_DIR}/cmake/beast_oauth_version.cmake")
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
             lib/libbeast_oauth.a lib/libbeast_oauth_sqlite.a lib/libbeast_oauth_postgres.a
             lib/cmake/beast_oauth/beast_oauth-sqlite-targets.cmake
             lib/cmake/beast_oauth/beast_oauth-sqlite_compiled-targets.cmake
             lib/cmake/beast_oauth/beast_oauth-postgres_compiled-targets.cmake
             lib/cmake/beast_oauth/beast_oauth_link_check.cmake
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
  # find_package(beast_oauth 0.1 CONFIG REQUIRED COMPONENTS compiled sqlite): the vendor
  # project on beast_oauth::beast_oauth + beast_oauth::sqlite and on beast_oauth::sqlite_compiled.
  build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=find_package
                         "-DCMAKE_PREFIX_PATH=${_moved}" -DCONSUMER_COMPILED=ON -DCONSUMER_SQLITE=ON)
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "found in ${_moved}/lib/cmake/beast_oauth")
    message(FATAL_ERROR "the consumer did not use the relocated install")
  endif()

  # Mistakes stop at configure time with a message saying what to do (configure only).
  set(_fp -DBEAST_OAUTH_CONSUME=find_package "-DCMAKE_PREFIX_PATH=${_moved}")
  expect_consumer_configure_failure(mixed-modes "${WORK_DIR}/mixed" "link beast_oauth::sqlite_compiled instead"
                                    ${_fp} -DCONSUMER_HEADER_ONLY=OFF -DCONSUMER_MIX_SQLITE=ON -DCONSUMER_SQLITE=ON)
  expect_consumer_configure_failure(component-not-asked "${WORK_DIR}/no-component"
                                    "beast_oauth::sqlite was not loaded: ask for the component"
                                    ${_fp} -DCONSUMER_SQLITE=ON -DCONSUMER_ASK_FOR_SQLITE=OFF)
  # An install without the compiled store (as before this was fixed): COMPONENTS compiled sqlite
  # is refused by find_package instead of failing at link time.
  set(_old "${WORK_DIR}/old-install/prefix")
  copy_tree("${_moved}" "${_old}")
  file(GLOB _compiled_store "${_old}/lib/cmake/beast_oauth/beast_oauth-sqlite_compiled-targets*.cmake")
  file(REMOVE ${_compiled_store})
  expect_consumer_configure_failure(no-compiled-store "${WORK_DIR}/old-install/consumer"
                                    "this install has no beast_oauth::sqlite_compiled"
                                    -DBEAST_OAUTH_CONSUME=find_package "-DCMAKE_PREFIX_PATH=${_old}"
                                    -DCONSUMER_COMPILED=ON -DCONSUMER_SQLITE=ON)
  file(REMOVE_RECURSE "${WORK_DIR}/old-install")

  # 4. The version file refuses another minor version.
  file(WRITE "${WORK_DIR}/version-check/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.16)\nproject(v NONE)\n"
    "find_package(beast_oauth 0.99 CONFIG QUIET)\n"
    "if(beast_oauth_FOUND)\n  message(FATAL_ERROR \"0.99 accepted\")\nendif()\n")
  run(version-check COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/version-check"
      -B "${WORK_DIR}/version-check/build" "-DCMAKE_PREFIX_PATH=${_moved}")

elseif(MODE STREQUAL "fetchcontent")
  # The checkout as a vendor's FetchContent sees a release: a tagged commit in a git
  # repository, cloned from a file:// URL (no network).
  beast_oauth_read_version("${SOURCE_DIR}/include/beast_oauth/version.hpp")
  set(_tag "v${BEAST_OAUTH_VERSION_FROM_HEADER}")
  make_source_archive("${WORK_DIR}/beast-oauth-src.tar.gz")
  set(_repo "${WORK_DIR}/beast-oauth.git-src")
  file(MAKE_DIRECTORY "${_repo}")
  run(extract COMMAND "${CMAKE_COMMAND}" -E tar xzf "${WORK_DIR}/beast-oauth-src.tar.gz" WORKING_DIRECTORY "${_repo}")
  find_program(_git git REQUIRED)
  set(_git_id -c user.name=ci -c user.email=ci@example.invalid -c init.defaultBranch=main -c commit.gpgsign=false)
  run(git-init COMMAND "${_git}" ${_git_id} init -q WORKING_DIRECTORY "${_repo}")
  run(git-add COMMAND "${_git}" ${_git_id} add -A WORKING_DIRECTORY "${_repo}")
  run(git-commit COMMAND "${_git}" ${_git_id} commit -q -m "beast-oauth ${_tag}" WORKING_DIRECTORY "${_repo}")
  run(git-tag COMMAND "${_git}" ${_git_id} tag "${_tag}" WORKING_DIRECTORY "${_repo}")

  # The vendor project on the SQLite store, header-only and compiled: its CMakeLists has
  # set(BEAST_OAUTH_WITH_SQLITE ON) before FetchContent_MakeAvailable.
  set(_consumer "${WORK_DIR}/consumer")
  configure_consumer("${_consumer}" -DBEAST_OAUTH_CONSUME=fetchcontent
                     "-DBEAST_OAUTH_GIT_URL=file://${_repo}" "-DBEAST_OAUTH_GIT_TAG=${_tag}"
                     -DCONSUMER_SQLITE=ON -DCONSUMER_COMPILED=ON)
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "library targets only, no Catch2 lookup")
    message(FATAL_ERROR "the subproject checks did not run")
  endif()
  # Header-only first: nothing of ours is compiled for it.
  run(consumer-build-header-only COMMAND "${CMAKE_COMMAND}" --build "${_consumer}" --target consumer_header_only --parallel 2)
  file(GLOB_RECURSE _built "${_consumer}/_deps/*.o" "${_consumer}/_deps/*.a")
  if(_built)
    message(FATAL_ERROR "the header-only FetchContent consumer compiled beast-oauth files: ${_built}")
  endif()
  build_and_run_configured_consumer("${_consumer}")
  foreach(_lib libbeast_oauth.a libbeast_oauth_sqlite.a)
    file(GLOB_RECURSE _found "${_consumer}/_deps/${_lib}")
    if(NOT _found)
      message(FATAL_ERROR "the compiled consumer did not build ${_lib} in the subproject")
    endif()
  endforeach()

  # A store linked without its option: configure stops and names the option.
  set(_url "file://${WORK_DIR}/beast-oauth-src.tar.gz")
  expect_consumer_configure_failure(store-option-off "${WORK_DIR}/no-option"
                                    "set.BEAST_OAUTH_WITH_SQLITE ON."
                                    -DBEAST_OAUTH_CONSUME=fetchcontent "-DBEAST_OAUTH_URL=${_url}"
                                    "-DBEAST_OAUTH_URL_SHA256=${SOURCE_ARCHIVE_SHA256}"
                                    -DCONSUMER_SQLITE=ON -DCONSUMER_ASK_FOR_SQLITE=OFF)
  # The release-archive form (URL + SHA256) configures; a wrong hash is refused.
  configure_consumer("${WORK_DIR}/archive" -DBEAST_OAUTH_CONSUME=fetchcontent "-DBEAST_OAUTH_URL=${_url}"
                     "-DBEAST_OAUTH_URL_SHA256=${SOURCE_ARCHIVE_SHA256}")
  expect_consumer_configure_failure(bad-hash "${WORK_DIR}/bad-hash" "HASH mismatch|hash of|does not match"
                                    -DBEAST_OAUTH_CONSUME=fetchcontent "-DBEAST_OAUTH_URL=${_url}"
                                    "-DBEAST_OAUTH_URL_SHA256=0000000000000000000000000000000000000000000000000000000000000000")

elseif(MODE STREQUAL "subdirectory")
  # The compiled library, built only because the consumer links it (the header-only mode
  # of a subproject is built by the fetchcontent test, which is the same mechanism).
  build_and_run_consumer("${WORK_DIR}/consumer" -DBEAST_OAUTH_CONSUME=subdirectory
                         "-DBEAST_OAUTH_SOURCE_DIR=${SOURCE_DIR}" -DCONSUMER_COMPILED=ON
                         -DCONSUMER_HEADER_ONLY=OFF)
  if(NOT CONSUMER_CONFIGURE_LOG MATCHES "library targets only, no Catch2 lookup")
    message(FATAL_ERROR "the subproject checks did not run")
  endif()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
message(STATUS "${MODE} consumer: passed")
