namespace TempoModular.LoadTests.Setup;

/// <summary>The product's endpoints the runner drives, under one base URL.</summary>
internal sealed class TargetEndpoints
{
    public TargetEndpoints(Uri baseUrl)
    {
        // A base without a trailing slash would drop its last segment when combined.
        Base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        Token = new Uri(Base, "oauth/token");
        Introspect = new Uri(Base, "oauth/introspect");
        Revoke = new Uri(Base, "oauth/revoke");
        Authorize = new Uri(Base, "oauth/authorize");
        Worklogs = new Uri(Base, "4/worklogs");
        Applications = new Uri(Base, "api/admin/applications");
        Ready = new Uri(Base, "health/ready");
    }

    public Uri Base { get; }

    public Uri Token { get; }

    public Uri Introspect { get; }

    public Uri Revoke { get; }

    public Uri Authorize { get; }

    public Uri Worklogs { get; }

    public Uri Applications { get; }

    public Uri Ready { get; }

    public Uri Application(string clientId) => new(Base, "api/admin/applications/" + Uri.EscapeDataString(clientId));
}

/// <summary>Setup could not provision what a scenario needs; the message says what and why.</summary>
internal sealed class SetupException(string message) : Exception(message);
