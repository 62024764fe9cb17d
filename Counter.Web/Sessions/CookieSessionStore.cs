using System.Buffers.Text;
using System.Security.Cryptography;
using Counter.Web.RateLimits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Cookie sessions: the whole <see cref="SessionRecord"/> travels in the cookie, encrypted and
/// signed with ASP.NET Core Data Protection (AES-256-GCM, see DataProtectionSetup). The server keeps
/// nothing, so the cookie changes on every save. A cookie that fails to decrypt, is damaged or
/// expired yields a fresh session. Concurrent requests from one browser race on the cookie
/// (last response wins): that is inherent to client-side state, and the reason server-side mode exists.
/// </summary>
public sealed class CookieSessionStore(
    IDataProtectionProvider dataProtection,
    NewSessionLimiter newSessions,
    SessionTelemetry telemetry,
    IOptions<SessionOptions> options,
    TimeProvider time) : ISessionStore
{
    /// <summary>Browsers drop cookies past ~4 KB; refuse to write one they would silently lose.</summary>
    public const int MaxCookieLength = 4000;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Counter.Web.Sessions.Cookie.v1");
    private readonly SessionOptions _options = options.Value;

    public Task<SessionData> UpdateAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = Read(context, now, out var duplicated) ?? NewRecord(context, now, duplicated);
        var data = record.Data.Clone();
        change(data);
        Write(context, record with { Seen = now, Data = data }, now);
        return Task.FromResult(data);
    }

    private SessionRecord NewRecord(HttpContext context, DateTimeOffset now, bool duplicatedCookie)
    {
        newSessions.Admit(context, plantedCookie: duplicatedCookie);
        return new SessionRecord(now, now, new SessionData());
    }

    public Task<SessionData> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Read(context, now, out _) is not { } record)
        {
            return Task.FromResult(new SessionData());
        }
        Write(context, record with { Seen = now }, now); // Slides the idle expiry.
        return Task.FromResult(record.Data);
    }

    private void Write(HttpContext context, SessionRecord record, DateTimeOffset now)
    {
        string protectedValue;
        try
        {
            protectedValue = Base64Url.EncodeToString(_protector.Protect(record.Serialize()));
        }
        catch (CryptographicException ex) when (KeyRingUnreachable(ex))
        {
            throw new SessionUnavailableException("The key ring could not be loaded from the store; the session cannot be sealed.", ex);
        }
        if (protectedValue.Length > MaxCookieLength)
        {
            throw new SessionTooLargeException($"The session is {protectedValue.Length} characters as a cookie; browsers keep at most {MaxCookieLength}. Use server-side mode for large sessions.");
        }
        SessionCookie.Write(context, _options, protectedValue, record.Created + _options.AbsoluteLifetime - now);
    }

    public Task DestroyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        SessionCookie.Delete(context, _options);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The session the cookie carries. Of several values (one planted beside ours: cookie tossing),
    /// the one that opens to a live session is kept; when more than one does (the planter's own
    /// session beside the user's) none is trusted.
    /// </summary>
    private SessionRecord? Read(HttpContext context, DateTimeOffset now, out bool duplicated)
    {
        var cookie = SessionCookie.Read(context, _options, telemetry);
        duplicated = cookie.Duplicated;
        SessionRecord? live = null;
        foreach (var value in cookie.Values)
        {
            if (Open(value, now) is not { } record)
            {
                continue;
            }
            if (live is not null)
            {
                return null;
            }
            live = record;
        }
        return live;
    }

    private SessionRecord? Open(string cookie, DateTimeOffset now)
    {
        if (cookie.Length > MaxCookieLength || !Base64Url.IsValid(cookie))
        {
            return null;
        }
        try
        {
            var record = SessionRecord.TryParse(_protector.Unprotect(Base64Url.DecodeFromChars(cookie)));
            return record is not null && record.IsWithinLifetime(now, _options) && !record.IsIdleExpired(now, _options) ? record : null;
        }
        catch (CryptographicException ex) when (KeyRingUnreachable(ex))
        {
            // Not a forged cookie: the keys that would open it are in a store that did not answer.
            // 503 (and no new session charged), not a fresh session that would lose this one.
            throw new SessionUnavailableException("The key ring could not be loaded from the store; the session cannot be read.", ex);
        }
        catch (CryptographicException)
        {
            return null; // Tampered, foreign, or protected with a key we no longer have.
        }
    }

    /// <summary>Data Protection wraps a failure of its key-ring repository (the store) as a cryptographic error.</summary>
    private static bool KeyRingUnreachable(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is KvStore.KvStoreUnavailableException)
            {
                return true;
            }
        }
        return false;
    }
}
