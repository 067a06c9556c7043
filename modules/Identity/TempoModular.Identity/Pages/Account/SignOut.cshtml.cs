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

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(TempoAuthentication.CookieScheme);
        return LocalRedirect(TempoAuthentication.SignInPath);
    }
}
