namespace TempoModular.Applications.Tokens;

/// <summary>
/// The in-memory index of one application's tokens and grants: what the token
/// path reads on every request. Revoking a grant or all tokens flips one flag or
/// one watermark that <see cref="Judge"/> applies, instead of rewriting every token.
/// </summary>
internal sealed class TokenSet
{
    private readonly Dictionary<string, TokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GrantRecord> _grants = new(StringComparer.Ordinal);

    // Only reference tokens (authorization codes) have a reference id: few, short-lived.
    private readonly Dictionary<string, string> _byReference = new(StringComparer.Ordinal);

    // Most tokens of an application share a handful of subjects (the client itself,
    // its users): keep one string instance per subject instead of one per token.
    private readonly Dictionary<string, string> _subjects = new(StringComparer.Ordinal);

    public int Count => _tokens.Count;

    public void Load(IEnumerable<TokenRecord> tokens, IEnumerable<GrantRecord> grants)
    {
        foreach (var grant in grants)
        {
            _grants[grant.Id] = grant;
        }

        foreach (var token in tokens)
        {
            _tokens[token.Id] = Intern(token);
            IndexReference(token);
        }
    }

    /// <summary>Adds a new token; false when the id is taken (a 128-bit collision or a replayed write).</summary>
    public bool TryAdd(TokenRecord token)
    {
        if (!_tokens.TryAdd(token.Id, Intern(token)))
        {
            return false;
        }

        IndexReference(token);
        return true;
    }

    public TokenRecord? GetByReference(string referenceId) =>
        _byReference.TryGetValue(referenceId, out var id) ? Get(id) : null;

    public TokenRecord? Get(string id) => _tokens.GetValueOrDefault(id);

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

        var revoked = (revokedBefore is { } watermark && token.CreatedAt <= watermark)
            || (token.AuthorizationId is { } grantId && _grants.TryGetValue(grantId, out var grant) && grant.Status == TokenStatuses.Revoked);
        return revoked ? token with { Status = TokenStatuses.Revoked } : token;
    }

    /// <summary>Replaces a token when the caller saw its current version; the stored copy gets the next version.</summary>
    public bool TryUpdate(TokenRecord update, out TokenRecord stored)
    {
        if (!_tokens.TryGetValue(update.Id, out var current) || current.Version != update.Version)
        {
            stored = current!;
            return false;
        }

        stored = Intern(update with { Version = update.Version + 1 });
        _tokens[update.Id] = stored;
        if (current.ReferenceId is { } previous && previous != stored.ReferenceId)
        {
            _byReference.Remove(previous);
        }

        IndexReference(stored);
        return true;
    }

    public IEnumerable<TokenRecord> Tokens => _tokens.Values;

    public IEnumerable<TokenRecord> TokensOfGrant(string grantId) =>
        _tokens.Values.Where(t => string.Equals(t.AuthorizationId, grantId, StringComparison.Ordinal));

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
        var expired = _tokens.Values.Where(t => t.ExpiresAt is { } expiry && expiry <= threshold).Select(t => t.Id).ToList();
        foreach (var id in expired)
        {
            if (_tokens.Remove(id, out var token) && token.ReferenceId is { } reference)
            {
                _byReference.Remove(reference);
            }
        }

        var used = new HashSet<string>(_tokens.Values.Select(t => t.AuthorizationId).OfType<string>(), StringComparer.Ordinal);
        var orphans = _grants.Values
            .Where(g => g.Type == GrantTypesOfAuthorization.AdHoc && !used.Contains(g.Id) && g.CreatedAt <= threshold)
            .Select(g => g.Id)
            .ToList();
        foreach (var id in orphans)
        {
            _grants.Remove(id);
        }

        return (expired.Count, orphans);
    }

    private void IndexReference(TokenRecord token)
    {
        if (token.ReferenceId is { } reference)
        {
            _byReference[reference] = token.Id;
        }
    }

    private TokenRecord Intern(TokenRecord token)
    {
        if (token.Subject is null)
        {
            return token;
        }

        if (_subjects.TryGetValue(token.Subject, out var shared))
        {
            return ReferenceEquals(shared, token.Subject) ? token : token with { Subject = shared };
        }

        _subjects[token.Subject] = token.Subject;
        return token;
    }
}

/// <summary>OpenIddict's authorization types.</summary>
internal static class GrantTypesOfAuthorization
{
    public const string AdHoc = "ad-hoc";
    public const string Permanent = "permanent";
}
