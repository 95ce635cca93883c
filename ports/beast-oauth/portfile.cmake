# beast-oauth is installed header-only: the separately compiled variant is left to the
# application (define BEAST_OAUTH_SEPARATE_COMPILATION and include <beast_oauth/src.hpp>
# in one .cpp), so one release build is enough and nothing lands in debug/.
set(VCPKG_BUILD_TYPE release) # header-only

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO beast-oauth/beast-oauth
    REF "v${VERSION}"
    # Release checklist: replace with the SHA512 vcpkg prints for the tagged archive.
    SHA512 0
    HEAD_REF main
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
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
