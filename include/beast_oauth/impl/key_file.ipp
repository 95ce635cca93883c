#ifndef BEAST_OAUTH_IMPL_KEY_FILE_IPP
#define BEAST_OAUTH_IMPL_KEY_FILE_IPP

#include <beast_oauth/key_file.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace beast_oauth {
namespace detail {

#ifndef _WIN32
// Closes a file descriptor on every path out.
struct key_fd
{
    int fd = -1;
    ~key_fd()
    {
        if(fd >= 0)
            ::close(fd);
    }
};

inline std::string key_errno_text(int e)
{
    return std::strerror(e);
}

inline std::string key_octal_mode(unsigned mode)
{
    char buf[8];
    buf[0] = '0';
    buf[1] = static_cast<char>('0' + ((mode >> 6) & 7));
    buf[2] = static_cast<char>('0' + ((mode >> 3) & 7));
    buf[3] = static_cast<char>('0' + (mode & 7));
    return std::string(buf, 4);
}

// Writes all of `data`; false on error (errno set).
inline bool key_write_all(int fd, std::string_view data)
{
    while(!data.empty())
    {
        auto n = ::write(fd, data.data(), data.size());
        if(n < 0)
        {
            if(errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

inline std::string key_directory_of(std::string const& path)
{
    auto slash = path.rfind('/');
    if(slash == std::string::npos)
        return ".";
    if(slash == 0)
        return "/";
    return path.substr(0, slash);
}

// Makes a created or linked name durable (best effort: some file systems refuse fsync on a directory).
inline void key_sync_directory(std::string const& path)
{
    int fd = ::open(key_directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if(fd >= 0)
    {
        (void)::fsync(fd);
        ::close(fd);
    }
}

// Reads and checks an open key file. `fd` is owned by the caller.
inline std::string key_read_checked(int fd, std::string const& path)
{
    struct stat st{};
    if(::fstat(fd, &st) != 0)
        throw key_file_error("beast_oauth: cannot stat key file " + path + ": " + key_errno_text(errno));
    if(!S_ISREG(st.st_mode))
        throw key_file_error("beast_oauth: key file " + path + " is not a regular file");
    if(st.st_uid != ::geteuid())
        throw key_file_error("beast_oauth: key file " + path + " is owned by uid " + std::to_string(st.st_uid) +
                             ", not by the user running the server (uid " + std::to_string(::geteuid()) +
                             "): chown it, or run the server as its owner");
    auto const mode = static_cast<unsigned>(st.st_mode) & 07777u;
    if(mode & 077u)
        throw key_file_error("beast_oauth: key file " + path + " has mode " + key_octal_mode(mode & 0777u) +
                             ": it must not be readable or writable by group or others. If nobody else "
                             "could have read it, chmod 600 it; otherwise it may have leaked: replace it "
                             "(every stored token then stops working, see docs/tokens.md)");
    std::string text;
    char buf[512];
    for(;;)
    {
        auto n = ::read(fd, buf, sizeof buf);
        if(n < 0)
        {
            if(errno == EINTR)
                continue;
            throw key_file_error("beast_oauth: cannot read key file " + path + ": " + key_errno_text(errno));
        }
        if(n == 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
        if(text.size() > 4096)
            throw key_file_error("beast_oauth: key file " + path + " is too large to be a key");
    }
    if(!text.empty() && text.back() == '\n')
        text.pop_back();
    if(!text.empty() && text.back() == '\r')
        text.pop_back();
    std::string raw;
    if(!base64url_decode(text, raw) || raw.size() < secret_key_bytes)
        throw key_file_error("beast_oauth: key file " + path + " does not hold a key (unpadded base64url of at least " +
                             std::to_string(secret_key_bytes) + " bytes, " + std::to_string(text.size()) +
                             " characters read); remove it to generate a new one (every stored token then "
                             "stops working)");
    return text;
}
#endif

} // namespace detail

BEAST_OAUTH_DECL std::string load_secret_key(std::string const& path)
{
#ifdef _WIN32
    throw key_file_error("beast_oauth: key files are supported on POSIX systems only (" + path + ")");
#else
    detail::key_fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if(f.fd < 0)
    {
        int const e = errno;
        if(e == ENOENT)
            throw key_file_error("beast_oauth: key file " + path + " does not exist");
        throw key_file_error("beast_oauth: cannot open key file " + path + ": " + detail::key_errno_text(e));
    }
    return detail::key_read_checked(f.fd, path);
#endif
}

BEAST_OAUTH_DECL secret_key_file load_or_create_secret_key(std::string const& path)
{
#ifdef _WIN32
    throw key_file_error("beast_oauth: key files are supported on POSIX systems only (" + path + ")");
#else
    {
        detail::key_fd f;
        f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if(f.fd >= 0)
            return {detail::key_read_checked(f.fd, path), false};
        if(errno != ENOENT)
            throw key_file_error("beast_oauth: cannot open key file " + path + ": " + detail::key_errno_text(errno));
    }

    auto const key = detail::random_base64url(secret_key_bytes);
    auto const content = key + "\n";
    auto const fail_create = [&](std::string const& what, int e) {
        return key_file_error("beast_oauth: cannot create key file " + path + " (" + what +
                              "): " + detail::key_errno_text(e));
    };

    // 1. The whole key in a private temporary file beside it.
    auto const tmp = path + ".tmp-" + detail::random_base64url(9);
    {
        detail::key_fd f;
        f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
        if(f.fd < 0)
            throw fail_create("creating " + tmp, errno);
        // The umask can only remove bits; make sure the owner can read it back.
        if(::fchmod(f.fd, 0600) != 0 || !detail::key_write_all(f.fd, content) || ::fsync(f.fd) != 0)
        {
            int const e = errno;
            ::unlink(tmp.c_str());
            throw fail_create("writing " + tmp, e);
        }
    }

    // 2. Publish it under `path` only if nobody did: link() fails with EEXIST otherwise.
    if(::link(tmp.c_str(), path.c_str()) == 0)
    {
        ::unlink(tmp.c_str());
        detail::key_sync_directory(path);
        return {key, true};
    }
    int const e = errno;
    ::unlink(tmp.c_str());
    if(e == EEXIST)
        return {load_secret_key(path), false}; // another process won the race: use its key
    if(e != EPERM && e != ENOTSUP && e != EOPNOTSUPP && e != ENOSYS && e != EMLINK)
        throw fail_create("linking " + tmp, e);

    // 3. No hard links here: create it in place, exclusively.
    detail::key_fd f;
    f.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
    if(f.fd < 0)
    {
        if(errno == EEXIST)
            return {load_secret_key(path), false};
        throw fail_create("open", errno);
    }
    if(::fchmod(f.fd, 0600) != 0 || !detail::key_write_all(f.fd, content) || ::fsync(f.fd) != 0)
    {
        int const e2 = errno;
        ::unlink(path.c_str());
        throw fail_create("write", e2);
    }
    detail::key_sync_directory(path);
    return {key, true};
#endif
}

} // namespace beast_oauth

#endif
