using System.Net;
using System.Security.Claims;
using System.Text.Json;
using TempoModular.Testing;
using TempoModular.Worklogs.Access;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs.Tests;

/// <summary>/4/worklogs through the real host: create, list, read, delete, paging.</summary>
public sealed class WorklogApiTests : HostedTest<Program>
{
    [Fact]
    public async Task A_worklog_created_by_an_application_is_listed_read_and_deleted()
    {
        var (app, name) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);

        var created = await Integrator.PostAsync(Client, token, Integrator.ValidBody);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("application/json", created.ContentType);
        var worklog = created.Json!.Value;
        var id = worklog.GetProperty("id").GetInt64();
        Assert.True(id > 0);
        Assert.Equal($"http://127.0.0.1/4/worklogs/{id}", worklog.GetProperty("self").GetString());
        Assert.Equal(worklog.GetProperty("self").GetString(), created.Headers.Location?.ToString());
        Assert.Equal("ABC-123", worklog.GetProperty("issueKey").GetString());
        Assert.Equal(3600, worklog.GetProperty("timeSpentSeconds").GetInt32());
        Assert.Equal("2026-11-30", worklog.GetProperty("startDate").GetString());
        Assert.Equal("09:00:00", worklog.GetProperty("startTime").GetString());
        Assert.Equal("Pairing on the importer", worklog.GetProperty("description").GetString());
        Assert.Equal(app.ClientId, worklog.GetProperty("author").GetProperty("accountId").GetString());
        Assert.Equal(name, worklog.GetProperty("author").GetProperty("displayName").GetString());
        var createdAt = DateTimeOffset.Parse(worklog.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.EndsWith("Z", worklog.GetProperty("createdAt").GetString());

        var list = await Integrator.GetAsync(Client, "/4/worklogs", token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(worklog.GetRawText(), list.Json!.Value.GetProperty("results")[0].GetRawText());

        var read = await Integrator.GetAsync(Client, $"/4/worklogs/{id}", token);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(worklog.GetRawText(), read.Body);

        var deleted = await Integrator.DeleteAsync(Client, $"/4/worklogs/{id}", token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal("", deleted.Body);

        var gone = await Integrator.GetAsync(Client, $"/4/worklogs/{id}", token);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(["id"], gone.ErrorFields);
        Assert.DoesNotContain(Ids(await Integrator.GetAsync(Client, "/4/worklogs", token)), listed => listed == id);
        Assert.Equal(HttpStatusCode.NotFound, (await Integrator.DeleteAsync(Client, $"/4/worklogs/{id}", token)).Status);
    }

    [Fact]
    public async Task A_user_token_makes_the_user_the_author_and_a_client_token_the_application()
    {
        var (app, name) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "JANE.DOE"), new Claim("name", "Jane Doe"), new Claim("client_id", app.ClientId)], "Bearer"));
        var application = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", app.ClientId), new Claim("client_id", app.ClientId)], "Bearer"));

        Assert.Equal(new WorklogAuthor("JANE.DOE", "Jane Doe"), await ApiCaller.AuthorAsync(user, Host.Grains));
        Assert.Equal(new WorklogAuthor(app.ClientId, name), await ApiCaller.AuthorAsync(application, Host.Grains));
    }

    [Fact]
    public async Task Unknown_properties_are_ignored_and_optional_fields_take_their_defaults()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);

        var worklog = await Integrator.CreateAsync(Client, token,
            """{ "issueKey": "OPS_2-7", "timeSpentSeconds": 86400, "startDate": "2026-02-28", "billableSeconds": 60, "attributes": [ { "key": "x" } ] }""");

        Assert.Equal("OPS_2-7", worklog.GetProperty("issueKey").GetString());
        Assert.Equal(86400, worklog.GetProperty("timeSpentSeconds").GetInt32());
        Assert.Equal("00:00:00", worklog.GetProperty("startTime").GetString());
        Assert.Equal("", worklog.GetProperty("description").GetString());
        Assert.False(worklog.TryGetProperty("billableSeconds", out _));
    }

    [Fact]
    public async Task A_description_of_exactly_4000_characters_is_accepted()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);
        var description = new string('é', 4000);

        var worklog = await Integrator.CreateAsync(Client, token,
            JsonSerializer.Serialize(new { issueKey = "ABC-1", timeSpentSeconds = 1, startDate = "2026-11-30", description }));

        Assert.Equal(description, worklog.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Ids_are_distinct_when_worklogs_are_created_at_the_same_time()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Integrator.CreateAsync(Client, token)));

        Assert.Equal(20, created.Select(w => w.GetProperty("id").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task The_listing_pages_newest_first_with_offset_limit_and_next_links()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);
        var mine = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add((await Integrator.CreateAsync(Client, token)).GetProperty("id").GetInt64());
        }

        var all = await Integrator.GetAsync(Client, "/4/worklogs", token);
        var metadata = all.Json!.Value.GetProperty("metadata");
        Assert.Equal(0, metadata.GetProperty("offset").GetInt32());
        Assert.Equal(50, metadata.GetProperty("limit").GetInt32());
        Assert.Equal("http://127.0.0.1/4/worklogs?offset=0&limit=50", all.Json!.Value.GetProperty("self").GetString());
        var everything = Ids(all);
        Assert.Equal(everything.Count, metadata.GetProperty("count").GetInt32());
        Assert.Equal(Enumerable.Reverse(mine), everything.Take(5));
        Assert.Equal(everything.OrderDescending(), everything);

        var first = await Integrator.GetAsync(Client, "/4/worklogs?limit=2", token);
        var firstMeta = first.Json!.Value.GetProperty("metadata");
        Assert.Equal(2, firstMeta.GetProperty("count").GetInt32());
        Assert.Equal("http://127.0.0.1/4/worklogs?offset=2&limit=2", firstMeta.GetProperty("next").GetString());
        Assert.False(firstMeta.TryGetProperty("previous", out _));

        // Walking the next links visits every worklog once, in order, and the last page has no next.
        var walked = new List<long>(Ids(first));
        var next = firstMeta.GetProperty("next").GetString();
        while (next is not null)
        {
            var page = await Integrator.GetAsync(Client, next, token);
            var pageMeta = page.Json!.Value.GetProperty("metadata");
            Assert.Equal(2, pageMeta.GetProperty("limit").GetInt32());
            walked.AddRange(Ids(page));
            next = pageMeta.TryGetProperty("next", out var link) ? link.GetString() : null;
        }

        Assert.Equal(everything, walked);

        var beyond = await Integrator.GetAsync(Client, "/4/worklogs?offset=1000&limit=10", token);
        Assert.Equal(0, beyond.Json!.Value.GetProperty("metadata").GetProperty("count").GetInt32());
        Assert.Empty(Ids(beyond));
        Assert.False(beyond.Json!.Value.GetProperty("metadata").TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Listings_at_once_each_get_their_own_page_of_what_was_committed_before_them()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);
        for (var i = 0; i < 12; i++)
        {
            await Integrator.CreateAsync(Client, token);
        }

        for (var round = 0; round < 5; round++)
        {
            var newest = (await Integrator.CreateAsync(Client, token)).GetProperty("id").GetInt64();
            var everything = Ids(await Integrator.GetAsync(Client, "/4/worklogs?limit=1000", token));
            Assert.Equal(newest, everything[0]);

            var pages = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
                Integrator.GetAsync(Client, $"/4/worklogs?offset={i % 7}&limit={1 + i % 10}", token)));

            for (var i = 0; i < pages.Length; i++)
            {
                Assert.Equal(HttpStatusCode.OK, pages[i].Status);
                Assert.Equal(everything.Skip(i % 7).Take(1 + i % 10), Ids(pages[i]));
            }
        }
    }

    [Theory]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=abc", "offset")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=10&limit=20", "limit")]
    [InlineData("offset=99999999999", "offset")]
    public async Task The_listing_refuses_an_offset_or_limit_out_of_range(string query, string field)
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app, "read");

        var response = await Integrator.GetAsync(Client, "/4/worklogs?" + query, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([field], response.ErrorFields);
    }

    [Fact]
    public async Task A_limit_of_1000_is_allowed()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app, "read");

        var response = await Integrator.GetAsync(Client, "/4/worklogs?limit=1000", token);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1000, response.Json!.Value.GetProperty("metadata").GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("GET", "999999999")]
    [InlineData("GET", "abc")]
    [InlineData("GET", "0")]
    [InlineData("GET", "-5")]
    [InlineData("GET", "99999999999999999999999")]
    [InlineData("DELETE", "999999999")]
    [InlineData("DELETE", "abc")]
    public async Task An_unknown_worklog_id_is_404_with_a_json_error(string method, string id)
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        var token = await Integrator.AccessTokenAsync(Client, app);

        var response = await Integrator.SendAsync(Client, new HttpMethod(method), "/4/worklogs/" + id, token);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(["id"], response.ErrorFields);
    }

    private static List<long> Ids(ApiResponse page) =>
        page.Json!.Value.GetProperty("results").EnumerateArray().Select(w => w.GetProperty("id").GetInt64()).ToList();
}
