using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using TempoModular.Storage;

namespace TempoModular.Worklogs.Access;

/// <summary>How the API judged the bearer tokens it was called with, counted once per API request.</summary>
internal static class ApiValidations
{
    public static readonly Counter<long> Validations = TempoMeter.Meter.CreateCounter<long>(
        "tempo.api.validations", unit: "{request}", description: "REST API requests by how their bearer token was judged: accepted, invalid_token, no_token, insufficient_scope.");

    private static readonly KeyValuePair<string, object?> Accepted = new("outcome", "accepted");
    private static readonly KeyValuePair<string, object?> InvalidToken = new("outcome", "invalid_token");
    private static readonly KeyValuePair<string, object?> NoToken = new("outcome", "no_token");
    private static readonly KeyValuePair<string, object?> InsufficientScope = new("outcome", "insufficient_scope");

    /// <summary>Counts the outcome when the policy is one of the API's (it names a scope); other endpoints are not counted.</summary>
    public static void Count(HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (!IsApiPolicy(policy))
        {
            return;
        }

        // A challenge means the bearer scheme found no valid token: none sent,
        // or one that failed its signature, lifetime or token-entry check.
        Validations.Add(1, result.Succeeded ? Accepted
            : result.Forbidden ? InsufficientScope
            : context.Request.Headers.Authorization.Count == 0 ? NoToken
            : InvalidToken);
    }

    private static bool IsApiPolicy(AuthorizationPolicy policy)
    {
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is ScopeRequirement)
            {
                return true;
            }
        }

        return false;
    }
}
