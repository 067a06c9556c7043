using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace TempoModular.Identity.Pages.Account;

/// <summary>The 403 page: names which of the four permissions the signed-in user lacks.</summary>
internal sealed class AccessDeniedModel : PageModel
{
    /// <summary>The page that refused the user; only a local URL is linked to.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool SignedIn { get; private set; }

    /// <summary>Display names of the permissions the user does not hold.</summary>
    public IReadOnlyList<string> MissingPermissions { get; private set; } = [];

    /// <summary>The sign-in page, coming back to the refused page as another user.</summary>
    public string SignInUrl { get; private set; } = TempoAuthentication.SignInPath;

    public void OnGet()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        SignedIn = User.Identity?.IsAuthenticated == true;
        MissingPermissions = TempoPermissionNames.Missing(SignedIn ? TempoPermissionNames.Of(User) : TempoPermissions.None);
        var returnUrl = SignInModel.LocalReturnUrl(Url, ReturnUrl);
        SignInUrl = TempoAuthentication.SignInPath + QueryString.Create("ReturnUrl", returnUrl);
    }
}
