using TempoModular.Administration.Access;
using TempoModular.Administration.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Applications;

/// <summary>An application in the list, with how many tokens it holds now.</summary>
internal sealed record ApplicationRow(ApplicationSummary Application, int ActiveTokens);

/// <summary>A page (1-based) of applications sorted by name, as the list page and the API show it.</summary>
internal sealed record ApplicationListing(IReadOnlyList<ApplicationRow> Items, int Page, int PageSize, int TotalCount, string? Filter)
{
    public int PageCount => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
}

/// <summary>An active token as administrators see it; <see cref="Scopes"/> is empty when not known (tokens outside a user's grant).</summary>
internal sealed record ActiveToken(string Id, string Type, string? Subject, IReadOnlyList<string> Scopes, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

internal sealed record TokenListing(IReadOnlyList<ActiveToken> Items, int Page, int PageSize, int TotalCount)
{
    public int PageCount => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
}

internal enum RevocationOutcome
{
    Revoked,
    NoSuchApplication,
    NothingToRevoke,
}

/// <summary>What a revocation did: how many grants and tokens it revoked.</summary>
internal sealed record Revocation(RevocationOutcome Outcome, long Grants = 0, long Tokens = 0);

/// <summary>
/// Every operation administrators perform on applications, for the settings
/// pages and the admin API alike: one code path, the registry's validation
/// rules (the grains decide, nothing is checked twice here) and one audit log.
/// </summary>
internal sealed class ApplicationAdministration(IGrainFactory grains, AuditLog audit)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    // Client ids are 22 characters; anything much longer is not one and must
    // not activate a grain.
    private const int MaxClientIdLength = 100;

    private static readonly FieldError NoSuchApplication = new("clientId", "No application with this client id.");

    private IApplicationDirectoryGrain Directory => grains.GetGrain<IApplicationDirectoryGrain>(0);

    public async Task<ApplicationListing> ListAsync(int page, int pageSize, string? filter)
    {
        filter = string.IsNullOrWhiteSpace(filter) ? null : filter.Trim();
        var result = await Directory.ListAsync(Math.Max(page, 1), Math.Clamp(pageSize, 1, MaxPageSize), filter);

        // One call per listed application, side by side: a page holds at most
        // MaxPageSize of them.
        var counts = await Task.WhenAll(result.Items.Select(a => grains.GetGrain<IApplicationTokenSet>(a.ClientId).CountActiveTokensAsync()));
        return new ApplicationListing([.. result.Items.Select((a, i) => new ApplicationRow(a, counts[i]))], result.Page, result.PageSize, result.TotalCount, filter);
    }

    /// <summary>The application, or null when there is none (or it was deleted).</summary>
    public Task<ApplicationDetails?> GetAsync(string? clientId) =>
        IsPlausibleClientId(clientId) ? Application(clientId!).GetAsync() : Task.FromResult<ApplicationDetails?>(null);

    public async Task<RegistryResult<ApplicationCredentials>> RegisterAsync(ApplicationRegistration registration, Administrator by)
    {
        var result = await Directory.RegisterAsync(registration, by.UserName);
        if (result.Succeeded)
        {
            var created = await Application(result.Value!.ClientId).GetAsync();
            var details = created is null
                ? null
                : $"{Display.ClientType(created.ClientType)} client; grant types: {string.Join(", ", created.GrantTypes)}; redirect URLs: {string.Join(" ", created.RedirectUrls)}"
                    + (HasOverrides(created.TokenLifetimes) ? $"; token lifetimes: {Display.LifetimeOverrides(created.TokenLifetimes)}" : "");
            await audit.AppendAsync(by, AuditActions.Created, result.Value.ClientId, created?.Name ?? registration.Name.Trim(), details);
        }

        return result;
    }

    public async Task<RegistryResult<ApplicationDetails>> UpdateAsync(string clientId, ApplicationUpdate update, Administrator by)
    {
        var before = await GetAsync(clientId);
        if (before is null)
        {
            return RegistryResult<ApplicationDetails>.Failure(NoSuchApplication);
        }

        var result = await Directory.UpdateAsync(clientId, update, by.UserName);
        if (result.Succeeded)
        {
            await audit.AppendAsync(by, AuditActions.Updated, clientId, result.Value!.Name, Changes(before, result.Value));
        }

        return result;
    }

    public async Task<RegistryResult<ApplicationDetails>> DeleteAsync(string clientId, Administrator by)
    {
        if (!IsPlausibleClientId(clientId))
        {
            return RegistryResult<ApplicationDetails>.Failure(NoSuchApplication);
        }

        var result = await Directory.DeleteAsync(clientId, by.UserName);
        if (result.Succeeded)
        {
            await audit.AppendAsync(by, AuditActions.Deleted, clientId, result.Value!.Name, "Its credentials and every token issued to it stopped working.");
        }

        return result;
    }

    /// <summary>The current credentials, or null when there is no such application. Recorded in the audit log before they are read.</summary>
    public async Task<ApplicationCredentials?> RevealCredentialsAsync(string clientId, Administrator by)
    {
        var application = await GetAsync(clientId);
        if (application is null)
        {
            return null;
        }

        // Written first: no secret is shown without a record that it was.
        await audit.AppendAsync(by, AuditActions.CredentialsRevealed, clientId, application.Name,
            application.ClientType == ClientType.Public ? "Public client: no client secret." : null);
        return await Application(clientId).RevealCredentialsAsync(by.UserName);
    }

    public async Task<RegistryResult<ApplicationCredentials>> RotateSecretAsync(string clientId, Administrator by)
    {
        var application = await GetAsync(clientId);
        if (application is null)
        {
            return RegistryResult<ApplicationCredentials>.Failure(NoSuchApplication);
        }

        var result = await Application(clientId).RotateSecretAsync(by.UserName);
        if (result.Succeeded)
        {
            var until = result.Value!.PreviousSecretValidUntil;
            await audit.AppendAsync(by, AuditActions.SecretRotated, clientId, application.Name,
                until is null ? "The previous secret stopped working at once." : $"The previous secret works until {Display.Time(until.Value)}.");
        }

        return result;
    }

    /// <summary>The application's valid grants (what users authorized), newest first; null when there is no such application.</summary>
    public async Task<IReadOnlyList<GrantRecord>?> ListGrantsAsync(string clientId) =>
        await GetAsync(clientId) is null ? null : await TokenSet(clientId).ListGrantsAsync();

    /// <summary>A page of the application's active tokens, newest first; null when there is no such application.</summary>
    public async Task<TokenListing?> ListTokensAsync(string clientId, int page, int pageSize)
    {
        if (await GetAsync(clientId) is null)
        {
            return null;
        }

        var tokens = await TokenSet(clientId).ListTokensAsync(Math.Max(page, 1), Math.Clamp(pageSize, 1, MaxPageSize));

        // A token's scopes are those its user granted; tokens outside a grant
        // (client credentials) do not record theirs.
        var grants = (await TokenSet(clientId).ListGrantsAsync()).ToDictionary(g => g.Id, StringComparer.Ordinal);
        return new TokenListing(
            [.. tokens.Items.Select(t => new ActiveToken(
                t.Id,
                Kind(t.Type),
                t.Subject,
                t.AuthorizationId is { } grantId && grants.TryGetValue(grantId, out var grant) ? grant.Scopes : [],
                t.CreatedAt,
                t.ExpiresAt))],
            tokens.Page,
            tokens.PageSize,
            tokens.TotalCount);
    }

    /// <summary>Revokes every valid grant a user (subject) gave the application, and the tokens issued under them.</summary>
    public async Task<Revocation> RevokeGrantsAsync(string clientId, string subject, Administrator by)
    {
        var application = await GetAsync(clientId);
        if (application is null)
        {
            return new Revocation(RevocationOutcome.NoSuchApplication);
        }

        var grants = await TokenSet(clientId).FindGrantsAsync(subject, TokenStatuses.Valid, null);
        if (grants.Count == 0)
        {
            return new Revocation(RevocationOutcome.NothingToRevoke);
        }

        long tokens = 0;
        foreach (var grant in grants)
        {
            tokens += await TokenSet(clientId).RevokeGrantAsync(grant.Id);
        }

        await audit.AppendAsync(by, AuditActions.GrantRevoked, clientId, application.Name,
            $"User {subject}: {Display.Count(grants.Count, "grant")} and {Display.Count(tokens, "token")} revoked.");
        return new Revocation(RevocationOutcome.Revoked, grants.Count, tokens);
    }

    /// <summary>Revokes one active token of the application.</summary>
    public async Task<Revocation> RevokeTokenAsync(string clientId, string tokenId, Administrator by)
    {
        var application = await GetAsync(clientId);
        if (application is null)
        {
            return new Revocation(RevocationOutcome.NoSuchApplication);
        }

        // A token id names its application; one of another application is not
        // found here, never revoked there.
        if (!string.Equals(TokenIds.ClientIdOf(tokenId), clientId, StringComparison.Ordinal))
        {
            return new Revocation(RevocationOutcome.NothingToRevoke);
        }

        // The update is version-checked: when the token changed between reading
        // and writing (it was just redeemed or refreshed), read it again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var token = await TokenSet(clientId).FindTokenAsync(tokenId);
            if (token is null || token.Status != TokenStatuses.Valid)
            {
                return new Revocation(RevocationOutcome.NothingToRevoke);
            }

            if (await TokenSet(clientId).UpdateTokenAsync(token with { Status = TokenStatuses.Revoked }))
            {
                await audit.AppendAsync(by, AuditActions.TokenRevoked, clientId, application.Name,
                    $"{Display.TokenType(Kind(token.Type))} {tokenId}{(token.Subject is null ? "" : $" of user {token.Subject}")}.");
                return new Revocation(RevocationOutcome.Revoked, Tokens: 1);
            }
        }

        throw new InvalidOperationException($"Token {tokenId} kept changing while it was being revoked.");
    }

    /// <summary>Revokes every token issued to the application so far. Users' grants stay: they may authorize it again.</summary>
    public async Task<Revocation> RevokeAllTokensAsync(string clientId, Administrator by)
    {
        var application = await GetAsync(clientId);
        if (application is null)
        {
            return new Revocation(RevocationOutcome.NoSuchApplication);
        }

        var tokens = await TokenSet(clientId).RevokeAllTokensAsync();
        await audit.AppendAsync(by, AuditActions.AllTokensRevoked, clientId, application.Name, $"{Display.Count(tokens, "active token")} revoked.");
        return new Revocation(RevocationOutcome.Revoked, Tokens: tokens);
    }

    private IOAuthApplicationGrain Application(string clientId) => grains.GetGrain<IOAuthApplicationGrain>(clientId);

    private IApplicationTokenSet TokenSet(string clientId) => grains.GetGrain<IApplicationTokenSet>(clientId);

    // The authorization server records token types as URNs
    // ("urn:ietf:params:oauth:token-type:access_token"); administrators and
    // scripts get the familiar last part ("access_token").
    private static string Kind(string type) => type[(type.LastIndexOf(':') + 1)..];

    private static bool IsPlausibleClientId(string? clientId) =>
        !string.IsNullOrWhiteSpace(clientId) && clientId.Length <= MaxClientIdLength;

    private static string Changes(ApplicationDetails before, ApplicationDetails after)
    {
        var changes = new List<string>();
        if (before.Name != after.Name)
        {
            changes.Add($"name \"{before.Name}\" → \"{after.Name}\"");
        }

        if (!before.RedirectUrls.SequenceEqual(after.RedirectUrls, StringComparer.Ordinal))
        {
            changes.Add($"redirect URLs: {string.Join(" ", after.RedirectUrls)}");
        }

        if (!before.GrantTypes.SequenceEqual(after.GrantTypes, StringComparer.Ordinal))
        {
            changes.Add($"grant types: {string.Join(", ", after.GrantTypes)}");
        }

        // No overrides at all and three null ones are the same: server defaults.
        if ((before.TokenLifetimes ?? TokenLifetimeKind.None) != (after.TokenLifetimes ?? TokenLifetimeKind.None))
        {
            changes.Add($"token lifetimes: {Display.LifetimeOverrides(before.TokenLifetimes)} → {Display.LifetimeOverrides(after.TokenLifetimes)}");
        }

        return changes.Count == 0 ? "Saved without changes." : "Changed " + string.Join("; ", changes) + ".";
    }

    private static bool HasOverrides(TokenLifetimes? lifetimes) => (lifetimes ?? TokenLifetimeKind.None) != TokenLifetimeKind.None;
}
