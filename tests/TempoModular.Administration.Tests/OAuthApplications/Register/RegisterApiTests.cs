using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>POST /api/admin/applications: registering, and the registry's refusals as validation problems.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class RegisterApiTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task Pkce_is_on_by_default_and_a_confidential_application_may_turn_it_off()
    {
        using var client = Host.CreateClient();
        var body = new
        {
            name = Browser.UniqueName("Tempo-style app"),
            redirectUrls = new[] { "https://tempo-style.example/callback" },
            clientType = "confidential",
            grantTypes = new[] { "authorization_code" },
        };

        var created = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications, body);
        var clientId = created.String("clientId")!;
        var turnedOff = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new { body.name, body.redirectUrls, body.grantTypes, requirePkce = false });
        var kept = await Api.AsAdministratorAsync(client, HttpMethod.Put, $"{Api.Applications}/{clientId}", new { body.name, body.redirectUrls, body.grantTypes });
        var publicOff = await Api.AsAdministratorAsync(client, HttpMethod.Post, Api.Applications,
            new { name = Browser.UniqueName("Public app"), body.redirectUrls, clientType = "public", body.grantTypes, requirePkce = false });

        Assert.True(created.Json!.Value.GetProperty("requirePkce").GetBoolean());
        Assert.False(turnedOff.Json!.Value.GetProperty("requirePkce").GetBoolean());
        Assert.False(kept.Json!.Value.GetProperty("requirePkce").GetBoolean());
        Assert.False((await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.RequirePkce);
        Assert.True((int)publicOff.Status is 400 or 422, publicOff.ToString());
        Assert.Contains("requirePkce", publicOff.Body);
    }

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
        Assert.Equal("admin", response.String("createdBy"));
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
}
