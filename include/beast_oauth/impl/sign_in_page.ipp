#ifndef BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP
#define BEAST_OAUTH_IMPL_SIGN_IN_PAGE_IPP

#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>
#include <beast_oauth/detail/sign_in_page_util.hpp>
#include <algorithm>
#include <stdexcept>

namespace beast_oauth {

namespace detail {
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

// The rest of the page, so one include of this file (compiled mode) still compiles it all.
#include <beast_oauth/impl/sign_in_texts.ipp>

#endif
