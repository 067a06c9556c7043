using HdrHistogram;
using System.Net;
using System.Text;
using TempoModular.LoadTests.Running;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Tests;

public sealed class VirtualUserTests
{
    private readonly ManualClock _clock = new();

    private (VirtualUser User, WorkerStats Stats) UserAnswering(Func<HttpResponseMessage> respond, int steps = 1, TimeSpan? serviceTime = null, TimeSpan measureFrom = default)
    {
        var http = new HttpClient(new FakeHandler(_ =>
        {
            _clock.Advance(serviceTime ?? TimeSpan.Zero);
            return Task.FromResult(respond());
        }));
        var scenario = new OneRequestScenario(steps);
        var stats = new WorkerStats(steps);
        return (new VirtualUser(0, http, _clock, stats, scenario, measureFrom), stats);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task A_request_that_starts_late_is_timed_from_its_intended_start()
    {
        var (user, stats) = UserAnswering(() => new HttpResponseMessage(HttpStatusCode.OK), serviceTime: TimeSpan.FromMilliseconds(3));
        _clock.Now = TimeSpan.FromMilliseconds(10);

        await user.RunIterationAsync(intendedStart: TimeSpan.Zero, CancellationToken.None);

        Assert.InRange(stats.Steps[0].GetMaxValue(), 12_990, 13_010);
        Assert.Equal(1, stats.Steps[0].TotalCount);
        Assert.InRange(stats.StartLag.GetMaxValue(), 9_990, 10_010);
    }

    [Fact]
    public async Task Each_later_step_is_timed_from_the_end_of_the_step_before_and_the_iteration_from_its_intended_start()
    {
        var (user, stats) = UserAnswering(() => new HttpResponseMessage(HttpStatusCode.OK), steps: 2, serviceTime: TimeSpan.FromMilliseconds(3));
        _clock.Now = TimeSpan.FromMilliseconds(10);

        await user.RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.InRange(stats.Steps[0].GetMaxValue(), 12_990, 13_010);
        Assert.InRange(stats.Steps[1].GetMaxValue(), 2_995, 3_005);
        Assert.InRange(stats.Iterations.GetMaxValue(), 15_990, 16_010);
    }

    [Fact]
    public async Task An_oauth_error_response_is_counted_by_status_and_error_and_fails_the_iteration()
    {
        var (user, stats) = UserAnswering(() => Json(HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"nope"}"""));

        await user.RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, stats.Errors[new ErrorKey("step-0", "400", "invalid_client")]);
        Assert.Equal(0, stats.Steps[0].TotalCount);
        Assert.Equal(1, stats.FailedIterations);
        Assert.Equal(0, stats.Iterations.TotalCount);
    }

    [Fact]
    public async Task A_refused_bearer_token_is_counted_with_the_error_of_its_challenge()
    {
        var (user, stats) = UserAnswering(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ParseAdd("Bearer error=\"invalid_token\", error_description=\"The token was revoked.\"");
            return response;
        });

        await user.RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, stats.Errors[new ErrorKey("step-0", "401", "invalid_token")]);
    }

    [Fact]
    public async Task A_connection_failure_is_counted_as_a_transport_error()
    {
        var scenario = new OneRequestScenario();
        var stats = new WorkerStats(1);
        var http = new HttpClient(new FakeHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        var user = new VirtualUser(0, http, _clock, stats, scenario, TimeSpan.Zero);

        await user.RunIterationAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, stats.Errors[new ErrorKey("step-0", "transport", "ConnectionError")]);
        Assert.Equal(1, stats.FailedIterations);
    }

    [Fact]
    public async Task Iterations_due_before_the_measured_window_are_not_counted()
    {
        var (user, stats) = UserAnswering(() => Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant"}"""), measureFrom: TimeSpan.FromSeconds(5));

        await user.RunIterationAsync(TimeSpan.FromSeconds(4), CancellationToken.None);

        Assert.Empty(stats.Errors);
        Assert.Equal(0, stats.FailedIterations);
        Assert.Equal(1, stats.TakeIntervalErrors());
    }
}
