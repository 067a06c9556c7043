using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TempoModular.Identity.SignIn;
using TempoModular.Identity.Users;

namespace TempoModular.Identity.Pages.Account;

/// <summary>Signs a user in with user name and password, then goes back to the local page that asked for it.</summary>
internal sealed class SignInModel(IGrainFactory grains, SignInThrottle throttle) : PageModel
{
    /// <summary>One message for an unknown user and a wrong password: the page must not tell which user names exist.</summary>
    public const string WrongCredentialsMessage = "The user name or password is incorrect.";

    [BindProperty]
    public string? UserName { get; set; }

    /// <summary>Bound from the form, never written back into the page.</summary>
    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Where to go after signing in; only a local URL is followed.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why signing in failed, for the whole form.</summary>
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Checked here rather than passed on: Orleans refuses an empty grain key.
        if (string.IsNullOrWhiteSpace(UserName))
        {
            ModelState.AddModelError(nameof(UserName), "Enter your user name.");
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), "Enter your password.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var key = UserNames.Normalize(UserName!);
        var source = HttpContext.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(source, key) is { } wait)
        {
            // Refused before any hashing, with the same words for every user name.
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            TempoModular.Storage.TempoMeter.RateLimitRejections.Add(1, TempoModular.Storage.TempoMeter.Limiters.SignIn);
            Error = TooManyAttempts(seconds);
            return Page();
        }

        // No user can have a longer name, so there is nothing to look up (and no
        // grain to activate for an arbitrarily long key).
        var result = key.Length > NewUserRules.MaxUserNameLength
            ? new SignInResult(SignInOutcome.WrongCredentials, null)
            : await grains.GetGrain<IUserGrain>(key).VerifyPasswordAsync(Password!);

        switch (result)
        {
            case { Outcome: SignInOutcome.Succeeded, User: { } user }:
                throttle.RecordSuccess(source, key);
                // A new cookie with a new ticket: nothing of an earlier session carries over.
                await HttpContext.SignInAsync(TempoAuthentication.CookieScheme, SignInCookie.Principal(user));
                return LocalRedirect(LocalReturnUrl(Url, ReturnUrl));

            default:
                throttle.RecordFailure(source, key);
                Error = WrongCredentialsMessage;
                return Page();
        }
    }

    /// <summary>What a throttled attempt is told, whether or not the user exists.</summary>
    public static string TooManyAttempts(int seconds) =>
        $"Too many failed sign-in attempts from your address. Try again in {seconds} seconds.";

    /// <summary>The field's validation message, if any.</summary>
    public string? ErrorFor(string field) =>
        ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    // Only a path on this site: "https://evil.example", "//evil.example" and
    // "/\evil.example" (which browsers read as "//evil.example") would make the
    // sign-in page an open redirector that phishing links borrow trust from.
    internal static string LocalReturnUrl(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
