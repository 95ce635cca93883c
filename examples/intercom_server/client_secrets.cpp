#include "client_secrets.hpp"

#include <boost/json.hpp>

namespace intercom {

void warn_weak_client_secrets(server_config const& cfg, std::ostream& out)
{
    if(cfg.demo)
        return; // the demo warning already names the test secret
    for(auto const& id : cfg.weak_secret_clients)
        out << "WARNING: ====================================================================\n"
               "WARNING: WEAK CLIENT SECRET for client '"
            << id
            << "'.\n"
               "WARNING: Its client_secret has less than 128 bits of entropy: whoever learns the\n"
               "WARNING: client_id can guess it, and a leaked database gives it away. Generate one:\n"
               "WARNING:     intercom_server --generate-client-secret\n"
               "WARNING: give the secret to the client (Seam) and put the printed \"client_secret_hash\"\n"
               "WARNING: in the config instead of \"client_secret\".\n"
               "WARNING: ====================================================================\n";
}

void print_new_client_secret(std::ostream& out)
{
    auto secret = beast_oauth::generate_client_secret();
    out << "client_secret (give it to the client, e.g. in Seam's integration settings; it is shown only once):\n"
        << secret << "\n\n"
        << "Line for the client in the config file (in place of \"client_secret\"):\n"
        << "\"client_secret_hash\": " << boost::json::serialize(boost::json::string(beast_oauth::hash_client_secret(secret)))
        << "\n";
}

} // namespace intercom
