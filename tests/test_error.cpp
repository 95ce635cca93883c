#include <beast_oauth/error.hpp>
#include "catch.hpp"

using beast_oauth::error;

TEST_CASE("error codes carry their RFC wire names and HTTP status")
{
    boost::system::error_code ec = error::invalid_grant;
    CHECK(ec.message() == "invalid_grant");
    CHECK(ec.category().name() == std::string("beast_oauth"));
    CHECK(beast_oauth::wire_name(error::unsupported_response_type) == "unsupported_response_type");
    CHECK(beast_oauth::http_status(error::invalid_request) == 400);
    CHECK(beast_oauth::http_status(error::invalid_client) == 401);
    CHECK(beast_oauth::http_status(error::invalid_token) == 401);
    CHECK(beast_oauth::http_status(error::insufficient_scope) == 403);
    CHECK(beast_oauth::http_status(error::server_error) == 500);
    CHECK(beast_oauth::http_status(error::temporarily_unavailable) == 503);
    CHECK(ec == error::invalid_grant);
    CHECK(ec != error::invalid_client);
}
