# Reads the version from include/beast_oauth/version.hpp, the single source of truth,
# and checks that its macros agree with each other. Sets BEAST_OAUTH_VERSION_FROM_HEADER.
# Runs before project(), so a mismatch stops the configure step of every build,
# including FetchContent and add_subdirectory consumers.
function(beast_oauth_read_version header)
  file(STRINGS "${header}" _lines REGEX "^#define BEAST_OAUTH_VERSION")
  foreach(_name MAJOR MINOR PATCH)
    if(NOT _lines MATCHES "#define BEAST_OAUTH_VERSION_${_name} ([0-9]+)")
      message(FATAL_ERROR "${header}: BEAST_OAUTH_VERSION_${_name} is missing")
    endif()
    set(_${_name} "${CMAKE_MATCH_1}")
  endforeach()
  if(NOT _lines MATCHES "#define BEAST_OAUTH_VERSION ([0-9]+)")
    message(FATAL_ERROR "${header}: BEAST_OAUTH_VERSION is missing")
  endif()
  set(_number "${CMAKE_MATCH_1}")
  if(NOT _lines MATCHES "#define BEAST_OAUTH_VERSION_STRING \"([^\"]*)\"")
    message(FATAL_ERROR "${header}: BEAST_OAUTH_VERSION_STRING is missing")
  endif()
  set(_string "${CMAKE_MATCH_1}")

  set(_expected_string "${_MAJOR}.${_MINOR}.${_PATCH}")
  math(EXPR _expected_number "${_MAJOR} * 100000 + ${_MINOR} * 100 + ${_PATCH}")
  if(NOT _string STREQUAL _expected_string)
    message(FATAL_ERROR "${header}: BEAST_OAUTH_VERSION_STRING is \"${_string}\" "
                        "but MAJOR.MINOR.PATCH is ${_expected_string}")
  endif()
  if(NOT _number EQUAL _expected_number)
    message(FATAL_ERROR "${header}: BEAST_OAUTH_VERSION is ${_number} but "
                        "MAJOR * 100000 + MINOR * 100 + PATCH is ${_expected_number}")
  endif()
  if(_MINOR GREATER 999 OR _PATCH GREATER 99)
    message(FATAL_ERROR "${header}: MINOR must stay below 1000 and PATCH below 100")
  endif()
  set(BEAST_OAUTH_VERSION_FROM_HEADER "${_string}" PARENT_SCOPE)
endfunction()
