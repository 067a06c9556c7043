using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;

/// <summary>Shows an application's current credentials, recorded in the audit log before they are read.</summary>
internal sealed class RevealCredentials(IGrainFactory grains, AuditLog audit)
{
    /// <summary>The credentials, or null when there is no such application.</summary>
    public async Task<ApplicationCredentials?> RevealAsync(ApplicationDetails application, Administrator by)
    {
        // Written first: no secret is shown without a record that it was.
        await audit.AppendAsync(by, AuditActions.CredentialsRevealed, application.ClientId, application.Name,
            application.ClientType == ClientType.Public ? "Public client: no client secret." : null);
        return await grains.Application(application.ClientId).RevealCredentialsAsync(by.Actor);
    }
}
