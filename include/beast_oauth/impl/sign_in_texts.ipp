#ifndef BEAST_OAUTH_IMPL_SIGN_IN_TEXTS_IPP
#define BEAST_OAUTH_IMPL_SIGN_IN_TEXTS_IPP

// The sign-in page's texts: the field table, the built-in languages (English, German), the
// Accept-Language choice (RFC 9110 12.5.4) and placeholder filling.

#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/detail/sign_in_page_util.hpp>

namespace beast_oauth {

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

} // namespace beast_oauth

#endif
