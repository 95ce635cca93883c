#ifndef BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP
#define BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP

#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>

namespace beast_oauth {

namespace detail {

// One stylesheet for both pages; allowed by its hash in the CSP (no 'unsafe-inline').
constexpr std::string_view page_style =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "background:#f3f4f6;color:#111827}"
    "main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}"
    "h1{font-size:1.35rem;margin:0 0 .75rem}"
    "p{margin:.5rem 0}"
    "ul{margin:.25rem 0 1rem;padding-left:1.25rem}"
    "label{display:block;margin:.75rem 0 .25rem;font-weight:600}"
    "input[type=email],input[type=password],input[type=text]{width:100%;padding:.65rem;"
    "font-size:1rem;border:1px solid #9ca3af;border-radius:8px}"
    ".actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}"
    "button{flex:1;padding:.7rem 1rem;font-size:1rem;border-radius:8px;border:1px solid #1d4ed8;"
    "cursor:pointer;min-width:8rem}"
    ".primary{background:#1d4ed8;color:#fff}"
    ".secondary{background:#fff;color:#1d4ed8}"
    ".error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;padding:.6rem;"
    "border-radius:8px}"
    "@media (max-width:30rem){main{margin:0;border-radius:0;min-height:100vh}}";

inline void append_page_head(std::string& out, std::string_view title)
{
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta name=\"referrer\" content=\"no-referrer\"><title>";
    append_html_escaped(out, title);
    out += "</title><style>";
    out += page_style;
    out += "</style></head><body><main>";
}

} // namespace detail

BEAST_OAUTH_DECL std::string const& page_style_csp_source()
{
    static std::string const source = [] {
        auto d = detail::sha256(detail::page_style);
        // CSP hashes use standard base64 (CSP3 2.3.1).
        std::string b64 = detail::base64url_encode(d.data(), d.size());
        for(auto& c : b64)
            c = c == '-' ? '+' : c == '_' ? '/' : c;
        while(b64.size() % 4)
            b64.push_back('=');
        return "'sha256-" + b64 + "'";
    }();
    return source;
}

BEAST_OAUTH_DECL std::string render_default_sign_in_page(sign_in_page const& page)
{
    using detail::append_html_escaped;
    std::string out;
    out.reserve(4096);
    detail::append_page_head(out, "Sign in");
    out += "<h1>";
    if(page.signed_in_as.empty())
        out += "Sign in to connect ";
    else
        out += "Allow ";
    append_html_escaped(out, page.client_name);
    out += "</h1>";
    if(!page.error_message.empty())
    {
        out += "<p class=\"error\" role=\"alert\">";
        append_html_escaped(out, page.error_message);
        out += "</p>";
    }
    out += "<p><strong>";
    append_html_escaped(out, page.client_name);
    out += "</strong> is asking for access to your account";
    if(page.scopes.empty())
        out += ".</p>";
    else
    {
        out += ":</p><ul>";
        for(auto const& s : page.scopes)
        {
            out += "<li>";
            append_html_escaped(out, s);
            out += "</li>";
        }
        out += "</ul>";
    }
    out += "<form method=\"post\" action=\"";
    append_html_escaped(out, page.action);
    out += "\">";
    for(auto const& [name, value] : page.hidden_fields)
    {
        out += "<input type=\"hidden\" name=\"";
        append_html_escaped(out, name);
        out += "\" value=\"";
        append_html_escaped(out, value);
        out += "\">";
    }
    if(page.signed_in_as.empty())
    {
        out += "<label for=\"username\">Email</label>"
               "<input type=\"email\" id=\"username\" name=\"username\" autocomplete=\"username\" "
               "required value=\"";
        append_html_escaped(out, page.username);
        out += "\"><label for=\"password\">Password</label>"
               "<input type=\"password\" id=\"password\" name=\"password\" "
               "autocomplete=\"current-password\" required>"
               "<div class=\"actions\">"
               "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"sign_in\">"
               "Sign in and allow</button>"
               "<button class=\"secondary\" type=\"submit\" name=\"action\" value=\"deny\" "
               "formnovalidate>Deny</button></div>";
    }
    else
    {
        out += "<p>Signed in as <strong>";
        append_html_escaped(out, page.signed_in_as);
        out += "</strong>.</p><div class=\"actions\">"
               "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"allow\">Allow</button>"
               "<button class=\"secondary\" type=\"submit\" name=\"action\" value=\"deny\">Deny</button>"
               "</div><p><button class=\"secondary\" type=\"submit\" name=\"action\" "
               "value=\"switch_account\">Use another account</button></p>";
    }
    out += "</form></main></body></html>\n";
    return out;
}

BEAST_OAUTH_DECL std::string render_error_page(std::string_view message)
{
    std::string out;
    detail::append_page_head(out, "Authorization error");
    out += "<h1>This sign-in link cannot be used</h1><p class=\"error\" role=\"alert\">";
    detail::append_html_escaped(out, message);
    out += "</p><p>Return to the application you came from and try connecting again.</p>"
           "</main></body></html>\n";
    return out;
}

} // namespace beast_oauth

#endif
