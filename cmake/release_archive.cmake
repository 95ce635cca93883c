# Makes the release archive the vcpkg port downloads, and writes its SHA512 into the port.
#
#   cmake -DSOURCE_DIR=. -DOUT_DIR=build/release -DREF=v0.1.0 [-DPORT_DIR=ports/beast-oauth] \
#         -P cmake/release_archive.cmake
#
# REF (a tag or commit): `git archive` of it, deterministic for a given tree and git version.
# Without REF: the working tree (tracked files plus new, not ignored ones), as CI tests it.
# Either way the archive is OUT_DIR/beast-oauth-<version>.tar.gz with one top-level directory
# beast-oauth-<version>/ (what vcpkg_extract_source_archive expects), and without ports/: the
# port names the archive's hash, so it cannot be inside it.
# With PORT_DIR, the `SHA512 <hex>` line of PORT_DIR/portfile.cmake is replaced by the
# archive's hash. Prints "SHA512 <hex>" and sets RELEASE_ARCHIVE / RELEASE_ARCHIVE_SHA512 when
# included instead of run (include() with the same variables set).
cmake_minimum_required(VERSION 3.19)
foreach(_v SOURCE_DIR OUT_DIR)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "-D${_v}=... is required")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/beast_oauth_version.cmake")
beast_oauth_read_version("${SOURCE_DIR}/include/beast_oauth/version.hpp")
set(_version "${BEAST_OAUTH_VERSION_FROM_HEADER}")
set(_prefix "beast-oauth-${_version}")
get_filename_component(_out_dir "${OUT_DIR}" ABSOLUTE)
file(MAKE_DIRECTORY "${_out_dir}")
set(_archive "${_out_dir}/${_prefix}.tar.gz")
file(REMOVE "${_archive}")
find_program(_git git)

if(DEFINED REF AND NOT REF STREQUAL "")
  if(NOT _git)
    message(FATAL_ERROR "REF needs git")
  endif()
  execute_process(COMMAND "${_git}" archive --format=tar.gz "--prefix=${_prefix}/" -o "${_archive}"
                          "${REF}" -- . ":(exclude)ports"
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "git archive ${REF} failed: ${_err}")
  endif()
else()
  set(_keep)
  if(_git)
    execute_process(COMMAND "${_git}" ls-files --cached --others --exclude-standard
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE _rc
                    OUTPUT_VARIABLE _files ERROR_QUIET)
    if(_rc EQUAL 0 AND _files)
      string(REPLACE "\n" ";" _files "${_files}")
      foreach(_f ${_files})
        if(EXISTS "${SOURCE_DIR}/${_f}" AND NOT IS_DIRECTORY "${SOURCE_DIR}/${_f}" AND NOT _f MATCHES "^ports/")
          list(APPEND _keep "${_f}")
        endif()
      endforeach()
    endif()
  endif()
  if(NOT _keep)
    file(GLOB_RECURSE _all RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
    foreach(_f ${_all})
      if(NOT _f MATCHES "^(build[^/]*|\\.git|ports|node_modules)/|/node_modules/")
        list(APPEND _keep "${_f}")
      endif()
    endforeach()
  endif()
  set(_stage "${_out_dir}/stage")
  file(REMOVE_RECURSE "${_stage}")
  foreach(_f ${_keep})
    get_filename_component(_d "${_f}" DIRECTORY)
    file(COPY "${SOURCE_DIR}/${_f}" DESTINATION "${_stage}/${_prefix}/${_d}")
  endforeach()
  execute_process(COMMAND "${CMAKE_COMMAND}" -E tar czf "${_archive}" "--mtime=1970-01-01 00:00:00 UTC" "${_prefix}"
                  WORKING_DIRECTORY "${_stage}" RESULT_VARIABLE _rc)
  file(REMOVE_RECURSE "${_stage}")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cannot write ${_archive}")
  endif()
endif()

file(SHA512 "${_archive}" _sha512)
set(RELEASE_ARCHIVE "${_archive}")
set(RELEASE_ARCHIVE_SHA512 "${_sha512}")
message(STATUS "${_archive}")
message(STATUS "SHA512 ${_sha512}")

if(DEFINED PORT_DIR AND NOT PORT_DIR STREQUAL "")
  file(READ "${PORT_DIR}/portfile.cmake" _port)
  string(REGEX MATCHALL "SHA512 [0-9a-f]+\n" _lines "${_port}")
  list(LENGTH _lines _n)
  if(NOT _n EQUAL 1)
    message(FATAL_ERROR "${PORT_DIR}/portfile.cmake must have exactly one 'SHA512 <hex>' line (found ${_n})")
  endif()
  string(REGEX REPLACE "SHA512 [0-9a-f]+\n" "SHA512 ${_sha512}\n" _port "${_port}")
  file(WRITE "${PORT_DIR}/portfile.cmake" "${_port}")
  message(STATUS "${PORT_DIR}/portfile.cmake: SHA512 updated")
endif()
