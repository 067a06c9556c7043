using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The JSON admin API under /api/admin/: every operation, its problems, who may call it.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class AdminApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Registering_returns_201_with_the_location_the_client_id_and_the_client_secret()
    {
        using var client = Host.CreateClient();
        var name = Browser.UniqueName("Nightly export");

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications, new
        {
            name,
            redirectUrls = new[] { "https://export.example/callback" },
            clientType = "confidential",
            grantTypes = new[] { "client_credentials" },
        });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("application/json", response.ContentType);
        var clientId = response.String("clientId")!;
        Assert.Equal($"/api/admin/applications/{clientId}", response.Message.Headers.Location?.OriginalString);
        Assert.False(string.IsNullOrEmpty(response.String("clientSecret")));
        Assert.Equal(name, response.String("name"));
        Assert.Equal("confidential", response.String("clientType"));
        Assert.Equal(["client_credentials"], response.Json!.Value.GetProperty("grantTypes").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("ADMIN", response.String("createdBy"));
        Assert.True(await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).VerifySecretAsync(response.String("clientSecret")!));
    }

    [Fact]
    public async Task A_client_credentials_token_is_issued_with_the_credentials_the_API_returned()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);

        using var token = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", created.GetProperty("clientId").GetString()!),
            new("client_secret", created.GetProperty("clientSecret").GetString()!),
        ]));
        var body = await token.Content.ReadAsStringAsync();

        Assert.True(token.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("access_token").GetString()));
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task What_the_API_registers_the_list_page_shows()
    {
        using var script = Host.CreateClient();
        var name = Browser.UniqueName("From a script");
        var created = await Api.RegisterAsync(script, name);
        using var browser = await Host.SignedInClientAsync();

        var page = await browser.GetStringAsync(Browser.ApplicationsPath + "?filter=" + Uri.EscapeDataString(name));

        Assert.Contains($"data-client-id=\"{created.GetProperty("clientId").GetString()}\"", page);
        Assert.Contains($"<th scope=\"row\">{name}</th>", page);
        Assert.Contains("<td>Client credentials</td>", page);
    }

    [Fact]
    public async Task The_list_is_sorted_by_name_paged_and_filtered_by_name_or_client_id()
    {
        using var client = Host.CreateClient();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var c = await Api.RegisterAsync(client, $"{tag} Charlie");
        await Api.RegisterAsync(client, $"{tag} alpha");
        await Api.RegisterAsync(client, $"{tag} Bravo");

        var first = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={tag}&pageSize=2&page=1");
        var second = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={tag}&pageSize=2&page=2");
        var byClientId = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}?filter={c.GetProperty("clientId").GetString()}");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(3, first.Json!.Value.GetProperty("totalCount").GetInt32());
        Assert.Equal([$"{tag} alpha", $"{tag} Bravo"], Names(first));
        Assert.Equal([$"{tag} Charlie"], Names(second));
        Assert.Equal(2, second.Json!.Value.GetProperty("page").GetInt32());
        Assert.Equal([$"{tag} Charlie"], Names(byClientId));
        var item = first.Json!.Value.GetProperty("items")[0];
        Assert.Equal("confidential", item.GetProperty("clientType").GetString());
        Assert.Equal(1, item.GetProperty("redirectUrlCount").GetInt32());
        Assert.Equal(0, item.GetProperty("activeTokens").GetInt32());
    }

    [Fact]
    public async Task Get_returns_the_application_without_its_secret()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(clientId, response.String("clientId"));
        Assert.DoesNotContain(created.GetProperty("clientSecret").GetString()!, response.Body);
        Assert.False(response.Json!.Value.TryGetProperty("clientSecret", out _));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/rotate-secret")]
    [InlineData("GET", "/credentials")]
    [InlineData("GET", "/grants")]
    [InlineData("DELETE", "/grants/SOMEONE")]
    [InlineData("GET", "/tokens")]
    [InlineData("DELETE", "/tokens/no-such-client.abc")]
    [InlineData("DELETE", "/tokens")]
    public async Task An_unknown_application_is_a_404_problem(string method, string suffix)
    {
        using var client = Host.CreateClient();
        object? body = method == "PUT" ? new { name = "x", redirectUrls = new[] { "https://x.example/cb" } } : null;

        var response = await Api.AsAdministratorAsync(client, new HttpMethod(method), $"{Api.Applications}/no-such-client{suffix}", body);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(404, response.Json!.Value.GetProperty("status").GetInt32());
        Assert.Equal("Application not found", response.String("title"));
    }

    [Fact]
    public async Task Put_replaces_name_redirect_urls_and_grant_types()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;
        var name = Browser.UniqueName("Renamed");

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new
        {
            name,
            redirectUrls = new[] { "https://a.example/cb", "http://[::1]:9000/cb" },
            grantTypes = new[] { "authorization_code", "refresh_token", "client_credentials" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(name, response.String("name"));
        var stored = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();
        Assert.Equal(["https://a.example/cb", "http://[::1]:9000/cb"], stored!.RedirectUrls);
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials], stored.GrantTypes);
    }

    [Fact]
    public async Task Put_cannot_change_the_client_type()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new
        {
            name = "Whatever",
            redirectUrls = new[] { "https://a.example/cb" },
            clientType = "public",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Single(response.ErrorsFor("clientType"));
        Assert.Equal(ClientType.Confidential, (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.ClientType);
    }

    public static TheoryData<string, string, string> InvalidBodies() => new()
    {
        { """{"name":"","redirectUrls":["https://a.example/cb"],"clientType":"confidential"}""", "name", "Enter a name" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb","http://a.example/cb"],"clientType":"confidential"}""", "redirectUrls[1]", "https" },
        { """{"name":"Ok","redirectUrls":[],"clientType":"confidential"}""", "redirectUrls", "at least one" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb#x"],"clientType":"confidential"}""", "redirectUrls[0]", "fragment" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb"],"clientType":"other"}""", "clientType", "public or confidential" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb"]}""", "clientType", "public or confidential" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb"],"clientType":"public","grantTypes":["client_credentials"]}""", "grantTypes", "public client" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb"],"clientType":"confidential","grantTypes":["implicit"]}""", "grantTypes", "implicit" },
        { """{"name":5,"redirectUrls":["https://a.example/cb"],"clientType":"confidential"}""", "name", "not valid" },
        { """{"name":"Ok","redirectUrls":["https://a.example/cb",7],"clientType":"confidential"}""", "redirectUrls[1]", "not valid" },
        { """{"name":"Ok",""", "body", "not valid" },
        { "null", "body", "JSON object" },
    };

    [Theory, MemberData(nameof(InvalidBodies))]
    public async Task Invalid_input_is_a_validation_problem_naming_the_field(string json, string field, string expected)
    {
        using var client = Host.CreateClient();

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", response.String("type"));
        var messages = response.ErrorsFor(field);
        Assert.True(messages.Count > 0, response.ToString());
        Assert.Contains(messages, m => m.Contains(expected, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_duplicate_name_is_a_validation_problem_on_name()
    {
        using var client = Host.CreateClient();
        var name = Browser.UniqueName("Twice");
        await Api.RegisterAsync(client, name);

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications,
            new { name = name.ToLowerInvariant(), redirectUrls = new[] { "https://a.example/cb" }, clientType = "confidential" });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("already has this name", Assert.Single(response.ErrorsFor("name")));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_refused_with_415()
    {
        using var client = Host.CreateClient();

        var response = await Api.SendAsync(client, HttpMethod.Post, Api.Applications, authorization: Api.Basic(),
            configure: r => r.Content = new FormUrlEncodedContent([new("name", "Form")]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        using var client = Host.CreateClient();

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications,
            new { name = new string('x', 100_000), redirectUrls = new[] { "https://a.example/cb" }, clientType = "confidential" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    [Fact]
    public async Task Delete_answers_204_then_404_and_the_credentials_stop_working()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;

        var deleted = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}");
        var get = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}");
        using var token = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", created.GetProperty("clientSecret").GetString()!)]));

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal("application/problem+json", again.ContentType);
        Assert.Contains("already deleted", again.String("detail"));
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.NotEqual(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task Credentials_return_the_secret_and_rotating_issues_a_new_one_while_the_old_one_keeps_working()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var original = created.GetProperty("clientSecret").GetString()!;

        var credentials = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        var rotated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");

        Assert.Equal(original, credentials.String("clientSecret"));
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var fresh = rotated.String("clientSecret")!;
        Assert.NotEqual(original, fresh);
        var until = rotated.Json!.Value.GetProperty("previousSecretValidUntil").GetDateTimeOffset();
        Assert.InRange(until, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        var application = Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId);
        Assert.True(await application.VerifySecretAsync(original));
        Assert.True(await application.VerifySecretAsync(fresh));
        Assert.True(rotated.Message.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_public_client_has_no_secret_to_show_or_rotate()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client, clientType: "public", grantTypes: ["authorization_code"]);
        var clientId = created.GetProperty("clientId").GetString()!;

        var credentials = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        var rotated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");

        Assert.Equal(JsonValueKind.Null, created.GetProperty("clientSecret").ValueKind);
        Assert.Equal(JsonValueKind.Null, credentials.Json!.Value.GetProperty("clientSecret").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, rotated.Status);
        Assert.Single(rotated.ErrorsFor("clientType"));
    }

    [Fact]
    public async Task Tokens_are_listed_and_revoked_one_at_a_time_or_all_at_once()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var first = await AccessTokenAsync(client, created);
        await AccessTokenAsync(client, created);
        await AccessTokenAsync(client, created);

        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens?pageSize=2");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(3, listed.Json!.Value.GetProperty("totalCount").GetInt32());
        var items = listed.Json!.Value.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("access_token", items[0].GetProperty("type").GetString());
        var tokenId = items[0].GetProperty("id").GetString()!;

        var revoked = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens/{tokenId}");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens/{tokenId}");
        var left = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(2, left.Json!.Value.GetProperty("totalCount").GetInt32());

        var all = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/tokens");
        var none = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(2, all.Json!.Value.GetProperty("revokedTokens").GetInt64());
        Assert.Equal(0, none.Json!.Value.GetProperty("totalCount").GetInt32());

        // Revoked means refused by the API on the next call.
        using var call = new HttpRequestMessage(HttpMethod.Get, "/4/worklogs");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(call)).StatusCode);
    }

    [Fact]
    public async Task A_token_of_another_application_is_not_found_and_not_revoked()
    {
        using var client = Host.CreateClient();
        var mine = await Api.RegisterAsync(client);
        var theirs = await Api.RegisterAsync(client);
        await AccessTokenAsync(client, theirs);
        var theirsId = theirs.GetProperty("clientId").GetString()!;
        var tokenId = (await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{theirsId}/tokens")).Json!.Value.GetProperty("items")[0].GetProperty("id").GetString()!;

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{mine.GetProperty("clientId").GetString()}/tokens/{tokenId}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(1, (await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{theirsId}/tokens")).Json!.Value.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Grants_are_listed_and_revoking_a_users_grants_revokes_their_tokens()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client, grantTypes: ["authorization_code", "refresh_token"])).GetProperty("clientId").GetString()!;
        var (grantId, tokenId) = await Grants.AuthorizeAsync(Host, clientId, "GRACE", ["read", "write"]);
        await Grants.AuthorizeAsync(Host, clientId, "ALAN", ["read"]);

        var listed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/grants");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var grace = listed.Json!.Value.GetProperty("items").EnumerateArray().Single(g => g.GetProperty("subject").GetString() == "GRACE");
        Assert.Equal(grantId, grace.GetProperty("id").GetString());
        Assert.Equal(["read", "write"], grace.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var tokens = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/tokens");
        var token = tokens.Json!.Value.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetString() == tokenId);
        Assert.Equal(["read", "write"], token.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var revoked = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/grants/GRACE");
        var again = await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}/grants/GRACE");
        var after = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/grants");

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal(1, revoked.Json!.Value.GetProperty("revokedGrants").GetInt64());
        Assert.Equal(1, revoked.Json!.Value.GetProperty("revokedTokens").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(["ALAN"], after.Json!.Value.GetProperty("items").EnumerateArray().Select(g => g.GetProperty("subject").GetString()));
        Assert.Equal(TokenStatuses.Revoked, (await Host.Grains.GetGrain<IApplicationTokenSet>(clientId).FindTokenAsync(tokenId))!.Status);
    }

    [Fact]
    public async Task Without_credentials_the_API_answers_401_with_a_Basic_challenge()
    {
        using var client = Host.CreateClient();

        var response = await Api.SendAsync(client, HttpMethod.Get, Api.Applications);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Basic realm=\"TempoModular\"", response.Message.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(401, response.Json!.Value.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("admin", "wrong password")]
    [InlineData("nobody-at-all", "whatever")]
    public async Task Wrong_Basic_credentials_are_401_with_one_message_for_both_cases(string user, string password)
    {
        using var client = Host.CreateClient();

        var response = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(user, password));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Basic realm=\"TempoModular\"", response.Message.Headers.WwwAuthenticate.ToString());
        Assert.Equal("The user name or password is incorrect.", response.String("detail"));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm8tY29sb24=")]
    [InlineData("OnBhc3N3b3Jk")]
    public async Task A_malformed_Basic_header_is_401(string parameter)
    {
        using var client = Host.CreateClient();

        var response = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: new AuthenticationHeaderValue("Basic", parameter));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task A_Basic_user_without_the_permissions_gets_a_403_problem_naming_the_missing_ones()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.TempoAdministrator | TempoPermissions.JiraAdministrator);
        using var client = Host.CreateClient();

        var response = await Api.SendAsync(client, HttpMethod.Get, Api.Applications, authorization: Api.Basic(userName, Browser.UserPassword));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(["Tempo Team Administrator", "Tempo Account Administrator"],
            response.Json!.Value.GetProperty("missingPermissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("Tempo Team Administrator", response.String("detail"));
    }

    [Fact]
    public async Task A_signed_in_user_without_the_permissions_gets_the_403_problem_too()
    {
        var userName = await Host.CreateUserAsync(TempoPermissions.None);
        using var client = await Host.SignedInClientAsync(userName, Browser.UserPassword);

        var response = await Api.SendAsync(client, HttpMethod.Get, Api.Applications);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(4, response.Json!.Value.GetProperty("missingPermissions").GetArrayLength());
    }

    [Fact]
    public async Task With_the_sign_in_cookie_reads_need_no_token_but_changes_need_the_antiforgery_header()
    {
        using var client = await Host.SignedInClientAsync();
        var page = await client.GetStringAsync(Browser.ApplicationsPath);
        var body = new { name = Browser.UniqueName("Cookie app"), redirectUrls = new[] { "https://c.example/cb" }, clientType = "confidential" };

        var read = await Api.SendAsync(client, HttpMethod.Get, Api.Applications);
        var refused = await Api.SendAsync(client, HttpMethod.Post, Api.Applications, body);
        var accepted = await Api.SendAsync(client, HttpMethod.Post, Api.Applications, body,
            configure: r => r.Headers.Add("X-CSRF-TOKEN", Browser.AntiforgeryToken(page)));

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains("X-CSRF-TOKEN", refused.String("detail"));
        Assert.Equal(HttpStatusCode.Created, accepted.Status);
        Assert.Equal("ADMIN", accepted.String("createdBy"));
    }

    [Fact]
    public async Task A_Basic_request_needs_no_antiforgery_token_but_one_from_another_sites_page_is_refused()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;

        var forged = await Api.SendAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}", authorization: Api.Basic(),
            configure: r => r.Headers.Add("Origin", "https://attacker.example"));
        var sameSite = await Api.SendAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret", authorization: Api.Basic(),
            configure: r => r.Headers.Add("Origin", "http://127.0.0.1"));

        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.NotNull(await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync());
        Assert.Equal(HttpStatusCode.OK, sameSite.Status);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_admin_API()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(body);
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/admin/applications", "/api/admin/applications/{clientId}", "/api/admin/applications/{clientId}/rotate-secret",
                     "/api/admin/applications/{clientId}/credentials", "/api/admin/applications/{clientId}/grants",
                     "/api/admin/applications/{clientId}/grants/{subject}", "/api/admin/applications/{clientId}/tokens",
                     "/api/admin/applications/{clientId}/tokens/{tokenId}", "/api/admin/audit",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document.");
        }

        var post = paths.GetProperty("/api/admin/applications").GetProperty("post");
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        Assert.Equal("basic", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("basic").GetProperty("scheme").GetString());
    }

    private static List<string?> Names(ApiResponse response) =>
        [.. response.Json!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString())];

    private static async Task<string> AccessTokenAsync(HttpClient client, JsonElement created)
    {
        using var response = await client.PostAsync("/oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", created.GetProperty("clientId").GetString()!),
            new("client_secret", created.GetProperty("clientSecret").GetString()!),
        ]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}

/// <summary>What a user's authorization leaves in an application's token set: a permanent grant and a token under it.</summary>
internal static class Grants
{
    public static async Task<(string GrantId, string TokenId)> AuthorizeAsync(TestHost<Program> host, string clientId, string subject, string[] scopes)
    {
        var tokens = host.Grains.GetGrain<IApplicationTokenSet>(clientId);
        var now = DateTimeOffset.UtcNow;
        var grantId = TokenIds.New(clientId);
        await tokens.RecordGrantAsync(new GrantRecord(grantId, subject, "permanent", TokenStatuses.Valid, scopes, now, null, 0));
        var tokenId = TokenIds.New(clientId);
        await tokens.RecordTokenAsync(new TokenRecord(tokenId, grantId, subject, "refresh_token", TokenStatuses.Valid, now, now.AddDays(1), null, null, null, null, 0));
        return (grantId, tokenId);
    }
}
