#ifndef BEAST_OAUTH_DETAIL_SIGN_IN_PAGE_UTIL_HPP
#define BEAST_OAUTH_DETAIL_SIGN_IN_PAGE_UTIL_HPP

// The sign-in page's style sheet, logo and colour checks, and the text-filling helpers shared by
// impl/sign_in_page.ipp (rendering, option checks) and impl/sign_in_texts.ipp (languages).

#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

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

} // namespace detail
} // namespace beast_oauth

#endif
