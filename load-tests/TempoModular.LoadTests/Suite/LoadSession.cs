using System.Net;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Suite;

/// <summary>
/// One invocation's connection to the product: runs scenarios, each with its
/// own setup whose applications are deleted when the run ends.
/// </summary>
/// <remarks>Provisioning (the admin API, setup's tokens, the authorization-code flow) goes to the first target; the load goes round-robin over all.</remarks>
internal sealed class LoadSession(TargetRotation targets, HttpClient load, AdminApi admin, SignInCredentials signIn, TextWriter console)
{
    public TargetRotation Targets => targets;

    public HttpClient Load => load;

    public TextWriter Console => console;

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        foreach (var target in targets.Targets)
        {
            try
            {
                using var response = await load.GetAsync(target.Ready, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new SetupException($"{target.Ready} answered {(int)response.StatusCode}: the host is not ready.");
                }
            }
            catch (HttpRequestException exception)
            {
                throw new SetupException($"Cannot reach {target.Ready}: {exception.Message}");
            }
        }
    }

    public async Task<RunResult> RunAsync(RunPlan plan, CancellationToken cancellationToken)
    {
        await using var setup = NewSetup();
        return await new ScenarioRunner(load, targets, console).RunAsync(ScenarioCatalog.Create(plan.Scenario), plan, setup, cancellationToken);
    }

    public async Task<ActiveTokenMemory> MeasureActiveTokenMemoryAsync(int hostPid, int tokens, int concurrency, CancellationToken cancellationToken)
    {
        await using var setup = NewSetup();
        return await ActiveTokenMemory.MeasureAsync(setup, load, hostPid, tokens, concurrency, console, cancellationToken);
    }

    public async Task<(TokenSetScale Scale, RunResult Small, RunResult Large)> MeasureTokenSetScaleAsync(int tokens, SuiteSettings settings, int? hostPid, CancellationToken cancellationToken)
    {
        await using var setup = NewSetup();
        return await TokenSetScale.MeasureAsync(setup, new ScenarioRunner(load, targets, console), load, tokens, settings, hostPid, console, cancellationToken);
    }

    public ScenarioSetup NewSetup() => new(targets.Targets[0], load, admin, signIn, console);

    /// <summary>
    /// The load's one handler: HTTP/1.1 keep-alive connections, one per virtual
    /// user, so a user never waits for a connection and the server sees at most
    /// as many requests at once as there are users.
    /// </summary>
    public static HttpClient CreateLoadClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        // Recycled now and then so a long run still follows DNS changes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
