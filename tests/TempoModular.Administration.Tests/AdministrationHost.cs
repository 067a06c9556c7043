using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>
/// The real host (every module, the silo, SQLite), shared by the test classes of
/// this project.
/// </summary>
public sealed class AdministrationHostFixture : IAsyncLifetime
{
    public TestHost<Program> Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost<Program>.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AdministrationHostCollection : ICollectionFixture<AdministrationHostFixture>
{
    public const string Name = "Administration host";
}

/// <summary>What the tests do in a browser's place: sign in, read pages, post their forms with the antiforgery token.</summary>
internal static partial class Browser
{
    public const string ApplicationsPath = "/settings/data-access/oauth-applications";
    public const string AuditLogPath = "/settings/audit-log";
    public const string UserPassword = "a long enough password";

    public static async Task<string> CreateUserAsync(this TestHost<Program> host, TempoPermissions permissions, string displayName = "Grace Hopper")
    {
        var userName = "user." + Guid.NewGuid().ToString("N")[..12];
        var errors = await host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(userName))
            .CreateAsync(new NewUser(userName, displayName, UserPassword, permissions));
        Assert.Empty(errors);
        return userName;
    }

    /// <summary>A client signed in with the sign-in page, as a browser would.</summary>
    public static async Task<HttpClient> SignedInClientAsync(this TestHost<Program> host, string userName = TestUsers.AdminUser, string password = TestUsers.AdminPassword)
    {
        var client = host.CreateClient();
        var page = await client.GetStringAsync("/account/sign-in");
        var response = await client.PostAsync("/account/sign-in", Form(page, ("UserName", userName), ("Password", password)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Registers an application straight through the registry (setup, not what is under test).</summary>
    public static async Task<ApplicationCredentials> RegisterAsync(this TestHost<Program> host, string? name = null, ClientType type = ClientType.Confidential, params string[] grantTypes)
    {
        var result = await host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name ?? UniqueName(), ["https://client.example/callback"], type, grantTypes.Length == 0 ? [GrantTypes.AuthorizationCode] : grantTypes),
            "test");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Value!.Credentials;
    }

    public static string UniqueName(string prefix = "App") => $"{prefix} {Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>GET as htmx does it (HX-Request), or as a plain browser request.</summary>
    public static async Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, bool htmx)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await client.SendAsync(request);
    }

    /// <summary>
    /// Posts a form the way the page would: the antiforgery token from <paramref name="page"/>
    /// as a hidden field (plain form) or in the X-CSRF-TOKEN header (htmx, from hx-headers).
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string page, string action, bool htmx, params (string Name, string? Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, action);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("X-CSRF-TOKEN", AntiforgeryToken(page));
            request.Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value ?? "")));
        }
        else
        {
            request.Content = Form(page, fields);
        }

        return await client.SendAsync(request);
    }

    /// <summary>
    /// Opens a page (whole) and posts to <paramref name="action"/> with its token, as
    /// <paramref name="posted"/> says: a plain form post, htmx from the list page's
    /// dialog (HX-Current-URL: the list), or htmx on the dialog's own page.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string pagePath, string action, Posted posted, params (string Name, string? Value)[] fields)
    {
        var page = await client.GetStringAsync(pagePath);
        if (posted == Posted.Plain)
        {
            return await client.PostFormAsync(page, action, htmx: false, fields);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, action);
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Current-URL", new Uri(client.BaseAddress!, posted == Posted.FromListDialog ? ApplicationsPath + "?page=1" : pagePath).ToString());
        request.Headers.Add("X-CSRF-TOKEN", AntiforgeryToken(page));
        request.Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value ?? "")));
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Asserts that an edit's or a delete's outcome reached the list page as its
    /// notice, and only once: swapped in by htmx from the list's dialog (which then
    /// closes, the list reloading), else shown by the list after a redirect.
    /// </summary>
    public static async Task AssertNoticeOnListAsync(HttpClient client, HttpResponseMessage response, Posted posted, string notice)
    {
        if (posted == Posted.FromListDialog)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("#application-notice", Assert.Single(response.Headers.GetValues("HX-Retarget")));
            Assert.Equal("innerHTML", Assert.Single(response.Headers.GetValues("HX-Reswap")));
            Assert.Equal("applications-changed", Assert.Single(response.Headers.GetValues("HX-Trigger")));
            Assert.Equal("close-dialog", Assert.Single(response.Headers.GetValues("HX-Trigger-After-Settle")));
            Assert.Equal(notice, TextOf(await response.Content.ReadAsStringAsync()));
            Assert.Equal("", Notice(await client.GetStringAsync(ApplicationsPath)));
            return;
        }

        if (posted == Posted.Plain)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(ApplicationsPath, response.Headers.Location?.OriginalString);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ApplicationsPath, Assert.Single(response.Headers.GetValues("HX-Redirect")));
        }

        Assert.Equal(notice, Notice(await client.GetStringAsync(ApplicationsPath)));
        Assert.Equal("", Notice(await client.GetStringAsync(ApplicationsPath)));
    }

    /// <summary>The text of the list page's notice region; empty when it shows none.</summary>
    public static string Notice(string page)
    {
        var region = Regex.Match(page, "<div id=\"application-notice\" role=\"status\">(.*?)</div>", RegexOptions.Singleline);
        Assert.True(region.Success, "The list page has no notice region.");
        return TextOf(region.Groups[1].Value);
    }

    private static string TextOf(string html) => WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", "")).Trim();

    /// <summary>Opens a page (whole) and posts to <paramref name="action"/> with its token.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string pagePath, string action, bool htmx, params (string Name, string? Value)[] fields)
    {
        var page = await client.GetStringAsync(pagePath);
        return await client.PostFormAsync(page, action, htmx, fields);
    }

    public static FormUrlEncodedContent Form(string page, params (string Name, string? Value)[] fields) =>
        new([
            .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value ?? "")),
            new KeyValuePair<string, string>("__RequestVerificationToken", AntiforgeryToken(page)),
        ]);

    public static string AntiforgeryToken(string page)
    {
        var input = HiddenTokenInput().Match(page);
        Assert.True(input.Success, "The page has no antiforgery token field.");
        return WebUtility.HtmlDecode(ValueAttribute().Match(input.Value).Groups[1].Value);
    }

    /// <summary>The message under a field (the element its aria-describedby names).</summary>
    public static string? FieldError(string page, string id) =>
        Regex.Match(page, $"<span class=\"field-error\" id=\"{Regex.Escape(id)}-error\">([^<]*)</span>") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : null;

    /// <summary>The whole start tag of the element with this id.</summary>
    public static string Element(string page, string id)
    {
        var match = Regex.Match(page, $"<[a-z]+[^>]*\\sid=\"{Regex.Escape(id)}\"[^>]*>", RegexOptions.Singleline);
        Assert.True(match.Success, $"No element with id {id}.");
        return match.Value;
    }

    /// <summary>The value attribute of the element with this id, HTML-decoded.</summary>
    public static string? ValueOf(string page, string id) =>
        ValueAttribute().Match(Element(page, id)) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    public static string Body(this HttpResponseMessage response) => response.Content.ReadAsStringAsync().GetAwaiter().GetResult();

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex HiddenTokenInput();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}

/// <summary>What a script does with the admin API: JSON in and out, HTTP Basic or the sign-in cookie.</summary>
internal static class Api
{
    public const string Applications = "/api/admin/applications";

    public static AuthenticationHeaderValue Basic(string user = TestUsers.AdminUser, string password = TestUsers.AdminPassword) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static async Task<ApiResponse> SendAsync(
        HttpClient client, HttpMethod method, string path, object? json = null, AuthenticationHeaderValue? authorization = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        if (json is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (json is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(json, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }

    /// <summary>A call authenticated with the administrator's Basic credentials.</summary>
    public static Task<ApiResponse> AsAdministratorAsync(HttpClient client, HttpMethod method, string path, object? json = null) =>
        SendAsync(client, method, path, json, Basic());

    /// <summary>Registers an application through the API; returns the 201 body.</summary>
    public static async Task<JsonElement> RegisterAsync(HttpClient client, string? name = null, string clientType = "confidential", string[]? grantTypes = null, string[]? redirectUrls = null)
    {
        var response = await AsAdministratorAsync(client, HttpMethod.Post, Applications, new
        {
            name = name ?? Browser.UniqueName("Api app"),
            redirectUrls = redirectUrls ?? ["https://client.example/callback"],
            clientType,
            grantTypes = grantTypes ?? [GrantTypes.ClientCredentials],
        });
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return response.Json!.Value;
    }
}

/// <summary>A response with its JSON body parsed (when it has one).</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, JsonElement? Json, HttpResponseMessage Message)
{
    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        JsonElement? json = body.StartsWith('{') || body.StartsWith('[') ? JsonDocument.Parse(body).RootElement.Clone() : null;
        return new ApiResponse(response.StatusCode, body, json, response);
    }

    public string? ContentType => Message.Content.Headers.ContentType?.MediaType;

    public string? String(string name) =>
        Json is { } json && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The messages a validation problem gives for a field.</summary>
    public IReadOnlyList<string> ErrorsFor(string field) =>
        Json is { } json && json.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
            ? [.. messages.EnumerateArray().Select(m => m.GetString()!)]
            : [];

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>How a test posts a form: as a browser without script, or as htmx from the list's dialog or on the dialog's own page.</summary>
public enum Posted
{
    Plain,
    FromListDialog,
    OnItsOwnPage,
}
