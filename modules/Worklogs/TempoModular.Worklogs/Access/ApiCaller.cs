using System.Security.Claims;
using OpenIddict.Abstractions;
using TempoModular.Applications;
using TempoModular.Worklogs.Worklog;
using static OpenIddict.Abstractions.OpenIddictConstants;
using TempoModular.Storage;

namespace TempoModular.Worklogs.Access;

/// <summary>Who is calling, as the author of what they write.</summary>
internal static class ApiCaller
{
    /// <summary>
    /// A user token: the user (sub is the normalized user name, name the display
    /// name). A client-credentials token: the application itself (sub is its
    /// client id and it has no user name), shown by its registered name.
    /// </summary>
    public static async Task<WorklogAuthor> AuthorAsync(ClaimsPrincipal caller, IGrainFactory grains)
    {
        // OpenIddict issues no access token without a subject.
        var subject = caller.GetClaim(Claims.Subject) ?? throw new InvalidOperationException("The access token has no subject.");
        var name = caller.GetClaim(Claims.Name);
        var clientId = caller.GetClaim(Claims.ClientId);
        if (name is null && clientId is not null && string.Equals(subject, clientId, StringComparison.Ordinal))
        {
            var application = await grains.Get<IOAuthApplicationGrain>(clientId).GetAsync();
            return new WorklogAuthor(clientId, application?.Name ?? clientId);
        }

        return new WorklogAuthor(subject, name ?? subject);
    }
}
