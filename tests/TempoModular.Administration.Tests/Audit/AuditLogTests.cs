using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TempoModular.Administration.Access;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The audit log: every change, reveal and revocation recorded, newest first, never a secret, never rewritten.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class AuditLogTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task What_administrators_do_on_the_pages_is_logged_newest_first_with_who_did_it()
    {
        using var client = await Host.SignedInClientAsync();
        const string newPath = Browser.ApplicationsPath + "/new";
        var created = await (await client.SubmitAsync(newPath, newPath, htmx: true,
            ("Name", Browser.UniqueName("Audited")), ("RedirectUrls", "https://audited.example/cb"), ("ClientType", "confidential"),
            ("GrantTypes", "authorization_code"), ("GrantTypes", "refresh_token"))).Content.ReadAsStringAsync();
        var clientId = Browser.ValueOf(created, "client-id")!;
        var secret = Browser.ValueOf(created, "client-secret")!;
        var app = $"{Browser.ApplicationsPath}/{clientId}";
        await client.SubmitAsync($"{app}/edit", $"{app}/edit", htmx: true,
            ("Name", Browser.UniqueName("Audited again")), ("RedirectUrls", "https://audited.example/cb"), ("GrantTypes", "authorization_code"));
        await client.SubmitAsync($"{app}/credentials", $"{app}/credentials", htmx: true);
        var rotated = await (await client.SubmitAsync($"{app}/rotate-secret", $"{app}/rotate-secret", htmx: true)).Content.ReadAsStringAsync();
        await Grants.AuthorizeAsync(Host, clientId, "GRACE", ["read"]);
        await Grants.AuthorizeAsync(Host, clientId, "ALAN", ["read"]);
        await client.SubmitAsync($"{app}/tokens", $"{app}/tokens?handler=RevokeGrant", htmx: true, ("subject", "GRACE"));
        var tokenId = (await Host.Grains.GetGrain<TempoModular.Applications.IApplicationTokenSet>(clientId).ListTokensAsync(1, 10)).Items.Single().Id;
        await client.SubmitAsync($"{app}/tokens", $"{app}/tokens?handler=RevokeToken", htmx: true, ("tokenId", tokenId));
        await client.SubmitAsync($"{app}/tokens", $"{app}/tokens?handler=RevokeAll", htmx: true);
        await client.SubmitAsync($"{app}/delete", $"{app}/delete", htmx: true);

        var log = await Host.Services.GetRequiredService<AuditLog>().ReadAsync(1, 50, clientId);

        Assert.Equal(
            [
                AuditActions.Deleted, AuditActions.AllTokensRevoked, AuditActions.TokenRevoked, AuditActions.GrantRevoked,
                AuditActions.SecretRotated, AuditActions.CredentialsRevealed, AuditActions.Updated, AuditActions.Created,
            ],
            log.Items.Select(e => e.Action));
        Assert.All(log.Items, e =>
        {
            Assert.Equal("ADMIN", e.Actor);
            Assert.Equal("Administrator", e.ActorName);
            Assert.Equal(Administrator.ViaPages, e.Via);
            Assert.Equal(clientId, e.ClientId);
            Assert.InRange(e.OccurredAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        });
        Assert.Contains("GRACE", log.Items.Single(e => e.Action == AuditActions.GrantRevoked).Details);
        var newSecret = Browser.ValueOf(rotated, "client-secret")!;
        Assert.All(log.Items, e => Assert.DoesNotContain(secret, $"{e.Details}{e.ApplicationName}"));
        Assert.All(log.Items, e => Assert.DoesNotContain(newSecret, $"{e.Details}{e.ApplicationName}"));
    }

    [Fact]
    public async Task The_audit_log_page_shows_the_entries_and_filters_them_by_application()
    {
        using var script = Host.CreateClient();
        var name = Browser.UniqueName("Logged");
        var clientId = (await Api.RegisterAsync(script, name)).GetProperty("clientId").GetString()!;
        await Api.AsAdministratorAsync(script, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        using var browser = await Host.SignedInClientAsync();

        var all = await browser.GetStringAsync(Browser.AuditLogPath);
        var filtered = await (await browser.GetAsync($"{Browser.AuditLogPath}?clientId={clientId}", htmx: true)).Content.ReadAsStringAsync();

        Assert.Contains("<label for=\"audit-application\">Application</label>", all);
        Assert.Contains($"<option value=\"{clientId}\">{name} ({clientId})</option>", all);
        Assert.Contains("id=\"audit-entries\"", filtered);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(filtered, "<tr data-action=").Count);
        Assert.Contains("Revealed the credentials", filtered);
        Assert.Contains("Created the application", filtered);
        Assert.Contains("admin API", filtered);
        Assert.True(filtered.IndexOf("Revealed the credentials", StringComparison.Ordinal) < filtered.IndexOf("Created the application", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_API_reads_the_audit_log_newest_first_for_one_application()
    {
        using var client = Host.CreateClient();
        var clientId = (await Api.RegisterAsync(client)).GetProperty("clientId").GetString()!;
        await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");
        await Api.AsAdministratorAsync(client, HttpMethod.Delete, $"{Api.Applications}/{clientId}");

        var response = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"/api/admin/audit?clientId={clientId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var items = response.Json!.Value.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["application.deleted", "secret.rotated", "application.created"], items.Select(i => i.GetProperty("action").GetString()));
        Assert.All(items, i => Assert.Equal("api", i.GetProperty("via").GetString()));
        Assert.All(items, i => Assert.Equal("admin", i.GetProperty("actor").GetString()));
        Assert.Equal(3, response.Json!.Value.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task No_secret_the_API_handed_out_is_anywhere_in_the_database()
    {
        using var client = Host.CreateClient();
        var created = await Api.RegisterAsync(client);
        var clientId = created.GetProperty("clientId").GetString()!;
        var revealed = await Api.AsAdministratorAsync(client, HttpMethod.Get, $"{Api.Applications}/{clientId}/credentials");
        var rotated = await Api.AsAdministratorAsync(client, HttpMethod.Post, $"{Api.Applications}/{clientId}/rotate-secret");

        var everything = await Host.Database.DumpAsync();

        Assert.Contains(clientId, everything);
        Assert.DoesNotContain(created.GetProperty("clientSecret").GetString()!, everything);
        Assert.DoesNotContain(revealed.String("clientSecret")!, everything);
        Assert.DoesNotContain(rotated.String("clientSecret")!, everything);
    }

    [Fact]
    public async Task The_audit_table_refuses_updates_and_deletes()
    {
        using var client = Host.CreateClient();
        await Api.RegisterAsync(client);
        var database = Host.Services.GetRequiredService<TempoDatabase>();

        await AssertAppendOnlyAsync(database);
    }

    [Fact]
    public async Task The_audit_log_works_the_same_on_PostgreSQL()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        await using var database = new TempoDatabase(Options.Create(new StorageOptions
        {
            Provider = StorageProvider.PostgreSql,
            PostgreSql = test.PostgresConnectionString,
            DataFolder = test.DataFolder,
        }));
        var sources = new[] { new SchemaSource(typeof(AuditLog).Assembly) };

        // Twice: the script runs at every start.
        await new SchemaBootstrap(database, sources, NullLogger<SchemaBootstrap>.Instance).ApplyAsync(CancellationToken.None);
        await new SchemaBootstrap(database, sources, NullLogger<SchemaBootstrap>.Instance).ApplyAsync(CancellationToken.None);

        var log = new AuditLog(database, TimeProvider.System);
        var by = new Administrator("ADMIN", "Administrator", Administrator.ViaApi);
        await log.AppendAsync(by, AuditActions.Created, "client-a", "Alpha", "details");
        await log.AppendAsync(by, AuditActions.Deleted, "client-a", "Alpha", null);
        await log.AppendAsync(by, AuditActions.Created, "client-b", "Bravo", null);

        var all = await log.ReadAsync(1, 2, null);
        var alpha = await log.ReadAsync(1, 10, "client-a");
        var applications = await log.ApplicationsAsync();

        Assert.Equal(3, all.TotalCount);
        Assert.Equal(["client-b", "client-a"], all.Items.Select(e => e.ClientId));
        Assert.Equal([AuditActions.Deleted, AuditActions.Created], alpha.Items.Select(e => e.Action));
        Assert.Equal("details", alpha.Items[1].Details);
        Assert.Null(alpha.Items[0].Details);
        Assert.Equal(["Alpha", "Bravo"], applications.Select(a => a.Name));
        await AssertAppendOnlyAsync(database);
    }

    private static async Task AssertAppendOnlyAsync(TempoDatabase database)
    {
        await using var connection = await database.OpenAsync();
        foreach (var sql in new[] { "UPDATE admin_audit SET actor = 'someone else'", "DELETE FROM admin_audit" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.Message);
        }
    }
}

/// <summary>The Basic scheme's pure parts: decoding the header and which connections may carry a password.</summary>
public sealed class BasicAuthenticationTests
{
    [Theory]
    [InlineData("YWRtaW46c2VjcmV0", "admin", "secret")]
    [InlineData("YWRtaW46c2U6Y3JldA==", "admin", "se:cret")]
    [InlineData("w6lsb2lzZTpww6Vzc3dvcmQ=", "éloise", "påssword")]
    [InlineData("YWRtaW46", "admin", "")]
    public void Credentials_are_split_at_the_first_colon_and_read_as_UTF8(string parameter, string user, string password)
    {
        Assert.Equal((user, password), BasicAuthentication.Decode(parameter));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("bm8tY29sb24=")]
    [InlineData("/w==")]
    public void Anything_else_is_no_credentials(string? parameter)
    {
        Assert.Null(BasicAuthentication.Decode(parameter));
    }

    [Theory]
    [InlineData("https", "203.0.113.9", false, true)]
    [InlineData("http", "127.0.0.1", false, true)]
    [InlineData("http", "::1", false, true)]
    [InlineData("http", "203.0.113.9", false, false)]
    [InlineData("http", "10.0.0.5", false, false)]
    [InlineData("http", "203.0.113.9", true, true)]
    public void A_password_over_plain_HTTP_is_accepted_only_from_loopback_unless_configured(string scheme, string remote, bool allowHttp, bool accepted)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);

        Assert.Equal(accepted, BasicAuthentication.TransportAllowsPasswords(context, new AdministrationOptions { AllowBasicOverHttp = allowHttp }));
    }

    [Fact]
    public void The_challenge_names_the_realm()
    {
        Assert.Equal("Basic realm=\"TempoModular\"", BasicAuthentication.Challenge);
    }
}
