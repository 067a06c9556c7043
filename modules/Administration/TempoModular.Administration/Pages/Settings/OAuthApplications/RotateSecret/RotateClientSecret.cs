using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.RotateSecret;

/// <summary>Issues a new client secret (the previous one keeps working for the grace period) and records it.</summary>
internal sealed class RotateClientSecret(IGrainFactory grains, AuditLog audit)
{
    public async Task<RegistryResult<ApplicationCredentials>> RotateAsync(ApplicationDetails application, Administrator by)
    {
        var result = await grains.Application(application.ClientId).RotateSecretAsync(by.Actor);
        if (result.Succeeded)
        {
            var until = result.Value!.PreviousSecretValidUntil;
            await audit.AppendAsync(by, AuditActions.SecretRotated, application.ClientId, application.Name,
                until is null ? "The previous secret stopped working at once." : $"The previous secret works until {Display.Time(until.Value)}.");
        }

        return result;
    }
}
