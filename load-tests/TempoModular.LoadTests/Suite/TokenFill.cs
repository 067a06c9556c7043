using System.Net;
using TempoModular.LoadTests.Scenarios;
using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Suite;

/// <summary>
/// Fills an application's token set, untimed: client-credentials requests to
/// the real token endpoint, as many at once as there are connections, every
/// token left active. The counts can be read while it runs, for progress.
/// </summary>
internal sealed class TokenFill(HttpClient http, ScenarioSetup setup, RegisteredApplication application)
{
    private readonly FormBody _request = TokenRequests.ClientCredentials(application);
    private long _issued;
    private long _refused;

    public long Issued => Interlocked.Read(ref _issued);

    /// <summary>Requests answered with anything but 200, or not answered at all; not retried.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Sends <paramref name="requests"/> more token requests, <paramref name="concurrency"/> at a time.</summary>
    public Task IssueAsync(long requests, int concurrency, CancellationToken cancellationToken)
    {
        var remaining = requests;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                try
                {
                    using var response = await http.SendAsync(_request.Post(setup.Target.Token), cancellationToken);
                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref _issued : ref _refused);
                }
                catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // A lost connection or a timeout costs one token, not the fill.
                    Interlocked.Increment(ref _refused);
                }
            }
        }, cancellationToken)));
    }
}
