using System.Net;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;
using TempoModular.LoadTests.Statistics;

namespace TempoModular.LoadTests.Running;

/// <summary>Checks a successful response's body; returns the error to count, or null when the body is right.</summary>
internal delegate string? BodyCheck(ReadOnlySpan<byte> body);

/// <summary>
/// A response as the scenario sees it. <see cref="Body"/> lives in the virtual
/// user's buffer and is valid until its next request. <see cref="RetryAfter"/>:
/// the response said when to retry (RFC 9110 §10.2.3), as every 503 of the product does.
/// </summary>
internal readonly record struct Reply(bool Ok, int Status, ReadOnlyMemory<byte> Body, bool RetryAfter = false);

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
    TimeSpan measureFrom,
    TargetRotation? targets = null)
{
    private byte[] _buffer = new byte[8 * 1024];
    private TimeSpan _stepStart;
    private bool _measured;
    private bool _failed;
    private TargetEndpoints? _target;
    private int _host;

    public int Index => index;

    /// <summary>How many iterations this user has started before the current one.</summary>
    public long Iteration { get; private set; } = -1;

    /// <summary>The host of the current iteration (see <see cref="TargetRotation"/>); its requests are counted under it.</summary>
    public TargetEndpoints Target => _target ?? throw new InvalidOperationException("This virtual user was given no targets.");

    /// <summary>
    /// The host in service after the iteration's: where a scenario checks what
    /// another host says (the iteration's own host when there is one).
    /// </summary>
    public TargetEndpoints OtherTarget => targets?.After(Target) ?? Target;

    /// <summary>The run's clock, for scenarios that note when something happened.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>Seeded by the user's index, so a run's mix of actions is repeatable.</summary>
    public Random Random { get; } = new(index);

    public async Task RunIterationAsync(TimeSpan intendedStart, CancellationToken cancellationToken)
    {
        _stepStart = intendedStart;
        _measured = intendedStart >= measureFrom;
        _failed = false;
        Iteration++;
        _target = targets?.For(index, Iteration);
        _host = _target?.Index ?? 0;
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
    /// It counts under the iteration's host, or under <paramref name="host"/> when
    /// the scenario sends it elsewhere on purpose.
    /// </summary>
    public async Task<Reply> SendAsync(int step, HttpRequestMessage request, HttpStatusCode expected, BodyCheck? check, CancellationToken cancellationToken, TargetEndpoints? host = null)
    {
        _host = (host ?? _target)?.Index ?? 0;
        int status;
        int length;
        string? wwwAuthenticate = null;
        var retryAfter = false;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            length = await ReadBodyAsync(response, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                wwwAuthenticate = response.Headers.WwwAuthenticate.ToString();
            }

            retryAfter = response.Headers.RetryAfter is not null;
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
            var error = OAuthJson.ErrorOf(body.Span) ?? OAuthJson.BearerErrorOf(wwwAuthenticate) ?? $"expected {(int)expected}";
            // The product's 503s say when to come back (Retry-After, RFC 9110 §10.2.3): one that does not is counted apart.
            Fail(step, StatusText(status), status == (int)HttpStatusCode.ServiceUnavailable && !retryAfter ? error + ", no Retry-After" : error);
            return new Reply(false, status, body, retryAfter);
        }

        if (check?.Invoke(body.Span) is { } problem)
        {
            Fail(step, StatusText(status), problem);
            return new Reply(false, status, body, retryAfter);
        }

        stats.RecordRequest(step, latency, _measured, _host);
        return new Reply(true, status, body, retryAfter);
    }

    /// <summary>Counts a failure the scenario found itself; the iteration fails.</summary>
    public void Fail(int step, string status, string? error)
    {
        _failed = true;
        stats.RecordFailure(step, status, error, scenario.Steps[step], _measured, _host);
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
