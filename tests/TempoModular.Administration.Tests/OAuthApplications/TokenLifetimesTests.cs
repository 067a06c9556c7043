using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>
/// An application's own token lifetimes, set and shown through the admin API and
/// the pages, refused in the registry's words, audited, and applied by the token endpoint.
/// </summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class TokenLifetimesTests(AdministrationHostFixture fixture)
{
    private const string NewPath = Browser.ApplicationsPath + "/new";

    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Lifetimes_given_on_registration_are_stored_and_shown_by_POST_and_GET()
    {
        using var client = Host.CreateClient();

        var created = await RegisterAsync(client, new { accessToken = 120, refreshToken = 1_209_600, authorizationCode = 30 });
        var clientId = created.String("clientId")!;
        var fetched = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal((120L, 1_209_600L, 30L), Lifetimes(created));
        Assert.Equal((120L, 1_209_600L, 30L), Lifetimes(fetched));
        var stored = (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.TokenLifetimes;
        Assert.Equal(new TokenLifetimes(TimeSpan.FromMinutes(2), TimeSpan.FromDays(14), TimeSpan.FromSeconds(30)), stored);
    }

    [Fact]
    public async Task Without_lifetimes_an_application_uses_the_server_defaults_shown_as_nulls()
    {
        using var client = Host.CreateClient();

        var created = await RegisterAsync(client, lifetimes: null);
        var fetched = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{created.String("clientId")}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal((null, null, null), Lifetimes(created));
        Assert.Equal((null, null, null), Lifetimes(fetched));
    }

    [Fact]
    public async Task Put_replaces_the_lifetimes_keeps_them_when_left_out_and_returns_to_the_defaults_with_an_empty_object()
    {
        using var client = Host.CreateClient();
        var created = await RegisterAsync(client, new { accessToken = 120, refreshToken = 1_209_600 });
        var clientId = created.String("clientId")!;
        var path = $"{Api.Applications}/{clientId}";
        var name = created.String("name");
        string[] redirectUrls = ["https://client.example/callback"];
        string[] grantTypes = [GrantTypes.ClientCredentials];

        var changed = await Api.AsAdministratorAsync(client, HttpMethod.Put, path, new { name, redirectUrls, grantTypes, tokenLifetimes = new { accessToken = 300, authorizationCode = 45 } });
        var leftOut = await Api.AsAdministratorAsync(client, HttpMethod.Put, path, new { name, redirectUrls, grantTypes });
        var afterLeftOut = await Api.AsAdministratorAsync(client, HttpMethod.Get, path);
        var emptied = await Api.AsAdministratorAsync(client, HttpMethod.Put, path, new { name, redirectUrls, grantTypes, tokenLifetimes = new { } });

        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal((300L, null, 45L), Lifetimes(changed));
        Assert.Equal(HttpStatusCode.OK, leftOut.Status);
        Assert.Equal((300L, null, 45L), Lifetimes(leftOut));
        Assert.Equal((300L, null, 45L), Lifetimes(afterLeftOut));
        Assert.Equal(HttpStatusCode.OK, emptied.Status);
        Assert.Equal((null, null, null), Lifetimes(emptied));
        Assert.Equal(new TokenLifetimes(null, null, null), (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.TokenLifetimes);
    }

    public static TheoryData<string, string, string> InvalidLifetimes() => new()
    {
        { """{"accessToken":59}""", "tokenLifetimes.accessToken", "Must be between 1 minute and 24 hours." },
        { """{"accessToken":86401}""", "tokenLifetimes.accessToken", "Must be between 1 minute and 24 hours." },
        { """{"accessToken":-120}""", "tokenLifetimes.accessToken", "Must be between 1 minute and 24 hours." },
        { """{"accessToken":9223372036854775807}""", "tokenLifetimes.accessToken", "Must be between 1 minute and 24 hours." },
        { """{"refreshToken":0}""", "tokenLifetimes.refreshToken", "Must be between 1 hour and 365 days." },
        { """{"authorizationCode":601}""", "tokenLifetimes.authorizationCode", "Must be between 10 seconds and 10 minutes." },
        { """{"accessToken":1.5}""", "tokenLifetimes.accessToken", "not valid JSON of the expected type" },
        { """{"accessToken":"an hour"}""", "tokenLifetimes.accessToken", "not valid JSON of the expected type" },
        { """{"accessToken":1e30}""", "tokenLifetimes.accessToken", "not valid JSON of the expected type" },
        { """{"refreshToken":[3600]}""", "tokenLifetimes.refreshToken", "not valid JSON of the expected type" },
        { "3600", "tokenLifetimes", "not valid JSON of the expected type" },
        { """{"access_token":120}""", "tokenLifetimes.access_token", "Unknown token lifetime" },
    };

    [Theory, MemberData(nameof(InvalidLifetimes))]
    public async Task Bad_lifetimes_on_POST_are_a_problem_naming_the_field_and_nothing_is_registered(string lifetimes, string field, string expected)
    {
        using var client = Host.CreateClient();
        var name = Browser.UniqueName("Bad lifetimes");

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications,
            $$"""{"name":"{{name}}","redirectUrls":["https://a.example/cb"],"clientType":"confidential","tokenLifetimes":{{lifetimes}}}""");

        AssertProblem(response, field, expected);
        Assert.Empty((await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).ListAsync(1, 10, name)).Items);
    }

    [Theory, MemberData(nameof(InvalidLifetimes))]
    public async Task Bad_lifetimes_on_PUT_are_a_problem_naming_the_field_and_nothing_changes(string lifetimes, string field, string expected)
    {
        using var client = Host.CreateClient();
        var clientId = (await RegisterAsync(client, new { accessToken = 120 })).String("clientId")!;
        var before = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}",
            $$"""{"name":"Renamed {{Guid.NewGuid():N}}","redirectUrls":["https://a.example/cb"],"tokenLifetimes":{{lifetimes}}}""");

        AssertProblem(response, field, expected);
        var after = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();
        Assert.Equal(before!.Name, after!.Name);
        Assert.Equal(before.TokenLifetimes, after.TokenLifetimes);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task A_client_credentials_token_lasts_the_applications_access_token_lifetime()
    {
        using var client = Host.CreateClient();
        var shortLived = await RegisterAsync(client, new { accessToken = 120 });
        var onDefaults = await RegisterAsync(client, lifetimes: null);

        var (expiresIn, lifetime) = await IssueAsync(client, shortLived);
        var (defaultExpiresIn, defaultLifetime) = await IssueAsync(client, onDefaults);

        // expires_in is what is left when the response is written (rounded), and
        // issuing waits for the token to be stored: under load it can be 119.
        Assert.InRange(expiresIn, 115, 120);
        Assert.Equal(120, lifetime);
        Assert.InRange(defaultExpiresIn, 3595, 3600);
        Assert.Equal(3600, defaultLifetime);
    }

    [Fact]
    public async Task Lifetimes_set_and_changed_are_in_the_audit_log()
    {
        using var client = Host.CreateClient();
        var created = await RegisterAsync(client, new { accessToken = 120 });
        var clientId = created.String("clientId")!;
        var path = $"{Api.Applications}/{clientId}";
        var body = new { name = created.String("name"), redirectUrls = new[] { "https://client.example/callback" }, grantTypes = new[] { GrantTypes.ClientCredentials } };

        await Api.AsAdministratorAsync(client, HttpMethod.Put, path, new { body.name, body.redirectUrls, body.grantTypes, tokenLifetimes = new { accessToken = 300, authorizationCode = 30 } });
        await Api.AsAdministratorAsync(client, HttpMethod.Put, path, new { body.name, body.redirectUrls, body.grantTypes, tokenLifetimes = new { } });
        await Api.AsAdministratorAsync(client, HttpMethod.Put, path, body);

        var log = (await Host.Services.GetRequiredService<AuditLog>().ReadAsync(1, 10, clientId)).Items.Reverse().ToList();
        Assert.Equal([AuditActions.Created, AuditActions.Updated, AuditActions.Updated, AuditActions.Updated], log.Select(e => e.Action));
        Assert.EndsWith("; token lifetimes: access token 2 minutes", log[0].Details);
        Assert.Equal("Changed token lifetimes: access token 2 minutes → access token 5 minutes, authorization code 30 seconds.", log[1].Details);
        Assert.Equal("Changed token lifetimes: access token 5 minutes, authorization code 30 seconds → server defaults.", log[2].Details);
        Assert.Equal("Saved without changes.", log[3].Details);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_lifetimes_in_the_request_and_the_application()
    {
        using var client = Host.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var (path, method) in new[] { ("/api/admin/applications", "post"), ("/api/admin/applications/{clientId}", "put") })
        {
            var body = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method)
                .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var request = Resolve(schemas, Resolve(schemas, body).GetProperty("properties").GetProperty("tokenLifetimes"));
            Assert.Contains("{} returns to the defaults", request.GetProperty("description").GetString());
            Assert.Contains("null", request.GetProperty("type").ToString());
            AssertLifetimesInRange(request);
        }

        foreach (var representation in new[] { "ApplicationJson", "CreatedApplicationJson" })
        {
            var shown = Resolve(schemas, schemas.GetProperty(representation).GetProperty("properties").GetProperty("tokenLifetimes"));
            Assert.True(shown.GetProperty("properties").TryGetProperty("accessToken", out _), $"{representation} has no tokenLifetimes.accessToken.");
            Assert.Contains("server's default", shown.GetProperty("description").GetString());
        }
    }

    private static void AssertLifetimesInRange(JsonElement lifetimes)
    {
        Assert.False(lifetimes.GetProperty("additionalProperties").GetBoolean());
        foreach (var (property, minimum, maximum) in new[] { ("accessToken", 60, 86_400), ("refreshToken", 3_600, 31_536_000), ("authorizationCode", 10, 600) })
        {
            var schema = lifetimes.GetProperty("properties").GetProperty(property);
            Assert.Contains("integer", schema.GetProperty("type").ToString());
            Assert.DoesNotContain("string", schema.GetProperty("type").ToString());
            Assert.Equal(minimum, schema.GetProperty("minimum").GetInt64());
            Assert.Equal(maximum, schema.GetProperty("maximum").GetInt64());
        }
    }

    [Fact]
    public async Task The_add_form_offers_the_lifetimes_blank_under_a_folded_advanced_part_with_the_server_defaults_as_text()
    {
        using var client = await Host.SignedInClientAsync();

        var page = await (await client.GetAsync(NewPath, htmx: true)).Content.ReadAsStringAsync();

        // Folded (no "open"), with PKCE: the form's buttons fit a laptop window.
        Assert.Contains("<details class=\"advanced\" id=\"advanced-settings\">", page);
        Assert.True(page.IndexOf("id=\"advanced-settings\"", StringComparison.Ordinal) < page.IndexOf("id=\"require-pkce\"", StringComparison.Ordinal));
        Assert.Contains("<legend>Token lifetimes</legend>", page);
        foreach (var (id, name, label, hint, unit) in new[]
                 {
                     ("access-token-lifetime", "AccessTokenLifetime", "Access token lifetime", "Server default: 1 hour.", "minutes"),
                     ("refresh-token-lifetime", "RefreshTokenLifetime", "Refresh token lifetime", "Server default: 60 days.", "days"),
                     ("authorization-code-lifetime", "AuthorizationCodeLifetime", "Sign-in code lifetime", "Server default: 1 minute.", "seconds"),
                 })
        {
            var input = Browser.Element(page, id);
            Assert.Contains($"name=\"{name}\"", input);

            // An amount and a unit, the unit starting where the registry's range is.
            Assert.Contains($"name=\"{name}Unit\"", Browser.Element(page, id + "-unit"));
            Assert.Equal(unit, SelectedUnit(page, id));
            Assert.Equal(["seconds", "minutes", "hours", "days"], UnitChoices(page, id));
            Assert.Contains($"<label class=\"visually-hidden\" for=\"{id}-unit\">{label} unit</label>", page);

            // A placeholder looks like a value; the default is told in the hint instead.
            Assert.DoesNotContain("placeholder", input);
            Assert.Contains("inputmode=\"numeric\"", input);
            Assert.Null(Browser.ValueOf(page, id));
            Assert.Contains($"<label for=\"{id}\">{label}</label>", page);
            Assert.Contains($"id=\"{id}-hint\">{hint}</p>", page);
            Assert.Contains($"aria-describedby=\"{id}-hint\"", input);
        }

        // "Authorization code" is the grant type only.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "Authorization code"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lifetimes_entered_on_the_add_form_are_stored_and_the_credentials_show_them(bool htmx)
    {
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx,
            ("Name", Browser.UniqueName("Form lifetimes")), ("RedirectUrls", "https://form.example/cb"), ("ClientType", "confidential"),
            ("GrantTypes", GrantTypes.AuthorizationCode), ("AccessTokenLifetime", " 2 "), ("AccessTokenLifetimeUnit", "minutes"),
            ("RefreshTokenLifetime", ""), ("RefreshTokenLifetimeUnit", "days"), ("AuthorizationCodeLifetime", "30"), ("AuthorizationCodeLifetimeUnit", "seconds"));
        var created = await response.Content.ReadAsStringAsync();
        var clientId = Browser.ValueOf(created, "client-id")!;
        var credentials = await client.GetStringAsync($"{Browser.ApplicationsPath}/{clientId}/credentials");

        Assert.Equal(new TokenLifetimes(TimeSpan.FromMinutes(2), null, TimeSpan.FromSeconds(30)),
            (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.TokenLifetimes);
        Assert.Equal("2 minutes (120 seconds)", Shown(credentials, "access-token-lifetime"));
        Assert.Equal("Server default (60 days)", Shown(credentials, "refresh-token-lifetime"));
        Assert.Equal("30 seconds (30 seconds)", Shown(credentials, "authorization-code-lifetime"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Refused_lifetimes_on_the_add_form_show_their_errors_next_to_the_fields_and_keep_what_was_typed(bool htmx)
    {
        var name = Browser.UniqueName("Refused lifetimes");
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx,
            ("Name", name), ("RedirectUrls", "https://form.example/cb"), ("ClientType", "confidential"), ("GrantTypes", GrantTypes.AuthorizationCode),
            ("AccessTokenLifetime", "1h"), ("AccessTokenLifetimeUnit", "minutes"), ("RefreshTokenLifetime", "2"), ("RefreshTokenLifetimeUnit", "hours"),
            ("AuthorizationCodeLifetime", "5"), ("AuthorizationCodeLifetimeUnit", "seconds"));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Enter a positive whole number of minutes.", Browser.FieldError(page, "access-token-lifetime"));
        Assert.Null(Browser.FieldError(page, "refresh-token-lifetime"));
        Assert.Equal("Must be between 10 seconds and 10 minutes.", Browser.FieldError(page, "authorization-code-lifetime"));
        Assert.Contains("aria-invalid=\"true\"", Browser.Element(page, "access-token-lifetime"));
        Assert.Contains("access-token-lifetime-error", Browser.Element(page, "access-token-lifetime"));
        Assert.Contains("autofocus", Browser.Element(page, "access-token-lifetime"));
        Assert.Contains("aria-invalid=\"true\"", Browser.Element(page, "access-token-lifetime-unit"));
        Assert.DoesNotContain("aria-invalid", Browser.Element(page, "refresh-token-lifetime"));
        Assert.Contains("role=\"alert\"", page);
        Assert.Equal("1h", Browser.ValueOf(page, "access-token-lifetime"));
        Assert.Equal("2", Browser.ValueOf(page, "refresh-token-lifetime"));
        Assert.Equal("hours", SelectedUnit(page, "refresh-token-lifetime"));
        Assert.Equal("5", Browser.ValueOf(page, "authorization-code-lifetime"));
        Assert.Equal(name, Browser.ValueOf(page, "name"));
        Assert.Empty((await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).ListAsync(1, 10, name)).Items);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_edit_form_shows_the_applications_lifetimes_changes_them_and_blank_returns_to_the_defaults(bool htmx)
    {
        using var api = Host.CreateClient();
        var created = await RegisterAsync(api, new { accessToken = 120, refreshToken = 1_209_600 });
        var clientId = created.String("clientId")!;
        var editPath = $"{Browser.ApplicationsPath}/{clientId}/edit";
        using var client = await Host.SignedInClientAsync();

        var form = await (await client.GetAsync(editPath, htmx)).Content.ReadAsStringAsync();
        Assert.Equal(("2", "minutes"), (Browser.ValueOf(form, "access-token-lifetime"), SelectedUnit(form, "access-token-lifetime")));
        Assert.Equal(("14", "days"), (Browser.ValueOf(form, "refresh-token-lifetime"), SelectedUnit(form, "refresh-token-lifetime")));
        Assert.Null(Browser.ValueOf(form, "authorization-code-lifetime"));

        var response = await client.SubmitAsync(editPath, editPath, htmx,
            ("Name", created.String("name")), ("RedirectUrls", "https://client.example/callback"), ("GrantTypes", GrantTypes.ClientCredentials),
            ("AccessTokenLifetime", "10"), ("AccessTokenLifetimeUnit", "minutes"), ("RefreshTokenLifetime", ""), ("RefreshTokenLifetimeUnit", "days"),
            ("AuthorizationCodeLifetime", ""), ("AuthorizationCodeLifetimeUnit", "seconds"));
        var saved = await client.GetStringAsync($"{Browser.ApplicationsPath}/{clientId}/credentials");

        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal("10 minutes (600 seconds)", Shown(saved, "access-token-lifetime"));
        Assert.Equal("Server default (60 days)", Shown(saved, "refresh-token-lifetime"));
        Assert.Equal(new TokenLifetimes(TimeSpan.FromMinutes(10), null, null),
            (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.TokenLifetimes);
    }

    [Fact]
    public async Task A_refused_edit_of_the_lifetimes_keeps_what_was_typed_and_changes_nothing()
    {
        using var api = Host.CreateClient();
        var created = await RegisterAsync(api, new { accessToken = 120 });
        var clientId = created.String("clientId")!;
        var editPath = $"{Browser.ApplicationsPath}/{clientId}/edit";
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(editPath, editPath, htmx: true,
            ("Name", "Still typed"), ("RedirectUrls", "https://client.example/callback"), ("GrantTypes", GrantTypes.ClientCredentials),
            ("AccessTokenLifetime", "30"), ("AccessTokenLifetimeUnit", "seconds"), ("RefreshTokenLifetime", "two weeks"), ("RefreshTokenLifetimeUnit", "days"),
            ("AuthorizationCodeLifetime", ""));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("Must be between 1 minute and 24 hours.", Browser.FieldError(page, "access-token-lifetime"));
        Assert.Equal("Enter a positive whole number of days.", Browser.FieldError(page, "refresh-token-lifetime"));
        Assert.Equal("30", Browser.ValueOf(page, "access-token-lifetime"));
        Assert.Equal("two weeks", Browser.ValueOf(page, "refresh-token-lifetime"));
        Assert.Equal("Still typed", Browser.ValueOf(page, "name"));
        var stored = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();
        Assert.Equal(new TokenLifetimes(TimeSpan.FromMinutes(2), null, null), stored!.TokenLifetimes);
        Assert.NotEqual("Still typed", stored.Name);
    }

    [Theory]
    [InlineData("2", "hours", 7_200L)]
    [InlineData("90", "minutes", 5_400L)]
    [InlineData("1", "days", 86_400L)]
    [InlineData("3600", "seconds", 3_600L)]
    public async Task An_amount_in_a_unit_is_stored_as_that_lifetime(string amount, string unit, long seconds)
    {
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx: true,
            ("Name", Browser.UniqueName("Units")), ("RedirectUrls", "https://form.example/cb"), ("ClientType", "confidential"),
            ("GrantTypes", GrantTypes.AuthorizationCode), ("AccessTokenLifetime", amount), ("AccessTokenLifetimeUnit", unit));
        var clientId = Browser.ValueOf(await response.Content.ReadAsStringAsync(), "client-id")!;

        var stored = (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.TokenLifetimes;
        Assert.Equal(TimeSpan.FromSeconds(seconds), stored!.AccessToken);
        var api = await Api.AsAdministratorAsync(Host.CreateClient(), HttpMethod.Get, $"{Api.Applications}/{clientId}");
        Assert.Equal(seconds, Lifetimes(api).Item1);
    }

    [Theory]
    [InlineData(7_200L, "2", "hours")]
    [InlineData(5_400L, "90", "minutes")]
    [InlineData(86_400L, "1", "days")]
    [InlineData(90L, "90", "seconds")]
    [InlineData(3_660L, "61", "minutes")]
    public async Task The_edit_form_shows_a_lifetime_in_the_largest_unit_it_is_a_whole_number_of(long seconds, string amount, string unit)
    {
        using var api = Host.CreateClient();
        var created = await RegisterAsync(api, new { accessToken = seconds });
        using var client = await Host.SignedInClientAsync();

        var form = await (await client.GetAsync($"{Browser.ApplicationsPath}/{created.String("clientId")}/edit", htmx: true)).Content.ReadAsStringAsync();

        Assert.Equal(amount, Browser.ValueOf(form, "access-token-lifetime"));
        Assert.Equal(unit, SelectedUnit(form, "access-token-lifetime"));
    }

    [Theory]
    [InlineData("0", "minutes", "Enter a positive whole number of minutes.")]
    [InlineData("-5", "minutes", "Enter a positive whole number of minutes.")]
    [InlineData("1.5", "hours", "Enter a positive whole number of hours.")]
    [InlineData("ten", "days", "Enter a positive whole number of days.")]
    [InlineData("5", "weeks", "Choose seconds, minutes, hours or days.")]
    [InlineData("25", "hours", "Must be between 1 minute and 24 hours.")]
    [InlineData("30", "seconds", "Must be between 1 minute and 24 hours.")]
    [InlineData("99999999999999", "days", "Must be between 1 minute and 24 hours.")]
    [InlineData("99999999999999999999999", "minutes", "Must be between 1 minute and 24 hours.")]
    [InlineData("000", "minutes", "Enter a positive whole number of minutes.")]
    public async Task An_unreadable_or_out_of_range_lifetime_is_refused_with_one_precise_message(string amount, string unit, string message)
    {
        var name = Browser.UniqueName("Refused unit");
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx: true,
            ("Name", name), ("RedirectUrls", "https://form.example/cb"), ("ClientType", "confidential"),
            ("GrantTypes", GrantTypes.AuthorizationCode), ("AccessTokenLifetime", amount), ("AccessTokenLifetimeUnit", unit));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(message, Browser.FieldError(page, "access-token-lifetime"));
        Assert.Contains("aria-invalid=\"true\"", Browser.Element(page, "access-token-lifetime"));
        Assert.Contains("access-token-lifetime-error", Browser.Element(page, "access-token-lifetime"));
        Assert.Contains("<details class=\"advanced\" id=\"advanced-settings\" open=\"open\">", page);
        Assert.Equal(amount, Browser.ValueOf(page, "access-token-lifetime"));
        Assert.Empty((await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).ListAsync(1, 10, name)).Items);
    }

    private static async Task<ApiResponse> RegisterAsync(HttpClient client, object? lifetimes)
    {
        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications, new
        {
            name = Browser.UniqueName("Lifetimes"),
            redirectUrls = new[] { "https://client.example/callback" },
            clientType = "confidential",
            grantTypes = new[] { GrantTypes.ClientCredentials },
            tokenLifetimes = lifetimes,
        });
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return response;
    }

    private static (long?, long?, long?) Lifetimes(ApiResponse response)
    {
        var lifetimes = response.Json!.Value.GetProperty("tokenLifetimes");
        long? Seconds(string name) => lifetimes.GetProperty(name).ValueKind == JsonValueKind.Null ? null : lifetimes.GetProperty(name).GetInt64();
        return (Seconds("accessToken"), Seconds("refreshToken"), Seconds("authorizationCode"));
    }

    private static void AssertProblem(ApiResponse response, string field, string expected)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("The request has errors; nothing was changed.", response.String("title"));
        var messages = response.ErrorsFor(field);
        Assert.True(messages.Count > 0, response.ToString());
        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>A client credentials token's expires_in, and its lifetime as the token itself says (exp - iat).</summary>
    private static async Task<(long ExpiresIn, long Lifetime)> IssueAsync(HttpClient client, ApiResponse created)
    {
        using var response = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", created.String("clientId")!),
            new("client_secret", created.String("clientSecret")!),
        ]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var payload = json.RootElement.GetProperty("access_token").GetString()!.Split('.')[1];
        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        return (json.RootElement.GetProperty("expires_in").GetInt64(),
            claims.RootElement.GetProperty("exp").GetInt64() - claims.RootElement.GetProperty("iat").GetInt64());
    }

    // A lifetime as the credentials and saved panels show it.
    /// <summary>The option selected in a lifetime's unit select.</summary>
    private static string? SelectedUnit(string page, string id) =>
        Regex.Match(UnitSelect(page, id), "<option value=\"([a-z]+)\" selected=\"selected\">") is { Success: true } m ? m.Groups[1].Value : null;

    private static string[] UnitChoices(string page, string id) =>
        [.. Regex.Matches(UnitSelect(page, id), "<option value=\"([a-z]+)\"").Select(m => m.Groups[1].Value)];

    private static string UnitSelect(string page, string id) =>
        Regex.Match(page, $"<select id=\"{Regex.Escape(id)}-unit\".*?</select>", RegexOptions.Singleline).Value;

    private static string Shown(string page, string id) =>
        WebUtility.HtmlDecode(Regex.Match(page, $"<dd id=\"{id}-value\">\\s*([^<]*?)\\s*</dd>").Groups[1].Value);

    // A schema inline or behind a $ref (nullable ones may come as oneOf/anyOf with null).
    private static JsonElement Resolve(JsonElement schemas, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return schemas.GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                return Resolve(schemas, options.EnumerateArray().First(o => o.TryGetProperty("$ref", out _) || o.TryGetProperty("properties", out _)));
            }
        }

        return schema;
    }
}
