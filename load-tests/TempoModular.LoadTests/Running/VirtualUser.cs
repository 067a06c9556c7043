using System.Net;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Running;

/// <summary>Checks a successful response's body; returns the error to count, or null when the body is right.</summary>
internal delegate string? BodyCheck(ReadOnlySpan<byte> body);

/// <summary>
/// A response as the scenario sees it. <see cref="Body"/> lives in the virtual
/// user's buffer and is valid until its next request.
/// </summary>
internal readonly record struct Reply(bool Ok, int Status, ReadOnlyMemory<byte> Body);

/// <summary>
/// One virtual user: runs a scenario's iterations one after another, sends its
/// requests and times them. Each step is timed from when it should have
/// started: the first from the iteration's intended start, every later one
/// from the end of the step before. A request the load generator sent late is
/// therefore charged its wait, so a stall shows in the percentiles instead of
/// hiding in a lower request rate (no coordinated omission).
/// </summary>
internal sealed class VirtualUser(
    int index,
    HttpClient http,
    IRunClock clock,
    WorkerStats stats,
    Scenario scenario,
    TimeSpan measureFrom)
{
    private byte[] _buffer = new byte[8 * 1024];
    private TimeSpan _stepStart;
    private bool _measured;
    private bool _failed;

    public int Index => index;

    /// <summary>Seeded by the user's index, so a run's mix of actions is repeatable.</summary>
    public Random Random { get; } = new(index);

    public async Task RunIterationAsync(TimeSpan intendedStart, CancellationToken cancellationToken)
    {
        _stepStart = intendedStart;
        _measured = intendedStart >= measureFrom;
        _failed = false;
        stats.RecordStartLag(clock.Elapsed - intendedStart, _measured);

        try
        {
            await scenario.RunAsync(this, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A scenario bug or an unexpected body must not end the run unseen.
            Fail(0, "exception", exception.GetType().Name);
        }

        stats.RecordIteration(clock.Elapsed - intendedStart, succeeded: !_failed, _measured);
    }

    /// <summary>
    /// Sends one request of step <paramref name="step"/>, reads the whole body and
    /// records the outcome: success when the status is <paramref name="expected"/>
    /// and <paramref name="check"/> (if any) finds nothing wrong in the body.
    /// </summary>
    public async Task<Reply> SendAsync(int step, HttpRequestMessage request, HttpStatusCode expected, BodyCheck? check, CancellationToken cancellationToken)
    {
        int status;
        int length;
        string? wwwAuthenticate = null;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            length = await ReadBodyAsync(response, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                wwwAuthenticate = response.Headers.WwwAuthenticate.ToString();
            }
        }
        catch (HttpRequestException exception)
        {
            Fail(step, "transport", exception.HttpRequestError.ToString());
            return new Reply(false, 0, default);
        }
        catch (IOException exception)
        {
            Fail(step, "transport", exception.GetType().Name);
            return new Reply(false, 0, default);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Fail(step, "timeout", null);
            return new Reply(false, 0, default);
        }
        finally
        {
            request.Dispose();
        }

        var now = clock.Elapsed;
        var latency = now - _stepStart;
        _stepStart = now;
        var body = new ReadOnlyMemory<byte>(_buffer, 0, length);

        if (status != (int)expected)
        {
            // Without an OAuth error to name, say what was expected instead.
            Fail(step, StatusText(status), OAuthJson.ErrorOf(body.Span) ?? OAuthJson.BearerErrorOf(wwwAuthenticate) ?? $"expected {(int)expected}");
            return new Reply(false, status, body);
        }

        if (check?.Invoke(body.Span) is { } problem)
        {
            Fail(step, StatusText(status), problem);
            return new Reply(false, status, body);
        }

        stats.RecordRequest(step, latency, _measured);
        return new Reply(true, status, body);
    }

    /// <summary>Counts a failure the scenario found itself; the iteration fails.</summary>
    public void Fail(int step, string status, string? error)
    {
        _failed = true;
        stats.RecordFailure(step, status, error, scenario.Steps[step], _measured);
    }

    /// <summary>Counts a broken invariant, such as a revoked token being accepted; it fails the run.</summary>
    public void Violation(string invariant) => stats.RecordViolation(invariant);

    private static string StatusText(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async ValueTask<int> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }
}
