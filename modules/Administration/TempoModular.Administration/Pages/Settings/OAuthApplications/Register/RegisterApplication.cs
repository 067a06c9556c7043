using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Register;

/// <summary>Registers an application and records it in the audit log; returns it as stored, with its credentials.</summary>
internal sealed class RegisterApplication(IGrainFactory grains, AuditLog audit)
{
    public async Task<RegistryResult<RegisteredApplication>> RegisterAsync(ApplicationRegistration registration, Administrator by)
    {
        var result = await grains.ApplicationDirectory().RegisterAsync(registration, by.Actor);
        if (result.Succeeded)
        {
            var created = result.Value!.Application;
            var details = $"{Display.ClientType(created.ClientType)} client; grant types: {string.Join(", ", created.GrantTypes)}; redirect URLs: {string.Join(" ", created.RedirectUrls)}"
                + (TokenLifetimeKind.HasOverrides(created.TokenLifetimes) ? $"; token lifetimes: {Display.LifetimeOverrides(created.TokenLifetimes)}" : "");
            await audit.AppendAsync(by, AuditActions.Created, created.ClientId, created.Name, details);
        }

        return result;
    }
}
