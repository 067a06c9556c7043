using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;

/// <summary>Deletes an application (its credentials and tokens stop working at once) and records it; returns the application as it was.</summary>
internal sealed class DeleteApplication(IGrainFactory grains, AuditLog audit)
{
    public async Task<RegistryResult<ApplicationDetails>> DeleteAsync(string clientId, Administrator by)
    {
        if (!ApplicationGrains.IsPlausibleClientId(clientId))
        {
            return RegistryResult<ApplicationDetails>.Failure(ApplicationGrains.NoSuchApplication);
        }

        var result = await grains.ApplicationDirectory().DeleteAsync(clientId, by.Actor);
        if (result.Succeeded)
        {
            await audit.AppendAsync(by, AuditActions.Deleted, clientId, result.Value!.Name, "Its credentials and every token issued to it stopped working.");
        }

        return result;
    }
}
