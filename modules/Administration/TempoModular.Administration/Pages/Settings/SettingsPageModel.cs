using Htmx;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;
using TempoModular.Administration.Access;

namespace TempoModular.Administration.Pages.Settings;

/// <summary>Which entry of the Settings sidebar a page belongs to.</summary>
internal enum SettingsSection
{
    Overview,
    Applications,
    AuditLog,
    Users,
}

/// <summary>
/// A Settings page: open to administrators only, and answering a plain request
/// with the whole page and an htmx request with the page's fragment.
/// </summary>
[Authorize(Policy = Administrators.PagePolicy)]
internal abstract class SettingsPageModel : PageModel
{
    public const string SettingsPath = "/settings";
    public const string ApplicationsPath = "/settings/data-access/oauth-applications";
    public const string AuditLogPath = "/settings/audit-log";
    public const string UsersPath = "/settings/users";

    /// <summary>The htmx event a response raises when the list of applications changed (see HX-Trigger); the list reloads itself on it.</summary>
    public const string ApplicationsChanged = "applications-changed";

    /// <summary>The htmx event that closes the open dialog once an outcome is shown on the list (see site.js).</summary>
    public const string CloseDialog = "close-dialog";

    /// <summary>The TempData entry carrying an outcome to the list page across a redirect.</summary>
    public const string NoticeKey = "ApplicationsNotice";

    /// <summary>Set when the application the URL names does not exist (or was deleted).</summary>
    public bool ApplicationMissing { get; private set; }

    /// <summary>The signed-in administrator, as the audit log records them.</summary>
    protected Administrator Administrator => Administrators.From(User, Administrator.ViaPages);

    public static string ApplicationPath(string clientId, string action) => $"{ApplicationsPath}/{Uri.EscapeDataString(clientId)}/{action}";

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        // One URL answers with a page or with a fragment: caches must tell them apart.
        Response.Headers.Append(HeaderNames.Vary, "HX-Request");

        // These pages show client secrets: no copy of them is kept anywhere.
        Response.Headers.CacheControl = "no-store";
    }

    /// <summary>The fragment for htmx (its own markup, no layout), else the whole page.</summary>
    protected IActionResult PageOrFragment(string partialName, object model) =>
        Request.IsHtmx() ? Partial(partialName, model) : Page();

    /// <summary>Tells the list of applications on the page, if any, to reload.</summary>
    protected void RaiseApplicationsChanged() => Response.Htmx(h => h.WithTrigger(ApplicationsChanged));

    /// <summary>
    /// The end of an edit or a delete: the list of applications, with a notice
    /// saying what happened above it. From the list's dialog (htmx) the notice is
    /// swapped into the list page, the list reloads and the dialog closes, with no
    /// result to dismiss; anywhere else (a plain form post, or the dialog's page
    /// opened on its own) the browser is redirected to the list (post-redirect-get),
    /// which shows the notice once.
    /// </summary>
    protected IActionResult ShowOnList(string notice)
    {
        if (Request.IsHtmx() && IsListPage(Request.Headers[HtmxRequestHeaders.Keys.CurrentUrl]))
        {
            RaiseApplicationsChanged();
            Response.Htmx(h => h.Retarget("#" + OAuthApplications.ApplicationList.IndexModel.NoticeId).Reswap("innerHTML").WithTrigger(CloseDialog, timing: HtmxTriggerTiming.AfterSettle));
            return Partial("_Notice", notice);
        }

        TempData[NoticeKey] = notice;
        if (Request.IsHtmx())
        {
            Response.Htmx(h => h.Redirect(ApplicationsPath));
            return new OkResult();
        }

        return Redirect(ApplicationsPath);
    }

    private static bool IsListPage(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath == ApplicationsPath;

    /// <summary>
    /// "No such application": 404 as a page. An htmx request gets 200, since htmx
    /// does not swap error responses and the dialog must say what happened.
    /// </summary>
    protected IActionResult ApplicationNotFound()
    {
        ApplicationMissing = true;
        if (!Request.IsHtmx())
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return PageOrFragment("_ApplicationNotFound", this);
    }
}
