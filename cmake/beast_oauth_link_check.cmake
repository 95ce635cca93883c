# Configure-time check of how a consumer links beast-oauth's targets (CMake 3.19 or newer;
# older versions skip it). Scheduled at the end of the consumer's top-level CMakeLists.txt by
# beast-oauth as a subproject (FetchContent, add_subdirectory) and by the installed package
# config (find_package). It looks at the targets each consumer target links directly and stops
# with a message saying what to set or link when:
#   - a beast_oauth:: target does not exist (a store whose option is off, a store component
#     not requested from find_package, a misspelt name);
#   - a header-only store (beast_oauth::sqlite, beast_oauth::postgres) is linked together with
#     the compiled library (beast_oauth::compiled or a *_compiled store): the compiled library
#     switches the whole program to separate compilation, so the header-only store's code is
#     never compiled and the link fails with undefined sqlite_store/postgres_store symbols.
include_guard(GLOBAL)

set(_beast_oauth_all_targets
    "beast_oauth::beast_oauth, beast_oauth::compiled, beast_oauth::sqlite, beast_oauth::sqlite_compiled, beast_oauth::postgres, beast_oauth::postgres_compiled")

# beast_oauth_schedule_link_check(subproject|package <beast-oauth source dir or "">)
function(beast_oauth_schedule_link_check mode own_dir)
  if(CMAKE_VERSION VERSION_LESS 3.19)
    return()
  endif()
  get_property(_done GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_SCHEDULED)
  if(_done)
    return()
  endif()
  set_property(GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_SCHEDULED TRUE)
  # A deferred call's arguments are evaluated when it runs: pass them as global properties.
  set_property(GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_MODE "${mode}")
  set_property(GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_OWN_DIR "${own_dir}")
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" ID beast_oauth_link_check
                 CALL _beast_oauth_link_check)
endfunction()

function(_beast_oauth_store_hint target mode out)
  string(REGEX REPLACE "^beast_oauth::([a-z]+)(_compiled)?$" "\\1" _store "${target}")
  string(TOUPPER "${_store}" _upper)
  if(mode STREQUAL "subproject")
    string(CONCAT _msg "${target} is not built: its option is off (the stores are off by default in a "
               "subproject). Write\n  set(BEAST_OAUTH_WITH_${_upper} ON)\nbefore "
               "FetchContent_MakeAvailable(beast_oauth) or add_subdirectory(...) (or configure with "
               "-DBEAST_OAUTH_WITH_${_upper}=ON)")
  else()
    string(CONCAT _msg "${target} was not loaded: ask for the component, e.g.\n  find_package(beast_oauth CONFIG "
               "REQUIRED COMPONENTS ${_store})\n(add `compiled` for ${_store}_compiled); if that fails, "
               "this install was made without the store: reinstall beast-oauth configured with "
               "-DBEAST_OAUTH_WITH_${_upper}=ON")
  endif()
  set(${out} "${_msg}" PARENT_SCOPE)
endfunction()

function(_beast_oauth_link_check)
  get_property(mode GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_MODE)
  get_property(own_dir GLOBAL PROPERTY BEAST_OAUTH_LINK_CHECK_OWN_DIR)
  set(_dirs "${CMAKE_SOURCE_DIR}")
  set(_targets)
  while(_dirs)
    list(POP_FRONT _dirs _d)
    get_property(_t DIRECTORY "${_d}" PROPERTY BUILDSYSTEM_TARGETS)
    list(APPEND _targets ${_t})
    get_property(_sub DIRECTORY "${_d}" PROPERTY SUBDIRECTORIES)
    list(APPEND _dirs ${_sub})
  endwhile()
  set(_errors)
  foreach(_t ${_targets})
    get_target_property(_src ${_t} SOURCE_DIR)
    if(own_dir AND _src STREQUAL own_dir)
      continue() # beast-oauth's own targets
    endif()
    set(_links)
    foreach(_p LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(_v ${_t} ${_p})
      if(_v)
        list(APPEND _links ${_v})
      endif()
    endforeach()
    string(REGEX MATCHALL "beast_oauth::[A-Za-z0-9_]+" _ours "${_links}")
    if(NOT _ours)
      continue()
    endif()
    list(REMOVE_DUPLICATES _ours)
    set(_compiled FALSE)
    set(_header_only_store)
    foreach(_l ${_ours})
      if(NOT TARGET ${_l})
        if(_l MATCHES "^beast_oauth::(sqlite|postgres)(_compiled)?$")
          _beast_oauth_store_hint("${_l}" "${mode}" _hint)
        else()
          set(_hint "${_l} is not a beast-oauth target; they are: ${_beast_oauth_all_targets}")
        endif()
        list(APPEND _errors "target ${_t} links ${_l}:\n${_hint}")
      endif()
      if(_l MATCHES "^beast_oauth::(compiled|sqlite_compiled|postgres_compiled)$")
        set(_compiled TRUE)
      elseif(_l MATCHES "^beast_oauth::(sqlite|postgres)$")
        list(APPEND _header_only_store ${_l})
      endif()
    endforeach()
    if(_compiled AND _header_only_store)
      foreach(_l ${_header_only_store})
        string(CONCAT _e
             "target ${_t} links the header-only store ${_l} and the compiled library: with "
             "beast_oauth::compiled link ${_l}_compiled instead of ${_l} (or link beast_oauth::beast_oauth "
             "and ${_l}, both header-only); mixed, the store's code is never compiled")
        list(APPEND _errors "${_e}")
      endforeach()
    endif()
  endforeach()
  if(_errors)
    string(REPLACE ";" "\n" _text "${_errors}")
    message(FATAL_ERROR "beast-oauth: ${_text}\n(docs/consuming.md lists every target)")
  endif()
endfunction()
