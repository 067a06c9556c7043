namespace TempoModular.Administration.Pages.Settings;

/// <summary>What the pager under a list shows: where it is, what the list holds, and the URL of each page.</summary>
/// <param name="Target">The element (CSS selector) an htmx request for another page replaces.</param>
/// <param name="Label">The accessible name of the pager's navigation landmark.</param>
internal sealed record PagerView(int Page, int PageCount, string Summary, Func<int, string> Url, string Target, string Label);
