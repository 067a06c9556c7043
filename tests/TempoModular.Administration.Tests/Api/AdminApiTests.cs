using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The admin API as a whole: bodies it refuses, unknown applications, who may call it, cross-site protection, the OpenAPI document.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class AdminApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

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
        Assert.Equal("admin", accepted.String("createdBy"));
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
