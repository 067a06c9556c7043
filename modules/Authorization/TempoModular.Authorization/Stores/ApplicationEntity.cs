using System.Collections.Immutable;
using TempoModular.Applications;
using static OpenIddict.Abstractions.OpenIddictConstants;
using GrantTypes = TempoModular.Applications.GrantTypes;

namespace TempoModular.Authorization.Stores;

/// <summary>
/// How OpenIddict sees a registered application: a read-only projection of the
/// registry's <see cref="ApplicationDetails"/>. The registry is the only writer.
/// </summary>
internal sealed class ApplicationEntity
{
    public ApplicationEntity(ApplicationDetails details)
    {
        Details = details;
        var grants = details.GrantTypes;
        var permissions = ImmutableArray.CreateBuilder<string>();
        permissions.Add(Permissions.Endpoints.Token);
        permissions.Add(Permissions.Endpoints.Revocation);
        if (details.ClientType == ClientType.Confidential)
        {
            // RFC 7662 §2.1: introspection callers must authenticate; a public
            // client has nothing to authenticate with.
            permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            permissions.Add(Permissions.Endpoints.Authorization);
            permissions.Add(Permissions.GrantTypes.AuthorizationCode);
            permissions.Add(Permissions.ResponseTypes.Code);
        }

        if (grants.Contains(GrantTypes.RefreshToken))
        {
            permissions.Add(Permissions.GrantTypes.RefreshToken);
        }

        if (grants.Contains(GrantTypes.ClientCredentials))
        {
            permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        foreach (var scope in TempoScopes.All)
        {
            permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        Permissions_ = permissions.ToImmutable();

        var settings = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (details.TokenLifetimes is { } lifetimes)
        {
            Add(settings, OpenIddict.Abstractions.OpenIddictConstants.Settings.TokenLifetimes.AccessToken, lifetimes.AccessToken);
            Add(settings, OpenIddict.Abstractions.OpenIddictConstants.Settings.TokenLifetimes.RefreshToken, lifetimes.RefreshToken);
            Add(settings, OpenIddict.Abstractions.OpenIddictConstants.Settings.TokenLifetimes.AuthorizationCode, lifetimes.AuthorizationCode);
        }

        Settings = settings.ToImmutable();

        // RFC 9700 §2.1.1: public clients must use PKCE; confidential clients as registered.
        Requirements_ = details.RequirePkce || details.ClientType == ClientType.Public
            ? [Requirements.Features.ProofKeyForCodeExchange]
            : [];
    }

    public ApplicationDetails Details { get; }

    /// <summary>A secret the current request presented and whether the registry matched it (see ApplicationStore.LookUpAsync).</summary>
    public (string Secret, bool Matches)? CheckedSecret { get; init; }

    /// <summary>
    /// A secret the current request presented whose check is made by the call that
    /// records its token (see Optimizations.OneCallIssuance); until then it counts as matching.
    /// </summary>
    public string? DeferredSecret { get; init; }

    public string ClientId => Details.ClientId;

    public ImmutableArray<string> Permissions_ { get; }

    public ImmutableArray<string> Requirements_ { get; }

    public ImmutableDictionary<string, string> Settings { get; }

    private static void Add(ImmutableDictionary<string, string>.Builder settings, string key, TimeSpan? lifetime)
    {
        if (lifetime is { } value)
        {
            settings[key] = value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
