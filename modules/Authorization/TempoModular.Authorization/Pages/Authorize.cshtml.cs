using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using TempoModular.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TempoModular.Authorization.Pages;

/// <summary>
/// The authorization endpoint (OpenIddict passes validated requests through):
/// signs the user in, asks for consent once and remembers it as a permanent
/// grant, then lets OpenIddict issue the code. Unknown clients and unregistered
/// redirect URLs never get here: OpenIddict refuses them without redirecting.
/// </summary>
internal sealed class AuthorizeModel(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations) : PageModel
{
    public string ApplicationName { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public string UserDisplayName { get; private set; } = "";

    /// <summary>The original request's parameters, posted back with the decision.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await HandleAsync(decision: null);

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "decision")] string? decision) => await HandleAsync(decision ?? "");

    public string? Error { get; private set; }

    public string? ErrorDescription { get; private set; }

    private async Task<IActionResult> HandleAsync(string? decision)
    {
        var request = HttpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict authorization request is missing.");

        if (HttpContext.GetOpenIddictServerResponse() is { Error: { } error } refusal)
        {
            return await RefusedAsync(request, error, refusal.ErrorDescription);
        }

        var signedIn = await HttpContext.AuthenticateAsync(TempoAuthentication.CookieScheme);
        if (!signedIn.Succeeded || signedIn.Principal is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // Back to this very request after signing in (a local URL).
            return Challenge(new AuthenticationProperties { RedirectUri = Request.PathBase + Request.Path + QueryString.Create(ParametersOf(request)) },
                TempoAuthentication.CookieScheme);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!)
            ?? throw new InvalidOperationException("OpenIddict validated a client that no longer exists.");
        var clientId = (await applications.GetClientIdAsync(application))!;
        var user = signedIn.Principal;
        var subject = user.FindFirstValue(Claims.Subject) ?? throw new InvalidOperationException("The sign-in cookie has no subject.");
        var requested = request.GetScopes();
        var scopes = requested.IsDefaultOrEmpty ? [.. TempoScopes.All] : requested;

        var remembered = await authorizations.FindAsync(subject, clientId, Statuses.Valid, AuthorizationTypes.Permanent, scopes).AnyAsync();
        if (decision is null)
        {
            if (remembered && !request.HasPromptValue(PromptValues.Consent))
            {
                return Issue(user, scopes);
            }

            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.ConsentRequired, "The user has not yet authorized this application.");
            }

            ApplicationName = (await applications.GetDisplayNameAsync(application)) ?? clientId;
            Scopes = scopes;
            UserDisplayName = user.FindFirstValue(Claims.Name) ?? subject;
            Parameters = ParametersOf(request);
            return Page();
        }

        if (decision != "authorize")
        {
            return Refuse(Errors.AccessDenied, "The user denied the authorization request.");
        }

        if (!remembered)
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Claims.Subject, subject)], TokenValidationParameters.DefaultAuthenticationType));
            principal.SetScopes(scopes);
            await authorizations.CreateAsync(principal, subject, clientId, AuthorizationTypes.Permanent, scopes);
        }

        return Issue(user, scopes);
    }

    // The code carries the user and the granted scopes. No authorization id is
    // attached: OpenIddict then creates an ad-hoc grant for this flow alone, so
    // revoking or replaying anything of this flow touches only this flow.
    private Microsoft.AspNetCore.Mvc.SignInResult Issue(ClaimsPrincipal user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.FindFirstValue(Claims.Subject));
        identity.SetClaim(Claims.Name, user.FindFirstValue(Claims.Name));
        identity.SetScopes(scopes);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    // An error goes back to the client only through a redirect URL registered for
    // that very client; otherwise the user sees it here and nobody is redirected
    // (RFC 6749 §4.1.2.1, RFC 9700 §4.11: no open redirector).
    private async Task<IActionResult> RefusedAsync(OpenIddictRequest request, string error, string? description)
    {
        var application = string.IsNullOrEmpty(request.ClientId) ? null : await applications.FindByClientIdAsync(request.ClientId);
        if (application is not null && !string.IsNullOrEmpty(request.RedirectUri)
            && await applications.ValidateRedirectUriAsync(application, request.RedirectUri))
        {
            var parameters = new Dictionary<string, string?>
            {
                [OpenIddictConstants.Parameters.Error] = error,
                [OpenIddictConstants.Parameters.ErrorDescription] = description,
                [OpenIddictConstants.Parameters.State] = request.State,
                [OpenIddictConstants.Parameters.Iss] = $"{Request.Scheme}://{Request.Host}{Request.PathBase}/",
            };
            return Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(request.RedirectUri, parameters.Where(p => p.Value is not null)));
        }

        Error = error;
        ErrorDescription = description;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private ForbidResult Refuse(string error, string description) => Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    // Everything but the form's own fields; "prompt" is dropped so that coming
    // back with a decision does not ask again.
    private static List<KeyValuePair<string, string?>> ParametersOf(OpenIddictRequest request) =>
        request.GetParameters()
            .Where(p => p.Key is not ("decision" or "__RequestVerificationToken"))
            .SelectMany(p => ((StringValues?)p.Value ?? StringValues.Empty).Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .ToList();
}
