// grant_manager (issue 14): the owner's connected apps, and revocation by owner, vendor and client,
// through the real endpoints: what the client sees afterwards (invalid_grant, 401).
#include <beast_oauth/grant_manager.hpp>
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <memory>
#include <vector>

using namespace test;
using beast_oauth::revocation_actor;

namespace {

struct recorded
{
    beast_oauth::audit_event_type type;
    revocation_actor actor;
    std::string client_id, subject, grant_id, remote_address;
};

struct audited_fixture
{
    std::shared_ptr<std::vector<recorded>> events = std::make_shared<std::vector<recorded>>();
    fixture f;
    beast_oauth::grant_manager grants{f.server, f.store, f.store, f.store};

    explicit audited_fixture(std::function<void(beast_oauth::server_options&)> tweak = {})
        : f(beast_oauth::profile::strict, [events = events, tweak](beast_oauth::server_options& o) {
            o.audit = [events](beast_oauth::audit_event const& e) {
                events->push_back({e.type, e.actor, std::string(e.client_id), std::string(e.subject),
                                   std::string(e.grant_id), std::string(e.remote_address)});
            };
            if(tweak)
                tweak(o);
        })
    {
    }

    std::vector<recorded> of_type(beast_oauth::audit_event_type t) const
    {
        std::vector<recorded> out;
        for(auto const& e : *events)
            if(e.type == t)
                out.push_back(e);
        return out;
    }
};

boost::json::object json_of(http_response const& res) { return boost::json::parse(res.body()).as_object(); }

struct tokens
{
    std::string access, refresh;
};

tokens connect(fixture& f, std::string const& query = fixture::authorize_query())
{
    auto res = f.exchange(f.obtain_code(query));
    REQUIRE(res.result_int() == 200);
    auto j = json_of(res);
    return {std::string(j.at("access_token").as_string()), std::string(j.at("refresh_token").as_string())};
}

http_response refresh(fixture& f, tokens const& t)
{
    return f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", t.refresh},
                                             {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
}

bool api_accepts(fixture& f, tokens const& t) { return f.server.validate_bearer("Bearer " + t.access).ok(); }

bool refused_as_invalid_grant(http_response const& res)
{
    return res.result_int() == 400 && json_of(res).at("error").as_string() == "invalid_grant";
}

} // namespace

TEST_CASE("an owner sees each connected app by name, scope and dates; Disconnect ends its refresh and API access")
{
    audited_fixture a;
    auto& f = a.f;
    auto first = connect(f, fixture::authorize_query("scope=intercoms.read"));
    f.advance(30);
    auto second = connect(f);
    auto apps = a.grants.list_grants(owner_subject);
    REQUIRE(apps.size() == 2);
    CHECK(apps[0].client_id == "seam");
    CHECK(apps[0].client_name == f.store.find_client("seam")->name);
    CHECK(apps[0].scope == "intercoms.read");
    CHECK(apps[0].connected_at == f.now() - std::chrono::seconds(30));
    CHECK(apps[0].last_used_at == apps[0].connected_at);
    CHECK(apps[1].connected_at == f.now());
    CHECK(a.grants.list_grants("someone else").empty());

    // A refresh more than a minute later shows as "last used".
    f.advance(90);
    REQUIRE(refresh(f, first).result_int() == 200);
    apps = a.grants.list_grants(owner_subject);
    CHECK(apps[0].last_used_at == f.now());

    beast_oauth::request_context ctx{"198.51.100.7"};
    CHECK(a.grants.revoke_grant(apps[0].grant_id, revocation_actor::owner, owner_subject, ctx));
    CHECK(refused_as_invalid_grant(refresh(f, first)));
    CHECK_FALSE(api_accepts(f, first));
    // The other connection is untouched.
    CHECK(api_accepts(f, second));
    CHECK(refresh(f, second).result_int() == 200);
    REQUIRE(a.grants.list_grants(owner_subject).size() == 1);

    auto revoked = a.of_type(beast_oauth::audit_event_type::grant_revoked);
    REQUIRE(revoked.size() == 1);
    CHECK(revoked[0].actor == revocation_actor::owner);
    CHECK(revoked[0].grant_id == apps[0].grant_id);
    CHECK(revoked[0].subject == owner_subject);
    CHECK(revoked[0].client_id == "seam");
    CHECK(revoked[0].remote_address == "198.51.100.7");
    CHECK(beast_oauth::revocation_actor_name(revoked[0].actor) == "owner");
    CHECK(beast_oauth::audit_event_name(beast_oauth::audit_event_type::grant_revoked) == "grant_revoked");
    // Again: already revoked, still true, no second event.
    CHECK(a.grants.revoke_grant(apps[0].grant_id, revocation_actor::owner, owner_subject));
    CHECK(a.of_type(beast_oauth::audit_event_type::grant_revoked).size() == 1);
}

TEST_CASE("attack: an owner cannot end another owner's grant by its id")
{
    audited_fixture a;
    auto t = connect(a.f);
    auto id = a.grants.list_grants(owner_subject).at(0).grant_id;
    CHECK_FALSE(a.grants.revoke_grant(id, revocation_actor::owner, "usr_attacker"));
    CHECK_FALSE(a.grants.revoke_grant("no-such-grant", revocation_actor::owner, owner_subject));
    CHECK_THROWS_AS(a.grants.revoke_grant(id, revocation_actor::owner, ""), std::invalid_argument);
    CHECK(api_accepts(a.f, t));
    CHECK(a.of_type(beast_oauth::audit_event_type::grant_revoked).empty());
    // The vendor's support desk may end it without naming the owner.
    CHECK(a.grants.revoke_grant(id, revocation_actor::vendor_admin));
    CHECK_FALSE(api_accepts(a.f, t));
    CHECK(a.of_type(beast_oauth::audit_event_type::grant_revoked).at(0).actor == revocation_actor::vendor_admin);
}

TEST_CASE("a password reset ends every grant of the owner, a code in flight included")
{
    audited_fixture a;
    auto& f = a.f;
    auto one = connect(f);
    auto two = connect(f);
    auto pending = f.obtain_code(fixture::authorize_query());
    CHECK(a.grants.revoke_subject_grants(owner_subject, revocation_actor::owner) == 3); // two grants + the code's
    for(auto const* t : {&one, &two})
    {
        CHECK(refused_as_invalid_grant(refresh(f, *t)));
        CHECK_FALSE(api_accepts(f, *t));
    }
    CHECK(refused_as_invalid_grant(f.exchange(pending)));
    CHECK(a.grants.list_grants(owner_subject).empty());
    CHECK(a.of_type(beast_oauth::audit_event_type::grant_revoked).size() == 3);
    CHECK(a.grants.revoke_subject_grants(owner_subject, revocation_actor::owner) == 0);
    CHECK_THROWS_AS(a.grants.revoke_subject_grants("", revocation_actor::owner), std::invalid_argument);
    // The owner reconnects through the same flow.
    auto again = connect(f);
    CHECK(api_accepts(f, again));
}

TEST_CASE("a compromised client secret: every grant of the client ends, by the vendor")
{
    audited_fixture a;
    auto t = connect(a.f);
    CHECK(a.grants.revoke_client_grants("seam") == 1);
    CHECK(refused_as_invalid_grant(refresh(a.f, t)));
    CHECK_FALSE(api_accepts(a.f, t));
    auto ev = a.of_type(beast_oauth::audit_event_type::grant_revoked);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].actor == revocation_actor::vendor_admin);
    CHECK_THROWS_AS(a.grants.revoke_client_grants(""), std::invalid_argument);
}

TEST_CASE("a replayed code's revocation is audited as the replay rule's")
{
    audited_fixture a;
    auto code = a.f.obtain_code(fixture::authorize_query());
    REQUIRE(a.f.exchange(code).result_int() == 200);
    CHECK(a.f.exchange(code).result_int() == 400);
    auto ev = a.of_type(beast_oauth::audit_event_type::code_replay_detected);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].actor == revocation_actor::replay_rule);
    CHECK(beast_oauth::revocation_actor_name(revocation_actor::replay_rule) == "replay_rule");
    // Other events say nothing about an actor.
    CHECK(a.of_type(beast_oauth::audit_event_type::token_issued).at(0).actor == revocation_actor::none);
}

TEST_CASE("JWT access tokens end with their grant while jwt_check_revocation is on, else at expiry")
{
    auto keys = std::make_shared<beast_oauth::key_set>();
    keys->add(beast_oauth::signing_key::generate(beast_oauth::jws_alg::eddsa, "k1"));
    for(bool check : {true, false})
    {
        INFO("jwt_check_revocation=" << check);
        audited_fixture a([&](beast_oauth::server_options& o) {
            o.access_token_format = beast_oauth::token_format::jwt;
            o.signing_keys = keys;
            o.jwt_check_revocation = check;
        });
        auto t = connect(a.f);
        REQUIRE(t.access.find('.') != t.access.rfind('.')); // a JWS
        REQUIRE(api_accepts(a.f, t));
        CHECK(a.grants.revoke_subject_grants(owner_subject, revocation_actor::owner) == 1);
        CHECK(refused_as_invalid_grant(refresh(a.f, t)));
        // With the check on, the jti's record is gone: 401 at once. Off: the signature alone
        // is checked, so the token works until it expires (documented).
        CHECK(api_accepts(a.f, t) == !check);
        a.f.advance(3600);
        CHECK_FALSE(api_accepts(a.f, t));
    }
}

TEST_CASE("grant_manager calls run off the I/O thread with async_grant_call (use_future)")
{
    audited_fixture a;
    auto t = connect(a.f);
    boost::asio::thread_pool pool(1);
    auto listed = beast_oauth::async_grant_call(
        a.grants, [](beast_oauth::grant_manager const& m) { return m.list_grants(owner_subject); }, pool.get_executor(),
        boost::asio::use_future);
    CHECK(listed.get().size() == 1);
    auto revoked = beast_oauth::async_grant_call(
        a.grants,
        [](beast_oauth::grant_manager const& m) {
            return m.revoke_subject_grants(owner_subject, beast_oauth::revocation_actor::vendor_admin);
        },
        pool.get_executor(), boost::asio::use_future);
    CHECK(revoked.get() == 1);
    CHECK_FALSE(api_accepts(a.f, t));
    // A failure comes back as the exception, not a crash on the pool.
    auto failed = beast_oauth::async_grant_call(
        a.grants,
        [](beast_oauth::grant_manager const& m) { return m.revoke_subject_grants("", beast_oauth::revocation_actor::owner); },
        pool.get_executor(), boost::asio::use_future);
    CHECK_THROWS_AS(failed.get(), std::invalid_argument);
    pool.join();
}

TEST_CASE("one store object that is all three stores builds a server in one argument")
{
    beast_oauth::memory_store store;
    beast_oauth::memory_user_store users;
    beast_oauth::server_options o;
    o.issuer = "https://intercom.example.test";
    beast_oauth::authorization_server server(o, store, users); // was (o, store, store, store, users)
    CHECK(server.core()->stores().clients == &store);
    CHECK(server.core()->stores().tokens == &store);
    CHECK(server.core()->stores().users == &users);
}
