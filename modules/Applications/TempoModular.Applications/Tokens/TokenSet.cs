using System.Buffers;
using System.Buffers.Binary;

namespace TempoModular.Applications.Tokens;

/// <summary>
/// The in-memory index of one application's tokens and grants: what the token
/// path reads on every request. Revoking a grant or all tokens flips one flag or
/// one watermark that <see cref="Judge"/> applies, instead of rewriting every token.
/// </summary>
/// <remarks>
/// An application may hold a million active tokens, so a token is kept as a
/// 32-byte <see cref="TokenEntry"/> keyed by the 128 random bits of its id, not
/// as a <see cref="TokenRecord"/> keyed by the id string (about 300 bytes);
/// records are rebuilt when read. Entries hold no references, so the GC never
/// walks them.
/// </remarks>
internal sealed class TokenSet(string clientId)
{
    // The characters of the key part of an id: 128 bits in lowercase hex (see TokenIds.New).
    private const int KeyChars = 32;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    // The expiry of a token that never expires: beyond the UTC ticks of any DateTimeOffset, so never pruned.
    private const long NeverExpires = long.MaxValue;

    // OpenIddict's token types (as it records them, and the short hints) and
    // statuses; an entry stores the index. A token with any other type or
    // status is kept whole in _others.
    private static readonly string[] Types =
    [
        "urn:ietf:params:oauth:token-type:access_token",
        "urn:ietf:params:oauth:token-type:refresh_token",
        "urn:ietf:params:oauth:token-type:id_token",
        "urn:openiddict:params:oauth:token-type:authorization_code",
        "urn:openiddict:params:oauth:token-type:device_code",
        "urn:openiddict:params:oauth:token-type:user_code",
        "urn:openiddict:params:oauth:token-type:request_token",
        "access_token",
        "refresh_token",
        "id_token",
        "authorization_code",
        "device_code",
        "user_code",
    ];

    private static readonly string[] Statuses =
        [TokenStatuses.Valid, TokenStatuses.Redeemed, TokenStatuses.Revoked, TokenStatuses.Rejected, TokenStatuses.Inactive];

    private static readonly byte ValidStatus = (byte)Array.IndexOf(Statuses, TokenStatuses.Valid);

    // Indexes into Types: the full names and the short hints name the same types.
    private const int AccessToken = 0, AccessTokenHint = 7, RefreshToken = 1, RefreshTokenHint = 8, AuthorizationCode = 3, AuthorizationCodeHint = 10;

    private readonly Dictionary<TokenKey, TokenEntry> _entries = [];

    // The fields only some tokens have (authorization codes, refresh tokens with
    // properties), so that an access token does not pay for them.
    private readonly Dictionary<TokenKey, TokenExtras> _extras = [];

    // Tokens an entry cannot represent exactly: an id not in our format, a time
    // with an offset other than UTC, a type or status not listed above. None
    // are expected; they are kept as given rather than refused.
    private readonly Dictionary<string, TokenRecord> _others = new(StringComparer.Ordinal);

    private readonly Dictionary<string, GrantRecord> _grants = new(StringComparer.Ordinal);

    // Only reference tokens (authorization codes) have a reference id: few, short-lived.
    private readonly Dictionary<string, string> _byReference = new(StringComparer.Ordinal);

    // Most tokens of an application share a handful of subjects (the client
    // itself, its users), and the tokens of one flow share a grant.
    private readonly NameTable _subjects = new();
    private readonly NameTable _grantIds = new();

    // An application's tokens carry a handful of distinct scope strings ("read write", "read").
    private readonly NameTable _scopes = new();

    // The newest access token of each grant (keyed by grant index): a refresh
    // revokes the access token of the pair it replaces without scanning every
    // entry. One small entry per grant that has access tokens.
    private readonly Dictionary<int, TokenKey> _newestAccessToken = [];

    public int Count => _entries.Count + _others.Count;

    /// <summary>Adds a new token; false when the id is taken (a 128-bit collision or a replayed write).</summary>
    public bool TryAdd(TokenRecord token)
    {
        var key = KeyOf(token.Id);
        if (Find(key, token.Id) is not null)
        {
            return false;
        }

        Store(key, token);
        return true;
    }

    public TokenRecord? GetByReference(string referenceId) =>
        _byReference.TryGetValue(referenceId, out var id) ? Get(id) : null;

    public TokenRecord? Get(string id) => Find(KeyOf(id), id);

    /// <summary>The newest access token recorded for a grant, as stored (not judged).</summary>
    public TokenRecord? NewestAccessTokenOf(string grantId)
    {
        var grant = _grantIds.IndexOf(grantId);
        return grant != NameTable.None && _newestAccessToken.TryGetValue(grant, out var key) && _entries.TryGetValue(key, out var entry)
            ? Materialize(key, entry, IdOf(key))
            : null;
    }

    public static bool IsRefreshToken(string type) => Array.IndexOf(Types, type) is RefreshToken or RefreshTokenHint;

    /// <summary>Authorization codes and refresh tokens are single-use (RFC 6749 §4.1.2, RFC 9700 §4.14.2).</summary>
    public static bool IsRedeemable(string type) => Array.IndexOf(Types, type) is RefreshToken or RefreshTokenHint or AuthorizationCode or AuthorizationCodeHint;

    /// <summary>
    /// The token as the server must judge it: revoked when its grant is revoked or
    /// it was issued before the application's revoke-all watermark.
    /// </summary>
    public TokenRecord Judge(TokenRecord token, DateTimeOffset? revokedBefore)
    {
        if (token.Status == TokenStatuses.Revoked)
        {
            return token;
        }

        return IsRevokedByGrantOrWatermark(token.CreatedAt.UtcTicks, token.AuthorizationId, revokedBefore)
            ? token with { Status = TokenStatuses.Revoked }
            : token;
    }

    /// <summary>Replaces a token when the caller saw its current version; the stored copy gets the next version.</summary>
    public bool TryUpdate(TokenRecord update, out TokenRecord stored)
    {
        var key = KeyOf(update.Id);
        var current = Find(key, update.Id);
        if (current is null || current.Version != update.Version)
        {
            stored = current!;
            return false;
        }

        stored = update with { Version = update.Version + 1 };
        Remove(key, current);
        Store(key, stored);
        return true;
    }

    public IEnumerable<TokenRecord> Tokens =>
        _entries.Select(e => Materialize(e.Key, e.Value, IdOf(e.Key))).Concat(_others.Values);

    public List<TokenRecord> TokensOfGrant(string grantId)
    {
        // Revoking a grant is rare (a replayed code or refresh token, an
        // administrator): a scan comparing one int per entry (milliseconds for
        // a million) costs less than an index every granted token would pay for.
        var tokens = new List<TokenRecord>();
        var grant = _grantIds.IndexOf(grantId);
        if (grant != NameTable.None)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Grant == grant)
                {
                    tokens.Add(Materialize(key, entry, IdOf(key)));
                }
            }
        }

        tokens.AddRange(_others.Values.Where(t => string.Equals(t.AuthorizationId, grantId, StringComparison.Ordinal)));
        return tokens;
    }

    /// <summary>How many tokens are active as judged now: valid, unexpired, not revoked by their grant or the watermark.</summary>
    public int CountActive(DateTimeOffset now, DateTimeOffset? revokedBefore)
    {
        var count = 0;
        foreach (var entry in _entries.Values)
        {
            if (IsActive(entry, now.UtcTicks, revokedBefore))
            {
                count++;
            }
        }

        return count + _others.Values.Count(t => IsActive(Judge(t, revokedBefore), now));
    }

    /// <summary>A page of the active tokens (see <see cref="CountActive"/>), newest first, and how many there are.</summary>
    public (List<TokenRecord> Items, int Total) ActivePage(DateTimeOffset now, DateTimeOffset? revokedBefore, int skip, int take)
    {
        // Sorts small tuples and rebuilds records for the one page only.
        var active = new List<(long CreatedAt, TokenKey Key, TokenRecord? Other)>();
        foreach (var (key, entry) in _entries)
        {
            if (IsActive(entry, now.UtcTicks, revokedBefore))
            {
                active.Add((entry.CreatedAt, key, null));
            }
        }

        foreach (var token in _others.Values)
        {
            if (IsActive(Judge(token, revokedBefore), now))
            {
                active.Add((token.CreatedAt.UtcTicks, default, token));
            }
        }

        var items = active
            .OrderByDescending(a => a.CreatedAt)
            .Skip(skip)
            .Take(take)
            .Select(a => a.Other ?? Materialize(a.Key, _entries[a.Key], IdOf(a.Key)))
            .ToList();
        return (items, active.Count);
    }

    public bool TryAdd(GrantRecord grant) => _grants.TryAdd(grant.Id, grant);

    public GrantRecord? GetGrant(string id) => _grants.GetValueOrDefault(id);

    public IEnumerable<GrantRecord> Grants => _grants.Values;

    public bool TryUpdate(GrantRecord update, out GrantRecord stored)
    {
        if (!_grants.TryGetValue(update.Id, out var current) || current.Version != update.Version)
        {
            stored = current!;
            return false;
        }

        stored = update with { Version = update.Version + 1 };
        _grants[update.Id] = stored;
        return true;
    }

    /// <summary>Forgets tokens that expired before the threshold and ad-hoc grants left with no token; returns the forgotten grant ids.</summary>
    public (int Tokens, List<string> Grants) Prune(DateTimeOffset threshold)
    {
        // Runs every ten minutes over every token: it reads entries in place
        // and removes them while enumerating (which Dictionary allows), so it
        // allocates nothing per token.
        var expired = 0;
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= threshold.UtcTicks)
            {
                Remove(key, entry);
                expired++;
            }
        }

        foreach (var token in _others.Values)
        {
            if (token.ExpiresAt is { } expiry && expiry <= threshold)
            {
                Remove(null, token);
                expired++;
            }
        }

        // A grant id stays in _grantIds while an entry refers to it.
        var usedByOthers = _others.Values.Select(t => t.AuthorizationId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var orphans = _grants.Values
            .Where(g => g.Type == GrantTypesOfAuthorization.AdHoc && !_grantIds.Contains(g.Id) && !usedByOthers.Contains(g.Id) && g.CreatedAt <= threshold)
            .Select(g => g.Id)
            .ToList();
        foreach (var id in orphans)
        {
            _grants.Remove(id);
        }

        return (expired, orphans);
    }

    private static bool IsActive(TokenRecord judged, DateTimeOffset now) =>
        judged.Status == TokenStatuses.Valid && (judged.ExpiresAt is null || judged.ExpiresAt > now);

    private bool IsActive(in TokenEntry entry, long now, DateTimeOffset? revokedBefore) =>
        entry.Status == ValidStatus && entry.ExpiresAt > now && !IsRevokedByGrantOrWatermark(entry.CreatedAt, _grantIds[entry.Grant], revokedBefore);

    // The rule Judge applies to records and IsActive to entries.
    private bool IsRevokedByGrantOrWatermark(long createdAt, string? grantId, DateTimeOffset? revokedBefore) =>
        (revokedBefore is { } watermark && createdAt <= watermark.UtcTicks)
        || (grantId is not null && _grants.TryGetValue(grantId, out var grant) && grant.Status == TokenStatuses.Revoked);

    // An entry rebuilds times with a zero offset; a record with another offset is kept whole, so it reads back with it.
    private static bool IsUtc(DateTimeOffset time) => time.Offset == TimeSpan.Zero;

    private TokenRecord? Find(TokenKey? key, string id) =>
        key is { } k && _entries.TryGetValue(k, out var entry) ? Materialize(k, entry, id) : _others.GetValueOrDefault(id);

    private void Store(TokenKey? key, TokenRecord token)
    {
        var type = Array.IndexOf(Types, token.Type);
        var status = Array.IndexOf(Statuses, token.Status);
        if (key is { } k && type >= 0 && status >= 0 && IsUtc(token.CreatedAt) && (token.ExpiresAt is not { } expiry || IsUtc(expiry))
            && TryAddScope(token.Scope, out var scope))
        {
            var entry = new TokenEntry(
                token.CreatedAt.UtcTicks,
                token.ExpiresAt?.UtcTicks ?? NeverExpires,
                _subjects.Add(token.Subject),
                _grantIds.Add(token.AuthorizationId),
                token.Version,
                (byte)type,
                (byte)status,
                scope);
            _entries.Add(k, entry);
            if (type is AccessToken or AccessTokenHint && entry.Grant != NameTable.None
                && (!_newestAccessToken.TryGetValue(entry.Grant, out var newest) || _entries[newest].CreatedAt <= entry.CreatedAt))
            {
                _newestAccessToken[entry.Grant] = k;
            }
            if (token.RedeemedAt is not null || token.ReferenceId is not null || token.Payload is not null || token.Properties is not null)
            {
                _extras.Add(k, new TokenExtras(token.RedeemedAt, token.ReferenceId, token.Payload, token.Properties));
            }
        }
        else
        {
            _others.Add(token.Id, token);
        }

        if (token.ReferenceId is { } reference)
        {
            _byReference[reference] = token.Id;
        }
    }

    // The entry holds a ushort: the 65,536th distinct scope string gets no index.
    private bool TryAddScope(string? scope, out ushort index)
    {
        var added = _scopes.Add(scope);
        if (added > ushort.MaxValue)
        {
            _scopes.Release(added);
            index = 0;
            return false;
        }

        index = (ushort)added;
        return true;
    }

    private void Remove(TokenKey? key, TokenRecord token)
    {
        if (key is { } k && _entries.TryGetValue(k, out var entry))
        {
            Remove(k, entry);
            return;
        }

        _others.Remove(token.Id);
        if (token.ReferenceId is { } reference)
        {
            _byReference.Remove(reference);
        }
    }

    private void Remove(TokenKey key, in TokenEntry entry)
    {
        _entries.Remove(key);
        if (entry.Grant != NameTable.None && _newestAccessToken.TryGetValue(entry.Grant, out var newest) && newest == key)
        {
            _newestAccessToken.Remove(entry.Grant);
        }

        _subjects.Release(entry.Subject);
        _grantIds.Release(entry.Grant);
        _scopes.Release(entry.Scope);
        if (_extras.Remove(key, out var extras) && extras.ReferenceId is { } reference)
        {
            _byReference.Remove(reference);
        }
    }

    private TokenRecord Materialize(TokenKey key, in TokenEntry entry, string id)
    {
        var extras = _extras.GetValueOrDefault(key);
        return new TokenRecord(
            id,
            _grantIds[entry.Grant],
            _subjects[entry.Subject],
            Types[entry.Type],
            Statuses[entry.Status],
            new DateTimeOffset(entry.CreatedAt, TimeSpan.Zero),
            entry.ExpiresAt == NeverExpires ? null : new DateTimeOffset(entry.ExpiresAt, TimeSpan.Zero),
            extras?.RedeemedAt,
            extras?.ReferenceId,
            extras?.Payload,
            extras?.Properties,
            entry.Version,
            _scopes[entry.Scope]);
    }

    /// <summary>
    /// The key part of an id "{clientId}.{32 lowercase hex digits}" of this
    /// application; null for any other id. Lowercase only, so that only the id
    /// TokenIds.New makes for a key gets it and no two ids share one. (Ids of
    /// the earlier base64url form get null and are kept whole in _others.)
    /// </summary>
    private TokenKey? KeyOf(string id)
    {
        if (id.Length != clientId.Length + 1 + KeyChars || id[clientId.Length] != '.' || !id.StartsWith(clientId, StringComparison.Ordinal))
        {
            return null;
        }

        var text = id.AsSpan(clientId.Length + 1);
        if (text.ContainsAnyExcept(LowerHex))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        Convert.FromHexString(text, bytes, out _, out _);
        return new TokenKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    private string IdOf(TokenKey key)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, key.High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], key.Low);
        return clientId + "." + Convert.ToHexStringLower(bytes);
    }

    /// <summary>The 128 bits of a token id's key. Two ulongs, not UInt128, whose 16-byte alignment would pad every entry.</summary>
    private readonly record struct TokenKey(ulong High, ulong Low);

    /// <summary>
    /// A token without its id: times as UTC ticks (the full precision of the
    /// record, so a token reads back exactly as recorded), names as indexes
    /// into the set's name tables, type and status as indexes into the lists above.
    /// The scope index is a ushort so that the entry stays 32 bytes (a token whose
    /// scope would be the 65,536th distinct one is kept whole instead).
    /// </summary>
    private readonly record struct TokenEntry(long CreatedAt, long ExpiresAt, int Subject, int Grant, int Version, byte Type, byte Status, ushort Scope);

    private sealed record TokenExtras(DateTimeOffset? RedeemedAt, string? ReferenceId, string? Payload, string? Properties);

    /// <summary>
    /// Strings many tokens share, each kept once and referred to by an int; a
    /// string is forgotten with the last token that uses it.
    /// </summary>
    private sealed class NameTable
    {
        public const int None = 0;

        private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
        private readonly List<string?> _names = [null];
        private readonly List<int> _uses = [0];
        private readonly Stack<int> _free = new();

        public string? this[int index] => _names[index];

        public bool Contains(string name) => _indexes.ContainsKey(name);

        public int IndexOf(string name) => _indexes.GetValueOrDefault(name, None);

        public int Add(string? name)
        {
            if (name is null)
            {
                return None;
            }

            if (!_indexes.TryGetValue(name, out var index))
            {
                if (_free.TryPop(out index))
                {
                    _names[index] = name;
                }
                else
                {
                    index = _names.Count;
                    _names.Add(name);
                    _uses.Add(0);
                }

                _indexes.Add(name, index);
            }

            _uses[index]++;
            return index;
        }

        public void Release(int index)
        {
            if (index != None && --_uses[index] == 0)
            {
                _indexes.Remove(_names[index]!);
                _names[index] = null;
                _free.Push(index);
            }
        }
    }
}

/// <summary>OpenIddict's authorization types.</summary>
internal static class GrantTypesOfAuthorization
{
    public const string AdHoc = "ad-hoc";
    public const string Permanent = "permanent";
}
