using Microsoft.AspNetCore.Mvc;

namespace TempoModular.Administration.Pages.Settings.Audit;

/// <summary>Settings > Audit log: who did what to which application, and when; newest first, paged, filterable by application.</summary>
internal sealed class IndexModel(AuditLog audit) : SettingsPageModel
{
    public const int PageSize = 50;

    // Not [BindProperty]: Razor Pages keep the page's own name in the route value
    // "page", which would shadow the query string's.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "clientId")]
    public string? ClientId { get; set; }

    public AuditPage Entries { get; private set; } = null!;

    public IReadOnlyList<AuditedApplication> Applications { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        ClientId = string.IsNullOrWhiteSpace(ClientId) ? null : ClientId.Trim();
        Entries = await audit.ReadAsync(PageNumber, PageSize, ClientId);
        if (Entries.Items.Count == 0 && Entries.TotalCount > 0)
        {
            Entries = await audit.ReadAsync(Entries.PageCount, PageSize, ClientId);
        }

        Applications = await audit.ApplicationsAsync();
        return PageOrFragment("_AuditLog", this);
    }

    public string PageUrl(int page) =>
        AuditLogPath + Microsoft.AspNetCore.Http.QueryString.Create(
            [
                new KeyValuePair<string, string?>("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                .. ClientId is null ? [] : new[] { new KeyValuePair<string, string?>("clientId", ClientId) },
            ]);
}
