using Orleans.Concurrency;

namespace TempoModular.Applications;

/// <summary>
/// A token the authorization server issued to an application: an access token,
/// a refresh token or an authorization code. Identifiers look like
/// "{clientId}.{key}", so any host can route a token to its application.
/// <see cref="Scope"/> is what the token grants, space-separated as OAuth writes
/// it (RFC 6749 §3.3); null for tokens recorded before scopes were.
/// </summary>
[GenerateSerializer, Immutable, Alias("tempo.applications.token-record.v1")]
public sealed record TokenRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string? AuthorizationId,
    [property: Id(2)] string? Subject,
    [property: Id(3)] string Type,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? ExpiresAt,
    [property: Id(7)] DateTimeOffset? RedeemedAt,
    [property: Id(8)] string? ReferenceId,
    [property: Id(9)] string? Payload,
    [property: Id(10)] string? Properties,
    [property: Id(11)] int Version,
    [property: Id(12)] string? Scope = null);

/// <summary>
/// A grant: what a user (the subject) authorized an application to do. Permanent
/// grants remember consent; ad-hoc grants tie together the tokens of one
/// authorization-code flow, so that revoking one refresh token or replaying one
/// code revokes exactly that flow's tokens.
/// </summary>
[GenerateSerializer, Immutable, Alias("tempo.applications.grant-record.v1")]
public sealed record GrantRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Subject,
    [property: Id(2)] string Type,
    [property: Id(3)] string Status,
    [property: Id(4)] IReadOnlyList<string> Scopes,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? Properties,
    [property: Id(7)] int Version);

/// <summary>A page of an application's active tokens, newest first.</summary>
[GenerateSerializer, Immutable]
public sealed record TokenPage(
    [property: Id(0)] IReadOnlyList<TokenRecord> Items,
    [property: Id(1)] int Page,
    [property: Id(2)] int PageSize,
    [property: Id(3)] int TotalCount);

/// <summary>The well-known token and grant status values (OpenIddict's).</summary>
public static class TokenStatuses
{
    public const string Valid = "valid";
    public const string Redeemed = "redeemed";
    public const string Revoked = "revoked";
    public const string Rejected = "rejected";
    public const string Inactive = "inactive";
}

/// <summary>
/// The active token set and the grants of one application. Implemented by the
/// same grain activation as <see cref="IOAuthApplicationGrain"/> (same key), so a
/// deleted application's tokens are refused by the very object that knows it was
/// deleted. Reads and records interleave: a token is recorded while another is
/// being written to storage, which is what lets writes be grouped.
/// </summary>
public interface IApplicationTokenSet : IGrainWithStringKey
{
    /// <summary>Records a new token; completes only once it is durably stored.</summary>
    [AlwaysInterleave]
    Task RecordTokenAsync(TokenRecord token);

    /// <summary>
    /// Records a client-credentials access token, as <see cref="RecordTokenAsync"/>, only if
    /// everything its issuance relied on still holds now: the application exists, is
    /// confidential, may use the client_credentials grant, has the access-token lifetime
    /// <paramref name="accessTokenLifetime"/> (null: the server's default) and
    /// <paramref name="clientSecret"/> matches. So a host may validate the request against
    /// its own copy of the application and still make one call per token. When anything
    /// differs, nothing is recorded and the answer carries the application as it is now.
    /// </summary>
    [AlwaysInterleave]
    Task<CheckedTokenRecording> RecordClientCredentialsTokenAsync(string clientSecret, TimeSpan? accessTokenLifetime, TokenRecord token);

    /// <summary>
    /// The token as the server must judge it now: null when unknown, expired
    /// and pruned, or the application is deleted; status "revoked" when its grant
    /// or all of the application's tokens were revoked.
    /// </summary>
    [AlwaysInterleave]
    Task<TokenRecord?> FindTokenAsync(string tokenId);

    /// <summary>
    /// A reference token (OpenIddict issues authorization codes as references) by
    /// its stored, obfuscated reference id; judged like <see cref="FindTokenAsync"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<TokenRecord?> FindTokenByReferenceAsync(string referenceId);

    /// <summary>The tokens of one grant.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<TokenRecord>> FindTokensByGrantAsync(string grantId);

    /// <summary>Replaces a token's mutable fields when <see cref="TokenRecord.Version"/> matches; false on a concurrent change.</summary>
    [AlwaysInterleave]
    Task<bool> UpdateTokenAsync(TokenRecord token);

    /// <summary>
    /// Redeems an authorization code or a refresh token: a compare-and-set on its
    /// entry, so of any number of concurrent redemptions exactly one gets
    /// <see cref="TokenRedemption.Redeemed"/>. Presenting a token already redeemed
    /// is reuse (RFC 9700 §4.14.2, RFC 6749 §10.5): its grant is revoked before the
    /// answer. Redeeming a refresh token also revokes the access token issued with
    /// it (Tempo: the previous pair stops working).
    /// </summary>
    [AlwaysInterleave]
    Task<TokenRedemption> RedeemTokenAsync(string tokenId);

    /// <summary>Revokes every token of a grant, and the grant, in one write.</summary>
    [AlwaysInterleave]
    Task<long> RevokeGrantAsync(string grantId);

    /// <summary>Revokes every token issued to the application so far, in one write.</summary>
    Task<long> RevokeAllTokensAsync();

    /// <summary>Active tokens, newest first (1-based page).</summary>
    [AlwaysInterleave]
    Task<TokenPage> ListTokensAsync(int page, int pageSize);

    /// <summary>How many tokens are active now; counted in storage when the set is not loaded, so asking never loads it.</summary>
    [AlwaysInterleave]
    Task<int> CountActiveTokensAsync();

    [AlwaysInterleave]
    Task RecordGrantAsync(GrantRecord grant);

    [AlwaysInterleave]
    Task<GrantRecord?> FindGrantAsync(string grantId);

    /// <summary>Grants of a subject, optionally narrowed by status and type.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<GrantRecord>> FindGrantsAsync(string? subject, string? status, string? type);

    [AlwaysInterleave]
    Task<bool> UpdateGrantAsync(GrantRecord grant);

    /// <summary>Every grant (permanent and ad-hoc) that is still valid.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<GrantRecord>> ListGrantsAsync();

    /// <summary>Forgets expired tokens and grants left without tokens; returns how many entries were removed.</summary>
    Task<long> PruneAsync(DateTimeOffset threshold);
}

/// <summary>
/// What came of <see cref="IApplicationTokenSet.RecordClientCredentialsTokenAsync"/>: recorded,
/// or not, with the application as it is now (null when it no longer exists) and whether the
/// secret matched.
/// </summary>
[GenerateSerializer, Immutable, Alias("tempo.applications.checked-token-recording.v1")]
public sealed record CheckedTokenRecording(
    [property: Id(0)] bool Recorded,
    [property: Id(1)] ClientAuthentication? Current)
{
    public static CheckedTokenRecording Done { get; } = new(true, null);
}

/// <summary>What became of a redemption (see <see cref="IApplicationTokenSet.RedeemTokenAsync"/>).</summary>
public enum TokenRedemption
{
    /// <summary>This caller redeemed the token; it may issue the new tokens.</summary>
    Redeemed,

    /// <summary>The token was already redeemed: its grant is now revoked.</summary>
    Reused,

    /// <summary>Unknown, expired, revoked or not a redeemable token; nothing changed.</summary>
    NotRedeemable,
}

/// <summary>Token and grant identifiers carry the client id of their application.</summary>
public static class TokenIds
{
    /// <summary>
    /// A new identifier "{clientId}.{32 lowercase hex digits}": 48 bits of Unix
    /// milliseconds, then 80 random bits. Ids issued one after another sort one
    /// after another, so each insert lands on the last page of the tokens'
    /// primary-key index instead of a random one: 13.6 WAL pages per commit of
    /// 32 tokens instead of 51.8 with a 300,000-row table, whatever its size
    /// (load-tests/wal-pages.py). An id is an identifier, not a secret: a token
    /// is its signed or encrypted value, never its id.
    /// </summary>
    public static string New(string clientId)
    {
        Span<byte> key = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16);
        NextRandom().CopyTo(key[6..]);
        return clientId + "." + Convert.ToHexStringLower(key);
    }

    private const int RandomBytesPerId = 10;

    // Bytes from the system's cryptographic generator, drawn 256 ids' worth at a
    // time per thread and each used once: one call into OpenSSL per id was
    // 1.5 % of a token request's CPU.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    private static ReadOnlySpan<byte> NextRandom()
    {
        var random = t_random ??= new byte[RandomBytesPerId * 256];
        if (t_used == 0 || t_used == random.Length)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        var next = random.AsSpan(t_used, RandomBytesPerId);
        t_used += RandomBytesPerId;
        return next;
    }

    /// <summary>The client id part, or null when the identifier is not one of ours.</summary>
    public static string? ClientIdOf(string id)
    {
        var dot = id.LastIndexOf('.');
        return dot > 0 && dot < id.Length - 1 ? id[..dot] : null;
    }
}
