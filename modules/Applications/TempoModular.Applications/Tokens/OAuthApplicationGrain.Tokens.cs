using Microsoft.Extensions.Logging;
using TempoModular.Applications.Tokens;

namespace TempoModular.Applications;

// The application's active token set and grants. Token methods interleave with
// each other (see IApplicationTokenSet) so that while one token waits for its
// row to be committed, the next request is already being recorded: that is what
// lets the journal commit many tokens in one transaction.
internal sealed partial class OAuthApplicationGrain : IApplicationTokenSet
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);

    private TokenSet? _tokenSet;
    private Task? _tokensLoaded;

    // The set rebuilds token ids from the client id, which a field initializer cannot read yet.
    private TokenSet Tokens => _tokenSet ??= new TokenSet(ClientId);

    public async Task RecordTokenAsync(TokenRecord token)
    {
        await EnsureTokensAsync();
        RequireOwnId(token.Id);
        if (!IsLive)
        {
            throw new InvalidOperationException($"Application {ClientId} does not exist or was deleted; it cannot be issued tokens.");
        }

        if (!Tokens.TryAdd(token))
        {
            throw new InvalidOperationException($"Token id {token.Id} is already recorded.");
        }

        await CommitAsync(journal.WriteAsync(ClientId, token));
    }

    public async Task<CheckedTokenRecording> RecordClientCredentialsTokenAsync(string clientSecret, TimeSpan? accessTokenLifetime, TokenRecord token)
    {
        await EnsureTokensAsync();
        RequireOwnId(token.Id);

        // From the checks to the record nothing interleaves: a token recorded here was
        // issued under the application exactly as it is at this moment.
        var secretMatches = await VerifySecretAsync(clientSecret);
        if (!secretMatches || !State.GrantTypes.Contains(GrantTypes.ClientCredentials)
            || State.TokenLifetimes?.AccessToken != accessTokenLifetime)
        {
            return new CheckedTokenRecording(false, await GetAsync() is { } details ? new ClientAuthentication(details, secretMatches) : null);
        }

        await RecordTokenAsync(token);
        return CheckedTokenRecording.Done;
    }

    public async Task<TokenRecord?> FindTokenAsync(string tokenId)
    {
        await EnsureTokensAsync();
        if (!IsLive)
        {
            return null;
        }

        return Tokens.Get(tokenId) is { } token ? Tokens.Judge(token, State.TokensRevokedBefore) : null;
    }

    public async Task<TokenRecord?> FindTokenByReferenceAsync(string referenceId)
    {
        await EnsureTokensAsync();
        if (!IsLive)
        {
            return null;
        }

        return Tokens.GetByReference(referenceId) is { } token ? Tokens.Judge(token, State.TokensRevokedBefore) : null;
    }

    public async Task<IReadOnlyList<TokenRecord>> FindTokensByGrantAsync(string grantId)
    {
        await EnsureTokensAsync();
        return IsLive ? Tokens.TokensOfGrant(grantId).Select(t => Tokens.Judge(t, State.TokensRevokedBefore)).ToList() : [];
    }

    public async Task<bool> UpdateTokenAsync(TokenRecord token)
    {
        await EnsureTokensAsync();
        if (!IsLive || !Tokens.TryUpdate(token, out var stored))
        {
            return false;
        }

        await CommitAsync(journal.WriteAsync(ClientId, stored));
        return true;
    }

    public async Task<TokenRedemption> RedeemTokenAsync(string tokenId)
    {
        await EnsureTokensAsync();
        // From here to the first await nothing interleaves: the status read and
        // the status written are one step, which is what makes this a
        // compare-and-set that exactly one of many concurrent callers wins.
        var now = time.GetUtcNow();
        if (!IsLive || Tokens.Get(tokenId) is not { } stored || !TokenSet.IsRedeemable(stored.Type) || stored.ExpiresAt <= now)
        {
            return TokenRedemption.NotRedeemable;
        }

        var judged = Tokens.Judge(stored, State.TokensRevokedBefore);
        if (judged.Status == TokenStatuses.Redeemed)
        {
            // A second redemption, concurrent or late, means two parties hold the
            // token: neither chain may live on (RFC 9700 §4.14.2).
            if (judged.AuthorizationId is { } grantId && RevokeGrantNow(grantId) is { } revocation)
            {
                await CommitAsync(revocation);
            }

            return TokenRedemption.Reused;
        }

        if (judged.Status != TokenStatuses.Valid)
        {
            return TokenRedemption.NotRedeemable;
        }

        Tokens.TryUpdate(stored with { Status = TokenStatuses.Redeemed, RedeemedAt = now }, out var redeemed);
        var write = journal.WriteAsync(ClientId, redeemed);

        // Tempo: a refresh ends the previous pair, so its access token stops
        // working at once instead of living out its lifetime. Only a token at
        // least as old as the refresh token: never one of a newer pair.
        if (TokenSet.IsRefreshToken(stored.Type) && stored.AuthorizationId is { } grant
            && Tokens.NewestAccessTokenOf(grant) is { Status: TokenStatuses.Valid } access && access.CreatedAt <= stored.CreatedAt
            && Tokens.TryUpdate(access with { Status = TokenStatuses.Revoked }, out var revoked))
        {
            write = Task.WhenAll(write, journal.WriteAsync(ClientId, revoked));
        }

        await CommitAsync(write);
        return TokenRedemption.Redeemed;
    }

    public async Task<long> RevokeGrantAsync(string grantId)
    {
        await EnsureTokensAsync();
        if (Tokens.GetGrant(grantId) is null)
        {
            return 0;
        }

        // One row changes; every token of the grant is judged revoked from now on.
        var affected = Tokens.TokensOfGrant(grantId).Count(t => t.Status is TokenStatuses.Valid or TokenStatuses.Redeemed);
        if (RevokeGrantNow(grantId) is { } revocation)
        {
            await CommitAsync(revocation);
        }

        return affected;
    }

    // Revokes the grant in memory now and returns its row's write, or null when there is nothing to revoke.
    private Task? RevokeGrantNow(string grantId) =>
        Tokens.GetGrant(grantId) is { Status: not TokenStatuses.Revoked } grant && Tokens.TryUpdate(grant with { Status = TokenStatuses.Revoked }, out var stored)
            ? journal.WriteAsync(ClientId, stored)
            : null;

    public async Task<long> RevokeAllTokensAsync()
    {
        await EnsureTokensAsync();
        var now = time.GetUtcNow();
        var affected = Tokens.CountActive(now, State.TokensRevokedBefore);
        State.TokensRevokedBefore = now;
        await application.WriteStateAsync();
        return affected;
    }

    public async Task<TokenPage> ListTokensAsync(int page, int pageSize)
    {
        await EnsureTokensAsync();
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        if (!IsLive)
        {
            return new TokenPage([], page, pageSize, 0);
        }

        var (items, total) = Tokens.ActivePage(time.GetUtcNow(), State.TokensRevokedBefore, (page - 1) * pageSize, pageSize);
        return new TokenPage(items, page, pageSize, total);
    }

    public async Task<int> CountActiveTokensAsync()
    {
        if (!IsLive)
        {
            return 0;
        }

        // The application list asks every listed application: one that is not
        // serving tokens (its set not loaded) is counted by the database rather
        // than loading a million rows to say one number. Nothing is written to
        // its tokens while the set is not loaded, so storage is the whole truth.
        var now = time.GetUtcNow();
        return _tokensLoaded is { IsCompletedSuccessfully: true }
            ? Tokens.CountActive(now, State.TokensRevokedBefore)
            : await journal.CountActiveAsync(ClientId, now, State.TokensRevokedBefore);
    }

    public async Task RecordGrantAsync(GrantRecord grant)
    {
        await EnsureTokensAsync();
        RequireOwnId(grant.Id);
        if (!IsLive)
        {
            throw new InvalidOperationException($"Application {ClientId} does not exist or was deleted; it cannot be granted access.");
        }

        if (!Tokens.TryAdd(grant))
        {
            throw new InvalidOperationException($"Grant id {grant.Id} is already recorded.");
        }

        await CommitAsync(journal.WriteAsync(ClientId, grant));
    }

    public async Task<GrantRecord?> FindGrantAsync(string grantId)
    {
        await EnsureTokensAsync();
        return IsLive ? Tokens.GetGrant(grantId) : null;
    }

    public async Task<IReadOnlyList<GrantRecord>> FindGrantsAsync(string? subject, string? status, string? type)
    {
        await EnsureTokensAsync();
        if (!IsLive)
        {
            return [];
        }

        return Tokens.Grants
            .Where(g => subject is null || string.Equals(g.Subject, subject, StringComparison.Ordinal))
            .Where(g => status is null || g.Status == status)
            .Where(g => type is null || g.Type == type)
            .ToList();
    }

    public async Task<bool> UpdateGrantAsync(GrantRecord grant)
    {
        await EnsureTokensAsync();
        if (!IsLive || !Tokens.TryUpdate(grant, out var stored))
        {
            return false;
        }

        await CommitAsync(journal.WriteAsync(ClientId, stored));
        return true;
    }

    public async Task<IReadOnlyList<GrantRecord>> ListGrantsAsync()
    {
        await EnsureTokensAsync();
        return IsLive ? Tokens.Grants.Where(g => g.Status == TokenStatuses.Valid).OrderByDescending(g => g.CreatedAt).ToList() : [];
    }

    public async Task<long> PruneAsync(DateTimeOffset threshold)
    {
        await EnsureTokensAsync();
        var (tokens, grants) = Tokens.Prune(threshold);
        await journal.DeleteAsync(ClientId, threshold, grants);
        return tokens + grants.Count;
    }

    private void RequireOwnId(string id)
    {
        if (!string.Equals(TokenIds.ClientIdOf(id), ClientId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Identifier {id} does not belong to application {ClientId}.", nameof(id));
        }
    }

    // Loading is deferred to the first token call: registry operations (admin
    // pages) never pay for reading a large token set.
    private Task EnsureTokensAsync() => _tokensLoaded ??= LoadTokensAsync();

    private async Task LoadTokensAsync()
    {
        var now = time.GetUtcNow();
        foreach (var grant in await journal.LoadGrantsAsync(ClientId))
        {
            Tokens.TryAdd(grant);
        }

        // Row by row: a million rows are never held as records all at once.
        await foreach (var token in journal.LoadTokensAsync(ClientId, now))
        {
            Tokens.TryAdd(token);
        }

        this.RegisterGrainTimer(PruneExpiredAsync, new GrainTimerCreationOptions(PruneInterval, PruneInterval) { Interleave = true });
        var countEvery = options.Value.ActiveTokenCountInterval;
        this.RegisterGrainTimer(PublishActiveTokens, new GrainTimerCreationOptions(TimeSpan.Zero, countEvery) { Interleave = true });
    }

    // For the tempo.tokens.active gauge, which a scrape reads without calling the grain.
    private Task PublishActiveTokens()
    {
        TokenMetrics.PublishActiveTokens(ClientId, IsLive ? Tokens.CountActive(time.GetUtcNow(), State.TokensRevokedBefore) : 0);
        return Task.CompletedTask;
    }

    private async Task PruneExpiredAsync(CancellationToken cancellationToken)
    {
        var removed = await PruneAsync(time.GetUtcNow());
        if (removed > 0)
        {
            LogPruned(logger, ClientId, removed);
        }
    }

    /// <summary>
    /// Waits for a journal write. When it fails, memory is ahead of storage, so
    /// this activation is dropped and the next call reloads what was committed.
    /// </summary>
    private async Task CommitAsync(Task write)
    {
        try
        {
            await write;
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Count} expired token entries of application {ClientId}")]
    private static partial void LogPruned(ILogger logger, string clientId, long count);
}
