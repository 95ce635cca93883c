# Helpers for the consumer and packaging tests (cmake -P scripts).
# Each nested project uses the outer build's compiler, generator and build type.

# run(<what> COMMAND ...): runs a command, echoes it, stops the script when it fails.
function(run what)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WORKING_DIRECTORY;OUTPUT_VARIABLE" "COMMAND")
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  string(REPLACE ";" " " _shown "${arg_COMMAND}")
  message(STATUS "[${what}] ${_shown}")
  execute_process(COMMAND ${arg_COMMAND}
                  WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 0)
    message("${_out}")
    message(FATAL_ERROR "[${what}] failed (${_rc})")
  endif()
  if(arg_OUTPUT_VARIABLE)
    set(${arg_OUTPUT_VARIABLE} "${_out}" PARENT_SCOPE)
  endif()
endfunction()

# The -G/-D arguments that make a nested project match the outer build.
function(nested_cmake_args out)
  set(_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
  if(BUILD_TYPE)
    list(APPEND _args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
  endif()
  set(${out} "${_args}" PARENT_SCOPE)
endfunction()

# configure_consumer(<work dir> <configure args...>): configures tests/consumers with the
# given arguments into a fresh <work dir>; sets CONSUMER_CONFIGURE_LOG.
function(configure_consumer dir)
  nested_cmake_args(_common)
  file(REMOVE_RECURSE "${dir}")
  run(consumer-configure COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${dir}" ${_common} ${ARGN}
      OUTPUT_VARIABLE _configure_log)
  message("${_configure_log}")
  set(CONSUMER_CONFIGURE_LOG "${_configure_log}" PARENT_SCOPE)
endfunction()

# build_and_run_configured_consumer(<work dir>): builds a configured consumer and runs every
# consumer executable it produced.
function(build_and_run_configured_consumer dir)
  run(consumer-build COMMAND "${CMAKE_COMMAND}" --build "${dir}" --parallel 2)
  set(_ran 0)
  foreach(_exe consumer_header_only consumer_compiled)
    if(EXISTS "${dir}/${_exe}")
      run(${_exe} COMMAND "${dir}/${_exe}" OUTPUT_VARIABLE _out WORKING_DIRECTORY "${dir}")
      message("${_out}")
      if(NOT _out MATCHES "consumer flow ok")
        message(FATAL_ERROR "${_exe} did not complete the flow")
      endif()
      math(EXPR _ran "${_ran} + 1")
    endif()
  endforeach()
  if(_ran EQUAL 0)
    message(FATAL_ERROR "no consumer executable was built in ${dir}")
  endif()
endfunction()

# build_and_run_consumer(<work dir> <configure args...>): both of the above.
function(build_and_run_consumer dir)
  configure_consumer("${dir}" ${ARGN})
  build_and_run_configured_consumer("${dir}")
  set(CONSUMER_CONFIGURE_LOG "${CONSUMER_CONFIGURE_LOG}" PARENT_SCOPE)
endfunction()

# expect_consumer_configure_failure(<what> <work dir> <regex> <configure args...>): configuring
# tests/consumers with these arguments must fail, with output matching <regex>.
function(expect_consumer_configure_failure what dir regex)
  nested_cmake_args(_common)
  file(REMOVE_RECURSE "${dir}")
  message(STATUS "[${what}] configure must fail")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${dir}" ${_common} ${ARGN}
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(_rc EQUAL 0)
    message("${_out}")
    message(FATAL_ERROR "[${what}] configure succeeded; it must stop with a message")
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" " " _flat "${_out}") # CMake wraps long messages
  if(NOT _flat MATCHES "${regex}")
    message("${_out}")
    message(FATAL_ERROR "[${what}] the configure error does not say '${regex}'")
  endif()
  message(STATUS "[${what}] refused as expected")
endfunction()

# assert_relocatable(<installed tree> <forbidden absolute paths...>): no installed text file
# may name a build, source or install directory; and no installed file may mention the
# whole-program Asio/Beast switches or our internal targets.
function(assert_relocatable tree)
  file(GLOB_RECURSE _files "${tree}/*")
  foreach(_f ${_files})
    if(_f MATCHES "\\.(a|so|lib)$")
      continue()
    endif()
    file(READ "${_f}" _text)
    foreach(_p ${ARGN})
      string(FIND "${_text}" "${_p}" _at)
      if(NOT _at EQUAL -1)
        message(FATAL_ERROR "${_f} contains the absolute path ${_p}")
      endif()
    endforeach()
    if(_f MATCHES "\\.cmake$")
      foreach(_bad BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
                   beast_oauth_asio beast_oauth_dev Catch2)
        string(FIND "${_text}" "${_bad}" _at)
        if(NOT _at EQUAL -1)
          message(FATAL_ERROR "${_f} mentions ${_bad}, which must not reach consumers")
        endif()
      endforeach()
    endif()
  endforeach()
endfunction()

# copy_tree(<from> <to>): a fresh copy (the original is then removed by the caller, so a
# consumer can only work if the tree is relocatable).
function(copy_tree from to)
  file(REMOVE_RECURSE "${to}")
  get_filename_component(_parent "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${_parent}")
  file(COPY "${from}/" DESTINATION "${to}")
endfunction()

# make_source_archive(<archive>): the checkout as a release tarball would ship it. In a git
# work tree: the tracked files plus new, not ignored ones (what the next commit would hold);
# otherwise every top-level entry but build trees, VCS data and node_modules.
# Sets SOURCE_ARCHIVE_SHA256 and SOURCE_ARCHIVE_SHA512.
function(make_source_archive archive)
  set(_keep)
  find_program(_git git)
  if(_git)
    execute_process(COMMAND "${_git}" ls-files --cached --others --exclude-standard
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE _rc
                    OUTPUT_VARIABLE _files ERROR_QUIET)
    if(_rc EQUAL 0 AND _files)
      string(REPLACE "\n" ";" _files "${_files}")
      foreach(_f ${_files})
        if(EXISTS "${SOURCE_DIR}/${_f}" AND NOT IS_DIRECTORY "${SOURCE_DIR}/${_f}")
          list(APPEND _keep "${_f}")
        endif()
      endforeach()
    endif()
  endif()
  if(NOT _keep)
    file(GLOB _entries RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*" "${SOURCE_DIR}/.*")
    foreach(_e ${_entries})
      if(NOT _e MATCHES "^(build.*|\\.git|node_modules|\\.|\\.\\.)$")
        list(APPEND _keep "${_e}")
      endif()
    endforeach()
  endif()
  get_filename_component(_parent "${archive}" DIRECTORY)
  file(MAKE_DIRECTORY "${_parent}")
  string(REPLACE ";" "\n" _list "${_keep}")
  file(WRITE "${archive}.files" "${_list}\n")
  run(archive COMMAND "${CMAKE_COMMAND}" -E tar czf "${archive}" "--files-from=${archive}.files"
      WORKING_DIRECTORY "${SOURCE_DIR}")
  list(LENGTH _keep _n)
  message(STATUS "[archive] ${_n} files from ${SOURCE_DIR}")
  file(SHA256 "${archive}" _sha256)
  file(SHA512 "${archive}" _sha512)
  set(SOURCE_ARCHIVE_SHA256 "${_sha256}" PARENT_SCOPE)
  set(SOURCE_ARCHIVE_SHA512 "${_sha512}" PARENT_SCOPE)
endfunction()
