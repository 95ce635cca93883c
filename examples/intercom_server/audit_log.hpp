// The example's log records: one JSON object per line (Boost.JSON), so no field value, however
// an attacker spells it, can end a record or forge another.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <string>

namespace intercom {

/// `{"audit":"<event>","time":<unix seconds>,"client_id":...,...}`: empty fields left out.
std::string audit_record(beast_oauth::audit_event const& e);

/// `{"log":"<name>","detail":"..."}` for the library's operator events.
std::string log_record(beast_oauth::log_event const& e);

} // namespace intercom
