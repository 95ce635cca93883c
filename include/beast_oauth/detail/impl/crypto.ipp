#ifndef BEAST_OAUTH_DETAIL_IMPL_CRYPTO_IPP
#define BEAST_OAUTH_DETAIL_IMPL_CRYPTO_IPP

#include <beast_oauth/detail/crypto.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <algorithm>
#include <atomic>
#include <cstring>
#include <pthread.h>
#include <memory>
#include <stdexcept>

namespace beast_oauth { namespace detail {

namespace {
// Bumped in a forked child so that it never hands out its parent's buffered bytes.
inline std::atomic<unsigned>& fork_generation()
{
    static std::atomic<unsigned> generation{0};
    static bool const registered = [] {
        pthread_atfork(nullptr, nullptr, [] { fork_generation().fetch_add(1); });
        return true;
    }();
    (void)registered;
    return generation;
}
} // namespace

BEAST_OAUTH_DECL void random_bytes(unsigned char* p, std::size_t n)
{
    // RAND_bytes costs about 1 us per call however small; draw 1 KiB at a time per
    // thread and hand it out once (each byte is wiped as it is given away).
    struct pool
    {
        unsigned char buf[1024];
        std::size_t pos = sizeof(buf);
        unsigned generation = 0;
    };
    thread_local pool tl;
    auto const generation = fork_generation().load(std::memory_order_relaxed);
    if(n > sizeof(tl.buf) / 4)
    {
        if(RAND_bytes(p, static_cast<int>(n)) != 1)
            throw std::runtime_error("beast_oauth: RAND_bytes failed");
        return;
    }
    if(tl.generation != generation || tl.pos + n > sizeof(tl.buf))
    {
        if(RAND_bytes(tl.buf, static_cast<int>(sizeof(tl.buf))) != 1)
            throw std::runtime_error("beast_oauth: RAND_bytes failed");
        tl.pos = 0;
        tl.generation = generation;
    }
    std::memcpy(p, tl.buf + tl.pos, n);
    OPENSSL_cleanse(tl.buf + tl.pos, n);
    tl.pos += n;
}

BEAST_OAUTH_DECL std::string random_base64url(std::size_t n)
{
    unsigned char buf[64];
    if(n > sizeof(buf))
        throw std::invalid_argument("beast_oauth: random_base64url too long");
    random_bytes(buf, n);
    return base64url_encode(buf, n);
}

namespace {

// SHA-256 fetched once: OpenSSL 3 re-fetches EVP_sha256() on every init otherwise.
inline EVP_MD const* sha256_md()
{
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

struct md_ctx_free
{
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};

// One reusable digest context per thread.
inline EVP_MD_CTX* scratch_ctx()
{
    thread_local std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    return ctx.get();
}

} // namespace

BEAST_OAUTH_DECL digest256 sha256(std::string_view data)
{
    digest256 out{};
    unsigned len = 0;
    auto* ctx = scratch_ctx();
    if(!ctx || EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
       EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &len) != 1)
        throw std::runtime_error("beast_oauth: SHA-256 failed");
    return out;
}

BEAST_OAUTH_DECL digest256 hmac_sha256(std::string_view key, std::string_view data)
{
    return hmac_sha256_key(key).mac(data);
}

// The keyed states are plain SHA256_CTX structs, copied by value per MAC: OpenSSL 3's
// EVP_MD_CTX_copy_ex duplicates the provider context on the heap every time (malloc, cleanse,
// free: a third of a bearer check). SHA256_Init/Update/Final are deprecated in OpenSSL 3 but
// present in every default build, and run the same assembly (SHA-NI where the CPU has it);
// programs built without the deprecated API define BEAST_OAUTH_HMAC_WITH_EVP, for every
// translation unit alike (like any BEAST_OAUTH_ configuration macro: in header-only mode the
// two paths must not meet in one program), and get the EVP path.
#if defined(BEAST_OAUTH_HMAC_WITH_EVP)
#define BEAST_OAUTH_HMAC_EVP 1
#elif defined(OPENSSL_NO_DEPRECATED_3_0)
#error "OpenSSL's deprecated API is off: define BEAST_OAUTH_HMAC_WITH_EVP for the whole program"
#else
#define BEAST_OAUTH_HMAC_EVP 0
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#elif defined(_MSC_VER)
#pragma warning(push)
#pragma warning(disable : 4996)
#endif
#endif

BEAST_OAUTH_DECL hmac_sha256_key::hmac_sha256_key(std::string_view key)
{
    // RFC 2104: keys longer than the block are hashed first; pads are key XOR 0x36 / 0x5c.
    unsigned char block[64] = {};
    if(key.size() > sizeof(block))
    {
        auto d = sha256(key);
        std::copy(d.begin(), d.end(), block);
    }
    else
        std::copy(key.begin(), key.end(), block);
    auto keyed = [&](unsigned char pad) {
        unsigned char p[64];
        for(std::size_t i = 0; i < sizeof(p); ++i)
            p[i] = static_cast<unsigned char>(block[i] ^ pad);
#if BEAST_OAUTH_HMAC_EVP
        std::shared_ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new(), md_ctx_free{});
        if(!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1 ||
           EVP_DigestUpdate(ctx.get(), p, sizeof(p)) != 1)
            throw std::runtime_error("beast_oauth: HMAC key setup failed");
#else
        auto ctx = std::shared_ptr<SHA256_CTX>(new SHA256_CTX, [](SHA256_CTX* c) {
            OPENSSL_cleanse(c, sizeof(*c));
            delete c;
        });
        if(SHA256_Init(ctx.get()) != 1 || SHA256_Update(ctx.get(), p, sizeof(p)) != 1)
            throw std::runtime_error("beast_oauth: HMAC key setup failed");
#endif
        OPENSSL_cleanse(p, sizeof(p));
        return std::static_pointer_cast<void>(ctx);
    };
    inner_ = keyed(0x36);
    outer_ = keyed(0x5c);
    OPENSSL_cleanse(block, sizeof(block));
}

BEAST_OAUTH_DECL digest256 hmac_sha256_key::mac(std::string_view data) const
{
    digest256 inner{}, out{};
#if BEAST_OAUTH_HMAC_EVP
    unsigned len = 0;
    auto* ctx = scratch_ctx();
    if(!ctx || EVP_MD_CTX_copy_ex(ctx, static_cast<EVP_MD_CTX const*>(inner_.get())) != 1 ||
       EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx, inner.data(), &len) != 1 ||
       EVP_MD_CTX_copy_ex(ctx, static_cast<EVP_MD_CTX const*>(outer_.get())) != 1 ||
       EVP_DigestUpdate(ctx, inner.data(), inner.size()) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &len) != 1)
        throw std::runtime_error("beast_oauth: HMAC-SHA-256 failed");
#else
    SHA256_CTX c = *static_cast<SHA256_CTX const*>(inner_.get());
    if(SHA256_Update(&c, data.data(), data.size()) != 1 || SHA256_Final(inner.data(), &c) != 1)
        throw std::runtime_error("beast_oauth: HMAC-SHA-256 failed");
    c = *static_cast<SHA256_CTX const*>(outer_.get());
    if(SHA256_Update(&c, inner.data(), inner.size()) != 1 || SHA256_Final(out.data(), &c) != 1)
        throw std::runtime_error("beast_oauth: HMAC-SHA-256 failed");
    OPENSSL_cleanse(&c, sizeof(c));
#endif
    return out;
}

#if !BEAST_OAUTH_HMAC_EVP
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#elif defined(_MSC_VER)
#pragma warning(pop)
#endif
#endif
#undef BEAST_OAUTH_HMAC_EVP

namespace {
constexpr char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Symbol -> value tables (-1: not in the alphabet); a lookup, not a search or a branch per
// character class (random token characters defeat branch prediction).
struct b64_table
{
    signed char v[256];
};
constexpr b64_table make_b64_table(char const* alphabet)
{
    b64_table t{};
    for(auto& x : t.v)
        x = -1;
    for(int i = 0; i < 64; ++i)
        t.v[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
}
constexpr b64_table b64url_values = make_b64_table(b64url_alphabet);
constexpr b64_table b64_values = make_b64_table(b64_alphabet);

inline int b64_value(char c, char const* alphabet) noexcept
{
    auto const& t = alphabet == b64url_alphabet ? b64url_values : b64_values;
    return t.v[static_cast<unsigned char>(c)];
}

// Decodes groups of 4 symbols of `alphabet`; `in` holds no padding.
inline bool decode_unpadded(std::string_view in, std::string& out, char const* alphabet)
{
    if(in.size() % 4 == 1)
        return false;
    out.clear();
    out.reserve(in.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for(char c : in)
    {
        int v = b64_value(c, alphabet);
        if(v < 0)
            return false;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if(bits >= 8)
        {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // Leftover bits must be zero (canonical encoding only).
    return (acc & ((1u << bits) - 1)) == 0;
}
} // namespace

BEAST_OAUTH_DECL std::array<char, 43> base64url_digest(digest256 const& d) noexcept
{
    std::array<char, 43> out{};
    std::size_t o = 0, i = 0;
    for(; i + 3 <= d.size(); i += 3)
    {
        unsigned v = (unsigned(d[i]) << 16) | (unsigned(d[i + 1]) << 8) | d[i + 2];
        out[o++] = b64url_alphabet[(v >> 18) & 63];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
        out[o++] = b64url_alphabet[v & 63];
    }
    unsigned v = (unsigned(d[i]) << 16) | (unsigned(d[i + 1]) << 8); // 32 = 30 + 2
    out[o++] = b64url_alphabet[(v >> 18) & 63];
    out[o++] = b64url_alphabet[(v >> 12) & 63];
    out[o++] = b64url_alphabet[(v >> 6) & 63];
    return out;
}

BEAST_OAUTH_DECL std::string base64url_encode(void const* data, std::size_t n)
{
    auto p = static_cast<unsigned char const*>(data);
    std::string out;
    out.reserve((n * 4 + 2) / 3);
    std::size_t i = 0;
    for(; i + 3 <= n; i += 3)
    {
        unsigned v = (unsigned(p[i]) << 16) | (unsigned(p[i + 1]) << 8) | p[i + 2];
        out.push_back(b64url_alphabet[(v >> 18) & 63]);
        out.push_back(b64url_alphabet[(v >> 12) & 63]);
        out.push_back(b64url_alphabet[(v >> 6) & 63]);
        out.push_back(b64url_alphabet[v & 63]);
    }
    if(n - i == 1)
    {
        unsigned v = unsigned(p[i]) << 16;
        out.push_back(b64url_alphabet[(v >> 18) & 63]);
        out.push_back(b64url_alphabet[(v >> 12) & 63]);
    }
    else if(n - i == 2)
    {
        unsigned v = (unsigned(p[i]) << 16) | (unsigned(p[i + 1]) << 8);
        out.push_back(b64url_alphabet[(v >> 18) & 63]);
        out.push_back(b64url_alphabet[(v >> 12) & 63]);
        out.push_back(b64url_alphabet[(v >> 6) & 63]);
    }
    return out;
}

BEAST_OAUTH_DECL bool base64url_decode(std::string_view in, std::string& out)
{
    return decode_unpadded(in, out, b64url_alphabet);
}

BEAST_OAUTH_DECL bool base64url_decode_digest(std::string_view in, digest256& out) noexcept
{
    if(in.size() != 43)
        return false;
    auto val = [&](std::size_t i) noexcept {
        return static_cast<int>(b64url_values.v[static_cast<unsigned char>(in[i])]);
    };
    // Ten independent groups of 4 symbols -> 3 bytes, then 3 symbols -> 2 bytes + 2 zero bits.
    int bad = 0;
    std::size_t o = 0;
    for(std::size_t i = 0; i < 40; i += 4)
    {
        int a = val(i), b = val(i + 1), c = val(i + 2), d = val(i + 3);
        bad |= a | b | c | d; // any -1 sets the sign bit
        unsigned v = (unsigned(a & 63) << 18) | (unsigned(b & 63) << 12) | (unsigned(c & 63) << 6) | unsigned(d & 63);
        out[o++] = static_cast<unsigned char>(v >> 16);
        out[o++] = static_cast<unsigned char>(v >> 8);
        out[o++] = static_cast<unsigned char>(v);
    }
    int a = val(40), b = val(41), c = val(42);
    bad |= a | b | c;
    unsigned v = (unsigned(a & 63) << 12) | (unsigned(b & 63) << 6) | unsigned(c & 63);
    out[o++] = static_cast<unsigned char>(v >> 10);
    out[o] = static_cast<unsigned char>(v >> 2);
    return bad >= 0 && (v & 3u) == 0; // the 2 leftover bits must be zero (canonical)
}

BEAST_OAUTH_DECL bool base64_decode(std::string_view in, std::string& out)
{
    if(in.size() % 4 != 0)
        return false;
    std::size_t pad = 0;
    while(pad < 2 && !in.empty() && in[in.size() - 1 - pad] == '=')
        ++pad;
    return decode_unpadded(in.substr(0, in.size() - pad), out, b64_alphabet);
}

BEAST_OAUTH_DECL bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}} // namespace beast_oauth::detail

#endif
