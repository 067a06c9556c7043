using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Tokens;

/// <summary>An active token as administrators see it; <see cref="Scopes"/> is empty when not known (a token recorded before tokens recorded their scopes, outside a grant).</summary>
internal sealed record ActiveToken(string Id, string Type, string? Subject, IReadOnlyList<string> Scopes, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

internal sealed record TokenListing(IReadOnlyList<ActiveToken> Items, int Page, int PageSize, int TotalCount)
{
    public int PageCount => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
}

internal enum RevocationOutcome
{
    Revoked,
    NothingToRevoke,
}

/// <summary>What a revocation did: how many grants and tokens it revoked.</summary>
internal sealed record Revocation(RevocationOutcome Outcome, long Grants = 0, long Tokens = 0);

/// <summary>
/// An application's grants and tokens: listing them, and revoking a user's
/// grants, one token or all tokens, each recorded in the audit log. The caller
/// has found the application.
/// </summary>
internal sealed class ApplicationTokens(IGrainFactory grains, AuditLog audit)
{
    /// <summary>The application's valid grants (what users authorized), newest first.</summary>
    public Task<IReadOnlyList<GrantRecord>> ListGrantsAsync(string clientId) => grains.TokenSet(clientId).ListGrantsAsync();

    /// <summary>A page of the application's active tokens, newest first.</summary>
    public async Task<TokenListing> ListTokensAsync(string clientId, int page, int pageSize)
    {
        var tokenSet = grains.TokenSet(clientId);
        var tokens = await tokenSet.ListTokensAsync(Math.Max(page, 1), Math.Clamp(pageSize, 1, ApplicationGrains.MaxPageSize));

        // Tokens record what they grant; those recorded before they did show
        // their user's grant, the best that is known of them.
        Dictionary<string, GrantRecord> grants = tokens.Items.All(t => t.Scope is not null)
            ? []
            : (await tokenSet.ListGrantsAsync()).ToDictionary(g => g.Id, StringComparer.Ordinal);
        return new TokenListing(
            [.. tokens.Items.Select(t => new ActiveToken(
                t.Id,
                Kind(t.Type),
                t.Subject,
                t.Scope is { } scope ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    : t.AuthorizationId is { } grantId && grants.TryGetValue(grantId, out var grant) ? grant.Scopes : [],
                t.CreatedAt,
                t.ExpiresAt))],
            tokens.Page,
            tokens.PageSize,
            tokens.TotalCount);
    }

    /// <summary>Revokes every valid grant a user (subject) gave the application, and the tokens issued under them.</summary>
    public async Task<Revocation> RevokeGrantsAsync(ApplicationDetails application, string subject, Administrator by)
    {
        var tokenSet = grains.TokenSet(application.ClientId);
        var grants = await tokenSet.FindGrantsAsync(subject, TokenStatuses.Valid, null);
        if (grants.Count == 0)
        {
            return new Revocation(RevocationOutcome.NothingToRevoke);
        }

        long tokens = 0;
        foreach (var grant in grants)
        {
            tokens += await tokenSet.RevokeGrantAsync(grant.Id);
        }

        await audit.AppendAsync(by, AuditActions.GrantRevoked, application.ClientId, application.Name,
            $"User {subject}: {Display.Count(grants.Count, "grant")} and {Display.Count(tokens, "token")} revoked.");
        return new Revocation(RevocationOutcome.Revoked, grants.Count, tokens);
    }

    /// <summary>Revokes one active token of the application.</summary>
    public async Task<Revocation> RevokeTokenAsync(ApplicationDetails application, string tokenId, Administrator by)
    {
        // A token id names its application; one of another application is not
        // found here, never revoked there.
        if (!string.Equals(TokenIds.ClientIdOf(tokenId), application.ClientId, StringComparison.Ordinal))
        {
            return new Revocation(RevocationOutcome.NothingToRevoke);
        }

        // The update is version-checked: when the token changed between reading
        // and writing (it was just redeemed or refreshed), read it again.
        var tokenSet = grains.TokenSet(application.ClientId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var token = await tokenSet.FindTokenAsync(tokenId);
            if (token is null || token.Status != TokenStatuses.Valid)
            {
                return new Revocation(RevocationOutcome.NothingToRevoke);
            }

            if (await tokenSet.UpdateTokenAsync(token with { Status = TokenStatuses.Revoked }))
            {
                await audit.AppendAsync(by, AuditActions.TokenRevoked, application.ClientId, application.Name,
                    $"{Display.TokenType(Kind(token.Type))} {tokenId}{(token.Subject is null ? "" : $" of user {token.Subject}")}.");
                return new Revocation(RevocationOutcome.Revoked, Tokens: 1);
            }
        }

        throw new InvalidOperationException($"Token {tokenId} kept changing while it was being revoked.");
    }

    /// <summary>Revokes every token issued to the application so far. Users' grants stay: they may authorize it again.</summary>
    public async Task<Revocation> RevokeAllTokensAsync(ApplicationDetails application, Administrator by)
    {
        var tokens = await grains.TokenSet(application.ClientId).RevokeAllTokensAsync();
        await audit.AppendAsync(by, AuditActions.AllTokensRevoked, application.ClientId, application.Name, $"{Display.Count(tokens, "active token")} revoked.");
        return new Revocation(RevocationOutcome.Revoked, Tokens: tokens);
    }

    // The authorization server records token types as URNs
    // ("urn:ietf:params:oauth:token-type:access_token"); administrators and
    // scripts get the familiar last part ("access_token").
    private static string Kind(string type) => type[(type.LastIndexOf(':') + 1)..];
}
