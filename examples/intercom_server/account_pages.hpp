// The owner's account pages: "Connected apps" (what is connected, and Disconnect) and a
// password change that disconnects every app (Seam then sees 401 / invalid_grant).
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace intercom {

struct account_pages_options
{
    /// What each scope lets an app do, in words ("intercoms.read" -> "See your intercoms...").
    std::map<std::string, std::string, std::less<>> scope_words;
    /// Email (the sign-in name) of each account, by subject: a password change needs it.
    std::map<std::string, std::string, std::less<>> email_of;
    unsigned password_hash_iterations = beast_oauth::default_password_iterations;
    /// Cookies get `Secure` and the `__Host-` prefix (HTTPS).
    bool secure_cookies = false;
};

/** GET /account/connected-apps, POST /account/connected-apps/disconnect, POST /account/password.

    The owner is whoever the library's sign-in session cookie names
    (`authorization_server::signed_in_owner`). Every form carries a CSRF token: an HMAC of a
    per-browser nonce (a `SameSite=Strict`, `HttpOnly` cookie), the owner and the form's
    purpose, compared in constant time. The pages load nothing and may be framed by nobody.
*/
class account_pages
{
public:
    account_pages(beast_oauth::authorization_server const& oauth, beast_oauth::grant_manager const& grants,
                  beast_oauth::memory_user_store& users, account_pages_options options);

    /// Whether `req` is one of these pages (its POSTs block: PBKDF2, the store).
    static bool handles(beast_oauth::http_request const& req);

    /// The answer for one of these pages; nullopt for any other target.
    std::optional<beast_oauth::http_response> handle(beast_oauth::http_request const& req,
                                                     beast_oauth::request_context const& ctx) const;

private:
    beast_oauth::http_response list_page(beast_oauth::http_request const& req, beast_oauth::user_identity const& who,
                                         std::string const& notice) const;
    std::string csrf_for(std::string_view nonce, std::string_view subject, std::string_view purpose) const;
    std::string cookie_name() const;

    beast_oauth::authorization_server const& oauth_;
    beast_oauth::grant_manager const& grants_;
    beast_oauth::memory_user_store& users_;
    account_pages_options options_;
    std::string csrf_key_; // random per process: a form outlives no restart
};

} // namespace intercom
