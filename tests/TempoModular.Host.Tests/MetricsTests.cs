using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using TempoModular.Host.Tests.Cluster;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>
/// The Prometheus endpoint of a real host process (its own process, so no other
/// test's host adds to its counters): on its own loopback port, absent from the
/// site's port, and its product series move with what the site did.
/// </summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task The_scrape_endpoint_counts_tokens_refusals_revocations_api_calls_rate_limits_and_journal_commits()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var (httpPort, siloPort, metricsPort) = (TestHost<Program>.FreeTcpPort(), TestHost<Program>.FreeTcpPort(), TestHost<Program>.FreeTcpPort());
        await using var host = HostProcess.Start(httpPort, siloPort, new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Sqlite",
            ["Storage__DataFolder"] = database.DataFolder,
            ["Orleans__ServiceId"] = "tempo-metrics-" + Guid.NewGuid().ToString("N"),
            ["Authorization__Issuer"] = $"http://127.0.0.1:{httpPort}/",
            ["Metrics__Enabled"] = "true",
            ["Metrics__Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Applications__ActiveTokenCountInterval"] = "00:00:00.500",
            ["RateLimits__OAuth__PerClientId__Burst"] = "10",
            ["RateLimits__OAuth__PerClientId__PermitsPerSecond"] = "1",
        }, Path.Combine(database.DataFolder, "host.log"));
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        using var site = host.CreateClient();
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/"), Timeout = TimeSpan.FromSeconds(30) };

        // Off the public surface: the site's port has no such path, the metrics port nothing else.
        Assert.Equal(HttpStatusCode.NotFound, (await site.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/health/ready")).StatusCode);

        var before = await ScrapeAsync(scraper);
        var app = await ClusterAdmin.RegisterAsync(site, "Metrics");
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add(await ClusterAdmin.IssueTokenAsync(site, app));
        }

        using (var wrongSecret = await ClusterAdmin.RequestTokenAsync(site, app.ClientId, "not-the-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        }

        using (var unsupported = await site.PostAsync("/oauth/token", Form(("grant_type", "password"), ("client_id", app.ClientId), ("client_secret", app.ClientSecret))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await ClusterAdmin.RevokeAsync(site, app, tokens[0]));
        Assert.Equal(HttpStatusCode.OK, await ClusterAdmin.CallApiAsync(site, tokens[1]));
        Assert.Equal(HttpStatusCode.OK, await ClusterAdmin.CallApiAsync(site, tokens[2]));
        Assert.Equal(HttpStatusCode.Unauthorized, await ClusterAdmin.CallApiAsync(site, tokens[0]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.GetAsync("/4/worklogs")).StatusCode);

        // A client id past its burst: 429s from the per-client-id limit; the
        // requests let through are refused as unknown clients.
        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < 16; i++)
        {
            using var response = await ClusterAdmin.RequestTokenAsync(site, "made-up-client", "x");
            flood.Add(response.StatusCode);
        }

        var limited = flood.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.True(limited > 0, "No request of the flood was limited.");
        Assert.All(flood, s => Assert.True(s is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized, $"flood answered {s}"));

        // Wrong Basic passwords for one user name: the sixth is throttled.
        var throttled = 0;
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/applications");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("intruder:wrong")));
            using var response = await site.SendAsync(request);
            throttled += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.Equal(1, throttled);

        // The gauge is recounted by the application every half second.
        var after = await ScrapeAsync(scraper);
        for (var i = 0; i < 40 && after.Sum("tempo_tokens_active", ("client_id", app.ClientId)) != 2; i++)
        {
            await Task.Delay(250);
            after = await ScrapeAsync(scraper);
        }

        double Delta(string name, params (string Label, string Value)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(3, Delta("tempo_oauth_tokens_issued_total", ("grant_type", "client_credentials")));
        Assert.Equal(1 + (flood.Count - limited), Delta("tempo_oauth_refusals_total", ("endpoint", "token"), ("error", "invalid_client")));
        Assert.Equal(1, Delta("tempo_oauth_refusals_total", ("endpoint", "token"), ("error", "unsupported_grant_type")));
        Assert.Equal(1, Delta("tempo_oauth_revocations_total"));
        Assert.Equal(2, Delta("tempo_api_validations_total", ("outcome", "accepted")));
        Assert.Equal(1, Delta("tempo_api_validations_total", ("outcome", "invalid_token")));
        Assert.Equal(1, Delta("tempo_api_validations_total", ("outcome", "no_token")));
        Assert.Equal(limited, Delta("tempo_rate_limit_rejections_total", ("limiter", "oauth_per_client_id")));
        Assert.Equal(1, Delta("tempo_rate_limit_rejections_total", ("limiter", "sign_in")));
        Assert.Equal(2, after.Sum("tempo_tokens_active", ("client_id", app.ClientId)));

        // Three token rows and the revocation's row, committed in one or more batches.
        var commits = Delta("tempo_journal_batch_size_count", ("outcome", "committed"));
        Assert.InRange(commits, 1, 4);
        Assert.Equal(4, Delta("tempo_journal_batch_size_sum", ("outcome", "committed")));
        Assert.Equal(commits, Delta("tempo_journal_commit_duration_seconds_count", ("outcome", "committed")));
        Assert.True(Delta("tempo_journal_commit_duration_seconds_sum", ("outcome", "committed")) > 0);

        // Orleans' and ASP.NET Core's own meters are exported too.
        Assert.Contains(after.Names, name => name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains("http_server_request_duration_seconds_count", after.Names);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<Scrape> ScrapeAsync(HttpClient scraper)
    {
        using var response = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Scrape.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The samples of one Prometheus text exposition.</summary>
    private sealed partial class Scrape(List<(string Name, Dictionary<string, string> Labels, double Value)> samples)
    {
        public IEnumerable<string> Names => samples.Select(s => s.Name).Distinct();

        /// <summary>The sum of the samples of this name that carry these labels (any others too).</summary>
        public double Sum(string name, params (string Label, string Value)[] labels) => samples
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .Sum(s => s.Value);

        public static Scrape Parse(string text)
        {
            var samples = new List<(string, Dictionary<string, string>, double)>();
            foreach (var line in text.Split('\n'))
            {
                var match = Sample().Match(line);
                if (!match.Success)
                {
                    continue;
                }

                var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
                samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }

            return new Scrape(samples);
        }

        [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[^ ]+)")]
        private static partial Regex Sample();

        [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
        private static partial Regex Label();
    }
}
