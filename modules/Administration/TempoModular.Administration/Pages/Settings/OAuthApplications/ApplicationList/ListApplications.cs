using TempoModular.Applications;

namespace TempoModular.Administration.Pages.Settings.OAuthApplications.ApplicationList;

/// <summary>An application in the list, with how many tokens it holds now.</summary>
internal sealed record ApplicationRow(ApplicationSummary Application, int ActiveTokens);

/// <summary>A page (1-based) of applications sorted by name, as the list page and the API show it.</summary>
internal sealed record ApplicationListing(IReadOnlyList<ApplicationRow> Items, int Page, int PageSize, int TotalCount, string? Filter)
{
    public int PageCount => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
}

/// <summary>The list of applications: a page of the directory with each application's active-token count.</summary>
internal sealed class ListApplications(IGrainFactory grains)
{
    public async Task<ApplicationListing> ListAsync(int page, int pageSize, string? filter)
    {
        filter = string.IsNullOrWhiteSpace(filter) ? null : filter.Trim();
        var result = await grains.ApplicationDirectory().ListAsync(Math.Max(page, 1), Math.Clamp(pageSize, 1, ApplicationGrains.MaxPageSize), filter);

        // One call per listed application, side by side: a page holds at most
        // MaxPageSize of them. An application that is not serving tokens is
        // counted in storage, so listing never loads a token set.
        var counts = await Task.WhenAll(result.Items.Select(a => grains.TokenSet(a.ClientId).CountActiveTokensAsync()));
        return new ApplicationListing([.. result.Items.Select((a, i) => new ApplicationRow(a, counts[i]))], result.Page, result.PageSize, result.TotalCount, filter);
    }
}
