using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TempoModular.Storage;
using TempoModular.Testing;
using static TempoModular.Host.Tests.Cluster.ClusterAdmin;

namespace TempoModular.Host.Tests.Cluster;

/// <summary>
/// Two real hosts (every module, a silo each, their own silo ports) on one
/// PostgreSQL database, configured with nothing but the database and their
/// ports: they form one Orleans cluster, so an HTTP client may use either.
/// </summary>
public sealed class TwoHosts : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public TestHost<Program> A { get; private set; } = null!;

    public TestHost<Program> B { get; private set; } = null!;

    public HttpClient ToA { get; private set; } = null!;

    public HttpClient ToB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        var cluster = new Dictionary<string, string?>
        {
            ["Orleans:ServiceId"] = "tempo-cluster-" + Guid.NewGuid().ToString("N"),
            ["Applications:SecretRotationGracePeriod"] = ClusterTests.GracePeriod.ToString(),
        };

        // Started together, as an operator's two hosts would be: both bootstrap
        // the same empty database at once.
        var a = Task.Run(() => TestHost<Program>.StartOn(Database, cluster));
        var b = Task.Run(() => TestHost<Program>.StartOn(Database, cluster));
        A = await a;
        B = await b;
        ToA = A.CreateClient();
        ToB = B.CreateClient();

        // Until both see each other as active, a grain may still be placed on
        // each (answered 503 + Retry-After, as it should be); the tests are
        // about the formed cluster.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline
            && ((await A.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 2
                || (await B.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 2))
        {
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        ToA.Dispose();
        ToB.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// The tests that run whole clusters (several silos, real processes) run alone:
/// beside other test classes on a 2-core machine, membership probes and
/// PostgreSQL connections time out and a test sees the load, not the product.
/// </summary>
[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;

[Collection(nameof(ClusterCollection))]
public sealed class ClusterTests(TwoHosts hosts) : IClassFixture<TwoHosts>
{
    /// <summary>Short, so the test can watch the previous secret stop working.</summary>
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(8);

    private HttpClient ToA => hosts.ToA;

    private HttpClient ToB => hosts.ToB;

    [Fact]
    public async Task Both_hosts_are_active_members_of_one_cluster()
    {
        var management = hosts.A.Grains.GetGrain<IManagementGrain>(0);
        var silos = await management.GetHosts(onlyActive: true);
        Assert.Equal(2, silos.Count);
        Assert.Equal(silos.Keys.Order(), (await hosts.B.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.Order());
    }

    [Fact]
    public async Task A_token_issued_on_one_host_is_accepted_on_the_other_and_refused_there_once_revoked_on_the_first()
    {
        var application = await RegisterAsync(ToA, "Cross-host tokens");
        for (var round = 0; round < 10; round++)
        {
            var (issuer, other) = round % 2 == 0 ? (ToA, ToB) : (ToB, ToA);
            var token = await IssueTokenAsync(issuer, application);
            Assert.Equal(HttpStatusCode.OK, await CallApiAsync(other, token));

            Assert.Equal(HttpStatusCode.OK, await RevokeAsync(other, application, token));
            Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(issuer, token));
            Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(other, token));
        }
    }

    [Fact]
    public async Task An_application_deleted_on_one_host_gets_no_tokens_and_its_tokens_are_refused_on_the_other()
    {
        var application = await RegisterAsync(ToB, "Deleted across hosts");
        var token = await IssueTokenAsync(ToB, application);

        using (var deleted = await ToA.SendAsync(Admin(HttpMethod.Delete, $"/api/admin/applications/{application.ClientId}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(ToB, token));
        using var refused = await RequestTokenAsync(ToB, application.ClientId, application.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_client", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_secret_rotated_on_one_host_leaves_the_old_one_working_on_the_other_for_the_grace_period_only()
    {
        var application = await RegisterAsync(ToA, "Rotated across hosts");
        var rotatedBefore = DateTime.UtcNow;
        using var rotated = await ToB.SendAsync(Admin(HttpMethod.Post, $"/api/admin/applications/{application.ClientId}/rotate-secret"));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;

        using (var old = await RequestTokenAsync(ToA, application.ClientId, application.ClientSecret))
        {
            // Refused only if the grace period had already run out (a slow machine).
            Assert.True(
                old.StatusCode == HttpStatusCode.OK || DateTime.UtcNow - rotatedBefore >= GracePeriod,
                $"The previous secret was refused with {old.StatusCode} within the grace period.");
        }

        // After the grace period the old secret is refused everywhere.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(500);
            using var attempt = await RequestTokenAsync(ToA, application.ClientId, application.ClientSecret);
            status = attempt.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(DateTime.UtcNow - rotatedBefore >= GracePeriod, "The previous secret stopped working before its grace period ended.");
        using var viaB = await RequestTokenAsync(ToB, application.ClientId, application.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, viaB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RequestTokenAsync(ToA, application.ClientId, newSecret)).StatusCode);
    }

    // A host issues tokens against its own copy of an application (one grain call
    // per token); the grain, wherever it lives, checks the copy in that call.
    [Fact]
    public async Task An_application_edited_on_one_host_is_issued_tokens_on_the_other_exactly_as_edited()
    {
        const string name = "Edited, then issued across hosts";
        var application = await RegisterAsync(ToA, name);
        var path = $"/api/admin/applications/{application.ClientId}";
        var redirectUrls = new[] { "https://cluster.example/callback" };
        for (var round = 0; round < 3; round++)
        {
            using (var first = await RequestTokenAsync(ToB, application.ClientId, application.ClientSecret))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }

            using (var withdrawn = await ToA.SendAsync(Admin(HttpMethod.Put, path, new { name, redirectUrls, grantTypes = new[] { "authorization_code" } })))
            {
                Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
            }

            using (var refused = await RequestTokenAsync(ToB, application.ClientId, application.ClientSecret))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Equal("unauthorized_client", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
            }

            // Allowed again with a lifetime of its own, then only the lifetime changed.
            foreach (var minutes in new[] { 5, 7 })
            {
                using (var edited = await ToA.SendAsync(Admin(HttpMethod.Put, path, new
                {
                    name,
                    redirectUrls,
                    grantTypes = new[] { "client_credentials" },
                    tokenLifetimes = new { accessToken = minutes * 60 },
                })))
                {
                    Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
                }

                using var issued = await RequestTokenAsync(ToB, application.ClientId, application.ClientSecret);
                Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
                Assert.InRange((await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("expires_in").GetInt32(), minutes * 60 - 10, minutes * 60);
            }
        }
    }

    [Fact]
    public async Task A_secret_revealed_on_one_host_is_the_one_revealed_on_the_other()
    {
        var application = await RegisterAsync(ToA, "Shared key ring");

        var viaA = await RevealAsync(ToA, application.ClientId);
        var viaB = await RevealAsync(ToB, application.ClientId);

        Assert.Equal(application.ClientSecret, viaA);
        Assert.Equal(viaA, viaB);
    }

    [Fact]
    public async Task Admin_edits_alternating_between_hosts_never_fail_or_lose_an_update()
    {
        var application = await RegisterAsync(ToA, "Edited across hosts");
        for (var edit = 1; edit <= 20; edit++)
        {
            var host = edit % 2 == 0 ? ToA : ToB;
            using var response = await host.SendAsync(Admin(HttpMethod.Put, $"/api/admin/applications/{application.ClientId}", new
            {
                name = $"Edited across hosts {edit}",
                redirectUrls = new[] { $"https://cluster.example/callback/{edit}" },
                grantTypes = new[] { "client_credentials" },
            }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var host in new[] { ToA, ToB })
        {
            using var read = await host.SendAsync(Admin(HttpMethod.Get, $"/api/admin/applications/{application.ClientId}"));
            var json = await read.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Edited across hosts 20", json.GetProperty("name").GetString());
            Assert.Equal("https://cluster.example/callback/20", json.GetProperty("redirectUrls")[0].GetString());
        }
    }

    [Fact]
    public async Task Registrations_fired_at_both_hosts_at_once_all_succeed_and_a_name_is_taken_once()
    {
        for (var round = 0; round < 3; round++)
        {
            var distinct = Enumerable.Range(0, 10)
                .Select(i => Task.Run(() => RegisterAsync(i % 2 == 0 ? ToA : ToB, $"Concurrent {round}-{i}")));
            var registered = await Task.WhenAll(distinct);
            Assert.Equal(10, registered.Select(r => r.ClientId).Distinct().Count());

            var sameName = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
            {
                using var response = await (i % 2 == 0 ? ToA : ToB).SendAsync(Admin(HttpMethod.Post, "/api/admin/applications", new
                {
                    name = $"Only once {round}",
                    redirectUrls = new[] { "https://cluster.example/callback" },
                    clientType = "confidential",
                    grantTypes = new[] { "client_credentials" },
                }));
                return response.StatusCode;
            }));
            var statuses = await Task.WhenAll(sameName);
            Assert.Single(statuses, s => s == HttpStatusCode.Created);
            Assert.DoesNotContain(statuses, s => (int)s >= 500);
        }
    }

    private static async Task<string?> RevealAsync(HttpClient client, string clientId)
    {
        using var response = await client.SendAsync(Admin(HttpMethod.Get, $"/api/admin/applications/{clientId}/credentials"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString();
    }
}
