// Client secrets: the start-up warning for weak ones, and --generate-client-secret.
#pragma once

#include "config.hpp"

#include <ostream>

namespace intercom {

/// A loud multi-line warning for each client configured with a weak plain client_secret
/// (beast_oauth::is_weak_client_secret), unless the config is a demo ("demo": true).
void warn_weak_client_secrets(server_config const& cfg, std::ostream& out);

/// `intercom_server --generate-client-secret`: a new 256-bit secret and the config line with its hash.
void print_new_client_secret(std::ostream& out);

} // namespace intercom
