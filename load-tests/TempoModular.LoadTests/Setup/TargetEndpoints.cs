namespace TempoModular.LoadTests.Setup;

/// <summary>
/// The product's endpoints the runner drives, under one base URL: one host of
/// the run, the <see cref="Index"/>-th given on the command line.
/// </summary>
internal sealed class TargetEndpoints
{
    public TargetEndpoints(Uri baseUrl, int index = 0)
    {
        // A base without a trailing slash would drop its last segment when combined.
        Base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        Index = index;
        Label = LabelOf(Base);
        Token = new Uri(Base, "oauth/token");
        Introspect = new Uri(Base, "oauth/introspect");
        Revoke = new Uri(Base, "oauth/revoke");
        Authorize = new Uri(Base, "oauth/authorize");
        Worklogs = new Uri(Base, "4/worklogs");
        Applications = new Uri(Base, "api/admin/applications");
        Ready = new Uri(Base, "health/ready");
    }

    public Uri Base { get; }

    /// <summary>Position in the run's targets: where its per-host figures are kept.</summary>
    public int Index { get; }

    /// <summary>How the reports name the host: host, port and any path, without the scheme.</summary>
    public string Label { get; }

    public Uri Token { get; }

    public Uri Introspect { get; }

    public Uri Revoke { get; }

    public Uri Authorize { get; }

    public Uri Worklogs { get; }

    public Uri Applications { get; }

    public Uri Ready { get; }

    public static string LabelOf(Uri baseUrl) => baseUrl.Authority + baseUrl.AbsolutePath.TrimEnd('/');

    public Uri Application(string clientId) => new(Base, "api/admin/applications/" + Uri.EscapeDataString(clientId));
}

/// <summary>Setup could not provision what a scenario needs; the message says what and why.</summary>
internal sealed class SetupException(string message) : Exception(message);
