// Routes one request of the example server: OAuth endpoints, the intercom API, the demo client.
#pragma once

#include "account_pages.hpp"
#include "demo_client.hpp"
#include "intercom_api.hpp"

namespace intercom {

struct router
{
    beast_oauth::authorization_server& oauth;
    intercom_api& api;
    demo_client const* demo; // nullptr unless demo mode
    account_pages const* account = nullptr; // the owner's Connected apps and password pages

    /// Everything but the OAuth endpoints (those may block: the session offloads them).
    /// An answer to HEAD has no body (RFC 9110 9.3.2).
    beast_oauth::http_response route_local(beast_oauth::http_request const& req,
                                           beast_oauth::request_context const& ctx = {});

    /// A device API route whose bearer token was checked already (intercom_api::answer), HEAD as above.
    beast_oauth::http_response route_api(beast_oauth::http_request const& req,
                                         beast_oauth::bearer_result const& access);

    /// Every route, synchronously (the demo client's in-process calls).
    beast_oauth::http_response route_all(beast_oauth::http_request&& req);
};

} // namespace intercom
