using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.Tokens;

/// <summary>A user who authorized the application: their valid grants taken together.</summary>
internal sealed record AuthorizedUser(string Subject, IReadOnlyList<string> Scopes, DateTimeOffset FirstAuthorizedAt, int Grants);

/// <summary>Tokens and grants of one application: who authorized it, its active tokens, and revoking them.</summary>
internal sealed class TokensModel(ApplicationTokens tokens, IGrainFactory grains) : SettingsPageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    // Not [BindProperty]: Razor Pages keep the page's own name in the route value
    // "page", which would shadow the query string's.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ApplicationDetails Application { get; private set; } = null!;

    public IReadOnlyList<AuthorizedUser> Users { get; private set; } = [];

    public TokenListing Tokens { get; private set; } = null!;

    /// <summary>What the last revocation did, in words.</summary>
    public string? Notice { get; private set; }

    public string Self => ApplicationPath(ClientId, "tokens");

    public string PageUrl(int page) => Self + "?page=" + page.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where a revocation form posts: the handler, and the page of tokens to show afterwards.</summary>
    public string HandlerUrl(string handler) => $"{Self}?handler={handler}&page={Tokens.Page.ToString(CultureInfo.InvariantCulture)}";

    public Task<IActionResult> OnGetAsync() => ShowAsync(null);

    public Task<IActionResult> OnPostRevokeGrantAsync(string? subject) => ShowAsync(async application =>
    {
        var revocation = await tokens.RevokeGrantsAsync(application, subject ?? "", Administrator);
        return revocation.Outcome == RevocationOutcome.Revoked
            ? $"Access of {subject} revoked: {Display.Count(revocation.Grants, "grant")} and {Display.Count(revocation.Tokens, "token")}."
            : $"{subject} has no access to revoke.";
    });

    public Task<IActionResult> OnPostRevokeTokenAsync(string? tokenId) => ShowAsync(async application =>
        (await tokens.RevokeTokenAsync(application, tokenId ?? "", Administrator)).Outcome == RevocationOutcome.Revoked
            ? "The token is revoked."
            : "The token was no longer active.");

    public Task<IActionResult> OnPostRevokeAllAsync() => ShowAsync(async application =>
        $"{Display.Count((await tokens.RevokeAllTokensAsync(application, Administrator)).Tokens, "active token")} revoked.");

    /// <summary>Finds the application once, does what was asked (saying what it did in <see cref="Notice"/>), then shows the grants and tokens.</summary>
    private async Task<IActionResult> ShowAsync(Func<ApplicationDetails, Task<string>>? revoke)
    {
        if (await grains.FindApplicationAsync(ClientId) is not { } application)
        {
            return ApplicationNotFound();
        }

        Application = application;
        if (revoke is not null)
        {
            Notice = await revoke(application);
        }

        var grants = await tokens.ListGrantsAsync(ClientId);
        Users = [.. grants
            .Where(g => g.Subject is not null)
            .GroupBy(g => g.Subject!, StringComparer.Ordinal)
            .Select(g => new AuthorizedUser(
                g.Key,
                [.. g.SelectMany(grant => grant.Scopes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                g.Min(grant => grant.CreatedAt),
                g.Count()))
            .OrderBy(u => u.Subject, StringComparer.OrdinalIgnoreCase)];
        Tokens = await tokens.ListTokensAsync(ClientId, PageNumber, PageSize);
        if (Tokens.Items.Count == 0 && Tokens.TotalCount > 0)
        {
            Tokens = await tokens.ListTokensAsync(ClientId, Tokens.PageCount, PageSize);
        }

        // Subjects are normalized user names (or the client id, for client
        // credentials); show administrators the people behind them.
        foreach (var subject in Users.Select(u => u.Subject).Concat(Tokens.Items.Select(t => t.Subject)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            _names[subject] = subject == ClientId
                ? $"{application.Name} (the application)"
                : await grains.GetGrain<TempoModular.Identity.IUserGrain>(subject).GetAsync() is { } user
                    ? Display.Person(user.DisplayName, user.UserName)
                    : subject;
        }

        return PageOrFragment("_Tokens", this);
    }

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>"Display Name (user name)" for a token or grant subject.</summary>
    public string NameOf(string? subject) => subject is null ? "—" : _names.GetValueOrDefault(subject, subject);
}
