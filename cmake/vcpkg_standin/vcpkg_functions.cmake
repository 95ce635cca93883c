# Stand-ins for the vcpkg helper functions our portfile calls, for machines without vcpkg.
#
# They do what vcpkg's own helpers do to a CMake port, against a local source archive:
# configure, build and install into ${CURRENT_PACKAGES_DIR}, move and fix the CMake config
# files, install the copyright. They are not vcpkg: see docs/consuming.md for what this
# does not cover. Variables they read are set by build_port.cmake.

# vcpkg_from_github: checks the arguments the real helper requires, then extracts
# STANDIN_SOURCE_ARCHIVE (the local checkout packed as a release tarball) instead of
# downloading ${REPO}@${REF}. The portfile's SHA512 cannot be checked here.
function(vcpkg_from_github)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_SOURCE_PATH;REPO;REF;SHA512;HEAD_REF;GITHUB_HOST;AUTHORIZATION_TOKEN;FILE_DISAMBIGUATOR" "PATCHES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vcpkg_from_github: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(_required OUT_SOURCE_PATH REPO REF SHA512)
    if(NOT DEFINED arg_${_required})
      message(FATAL_ERROR "vcpkg_from_github: ${_required} is required")
    endif()
  endforeach()
  if(NOT arg_REPO MATCHES "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    message(FATAL_ERROR "vcpkg_from_github: REPO must be owner/name, got '${arg_REPO}'")
  endif()
  if(NOT arg_SHA512 MATCHES "^(0|[0-9a-f]{128})$")
    message(FATAL_ERROR "vcpkg_from_github: SHA512 must be 128 hex digits (or 0 before the first release)")
  endif()
  if(arg_PATCHES)
    message(FATAL_ERROR "vcpkg_from_github: the stand-in does not apply PATCHES")
  endif()
  message(STATUS "vcpkg_from_github (stand-in): ${arg_REPO}@${arg_REF} taken from ${STANDIN_SOURCE_ARCHIVE}")
  set(_src "${CURRENT_BUILDTREES_DIR}/src/${arg_REF}")
  file(REMOVE_RECURSE "${_src}")
  file(MAKE_DIRECTORY "${_src}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E tar xzf "${STANDIN_SOURCE_ARCHIVE}"
                  WORKING_DIRECTORY "${_src}" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "vcpkg_from_github (stand-in): cannot extract ${STANDIN_SOURCE_ARCHIVE}")
  endif()
  set(${arg_OUT_SOURCE_PATH} "${_src}" PARENT_SCOPE)
endfunction()

# vcpkg_cmake_configure: a release (and, unless VCPKG_BUILD_TYPE is release, a debug)
# configure with the variables vcpkg always passes. Like vcpkg it reports OPTIONS the
# project never read; unlike vcpkg (a warning) that is an error here, unless listed in
# MAYBE_UNUSED_VARIABLES, so a misspelt option cannot go unnoticed.
function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "PREFER_NINJA;DISABLE_PARALLEL_CONFIGURE;WINDOWS_USE_MSBUILD;NO_CHARSET_FLAG;Z_CMAKE_GET_VARS_USAGE"
                        "SOURCE_PATH;GENERATOR;LOGFILE_BASE"
                        "OPTIONS;OPTIONS_DEBUG;OPTIONS_RELEASE;MAYBE_UNUSED_VARIABLES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vcpkg_cmake_configure: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT EXISTS "${arg_SOURCE_PATH}/CMakeLists.txt")
    message(FATAL_ERROR "vcpkg_cmake_configure: no CMakeLists.txt in SOURCE_PATH '${arg_SOURCE_PATH}'")
  endif()
  set(_configs release)
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    list(APPEND _configs debug)
  endif()
  if(VCPKG_LIBRARY_LINKAGE STREQUAL "dynamic")
    set(_shared ON)
  else()
    set(_shared OFF)
  endif()
  set(_dirs)
  foreach(_config ${_configs})
    if(_config STREQUAL "release")
      set(_dir "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel")
      set(_prefix "${CURRENT_PACKAGES_DIR}")
      set(_type Release)
      set(_extra ${arg_OPTIONS_RELEASE})
    else()
      set(_dir "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-dbg")
      set(_prefix "${CURRENT_PACKAGES_DIR}/debug")
      set(_type Debug)
      set(_extra ${arg_OPTIONS_DEBUG})
    endif()
    file(REMOVE_RECURSE "${_dir}")
    message(STATUS "vcpkg_cmake_configure (stand-in): ${TARGET_TRIPLET}-${_config}")
    execute_process(
      COMMAND "${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${_dir}" -G "${STANDIN_GENERATOR}"
              "-DCMAKE_CXX_COMPILER=${STANDIN_CXX_COMPILER}"
              "-DCMAKE_BUILD_TYPE=${_type}"
              "-DCMAKE_INSTALL_PREFIX=${_prefix}"
              "-DBUILD_SHARED_LIBS=${_shared}"
              -DCMAKE_INSTALL_BINDIR:STRING=bin
              -DCMAKE_INSTALL_LIBDIR:STRING=lib
              -DFETCHCONTENT_FULLY_DISCONNECTED=ON
              -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON
              -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
              -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON
              -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=TRUE
              ${arg_OPTIONS} ${_extra}
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log)
    file(WRITE "${CURRENT_BUILDTREES_DIR}/config-${TARGET_TRIPLET}-${_config}-out.log" "${_log}")
    if(NOT _rc EQUAL 0)
      message("${_log}")
      message(FATAL_ERROR "vcpkg_cmake_configure (stand-in): configure failed")
    endif()
    # Options the port passed that the project never read.
    if(_log MATCHES "Manually-specified variables were not used by the project:\n\n([^\n]+(\n    [^\n]+)*)")
      string(REGEX MATCHALL "[A-Za-z0-9_]+" _unused "${CMAKE_MATCH_1}")
      foreach(_var ${_unused})
        set(_from_port FALSE)
        foreach(_opt ${arg_OPTIONS} ${_extra})
          if(_opt MATCHES "^-D${_var}[:=]")
            set(_from_port TRUE)
          endif()
        endforeach()
        if(_from_port AND NOT _var IN_LIST arg_MAYBE_UNUSED_VARIABLES)
          message(FATAL_ERROR "vcpkg_cmake_configure: the port passes -D${_var}, which the project does not use")
        endif()
      endforeach()
    endif()
    list(APPEND _dirs "${_dir}")
  endforeach()
  set_property(GLOBAL PROPERTY STANDIN_CONFIGURED_DIRS "${_dirs}")
endfunction()

# vcpkg_cmake_install: builds the install target of every configured build tree.
function(vcpkg_cmake_install)
  cmake_parse_arguments(PARSE_ARGV 0 arg "DISABLE_PARALLEL;ADD_BIN_TO_PATH" "" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vcpkg_cmake_install: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  get_property(_dirs GLOBAL PROPERTY STANDIN_CONFIGURED_DIRS)
  if(NOT _dirs)
    message(FATAL_ERROR "vcpkg_cmake_install: call vcpkg_cmake_configure first")
  endif()
  foreach(_dir ${_dirs})
    message(STATUS "vcpkg_cmake_install (stand-in): ${_dir}")
    execute_process(COMMAND "${CMAKE_COMMAND}" --build "${_dir}" --target install --parallel 2
                    RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log)
    if(NOT _rc EQUAL 0)
      message("${_log}")
      message(FATAL_ERROR "vcpkg_cmake_install (stand-in): build failed")
    endif()
  endforeach()
endfunction()

# vcpkg_cmake_config_fixup: moves CONFIG_PATH to share/<PACKAGE_NAME>, drops an emptied
# parent "cmake" directory, corrects the prefix computation for the new depth and replaces
# absolute package paths, as vcpkg's helper does.
function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "DO_NOT_DELETE_PARENT_CONFIG_PATH;NO_PREFIX_CORRECTION" "PACKAGE_NAME;CONFIG_PATH" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  if(NOT arg_CONFIG_PATH)
    set(arg_CONFIG_PATH "share/${arg_PACKAGE_NAME}")
  endif()
  set(_target "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  set(_roots "${CURRENT_PACKAGES_DIR}")
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    list(APPEND _roots "${CURRENT_PACKAGES_DIR}/debug")
  endif()
  foreach(_root ${_roots})
    set(_from "${_root}/${arg_CONFIG_PATH}")
    if(NOT EXISTS "${_from}")
      message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${_from}' does not exist")
    endif()
    if(_root STREQUAL CURRENT_PACKAGES_DIR)
      set(_to "${_target}")
    else()
      set(_to "${_root}/share/${arg_PACKAGE_NAME}")
    endif()
    if(NOT arg_CONFIG_PATH STREQUAL "share/${arg_PACKAGE_NAME}")
      file(GLOB _files "${_from}/*")
      file(COPY ${_files} DESTINATION "${_to}")
      file(REMOVE_RECURSE "${_from}")
      get_filename_component(_parent "${_from}" DIRECTORY)
      get_filename_component(_parent_name "${_parent}" NAME)
      file(GLOB _left "${_parent}/*")
      if(_parent_name STREQUAL "cmake" AND NOT _left AND NOT arg_DO_NOT_DELETE_PARENT_CONFIG_PATH)
        file(REMOVE_RECURSE "${_parent}")
      endif()
    endif()
  endforeach()

  # Debug builds contribute only their *-debug.cmake target files.
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    set(_debug_share "${CURRENT_PACKAGES_DIR}/debug/share/${arg_PACKAGE_NAME}")
    file(GLOB _debug_targets "${_debug_share}/*-debug.cmake")
    foreach(_f ${_debug_targets})
      file(READ "${_f}" _text)
      string(REPLACE "\${_IMPORT_PREFIX}/lib" "\${_IMPORT_PREFIX}/debug/lib" _text "${_text}")
      string(REPLACE "\${_IMPORT_PREFIX}/bin" "\${_IMPORT_PREFIX}/debug/bin" _text "${_text}")
      get_filename_component(_name "${_f}" NAME)
      file(WRITE "${_target}/${_name}" "${_text}")
    endforeach()
    file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/share")
  endif()

  # The files now live two levels below the prefix (share/<name>).
  file(GLOB _cmake_files "${_target}/*.cmake")
  foreach(_f ${_cmake_files})
    file(READ "${_f}" _text)
    if(NOT arg_NO_PREFIX_CORRECTION)
      string(REGEX REPLACE
        "get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\)(\nget_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\))*"
        "get_filename_component(_IMPORT_PREFIX \"\${CMAKE_CURRENT_LIST_FILE}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)"
        _text "${_text}")
      string(REGEX REPLACE
        "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/\\.\\./(\\.\\./)*\" ABSOLUTE\\)"
        "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
        _text "${_text}")
    endif()
    string(REPLACE "${CURRENT_INSTALLED_DIR}" "\${_IMPORT_PREFIX}" _text "${_text}")
    string(REPLACE "${CURRENT_PACKAGES_DIR}" "\${_IMPORT_PREFIX}" _text "${_text}")
    file(WRITE "${_f}" "${_text}")
  endforeach()
endfunction()

# vcpkg_install_copyright: share/<port>/copyright from the license file(s).
function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "COMMENT" "FILE_LIST")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_FILE_LIST)
    message(FATAL_ERROR "vcpkg_install_copyright: FILE_LIST <files...> [COMMENT <text>]")
  endif()
  set(_out "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright")
  list(LENGTH arg_FILE_LIST _n)
  set(_text "")
  if(arg_COMMENT)
    set(_text "${arg_COMMENT}\n\n")
  endif()
  foreach(_f ${arg_FILE_LIST})
    if(NOT EXISTS "${_f}")
      message(FATAL_ERROR "vcpkg_install_copyright: ${_f} does not exist")
    endif()
    file(READ "${_f}" _content)
    if(_n GREATER 1)
      get_filename_component(_name "${_f}" NAME)
      string(APPEND _text "${_name}:\n\n")
    endif()
    string(APPEND _text "${_content}")
  endforeach()
  file(WRITE "${_out}" "${_text}")
endfunction()
