#ifndef BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP
#define BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP

#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>
#include <algorithm>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

// One stylesheet for both pages, after a :root block of the configured colours; allowed by its
// hash in the CSP (no 'unsafe-inline'), computed from the text actually sent.
constexpr std::string_view page_style =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "background:var(--bg);color:var(--text)}"
    "main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:var(--surface);border-radius:12px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}"
    ".logo{display:block;max-width:12rem;max-height:4rem;margin:0 0 1rem}"
    "h1{font-size:1.35rem;margin:0 0 .75rem}"
    "p{margin:.5rem 0}"
    "ul{margin:.25rem 0 1rem;padding-left:1.25rem}"
    "label{display:block;margin:.75rem 0 .25rem;font-weight:600}"
    "input[type=email],input[type=password],input[type=text],input[type=tel]{width:100%;padding:.65rem;"
    "font-size:1rem;color:var(--text);background:var(--surface);border:1px solid #6b7280;border-radius:8px}"
    ".actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}"
    "button{flex:1;padding:.7rem 1rem;font-size:1rem;border-radius:8px;border:1px solid var(--accent);"
    "cursor:pointer;min-width:8rem}"
    ".primary{background:var(--accent);color:var(--on-accent)}"
    ".secondary{background:var(--surface);color:var(--accent)}"
    ":focus-visible{outline:3px solid var(--accent);outline-offset:2px}"
    ".error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;padding:.6rem;"
    "border-radius:8px}"
    "@media (max-width:30rem){main{margin:0;border-radius:0;min-height:100vh}}";

inline sign_in_page_options const& default_page_options()
{
    static sign_in_page_options const o;
    return o;
}

inline std::string page_style_text(page_colors const& c)
{
    std::string s;
    s.reserve(page_style.size() + 160);
    s += ":root{--accent:" + c.accent + ";--on-accent:" + c.on_accent + ";--bg:" + c.background +
         ";--surface:" + c.surface + ";--text:" + c.text + "}";
    s += page_style;
    return s;
}

inline std::string csp_hash_source(std::string_view style)
{
    auto d = sha256(style);
    // CSP hashes use standard base64 (CSP3 2.3.1).
    std::string b64 = base64url_encode(d.data(), d.size());
    for(auto& c : b64)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    while(b64.size() % 4)
        b64.push_back('=');
    return "'sha256-" + b64 + "'";
}

enum class logo_kind { none, svg, png, path };

inline std::string_view trim(std::string_view s)
{
    while(!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while(!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

constexpr std::string_view png_prefix = "data:image/png;base64,";

inline logo_kind kind_of_logo(std::string_view logo)
{
    auto t = trim(logo);
    if(t.empty())
        return logo_kind::none;
    if(t.rfind("<svg", 0) == 0)
        return logo_kind::svg;
    if(t.rfind(png_prefix, 0) == 0)
        return logo_kind::png;
    return logo_kind::path;
}

// The logo as an <img src>: inline SVG travels as a data: URI, so its markup never becomes
// part of the page (an <img> runs no script and loads nothing).
inline std::string logo_src(std::string_view logo)
{
    auto t = trim(logo);
    if(kind_of_logo(t) == logo_kind::svg)
    {
        std::string b64 = base64url_encode(t.data(), t.size());
        for(auto& c : b64)
            c = c == '-' ? '+' : c == '_' ? '/' : c;
        while(b64.size() % 4)
            b64.push_back('=');
        return "data:image/svg+xml;base64," + b64;
    }
    return std::string(t);
}

inline bool is_css_color(std::string_view v)
{
    auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if(v.empty() || v.size() > 64)
        return false;
    if(v.front() == '#')
    {
        auto n = v.size() - 1;
        return (n == 3 || n == 4 || n == 6 || n == 8) && std::all_of(v.begin() + 1, v.end(), is_hex);
    }
    auto open = v.find('(');
    if(open == std::string_view::npos)
        return v.size() >= 3 && v.size() <= 24 && std::all_of(v.begin(), v.end(), is_alpha); // a keyword
    auto fn = v.substr(0, open);
    if(fn != "rgb" && fn != "rgba" && fn != "hsl" && fn != "hsla")
        return false;
    if(v.back() != ')')
        return false;
    auto args = v.substr(open + 1, v.size() - open - 2);
    // Numbers, separators and the unit "deg": nothing that can end a declaration or the style.
    for(std::size_t i = 0; i < args.size(); ++i)
    {
        char c = args[i];
        if((c >= '0' && c <= '9') || c == '.' || c == ',' || c == '%' || c == '/' || c == ' ' || c == '-')
            continue;
        if(args.substr(i, 3) == "deg")
        {
            i += 2;
            continue;
        }
        return false;
    }
    return true;
}

inline bool is_language_tag(std::string_view t)
{
    if(t.empty() || t.size() > 35 || t.front() == '-' || t.back() == '-')
        return false;
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Appends `pattern` with its placeholders filled; literal text and values are HTML-escaped,
// values optionally wrapped in <strong>.
inline void append_filled(std::string& out, std::string_view pattern,
                          std::initializer_list<std::pair<std::string_view, std::string_view>> values,
                          bool strong = false)
{
    std::size_t i = 0;
    while(i < pattern.size())
    {
        auto open = pattern.find('{', i);
        if(open == std::string_view::npos)
            break;
        auto close = pattern.find('}', open);
        if(close == std::string_view::npos)
            break;
        auto name = pattern.substr(open + 1, close - open - 1);
        auto it = std::find_if(values.begin(), values.end(), [&](auto const& p) { return p.first == name; });
        append_html_escaped(out, pattern.substr(i, (it == values.end() ? close + 1 : open) - i));
        if(it != values.end())
        {
            if(strong)
                out += "<strong>";
            append_html_escaped(out, it->second);
            if(strong)
                out += "</strong>";
        }
        i = close + 1;
    }
    append_html_escaped(out, pattern.substr(i));
}

inline void append_page_head(std::string& out, std::string_view title, std::string_view language,
                             sign_in_page_options const& o)
{
    out += "<!DOCTYPE html>\n<html lang=\"";
    append_html_escaped(out, language);
    out += "\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta name=\"referrer\" content=\"no-referrer\"><title>";
    append_html_escaped(out, title);
    out += "</title><style>";
    out += page_style_text(o.colors);
    out += "</style></head><body><main>";
    if(kind_of_logo(o.logo) != logo_kind::none)
    {
        out += "<img class=\"logo\" src=\"";
        append_html_escaped(out, logo_src(o.logo));
        out += "\" alt=\"";
        append_html_escaped(out, o.product_name); // empty: decorative
        out += "\">";
    }
}

inline sign_in_texts const& default_texts()
{
    static sign_in_texts const t;
    return t;
}

BEAST_OAUTH_DECL std::string page_csp_sources(sign_in_page_options const& options)
{
    std::string out = "style-src " + page_style_csp_source(options);
    switch(kind_of_logo(options.logo))
    {
    case logo_kind::none: break;
    case logo_kind::svg:
    case logo_kind::png: out += "; img-src data:"; break;
    case logo_kind::path: out += "; img-src 'self'"; break;
    }
    return out;
}

BEAST_OAUTH_DECL void localize_sign_in_page(sign_in_page& page, sign_in_page_options const& options,
                                            std::string_view accept_language)
{
    page.language = choose_sign_in_language(options, accept_language);
    page.texts = &choose_sign_in_texts(options, accept_language);
    page.options = &options;
    page.scope_descriptions.clear();
    for(auto const& s : page.scopes)
    {
        auto it = page.texts->scope_descriptions.find(s);
        page.scope_descriptions.push_back(it == page.texts->scope_descriptions.end() ? s : it->second);
    }
}

} // namespace detail

BEAST_OAUTH_DECL std::vector<std::pair<std::string_view, std::string sign_in_texts::*>> const& sign_in_text_fields()
{
    using t = sign_in_texts;
    static std::vector<std::pair<std::string_view, std::string t::*>> const fields = {
        {"title", &t::title},
        {"heading", &t::heading},
        {"heading_no_product", &t::heading_no_product},
        {"heading_signed_in", &t::heading_signed_in},
        {"heading_signed_in_no_product", &t::heading_signed_in_no_product},
        {"asks_access", &t::asks_access},
        {"asks_access_no_scopes", &t::asks_access_no_scopes},
        {"username_label", &t::username_label},
        {"password_label", &t::password_label},
        {"sign_in_button", &t::sign_in_button},
        {"allow_button", &t::allow_button},
        {"deny_button", &t::deny_button},
        {"switch_account_button", &t::switch_account_button},
        {"signed_in_as", &t::signed_in_as},
        {"form_expired", &t::form_expired},
        {"sign_in_required", &t::sign_in_required},
        {"missing_credentials", &t::missing_credentials},
        {"wrong_credentials", &t::wrong_credentials},
        {"throttled", &t::throttled},
        {"error_title", &t::error_title},
        {"error_heading", &t::error_heading},
        {"error_hint", &t::error_hint}};
    return fields;
}

BEAST_OAUTH_DECL sign_in_texts german_sign_in_texts()
{
    sign_in_texts t;
    t.title = "Anmelden";
    t.heading = "Anmelden, um {client} mit {product} zu verbinden";
    t.heading_no_product = "Anmelden, um {client} zu verbinden";
    t.heading_signed_in = "{client} den Zugriff auf {product} erlauben";
    t.heading_signed_in_no_product = "{client} den Zugriff auf Ihr Konto erlauben";
    t.asks_access = "{client} bittet um diesen Zugriff auf Ihr Konto:";
    t.asks_access_no_scopes = "{client} bittet um Zugriff auf Ihr Konto.";
    t.username_label = "E-Mail-Adresse";
    t.password_label = "Passwort";
    t.sign_in_button = "Anmelden und erlauben";
    t.allow_button = "Erlauben";
    t.deny_button = "Ablehnen";
    t.switch_account_button = "Anderes Konto verwenden";
    t.signed_in_as = "Angemeldet als {account}.";
    t.form_expired = "Dieses Anmeldeformular ist abgelaufen oder wurde anderswo geöffnet. Bitte melden Sie sich erneut an.";
    t.sign_in_required = "Bitte melden Sie sich an, um fortzufahren.";
    t.missing_credentials = "Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.";
    t.wrong_credentials = "E-Mail-Adresse oder Passwort ist falsch.";
    t.throttled = "Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in {seconds} Sekunden erneut.";
    t.error_title = "Autorisierungsfehler";
    t.error_heading = "Dieser Anmeldelink kann nicht verwendet werden";
    t.error_hint = "Kehren Sie zu der Anwendung zurück, von der Sie kamen, und verbinden Sie sich erneut.";
    return t;
}

BEAST_OAUTH_DECL std::map<std::string, sign_in_texts, std::less<>> builtin_sign_in_languages()
{
    std::map<std::string, sign_in_texts, std::less<>> m;
    m.emplace("en", sign_in_texts{});
    m.emplace("de", german_sign_in_texts());
    return m;
}

BEAST_OAUTH_DECL std::string const& choose_sign_in_language(sign_in_page_options const& options,
                                                            std::string_view accept_language)
{
    static std::string const english = "en";
    auto const& langs = options.languages;
    if(langs.empty())
        return english;
    auto fallback = [&]() -> std::string const& {
        auto it = langs.find(options.default_language);
        return it != langs.end() ? it->first : langs.begin()->first;
    };
    struct candidate
    {
        std::string tag;
        int q; // thousandths
    };
    std::vector<candidate> wanted;
    std::string_view rest = accept_language.substr(0, 1024);
    while(!rest.empty() && wanted.size() < 32)
    {
        auto comma = rest.find(',');
        auto item = detail::trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        auto semi = item.find(';');
        auto tag = detail::trim(item.substr(0, semi));
        int q = 1000;
        if(semi != std::string_view::npos)
        {
            auto params = item.substr(semi + 1);
            auto qpos = params.find("q=");
            if(qpos != std::string_view::npos)
            {
                // RFC 9110 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
                auto v = detail::trim(params.substr(qpos + 2));
                q = 0;
                int scale = 1000;
                bool frac = false, ok = !v.empty();
                for(char c : v)
                {
                    if(c == '.' && !frac)
                        frac = true;
                    else if(c >= '0' && c <= '9')
                    {
                        if(!frac)
                            q = q * 10 + (c - '0') * 1000;
                        else if(scale > 1)
                            q += (c - '0') * (scale /= 10);
                    }
                    else
                    {
                        ok = false;
                        break;
                    }
                }
                if(!ok || q > 1000)
                    q = 0;
            }
        }
        if(tag.empty() || q <= 0)
            continue;
        std::string lowered;
        for(char c : tag)
            lowered.push_back(detail::lower(c));
        wanted.push_back({std::move(lowered), q});
    }
    std::stable_sort(wanted.begin(), wanted.end(), [](auto const& a, auto const& b) { return a.q > b.q; });
    for(auto const& w : wanted)
    {
        if(w.tag == "*")
            return fallback();
        if(auto it = langs.find(w.tag); it != langs.end())
            return it->first;
        auto primary = std::string_view(w.tag).substr(0, w.tag.find('-'));
        if(auto it = langs.find(primary); it != langs.end())
            return it->first;
    }
    return fallback();
}

BEAST_OAUTH_DECL sign_in_texts const& choose_sign_in_texts(sign_in_page_options const& options,
                                                          std::string_view accept_language)
{
    auto it = options.languages.find(choose_sign_in_language(options, accept_language));
    return it == options.languages.end() ? detail::default_texts() : it->second;
}

BEAST_OAUTH_DECL std::string fill_sign_in_text(
    std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> values)
{
    std::string out;
    std::size_t i = 0;
    while(i < pattern.size())
    {
        auto open = pattern.find('{', i);
        auto close = open == std::string_view::npos ? open : pattern.find('}', open);
        if(close == std::string_view::npos)
            break;
        auto name = pattern.substr(open + 1, close - open - 1);
        auto it = std::find_if(values.begin(), values.end(), [&](auto const& p) { return p.first == name; });
        if(it == values.end())
            out.append(pattern.substr(i, close + 1 - i));
        else
        {
            out.append(pattern.substr(i, open - i));
            out.append(it->second);
        }
        i = close + 1;
    }
    out.append(pattern.substr(i));
    return out;
}

BEAST_OAUTH_DECL void validate_sign_in_page_options(sign_in_page_options const& o)
{
    auto bad = [](std::string const& what) { throw std::invalid_argument("beast_oauth: sign_in: " + what); };
    std::pair<char const*, std::string const*> const colors[] = {
        {"accent", &o.colors.accent}, {"on_accent", &o.colors.on_accent}, {"background", &o.colors.background},
        {"surface", &o.colors.surface}, {"text", &o.colors.text}};
    for(auto const& [name, value] : colors)
        if(!detail::is_css_color(*value))
            bad(std::string("colors.") + name + " is not a CSS colour (#rrggbb, rgb(...), hsl(...) or a keyword): \"" +
                *value + "\"");
    if(o.logo.size() > 64 * 1024)
        bad("logo is larger than 64 KiB");
    auto logo = detail::trim(o.logo);
    switch(detail::kind_of_logo(logo))
    {
    case detail::logo_kind::none: break;
    case detail::logo_kind::svg:
        if(logo.size() < 11 || logo.substr(logo.size() - 6) != "</svg>")
            bad("logo: inline SVG must be one <svg ...>...</svg> element");
        break;
    case detail::logo_kind::png:
    {
        auto data = logo.substr(detail::png_prefix.size());
        if(data.empty() || !std::all_of(data.begin(), data.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                      c == '/' || c == '=';
           }))
            bad("logo: a data: URI must be data:image/png;base64, followed by base64");
        break;
    }
    case detail::logo_kind::path:
        if(logo.front() != '/' || logo.rfind("//", 0) == 0 ||
           !std::all_of(logo.begin(), logo.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      std::string_view("-._~/%!$&()*+,;=:@?").find(c) != std::string_view::npos;
           }))
            bad("logo must be inline SVG, a data:image/png;base64 URI or a same-origin path such as /static/logo.png");
        break;
    }
    auto const& type = o.field.input_type;
    if(type != "email" && type != "text" && type != "tel")
        bad("field.input_type must be \"email\", \"text\" or \"tel\", not \"" + type + "\"");
    if(o.field.autocomplete.empty() ||
       !std::all_of(o.field.autocomplete.begin(), o.field.autocomplete.end(),
                    [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == ' '; }))
        bad("field.autocomplete must be autocomplete tokens (lower-case letters, digits, '-', spaces)");
    static constexpr std::string_view modes[] = {"", "none", "text", "decimal", "numeric", "tel", "search", "email", "url"};
    if(std::find(std::begin(modes), std::end(modes), o.field.inputmode) == std::end(modes))
        bad("field.inputmode \"" + o.field.inputmode + "\" is not an HTML inputmode");
    if(o.languages.empty())
        bad("languages is empty");
    for(auto const& [tag, texts] : o.languages)
        if(!detail::is_language_tag(tag))
            bad("language tag \"" + tag + "\" must be lower case letters, digits and '-'");
    if(o.languages.find(o.default_language) == o.languages.end())
        bad("default_language \"" + o.default_language + "\" is not one of languages");
}

BEAST_OAUTH_DECL std::string const& page_style_csp_source()
{
    static std::string const source = detail::csp_hash_source(detail::page_style_text(page_colors{}));
    return source;
}

BEAST_OAUTH_DECL std::string page_style_csp_source(sign_in_page_options const& options)
{
    // One server's options rarely change: remember the last style hashed on this thread.
    thread_local std::string last_style, last_source;
    auto style = detail::page_style_text(options.colors);
    if(style != last_style)
    {
        last_source = detail::csp_hash_source(style);
        last_style = std::move(style);
    }
    return last_source;
}

BEAST_OAUTH_DECL std::string render_default_sign_in_page(sign_in_page const& page)
{
    using detail::append_filled;
    using detail::append_html_escaped;
    auto const& o = page.options ? *page.options : detail::default_page_options();
    auto const& t = page.texts ? *page.texts : detail::default_texts();
    std::initializer_list<std::pair<std::string_view, std::string_view>> const names = {
        {"client", page.client_name}, {"product", o.product_name}, {"account", page.signed_in_as}};
    std::string out;
    out.reserve(4096);
    detail::append_page_head(out, t.title, page.language, o);
    out += "<h1>";
    bool const product = !o.product_name.empty();
    if(page.signed_in_as.empty())
        append_filled(out, product ? t.heading : t.heading_no_product, names);
    else
        append_filled(out, product ? t.heading_signed_in : t.heading_signed_in_no_product, names);
    out += "</h1>";
    if(!page.error_message.empty())
    {
        out += "<p class=\"error\" role=\"alert\">";
        append_html_escaped(out, page.error_message);
        out += "</p>";
    }
    out += "<p>";
    if(page.scopes.empty())
    {
        append_filled(out, t.asks_access_no_scopes, names, true);
        out += "</p>";
    }
    else
    {
        append_filled(out, t.asks_access, names, true);
        out += "</p><ul>";
        for(std::size_t i = 0; i < page.scopes.size(); ++i)
        {
            // The vendor's words when it has some; the raw scope otherwise.
            auto const& shown = i < page.scope_descriptions.size() ? page.scope_descriptions[i] : page.scopes[i];
            out += "<li>";
            append_html_escaped(out, shown);
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
        out += "<label for=\"username\">";
        append_html_escaped(out, t.username_label);
        out += "</label><input type=\"";
        append_html_escaped(out, o.field.input_type);
        out += "\" id=\"username\" name=\"username\" autocomplete=\"";
        append_html_escaped(out, o.field.autocomplete);
        out += "\"";
        if(!o.field.inputmode.empty())
        {
            out += " inputmode=\"";
            append_html_escaped(out, o.field.inputmode);
            out += "\"";
        }
        out += " required value=\"";
        append_html_escaped(out, page.username);
        out += "\"><label for=\"password\">";
        append_html_escaped(out, t.password_label);
        out += "</label><input type=\"password\" id=\"password\" name=\"password\" "
               "autocomplete=\"current-password\" required>"
               "<div class=\"actions\">"
               "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"sign_in\">";
        append_html_escaped(out, t.sign_in_button);
        out += "</button><button class=\"secondary\" type=\"submit\" name=\"action\" value=\"deny\" formnovalidate>";
        append_html_escaped(out, t.deny_button);
        out += "</button></div>";
    }
    else
    {
        out += "<p>";
        append_filled(out, t.signed_in_as, names, true);
        out += "</p><div class=\"actions\">"
               "<button class=\"primary\" type=\"submit\" name=\"action\" value=\"allow\">";
        append_html_escaped(out, t.allow_button);
        out += "</button><button class=\"secondary\" type=\"submit\" name=\"action\" value=\"deny\">";
        append_html_escaped(out, t.deny_button);
        out += "</button></div><p><button class=\"secondary\" type=\"submit\" name=\"action\" "
               "value=\"switch_account\">";
        append_html_escaped(out, t.switch_account_button);
        out += "</button></p>";
    }
    out += "</form></main></body></html>\n";
    return out;
}

BEAST_OAUTH_DECL std::string render_error_page(std::string_view message, sign_in_page_options const& options,
                                               std::string_view accept_language)
{
    auto const& language = choose_sign_in_language(options, accept_language);
    auto const& t = choose_sign_in_texts(options, accept_language);
    std::string out;
    detail::append_page_head(out, t.error_title, language, options);
    out += "<h1>";
    detail::append_html_escaped(out, t.error_heading);
    // The reason is the library's (English) diagnostic, marked as such for screen readers.
    out += "</h1><p class=\"error\" role=\"alert\" lang=\"en\">";
    detail::append_html_escaped(out, message);
    out += "</p><p>";
    detail::append_html_escaped(out, t.error_hint);
    out += "</p></main></body></html>\n";
    return out;
}

BEAST_OAUTH_DECL std::string render_error_page(std::string_view message)
{
    return render_error_page(message, detail::default_page_options(), {});
}

} // namespace beast_oauth

#endif
