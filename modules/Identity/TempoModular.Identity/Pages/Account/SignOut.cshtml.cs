using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace TempoModular.Identity.Pages.Account;

/// <summary>
/// Signing out is a POST with the antiforgery token (Razor Pages check it on every
/// POST): a GET that signed out would let any site sign our users out with an
/// image tag. A GET shows a confirmation form instead.
/// </summary>
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? Page() : LocalRedirect(TempoAuthentication.SignInPath);

    public async Task<IActionResult> OnPostAsync([FromServices] IGrainFactory grains)
    {
        // Deleting the cookie in this browser is not enough: a copy of it (another
        // tab's, a stolen one) would keep working. A new stamp ends them all.
        if (User.FindFirst(TempoAuthentication.SubjectClaim)?.Value is { Length: > 0 } subject)
        {
            await grains.GetGrain<IUserGrain>(subject).EndSessionsAsync();
        }

        await HttpContext.SignOutAsync(TempoAuthentication.CookieScheme);
        return LocalRedirect(TempoAuthentication.SignInPath);
    }
}
