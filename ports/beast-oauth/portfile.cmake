# beast-oauth is installed header-only: the separately compiled variant is left to the
# application (define BEAST_OAUTH_SEPARATE_COMPILATION and include <beast_oauth/src.hpp>
# in one .cpp), so one release build is enough and nothing lands in debug/.
set(VCPKG_BUILD_TYPE release) # header-only

# The release archive attached to the GitHub release (made by cmake/release_archive.cmake,
# which also writes the hash below). vcpkg takes it from its downloads directory or asset
# cache when present there with this hash, and downloads it otherwise.
vcpkg_download_distfile(ARCHIVE
    URLS "https://github.com/beast-oauth/beast-oauth/releases/download/v${VERSION}/beast-oauth-${VERSION}.tar.gz"
    FILENAME "beast-oauth-${VERSION}.tar.gz"
    SHA512 ebfd62efa804be84a6b229e67615a693e06f6932b835bc5e95706ebd270f4b2334c2b0d1ca1745378eaebf61446337c3913e3dc9a16fda36ad2235414f1d4c37
)
vcpkg_extract_source_archive(SOURCE_PATH ARCHIVE "${ARCHIVE}")

# Features -> the CMake options of the optional stores (header-only targets beast_oauth::sqlite
# and beast_oauth::postgres, find_package(beast_oauth CONFIG COMPONENTS sqlite postgres)).
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        sqlite   BEAST_OAUTH_WITH_SQLITE
        postgres BEAST_OAUTH_WITH_POSTGRES
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DBEAST_OAUTH_BUILD_TESTS=OFF
        -DBEAST_OAUTH_BUILD_EXAMPLES=OFF
        -DBEAST_OAUTH_BUILD_DOCS=OFF
        -DBEAST_OAUTH_INSTALL=ON
        -DBEAST_OAUTH_INSTALL_COMPILED=OFF
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME beast_oauth CONFIG_PATH share/cmake/beast_oauth)

# The license goes to share/beast-oauth/copyright instead.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
