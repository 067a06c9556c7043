using TempoModular.LoadTests.Cli;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

public sealed class CommandLineTests
{
    private static CliOptions Parse(string line, string? passwordVariable = null) =>
        CommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), name => name == CommandLine.AdminPasswordVariable ? passwordVariable : null)!;

    [Fact]
    public void A_full_open_model_command_line_is_read_into_the_run_plan_and_thresholds()
    {
        var options = Parse("--url http://127.0.0.1:6000 --admin-user root --admin-password pw --scenario token --model open --rate 2000 --duration 30s --warmup 5s --ramp 5s --concurrency 64 --report-dir out --max-p99-ms 5 --max-error-rate 0.001 --min-rps 10000");

        Assert.Equal(new Uri("http://127.0.0.1:6000"), options.Url);
        Assert.Equal(("root", "pw"), (options.AdminUser, options.AdminPassword));
        Assert.Equal(new RunPlan("token", LoadModel.Open, 64, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 2000, RunPurpose.Single), options.SinglePlan);
        Assert.Equal(new Thresholds.Thresholds(5, 0.001, 10000, MinScaleRatio: 0.9), options.Thresholds);
        Assert.Equal("out", options.ReportDirectory);
    }

    [Fact]
    public void The_defaults_are_a_closed_model_of_32_users_for_30_seconds_after_5_of_warm_up()
    {
        var options = Parse("--suite standard --admin-password=pw");

        Assert.Equal((32, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.Zero), (options.Concurrency, options.Duration, options.Warmup, options.Ramp));
        Assert.Equal(LoadModel.Closed, options.Model);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Url);
        Assert.Equal(("admin", "pw"), (options.SignIn.UserName, options.SignIn.Password));
    }

    [Theory]
    [InlineData("--suite standard", 1_000_000)]
    [InlineData("--suite standard --scale-tokens 0", 0)]
    [InlineData("--scenario token", 0)]
    [InlineData("--scenario token --scale-tokens 5000", 5000)]
    [InlineData("--scale-tokens 20000", 20_000)]
    public void The_token_set_scale_step_fills_a_million_in_the_suite_and_runs_elsewhere_only_when_asked(string line, int tokens)
    {
        var options = Parse(line + " --admin-password pw");

        Assert.Equal(tokens, options.ScaleTokens);
        Assert.Equal(0.9, options.Thresholds.MinScaleRatio);
    }

    [Fact]
    public void The_scale_ratio_threshold_can_be_set()
    {
        Assert.Equal(0.75, Parse("--scale-tokens 100 --min-scale-ratio 0.75 --admin-password pw").Thresholds.MinScaleRatio);
    }

    [Fact]
    public void The_admin_password_may_come_from_the_environment()
    {
        Assert.Equal("secret", Parse("--scenario api", passwordVariable: "secret").AdminPassword);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("7", 7)]
    [InlineData("1.5s", 1.5)]
    public void Durations_are_read_in_milliseconds_seconds_minutes_or_hours(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CommandLine.ParseDuration(text));

    [Theory]
    [InlineData("--admin-password pw", "either --scenario")]
    [InlineData("--admin-password pw --scenario token --suite standard", "either --scenario")]
    [InlineData("--admin-password pw --scale-tokens 0", "either --scenario")]
    [InlineData("--admin-password pw --scale-tokens many", "whole number")]
    [InlineData("--admin-password pw --scenario tokens", "Unknown scenario")]
    [InlineData("--admin-password pw --scenario token --model open", "needs --rate")]
    [InlineData("--admin-password pw --scenario token --duration soon", "not a duration")]
    [InlineData("--admin-password pw --scenario token --concurrency 0", "at least 1")]
    [InlineData("--admin-password pw --scenario token --max-p99 5", "Unknown option")]
    [InlineData("--scenario token", "TEMPO_ADMIN_PASSWORD")]
    public void A_wrong_command_line_is_refused_with_a_message_that_says_why(string line, string message) =>
        Assert.Contains(message, Assert.Throws<UsageException>(() => Parse(line)).Message);

    [Fact]
    public void Url_may_be_repeated_for_several_hosts_and_the_first_is_where_setup_goes()
    {
        var options = Parse("--url http://127.0.0.1:5080 --url=http://127.0.0.1:5081/ --url http://10.0.0.7:8080/tempo --scenario token --admin-password pw");

        Assert.Equal([new Uri("http://127.0.0.1:5080"), new Uri("http://127.0.0.1:5081/"), new Uri("http://10.0.0.7:8080/tempo")], options.Urls);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Url);
    }

    [Theory]
    [InlineData("--url http://127.0.0.1:5080 --url http://127.0.0.1:5080/", "given twice")]
    [InlineData("--url http://127.0.0.1:5080 --url 127.0.0.1:5081", "not '127.0.0.1:5081'")]
    [InlineData("--url http://127.0.0.1:5080 --url ftp://127.0.0.1:5081", "absolute http or https")]
    public void A_wrong_or_repeated_host_is_refused(string urls, string message) =>
        Assert.Contains(message, Assert.Throws<UsageException>(() => Parse(urls + " --scenario token --admin-password pw")).Message);

    [Fact]
    public void The_failover_run_reads_the_process_to_kill_and_its_settings()
    {
        var options = Parse("--url http://127.0.0.1:5090 --url http://127.0.0.1:5091 --scenario failover --kill-pid 4242 --kill-after 8s --duration 40s " +
                            "--applications 4 --revoke-every 5 --restart-signal /tmp/restart-a --rejoin-timeout 90s --admin-password pw");

        Assert.Equal(new FailoverSettings(4242, TimeSpan.FromSeconds(8), 4, 5, "/tmp/restart-a", TimeSpan.FromSeconds(90)), options.Failover);
        Assert.Equal("failover", options.SinglePlan.Scenario);
        Assert.Equal(TimeSpan.FromSeconds(40), options.SinglePlan.Duration);
    }

    [Fact]
    public void The_failover_run_defaults_to_a_kill_ten_seconds_in_over_16_applications_without_a_rejoin_check()
    {
        var options = Parse("--url http://127.0.0.1:5090 --url http://127.0.0.1:5091 --scenario failover --kill-pid 4242 --admin-password pw");

        Assert.Equal(new FailoverSettings(4242, TimeSpan.FromSeconds(10), 16, 10, null, TimeSpan.FromSeconds(120)), options.Failover);
        Assert.Null(Parse("--scenario token --admin-password pw").Failover);
    }

    [Theory]
    [InlineData("--scenario failover --kill-pid 1", "two hosts or more")]
    [InlineData("--url http://127.0.0.1:1 --url http://127.0.0.1:2 --scenario failover", "needs --kill-pid")]
    [InlineData("--url http://127.0.0.1:1 --url http://127.0.0.1:2 --scenario failover --kill-pid 1 --model open --rate 10", "closed model")]
    [InlineData("--url http://127.0.0.1:1 --url http://127.0.0.1:2 --scenario failover --kill-pid 1 --applications 0", "at least 1")]
    [InlineData("--url http://127.0.0.1:1 --url http://127.0.0.1:2 --scenario token --kill-pid 1", "add --scenario failover")]
    [InlineData("--url http://127.0.0.1:1 --url http://127.0.0.1:2 --scenario failover --kill-pid 1 --duration 20s --kill-after 20s", "shorter than --duration")]
    public void A_wrong_failover_command_line_is_refused_with_a_message_that_says_why(string line, string message) =>
        Assert.Contains(message, Assert.Throws<UsageException>(() => Parse(line + " --admin-password pw")).Message);

    [Fact]
    public void The_progress_line_of_several_hosts_shows_each_hosts_answers_and_errors()
    {
        var plan = new RunPlan("token", LoadModel.Closed, 32, TimeSpan.FromSeconds(10), TimeSpan.Zero, TimeSpan.Zero);

        var line = ScenarioRunner.ProgressLine(plan, new IntervalSample(5, 1, true, 1500, 20, 0, 1, 2, 3, [new HostInterval(0, 20), new HostInterval(1500, 0)]));

        Assert.EndsWith("  | #1       0 ok    20 err  | #2   1,500 ok     0 err", line);
    }

    [Fact]
    public void Help_asks_for_the_usage_text()
    {
        Assert.Null(CommandLine.Parse(["--help"], _ => null));
    }

    [Fact]
    public void The_progress_line_shows_elapsed_time_phase_rate_p99_and_errors()
    {
        var plan = new RunPlan("token", LoadModel.Open, 32, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2000);

        var line = ScenarioRunner.ProgressLine(plan, new IntervalSample(12, 1, true, 2003, 4, 1, 1.2, 3.41, 9.9));

        Assert.Equal("  12.0s measure      2,003 req/s  p99     3.41 ms  errors      4  dropped      1", line);
    }
}
