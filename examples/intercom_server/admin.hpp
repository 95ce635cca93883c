// `intercom_server admin ...`: register clients with a generated secret, list them, rotate a
// secret, directly in the SQLite or PostgreSQL store the server runs on.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace intercom {

/** Runs `admin <command> [options]` (`args` starts after "admin"); returns the exit status.

    - `add-client --store S --client-id ID --name NAME --redirect-uri URI... [--scope SCOPE]...`
      registers a confidential client with a generated 256-bit secret, printed once; only
      its hash is stored. Refuses an id that exists.
    - `list-clients --store S`: id, name, redirect URIs; never a secret or its hash.
    - `rotate-secret --store S --client-id ID`: a new secret, printed once; the old one stops
      working (at once for new server processes, within the store's client cache time,
      60 s by default, for running ones).

    `S` is `sqlite:PATH` or `postgres:CONNINFO`.
*/
int run_admin(std::vector<std::string> const& args, std::ostream& out, std::ostream& err);

} // namespace intercom
