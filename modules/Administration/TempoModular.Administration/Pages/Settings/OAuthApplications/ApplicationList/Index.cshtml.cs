using Microsoft.AspNetCore.Mvc;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.ApplicationList;

/// <summary>Settings > Data Access > OAuth 2.0 Applications: the applications, sorted by name, paged and filtered.</summary>
internal sealed class IndexModel(ListApplications list) : SettingsPageModel
{
    public const int PageSize = ApplicationGrains.DefaultPageSize;

    // Not [BindProperty]: Razor Pages keep the page's own name in the route value
    // "page", which would shadow the query string's.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "filter")]
    public string? Filter { get; set; }

    public ApplicationListing Listing { get; private set; } = null!;

    /// <summary>The element above the list that shows what an edit or a delete did.</summary>
    public const string NoticeId = "application-notice";

    /// <summary>What the last edit or delete did, carried here by a redirect; shown once.</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Notice = TempData[NoticeKey] as string;
        Listing = await list.ListAsync(PageNumber, PageSize, Filter);

        // Past the end (the last application of the last page was just deleted,
        // or an old link): show the last page there is.
        if (Listing.Items.Count == 0 && Listing.TotalCount > 0)
        {
            Listing = await list.ListAsync(Listing.PageCount, PageSize, Filter);
        }

        return PageOrFragment("_Applications", Listing);
    }

    /// <summary>The list's URL for a page and the current filter.</summary>
    public static string ListUrl(int page, string? filter) =>
        ApplicationsPath + Microsoft.AspNetCore.Http.QueryString.Create(
            [
                new KeyValuePair<string, string?>("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                .. string.IsNullOrEmpty(filter) ? [] : new[] { new KeyValuePair<string, string?>("filter", filter) },
            ]);
}
