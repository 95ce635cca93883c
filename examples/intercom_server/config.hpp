// Configuration of the example intercom server, read from a JSON file.
#pragma once

#include "devices.hpp"

#include <chrono>
#include <beast_oauth/beast_oauth.hpp>
#include <string>
#include <vector>

namespace intercom {

struct user_config
{
    std::string email;
    std::string password_hash; // hashed at load time
    beast_oauth::user_identity identity;
};

struct server_config
{
    bool demo = false;
    std::string listen_host = "127.0.0.1";
    unsigned short listen_port = 8080;
    std::string api_base_path;
    unsigned threads = 2;
    unsigned password_hash_iterations = beast_oauth::default_password_iterations;
    std::string tls_cert, tls_key;
    /// Signing key settings (JWT formats): a PEM file, or a key generated at start.
    std::string signing_key_file;
    beast_oauth::jws_alg signing_alg = beast_oauth::jws_alg::eddsa;
    bool uses_jwt = false;
    /// One log line per request (method, path, status, time); off for load tests.
    bool access_log = true;
    bool audit_log = true; // the library's audit events, one line each on stdout
    /// "memory", "sqlite:PATH" or "postgres:CONNINFO" (--store overrides); see store.hpp.
    std::string store = "memory";
    /** With a postgres store: the OAuth endpoints and the API's bearer checks run on
        postgres_async_store (libpq's non-blocking API) on the I/O threads instead of the work
        pool ("postgres_async"). */
    bool postgres_async = false;
    /// How long used codes and revoked grants are remembered after expiry (replay detection).
    std::chrono::seconds replay_window{600};
    beast_oauth::server_options oauth;
    std::vector<beast_oauth::client> clients;
    std::vector<user_config> users;
    /// "intercoms" and "access_codes" of the config, each with an owner_id; the demo data when absent.
    device_data devices;
    /// Proxies whose Forwarded / X-Forwarded-For is believed ("trusted_proxies"; default none).
    beast_oauth::trusted_proxies trusted_proxies;
    /// Open connections one TCP peer address may hold; more are closed at accept.
    unsigned max_connections_per_address = 64;
    /// `GET /metrics` (Prometheus text) on a listener of its own, "HOST:PORT" ("metrics_listen",
    /// --metrics-listen); empty: no metrics listener. Keep it off the public network.
    std::string metrics_listen;
    /// Also `GET /metrics` on the public listener, only with `Authorization: Bearer <metrics_token>`.
    bool metrics_on_public_listener = false;
    /// The scrape token for the public listener's /metrics (at least 16 characters).
    std::string metrics_token;
    /// Confidential clients configured with a plain client_secret that is too weak (warned at start).
    std::vector<std::string> weak_secret_clients;
};

/// Splits "HOST:PORT" ("[::1]:8080" for IPv6); throws std::invalid_argument.
void parse_host_port(std::string const& text, std::string& host, unsigned short& port);

/// parse_host_port into the public listener's address.
void parse_listen(std::string const& text, server_config& cfg);

/// The metrics settings are coherent (a valid metrics_listen; a long enough token for the public
/// listener); throws std::runtime_error. Checked after the command line overrides.
void check_metrics_settings(server_config const& cfg);

/// Reads the JSON config file; throws std::runtime_error with a precise message.
server_config load_config(std::string const& path);

} // namespace intercom
