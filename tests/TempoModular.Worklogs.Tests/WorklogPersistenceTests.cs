using System.Net;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Worklogs.Tests;

/// <summary>Worklogs live in storage, not in memory: a restarted host serves the same ones and never reuses an id.</summary>
public sealed class WorklogPersistenceTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Worklogs_survive_a_restart_and_new_ids_continue_after_the_old_ones(StorageProvider provider)
    {
        await using var host = await TestHost<Program>.StartAsync(provider);
        var client = host.CreateClient();
        var (app, _) = await Integrator.RegisterMachineClientAsync(host.Grains);
        var token = await Integrator.AccessTokenAsync(client, app);
        var kept = await Integrator.CreateAsync(client, token);
        var removed = await Integrator.CreateAsync(client, token);
        var last = await Integrator.CreateAsync(client, token,
            """{ "issueKey": "ZED-42", "timeSpentSeconds": 900, "startDate": "2027-01-02", "startTime": "23:59:59", "description": "Über-late fix" }""");
        Assert.Equal(HttpStatusCode.NoContent, (await Integrator.DeleteAsync(client, $"/4/worklogs/{removed.GetProperty("id")}", token)).Status);
        var listedBefore = (await Integrator.GetAsync(client, "/4/worklogs", token)).Body;

        await host.RestartAsync();
        client = host.CreateClient();
        token = await Integrator.AccessTokenAsync(client, app);

        Assert.Equal(listedBefore, (await Integrator.GetAsync(client, "/4/worklogs", token)).Body);
        foreach (var worklog in new[] { kept, last })
        {
            var read = await Integrator.GetAsync(client, $"/4/worklogs/{worklog.GetProperty("id")}", token);
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.Equal(worklog.GetRawText(), read.Body);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Integrator.GetAsync(client, $"/4/worklogs/{removed.GetProperty("id")}", token)).Status);
        var next = await Integrator.CreateAsync(client, token);
        Assert.True(next.GetProperty("id").GetInt64() > last.GetProperty("id").GetInt64());
    }
}
