#ifndef BEAST_OAUTH_SIGN_IN_PAGE_HPP
#define BEAST_OAUTH_SIGN_IN_PAGE_HPP

#include <beast_oauth/config.hpp>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {

/** Every word of the built-in sign-in and error pages, in one language.

    Placeholders in braces are filled in (and HTML-escaped with the rest):
    `{client}` the client's name, `{product}` @ref sign_in_page_options::product_name,
    `{account}` who is signed in, `{seconds}` how long to wait. The defaults are English;
    @ref german_sign_in_texts is the German table.
*/
struct sign_in_texts
{
    std::string title = "Sign in";
    std::string heading = "Sign in to connect {client} to {product}";
    /// The heading when no product name is set.
    std::string heading_no_product = "Sign in to connect {client}";
    /// The heading when the owner is already signed in (a session): allow or deny only.
    std::string heading_signed_in = "Allow {client} to access {product}";
    std::string heading_signed_in_no_product = "Allow {client} to access your account";
    /// Above the list of requested scopes.
    std::string asks_access = "{client} is asking for access to your account:";
    /// When the request names no scope.
    std::string asks_access_no_scopes = "{client} is asking for access to your account.";
    /// The account field's label (see @ref sign_in_field for its input type).
    std::string username_label = "Email";
    std::string password_label = "Password";
    std::string sign_in_button = "Sign in and allow";
    std::string allow_button = "Allow";
    std::string deny_button = "Deny";
    std::string switch_account_button = "Use another account";
    std::string signed_in_as = "Signed in as {account}.";
    std::string form_expired = "This sign-in form expired or was opened elsewhere. Please sign in again.";
    std::string sign_in_required = "Please sign in to continue.";
    std::string missing_credentials = "Enter your email and password.";
    std::string wrong_credentials = "The email or password is incorrect.";
    std::string throttled = "Too many failed sign-in attempts. Try again in {seconds} seconds.";
    /// The error page (a request that cannot be redirected back to its client).
    std::string error_title = "Authorization error";
    std::string error_heading = "This sign-in link cannot be used";
    std::string error_hint = "Return to the application you came from and try connecting again.";
    /** What each scope lets the client do, in words the owner understands
        (`"intercoms.read"` -> `"See your intercoms and their access codes"`). A scope without
        an entry is shown as its raw string. */
    std::map<std::string, std::string, std::less<>> scope_descriptions;
};

/// Every string field of @ref sign_in_texts by its name (`"title"`, `"heading"`, ...), for loading tables from files.
BEAST_OAUTH_DECL std::vector<std::pair<std::string_view, std::string sign_in_texts::*>> const& sign_in_text_fields();

/// The built-in German words (complete: every field of @ref sign_in_texts but the scopes).
BEAST_OAUTH_DECL sign_in_texts german_sign_in_texts();

/// English (`"en"`) and German (`"de"`): the default of @ref sign_in_page_options::languages.
BEAST_OAUTH_DECL std::map<std::string, sign_in_texts, std::less<>> builtin_sign_in_languages();

/** The account field of the sign-in form. Its label is @ref sign_in_texts::username_label
    (per language); change `missing_credentials` and `wrong_credentials` with it. */
struct sign_in_field
{
    /// `"email"` (default), `"text"` (usernames) or `"tel"` (phone numbers).
    std::string input_type = "email";
    /// The `autocomplete` tokens (HTML 4.10.18.7.1), e.g. `"username"` or `"tel"`.
    std::string autocomplete = "username";
    /// The `inputmode` (which on-screen keyboard): empty (none), `"email"`, `"tel"`, `"text"`,
    /// `"numeric"`, `"decimal"`, `"url"`, `"search"` or `"none"`.
    std::string inputmode;
};

/** Colours of the built-in pages, as CSS colours: `#rgb`, `#rrggbb` (with alpha: `#rgba`,
    `#rrggbbaa`), `rgb(...)`/`hsl(...)` with numbers only, or a keyword (`rebeccapurple`).
    Anything else is refused when the server is constructed, so no value can leave the
    stylesheet. Keep text and buttons at a contrast of 4.5:1 or more (WCAG 2.1 1.4.3); the
    defaults do. */
struct page_colors
{
    /// Primary button, secondary buttons' text and border, focus ring.
    std::string accent = "#1d4ed8";
    /// Text on the primary button.
    std::string on_accent = "#ffffff";
    /// Behind the card.
    std::string background = "#f3f4f6";
    /// The card and secondary buttons.
    std::string surface = "#ffffff";
    /// Body text.
    std::string text = "#111827";
};

/** How the built-in sign-in page looks and speaks: `server_options::sign_in`.

    The page's language is chosen per request from `Accept-Language` (q-values honoured,
    `de-CH` matching `de`) among `languages`, else `default_language`; `<html lang>` names it.
    Validated when the server is constructed (`std::invalid_argument` otherwise).
*/
struct sign_in_page_options
{
    /// The vendor's product ("Acme Intercoms"), named in the heading; empty: not named.
    std::string product_name;
    page_colors colors;
    /** The logo above the heading, one of: inline SVG markup (`<svg ...>...</svg>`), a
        `data:image/png;base64,...` URI, or a same-origin path (`/static/logo.png`, served by
        you). The page's CSP allows exactly that source (`img-src data:` or `'self'`). At most
        64 KiB; empty: no logo. */
    std::string logo;
    sign_in_field field;
    /// Words per language tag (lower case: `"en"`, `"de"`, `"pt-br"`); English and German built in.
    std::map<std::string, sign_in_texts, std::less<>> languages = builtin_sign_in_languages();
    /// The language when `Accept-Language` names none of `languages`; must be one of them.
    std::string default_language = "en";
};

/// What the sign-in page shows; passed to a custom renderer.
struct sign_in_page
{
    /// Where the form posts (the authorize path).
    std::string action;
    /// Hidden inputs to post back unchanged (the request's parameters and the CSRF token).
    std::vector<std::pair<std::string, std::string>> hidden_fields;
    /// The client's display name.
    std::string client_name;
    /// The scope tokens the client asks for (may be empty).
    std::vector<std::string> scopes;
    /// For each of `scopes`, in order: the vendor's description in `language`, else the scope itself.
    std::vector<std::string> scope_descriptions;
    /// A message to show (wrong password, expired form), in `language`; empty when none.
    std::string error_message;
    /// Non-empty when the owner has a session: the page asks only to allow or deny.
    std::string signed_in_as;
    /// Username to pre-fill after a failed attempt.
    std::string username;
    /// The language chosen from `Accept-Language` (a key of `sign_in_page_options::languages`).
    std::string language = "en";
    /// The words in `language`; null: English.
    sign_in_texts const* texts = nullptr;
    /// Product name, colours, logo and field; null: the defaults.
    sign_in_page_options const* options = nullptr;
};

/** Renders the built-in sign-in page: self-contained HTML (no external
    scripts, styles or fonts), readable on a phone, every value escaped,
    labelled fields, sign-in and deny buttons, in `page.language`.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL std::string render_default_sign_in_page(sign_in_page const& page);

/// Renders the built-in error page shown when the owner must not be redirected (English, default look).
BEAST_OAUTH_DECL std::string render_error_page(std::string_view message);

/** Renders the built-in error page in the language `Accept-Language` picks from `options`.
    `message` (the technical reason) is shown as given. */
BEAST_OAUTH_DECL std::string render_error_page(std::string_view message, sign_in_page_options const& options,
                                               std::string_view accept_language);

/// The CSP source (`'sha256-...'`) allowing the built-in pages' inline stylesheet (default colours).
BEAST_OAUTH_DECL std::string const& page_style_csp_source();

/// The CSP source allowing the inline stylesheet of pages rendered with `options` (CSP3 2.3.1).
BEAST_OAUTH_DECL std::string page_style_csp_source(sign_in_page_options const& options);

/** The language tag `accept_language` (an `Accept-Language` value, RFC 9110 12.5.4) prefers
    among `options.languages`: highest q first, ties in header order, `q=0` never; an exact
    tag, else its primary subtag (`de-CH` -> `de`); else `options.default_language`. */
BEAST_OAUTH_DECL std::string const& choose_sign_in_language(sign_in_page_options const& options,
                                                            std::string_view accept_language);

/// The words of @ref choose_sign_in_language's choice.
BEAST_OAUTH_DECL sign_in_texts const& choose_sign_in_texts(sign_in_page_options const& options,
                                                          std::string_view accept_language);

/** Fills the `{name}` placeholders of `pattern` (no escaping: for plain text).
    Unknown placeholders stay as written. */
BEAST_OAUTH_DECL std::string fill_sign_in_text(
    std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> values);

/** Checks `options`: colours are CSS colours, the logo one of the three accepted forms, the
    field's input type, autocomplete and inputmode allowed values, `default_language` one of
    `languages`, language tags well formed.

    @throws std::invalid_argument naming the first bad value
*/
BEAST_OAUTH_DECL void validate_sign_in_page_options(sign_in_page_options const& options);

namespace detail {

/// The CSP directives for a built-in page (`style-src`, and `img-src` when a logo is set).
BEAST_OAUTH_DECL std::string page_csp_sources(sign_in_page_options const& options);

/// Sets the page's language, words, options and scope descriptions from the request's `Accept-Language`.
BEAST_OAUTH_DECL void localize_sign_in_page(sign_in_page& page, sign_in_page_options const& options,
                                            std::string_view accept_language);

} // namespace detail

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/sign_in_page.ipp>
#endif

#endif
