using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Properties = OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreConstants.Properties;

namespace TempoModular.Worklogs.Access;

/// <summary>
/// Who may call the API: a bearer token that OpenIddict validation accepts (its
/// signature, lifetime, and its entry in the application's token set, so a
/// revoked token or a deleted application's token fails on the next call) and
/// that carries the scope the endpoint needs.
/// </summary>
internal static class ApiScopes
{
    public const string BearerScheme = TempoModular.Identity.TempoAuthentication.BearerScheme;

    public const string Read = "read";
    public const string Write = "write";

    public const string ReadPolicy = "worklogs:read";
    public const string WritePolicy = "worklogs:write";

    public static IServiceCollection AddApiScopes(this IServiceCollection services)
    {
        // Naming the bearer scheme in the policy makes it the only identity the
        // API sees: a site sign-in cookie sent along is not a credential here.
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(Read)))
            .AddPolicy(WritePolicy, policy => policy.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(Write)));
        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, InsufficientScopeResultHandler>();
        return services;
    }
}

/// <summary>The token must carry this scope.</summary>
internal sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

internal sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.HasScope(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// RFC 6750 §3.1: a valid token without the needed scope gets 403 with
/// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c>, so the
/// client knows which scope to ask for. The framework's default forbids without
/// saying why; this hands OpenIddict validation the error and the scope to
/// write into the header. Every other outcome, of every other endpoint of the
/// site, goes to the framework's default handler unchanged.
/// </summary>
internal sealed class InsufficientScopeResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ApiValidations.Count(context, policy, authorizeResult);
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault() is { } missing)
        {
            var properties = new AuthenticationProperties(new Dictionary<string, string?>
            {
                [Properties.Error] = Errors.InsufficientScope,
                [Properties.ErrorDescription] = $"This request requires the '{missing.Scope}' scope.",
                // Without one, OpenIddict links its page on a generic refusal (ID2095).
                [Properties.ErrorUri] = "https://datatracker.ietf.org/doc/html/rfc6750#section-3.1",
                [Properties.Scope] = missing.Scope,
            });
            return context.ForbidAsync(ApiScopes.BearerScheme, properties);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
