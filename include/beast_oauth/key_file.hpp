#ifndef BEAST_OAUTH_KEY_FILE_HPP
#define BEAST_OAUTH_KEY_FILE_HPP

/** @file
    The server secret (`server_options::secret_key`) kept in a file: loaded, or created once.

    With a durable store (`beast_oauth::sqlite_store`, `beast_oauth::postgres_store`) the secret
    must be the same at every start, or every stored code and token stops verifying:
    `authorization_server` refuses a durable store without a `secret_key` (see
    `server_options::ephemeral_secret_key`).

    @code
    beast_oauth::sqlite_store store("data/intercom.db");
    beast_oauth::server_options options;
    options.secret_key = beast_oauth::load_or_create_secret_key("data/intercom.db.key").key;
    @endcode

    POSIX only (it relies on file modes and owners).
*/

#include <beast_oauth/config.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace beast_oauth {

/** Thrown when a key file cannot be read, created or trusted.

    The message names the file and says what to do (for example `chmod 600`).
*/
class key_file_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// The result of @ref load_or_create_secret_key.
struct secret_key_file
{
    /// The secret: pass it as `server_options::secret_key`. Never log it.
    std::string key;
    /// True when this call generated the key and created the file; false when it was read.
    bool created = false;
};

/// Random bytes in a key this library generates (encoded as 43 base64url characters).
inline constexpr std::size_t secret_key_bytes = 32;

/** Reads the server secret from `path`.

    The file must be a regular file owned by the current (effective) user and neither
    readable nor writable by group or others (mode 0600 or 0400), and hold unpadded base64url
    (RFC 4648 section 5) of at least 32 bytes, optionally followed by one newline. Generate
    one with @ref load_or_create_secret_key, or with
    `openssl rand 32 | basenc --base64url | tr -d '=\n' > KEYFILE; chmod 600 KEYFILE`.

    The returned key is the file's text (without the newline), the same string the example
    server has always used, so an existing key file keeps its tokens valid.

    @throws key_file_error when the file is missing, unreadable, not owned by the current user,
    accessible by group or others, or holds anything else than such a key
    @par Thread Safety
    Safe to call concurrently, from any number of threads and processes.
*/
BEAST_OAUTH_DECL std::string load_secret_key(std::string const& path);

/** Reads the server secret from `path`, or creates the file with a new random secret.

    When `path` does not exist, 32 bytes from OpenSSL's CSPRNG are written, base64url-encoded,
    to a new file of mode 0600, atomically: the key is written and fsynced in a temporary file
    in the same directory (created `O_CREAT | O_EXCL`, mode 0600), which is then hard-linked to
    `path`; `link` fails when `path` exists, so of two processes starting together exactly one
    creates the key, the other reads that key, and no process ever reads a partly written file.
    The directory is fsynced after the link. On a file system without hard links the file is
    created directly with `O_CREAT | O_EXCL` (a process starting at the same instant may then
    see it empty and throw; it succeeds when restarted).

    An existing file is read as by @ref load_secret_key, with the same checks (a file readable
    by group or others is refused, never "fixed": it may have leaked).

    The directory must exist; it is not created. Keep the file with the database backups: a
    database restored without its key holds only tokens that no longer verify.

    @throws key_file_error as @ref load_secret_key, or when the file cannot be created
    @throws std::runtime_error when the CSPRNG fails
    @par Thread Safety
    Safe to call concurrently, from any number of threads and processes, on the same path:
    all callers get the same key.
*/
BEAST_OAUTH_DECL secret_key_file load_or_create_secret_key(std::string const& path);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/key_file.ipp>
#endif

#endif
