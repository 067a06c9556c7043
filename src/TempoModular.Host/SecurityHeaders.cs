using Microsoft.Net.Http.Headers;

namespace TempoModular.Host;

/// <summary>The headers every response carries: a strict Content-Security-Policy, no MIME sniffing, no referrer.</summary>
internal static class SecurityHeaders
{
    // Scripts and styles only from our own origin, never inline: an injected
    // <script> or style attribute does nothing. htmx would inject an inline
    // <style> for its indicators; the layout turns that off in htmx's meta config
    // and site.css carries those rules. frame-ancestors stops click-jacking of the
    // sign-in, consent and settings pages.
    private const string BasePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'";

    /// <summary>The policy of every page: forms may post only to this site.</summary>
    public const string ContentSecurityPolicy = BasePolicy + "; form-action 'self'";

    // Without form-action, on the two pages whose form submissions end at the
    // client's redirect URL on another origin. Browsers (Chromium among them)
    // apply form-action to every redirect that follows a form submission, checked
    // against the page that held the form:
    // - the consent form posts to /oauth/authorize, which redirects to the client
    //   with the code;
    // - the sign-in form posts to /account/sign-in, which redirects to the
    //   authorize request, which redirects straight to the client when the user
    //   had already consented.
    // With form-action 'self' the browser would refuse to deliver the code. What
    // form-action guards against there is already enforced by the server: the
    // authorization endpoint redirects only to redirect URLs registered for the
    // client (OpenIddict checks them), and sign-in only to local return URLs.
    /// <summary>The policy of /oauth/authorize and /account/sign-in: no form-action (see the comment above).</summary>
    public const string RedirectingFormPolicy = BasePolicy;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so responses an exception handler rewrote
        // (it clears the headers) carry them too.
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;

        // A module that serves something needing another policy sets its own.
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = EndsAtClientRedirectUrl(context.Request.Path) ? RedirectingFormPolicy : ContentSecurityPolicy;
        }

        headers.XContentTypeOptions = "nosniff";

        // Authorization codes and return URLs travel in query strings; no page
        // hands its address to another site.
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static bool EndsAtClientRedirectUrl(PathString path) =>
        path.StartsWithSegments("/oauth/authorize", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/account/sign-in", StringComparison.OrdinalIgnoreCase);
}
