using System.Globalization;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Suite;

namespace TempoModular.LoadTests.Cli;

/// <summary>The command line was wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The fault run's settings (<c>--scenario failover</c>).</summary>
internal sealed record FailoverSettings(
    int KillPid,
    TimeSpan KillAfter,
    int Applications,
    int RevokeEvery,
    string? RestartSignal,
    TimeSpan RejoinTimeout);

internal sealed record CliOptions(
    IReadOnlyList<Uri> Urls,
    string AdminUser,
    string AdminPassword,
    SignInCredentials SignIn,
    string? Scenario,
    string? Suite,
    LoadModel Model,
    double Rate,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Ramp,
    string? ReportDirectory,
    Thresholds.Thresholds Thresholds,
    int? HostPid,
    int MemoryTokens,
    int? MaxOutstanding,
    int ScaleTokens = 0,
    FailoverSettings? Failover = null)
{
    /// <summary>The first target: the admin API and every setup step go there.</summary>
    public Uri Url => Urls[0];

    public RunPlan SinglePlan => new(Scenario!, Model, Concurrency, Duration, Warmup, Ramp, Rate, RunPurpose.Single, MaxOutstanding);

    public SuiteSettings SuiteSettings => new(Concurrency, Duration, Warmup, Ramp, MaxOutstanding);
}

internal static class CommandLine
{
    /// <summary>Read when --admin-password is not given, so scripts keep the password out of the process list.</summary>
    public const string AdminPasswordVariable = "TEMPO_ADMIN_PASSWORD";

    public const string Usage = """
        Usage: TempoModular.LoadTests --url URL [--url URL ...] --admin-password PASSWORD (--scenario NAME | --suite standard | --scale-tokens N) [options]

          --url URL               the product (default http://127.0.0.1:5080); repeat it for several hosts of one
                                  cluster: iterations go round-robin over them (each iteration to one host, the
                                  next to the next), figures are reported per host and in total, and setup
                                  (admin API, setup tokens, sign-in) goes to the first
          --admin-user NAME       administrator for the admin API (default admin)
          --admin-password PW     its password (default: $TEMPO_ADMIN_PASSWORD)
          --user NAME             who signs in for the refresh scenario (default: the administrator)
          --password PW           their password (default: the administrator's)
          --scenario NAME         token | api | introspect | refresh | revoke | journey | failover
          --suite standard        token, api, introspect at capacity then at half of it; revoke, refresh, journey;
                                  then the token set scale step
          --model closed|open     closed: --concurrency users looping; open: --rate arrivals per second
          --rate N                open model: iterations per second after the ramp
          --concurrency N         virtual users, one connection each (default 32)
          --max-outstanding N     open model: arrivals running or waiting for a user before more
                                  are dropped (default: a second's worth, at least 10 per user)
          --duration T            measured window (default 30s); T is 500ms, 30s, 2m or seconds
          --warmup T              run but not measured, after the ramp (default 5s)
          --ramp T                rate (open) or users (closed) climb from zero over T (default 0s)
          --report-dir DIR        where the reports go (default load-tests/reports/<timestamp>)
          --max-p99-ms N          fail when the slowest step's p99 is above N ms
          --max-error-rate R      fail when failed and dropped requests exceed this share (0.001 = 0.1 %)
          --min-rps N             fail when successful requests per second are below N
          --scale-tokens N        token set scale step: issuance (closed, --concurrency users, the run's window)
                                  into an application with 10 active tokens, then into one filled with N;
                                  default 1000000 with --suite, else 0; 0 skips it; alone, it is the whole run
          --min-scale-ratio R     fail when the rate with N active tokens is below R times that with 10 (default 0.9)
          --host-pid PID          measure the host's RSS per active token first (same machine)
          --memory-tokens N       tokens that measurement issues, in 5 batches (default 50000; 0 skips it)

        The fault run (--scenario failover, two or more --url, closed model; scripts/failover.sh drives it):
          --kill-pid PID          the process of the first --url's host, killed with SIGKILL mid-run
          --kill-after T          when, after the run's start (default 10s); the run lasts --duration (default 30s)
          --applications N        applications the tokens are spread over (default 16)
          --revoke-every N        every N-th token of a user is revoked, then checked on another host (default 10)
          --restart-signal FILE   after the checks, create FILE (the script then restarts the killed host) and
                                  check that it rejoins; without it the rejoin is not checked
          --rejoin-timeout T      how long the killed host may take to serve every application again (default 120s)

        Exit code: 0 all thresholds met; 1 a threshold missed or an invariant broken; 2 bad command line; 3 setup failed.
        """;

    public static CliOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var urls = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return null;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            var equals = arg.IndexOf('=');
            var (name, value) = equals > 0
                ? (arg[2..equals], arg[(equals + 1)..])
                : (arg[2..], i + 1 < args.Count ? args[++i] : throw new UsageException($"--{arg[2..]} needs a value."));
            if (!Known.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }

            if (name == "url")
            {
                urls.Add(value);
            }

            values[name] = value;
        }

        string? Get(string name) => values.GetValueOrDefault(name);

        var scenario = Get("scenario");
        var suite = Get("suite");
        var scaleTokens = Integer(Get("scale-tokens"), "scale-tokens") ?? (suite is not null ? StandardSuite.ScaleTokens : 0);
        if ((scenario is not null && suite is not null) || (scenario is null && suite is null && scaleTokens == 0))
        {
            throw new UsageException("Give either --scenario NAME or --suite standard, or --scale-tokens N alone.");
        }

        if (scenario is not null && scenario != FailoverScenarioName && !ScenarioCatalog.Names.Contains(scenario))
        {
            throw new UsageException($"Unknown scenario '{scenario}'; the scenarios are {string.Join(", ", ScenarioCatalog.Names)} and {FailoverScenarioName}.");
        }

        if (suite is not null && suite != StandardSuite.Name)
        {
            throw new UsageException($"Unknown suite '{suite}'; the suite is '{StandardSuite.Name}'.");
        }

        var model = Get("model") switch
        {
            null or "closed" => LoadModel.Closed,
            "open" => LoadModel.Open,
            var other => throw new UsageException($"Unknown model '{other}'; use closed or open."),
        };
        var rate = Number(Get("rate"), "rate") ?? 0;
        if (scenario is not null && model == LoadModel.Open && !(rate > 0))
        {
            throw new UsageException("The open model needs --rate, a positive number of iterations per second.");
        }

        var targets = Urls(urls.Count > 0 ? urls : ["http://127.0.0.1:5080"]);
        var duration = Duration(Get("duration"), "duration") ?? TimeSpan.FromSeconds(30);
        var failover = scenario == FailoverScenarioName ? ParseFailover(Get, targets, model, duration) : null;
        if (failover is null && FailoverOptions.FirstOrDefault(values.ContainsKey) is { } stray)
        {
            throw new UsageException($"--{stray} belongs to the failover run: add --scenario failover.");
        }

        var adminUser = Get("admin-user") ?? "admin";
        var adminPassword = Get("admin-password") ?? environment(AdminPasswordVariable)
            ?? throw new UsageException($"Give --admin-password or set {AdminPasswordVariable}.");
        var concurrency = Integer(Get("concurrency"), "concurrency") ?? 32;
        if (concurrency < 1)
        {
            throw new UsageException("--concurrency must be at least 1.");
        }

        var maxOutstanding = Integer(Get("max-outstanding"), "max-outstanding");
        if (maxOutstanding < 1)
        {
            throw new UsageException("--max-outstanding must be at least 1.");
        }

        return new CliOptions(
            targets,
            adminUser,
            adminPassword,
            new SignInCredentials(Get("user") ?? adminUser, Get("password") ?? adminPassword),
            scenario,
            suite,
            model,
            rate,
            concurrency,
            duration,
            Duration(Get("warmup"), "warmup") ?? TimeSpan.FromSeconds(5),
            Duration(Get("ramp"), "ramp") ?? TimeSpan.Zero,
            Get("report-dir"),
            new Thresholds.Thresholds(
                Number(Get("max-p99-ms"), "max-p99-ms"),
                Number(Get("max-error-rate"), "max-error-rate"),
                Number(Get("min-rps"), "min-rps"),
                Number(Get("min-scale-ratio"), "min-scale-ratio") ?? 0.9),
            Integer(Get("host-pid"), "host-pid"),
            Integer(Get("memory-tokens"), "memory-tokens") ?? 50_000,
            maxOutstanding,
            scaleTokens,
            failover);
    }

    /// <summary>The name of the fault run, which is a scenario on the command line but a run of its own.</summary>
    public const string FailoverScenarioName = "failover";

    private static List<Uri> Urls(IEnumerable<string> texts)
    {
        var urls = new List<Uri>();
        foreach (var text in texts)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url must be an absolute http or https URL, not '{text}'.");
            }

            // Figures are kept per host: the same host twice would split its own figures in two.
            var label = Setup.TargetEndpoints.LabelOf(url);
            if (urls.Any(u => Setup.TargetEndpoints.LabelOf(u) == label))
            {
                throw new UsageException($"--url {text} is given twice; give each host once.");
            }

            urls.Add(url);
        }

        return urls;
    }

    private static FailoverSettings ParseFailover(Func<string, string?> get, IReadOnlyList<Uri> targets, LoadModel model, TimeSpan duration)
    {
        if (targets.Count < 2)
        {
            throw new UsageException("The failover run needs two hosts or more: give --url twice (the first is the one killed).");
        }

        if (model != LoadModel.Closed)
        {
            throw new UsageException("The failover run uses the closed model (tokens at full speed); leave out --model open.");
        }

        var killPid = Integer(get("kill-pid"), "kill-pid")
            ?? throw new UsageException("The failover run needs --kill-pid, the process id of the first --url's host.");
        var applications = Integer(get("applications"), "applications") ?? 16;
        var revokeEvery = Integer(get("revoke-every"), "revoke-every") ?? 10;
        if (killPid < 1 || applications < 1 || revokeEvery < 1)
        {
            throw new UsageException("--kill-pid, --applications and --revoke-every must be at least 1.");
        }

        var killAfter = Duration(get("kill-after"), "kill-after") ?? TimeSpan.FromSeconds(10);
        if (killAfter >= duration)
        {
            throw new UsageException($"--kill-after {killAfter.TotalSeconds:0.#}s would kill after the run's end: make it shorter than --duration ({duration.TotalSeconds:0.#}s).");
        }

        return new FailoverSettings(
            killPid,
            killAfter,
            applications,
            revokeEvery,
            get("restart-signal"),
            Duration(get("rejoin-timeout"), "rejoin-timeout") ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>500ms, 30s, 2m, 1h, or a bare number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1)
            : text.EndsWith('m') ? (text[..^1], 60)
            : text.EndsWith('h') ? (text[..^1], 3600)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && !double.IsInfinity(value)
            ? TimeSpan.FromSeconds(value * unit)
            : throw new UsageException($"'{text}' is not a duration; write 500ms, 30s, 2m or 1h.");
    }

    private static readonly string[] FailoverOptions = ["kill-pid", "kill-after", "applications", "revoke-every", "restart-signal", "rejoin-timeout"];

    private static readonly HashSet<string> Known =
    [
        "url", "admin-user", "admin-password", "user", "password", "scenario", "suite", "model", "rate", "concurrency",
        "duration", "warmup", "ramp", "max-outstanding", "report-dir", "max-p99-ms", "max-error-rate", "min-rps", "host-pid", "memory-tokens",
        "scale-tokens", "min-scale-ratio", "kill-pid", "kill-after", "applications", "revoke-every", "restart-signal", "rejoin-timeout",
    ];

    private static TimeSpan? Duration(string? text, string name)
    {
        try
        {
            return text is null ? null : ParseDuration(text);
        }
        catch (UsageException exception)
        {
            throw new UsageException($"--{name}: {exception.Message}");
        }
    }

    private static double? Number(string? text, string name) =>
        text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value) ? value
        : throw new UsageException($"--{name} must be a non-negative number, not '{text}'.");

    private static int? Integer(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new UsageException($"--{name} must be a whole number, not '{text}'.");
}
