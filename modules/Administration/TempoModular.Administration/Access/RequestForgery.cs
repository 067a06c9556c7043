using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TempoModular.Administration.Api;

namespace TempoModular.Administration.Access;

/// <summary>
/// Refuses state-changing admin API requests that a browser could have been
/// made to send by another site (cross-site request forgery). Reads pass.
/// </summary>
internal sealed class RequestForgeryFilter(IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return await next(context);
        }

        if (http.User.Identity?.AuthenticationType == BasicAuthentication.Scheme)
        {
            // Scripts need no token. But a browser remembers Basic credentials
            // typed into its prompt and attaches them to every request to this
            // site, including those another site's page makes it send; browsers
            // always send Origin on such cross-origin requests, scripts do not.
            return IsCrossOrigin(http.Request)
                ? ApiResults.Problem(StatusCodes.Status403Forbidden, "Cross-origin request refused",
                    "State-changing requests with HTTP Basic must come from a script or from this site, not from another site's page.")
                : await next(context);
        }

        // The sign-in cookie travels with every request the browser sends here,
        // whoever's page made it; the antiforgery token proves the request came
        // from one of our pages (htmx sends it in a header, see the layout).
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Antiforgery token missing or invalid",
                $"Requests signed in with the site's cookie must send the page's antiforgery token in the {antiforgeryOptions.Value.HeaderName ?? "X-CSRF-TOKEN"} header; scripts can use HTTP Basic instead.");
        }

        return await next(context);
    }

    private static bool IsCrossOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
