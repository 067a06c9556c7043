using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications;

/// <summary>
/// An application's credentials as a panel shows them. Until revealed, the
/// secret is not in the page at all: revealing it is a request of its own,
/// recorded in the audit log.
/// </summary>
internal sealed record CredentialsView(
    string ApplicationName,
    string ClientId,
    ClientType ClientType,
    string? ClientSecret,
    DateTimeOffset? PreviousSecretValidUntil,
    TokenLifetimes TokenLifetimes)
{
    public bool IsPublic => ClientType == ClientType.Public;

    public bool Revealed => ClientSecret is not null;

    public string RevealAction => SettingsPageModel.ApplicationPath(ClientId, "credentials");

    /// <summary>Before revealing: the client id only.</summary>
    public static CredentialsView Masked(ApplicationDetails application) =>
        new(application.Name, application.ClientId, application.ClientType, null, application.PreviousSecretValidUntil, application.TokenLifetimes ?? TokenLifetimeKind.None);

    public static CredentialsView Shown(ApplicationDetails application, ApplicationCredentials credentials) =>
        new(application.Name, credentials.ClientId, application.ClientType, credentials.ClientSecret, credentials.PreviousSecretValidUntil, application.TokenLifetimes ?? TokenLifetimeKind.None);
}
