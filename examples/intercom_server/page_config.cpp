#include "page_config.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

namespace intercom {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(std::string const& what)
{
    throw std::runtime_error("config: \"sign_in_page\": " + what);
}

json::object const* object_at(json::object const& o, char const* key, std::string const& where)
{
    auto it = o.find(key);
    if(it == o.end())
        return nullptr;
    if(!it->value().is_object())
        bad(where + "\"" + key + "\" must be an object");
    return &it->value().as_object();
}

void read_string(json::object const& o, std::string_view key, std::string& out, std::string const& where)
{
    auto it = o.find(key);
    if(it == o.end())
        return;
    if(!it->value().is_string())
        bad(where + "\"" + std::string(key) + "\" must be a string");
    out = std::string(it->value().as_string());
}

void read_texts(json::object const& o, std::string const& tag, beast_oauth::sign_in_texts& t)
{
    auto const where = "languages." + tag + ": ";
    for(auto const& [key, value] : o)
    {
        if(key == "scope_descriptions")
        {
            if(!value.is_object())
                bad(where + "\"scope_descriptions\" must be an object of scope -> description");
            for(auto const& [scope, text] : value.as_object())
            {
                if(!text.is_string())
                    bad(where + "scope_descriptions." + std::string(scope) + " must be a string");
                t.scope_descriptions[std::string(scope)] = std::string(text.as_string());
            }
            continue;
        }
        auto const& fields = beast_oauth::sign_in_text_fields();
        auto f = std::find_if(fields.begin(), fields.end(), [&](auto const& p) { return p.first == key; });
        if(f == fields.end())
            bad(where + "unknown text \"" + std::string(key) + "\"");
        read_string(o, key, t.*(f->second), where);
    }
}

} // namespace

void load_sign_in_page(json::object const& top, beast_oauth::sign_in_page_options& out)
{
    auto const* page = object_at(top, "sign_in_page", "");
    if(!page)
        return;
    read_string(*page, "product_name", out.product_name, "");
    read_string(*page, "logo", out.logo, "");
    read_string(*page, "default_language", out.default_language, "");
    if(auto const* colors = object_at(*page, "colors", ""))
    {
        read_string(*colors, "accent", out.colors.accent, "colors.");
        read_string(*colors, "on_accent", out.colors.on_accent, "colors.");
        read_string(*colors, "background", out.colors.background, "colors.");
        read_string(*colors, "surface", out.colors.surface, "colors.");
        read_string(*colors, "text", out.colors.text, "colors.");
    }
    if(auto const* field = object_at(*page, "field", ""))
    {
        read_string(*field, "input_type", out.field.input_type, "field.");
        read_string(*field, "autocomplete", out.field.autocomplete, "field.");
        read_string(*field, "inputmode", out.field.inputmode, "field.");
    }
    if(auto const* languages = object_at(*page, "languages", ""))
        for(auto const& [tag, value] : *languages)
        {
            if(!value.is_object())
                bad("languages." + std::string(tag) + " must be an object of texts");
            auto [it, added] = out.languages.try_emplace(std::string(tag)); // new tags start from English
            read_texts(value.as_object(), it->first, it->second);
        }
    try
    {
        beast_oauth::validate_sign_in_page_options(out);
    }
    catch(std::invalid_argument const& e)
    {
        bad(e.what());
    }
}

} // namespace intercom
